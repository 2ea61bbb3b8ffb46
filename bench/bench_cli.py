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
  text documents, the worst case because each takes milliseconds to analyse.
  Re-runs come in two kinds: replayed from the record the first run saved
  (``cli._replay``), and reading the result cache in the database with
  ``DOCFLOW_STORE_REPLAY=false``. The first replayed re-run is printed on its
  own, then the best of 3 of each kind, with the best CPU time (user +
  system) of the 3, which depends less on what else runs on the machine;
- the store alone: writing N synthetic results in batches and looking all of
  them up in the result cache, against the time to build the results.

``--command`` defaults to ``process`` when the classifier model is installed
and ``analyze`` otherwise. Timings depend on the machine and on what else runs
on it; compare the ratios, not the absolute times.

The docflow processes keep compiled bytecode in the temporary folder
(``PYTHONPYCACHEPREFIX``), as an installed docflow has it from pip, even when
``PYTHONDONTWRITEBYTECODE`` is set. Without it every process compiles
docflow's modules again, about 30 ms of each re-run. ``--no-bytecode-cache``
measures that way.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "labeled"
# The console script's entry point, which replays unchanged runs.
DOCFLOW = [sys.executable, "-c", "from docflow.cli.launch import run; run()"]

TEXT = (
    "INVOICE\n\nInvoice number: INV-{number:05d}\nDate: 2026-03-01\n\n"
    "Bill to: Example Trading Ltd, 12 Market Street, Leeds\n\n"
    "Description            Qty   Price    Amount\n"
    "Office chairs            4   120.00   480.00\n"
    "Desk lamps               2    35.00    70.00\n\n"
    "Subtotal 550.00\nVAT 20% 110.00\nTotal due 660.00\n\n"
    "Payment within 30 days to account GB29 NWBK 6016 1331 9268 19.\n"
)


BYTECODE_CACHE = True


def environment(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    env["DOCFLOW_CONFIG"] = os.devnull
    if BYTECODE_CACHE:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
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
    # An untimed run first, so the timed one finds docflow's modules compiled
    # as an installed docflow has them.
    env["DOCFLOW_DB"] = str(workdir / "warm-up.duckdb")
    env["DOCFLOW_STORE_CACHE_DIR"] = str(workdir / "warm-up-cache")
    subprocess.run(
        [*DOCFLOW, command, str(document)], cwd=workdir, env=env, capture_output=True
    )
    env["DOCFLOW_DB"] = str(workdir / "single.duckdb")
    env["DOCFLOW_STORE_CACHE_DIR"] = str(workdir / "single-cache")
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


def run_folder(
    workdir: Path, command: str, folder: Path, extra: dict[str, str] | None = None
) -> tuple[float, float, int, bool]:
    """Run docflow on ``folder``; return wall time, CPU time, results, replayed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(
        [*DOCFLOW, command, str(folder)],
        cwd=workdir,
        env={**environment(workdir), **(extra or {})},
        capture_output=True,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode not in (0, 1):
        sys.exit(f"docflow {command} failed: {completed.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    replayed = b"nothing changed since run" in completed.stderr
    return elapsed, cpu, len(completed.stdout.splitlines()), replayed


def measure_rerun(workdir: Path, command: str, folder: Path, label: str) -> None:
    first, _, lines, _ = run_folder(workdir, command, folder)
    replays = [run_folder(workdir, command, folder) for _ in range(3)]
    if not all(replayed for _, _, _, replayed in replays):
        sys.exit(f"docflow {command} did not replay the unchanged {label}")
    without = {"DOCFLOW_STORE_REPLAY": "false"}
    lookups = [run_folder(workdir, command, folder, without) for _ in range(3)]
    print(f"{command} of {label}: first run {first:.2f} s ({lines} results)")
    for kind, reruns in (("replayed", replays), ("reading the cache", lookups)):
        wall = min(run[0] for run in reruns)
        cpu = min(run[1] for run in reruns)
        print(
            f"  unchanged re-run, {kind}: {wall:.3f} s, {cpu:.3f} s CPU "
            f"({reruns[-1][2]} results), ratio {first / wall:.1f}x (target >= 50x)"
        )
    print(
        f"  first replayed re-run {replays[0][0]:.3f} s, "
        f"ratio {first / replays[0][0]:.1f}x"
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
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="let PYTHONDONTWRITEBYTECODE apply, so each process compiles docflow",
    )
    args = parser.parse_args()
    global BYTECODE_CACHE
    BYTECODE_CACHE = not args.no_bytecode_cache
    print(f"load average {os.getloadavg()[0]:.2f}, bytecode cache {BYTECODE_CACHE}")
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
