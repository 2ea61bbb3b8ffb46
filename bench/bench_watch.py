"""Measure docflow watch: drop-to-result latency and burst throughput.

Run from the repository root:

    .venv/bin/python bench/bench_watch.py [--drops N] [--burst N] [--in-process]

It starts ``docflow watch`` (the MCP servers, as by default) on a temporary
inbox and drops one-page text PDFs into it, each with different content so
neither the duplicate check nor the extraction cache short-cuts the work.

- Latency: one file at a time, from the moment the writer closes the file to
  the daemon's ``routed`` log record (the file moved and its result stored).
  The target is a median under 1 s. The baseline, measured in the same run,
  is ``process_document`` on the same kind of PDF in this process, warm: the
  analysis alone, without file events, settle time, database or MCP.
- Throughput: N files dropped at once, files per second until the last is
  routed, against the latency run's files per second one at a time.

The PDFs are drawn with fpdf2 (the ``corpus`` extra). Timings depend on the
machine and on what else runs on it; compare the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

DOCFLOW = [sys.executable, "-c", "from docflow.cli.main import run; run()"]

TEXT = (
    "INVOICE INV-{number:05d}\nDate: 2026-03-01\n"
    "Bill to: Example Trading Ltd, 12 Market Street, Leeds\n"
    "Office chairs 4 x 120.00 = 480.00\nDesk lamps 2 x 35.00 = 70.00\n"
    "Subtotal 550.00\nVAT 20% 110.00\nTotal due {number}.00 GBP\n"
    "Payment within 30 days to account GB29 NWBK 6016 1331 9268 19.\n"
)


def write_pdf(path: Path, number: int) -> None:
    """Write a one-page text PDF whose content differs for each ``number``."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in TEXT.format(number=number).splitlines():
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    staging = path.with_suffix(".tmp")
    pdf.output(str(staging))
    # Written as <name>.tmp (an ignored name), then renamed, so the daemon gets
    # a rename event. ``drop`` also measures a direct write.
    staging.rename(path)


class EventReader(threading.Thread):
    """Collect the daemon's JSON log records from its stderr pipe."""

    def __init__(self, stream: object) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.routed: dict[str, float] = {}
        self.started = threading.Event()
        self.changed = threading.Condition()

    def run(self) -> None:
        for raw in self.stream:  # type: ignore[attr-defined]
            try:
                record = json.loads(raw)
            except json.JSONDecodeError:
                continue
            event = record.get("event")
            if event == "started":
                self.started.set()
            elif event in ("routed", "quarantined"):
                with self.changed:
                    self.routed[Path(record["path"]).name] = time.time()
                    self.changed.notify_all()

    def wait_routed(self, names: set[str], timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not names <= set(self.routed):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"not routed: {sorted(names - set(self.routed))}"
                    )
                self.changed.wait(remaining)


def start_daemon(root: Path, in_process: bool) -> tuple[subprocess.Popen, EventReader]:
    (root / "inbox").mkdir()
    # A database named in a settings file needs its folder to exist.
    (root / "state").mkdir()
    (root / "docflow.toml").write_text(
        "[store]\n"
        f'database = "{root}/state/docflow.duckdb"\n'
        f'cache_dir = "{root}/state/cache"\n'
        "[watch]\n"
        f'output_dir = "{root}/out"\n'
        "status_seconds = 0\n"
    )
    command = [*DOCFLOW, "watch", "--log-format", "json", str(root / "inbox")]
    if in_process:
        command.append("--in-process")
    process = subprocess.Popen(
        command,
        cwd=root,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "DOCFLOW_CONFIG"},
    )
    reader = EventReader(process.stderr)
    reader.start()
    if not reader.started.wait(120):
        process.kill()
        raise SystemExit("docflow watch did not start within 120 s")
    return process, reader


def drop(inbox: Path, number: int, *, rename: bool) -> tuple[str, float]:
    name = f"drop-{number:05d}.pdf"
    if rename:
        write_pdf(inbox / name, number)
    else:
        scratch = inbox.parent / f"scratch-{number}.pdf"
        write_pdf(scratch, number)
        (inbox / name).write_bytes(scratch.read_bytes())  # open, write, close
    return name, time.time()


def measure_latency(
    inbox: Path, reader: EventReader, drops: int, rename: bool, first: int
) -> list[float]:
    latencies = []
    for number in range(first, first + drops):
        name, dropped = drop(inbox, number, rename=rename)
        reader.wait_routed({name})
        latencies.append(reader.routed[name] - dropped)
    return latencies


def measure_baseline(root: Path, count: int) -> float:
    """Return the median seconds of process_document on fresh one-page PDFs."""
    from docflow.core.config import load_settings
    from docflow.core.pipeline import process_document

    settings = load_settings({"store": {"cache_dir": str(root / "baseline-cache")}})
    folder = root / "baseline"
    folder.mkdir()
    durations = []
    for number in range(count + 1):
        path = folder / f"base-{number}.pdf"
        write_pdf(path, 90_000 + number)
        started = time.perf_counter()
        process_document(str(path), settings)
        if number:  # the first call loads the model
            durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def summarize(label: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"{label}: median {statistics.median(values) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms "
        f"({len(values)} files)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drops", type=int, default=20)
    parser.add_argument("--burst", type=int, default=100)
    parser.add_argument("--in-process", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="docflow-bench-watch-") as scratch:
        root = Path(scratch)
        baseline = measure_baseline(root, 10)
        process, reader = start_daemon(root, args.in_process)
        inbox = root / "inbox"
        try:
            renamed = measure_latency(inbox, reader, args.drops, True, 0)
            written = measure_latency(inbox, reader, args.drops, False, 10_000)
            names = set()
            started = time.time()
            for number in range(20_000, 20_000 + args.burst):
                names.add(drop(inbox, number, rename=True)[0])
            reader.wait_routed(names, timeout=1800)
            burst_seconds = max(reader.routed[name] for name in names) - started
        finally:
            process.terminate()
            process.wait(120)

    engine = "in-process" if args.in_process else "MCP servers"
    median = statistics.median(renamed + written)
    print(f"docflow watch, one-page text PDFs, {engine}")
    print(f"baseline process_document (warm, no daemon): {baseline * 1000:.0f} ms")
    print(summarize("latency, renamed into the inbox", renamed))
    print(summarize("latency, written in place (closed)", written))
    print(
        f"median latency {median * 1000:.0f} ms = {median / baseline:.1f} x the "
        f"baseline; target under 1000 ms: {'met' if median < 1.0 else 'NOT met'}"
    )
    one_at_a_time = len(renamed) / sum(renamed)
    burst_rate = args.burst / burst_seconds
    print(
        f"burst of {args.burst}: {burst_rate:.1f} files/s = "
        f"{burst_rate / one_at_a_time:.1f} x the rate one at a time "
        f"({one_at_a_time:.1f} files/s)"
    )


if __name__ == "__main__":
    main()
