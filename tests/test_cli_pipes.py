"""A processing command whose stdout reader leaves early, as with ``| head -1``.

docflow runs as a real subprocess writing into a real pipe, and the results
are counted in the real DuckDB file it wrote.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from letters import write_letters  # noqa: E402

COMMAND = [sys.executable, "-c", "from docflow.cli.main import run; run()"]
FILES = 30


def docflow_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    # A database named by DOCFLOW_DB needs its folder to exist.
    (tmp_path / "db").mkdir(exist_ok=True)
    env.update(
        DOCFLOW_CONFIG=os.devnull,
        DOCFLOW_DB=str(tmp_path / "db" / "docflow.duckdb"),
        DOCFLOW_STORE_CACHE_DIR=str(tmp_path / "db" / "cache"),
        # One document per call, so results reach stdout one at a time.
        DOCFLOW_WORKERS_BATCH_SIZE="1",
    )
    return env


def run_into_closing_reader(
    tmp_path: Path, args: list[str]
) -> tuple[bytes, subprocess.Popen[bytes], bytes]:
    """Run docflow into a pipe whose reader closes after one line."""
    reader, writer = os.pipe()
    process = subprocess.Popen(
        [*COMMAND, *args],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=writer,
        stderr=subprocess.PIPE,
        env=docflow_env(tmp_path),
    )
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        first_line = pipe.readline()
    _, stderr = process.communicate(timeout=300)
    return first_line, process, stderr


def current_rows_per_path(tmp_path: Path) -> dict[str, int]:
    database = duckdb.connect(str(tmp_path / "db" / "docflow.duckdb"), read_only=True)
    try:
        rows = database.execute(
            "SELECT path, count(*) FILTER (WHERE is_current) FROM documents "
            "GROUP BY path"
        ).fetchall()
    finally:
        database.close()
    return dict(rows)


def run_statuses(tmp_path: Path) -> list[str]:
    database = duckdb.connect(str(tmp_path / "db" / "docflow.duckdb"), read_only=True)
    try:
        rows = database.execute("SELECT status FROM runs ORDER BY id").fetchall()
    finally:
        database.close()
    return [status for (status,) in rows]


@pytest.mark.parametrize(
    ("command", "output_format"),
    [("process", "jsonl"), ("analyze", "csv")],
    ids=["process-jsonl", "analyze-csv"],
)
def test_closed_stdout_stops_run_resumably(tmp_path, command, output_format):
    write_letters(tmp_path, FILES)
    args = [command, "docs", "-f", output_format, "--workers", "1"]

    first_line, process, stderr = run_into_closing_reader(tmp_path, args)
    assert first_line
    assert process.returncode == 74, stderr.decode()  # output not written
    assert b"Traceback" not in stderr
    assert len(stderr.splitlines()) <= 1, stderr.decode()
    assert b"stdout was closed" in stderr
    stored = current_rows_per_path(tmp_path)
    assert 1 <= len(stored) < FILES
    assert run_statuses(tmp_path) == ["interrupted"]

    rerun = subprocess.run(
        [*COMMAND, *args],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=docflow_env(tmp_path),
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr.decode()
    per_path = current_rows_per_path(tmp_path)
    assert len(per_path) == FILES
    assert set(per_path.values()) == {1}
    assert run_statuses(tmp_path) == ["interrupted", "finished"]


def run_without_stream(tmp_path: Path, args: list[str], closed: int):
    """Run docflow with standard descriptor ``closed`` shut, as ``2>&-`` does."""
    output = tmp_path / "output.txt"
    with open(output, "wb") as handle:
        process = subprocess.run(
            [*COMMAND, *args],
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=handle if closed != 1 else subprocess.DEVNULL,
            stderr=handle if closed != 2 else subprocess.DEVNULL,
            env=docflow_env(tmp_path),
            timeout=300,
            # Closed in the child after the redirections, before docflow starts.
            preexec_fn=lambda: os.close(closed),
        )
    return process, output.read_bytes()


def test_closed_stderr_still_processes(tmp_path):
    write_letters(tmp_path, 3)
    process, output = run_without_stream(
        tmp_path, ["analyze", "docs", "-f", "jsonl"], closed=2
    )
    assert process.returncode == 0
    assert len(output.splitlines()) == 3
    assert set(current_rows_per_path(tmp_path).values()) == {1}
    assert len(current_rows_per_path(tmp_path)) == 3


def test_closed_stdout_stores_results_quietly(tmp_path):
    write_letters(tmp_path, 3)
    process, errors = run_without_stream(
        tmp_path, ["analyze", "docs", "-f", "jsonl"], closed=1
    )
    assert process.returncode == 0, errors.decode()
    assert b"Traceback" not in errors
    assert len(current_rows_per_path(tmp_path)) == 3
    assert run_statuses(tmp_path) == ["finished"]
