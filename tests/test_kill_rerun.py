"""Crash drills: kill -9 mid-run, rerun, count rows; Ctrl-C keeps results."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docflow.core.store import Store
from letters import write_letters  # noqa: E402
from processes import list_children  # noqa: E402

pytestmark = pytest.mark.slow

COMMAND = [sys.executable, "-c", "from docflow.cli.main import run; run()"]

# Fault injection: a process that dies by SIGKILL inside an open write
# transaction, after its rows were inserted and before COMMIT. A real kill
# cannot be timed to land there reliably.
KILL_INSIDE_TRANSACTION = textwrap.dedent(
    """
    import os, signal, sys
    from docflow.core.models import DocumentResult
    from docflow.core.store import ResultWriter, RunProgress, Store
    from docflow.core.store._store import Store as StoreClass

    database = sys.argv[1]

    def results(tag):
        return [
            DocumentResult(path=f"/d/{i}.txt", status="ok", content_hash=f"{tag}{i}")
            for i in range(50)
        ]

    store = Store(database)
    run = RunProgress("test", {}, total=50)
    with ResultWriter(store, fingerprint="fp", run=run) as writer:
        for result in results("first"):
            writer.add(result)

    def kill_inside_transaction(self, connection, run, run_id, now):
        os.kill(os.getpid(), signal.SIGKILL)

    StoreClass._update_progress = kill_inside_transaction
    writer = ResultWriter(store, fingerprint="fp", run=run)
    for result in results("second"):
        writer.add(result)
    writer.close()
    """
)


def test_kill_inside_transaction_keeps_last_commit(tmp_path):
    database = tmp_path / "crash.duckdb"
    completed = subprocess.run(
        [sys.executable, "-c", KILL_INSIDE_TRANSACTION, str(database)],
        capture_output=True,
        timeout=120,
    )
    assert completed.returncode == -signal.SIGKILL, completed.stderr.decode()
    results = Store(database).results()
    assert len(results) == 50
    assert {r.result.content_hash[:5] for r in results} == {"first"}
    connection = duckdb.connect(str(database))
    rows = connection.execute("SELECT count(*) FROM documents").fetchall()[0][0]
    connection.close()
    assert rows == 50


def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    env.update(
        DOCFLOW_WORKERS_COUNT="1",
        DOCFLOW_WORKERS_BATCH_SIZE="1",
        DOCFLOW_STORE_FLUSH_ROWS="2",
        DOCFLOW_STORE_FLUSH_SECONDS="0.05",
        DOCFLOW_CONFIG=os.devnull,
    )
    # The temporary files of the run, apart from the machine's.
    temporary = tmp_path / "tmp"
    temporary.mkdir(exist_ok=True)
    env["TMPDIR"] = str(temporary)
    return env


def start_cli(tmp_path: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*COMMAND, *args],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(tmp_path),
        start_new_session=True,
    )


def wait_for_stored(database: Path, minimum: int, process: subprocess.Popen) -> int:
    """Poll the database until ``minimum`` documents are stored (at most 120 s)."""
    store = Store(database)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before it could be stopped"
        stored = len(store.results()) if store.exists() else 0
        if stored >= minimum:
            return stored
        time.sleep(0.05)
    raise AssertionError(f"fewer than {minimum} documents stored within 120 s")


def current_rows_per_path(database: Path) -> dict[str, int]:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        rows = connection.execute(
            "SELECT path, count(*) FILTER (WHERE is_current) FROM documents "
            "GROUP BY path"
        ).fetchall()
    finally:
        connection.close()
    return dict(rows)


def test_kill_9_then_rerun_resumes(tmp_path):
    write_letters(tmp_path, 60)
    database = tmp_path / ".docflow" / "docflow.duckdb"
    first = start_cli(tmp_path, "analyze", "docs")
    try:
        stored_before = wait_for_stored(database, 6, first)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.communicate(timeout=60)
    assert first.returncode == -signal.SIGKILL
    # The settings the servers read, passwords included, left no file behind.
    assert not list((tmp_path / "tmp").glob("docflow-settings-*"))
    # Before any other run marks it, the killed run reads as interrupted.
    (killed,) = Store(database).runs()
    assert killed.status == "interrupted"

    second = start_cli(tmp_path, "analyze", "docs")
    stdout, stderr = second.communicate(timeout=300)
    assert second.returncode == 0, stderr.decode()
    records = [json.loads(line) for line in stdout.decode().splitlines()]
    assert len(records) == 60
    assert sum(r["cached"] for r in records) >= stored_before
    assert all(r["status"] == "ok" for r in records)

    per_path = current_rows_per_path(database)
    assert len(per_path) == 60
    assert set(per_path.values()) == {1}
    runs = Store(database).runs()
    assert [run.status for run in runs] == ["finished", "interrupted"]
    assert runs[1].finished_at is not None
    assert b"stopped before finishing" in stderr


@pytest.mark.parametrize(
    "signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name
)
def test_interrupt_keeps_finished_results(tmp_path, signum):
    write_letters(tmp_path, 60)
    database = tmp_path / ".docflow" / "docflow.duckdb"
    run = start_cli(tmp_path, "analyze", "docs")
    wait_for_stored(database, 4, run)
    os.kill(run.pid, signum)
    stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == 130, stderr.decode()
    printed = stdout.decode().splitlines()
    assert 4 <= len(printed) < 60
    stored = Store(database).results()
    assert len(stored) == len(printed)
    (run_record,) = Store(database).runs()
    assert run_record.status == "interrupted"
    message = stderr.decode()
    assert f"interrupted after {len(printed)} of 60 documents" in message
    assert f"results are stored as run {run_record.id}" in message
    assert "Run the same command again to resume" in message


def test_all_servers_dying_exits_6(tmp_path):
    """Servers killed as soon as they start: the slots give up and exit 6."""
    write_letters(tmp_path, 60)
    database = tmp_path / ".docflow" / "docflow.duckdb"
    run = start_cli(tmp_path, "analyze", "docs", "--workers", "2")
    stop = threading.Event()

    def kill_servers() -> None:
        while not stop.is_set():
            for pid in list_children(run.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)

    killer = threading.Thread(target=kill_servers)
    try:
        wait_for_stored(database, 1, run)
        killer.start()
        stdout, stderr = run.communicate(timeout=300)
    finally:
        stop.set()
        if killer.is_alive():
            killer.join()
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert run.returncode == 6, stderr.decode()
    assert b"failed to start repeatedly" in stderr
    records = [json.loads(line) for line in stdout.decode().splitlines()]
    assert len(records) == 60
    assert "crashed" in {record["status"] for record in records}
