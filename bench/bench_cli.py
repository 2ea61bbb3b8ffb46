"""Measure the docflow command line: start-up, first result, and cached re-runs.

Run from the repository root:

    .venv/bin/python bench/bench_cli.py [--documents N] [--command process]
                                        [--rows N]

It prints, each against a baseline measured in the same run:

- ``docflow --help`` wall time (best of 5) against ``python -c pass``;
- the time until the first JSON line of a one-file run reaches the pipe,
  against the whole run;
- a re-run of an unchanged folder against the first run (the target is a
  ratio of at least 50), for a copy of the evaluation corpus (real PDFs,
  scans, e-mails; skipped when ../shared/corpus is absent) and for N small
  text documents, the worst case because each takes milliseconds to analyse;
- the store alone: writing N synthetic results in batches and looking all of
  them up in the result cache, against the time to build the results.

``--command`` defaults to ``process`` when the classifier model is installed
and ``analyze`` otherwise. Timings depend on the machine and on what else runs
on it; compare the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "labeled"
DOCFLOW = [sys.executable, "-c", "from docflow.cli.main import run; run()"]

TEXT = (
    "INVOICE\n\nInvoice number: INV-{number:05d}\nDate: 2026-03-01\n\n"
    "Bill to: Example Trading Ltd, 12 Market Street, Leeds\n\n"
    "Description            Qty   Price    Amount\n"
    "Office chairs            4   120.00   480.00\n"
    "Desk lamps               2    35.00    70.00\n\n"
    "Subtotal 550.00\nVAT 20% 110.00\nTotal due 660.00\n\n"
    "Payment within 30 days to account GB29 NWBK 6016 1331 9268 19.\n"
)


def environment(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    env["DOCFLOW_CONFIG"] = str(workdir / "absent.toml")
    return env


def best_of(count: int, command: list[str], env: dict[str, str], cwd: Path) -> float:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=True)
        timings.append(time.perf_counter() - started)
    return min(timings)


def measure_help(workdir: Path) -> None:
    env = environment(workdir)
    baseline = best_of(5, [sys.executable, "-c", "pass"], env, workdir)
    help_time = best_of(5, [*DOCFLOW, "--help"], env, workdir)
    print(
        f"docflow --help: {help_time:.3f} s (python -c pass {baseline:.3f} s, "
        f"ratio {help_time / baseline:.1f}x; limit 0.3 s)"
    )


def measure_first_result(workdir: Path, command: str) -> None:
    document = workdir / "single" / "invoice.txt"
    document.parent.mkdir()
    document.write_text(TEXT.format(number=1))
    env = environment(workdir)
    env["DOCFLOW_DB"] = str(workdir / "single.duckdb")
    started = time.perf_counter()
    process = subprocess.Popen(
        [*DOCFLOW, command, str(document)],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    process.stdout.readline()
    first = time.perf_counter() - started
    process.communicate()
    total = time.perf_counter() - started
    print(
        f"one-file {command}: first result after {first:.2f} s, exit after "
        f"{total:.2f} s (first/total {first / total:.2f})"
    )


def run_folder(workdir: Path, command: str, folder: Path) -> tuple[float, int]:
    started = time.perf_counter()
    completed = subprocess.run(
        [*DOCFLOW, command, "-q", str(folder)],
        cwd=workdir,
        env=environment(workdir),
        capture_output=True,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        sys.exit(f"docflow {command} failed: {completed.stderr.decode()[-2000:]}")
    return elapsed, len(completed.stdout.splitlines())


def measure_rerun(workdir: Path, command: str, folder: Path, label: str) -> None:
    first, lines = run_folder(workdir, command, folder)
    second, relines = run_folder(workdir, command, folder)
    print(
        f"{command} of {label}: first run {first:.2f} s ({lines} results), "
        f"unchanged re-run {second:.2f} s ({relines} results), "
        f"ratio {first / second:.1f}x (target >= 50x)"
    )


def write_text_folder(workdir: Path, documents: int) -> Path:
    folder = workdir / "texts"
    folder.mkdir()
    for number in range(documents):
        (folder / f"invoice-{number:05d}.txt").write_text(TEXT.format(number=number))
    return folder


def measure_store(workdir: Path, rows: int) -> None:
    from docflow.core.models import DocumentResult
    from docflow.core.store import FileStat, ResultWriter, Store

    started = time.perf_counter()
    results = [
        DocumentResult(
            path=f"/bench/{index}.txt",
            status="ok",
            content_hash=f"{index:064x}",
            size=100,
        )
        for index in range(rows)
    ]
    stats = [FileStat(r.path, 100, 1) for r in results]
    build = time.perf_counter() - started

    store = Store(workdir / "store.duckdb")
    started = time.perf_counter()
    with ResultWriter(store, fingerprint="fp", flush_rows=5000) as writer:
        for result, stat in zip(results, stats, strict=True):
            writer.add(result, stat=stat)
    write = time.perf_counter() - started

    started = time.perf_counter()
    hashes = store.lookup_hashes(stats)
    hits = store.lookup_results(
        hashes, fingerprint="fp", model_version=None, classify=False, quality=False
    )
    lookup = time.perf_counter() - started
    print(
        f"store, {rows} results: build {build:.2f} s, batched write {write:.2f} s "
        f"({write / build:.1f}x build), cache lookup {lookup:.2f} s for "
        f"{len(hits)} hits ({lookup / build:.1f}x build)"
    )


def default_command() -> str:
    from docflow.core.classify import model_version
    from docflow.core.config import Settings
    from docflow.errors import ModelError

    try:
        model_version(Settings())
    except ModelError:
        return "analyze"
    return "process"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--command", choices=("process", "classify", "analyze"))
    args = parser.parse_args()
    command = args.command or default_command()
    with tempfile.TemporaryDirectory(prefix="docflow-bench-") as folder:
        workdir = Path(folder)
        measure_help(workdir)
        measure_first_result(workdir, command)
        if CORPUS.is_dir():
            corpus = workdir / "corpus"
            shutil.copytree(CORPUS, corpus)
            count = sum(1 for path in corpus.rglob("*") if path.is_file())
            measure_rerun(workdir, command, corpus, f"{count} corpus documents")
        folder = write_text_folder(workdir, args.documents)
        measure_rerun(workdir, command, folder, f"{args.documents} text documents")
        measure_store(workdir, args.rows)


if __name__ == "__main__":
    main()
