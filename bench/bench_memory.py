"""Resident memory of docflow: peak per worker on a 400-page PDF, and drift
over a long run.

Run from the repository root:

    .venv/bin/python bench/bench_memory.py [--docs 10000] [--workers N]
                                           [--skip-large] [--skip-long]

RSS is read from /proc/PID/status (VmRSS now, VmHWM the peak so far) of the
``docflow`` process and all its descendants, every ``--interval`` seconds.
Processes are named by role: ``cli`` (the docflow command), ``server`` (MCP
servers), ``template`` (the worker template, which has loaded the parsers
and the model), ``worker`` (sandboxed document workers, which the template
forks for the servers). A forked worker shares the template's memory until
it writes to it, and its RSS counts those shared pages too.

1. Large document: ``docflow classify --workers 1`` on a copy of the
   400-page PDF ``edge/unst__pdf2image-memory-error-test-400p.pdf``, with an
   empty database and cache. It prints the peak RSS of each process, against
   a baseline measured in the same run: a bare Python process that reads the
   text of every page with pypdfium2. Target: peak RSS per worker < 400 MB.
2. Long run: ``docflow process`` (``analyze`` without the classifier model)
   on ``--docs`` small Markdown and text files, copies of the labeled ones
   under 16 KB with a unique last line. For the command and the MCP
   servers it prints the RSS when the first 10% of results are out (after
   warm-up: the model is loaded and the first results are written to
   DuckDB) and just before the last result, and the growth per 1,000
   documents. Workers are replaced every ``workers.recycle_after``
   documents, so for them it compares the peak RSS of the first and the
   last replaced worker. Target: flat, meaning each end figure is at most
   10% above its start figure. The command imports DuckDB at its first
   write, about 2 s into the run, so with fewer than about 2,000 documents
   that one-time step falls after the start sample and reads as growth.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    CORPUS,
    MEMORY_TEST_PDF,
    TEXT_SUFFIXES,
    MemorySample,
    TreeSampler,
    build_copies,
    describe_machine,
    docflow_command,
    docflow_environment,
    format_mb,
    has_classifier_model,
    require_corpus,
)

WORKER_LIMIT_MB = 400
FLAT_GROWTH = 0.10
SMALL_FILE_BYTES = 16 * 1024
ROLES = ("cli", "server", "worker")
# The worker template runs unless workers.fork_workers is off.
OPTIONAL_ROLES = ("template",)
# The baseline reads VmHWM, not ru_maxrss, because Linux keeps ru_maxrss
# across execve, so it could report the larger forked parent.
BASELINE_SCRIPT = """
import sys
import pypdfium2 as pdfium
pdf = pdfium.PdfDocument(sys.argv[1])
for index in range(len(pdf)):
    page = pdf[index]
    textpage = page.get_textpage()
    textpage.get_text_bounded()
    textpage.close()
    page.close()
pdf.close()
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print(line.split()[1])
"""


class LineCounter:
    """Count the lines a process writes to its stdout, in a thread."""

    def __init__(self, stream) -> None:
        self.count = 0
        self._thread = threading.Thread(target=self._read, args=(stream,))
        self._thread.start()

    def _read(self, stream) -> None:
        for _line in stream:
            self.count += 1

    def join(self) -> None:
        self._thread.join()


def run_sampled(
    argv: list[str], env: dict[str, str], interval: float, log_path: Path
) -> tuple[TreeSampler, int, float]:
    """Run ``argv`` while sampling its process tree; return the sampler, the
    number of result lines and the wall time."""
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            argv, env=env, stdout=subprocess.PIPE, stderr=log, bufsize=0
        )
        lines = LineCounter(process.stdout)
        with TreeSampler(process.pid, interval, lambda: lines.count) as sampler:
            process.wait()
        lines.join()
    elapsed = time.perf_counter() - started
    if process.returncode not in (0, 1):
        sys.exit(
            f"{' '.join(argv)} exited with {process.returncode}; see its log:\n"
            f"{log_path.read_text(errors='replace')[-3000:]}"
        )
    return sampler, lines.count, elapsed


# --- 1. the 400-page PDF -----------------------------------------------------


def measure_baseline_peak_kb(path: Path) -> int:
    completed = subprocess.run(
        [sys.executable, "-c", BASELINE_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(completed.stdout.strip())


def measure_large(arguments: argparse.Namespace, workdir: Path) -> None:
    source = arguments.corpus / MEMORY_TEST_PDF
    if not source.is_file():
        print(f"skipping the large document: {source} not found")
        return
    folder = workdir / "large"
    (copy,) = build_copies([source], folder, 1)
    command = "classify" if has_classifier_model() else "analyze"
    argv = [*docflow_command(), command, "--workers", "1", "-f", "jsonl", str(copy)]
    env = docflow_environment(workdir / "large-state")
    sampler, lines, elapsed = run_sampled(
        argv, env, arguments.interval, workdir / "large.log"
    )
    baseline = measure_baseline_peak_kb(copy)

    print(f"\n1. docflow {command} --workers 1 on {source.name} ({elapsed:.1f} s)")
    print(f"   bare pypdfium2 text extraction, peak RSS {format_mb(baseline)}")
    for role in (*ROLES, *OPTIONAL_ROLES):
        for memory in sampler.by_role(role):
            print(
                f"   {role:<7} pid {memory.pid:<7} peak RSS "
                f"{format_mb(memory.peak_hwm):>10}  "
                f"({memory.peak_hwm / baseline:.1f}x bare pypdfium2)"
            )
    workers = sampler.by_role("worker")
    if not workers or lines != 1:
        print(f"   no worker seen or no result printed ({lines} lines)")
        return
    peak_mb = max(memory.peak_hwm for memory in workers) / 1024
    verdict = "met" if peak_mb < WORKER_LIMIT_MB else "MISSED"
    print(
        f"   peak RSS per worker {peak_mb:.1f} MB (target < {WORKER_LIMIT_MB} MB: "
        f"{verdict})"
    )


# --- 2. many small documents -------------------------------------------------


def pick_small_texts(corpus: Path) -> list[Path]:
    return sorted(
        path
        for path in (corpus / "labeled").rglob("*")
        if path.suffix.lower() in TEXT_SUFFIXES
        and path.stat().st_size <= SMALL_FILE_BYTES
    )


def choose_sample(
    samples: list[MemorySample], *, at_least: int, last: bool
) -> MemorySample | None:
    """Return the first (or last) sample with every role alive and at least
    ``at_least`` documents done."""
    candidates = [
        sample
        for sample in samples
        if sample.progress >= at_least and all(role in sample.rss_kb for role in ROLES)
    ]
    if not candidates:
        return None
    return candidates[-1] if last else candidates[0]


def print_timeline(samples: list[MemorySample], docs: int) -> None:
    columns = ROLES + tuple(
        role for role in OPTIONAL_ROLES if any(role in s.rss_kb for s in samples)
    )
    print("   documents   " + "".join(f"{role:>12}" for role in columns))
    mark = 0
    for sample in samples:
        if sample.progress < mark or not all(r in sample.rss_kb for r in ROLES):
            continue
        row = "".join(
            f"{format_mb(sample.rss_kb[role]) if role in sample.rss_kb else '-':>12}"
            for role in columns
        )
        print(f"   {sample.progress:>9}   {row}")
        mark = sample.progress + max(1, docs // 10)


def measure_long(arguments: argparse.Namespace, workdir: Path) -> None:
    sources = pick_small_texts(arguments.corpus)
    if not sources:
        print("skipping the long run: no small text files in the corpus")
        return
    docs = arguments.docs
    folder = workdir / "texts"
    build_copies(sources, folder, docs)
    command = "process" if has_classifier_model() else "analyze"
    argv = [*docflow_command(), command, "-f", "jsonl", "-q", str(folder)]
    if arguments.workers:
        argv[len(docflow_command()) + 1 : 0] = ["--workers", str(arguments.workers)]
    env = docflow_environment(workdir / "long-state")
    sampler, lines, elapsed = run_sampled(
        argv, env, arguments.interval, workdir / "long.log"
    )

    workers = arguments.workers or len(os.sched_getaffinity(0))
    print(
        f"\n2. docflow {command} --workers {workers} on {docs} small text files "
        f"({len(sources)} corpus files repeated): {lines} results in "
        f"{elapsed:.1f} s ({lines / elapsed:.1f} documents/s)"
    )
    print_timeline(sampler.samples, docs)
    start = choose_sample(sampler.samples, at_least=max(1, docs // 10), last=False)
    end = choose_sample(sampler.samples, at_least=0, last=True)
    if start is None or end is None or end.progress <= start.progress:
        print("   too few samples to compare; run with more --docs")
        return
    for role in ("cli", "server", *OPTIONAL_ROLES):
        if role in start.rss_kb and role in end.rss_kb:
            print_growth(role, start, end)
    print_worker_peaks(sampler)


def print_growth(role: str, start: MemorySample, end: MemorySample) -> None:
    first, last = start.rss_kb[role], end.rss_kb[role]
    growth = (last - first) / first
    per_thousand = (last - first) / 1024 / (end.progress - start.progress) * 1000
    verdict = "flat" if growth <= FLAT_GROWTH else "GROWING"
    print(
        f"   {role:<7} RSS {format_mb(first):>10} after {start.progress:>5} "
        f"documents, {format_mb(last):>10} after {end.progress:>5}: "
        f"{last / first:.2f}x, {per_thousand:+.1f} MB per 1,000 documents "
        f"({verdict}; target <= +{FLAT_GROWTH:.0%})"
    )


def print_worker_peaks(sampler: TreeSampler) -> None:
    """Compare the peak RSS of the first and the last replaced worker.

    Workers are replaced every ``workers.recycle_after`` documents, so the
    sum of worker RSS at two moments depends on how long each has served.
    A worker's peak RSS over its whole life does not.
    """
    workers = sampler.by_role("worker")
    final = max(memory.last_progress for memory in workers)
    retired = [memory for memory in workers if memory.last_progress < final]
    peaks = " ".join(f"{memory.peak_hwm / 1024:.0f}" for memory in workers)
    print(
        f"   worker  peak RSS of the {len(workers)} workers, in start order, "
        f"in MB: {peaks}"
    )
    if len(retired) < 2:
        print("   too few workers were replaced to compare; run with more --docs")
        return
    first, last = retired[0].peak_hwm, retired[-1].peak_hwm
    verdict = "flat" if last <= first * (1 + FLAT_GROWTH) else "GROWING"
    print(
        f"   worker  peak RSS of the first replaced worker {format_mb(first)}, of "
        f"the last {format_mb(last)}: {last / first:.2f}x ({verdict}; target "
        f"<= +{FLAT_GROWTH:.0%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="long-run size")
    parser.add_argument(
        "--workers", type=int, default=0, help="long-run servers (0: one per CPU)"
    )
    parser.add_argument(
        "--interval", type=float, default=0.2, help="seconds between samples"
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--skip-long", action="store_true")
    arguments = parser.parse_args()
    require_corpus(arguments.corpus)
    print(describe_machine())
    with tempfile.TemporaryDirectory(prefix="docflow-bench-") as folder:
        if not arguments.skip_large:
            measure_large(arguments, Path(folder))
        if not arguments.skip_long:
            measure_long(arguments, Path(folder))


if __name__ == "__main__":
    main()
