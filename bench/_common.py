"""Shared helpers of bench_throughput, bench_ocr and bench_memory.

- where the shared corpus is and which of its PDFs are text or scanned PDFs;
- unique copies of corpus files in a temporary folder, so the content-hash
  caches cannot make a copy free;
- running ``docflow`` as a real command with its own empty database and
  extraction cache;
- reading resident memory (RSS) of a process tree from ``/proc``, without
  psutil, while the tree runs.

Corpus files are never copied into the repository: every copy goes to a
temporary folder that the benchmark removes when it ends.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

#: Scanned pages whose text is upright, so docflow runs tesseract once per
#: page, like the bare command. Upside-down and skewed scans are left out
#: because docflow runs tesseract a second time on them to turn them upright.
SCANNED_PDFS = (
    "edge/docling__ocr_test.pdf",
    "edge/ocrmy__ccitt.pdf",
    "labeled/letter/docling__sample_with_rotation_mismatch.pdf",
)
MEMORY_TEST_PDF = "edge/unst__pdf2image-memory-error-test-400p.pdf"
TEXT_SUFFIXES = {".md", ".txt"}


def require_corpus(corpus: Path = CORPUS) -> Path:
    """Return ``corpus``, or exit with a message when it is missing."""
    if not corpus.is_dir():
        sys.exit(f"corpus folder {str(corpus)!r} not found; pass --corpus DIR")
    return corpus


# --- picking and copying documents -------------------------------------------


def count_pdf_pages(path: Path) -> int:
    """Return the page count PDFium reads from ``path``."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def select_text_pdfs(corpus: Path, min_page_chars: int = 16) -> list[Path]:
    """Return labeled PDFs whose every page docflow reads from the text layer.

    Such files need no OCR, so their extraction time is PDFium's text
    extraction plus docflow's checks on the text.
    """
    import pypdfium2 as pdfium

    from docflow.core.config import Settings
    from docflow.core.extract import extract_document

    settings = Settings()
    selected = []
    for path in sorted((corpus / "labeled").rglob("*.pdf")):
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:
            continue
        try:
            texts = list(extract_pdfium_texts(pdf))
        finally:
            pdf.close()
        if not texts or any(len(text.strip()) < min_page_chars for text in texts):
            continue
        document = extract_document(str(path), settings)
        if all(
            page.method == "text_layer" and "garbage_text" not in page.flags
            for page in document.pages
        ):
            selected.append(path)
    return selected


def extract_pdfium_texts(pdf) -> Iterable[str]:
    """Yield the text of every page of an open ``pypdfium2.PdfDocument``."""
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        try:
            yield textpage.get_text_bounded()
        finally:
            textpage.close()
            page.close()


def write_unique_copy(source: Path, target: Path, number: int) -> None:
    """Copy ``source`` to ``target`` with a trailing marker unique to ``number``.

    PDFs get a comment line after ``%%EOF``, which PDF readers skip; text
    files get a last line. Other formats are copied unchanged, so copies of
    them share a content hash.
    """
    shutil.copyfile(source, target)
    suffix = source.suffix.lower()
    if suffix == ".pdf":
        marker = f"\n%docflow-copy {number}\n"
    elif suffix in TEXT_SUFFIXES:
        marker = f"\n\ndocflow copy {number}\n"
    else:
        return
    with open(target, "a", encoding="ascii") as handle:
        handle.write(marker)


def build_copies(sources: Sequence[Path], folder: Path, count: int) -> list[Path]:
    """Write ``count`` unique copies of ``sources``, round-robin, into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for number in range(count):
        source = sources[number % len(sources)]
        target = folder / f"{number:05d}-{source.name}"
        write_unique_copy(source, target, number)
        copies.append(target)
    return copies


# --- running docflow ---------------------------------------------------------


def docflow_command() -> list[str]:
    """Return the argv prefix that runs the installed ``docflow`` entry point."""
    script = Path(sys.executable).with_name("docflow")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from docflow.cli.main import run; run()"]


#: Compiled docflow modules shared by the processes of every benchmark run.
BYTECODE_DIR = Path(tempfile.gettempdir()) / "docflow-bench-pycache"


def with_bytecode_cache(env: dict[str, str]) -> dict[str, str]:
    """Let the docflow processes of ``env`` keep compiled modules, as pip installs do.

    With PYTHONDONTWRITEBYTECODE set (as on the machines these figures come
    from) and an editable install, every command, server and worker compiles
    docflow's modules again, about 30 ms of CPU each. An installed docflow
    has them compiled, so the benchmarks keep them in ``BYTECODE_DIR``.
    """
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(BYTECODE_DIR)
    return env


def docflow_environment(state_dir: Path) -> dict[str, str]:
    """Return an environment with default settings and state under ``state_dir``.

    DOCFLOW_* variables of the caller are dropped and no docflow.toml is
    read, so every run starts from the defaults with an empty database and
    an empty extraction cache. Compiled modules are kept (``with_bytecode_cache``).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    with_bytecode_cache(env)
    state_dir.mkdir(parents=True, exist_ok=True)
    env["DOCFLOW_CONFIG"] = os.devnull
    env["DOCFLOW_DB"] = str(state_dir / "docflow.duckdb")
    env["DOCFLOW_STORE_CACHE_DIR"] = str(state_dir / "cache")
    return env


def has_classifier_model() -> bool:
    """Return True when the classifier model is installed."""
    from docflow.core.classify import model_version
    from docflow.core.config import Settings
    from docflow.errors import ModelError

    try:
        model_version(Settings())
    except ModelError:
        return False
    return True


def pick_command(requested: str | None) -> str:
    """Return ``requested``, or ``classify`` when the model is installed and
    ``analyze`` otherwise."""
    if requested:
        return requested
    if has_classifier_model():
        return "classify"
    print("classifier model not installed: measuring 'docflow analyze' instead")
    return "analyze"


@dataclass
class DocflowRun:
    """Wall time of one ``docflow`` command and the JSON records it printed."""

    seconds: float
    records: list[dict]
    #: Seconds from the start at which each record's line was read, in order.
    arrivals: list[float] = field(default_factory=list)

    def count_not_ok(self) -> int:
        return sum(1 for record in self.records if record.get("status") != "ok")

    def sum_document_seconds(self) -> float:
        """Return the summed time the workers spent on the documents."""
        return sum(record.get("duration_ms") or 0.0 for record in self.records) / 1000


def describe_docflow_run(run: DocflowRun, workers: int) -> str:
    """Split a run's wall time into document work and everything else."""
    busy = run.sum_document_seconds() / workers
    return (
        f"fastest docflow run: {run.seconds:.2f} s wall, of which documents "
        f"{busy:.2f} s per worker (sum of duration_ms / {workers}); the other "
        f"{run.seconds - busy:.2f} s are start-up, MCP, storage and idle workers; "
        f"{run.count_not_ok()} results not ok"
    )


def run_docflow(
    command: str,
    folder: Path,
    workers: int,
    state_dir: Path,
    extra_env: dict[str, str] | None = None,
) -> DocflowRun:
    """Run ``docflow COMMAND`` on ``folder`` with a cold cache and time it.

    ``extra_env`` adds settings (``DOCFLOW_...`` variables) to the defaults.
    """
    argv = [
        *docflow_command(),
        command,
        "--workers",
        str(workers),
        "--format",
        "jsonl",
        "-q",
        str(folder),
    ]
    env = docflow_environment(state_dir)
    env.update(extra_env or {})
    lines: list[bytes] = []
    arrivals: list[float] = []
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=errors)
        assert process.stdout is not None
        for line in process.stdout:  # each result as docflow prints it
            arrivals.append(time.perf_counter() - started)
            lines.append(line)
        returncode = process.wait()
        elapsed = time.perf_counter() - started
        if returncode not in (0, 1):
            errors.seek(0)
            sys.exit(
                f"{' '.join(argv)} exited with {returncode}:\n"
                f"{errors.read().decode(errors='replace')[-3000:]}"
            )
    records = [json.loads(line) for line in lines]
    return DocflowRun(elapsed, records, arrivals)


# --- timing ------------------------------------------------------------------


@dataclass
class Timings:
    """Wall times of one contender over several rounds, in seconds."""

    label: str
    seconds: list[float] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def measure_interleaved(
    contenders: dict[str, Callable[[int], float]], rounds: int
) -> dict[str, Timings]:
    """Run every contender once per round, in turn, and collect wall times.

    Each callable gets the round number and returns its own wall time, so it
    can leave set-up work (a fresh state folder) out of the time. Running
    the contenders in turn spreads the load of other programs on the
    machine over all of them.
    """
    timings = {label: Timings(label) for label in contenders}
    for number in range(rounds):
        for label, run in contenders.items():
            timings[label].seconds.append(run(number))
    return timings


def describe_machine() -> str:
    """Return one line naming the CPU, core count, load and Python version."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0))
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{model}, {cores} cores available, load average {load}, "
        f"Python {platform.python_version()}"
    )


# --- resident memory from /proc ----------------------------------------------


def read_memory_kb(pid: int) -> tuple[int, int] | None:
    """Return (VmRSS, VmHWM) of ``pid`` in kB, or None when it has exited.

    VmHWM is the peak resident set size over the life of the process.
    """
    rss = hwm = None
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except (OSError, ValueError):
        return None
    if rss is None or hwm is None:
        return None  # a zombie has no memory lines
    return rss, hwm


def list_descendants(root: int) -> list[int]:
    """Return the pids of every live descendant of ``root``."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(
                f"/proc/{entry.name}/stat", encoding="ascii", errors="replace"
            ) as fh:
                stat = fh.read()
        except OSError:
            continue
        # The command name in brackets may contain spaces, so split after it.
        fields = stat.rpartition(")")[2].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: list[int] = []
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def read_process_name(pid: int) -> str:
    """Return the name in ``/proc/PID/comm``, or "" when it cannot be read."""
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as fh:
            return fh.read().strip()
    except OSError:
        return ""


def describe_role(pid: int, root: int) -> str:
    """Name a docflow process: cli, server, template, worker, tesseract or other."""
    if pid == root:
        return "cli"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmdline = fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "other"
    if "_server" in cmdline and "docflow.mcp" in cmdline:
        return "server"
    # A forked process's name says what it is; its cmdline may not.
    name = read_process_name(pid)
    if name.startswith("docflow-templat"):  # the kernel keeps 15 bytes
        return "template"
    if name == "docflow-worker" or "run_child" in cmdline:
        return "worker"
    if name.startswith("docflow-"):
        return "server"
    if "tesseract" in cmdline:
        return "tesseract"
    return "other"


@dataclass
class ProcessMemory:
    """Memory samples of one process, in kB."""

    pid: int
    role: str
    first_rss: int
    last_rss: int
    peak_hwm: int
    first_progress: int
    last_progress: int


@dataclass
class MemorySample:
    """Summed RSS per role at one moment, with the documents done by then."""

    seconds: float
    progress: int
    rss_kb: dict[str, int]


class TreeSampler:
    """Sample RSS of a process and its descendants in a background thread.

    ``progress`` is called at each sample and returns how many documents are
    done, so samples can be related to the position in the run.
    """

    def __init__(
        self, root: int, interval: float, progress: Callable[[], int] = lambda: 0
    ) -> None:
        self.root = root
        self.interval = interval
        self.progress = progress
        self.processes: dict[int, ProcessMemory] = {}
        self.samples: list[MemorySample] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = time.perf_counter()

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        done = self.progress()
        totals: dict[str, int] = {}
        for pid in [self.root, *list_descendants(self.root)]:
            memory = read_memory_kb(pid)
            if memory is None:
                continue
            rss, hwm = memory
            known = self.processes.get(pid)
            if known is None:
                role = describe_role(pid, self.root)
                known = ProcessMemory(pid, role, rss, rss, hwm, done, done)
                self.processes[pid] = known
            elif known.role == "other":
                # A new interpreter names itself (setproctitle) after it starts.
                known.role = describe_role(pid, self.root)
            known.last_rss = rss
            known.last_progress = done
            known.peak_hwm = max(known.peak_hwm, hwm)
            totals[known.role] = totals.get(known.role, 0) + rss
        if totals:
            elapsed = time.perf_counter() - self._started
            self.samples.append(MemorySample(elapsed, done, totals))

    def by_role(self, role: str) -> list[ProcessMemory]:
        """Return the processes seen with ``role``, in the order they appeared."""
        return [memory for memory in self.processes.values() if memory.role == role]


def format_mb(kilobytes: float) -> str:
    """Format a kB figure as MB with one decimal."""
    return f"{kilobytes / 1024:.1f} MB"
