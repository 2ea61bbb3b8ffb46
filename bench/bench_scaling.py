"""Time the orchestrator with 1 and with 2 server processes on ~200 documents.

Run from the repository root:

    .venv/bin/python bench/bench_scaling.py [--documents 200] [--rounds 3]
                                            [--with-images] [--cli]
                                            [--no-fork]

Documents: the PDF, Markdown, text and e-mail files under
../shared/corpus/labeled/ (images and DOCX too with ``--with-images``), copied
round-robin into a temporary folder until there are ``--documents`` of them.
Each copy gets a unique trailing comment or line, so no two share a content
hash and no copy is served from the extraction cache. Each run starts with
an empty cache, so both runs do the same work.

It runs classification and quality (``docflow process``) when a classifier
model is installed or given with ``--model``, quality only otherwise. It
prints the wall time of each run, the median document time the servers
reported, the documents in flight on average (sum of document times / wall
time), and the speed-up ratio of the best run of each. Under each run it
prints where the rest of the time went: when each server finished the MCP initialization
and when the first result arrived (start-up), how long each server had no
tool call in flight after that (round trips, and the tail when one server
finishes its last batch while another is still working), and the CPU time of
the orchestrator and of the processes it started. The CPU times depend less
on other programs than the wall times do. The runs with 1 and 2
workers take turns, round after round, so a burst of load from other programs
does not land on one of them only. The MCP SDK is imported before the first
run, so no run pays for it. On a machine with 2 cores the ideal ratio is
2.0, but the sandbox children, the servers and the orchestrator share those
cores, and other programs running at the same time lower it. Compare the
ratio, not the absolute times.

Because the SDK is already imported, the orchestrator forks every server
(``workers.fork_servers``), as a long-running ``docflow watch`` does. A
``docflow`` command starts its first server as a new interpreter and forks
the second once it has imported the SDK. ``--cli`` times that case instead:
``docflow process --workers N`` (``analyze`` without a model) as a
subprocess, with an empty database and cache each run. ``--no-fork``
starts every server as a new interpreter, as before servers were forked.

Reference, in the same rounds: the ceiling this machine allows. A bare
process pool (``multiprocessing``, forked after this process has imported the
pipeline and loaded the model) runs ``process_document`` over the same
documents with 1 and with 2 processes, handing out one document at a time,
largest file first (as docflow queues the longest documents first), with an
empty extraction cache each run. It has no MCP, no sandbox, no
database and no start-up. Its ratio is therefore the most 2 processes give
this workload here, and the script prints docflow's ratio against it.
``--no-reference`` skips it.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from _common import run_docflow

from docflow.core.config import Settings
from docflow.core.models import DocumentResult
from docflow.core.pipeline import process_document
from docflow.mcp.orchestrator import run_documents

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
TEXT_SUFFIXES = {".pdf", ".md", ".txt", ".eml"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".docx"}


def pick_sources(with_images: bool) -> list[Path]:
    suffixes = TEXT_SUFFIXES | (IMAGE_SUFFIXES if with_images else set())
    return sorted(
        path
        for path in (CORPUS / "labeled").rglob("*")
        if path.is_file() and path.suffix.lower() in suffixes
    )


def make_unique_copy(source: Path, target: Path, number: int) -> None:
    """Copy ``source`` and append a marker that keeps the format readable."""
    shutil.copyfile(source, target)
    suffix = source.suffix.lower()
    if suffix == ".pdf":
        marker = f"\n% docflow bench copy {number}\n".encode()
    elif suffix in {".md", ".txt", ".eml"}:
        marker = f"\n\nbench copy {number}\n".encode()
    else:
        return  # binary formats: copies share a hash; see --with-images help
    with open(target, "ab") as handle:
        handle.write(marker)


def build_documents(folder: Path, count: int, with_images: bool) -> list[str]:
    sources = pick_sources(with_images)
    if not sources:
        raise SystemExit(f"no corpus documents under {CORPUS / 'labeled'}")
    folder.mkdir(parents=True)
    paths = []
    for number in range(count):
        source = sources[number % len(sources)]
        target = folder / f"{number:04d}-{source.name}"
        make_unique_copy(source, target, number)
        paths.append(str(target))
    return paths


def has_model() -> bool:
    from docflow.core.classify._model import SHIPPED_MODEL_DIR

    return (SHIPPED_MODEL_DIR / "model.joblib").is_file()


def time_run(
    paths: list[str],
    state: Path,
    workers: int,
    classify: bool,
    model: str,
    fork: bool = True,
) -> dict:
    settings = Settings.model_validate(
        {
            "store": {"cache_dir": str(state / "cache")},
            "workers": {"count": workers, "fork_servers": fork},
            "classification": {"model_path": model},
        }
    )
    results: list[DocumentResult] = []
    finished_at: list[float] = []

    def collect(result: DocumentResult) -> None:
        results.append(result)
        finished_at.append(time.perf_counter())

    cpu_before = time.process_time()
    children_before = read_children_cpu()
    started = time.perf_counter()
    _, stats = run_documents(
        paths, settings, classify=classify, quality=True, on_result=collect
    )
    elapsed = time.perf_counter() - started
    durations = [result.duration_ms for result in results]
    servers = [server for server in stats.servers if server.ready_seconds is not None]
    return {
        "seconds": elapsed,
        "median_ms": statistics.median(durations),
        "busy": sum(durations) / 1000 / elapsed,
        "not_ok": sum(1 for result in results if not result.ok),
        "restarts": stats.restarts,
        "first_result": min(finished_at) - started,
        "ready": [server.ready_seconds for server in servers],
        # After start-up, the wall time a server spent with no tool call in
        # flight: round trips between batches, and waiting at the end of the
        # run while another server finishes its last batch.
        "idle": [
            elapsed - server.ready_seconds - server.call_seconds for server in servers
        ],
        "cpu_orchestrator": time.process_time() - cpu_before,
        "cpu_servers": read_children_cpu() - children_before,
    }


#: Settings of the reference pool's current run, inherited by its forked
#: processes.
_POOL_SETTINGS: Settings | None = None


def _pool_document(path: str) -> str:
    assert _POOL_SETTINGS is not None
    result = process_document(
        path, _POOL_SETTINGS, classify=_POOL_CLASSIFY, quality=True
    )
    return str(result.status)


_POOL_CLASSIFY = True


def warm_reference(classify: bool, model: str) -> None:
    """Import the pipeline and load the model once, before any pool forks."""
    global _POOL_CLASSIFY
    _POOL_CLASSIFY = classify
    if classify:
        from docflow.core.classify._model import load_model

        load_model(Settings.model_validate({"classification": {"model_path": model}}))


def time_pool(paths: list[str], state: Path, processes: int, model: str) -> dict:
    """Run the bare reference pool over ``paths``; return its wall time
    (``seconds``) and how many results were not ok (``not_ok``)."""
    import multiprocessing

    global _POOL_SETTINGS
    _POOL_SETTINGS = Settings.model_validate(
        {
            "store": {"cache_dir": str(state / "cache")},
            "classification": {"model_path": model},
        }
    )
    context = multiprocessing.get_context("fork")
    largest_first = sorted(paths, key=os.path.getsize, reverse=True)
    started = time.perf_counter()
    with context.Pool(processes) as pool:
        statuses = list(pool.imap_unordered(_pool_document, largest_first, chunksize=1))
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "not_ok": sum(1 for s in statuses if s != "ok")}


def read_children_cpu() -> float:
    """Return the user + system CPU seconds of the reaped child processes.

    A server reaps its document workers and they reap tesseract, so after a
    run this covers every process the orchestrator started.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def describe_run(run: dict) -> str:
    """Format the start-up, idle and CPU figures of one run."""
    ready = "/".join(f"{seconds:.2f}" for seconds in run["ready"])
    idle = "/".join(f"{seconds:.2f}" for seconds in run["idle"])
    return (
        f"    servers ready at {ready} s, first result at "
        f"{run['first_result']:.2f} s; servers idle after start-up {idle} s; "
        f"CPU: orchestrator {run['cpu_orchestrator']:.2f} s, servers and "
        f"workers {run['cpu_servers']:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs of each worker count (best kept)"
    )
    parser.add_argument(
        "--with-images",
        action="store_true",
        help="also use images and DOCX (OCR heavy; their copies share a hash, "
        "so all but the first copy of each hit the extraction cache)",
    )
    parser.add_argument(
        "--model",
        default="",
        help="classifier model folder made by 'docflow train' (default: shipped)",
    )
    parser.add_argument(
        "--no-fork",
        action="store_true",
        help="start every server as a new interpreter (workers.fork_servers = false)",
    )
    parser.add_argument(
        "--cli",
        action="store_true",
        help="time the docflow command as a subprocess instead of the orchestrator",
    )
    parser.add_argument(
        "--no-reference",
        action="store_true",
        help="skip the bare process pool that measures the machine's ceiling",
    )
    args = parser.parse_args()
    if args.cli:
        if args.model:
            parser.error("--cli runs the installed model; drop --model")
        run_cli_rounds(args)
        return
    classify = bool(args.model) or has_model()
    work = "classification + quality" if classify else "quality only (no model)"
    import mcp.client.session  # noqa: F401  (imported once, outside the timings)

    # Servers and workers inherit this environment: keep compiled modules.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(
        Path(tempfile.gettempdir()) / "docflow-bench-pycache"
    )

    with tempfile.TemporaryDirectory(prefix="docflow-scaling-") as folder:
        root = Path(folder)
        paths = build_documents(root / "docs", args.documents, args.with_images)
        start = "new interpreters" if args.no_fork else "forked"
        print(
            f"{len(paths)} documents, {work}, servers {start}, best of "
            f"{args.rounds} rounds; "
            f"load average {describe_load()}"
        )
        runs: dict[int, list[dict]] = {1: [], 2: []}
        pool: dict[int, float] = {}
        if not args.no_reference:
            warm_reference(classify, args.model)
        for number in range(args.rounds):
            order = (1, 2) if number % 2 == 0 else (2, 1)
            for workers in order:
                if not args.no_reference:
                    time_reference(paths, root, workers, number, args.model, pool)
                state = root / f"state-{workers}-{number}"
                run = time_run(
                    paths, state, workers, classify, args.model, not args.no_fork
                )
                runs[workers].append(run)
                print(
                    f"round {number + 1}, {workers} worker(s): "
                    f"{run['seconds']:7.2f} s, median document "
                    f"{run['median_ms']:.0f} ms, documents in flight on average "
                    f"{run['busy']:.2f}, {run['not_ok']} not ok, "
                    f"{run['restarts']} restarts"
                )
                print(describe_run(run))
        print_speedup(
            {workers: min(r["seconds"] for r in runs[workers]) for workers in runs},
            pool,
        )


def run_cli_rounds(args: argparse.Namespace) -> None:
    """Time ``docflow process --workers 1`` and ``--workers 2`` in turn."""
    command = "process" if has_model() else "analyze"
    fork_env = {"DOCFLOW_WORKERS_FORK_SERVERS": "false"} if args.no_fork else {}
    with tempfile.TemporaryDirectory(prefix="docflow-scaling-") as folder:
        root = Path(folder)
        paths = build_documents(root / "docs", args.documents, args.with_images)
        print(
            f"{len(paths)} documents, docflow {command} as a subprocess"
            f"{', every server a new interpreter' if args.no_fork else ''}, best of "
            f"{args.rounds} rounds; load average {describe_load()}"
        )
        best: dict[int, float] = {}
        pool: dict[int, float] = {}
        if not args.no_reference:
            warm_reference(has_model(), "")
        for number in range(args.rounds):
            order = (1, 2) if number % 2 == 0 else (2, 1)
            for workers in order:
                if not args.no_reference:
                    time_reference(paths, root, workers, number, "", pool)
                cpu_before = read_children_cpu()
                run = run_docflow(
                    command,
                    root / "docs",
                    workers,
                    root / f"state-{workers}-{number}",
                    extra_env=fork_env,
                )
                cpu = read_children_cpu() - cpu_before
                best[workers] = min(best.get(workers, run.seconds), run.seconds)
                print(
                    f"round {number + 1}, {workers} worker(s): {run.seconds:7.2f} s, "
                    f"{len(run.records)} results, {run.count_not_ok()} not ok, "
                    f"CPU of the command and its processes {cpu:.2f} s"
                )
        print_speedup(best, pool)


def time_reference(
    paths: list[str],
    root: Path,
    processes: int,
    number: int,
    model: str,
    best: dict[int, float],
) -> None:
    """Time one run of the reference pool and keep the best per process count."""
    run = time_pool(paths, root / f"pool-{processes}-{number}", processes, model)
    best[processes] = min(best.get(processes, run["seconds"]), run["seconds"])
    print(
        f"round {number + 1}, reference pool of {processes}: "
        f"{run['seconds']:7.2f} s, {run['not_ok']} not ok"
    )


def print_speedup(best: dict[int, float], pool: dict[int, float]) -> None:
    """Print the best time of each worker count and their ratio, and the
    reference pool's when it ran."""
    ratio = best[1] / best[2]
    print(
        f"best: 1 worker {best[1]:.2f} s, 2 workers {best[2]:.2f} s; "
        f"speed-up 2 vs 1 workers: {ratio:.2f}x (target >= 1.8x); "
        f"load average {describe_load()}"
    )
    if 1 in pool and 2 in pool:
        ceiling = pool[1] / pool[2]
        print(
            f"reference pool: 1 process {pool[1]:.2f} s, 2 processes "
            f"{pool[2]:.2f} s; speed-up {ceiling:.2f}x. docflow reaches "
            f"{ratio / ceiling:.0%} of it, and {best[1] / pool[1]:.2f}x the "
            "pool's time with 1 worker"
        )


def describe_load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
