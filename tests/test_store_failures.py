"""A database that cannot be written or read ends a run with exit 5, not 70.

The write failure is real: the command runs under a file size limit
(RLIMIT_FSIZE) that the database's write-ahead log soon exceeds, so DuckDB
gets EFBIG as it would get ENOSPC on a full disk. The damaged database is a
real one cut short.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from docflow.core.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))

from letters import write_letters  # noqa: E402
from processes import docflow_env  # noqa: E402

COMMAND = [sys.executable, "-c", "from docflow.cli.main import run; run()"]


def run_docflow(
    tmp_path: Path, *args: str, file_limit: int | None = None
) -> subprocess.CompletedProcess[bytes]:
    def limit_files() -> None:
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return subprocess.run(
        [*COMMAND, *args],
        cwd=tmp_path,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env=docflow_env(
            tmp_path,
            DOCFLOW_DB=str(tmp_path / "db.duckdb"),
            DOCFLOW_STORE_FLUSH_ROWS="5",
        ),
        preexec_fn=limit_files,
        timeout=300,
    )


def stored(tmp_path: Path) -> tuple[int, list[tuple[str, int]]]:
    with duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True) as db:
        documents = db.execute("SELECT count(*) FROM documents").fetchone()
        runs = db.execute("SELECT status, done FROM runs ORDER BY id").fetchall()
    assert documents is not None
    return documents[0], runs


def test_full_database_disk_exits_5(tmp_path):
    folder = write_letters(tmp_path, 60)
    first = run_docflow(tmp_path, "process", str(folder / "letter-000.txt"))
    assert first.returncode == 0, first.stderr.decode()
    limited = run_docflow(tmp_path, "process", "docs", file_limit=100_000)
    message = limited.stderr.decode()
    assert limited.returncode == 5, message
    assert "cannot write to the database" in message
    assert "File too large" in message
    assert "internal error" not in message
    documents, runs = stored(tmp_path)
    assert documents < 60
    if "cannot record the end of run" in message:
        # The last stored batch left less room than the end of the run takes.
        # How much room is left depends on the batch sizes, so on timing.
        assert runs[-1][0] == "running"
        assert Store(tmp_path / "db.duckdb").runs(1)[0].status == "interrupted"
    else:
        # The run counts the results the database contains (the new ones and
        # the one cache hit), not the documents processed.
        assert runs[-1] == ("failed", documents)
        with duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True) as db:
            row = db.execute(
                "SELECT status_counts FROM runs ORDER BY id DESC"
            ).fetchone()
        assert row is not None
        counts = row[0] if isinstance(row[0], dict) else json.loads(row[0])
        assert sum(counts.values()) == documents
    again = run_docflow(tmp_path, "process", "docs")
    assert again.returncode == 0, again.stderr.decode()
    assert stored(tmp_path)[0] == 60


END_WITHOUT_ROOM = textwrap.dedent(
    """
    import json
    import logging
    import os
    import resource
    import sys
    from pathlib import Path

    sys.path.insert(0, sys.argv[2])
    from test_store import make_result

    from docflow.core.store import ResultWriter, RunProgress, Store

    logging.basicConfig(level=logging.WARNING)
    folder = Path(sys.argv[1])
    store = Store(folder / "db.duckdb", lock_timeout=30)
    run = RunProgress("process", {}, total=2)
    with ResultWriter(store, fingerprint="fp", run=run, background=False) as writer:
        writer.add(make_result(str(folder / "a.pdf"), "h1"))
    # A 256-byte file size limit leaves room for a lock ticket but not for
    # any transaction in the write-ahead log.
    resource.setrlimit(resource.RLIMIT_FSIZE, (256, resource.RLIM_INFINITY))
    writer = ResultWriter(store, fingerprint="fp", run=run, background=False)
    writer.add(make_result(str(folder / "b.pdf"), "h2"))
    try:
        writer.finish("finished")
    except Exception as exc:
        outcome = {
            "error": type(exc).__name__,
            "flush_error": exc is writer.error,
            "lost": writer.lost,
            "pid": os.getpid(),
        }
        print(json.dumps(outcome))
    """
)


def test_run_end_without_room_left(tmp_path):
    """The end of a run needs room too, and a full disk may have none."""
    tests = Path(__file__).resolve().parent
    completed = subprocess.run(
        [sys.executable, "-c", END_WITHOUT_ROOM, str(tmp_path), str(tests)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    outcome = json.loads(completed.stdout)
    assert outcome["error"] == "StoreError"
    # The failed batch is the cause, not the end of the run that failed next.
    assert outcome["flush_error"] is True
    assert outcome["lost"] == 1
    assert "cannot record the end of run 1" in completed.stderr
    documents, runs = stored(tmp_path)
    assert documents == 1
    assert runs == [("running", 1)]
    with duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True) as db:
        pid = db.execute("SELECT pid FROM runs WHERE id = 1").fetchone()
    assert pid == (outcome["pid"],)
    assert Store(tmp_path / "db.duckdb").runs(1)[0].status == "interrupted"


def test_damaged_database_exits_5(tmp_path):
    write_letters(tmp_path, 20)
    assert run_docflow(tmp_path, "process", "docs").returncode == 0
    database = tmp_path / "db.duckdb"
    with open(database, "r+b") as handle:
        handle.truncate(16384)  # the headers stay, the tables are cut off
    for args in (["results"], ["stats"], ["process", "docs"]):
        completed = run_docflow(tmp_path, *args)
        message = completed.stderr.decode()
        assert completed.returncode == 5, (args, message)
        assert "the database" in message, message
        assert "db.duckdb" in message, message
        assert "internal error" not in message


def test_watch_once_with_full_database_disk_exits_5(tmp_path):
    folder = write_letters(tmp_path, 40)
    first = run_docflow(tmp_path, "process", str(folder / "letter-000.txt"))
    assert first.returncode == 0, first.stderr.decode()
    completed = run_docflow(
        tmp_path, "watch", "--once", "-o", "routed", "docs", file_limit=100_000
    )
    message = completed.stderr.decode()
    assert completed.returncode == 5, message
    assert "cannot write to the database" in message
    assert "Traceback" not in message
    assert "internal error" not in message


def test_lock_ticket_unwritable_exits_5(tmp_path):
    """Even a read takes a turn in the lock queue, whose ticket is a file."""
    write_letters(tmp_path, 2)
    assert run_docflow(tmp_path, "process", "docs").returncode == 0
    for args in (["stats"], ["results"], ["process", "docs"]):
        completed = run_docflow(tmp_path, *args, file_limit=0)
        message = completed.stderr.decode()
        assert completed.returncode == 5, (args, message)
        assert "cannot write the lock file" in message
        assert "cannot write the output" not in message
    queue = tmp_path / "db.duckdb.lock.d"
    assert not [name for name in os.listdir(queue) if name.isdigit()]


def test_unusable_database_file_leaves_no_lock_files(tmp_path):
    """--db naming a text file fails with exit 5 and adds no file beside it."""
    write_letters(tmp_path, 2)
    notes = tmp_path / "notes.txt"
    notes.write_text("meeting at ten\n")
    for args in (["results"], ["stats"], ["watch", "--status"], ["process", "docs"]):
        completed = run_docflow(tmp_path, *args, "--db", str(notes))
        message = completed.stderr.decode()
        assert completed.returncode == 5, (args, message)
        assert "it is not a DuckDB database; check the path given with --db" in (
            message
        ), message
        assert "not a valid DuckDB database file" not in message, message
        beside = [name for name in os.listdir(tmp_path) if name.startswith("notes")]
        assert beside == ["notes.txt"], args
    assert notes.read_text() == "meeting at ten\n"


@pytest.mark.parametrize(
    ("variables", "advice"),
    [
        (
            {"DOCFLOW_DB": "notes.txt"},
            "check the path set by environment variable DOCFLOW_DB",
        ),
        ({}, "check the default path (store.database)"),
    ],
    ids=["DOCFLOW_DB", "default"],
)
def test_unusable_database_names_its_origin(tmp_path, variables, advice):
    """The message names the setting that gave the path, not --db."""
    notes = tmp_path / "notes.txt"
    notes.write_text("meeting at ten\n")
    (tmp_path / ".docflow").mkdir()
    (tmp_path / ".docflow" / "docflow.duckdb").write_text("meeting at ten\n")
    env = docflow_env(tmp_path, **variables)
    for args in (["results"], ["watch", "--status"]):
        completed = subprocess.run(
            [*COMMAND, *args],
            cwd=tmp_path,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            env=env,
            timeout=300,
        )
        message = completed.stderr.decode()
        assert completed.returncode == 5, (args, message)
        assert "it is not a DuckDB database; " + advice in message, message
        assert "given with --db" not in message, message
