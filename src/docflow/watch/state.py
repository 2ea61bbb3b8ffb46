"""The daemon's file state table, kept in the docflow DuckDB database.

Each file the daemon takes from an inbox gets one row whose ``state`` moves
through::

    seen -> processing -> moving -> done
                  \\          \\-> failed -> done  (a move failed; retried)
                   \\-> seen               (changed while read, or interrupted)
                    \\-> held -> seen       (tesseract missing; read again later)
    seen/processing/moving/held -> removed  (the file vanished from the inbox)

A row reaches ``moving`` with its destination and result recorded before the
file is moved, and ``done`` after, so a restart after a crash at any point
can tell from the row and the two paths what happened (see
``Finisher.finish_row``). A path has at most one row that is not ``done`` or
``removed``: the row of the file currently at that path.

DuckDB admits one process at a time. Sessions run under the store's
``<database>.lock`` flock, and the daemon closes the database whenever it is
idle, has kept it for ``max_hold_seconds`` or another docflow process waits
for it, letting ``docflow process``, ``docflow results`` and ``docflow watch
--status`` in.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docflow.errors import StoreError

if TYPE_CHECKING:
    import duckdb

    from docflow.watch.lockfile import DaemonState
    from docflow.watch.readiness import FileSnapshot

__all__ = ["ACTIVE_STATES", "FileRow", "StateSession", "StateStore", "WatchStatus"]

log = logging.getLogger(__name__)

ACTIVE_STATES = ("seen", "processing", "moving", "failed", "held")

_SCHEMA = [
    "CREATE SEQUENCE IF NOT EXISTS watch_file_ids",
    """
    CREATE TABLE IF NOT EXISTS watch_files (
        id BIGINT DEFAULT nextval('watch_file_ids'),
        path BLOB NOT NULL,           -- absolute path in the inbox, as bytes
        inbox BLOB NOT NULL,
        state VARCHAR NOT NULL,  -- seen processing moving done failed held removed
                                 -- replaced
        device UBIGINT,
        inode UBIGINT,
        size BIGINT,
        mtime_ns BIGINT,
        content_hash VARCHAR,
        route VARCHAR,          -- processed, review, quarantine, duplicates, skipped
        destination BLOB,             -- absolute path it is (being) moved to
        category VARCHAR,
        confidence DOUBLE,
        quality DOUBLE,
        status VARCHAR,               -- DocumentResult.status
        error VARCHAR,
        result_json VARCHAR,          -- the DocumentResult, kept until it is stored
        attempts INTEGER NOT NULL DEFAULT 0,  -- processing runs with no result yet
        move_attempts INTEGER NOT NULL DEFAULT 0,  -- or read attempts while held
        first_move_failure DOUBLE,    -- Unix time
        next_attempt DOUBLE,          -- Unix time of the next move or read retry
        seen_at DOUBLE NOT NULL,      -- Unix time
        updated_at DOUBLE NOT NULL
    )
    """,
]

# The store's connection settings: DuckDB rejects a second connection to a
# file with other settings, and nothing may be fetched over the network.
_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

# How often a kept connection checks, between sessions, whether another
# process waits for the database.
_WAITER_CHECK_SECONDS = 0.05

_COLUMNS = (
    "id, path, inbox, state, device, inode, size, mtime_ns, content_hash, route, "
    "destination, category, confidence, quality, status, error, result_json, "
    "attempts, move_attempts, first_move_failure, next_attempt, seen_at, updated_at"
)


@dataclass
class FileRow:
    """One row of ``watch_files``."""

    id: int
    path: str
    inbox: str
    state: str
    device: int | None
    inode: int | None
    size: int | None
    mtime_ns: int | None
    content_hash: str | None
    route: str | None
    destination: str | None
    category: str | None
    confidence: float | None
    quality: float | None
    status: str | None
    error: str | None
    result_json: str | None
    attempts: int
    move_attempts: int
    first_move_failure: float | None
    next_attempt: float | None
    seen_at: float
    updated_at: float

    def matches(self, snapshot: FileSnapshot | None) -> bool:
        """Return True when ``snapshot`` is the same file content this row saw."""
        if snapshot is None:
            return False
        return (
            self.device == snapshot.device
            and self.inode == snapshot.inode
            and self.size == snapshot.size
            and self.mtime_ns == snapshot.mtime_ns
        )


@dataclass
class WatchStatus:
    """Counts of rows by state and the oldest waiting file.

    ``daemon`` is whether a daemon uses the database, when it was looked up.
    """

    counts: dict[str, int]
    routes: dict[str, int]
    queued: list[str]
    daemon: DaemonState | None = None

    def as_dict(self) -> dict[str, Any]:
        value = {"states": self.counts, "routes": self.routes, "queue": self.queued}
        if self.daemon is not None:
            value["daemon"] = self.daemon.as_dict()
        return value


def _to_db(path: str) -> bytes:
    # Paths are stored as bytes: a POSIX file name need not be valid UTF-8,
    # and DuckDB's VARCHAR rejects the surrogates Python decodes it into.
    return os.fsencode(path)


def _row_from_db(values: tuple[Any, ...]) -> FileRow:
    row = FileRow(*values)
    row.path = os.fsdecode(row.path)
    row.inbox = os.fsdecode(row.inbox)
    if row.destination is not None:
        row.destination = os.fsdecode(row.destination)
    return row


class StateSession:
    """Statements on ``watch_files`` inside one open transaction."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._db = connection

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The open connection, for writes that belong in the same transaction."""
        return self._db

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[FileRow]:
        cursor = self._db.execute(f"SELECT {_COLUMNS} FROM watch_files {sql}", params)
        return [_row_from_db(row) for row in cursor.fetchall()]

    def row(self, row_id: int) -> FileRow | None:
        """Return the row with id ``row_id``."""
        rows = self._rows("WHERE id = ?", [row_id])
        return rows[0] if rows else None

    def active_row(self, path: str) -> FileRow | None:
        """Return the row of the file now at ``path``, if it has one."""
        rows = self._rows(
            "WHERE path = ? AND state IN (SELECT unnest(?::VARCHAR[])) "
            "ORDER BY id DESC LIMIT 1",
            [_to_db(path), list(ACTIVE_STATES)],
        )
        return rows[0] if rows else None

    def rows_in(self, states: Iterable[str]) -> list[FileRow]:
        """Return every row in one of ``states``, oldest first."""
        names = list(states)
        marks = ", ".join("?" for _ in names)
        return self._rows(f"WHERE state IN ({marks}) ORDER BY id", names)

    def record_seen(self, path: str, inbox: str, snapshot: FileSnapshot) -> FileRow:
        """Create the row of a newly ready file, or refresh its active row."""
        now = time.time()
        row = self.active_row(path)
        if row is None:
            self._db.execute(
                "INSERT INTO watch_files (path, inbox, state, device, inode, size, "
                "mtime_ns, seen_at, updated_at) "
                "VALUES (?, ?, 'seen', ?, ?, ?, ?, ?, ?)",
                [
                    _to_db(path),
                    _to_db(inbox),
                    snapshot.device,
                    snapshot.inode,
                    snapshot.size,
                    snapshot.mtime_ns,
                    now,
                    now,
                ],
            )
        else:
            self._db.execute(
                "UPDATE watch_files SET device = ?, inode = ?, size = ?, mtime_ns = ?, "
                "updated_at = ? WHERE id = ?",
                [
                    snapshot.device,
                    snapshot.inode,
                    snapshot.size,
                    snapshot.mtime_ns,
                    now,
                    row.id,
                ],
            )
        found = self.active_row(path)
        assert found is not None
        return found

    def newest_rows(self, paths: Sequence[str]) -> dict[str, FileRow]:
        """Return the newest row of each of ``paths`` that has one."""
        if not paths:
            return {}
        rows = self._rows(
            "WHERE path IN (SELECT unnest(?::BLOB[])) "
            "QUALIFY row_number() OVER (PARTITION BY path ORDER BY id DESC) = 1",
            [[_to_db(path) for path in paths]],
        )
        return {row.path: row for row in rows}

    def record_seen_many(
        self, items: Sequence[tuple[str, str, FileSnapshot]]
    ) -> dict[str, FileRow]:
        """Record many files as ``record_seen`` does, in a few statements.

        ``items`` contains (path, inbox, snapshot) triples. Returns the active row
        of each path.
        """
        newest = self.newest_rows([path for path, _, _ in items])
        now = time.time()
        inserts: list[Any] = []
        updates = []
        for path, inbox, snapshot in items:
            row = newest.get(path)
            identity = [snapshot.device, snapshot.inode, snapshot.size]
            if row is not None and row.state in ACTIVE_STATES:
                updates.append([*identity, snapshot.mtime_ns, now, row.id])
            else:
                inserts += [_to_db(path), _to_db(inbox), *identity]
                inserts += [snapshot.mtime_ns, now, now]
        if inserts:
            values = ", ".join(
                ["(?, ?, 'seen', ?, ?, ?, ?, ?, ?)"] * (len(inserts) // 8)
            )
            self._db.execute(
                "INSERT INTO watch_files (path, inbox, state, device, inode, size, "
                f"mtime_ns, seen_at, updated_at) VALUES {values}",
                inserts,
            )
        if updates:
            self._db.executemany(
                "UPDATE watch_files SET device = ?, inode = ?, size = ?, mtime_ns = ?, "
                "updated_at = ? WHERE id = ?",
                updates,
            )
        rows = self.newest_rows([path for path, _, _ in items])
        return {path: row for path, row in rows.items() if row.state in ACTIVE_STATES}

    def mark_processing(self, hashes: dict[int, str]) -> None:
        """Put rows in ``processing``, counting the attempt, with their content hash."""
        if not hashes:
            return
        self._db.execute(
            "UPDATE watch_files SET state = 'processing', attempts = attempts + 1, "
            "content_hash = nullif(v.content_hash, ''), updated_at = ? "
            "FROM (SELECT unnest(?::BIGINT[]) AS id, unnest(?::VARCHAR[]) "
            "AS content_hash) AS v WHERE watch_files.id = v.id",
            [time.time(), list(hashes), list(hashes.values())],
        )

    def set_state_many(self, row_ids: Sequence[int], state: str, **fields: Any) -> None:
        """Set ``state`` and the same ``fields`` on many rows in one statement."""
        if not row_ids:
            return
        fields = {"state": state, **fields, "updated_at": time.time()}
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self._db.execute(
            f"UPDATE watch_files SET {assignments} "
            "WHERE id IN (SELECT unnest(?::BIGINT[]))",
            [*fields.values(), list(row_ids)],
        )

    def routed_rows(self, hashes: Sequence[str]) -> list[FileRow]:
        """Return the done rows routed to processed/ or review/ with ``hashes``.

        The rows come oldest first. Such a file is the original of later files
        with its content while it is still at its destination.
        """
        if not hashes:
            return []
        return self._rows(
            "WHERE state = 'done' AND route IN ('processed', 'review') "
            "AND content_hash IN (SELECT unnest(?::VARCHAR[])) ORDER BY id",
            [list(hashes)],
        )

    def quarantined_rows(self, path: str, content_hash: str | None) -> list[FileRow]:
        """Return the done rows of files quarantined from ``path`` or with this hash.

        These are the earlier runs of one input, because the daemon ties a file
        to its content hash and to the inbox path it came from.
        """
        return self._rows(
            "WHERE state = 'done' AND route = 'quarantine' "
            "AND destination IS NOT NULL AND (path = ? OR content_hash = ?) "
            "ORDER BY id",
            [_to_db(path), content_hash or None],
        )

    def set_fields(self, row_id: int, **fields: Any) -> None:
        """Update ``fields`` of one row and stamp ``updated_at``."""
        from docflow.core.store import display_text

        fields["updated_at"] = time.time()
        for name, value in fields.items():
            if name == "destination" and value is not None:
                fields[name] = _to_db(value)
            elif isinstance(value, str):
                fields[name] = display_text(value)  # an error naming the file
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self._db.execute(
            f"UPDATE watch_files SET {assignments} WHERE id = ?",
            [*fields.values(), row_id],
        )

    def count_by_state(self) -> dict[str, int]:
        rows = self._db.execute(
            "SELECT state, count(*) FROM watch_files GROUP BY state ORDER BY state"
        ).fetchall()
        return {state: count for state, count in rows}

    def count_by_route(self) -> dict[str, int]:
        rows = self._db.execute(
            "SELECT route, count(*) FROM watch_files WHERE state = 'done' "
            "GROUP BY route ORDER BY route"
        ).fetchall()
        return {route: count for route, count in rows}

    def status(self, queue_limit: int = 20) -> WatchStatus:
        from docflow.core.store import display_path

        queued = [
            display_path(row.path)
            for row in self._rows(
                "WHERE state IN (SELECT unnest(?::VARCHAR[])) ORDER BY id LIMIT ?",
                [list(ACTIVE_STATES), queue_limit],
            )
        ]
        return WatchStatus(self.count_by_state(), self.count_by_route(), queued)


class StateStore:
    """The database file and its lock; each ``session()`` is one transaction.

    With ``max_hold_seconds`` 0 every session opens the database under the
    store's lock and closes it again. The daemon passes a positive value: its
    sessions then share one connection, kept open (with the exclusive lock),
    because opening DuckDB costs tens of milliseconds, many times a small
    transaction. The connection is closed by ``release()``, at the end of a
    session once it has been held ``max_hold_seconds``, and as soon as another
    docflow process waits in the lock's queue: at the end of the session that
    runs, or within ``_WAITER_CHECK_SECONDS`` between sessions. A docflow
    command that opens the database several times so waits for one of the
    daemon's transactions each time, not for a whole hold.
    Sessions of one StateStore run one at a time, whatever the thread.
    """

    def __init__(
        self,
        database: str | Path,
        *,
        lock_timeout: float = 600.0,
        lock_notice_seconds: float = 5.0,
        max_hold_seconds: float = 0.0,
        origin: str | None = None,
    ) -> None:
        from docflow.core.store._lock import DatabaseLock

        self.database = Path(database)
        # Where the path was set, as ``docflow.core.store.database_origin``
        # returns it.
        self.origin = origin
        self.max_hold_seconds = max_hold_seconds
        self._lock = DatabaseLock(
            self.database, notice_seconds=lock_notice_seconds, timeout=lock_timeout
        )
        self._schema_ready = False
        self._mutex = threading.RLock()
        self._lease: contextlib.ExitStack | None = None
        self._held_connection: duckdb.DuckDBPyConnection | None = None
        self._held_since = 0.0
        # Set when the kept connection is closed, to stop its waiter check.
        self._lease_closed: threading.Event | None = None

    @contextlib.contextmanager
    def session(self, *, write: bool = True) -> Iterator[StateSession]:
        """Run one transaction, committed when the block ends.

        A DuckDB error (a full disk, a damaged file) becomes a StoreError
        that names the database.
        """
        import duckdb

        try:
            yield from self._session(write=write)
        except duckdb.Error as exc:
            from docflow.core.store import database_failure
            from docflow.errors import is_query_interrupted

            if is_query_interrupted(exc):
                raise
            raise StoreError(
                database_failure(self.database, exc, write, self.origin)
            ) from exc

    def _session(self, *, write: bool) -> Iterator[StateSession]:
        with self._mutex:
            if self.max_hold_seconds > 0:
                connection = self._leased_connection()
                try:
                    yield from _transaction(connection)
                finally:
                    held = time.monotonic() - self._held_since
                    if held >= self.max_hold_seconds or self._lock.has_waiters():
                        self.release()
                return
            with contextlib.ExitStack() as stack:
                connection = self._open(stack, write=write)
                yield from _transaction(connection)

    def release(self) -> None:
        """Close the shared connection and let other processes take the lock."""
        with self._mutex:
            lease, self._lease = self._lease, None
            self._held_connection = None
            if self._lease_closed is not None:
                self._lease_closed.set()
                self._lease_closed = None
            if lease is not None:
                lease.close()

    def _leased_connection(self) -> duckdb.DuckDBPyConnection:
        if self._held_connection is None:
            stack = contextlib.ExitStack()
            try:
                self._held_connection = self._open(stack, write=True)
            except BaseException:
                stack.close()
                raise
            self._lease = stack
            self._held_since = time.monotonic()
            self._lease_closed = threading.Event()
            threading.Thread(
                target=self._release_for_waiters,
                args=(self._lease_closed,),
                name="docflow-watch-lease",
                daemon=True,
            ).start()
        return self._held_connection

    def _release_for_waiters(self, closed: threading.Event) -> None:
        """Close the kept connection between sessions when a process waits for it."""
        while not closed.wait(_WAITER_CHECK_SECONDS):
            if not self._mutex.acquire(blocking=False):
                continue  # a session runs, and checks for waiters when it ends
            try:
                if not closed.is_set() and self._lock.has_waiters():
                    self.release()
            finally:
                self._mutex.release()

    def _open(
        self, stack: contextlib.ExitStack, *, write: bool
    ) -> duckdb.DuckDBPyConnection:
        """Take the lock and open the database; ``stack`` undoes both."""
        import duckdb

        if write and not self._schema_ready:
            self._prepare_store_schema()
        turn = stack.enter_context(self._lock.hold(exclusive=write))
        try:
            connection = duckdb.connect(
                str(self.database), read_only=not write, config=_CONFIG
            )
        except duckdb.Error as exc:
            from docflow.core.store import open_failure

            turn.remove_created_files()  # none beside a file docflow cannot open
            raise StoreError(open_failure(self.database, exc, self.origin)) from exc
        stack.callback(connection.close)
        if write and not self._schema_ready:
            for statement in _SCHEMA:
                connection.execute(statement)
            self._schema_ready = True
        return connection

    def _prepare_store_schema(self) -> None:
        """Create or migrate the store's tables before the watch table.

        The store rejects a database that contains tables it did not create.
        """
        from docflow.core.store import Store

        store = Store(
            self.database,
            lock_notice_seconds=self._lock.notice_seconds,
            lock_timeout=self._lock.timeout,
            origin=self.origin,
        )
        with store.connect(write=True):
            pass  # before this store's lock is held: flock conflicts in-process

    def read_status(self, queue_limit: int = 20) -> WatchStatus:
        """Return the counts by state and the queue, or empty counts without a table."""
        import duckdb

        if not self.database.exists():
            return WatchStatus({}, {}, [])
        with self.session(write=False) as session:
            try:
                return session.status(queue_limit)
            except duckdb.CatalogException:
                return WatchStatus({}, {}, [])


def _transaction(connection: duckdb.DuckDBPyConnection) -> Iterator[StateSession]:
    import duckdb

    connection.execute("BEGIN TRANSACTION")
    try:
        yield StateSession(connection)
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
