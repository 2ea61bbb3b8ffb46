"""The watch daemon's kept database connection and other docflow processes.

The daemon keeps DuckDB open across its transactions. A real ``docflow watch
--status`` process, which reads the same database file, must get its turn
before the daemon's next transaction, not only when the daemon has held the
database for ``max_hold_seconds``. The daemon's side is a StateStore with
the daemon's kind of kept connection and a ``max_hold_seconds`` far longer
than any test, so only a waiting process can end the hold.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from docflow.watch.readiness import snapshot_of
from docflow.watch.state import StateSession, StateStore
from processes import docflow_env


def wait_for(condition: Callable[[], Any], message: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s: {message}")
        time.sleep(0.01)


class Reader:
    """A ``docflow watch --status`` process on the daemon's database."""

    def __init__(self, tmp_path: Path, database: Path) -> None:
        self.database = database
        command = "from docflow.cli.launch import run; run()"
        self.process = subprocess.Popen(
            [sys.executable, "-c", command, "watch", "--status", "-f", "json"]
            + ["--db", str(database)],
            cwd=tmp_path,
            env=docflow_env(tmp_path),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def is_queued(self) -> bool:
        """Return True once the process waits in the database lock's queue."""
        queue = self.database.with_name(self.database.name + ".lock.d")
        for name in os.listdir(queue):
            try:
                owner = (queue / name).read_text()
            except OSError:
                continue
            if owner == f"pid {self.process.pid}":
                return True
        return False

    def seen_rows(self) -> int:
        """Wait for the process to exit and return the rows in state seen it read."""
        stdout, stderr = self.process.communicate(timeout=120)
        assert self.process.returncode == 0, stderr.decode()
        return int(json.loads(stdout)["states"].get("seen", 0))


@pytest.fixture
def state(tmp_path: Path) -> Iterator[StateStore]:
    store = StateStore(
        tmp_path / "db" / "docflow.duckdb", lock_timeout=120, max_hold_seconds=3600
    )
    yield store
    store.release()


def add_row(session: StateSession, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(name)
    snapshot = snapshot_of(str(path))
    assert snapshot is not None
    session.record_seen(str(path), str(tmp_path), snapshot)


def test_reader_waiting_between_sessions(state: StateStore, tmp_path: Path) -> None:
    """The kept connection is closed for a process that queues between sessions."""
    with state.session() as session:
        add_row(session, tmp_path, "first.txt")
    reader = Reader(tmp_path, state.database)
    wait_for(reader.is_queued, "the reader never queued for the lock")

    wait_for(
        lambda: state._held_connection is None,
        "the daemon kept the database while a reader waited",
    )
    with state.session() as session:  # waits for the reader's turn
        add_row(session, tmp_path, "second.txt")

    assert reader.seen_rows() == 1


def test_reader_waiting_during_session(state: StateStore, tmp_path: Path) -> None:
    """A process that queues during a session reads before the next session."""
    with state.session() as session:
        add_row(session, tmp_path, "first.txt")
        reader = Reader(tmp_path, state.database)
        wait_for(reader.is_queued, "the reader never queued for the lock")
        add_row(session, tmp_path, "second.txt")
    with state.session() as session:  # waits for the reader's turn
        add_row(session, tmp_path, "third.txt")
    state.release()

    assert reader.seen_rows() == 2
