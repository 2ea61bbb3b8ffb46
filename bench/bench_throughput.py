"""Text PDF throughput of ``docflow classify`` against pypdfium2 and MarkItDown.

Run from the repository root (MarkItDown comes with ``pip install -e .[bench]``):

    .venv/bin/python bench/bench_throughput.py [--copies 8] [--workers N]
                                               [--rounds 3] [--no-markitdown]

Documents: the labeled PDFs of ../shared/corpus whose every page docflow
reads from the text layer (no OCR), each copied ``--copies`` times into a
temporary folder with a unique ``%docflow-copy N`` line after ``%%EOF``, so
no two copies share a content hash.

Three commands run on the same files with the same number of processes,
each timed from start to exit, so interpreter start-up counts for all:

- ``docflow classify --workers N`` with an empty database and extraction
  cache per run (``analyze`` when the classifier model is not installed);
- plain pypdfium2: this script with ``--run pdfium``, a pool of N processes
  that open each PDF and read the text of every page;
- MarkItDown: this script with ``--run markitdown``, a pool of N processes
  that convert each PDF to Markdown. MarkItDown is slow, so by default it
  converts one copy of each corpus file (``--markitdown-copies``), and the
  ratio compares pages per second.

``docflow classify`` reads a document only until it has
``classification.first_chars`` characters, plus a PDF's last page, and reads
on to ``classification.max_chars`` only when that leaves the category
undecided, while the baselines read every page. Pages per second count
every page of every file for all three, and the script prints how many
pages docflow read.

The commands run in turn, ``--rounds`` times, and the best time of each
gives the ratio. Targets: docflow >= 0.8x pypdfium2's pages per second and
>= 20x MarkItDown's.

The script also times each result line of docflow and each file of the
pypdfium2 pool as it arrives, and prints both rates between the 10% and the
90% result (the steady state) with the time of the first result. The
whole-run ratio is the target's figure; the steady-state one shows how much
of the gap is start-up, which a larger ``--copies`` spreads thinner.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    CORPUS,
    build_copies,
    count_pdf_pages,
    describe_docflow_run,
    describe_machine,
    extract_pdfium_texts,
    measure_interleaved,
    pick_command,
    require_corpus,
    run_docflow,
    select_text_pdfs,
)

PDFIUM_TARGET = 0.8
MARKITDOWN_TARGET = 20.0
_converter = None


# --- baselines, run in a child process of this script ------------------------


def read_with_pdfium(path: str) -> tuple[int, int, float]:
    """Read the text of every page of ``path``.

    Returns the characters read, the pages, and when the file was done
    (``time.monotonic``, one clock for all processes on Linux).
    """
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        characters = sum(len(text) for text in extract_pdfium_texts(pdf))
        return characters, len(pdf), time.monotonic()
    finally:
        pdf.close()


def start_markitdown() -> None:
    global _converter
    from markitdown import MarkItDown

    _converter = MarkItDown()


def convert_with_markitdown(path: str) -> tuple[int, int, float]:
    """Convert ``path`` to Markdown, returning as ``read_with_pdfium`` does."""
    characters = len(_converter.convert(path).text_content)
    return characters, count_pdf_pages(Path(path)), time.monotonic()


def run_baseline(name: str, list_file: Path, workers: int) -> None:
    """Process the files named in ``list_file`` with ``workers`` processes.

    Prints the page count of each file and when its process finished it,
    so the parent can time the steady state as it does docflow's result
    lines. Results come back a chunk at a time, so the time of each file is
    taken in the process that read it.
    """
    paths = list_file.read_text().splitlines()
    if name == "pdfium":
        function, initializer = read_with_pdfium, None
    else:
        function, initializer = convert_with_markitdown, start_markitdown
    chunk = max(1, len(paths) // (workers * 8))
    characters = 0
    with ProcessPoolExecutor(workers, initializer=initializer) as pool:
        for read, pages, done in pool.map(function, paths, chunksize=chunk):
            characters += read
            print(pages, done, flush=True)
    if characters == 0:
        sys.exit(f"{name}: no text read from {len(paths)} files")


@dataclass
class BaselineRun:
    """Wall time of one baseline run and when each file was done."""

    seconds: float
    pages: list[int]
    arrivals: list[float]


def time_baseline(name: str, list_file: Path, workers: int) -> BaselineRun:
    argv = [sys.executable, __file__, "--run", name, "--workers", str(workers)]
    pages: list[int] = []
    arrivals: list[float] = []
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        clock = time.monotonic()
        process = subprocess.Popen(
            [*argv, "--list", str(list_file)], stdout=subprocess.PIPE, stderr=errors
        )
        assert process.stdout is not None
        for line in process.stdout:
            count, done = line.split()
            pages.append(int(count))
            arrivals.append(float(done) - clock)
        returncode = process.wait()
        elapsed = time.perf_counter() - started
        if returncode != 0:
            errors.seek(0)
            sys.exit(
                f"{name} baseline failed:\n{errors.read().decode(errors='replace')}"
            )
    order = sorted(range(len(arrivals)), key=arrivals.__getitem__)
    return BaselineRun(elapsed, [pages[i] for i in order], [arrivals[i] for i in order])


# --- the comparison ----------------------------------------------------------


def has_markitdown() -> bool:
    try:
        import markitdown  # noqa: F401
    except ImportError:
        return False
    return True


def compare(arguments: argparse.Namespace, workdir: Path) -> None:
    sources = select_text_pdfs(require_corpus(arguments.corpus))
    if not sources:
        sys.exit(f"no text PDFs found under {arguments.corpus / 'labeled'}")
    command = pick_command(arguments.command)
    folder = workdir / "documents"
    copies = build_copies(sources, folder, len(sources) * arguments.copies)
    pages = sum(count_pdf_pages(path) for path in sources) * arguments.copies
    list_file = write_list(workdir / "files.txt", copies)
    markitdown_copies = min(arguments.markitdown_copies, arguments.copies)
    markitdown_list = write_list(
        workdir / "markitdown.txt", copies[: len(sources) * markitdown_copies]
    )
    pages_by_label = {
        f"docflow {command}": pages,
        "pypdfium2 text": pages,
        "markitdown": pages * markitdown_copies // arguments.copies,
    }
    workers = arguments.workers

    print(describe_machine())
    print(
        f"{len(copies)} text PDFs ({len(sources)} corpus files x {arguments.copies}"
        f" copies), {pages} pages, {workers} processes, best of {arguments.rounds}"
    )

    runs = []

    def docflow_run(number: int) -> float:
        run = run_docflow(command, folder, workers, workdir / f"state-{number}")
        if len(run.records) != len(copies):
            sys.exit(
                f"docflow printed {len(run.records)} results for {len(copies)} files"
            )
        runs.append(run)
        return run.seconds

    pdfium_runs: list[BaselineRun] = []

    def pdfium_run(_: int) -> float:
        pdfium_runs.append(time_baseline("pdfium", list_file, workers))
        return pdfium_runs[-1].seconds

    contenders = {f"docflow {command}": docflow_run, "pypdfium2 text": pdfium_run}
    if arguments.markitdown and has_markitdown():
        contenders["markitdown"] = lambda _: (
            time_baseline("markitdown", markitdown_list, workers).seconds
        )
    elif arguments.markitdown:
        print("markitdown is not installed: pip install -e '.[bench]'")
    run_docflow(command, folder, workers, workdir / "warm-up")  # fills the OS cache
    timings = measure_interleaved(contenders, arguments.rounds)
    report(timings, pages_by_label, f"docflow {command}")
    fastest = min(runs, key=lambda run: run.seconds)
    print(describe_docflow_run(fastest, workers))
    report_steady_state(runs, pdfium_runs)
    print(describe_pages_read(fastest.records, pages))


def describe_pages_read(records: list[dict], pages: int) -> str:
    """Say how many of the pages docflow read the text of.

    ``classify`` stops reading a document once it has
    ``classification.first_chars`` characters (plus a PDF's last page), or
    ``max_chars`` when the first pages leave it undecided, and the page rates
    above count every page of every document all the same.
    """
    read = sum(
        record["pages_read"] if record.get("pages_read") is not None else 0
        for record in records
    )
    if not any(record.get("pages_read") is not None for record in records):
        return "pages read: not reported by this docflow"
    return (
        f"pages read: {read} of {pages}; classification alone stops reading a "
        "document at classification.first_chars characters plus its last page, "
        "or at max_chars when that leaves it undecided"
    )


def steady_rate(pages: list[int], arrivals: list[float]) -> float | None:
    """Return the pages per second between the 10% and the 90% result.

    Start-up (interpreters, imports, the MCP handshake) and the last
    results, when one process may already be idle, fall outside the window.
    Pages are counted for the results that arrived in it.
    """
    count = len(arrivals)
    first, last = count // 10, count - 1 - count // 10
    elapsed = arrivals[last] - arrivals[first]
    if last <= first or elapsed <= 0:
        return None
    return sum(pages[first + 1 : last + 1]) / elapsed


def report_steady_state(docflow_runs: list, pdfium_runs: list[BaselineRun]) -> None:
    """Print the best steady-state rates and when the first results came."""
    docflow_rates = [
        steady_rate([record.get("pages") or 0 for record in run.records], run.arrivals)
        for run in docflow_runs
    ]
    pdfium_rates = [steady_rate(run.pages, run.arrivals) for run in pdfium_runs]
    docflow_rates = [rate for rate in docflow_rates if rate]
    pdfium_rates = [rate for rate in pdfium_rates if rate]
    if not docflow_rates or not pdfium_rates:
        print("steady state: too few results to measure")
        return
    docflow, pdfium = max(docflow_rates), max(pdfium_rates)
    first_docflow = min(run.arrivals[0] for run in docflow_runs if run.arrivals)
    first_pdfium = min(run.arrivals[0] for run in pdfium_runs if run.arrivals)
    print(
        f"steady state (10% to 90% of the results, best round): docflow "
        f"{docflow:.1f} pages/s, pypdfium2 {pdfium:.1f} pages/s, "
        f"{docflow / pdfium:.2f}x; first result after {first_docflow:.2f} s "
        f"against {first_pdfium:.2f} s"
    )


def write_list(path: Path, files: list[Path]) -> Path:
    path.write_text("\n".join(str(file) for file in files) + "\n")
    return path


def report(timings, pages_by_label: dict[str, int], docflow_label: str) -> None:
    rates = {}
    for label, timing in timings.items():
        pages = pages_by_label[label]
        rates[label] = pages / timing.best
        rounds = ", ".join(f"{seconds:.2f}" for seconds in timing.seconds)
        print(
            f"{label:<18} {pages:>5} pages  best {timing.best:7.2f} s  "
            f"{rates[label]:8.1f} pages/s  (rounds: {rounds} s)"
        )
    docflow = rates[docflow_label]
    ratio = docflow / rates["pypdfium2 text"]
    verdict = "met" if ratio >= PDFIUM_TARGET else "MISSED"
    print(
        f"docflow / pypdfium2 pages per second: {ratio:.2f}x "
        f"(target >= {PDFIUM_TARGET}x: {verdict})"
    )
    if "markitdown" in timings:
        ratio = docflow / rates["markitdown"]
        verdict = "met" if ratio >= MARKITDOWN_TARGET else "MISSED"
        print(
            f"docflow / MarkItDown pages per second: {ratio:.1f}x "
            f"(target >= {MARKITDOWN_TARGET:.0f}x: {verdict})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=8, help="copies of each PDF")
    parser.add_argument(
        "--workers",
        type=int,
        default=len(os.sched_getaffinity(0)),
        help="processes for every contender (default: the CPUs available)",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--command", choices=("classify", "analyze", "process"))
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--markitdown-copies",
        type=int,
        default=1,
        help="copies of each PDF that MarkItDown converts",
    )
    parser.add_argument("--no-markitdown", dest="markitdown", action="store_false")
    parser.add_argument(
        "--run", choices=("pdfium", "markitdown"), help=argparse.SUPPRESS
    )
    parser.add_argument("--list", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.run:
        run_baseline(arguments.run, arguments.list, arguments.workers)
        return
    with tempfile.TemporaryDirectory(prefix="docflow-bench-") as folder:
        compare(arguments, Path(folder))


if __name__ == "__main__":
    main()
