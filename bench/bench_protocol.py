"""Measure the MCP protocol overhead per call, and how batching amortises it.

Run from the repository root:

    .venv/bin/python bench/bench_protocol.py [--documents N] [--both]

It writes N small text documents to a temporary folder, warms the extraction
cache with them, then processes the same documents with the quality analysis in
four ways, each repeated three times, keeping the best:

- ``sandbox only``: ``WorkerPool.process`` in this process, no MCP at all;
- ``1 call/doc``: one ``analyze_quality`` call per document over stdio;
- ``batch K``: ``analyze_documents`` calls of K documents. Like the
  orchestrator's, these calls request progress notifications and move their
  silence deadline on each one.

The share is (MCP time - sandbox time) / MCP time. The documents are small
and their extraction is cached, so that share is the worst case. The run then
splits the overhead into a per-call and a per-document part (from batch 1
against batch 16) and projects the share for documents that take 20, 100 and
500 ms to process, and for the median document of the labeled corpus (PDF,
DOCX, Markdown, text and e-mail files under ../shared/corpus/labeled/, quality
only, uncached).

``--both`` also runs ``docflow process``-style work (classification and
quality) on N copies of corpus documents (made as bench_scaling.py makes them)
through the Orchestrator, once with one classification call doing both
analyses (``with_quality``) and once with separate quality servers after the
classification servers (``workers.separate_quality_servers``), each on a fresh
cache, twice in turn, and prints the best wall and CPU times (CPU: all server
and worker processes) and their ratios. The CPU ratio is the fairer one on a
busy machine, where more processes also win a larger share of the cores. It
needs a
classifier model: the shipped one, or a folder made by ``docflow train`` given
with ``--model``.

Timings depend on the machine and on what else runs on it; compare the ratios
measured in the same run, not the absolute times.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from contextlib import asynccontextmanager
from pathlib import Path

from docflow.core.config import Settings
from docflow.core.sandbox import WorkerPool

TEXT = (
    "Minutes of the weekly meeting\n\nAttendees: Ann, Bob, Carla.\n\n"
    "Decisions\n\nThe team agreed to ship the release on Friday after the "
    "last review. Bob will update the changelog and Carla will tell support.\n"
)
REPEATS = 3
#: The default workers.call_timeout, in seconds.
CALL_TIMEOUT = Settings().workers.call_timeout
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def write_documents(folder: Path, count: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"minutes-{number:04d}.txt"
        path.write_text(f"{TEXT}Reference {number}.\n")
        paths.append(str(path))
    return paths


def make_settings(state: Path) -> Settings:
    return Settings.model_validate({"store": {"cache_dir": str(state / "cache")}})


def time_sandbox(settings: Settings, paths: list[str]) -> float:
    with WorkerPool(settings, load_model=False) as pool:
        pool.wait_started()
        pool.process(paths[0], classify=False, quality=True)  # first-use imports
        started = time.perf_counter()
        for path in paths:
            pool.process(path, classify=False, quality=True)
        return time.perf_counter() - started


@asynccontextmanager
async def connect(settings_file: Path, root: Path):
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    env = {**os.environ, "DOCFLOW_SETTINGS_FILE": str(settings_file)}
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "docflow.mcp.quality_server", "--root", str(root)],
        env=env,
    )
    with open(os.devnull, "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                yield session


async def call(session, name: str, arguments: dict) -> None:
    """Call a tool and validate its result as the orchestrator does."""
    from docflow.core.models import DocumentResult
    from docflow.mcp._server import BatchResult
    from docflow.mcp.orchestrator import _call_tool, _call_tool_until_silent

    if name == "analyze_documents":
        result = await _call_tool_until_silent(
            session, name, arguments, CALL_TIMEOUT, f"{name} timed out"
        )
    else:
        result = await _call_tool(session, name, arguments)
    model = BatchResult if name == "analyze_documents" else DocumentResult
    model.model_validate(result.structured_content)


async def time_mcp(
    settings_file: Path, root: Path, paths: list[str], batch: int
) -> tuple[float, int]:
    """Return the seconds and the number of calls to process ``paths``."""
    async with connect(settings_file, root) as session:
        await call(session, "analyze_quality", {"path": paths[0]})  # warm the child
        calls = 0
        started = time.perf_counter()
        if batch == 0:
            for path in paths:
                await call(session, "analyze_quality", {"path": path})
                calls += 1
        else:
            for start in range(0, len(paths), batch):
                chunk = paths[start : start + batch]
                await call(session, "analyze_documents", {"paths": chunk})
                calls += 1
        return time.perf_counter() - started, calls


def run_protocol(count: int, workdir: Path) -> None:
    paths = write_documents(workdir / "docs", count)
    settings = make_settings(workdir / "state")
    settings_file = workdir / "settings.json"
    settings_file.write_text(settings.model_dump_json())
    time_sandbox(settings, paths)  # fills the extraction cache for every mode

    # Modes take turns within each repeat, so a burst of load from other
    # programs does not land on one mode only.
    modes = (0, 1, 4, 16)
    baselines, runs = [], {batch: [] for batch in modes}
    for _ in range(REPEATS):
        baselines.append(time_sandbox(settings, paths))
        for batch in modes:
            runs[batch].append(
                asyncio.run(time_mcp(settings_file, workdir, paths, batch))
            )
    baseline = min(baselines)
    timings = {batch: min(runs[batch]) for batch in modes}

    print(f"{count} documents, best of {REPEATS}; sandbox only: {baseline:.3f} s")
    print(f"{'mode':<12} {'calls':>5} {'seconds':>8} {'ms/doc':>7} {'share':>6}")
    for batch, (elapsed, calls) in timings.items():
        share = max(0.0, elapsed - baseline) / elapsed
        name = "1 call/doc" if batch == 0 else f"batch {batch}"
        print(
            f"{name:<12} {calls:5d} {elapsed:8.3f} "
            f"{elapsed / count * 1000:7.2f} {share:6.1%}"
        )
    report_fit(timings, baseline, count, measure_corpus_median(workdir))


def measure_corpus_median(workdir: Path) -> float | None:
    """Return the median ms the sandbox takes per labeled corpus document, uncached."""
    sources = sorted(
        str(path)
        for path in (CORPUS / "labeled").rglob("*")
        if path.suffix.lower() in {".pdf", ".md", ".txt", ".eml", ".docx"}
    )
    if not sources:
        return None
    settings = make_settings(workdir / "corpus-state")
    with WorkerPool(settings, load_model=False) as pool:
        pool.wait_started()
        pool.process(sources[0], classify=False, quality=True)  # first-use imports
        durations = [
            pool.process(path, classify=False, quality=True).duration_ms
            for path in sources
        ]
    return statistics.median(durations)


def report_fit(
    timings: dict[int, tuple[float, int]],
    baseline: float,
    count: int,
    corpus_ms: float | None,
) -> None:
    """Split the overhead into a per-call and a per-document part, batch 1 vs 16."""
    (small, small_calls), (large, large_calls) = timings[1], timings[16]
    per_call = max(0.0, (small - large) / (small_calls - large_calls))
    per_doc = max(0.0, (large - large_calls * per_call - baseline) / count)
    print(
        f"overhead: {per_call * 1000:.2f} ms per call "
        f"+ {per_doc * 1000:.2f} ms per document (result JSON and its "
        "validation, as the orchestrator does)"
    )
    sizes = [20.0, 100.0, 500.0]
    if corpus_ms is not None:
        print(f"median labeled corpus document (no OCR images): {corpus_ms:.0f} ms")
        sizes.append(corpus_ms)
    for document_ms in sizes:
        for batch in (1, 4, 16):
            cost = per_doc + per_call / batch
            share = cost / (document_ms / 1000 + cost)
            print(
                f"  a {document_ms:3.0f} ms document in batches of {batch:2d}: "
                f"overhead {share:5.1%} of run time"
            )


def run_both(count: int, workdir: Path, model: str) -> None:
    from bench_scaling import build_documents

    from docflow.mcp.orchestrator import run_documents

    paths = build_documents(workdir / "both", count, with_images=False)
    print(f"{len(paths)} corpus documents, classification and quality")
    timings: dict[bool, list[float]] = {False: [], True: []}
    cpu: dict[bool, list[float]] = {False: [], True: []}
    failures: dict[bool, int] = {False: 0, True: 0}
    for repeat in range(2):
        for separate in (False, True):
            state = workdir / f"state-{repeat}-{'separate' if separate else 'one'}"
            settings = Settings.model_validate(
                {
                    "store": {"cache_dir": str(state / "cache")},
                    "workers": {"separate_quality_servers": separate},
                    "classification": {"model_path": model},
                }
            )
            cpu_before = children_cpu_seconds()
            started = time.perf_counter()
            results, _ = run_documents(paths, settings, classify=True, quality=True)
            timings[separate].append(time.perf_counter() - started)
            cpu[separate].append(children_cpu_seconds() - cpu_before)
            failures[separate] = sum(1 for result in results if not result.ok)
    for separate, label in ((False, "one call, with_quality"), (True, "separate")):
        print(
            f"{label:<24} wall {min(timings[separate]):7.2f} s, "
            f"CPU {min(cpu[separate]):7.2f} s ({failures[separate]} not ok)"
        )
    wall_ratio = min(timings[True]) / min(timings[False])
    cpu_ratio = min(cpu[True]) / min(cpu[False])
    print(f"separate / one call: wall {wall_ratio:.2f}x, CPU {cpu_ratio:.2f}x")


def children_cpu_seconds() -> float:
    """Return user + system CPU seconds of every reaped descendant so far.

    Servers reap their document workers, so the workers' time is included.
    """
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=128, help="documents per run")
    parser.add_argument(
        "--both", action="store_true", help="also compare the two ways to run both"
    )
    parser.add_argument(
        "--both-only", action="store_true", help="run only the --both comparison"
    )
    parser.add_argument(
        "--model",
        default="",
        help="classifier model folder for --both (default: the shipped model)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docflow-bench-") as folder:
        workdir = Path(folder)
        if not args.both_only:
            run_protocol(args.documents, workdir)
            print()
        if args.both or args.both_only:
            run_both(args.documents, workdir, args.model)


if __name__ == "__main__":
    main()
