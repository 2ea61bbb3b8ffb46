"""A re-run of an interrupted ``--no-cache`` run resumes it.

The console script runs as a subprocess and is stopped with SIGINT once it
has stored some results, as a person would stop it with Ctrl-C, or killed
with SIGKILL.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docflow.core.store import Store
from letters import write_letters  # noqa: E402
from processes import docflow_env  # noqa: E402

pytestmark = pytest.mark.slow

COMMAND = [sys.executable, "-c", "from docflow.cli.launch import run; run()"]
#: Enough letters that a run is still processing when the SIGINT arrives.
LETTERS = 200


def cli_env(tmp_path: Path) -> dict[str, str]:
    """Return an environment that stores each result soon after it finishes."""
    temporary = tmp_path / "tmp"
    temporary.mkdir(exist_ok=True)
    return docflow_env(
        tmp_path,
        DOCFLOW_WORKERS_BATCH_SIZE="1",
        DOCFLOW_STORE_FLUSH_ROWS="2",
        DOCFLOW_STORE_FLUSH_SECONDS="0.05",
        DOCFLOW_STORE_CACHE_DIR=str(tmp_path / "cache"),
        TMPDIR=str(temporary),
    )


def arguments(
    tmp_path: Path, command: str, *extra: str, inputs: str = "docs"
) -> list[str]:
    database = str(tmp_path / "db.duckdb")
    return [*COMMAND, "--db", database, command, *extra, "--format", "jsonl", inputs]


def run_to_end(
    tmp_path: Path, command: str, *extra: str, inputs: str = "docs"
) -> tuple[list[dict], str]:
    """Run docflow to its end; return the records printed and stderr."""
    completed = subprocess.run(
        arguments(tmp_path, command, *extra, inputs=inputs),
        cwd=tmp_path,
        env=cli_env(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=300,
    )
    stderr = completed.stderr.decode()
    assert completed.returncode == 0, stderr
    records = [json.loads(line) for line in completed.stdout.splitlines()]
    return records, stderr


def run_interrupted(tmp_path: Path, command: str, *extra: str) -> str:
    """Start docflow, send SIGINT once it stored 4 results; return stderr."""
    database = tmp_path / "db.duckdb"
    before = _count_rows(database)
    # A file, not a pipe: a pipe that no one reads fills up and blocks the run.
    output = (tmp_path / "interrupted.jsonl").open("wb")
    process = subprocess.Popen(
        arguments(tmp_path, command, *extra),
        cwd=tmp_path,
        env=cli_env(tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while _count_rows(database) < before + 4:
            assert process.poll() is None, "the run ended before it could be stopped"
            assert time.monotonic() < deadline, "no 4 results stored within 120 s"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
        output.close()
    assert process.returncode == 130, stderr.decode()
    return stderr.decode()


def run_killed(
    tmp_path: Path, *extra: str, env: dict[str, str], when: Callable[[Path], bool]
) -> None:
    """Start ``docflow process --no-cache``; SIGKILL it once ``when(tmp_path)``."""
    output = (tmp_path / "killed.jsonl").open("wb")
    process = subprocess.Popen(
        arguments(tmp_path, "process", "--no-cache", *extra),
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not when(tmp_path):
            assert process.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run was not killed within 120 s"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=120)
    finally:
        # The MCP servers it started are in its process group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        if process.poll() is None:
            process.wait()
        output.close()
    assert process.returncode == -signal.SIGKILL


def has_stored_rows(tmp_path: Path) -> bool:
    return _count_rows(tmp_path / "db.duckdb") >= 4


def has_printed_result(tmp_path: Path) -> bool:
    return b"\n" in (tmp_path / "killed.jsonl").read_bytes()


def _count_rows(database: Path) -> int:
    """Return how many result rows the database has, through the store's lock."""
    store = Store(database)
    if not store.exists():
        return 0
    with store.connect(write=False) as connection:
        row = connection.execute("SELECT count(*) FROM documents").fetchone()
    return int(row[0]) if row else 0


def stored_paths(database: Path, run_id: int) -> set[str]:
    return {stored.result.path for stored in Store(database).results(run_id=run_id)}


def current_rows_per_path(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "SELECT path, count(*) FILTER (WHERE is_current) FROM documents "
            "GROUP BY path"
        ).fetchall()
    return dict(rows)


def test_no_cache_rerun_resumes_interrupted_run(tmp_path: Path) -> None:
    """A re-run resumes the interrupted run once, and the next run reuses nothing."""
    write_letters(tmp_path, LETTERS)
    database = tmp_path / "db.duckdb"
    # Stored results of every file, which --no-cache must not reuse.
    run_to_end(tmp_path, "process")

    message = run_interrupted(tmp_path, "process", "--no-cache")
    assert "interrupted after" in message
    assert "reuses only the results stored by run 2" in message
    interrupted = stored_paths(database, 2)
    assert 4 <= len(interrupted) < LETTERS

    records, stderr = run_to_end(tmp_path, "process", "--no-cache")
    assert len(records) == LETTERS
    reused = {record["path"] for record in records if record["cached"]}
    assert reused == interrupted
    assert f"resumed run 2: {len(interrupted)} results reused" in stderr
    assert {record["status"] for record in records} == {"ok"}

    per_path = current_rows_per_path(database)
    assert len(per_path) == LETTERS
    assert set(per_path.values()) == {1}
    # The files the interrupted run did not reach got new results.
    assert stored_paths(database, 3) == set(per_path) - interrupted
    newest = Store(database).runs(1)[0]
    assert newest.status == "finished"
    assert newest.cache_hits == len(interrupted)

    # Run 3 finished the run that run 2 started, so run 4 resumes nothing.
    records, stderr = run_to_end(tmp_path, "process", "--no-cache")
    assert len(records) == LETTERS
    assert not any(record["cached"] for record in records)
    assert "0 cache hits" in stderr
    assert "resumed" not in stderr
    assert set(current_rows_per_path(database).values()) == {1}


def test_no_cache_other_command_does_not_resume(tmp_path: Path) -> None:
    """Runs with other options or another command neither resume nor end it."""
    write_letters(tmp_path, LETTERS)
    database = tmp_path / "db.duckdb"
    message = run_interrupted(tmp_path, "process", "--no-cache")
    assert "reuses only the results stored by run 1" in message
    interrupted = stored_paths(database, 1)

    for command, extra in [("analyze", ()), ("process", ("--threshold", "0.9"))]:
        records, stderr = run_to_end(tmp_path, command, "--no-cache", *extra)
        assert not any(record["cached"] for record in records), command
        assert "resumed" not in stderr, command

    # --workers changes no result, so a run with another count resumes.
    records, stderr = run_to_end(tmp_path, "process", "--no-cache", "--workers", "2")
    reused = {record["path"] for record in records if record["cached"]}
    # Run 3 processed every file again after run 1; its results are newer,
    # but they are not of the command that run 1 started.
    assert reused == interrupted
    assert f"resumed run 1: {len(interrupted)} results reused" in stderr
    assert set(current_rows_per_path(database).values()) == {1}


def test_no_cache_resumes_two_interrupted_runs(tmp_path: Path) -> None:
    write_letters(tmp_path, LETTERS)
    database = tmp_path / "db.duckdb"
    run_interrupted(tmp_path, "process", "--no-cache")
    message = run_interrupted(tmp_path, "process", "--no-cache")
    assert "reuses only the results stored by runs 1 and 2" in message
    interrupted = stored_paths(database, 1) | stored_paths(database, 2)
    assert len(interrupted) < LETTERS

    records, stderr = run_to_end(tmp_path, "process", "--no-cache")
    reused = {record["path"] for record in records if record["cached"]}
    assert reused == interrupted
    assert f"resumed runs 1 and 2: {len(interrupted)} results reused" in stderr
    assert set(current_rows_per_path(database).values()) == {1}


def test_no_cache_restart_resumes_nothing(tmp_path: Path) -> None:
    write_letters(tmp_path, LETTERS)
    database = tmp_path / "db.duckdb"
    run_interrupted(tmp_path, "process", "--no-cache")

    records, stderr = run_to_end(tmp_path, "process", "--no-cache", "--restart")
    assert len(records) == LETTERS
    assert not any(record["cached"] for record in records)
    assert "resumed" not in stderr
    restarted, interrupted = Store(database).runs(2)
    assert restarted.status == "finished"
    assert interrupted.status == "abandoned"
    assert set(current_rows_per_path(database).values()) == {1}


def test_no_cache_restart_keeps_running_run(tmp_path: Path) -> None:
    """--restart or --no-cache while the run they would abandon or resume
    still runs changes nothing."""
    write_letters(tmp_path, LETTERS)
    database = tmp_path / "db.duckdb"
    # No one reads stdout, so once the pipe is full the run waits on it, alive.
    running = subprocess.Popen(
        arguments(tmp_path, "process", "--no-cache"),
        cwd=tmp_path,
        env=cli_env(tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not has_stored_rows(tmp_path):
            assert running.poll() is None, "the first run ended too early"
            assert time.monotonic() < deadline, "no 4 results stored within 120 s"
            time.sleep(0.05)

        restart = subprocess.run(
            arguments(tmp_path, "process", "--no-cache", "--restart"),
            cwd=tmp_path,
            env=cli_env(tmp_path),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=300,
        )
        # A plain --no-cache run would resume the running run beside it.
        resume = subprocess.run(
            arguments(tmp_path, "process", "--no-cache"),
            cwd=tmp_path,
            env=cli_env(tmp_path),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=300,
        )
        runs = Store(database).runs()
    finally:
        # The MCP servers it started are in its process group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(running.pid, signal.SIGKILL)
        running.communicate()

    stderr = restart.stderr.decode()
    assert restart.returncode == 2, stderr
    assert restart.stdout == b""
    assert f"run 1 (pid {running.pid}, started " in stderr
    assert f"(kill {running.pid})" in stderr
    resumed = resume.stderr.decode()
    assert resume.returncode == 2, resumed
    assert resume.stdout == b""
    assert "--no-cache did not start: run 1 (pid " in resumed
    assert "run the command again to resume it." in resumed
    assert [(run.id, run.status) for run in runs] == [(1, "running")]


def test_no_cache_resumes_only_restarted_run(tmp_path: Path) -> None:
    """A restart that is interrupted in turn is resumed alone, not with run 1."""
    write_letters(tmp_path, LETTERS)
    database = tmp_path / "db.duckdb"
    run_interrupted(tmp_path, "process", "--no-cache")
    message = run_interrupted(tmp_path, "process", "--no-cache", "--restart")
    assert "reuses only the results stored by run 2 " in message
    assert "Run the same command again without --restart to resume" in message
    restarted = stored_paths(database, 2)

    records, stderr = run_to_end(tmp_path, "process", "--no-cache")
    reused = {record["path"] for record in records if record["cached"]}
    assert reused == restarted
    assert f"resumed run 2: {len(restarted)} results reused" in stderr


@pytest.mark.parametrize("spelling", ["docs/", "./docs//", "absolute"])
def test_no_cache_resume_any_path_spelling(tmp_path: Path, spelling: str) -> None:
    """A killed run of ``docs`` resumes under another spelling of that folder."""
    write_letters(tmp_path, LETTERS)
    database = tmp_path / "db.duckdb"
    run_killed(tmp_path, env=cli_env(tmp_path), when=has_stored_rows)
    killed = stored_paths(database, 1)
    assert 4 <= len(killed) < LETTERS

    inputs = str(tmp_path / "docs") if spelling == "absolute" else spelling
    records, stderr = run_to_end(tmp_path, "process", "--no-cache", inputs=inputs)
    reused = {record["path"] for record in records if record["cached"]}
    assert reused == killed
    assert f"resumed run 1: {len(killed)} results reused" in stderr
    assert set(current_rows_per_path(database).values()) == {1}


def test_no_cache_run_killed_early_is_recorded(tmp_path: Path) -> None:
    """A run killed after printing results, before storing any, keeps its row."""
    write_letters(tmp_path, LETTERS)
    database = tmp_path / "db.duckdb"
    # No batch is stored before the kill: the first waits for 100000 results.
    unflushed = {
        **cli_env(tmp_path),
        "DOCFLOW_STORE_FLUSH_ROWS": "100000",
        "DOCFLOW_STORE_FLUSH_SECONDS": "3600",
    }
    run_killed(tmp_path, env=unflushed, when=has_printed_result)

    assert _count_rows(database) == 0
    runs = Store(database).runs()
    assert len(runs) == 1
    assert runs[0].status == "interrupted"
    assert runs[0].done == 0
    assert runs[0].total == LETTERS

    records, stderr = run_to_end(tmp_path, "process", "--no-cache")
    assert len(records) == LETTERS
    assert not any(record["cached"] for record in records)
    assert "run 1 stopped before finishing (0 of 200 documents stored)" in stderr
    assert "printed but had not stored yet are processed again" in stderr
    assert "resumed run 1: 0 results reused" in stderr
    assert Store(database).runs(1)[0].status == "finished"
