"""The Store: results, runs, the result cache and corrections in one DuckDB file."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shlex
import socket
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from docflow.core.models import CATEGORIES, NO_CATEGORY, DocumentResult
from docflow.core.quoting import shell_argument
from docflow.core.review import has_quality_reason_sql
from docflow.core.store._lock import DatabaseLock, LockTurn
from docflow.core.store._rows import (
    FileStat,
    PendingResult,
    PreparedResult,
    build_batches,
    display_path,
    display_text,
    escape_controls,
    path_from_display,
    result_from_row,
)
from docflow.core.store._schema import (
    SCHEMA_VERSION,
    check_version,
    first_row,
    migrate,
    read_version,
)
from docflow.errors import (
    ResultForgotten,
    ResultNotFound,
    StoreError,
    UsageError,
    is_query_interrupted,
)

if TYPE_CHECKING:
    import duckdb

    from docflow.core.config import Settings

__all__ = [
    "CacheHit",
    "CacheLookup",
    "Correction",
    "FileStat",
    "RunProgress",
    "RunRecord",
    "Store",
    "StoredAnalysis",
    "StoredResult",
    "prepare_database_folder",
]

log = logging.getLogger(__name__)

#: Statuses that depend only on the content and the fingerprinted settings, so
#: a stored one is reused. Others (timeouts, crashes, missing tesseract, a
#: password that may be given next time) are retried on the next run.
CACHEABLE_STATUSES = ("ok", "unsupported", "empty", "corrupt", "too_large")

_RESULT_SELECT = """
    SELECT d.id, d.path, d.content_hash, d.size, d.detected_type,
           d.extension_mismatch, d.pages, d.pages_read, d.status, d.error,
           d.review_status, d.review_reasons, d.warnings, d.duration_ms,
           d.cached, d.run_id, d.processed_at, d.is_current, d.forgotten_at,
           c.category, c.confidence, c.processing_method, c.keywords, c.evidence,
           c.facts, c.metadata,
           q.overall_score, q.readability_score, q.structure_score,
           q.content_quality_score, q.issues, q.recommendations, q.metrics
    FROM documents d
    LEFT JOIN classifications c ON c.document_id = d.id
    LEFT JOIN quality_results q ON q.document_id = d.id
"""


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class CacheHit:
    """A stored result reused for ``result.path``.

    ``needs_write`` is true when the stored row belongs to another path or is
    not the current row of this path, so the hit must be stored again.
    """

    result: DocumentResult
    document_id: int
    needs_write: bool


@dataclass(frozen=True)
class CacheLookup:
    """Outcome of ``Store.lookup`` for a list of files."""

    hashes: dict[str, str]  # path -> content hash, for files whose stat matched
    hits: dict[str, CacheHit]
    worth_hashing: set[str]  # unmatched files of a size some document has


@dataclass(frozen=True)
class StoredAnalysis:
    """A stored result that has the analysis a run of the other one keeps.

    ``reusable`` is true when the analysis was computed under the settings
    fingerprint of the run that looked it up, so a row that keeps it may
    offer it to the result cache.
    """

    result: DocumentResult
    reusable: bool


@dataclass(frozen=True)
class StoredResult:
    """A result as stored: the document id and timestamps around it.

    ``forgotten_at`` is the UTC time ``docflow forget`` retired the row, or
    None when it did not.
    """

    id: int
    processed_at: datetime
    run_id: int | None
    is_current: bool
    result: DocumentResult
    forgotten_at: datetime | None = None


@dataclass(frozen=True)
class Correction:
    """A category a person gave a document (``docflow label``)."""

    id: int
    document_id: int | None
    path: str
    content_hash: str | None
    category: str
    labeled_at: datetime
    labeled_by: str


@dataclass
class RunRecord:
    """One invocation of a processing command and how far it got."""

    id: int
    command: str
    args: dict[str, Any]
    status: str
    started_at: datetime
    finished_at: datetime | None
    total: int
    done: int
    cache_hits: int
    status_counts: dict[str, int] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    pid: int | None = None
    #: The host name of the process, None for runs stored before docflow
    #: recorded it.
    host: str | None = None
    #: When the run last stored progress.
    updated_at: datetime | None = None


@dataclass
class RunProgress:
    """A run being processed: what it was given and how far it got.

    ``run_id`` stays None until the run's row is stored. That happens with
    ``Store.begin_run``, with its first batch of results, or when it
    finishes, so a run that only reuses cached results opens the database
    for writing once. The row gets ``started_at`` (UTC, by default the time
    this object was created), not the time of that first write.
    """

    command: str
    args: Mapping[str, Any]
    total: int
    run_id: int | None = None
    done: int = 0
    cache_hits: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)
    started_at: datetime = field(default_factory=_utcnow)


def _connection_config() -> dict[str, Any]:
    # Never fetch an extension over the network when a query names one.
    return {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


class Store:
    """Results, runs and corrections in one DuckDB file shared by processes.

    Every method opens the database for one short transaction under the
    sidecar lock (see ``_lock``) and closes it again, so several docflow
    processes can use the same file in turn.
    """

    def __init__(
        self,
        database: str | Path,
        *,
        lock_notice_seconds: float = 5.0,
        lock_timeout: float = 600.0,
        clock: Callable[[], datetime] = _utcnow,
        origin: str | None = None,
    ) -> None:
        self.path = Path(database)
        # Where the path was set, as ``database_origin`` returns it.
        self.origin = origin
        self.lock = DatabaseLock(
            self.path, notice_seconds=lock_notice_seconds, timeout=lock_timeout
        )
        self.clock = clock
        self._schema_ready = False
        # (thread id, connection) while a ``session`` block runs.
        self._session: tuple[int, duckdb.DuckDBPyConnection] | None = None
        # The database files' state when this Store last closed a connection,
        # and whether another process changed them while this one was away.
        self._last_state: tuple[Any, ...] | None = None
        self._changed_elsewhere = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        """Open the database named by ``settings.store``."""
        store = settings.store
        return cls(
            store.database,
            lock_notice_seconds=store.lock_notice_seconds,
            lock_timeout=store.lock_timeout,
            origin=database_origin(settings),
        )

    def owns(self, path: str) -> bool:
        """Return whether ``path`` is one of the database's own files.

        These are the database, its write-ahead log, its lock file and the
        waiting list under ``NAME.lock.d``; none of them is a document.
        """
        folder, name = os.path.split(os.path.abspath(path))
        own = self.path.name
        if name in (own, own + ".wal", own + ".lock"):
            return _same_folder(folder, self.path.parent)
        if os.path.basename(folder) == own + ".lock.d":
            return _same_folder(os.path.dirname(folder), self.path.parent)
        return False

    @classmethod
    def for_reading(
        cls, settings: Settings, *, created_by: str = "docflow process FOLDER"
    ) -> Store:
        """Return the Store of ``settings.store`` for a command that only reads it.

        Raises StoreError when ``--db``, a DOCFLOW_DB variable or a settings
        file names a database that does not exist, so that a mistyped path
        fails instead of reading as an empty database. The default database
        may be missing: the read methods then return no rows. ``created_by``
        is the command the message suggests to create the database.
        """
        store = cls.from_settings(settings)
        if "database" in settings.store.model_fields_set and not store.exists():
            raise StoreError(
                _missing_database_message(settings, store.path, created_by)
            )
        return store

    # -- connections -----------------------------------------------------------

    def exists(self) -> bool:
        """Return whether the database file exists yet.

        Raises StoreError when the path is taken by something that is not a
        file, so a read does not report an empty database instead.
        """
        # One stat, because another process may create the file between two:
        # is_file() then exists() read a file made in between as no file.
        try:
            mode = os.stat(self.path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            mode = None
        if mode is not None and S_ISREG(mode):
            return True
        if mode is not None:
            raise StoreError(
                f"the database path {str(self.path)!r} is a folder or another "
                "kind of file, not a database file; give a file path with --db "
                "or store.database"
            )
        for parent in self.path.parents:
            if parent.exists():
                if not parent.is_dir():
                    raise StoreError(
                        f"the database path {str(self.path)!r} is under "
                        f"{str(parent)!r}, which is a file, not a folder; give "
                        "another path with --db or store.database"
                    )
                break
        return False

    def check_writable(self) -> None:
        """Create or migrate the database now; raise StoreError if it cannot open.

        A batch calls this before it processes anything, so a bad --db path
        fails at once instead of after the last document.
        """
        with self.connect(write=True):
            pass

    @contextlib.contextmanager
    def connect(self, *, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the database under the lock for one unit of work.

        The first connection of a Store also checks the schema version, and
        creates or migrates the schema when needed. Inside a ``session`` block
        the calls of the thread that opened it share its connection.
        """
        import duckdb

        session = self._session
        try:
            if session is not None and session[0] == threading.get_ident():
                yield session[1]
            else:
                with self._connect(write=write) as connection:
                    yield connection
        except duckdb.Error as exc:
            if is_query_interrupted(exc):
                raise
            raise StoreError(
                database_failure(self.path, exc, write, self.origin)
            ) from exc

    @contextlib.contextmanager
    def _connect(self, *, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self._schema_ready and not self.exists():
            self._migrate()
        with self.lock.hold(exclusive=write) as turn:
            self._check_state()
            with _removing_lock_files(turn):
                connection = self._open(read_only=not write)
                try:
                    if not self._schema_ready and self._needs_migration(
                        connection, write
                    ):
                        connection.close()
                        connection = None
                except BaseException:
                    connection.close()
                    raise
            if connection is not None:
                try:
                    yield connection
                finally:
                    connection.close()
                    self._last_state = self._file_state()
                return
        # A reader found an old schema: migrate under the exclusive lock,
        # then start over.
        self._migrate()
        with self._connect(write=write) as connection:
            yield connection

    def unchanged_elsewhere(self) -> bool:
        """Return True if only this Store changed the database since it first opened it.

        Every docflow process writes under the sidecar lock, and this Store
        compares the files' size, times and inode on each connection with
        their state when it last closed one.
        """
        self._check_state()
        return self._last_state is not None and not self._changed_elsewhere

    def _check_state(self) -> None:
        if self._last_state is not None and self._file_state() != self._last_state:
            self._changed_elsewhere = True

    def _file_state(self) -> tuple[Any, ...]:
        state: list[Any] = []
        for path in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                info = os.stat(path)
            except OSError:
                state.append(None)
                continue
            state.append(
                (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
            )
        return tuple(state)

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Open the database once for every call this thread makes in the block.

        Each call otherwise opens and closes the file, 20-50 ms apiece. The
        block holds the exclusive lock, so other docflow processes and this
        process's other threads wait until it ends: keep it short.
        """
        if self._session is not None:  # calls reuse the session already open
            yield
            return
        with self.connect(write=True) as connection:
            self._session = (threading.get_ident(), connection)
            try:
                yield
            finally:
                self._session = None

    def _needs_migration(
        self, connection: duckdb.DuckDBPyConnection, write: bool
    ) -> bool:
        version = read_version(connection)
        check_version(version, str(self.path))
        if version < SCHEMA_VERSION:
            if not write:
                return True
            self._run_migrations(connection)
        self._schema_ready = True
        return False

    def _open(self, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        import duckdb

        try:
            return duckdb.connect(
                str(self.path), read_only=read_only, config=_connection_config()
            )
        except duckdb.Error as exc:
            if "Out of Memory" in str(exc):
                raise StoreError(
                    database_failure(self.path, exc, True, self.origin)
                ) from exc
            raise StoreError(open_failure(self.path, exc, self.origin)) from exc

    def _migrate(self) -> None:
        prepare_database_folder(self.path, self.origin)
        with self.lock.hold(exclusive=True) as turn, _removing_lock_files(turn):
            connection = self._open(read_only=False)
            try:
                self._run_migrations(connection)
            finally:
                connection.close()
        self._schema_ready = True

    def _run_migrations(self, connection: duckdb.DuckDBPyConnection) -> None:
        old = migrate(connection, str(self.path), self.clock())
        if old == 0:
            log.info("database %s created (schema %d)", self.path, SCHEMA_VERSION)
        elif old != SCHEMA_VERSION:
            log.info(
                "database %s migrated from schema %d to %d",
                self.path,
                old,
                SCHEMA_VERSION,
            )

    # -- runs ------------------------------------------------------------------

    def start_run(self, command: str, args: Mapping[str, Any], total: int) -> int:
        """Record a new run and return its id.

        Runs still marked ``running`` whose process is gone are marked
        ``interrupted`` first; their stored documents are cache hits now.
        """
        with self.connect(write=True) as connection:
            now = self.clock()
            run = RunProgress(command, args, total, started_at=now)
            return self._insert_run(connection, run, now)

    def begin_run(self, run: RunProgress) -> int:
        """Store the row of ``run`` as running unless it has one; return its id.

        A run with documents to process calls this before it prints the
        first result. So a run that is killed before its first batch of
        results is stored still has its row, which ``stats`` shows and a
        re-run of the same command with --no-cache resumes. Inside a
        ``session`` block the row goes into the session's connection.
        """
        if run.run_id is None:
            with self.connect(write=True) as connection:
                run.run_id = self._insert_run(connection, run, self.clock())
        return run.run_id

    def _insert_run(
        self, connection: duckdb.DuckDBPyConnection, run: RunProgress, now: datetime
    ) -> int:
        self._close_dead_runs(connection, now)
        row = first_row(connection.execute("SELECT coalesce(max(id), 0) + 1 FROM runs"))
        run_id = int(row[0]) if row else 1
        connection.execute(
            "INSERT INTO runs (id, command, args, pid, host, status, started_at, "
            "updated_at, total) VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)",
            [
                run_id,
                run.command,
                json.dumps(dict(run.args), default=str),
                os.getpid(),
                socket.gethostname(),
                run.started_at,
                now,
                run.total,
            ],
        )
        return run_id

    def _close_dead_runs(
        self, connection: duckdb.DuckDBPyConnection, now: datetime
    ) -> None:
        rows = connection.execute(
            "SELECT id, pid, host, updated_at, done, total FROM runs "
            "WHERE status = 'running'"
        ).fetchall()
        for run_id, pid, host, updated_at, done, total in rows:
            if _run_alive(pid, host, updated_at):
                continue
            log.warning(
                "run %d stopped before finishing (%d of %d documents stored); "
                "the documents it stored are kept, and a run that reuses stored "
                "results takes them as cache hits, as does a re-run of the same "
                "command with --no-cache. Results it printed but had not stored "
                "yet are processed again",
                run_id,
                done,
                total,
            )
            # Its last progress write is the nearest known time it stopped.
            connection.execute(
                "UPDATE runs SET status = 'interrupted', "
                "finished_at = coalesce(updated_at, ?), updated_at = ? WHERE id = ?",
                [now, now, run_id],
            )

    def finish_run(
        self,
        run_id: int,
        *,
        status: str,
        done: int,
        cache_hits: int,
        status_counts: Mapping[str, int],
        stats: Mapping[str, Any] | None = None,
    ) -> None:
        """Record the end of a run with its final counts."""
        run = RunProgress("", {}, 0, run_id, done, cache_hits, dict(status_counts))
        self.end_run(run, status=status, stats=stats)

    def end_run(
        self,
        run: RunProgress,
        *,
        status: str,
        stats: Mapping[str, Any] | None = None,
    ) -> int:
        """Record the end of ``run``, storing its row first if needed; return its id."""
        now = self.clock()
        with self.connect(write=True) as connection:
            run_id = run.run_id
            if run_id is None:
                run_id = self._insert_run(connection, run, now)
            connection.execute(
                "UPDATE runs SET status = ?, finished_at = ?, updated_at = ?, "
                "done = ?, cache_hits = ?, status_counts = ?, stats = ? WHERE id = ?",
                [
                    status,
                    now,
                    now,
                    run.done,
                    run.cache_hits,
                    json.dumps(dict(run.status_counts)),
                    json.dumps(dict(stats or {}), default=str),
                    run_id,
                ],
            )
        run.run_id = run_id
        return run_id

    def unfinished_runs(self, command: str, args: Mapping[str, Any]) -> list[int]:
        """Return the ids of the runs of ``command`` with ``args`` since its last
        finished one, newest first.

        These runs were interrupted, failed, were killed or still run. ``args``
        is compared as the runs table stores it (``RunProgress.args``), so a
        run that was given other paths or options does not count. A run that
        ``abandon_runs`` marked ends the list as a finished one does.
        """
        if not self.exists():
            return []
        expected = json.loads(json.dumps(dict(args), default=str))
        with self.connect(write=False) as connection:
            rows = connection.execute(
                "SELECT id, args, status FROM runs WHERE command = ? ORDER BY id DESC",
                [command],
            ).fetchall()
        unfinished: list[int] = []
        for run_id, stored_args, status in rows:
            if json.loads(stored_args) != expected:
                continue
            if status in _RESUME_BARRIERS:
                break
            unfinished.append(int(run_id))
        return unfinished

    def abandon_runs(self, run_ids: Sequence[int]) -> None:
        """Mark unfinished runs ``abandoned``, so no later run resumes them.

        ``docflow process --no-cache --restart`` calls this for the runs it
        would have resumed. Their stored results stay, but a later run of the
        same command with --no-cache processes their files again. Raises
        UsageError and marks none when one of them still runs, because its
        process would go on storing results beside the new run's.
        """
        if not run_ids:
            return
        now = self.clock()
        with self.connect(write=True) as connection:
            running = _still_running(connection, run_ids)
            local = [run for run in running if not _of_other_host(run.host)]
            if local:
                raise UsageError(_still_running_message(local))
            for run in running:
                log.warning(
                    "run %d was started on host %r and stored progress at %s UTC; "
                    "docflow cannot tell from here whether it still runs, so it "
                    "is marked abandoned. If it does run, stop it there, because "
                    "it would go on storing results beside this run's",
                    run.id,
                    run.host,
                    f"{run.updated_at:%Y-%m-%d %H:%M}",
                )
            connection.execute(
                "UPDATE runs SET status = 'abandoned', updated_at = ? "
                "WHERE status <> 'finished' AND id IN (SELECT unnest(?::BIGINT[]))",
                [now, list(run_ids)],
            )

    def check_not_running(self, run_ids: Sequence[int]) -> None:
        """Raise UsageError when one of the runs ``run_ids`` still runs here.

        A ``--no-cache`` run calls this for the runs it would resume, because
        resuming a run whose process is still going would process the same
        files beside it. Runs of other hosts are not checked (see
        ``_run_alive``).
        """
        if not run_ids:
            return
        with self.connect(write=False) as connection:
            running = _still_running(connection, run_ids)
        local = [run for run in running if not _of_other_host(run.host)]
        if local:
            raise UsageError(_still_running_message(local, restart=False))

    def has_run(self, run_id: int) -> bool:
        """Return whether the runs table contains run ``run_id``."""
        with self.connect(write=False) as connection:
            row = connection.execute(
                "SELECT count(*) FROM runs WHERE id = ?", [run_id]
            ).fetchone()
        return bool(row and row[0])

    def runs(self, limit: int = 10) -> list[RunRecord]:
        """Return the latest runs, newest first.

        A run still marked ``running`` whose process is gone (killed) is
        returned as ``interrupted``, as the next run will record it.
        """
        if not self.exists():
            return []
        with self.connect(write=False) as connection:
            rows = connection.execute(
                f"{_RUN_SELECT} ORDER BY id DESC LIMIT ?", [limit]
            ).fetchall()
        return [_run_record(row) for row in rows]

    def latest_unfinished_runs(self) -> list[RunRecord]:
        """Return the runs that did not finish, newest first, as ``runs`` does.

        A run counts only while no later run of the same command and
        arguments finished, because that run processed the same files again.
        So these are the runs that are still running, and the runs that a
        re-run of the same command would resume (``unfinished_runs``).
        """
        if not self.exists():
            return []
        with self.connect(write=False) as connection:
            rows = connection.execute(f"{_RUN_SELECT} ORDER BY id DESC").fetchall()
        finished: set[tuple[str, str]] = set()
        unfinished = []
        for row in rows:
            run = _run_record(row)
            # The arguments as parsed, so that key order does not matter.
            key = (run.command, json.dumps(run.args, sort_keys=True))
            if run.status in _RESUME_BARRIERS:
                finished.add(key)
            elif key not in finished:
                unfinished.append(run)
        return unfinished

    # -- writing results ---------------------------------------------------------

    def write(
        self,
        pending: Sequence[PendingResult | PreparedResult],
        *,
        touched: Sequence[tuple[FileStat, str]] = (),
        run: RunProgress | None = None,
    ) -> int | None:
        """Store a batch of results in one transaction; return the run id.

        Each path's earlier rows stop being current, so every path has exactly
        one current result even if two processes store it. ``touched`` maps
        files whose stat changed but whose content did not to their hash.
        ``run`` (when given) is stored or updated in the same transaction and
        its id is written on each document row.
        """
        unique = list({_display(p): p for p in pending}.values())
        now = self.clock()
        run_id = run.run_id if run is not None else None
        with self.connect(write=True) as connection:
            connection.execute("BEGIN TRANSACTION")
            try:
                if run is not None and run_id is None:
                    run_id = self._insert_run(connection, run, now)
                self._insert_results(connection, unique, now, run_id)
                self._insert_touched(connection, touched, now)
                if run is not None:
                    self._update_progress(connection, run, run_id, now)
                connection.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(Exception):
                    connection.execute("ROLLBACK")
                raise
        return run_id

    def _insert_results(
        self,
        connection: duckdb.DuckDBPyConnection,
        pending: Sequence[PendingResult | PreparedResult],
        now: datetime,
        run_id: int | None,
    ) -> None:
        pending = _without_kept_current(connection, pending)
        if not pending:
            return
        row = first_row(
            connection.execute("SELECT coalesce(max(id), 0) + 1 FROM documents")
        )
        first_id = int(row[0]) if row else 1
        batches = build_batches(pending, first_id, now, run_id)
        for name, table in batches.items():
            connection.register(f"batch_{name}", table)
        try:
            connection.execute(
                "UPDATE documents SET is_current = false WHERE is_current "
                "AND path IN (SELECT path FROM batch_documents)"
            )
            connection.execute(
                "DELETE FROM file_stats "
                "WHERE path IN (SELECT path FROM batch_file_stats)"
            )
            for name in (
                "documents",
                "classifications",
                "quality_results",
                "facts",
                "file_stats",
            ):
                columns = ", ".join(batches[name].column_names)
                connection.execute(
                    f"INSERT INTO {name} ({columns}) SELECT {columns} FROM batch_{name}"
                )
        finally:
            for name in batches:
                connection.unregister(f"batch_{name}")

    def _insert_touched(
        self,
        connection: duckdb.DuckDBPyConnection,
        touched: Sequence[tuple[FileStat, str]],
        now: datetime,
    ) -> None:
        if not touched:
            return
        import pyarrow as pa

        table = pa.table(
            {
                "path": [display_path(stat.path) for stat, _ in touched],
                "size": pa.array([stat.size for stat, _ in touched], pa.int64()),
                "mtime_ns": pa.array(
                    [stat.mtime_ns for stat, _ in touched], pa.int64()
                ),
                "content_hash": [content_hash for _, content_hash in touched],
                "seen_at": pa.array([now] * len(touched), pa.timestamp("us")),
            }
        )
        connection.register("batch_touched", table)
        try:
            connection.execute(
                "DELETE FROM file_stats WHERE path IN (SELECT path FROM batch_touched)"
            )
            connection.execute(
                "INSERT INTO file_stats (path, size, mtime_ns, content_hash, seen_at) "
                "SELECT path, size, mtime_ns, content_hash, seen_at FROM batch_touched"
            )
        finally:
            connection.unregister("batch_touched")

    def _update_progress(
        self,
        connection: duckdb.DuckDBPyConnection,
        run: RunProgress,
        run_id: int | None,
        now: datetime,
    ) -> None:
        connection.execute(
            "UPDATE runs SET done = ?, cache_hits = ?, status_counts = ?, "
            "updated_at = ? WHERE id = ?",
            [run.done, run.cache_hits, json.dumps(run.status_counts), now, run_id],
        )

    # -- the result cache ----------------------------------------------------------

    def lookup(
        self,
        files: Sequence[FileStat],
        *,
        fingerprint: str,
        model_version: str | None,
        classify: bool,
        quality: bool,
        from_runs: Sequence[int] | None = None,
    ) -> CacheLookup:
        """Look up files by stat, then their stored results, in one read.

        Also returns which of the remaining files have the size of some
        stored document: only those can have stored content, so only those
        are worth hashing. With ``from_runs`` only the results those runs
        stored are reused (see ``lookup_results``).
        """
        if not files or not self.exists():
            return CacheLookup({}, {}, set())
        with self.connect(write=False) as connection:
            hashes = _select_hashes(connection, files)
            hits = _select_results(
                connection,
                hashes,
                fingerprint=fingerprint,
                model_version=model_version,
                classify=classify,
                quality=quality,
                from_runs=from_runs,
            )
            unknown = [f for f in files if f.path not in hashes]
            sizes = _select_stored_sizes(connection, {f.size for f in unknown})
        worth_hashing = {f.path for f in unknown if f.size in sizes}
        return CacheLookup(hashes, hits, worth_hashing)

    def lookup_hashes(self, files: Sequence[FileStat]) -> dict[str, str]:
        """Return the stored content hash of each file whose size and mtime match."""
        if not files or not self.exists():
            return {}
        with self.connect(write=False) as connection:
            return _select_hashes(connection, files)

    def lookup_results(
        self,
        hashes: Mapping[str, str],
        *,
        fingerprint: str,
        model_version: str | None,
        classify: bool,
        quality: bool,
        from_runs: Sequence[int] | None = None,
    ) -> dict[str, CacheHit]:
        """Return stored results for files (path -> content hash) that can be reused.

        A result is reused when it was computed from the same content with the
        same settings fingerprint, contains the analyses requested and, when
        classification is requested, comes from the model whose cache key
        (``models.model_cache_key``) is ``model_version``. With ``from_runs``
        it must also have been stored by one of those runs, which is how a
        run with ``--no-cache`` resumes the interrupted runs of its command.
        """
        if not hashes or not self.exists():
            return {}
        with self.connect(write=False) as connection:
            return _select_results(
                connection,
                hashes,
                fingerprint=fingerprint,
                model_version=model_version,
                classify=classify,
                quality=quality,
                from_runs=from_runs,
            )

    def lookup_analyses(
        self, hashes: Mapping[str, str], *, analysis: str, fingerprint: str
    ) -> dict[str, StoredAnalysis]:
        """Return, for files (path -> content hash), a stored result with ``analysis``.

        ``analysis`` is ``classification`` or ``quality``. A run of only the
        other analysis keeps this one, whatever settings, model or docflow
        version computed it. The file's current row comes first if it has
        the analysis, then the newest row of the same content.
        """
        query = _ANALYSIS_QUERIES[analysis]
        if not hashes or not self.exists():
            return {}
        by_display = {display_path(path): path for path in hashes}
        with self.connect(write=False) as connection:
            cursor = connection.execute(
                query,
                {
                    "paths": list(by_display),
                    "hashes": [hashes[path] for path in by_display.values()],
                },
            )
            records = _fetch_dicts(cursor)
        found: dict[str, StoredAnalysis] = {}
        for record in records:
            request_path = by_display[record["request_path"]]
            result = result_from_row(record).model_copy(update={"path": request_path})
            reusable = bool(record["reusable"]) and (
                record["settings_fingerprint"] == fingerprint
            )
            found[request_path] = StoredAnalysis(result, reusable)
        return found

    # -- queries -------------------------------------------------------------------

    def results(
        self,
        *,
        category: str | None = None,
        status: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        review: bool = False,
        run_id: int | None = None,
        limit: int | None = None,
    ) -> list[StoredResult]:
        """Return current results, newest first, filtered as requested.

        With ``run_id`` the rows that run stored are returned, current or not.
        """
        if not self.exists():
            return []
        conditions = ["d.run_id = $run_id" if run_id is not None else "d.is_current"]
        params: dict[str, Any] = {}
        if run_id is not None:
            params["run_id"] = run_id
        if category is not None:
            conditions.append("c.category = $category")
            params["category"] = category
        if status is not None:
            conditions.append("d.status = $status")
            params["status"] = status
        conditions += _period_conditions(since, until, params)
        if review:
            conditions.append(_REVIEW_CONDITION)
        query = f"{_RESULT_SELECT} WHERE {' AND '.join(conditions)} ORDER BY d.id DESC"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        with self.connect(write=False) as connection:
            records = _fetch_dicts(connection.execute(query, params))
        return [_stored(record) for record in records]

    def categories(self) -> list[str]:
        """Return the categories of stored classifications, sorted."""
        if not self.exists():
            return []
        with self.connect(write=False) as connection:
            rows = connection.execute(
                "SELECT DISTINCT category FROM classifications ORDER BY category"
            ).fetchall()
        return [row[0] for row in rows if row[0]]

    def review_queue(self) -> list[StoredResult]:
        """Return current documents a person should look at and has not labeled."""
        return self.results(review=True)

    def document(self, reference: str) -> StoredResult:
        """Return the stored result named by a document id or a file path.

        A path names its current result; raises ResultNotFound when none is
        stored, also when the database does not exist yet.
        """
        if not self.exists():
            raise ResultNotFound(
                f"no database at {str(self.path)!r} yet, so no document "
                f"{reference!r} is stored in it; run docflow process, or "
                f"{_check_database_origin(self.origin)}"
            )
        document_id = self._resolve(reference)
        if document_id is not None:
            with self.connect(write=False) as connection:
                records = _fetch_dicts(
                    connection.execute(
                        f"{_RESULT_SELECT} WHERE d.id = ?", [document_id]
                    )
                )
            if records:
                return _stored(records[0])
        self._check_forgotten(reference)
        if os.path.isfile(reference):
            raise ResultNotFound(
                f"{reference!r} has no stored result yet; process it with: "
                f"docflow{self._db_option()} process {shell_argument(reference)}"
            )
        raise ResultNotFound(
            f"no stored document with id or path {reference!r}; "
            f"list stored documents with: docflow{self._db_option()} results"
        )

    def _db_option(self) -> str:
        """Return `` --db FILE`` when --db named the database, for advice.

        A database named by a variable or a settings file is found again
        without it.
        """
        if self.origin != "--db":
            return ""
        return f" --db {shell_argument(str(self.path))}"

    def _check_forgotten(self, reference: str) -> None:
        """Raise ResultForgotten when docflow forget retired the newest result
        of the file ``reference``.

        The caller has found no current result of the file.
        """
        absolute = os.path.abspath(reference)
        candidates = list(
            dict.fromkeys([display_path(absolute), display_text(absolute)])
        )
        with self.connect(write=False) as connection:
            row = first_row(
                connection.execute(
                    "SELECT id, forgotten_at FROM documents "
                    "WHERE path IN (SELECT unnest(?::VARCHAR[])) "
                    "ORDER BY id DESC LIMIT 1",
                    [list(dict.fromkeys(candidates))],
                )
            )
        if row is None or row[1] is None:
            return
        document_id, forgotten_at = int(row[0]), row[1]
        raise ResultForgotten(
            f"the result of {reference!r} (document {document_id}) was forgotten "
            f"with docflow forget at {forgotten_at:%Y-%m-%d %H:%M} UTC; show it "
            f"with: docflow{self._db_option()} report {document_id}, or store a "
            f"current result with: docflow{self._db_option()} process "
            f"{shell_argument(reference)}"
        )

    def _resolve(self, reference: str) -> int | None:
        with self.connect(write=False) as connection:
            if reference.isdigit():
                row = first_row(
                    connection.execute(
                        "SELECT id FROM documents WHERE id = ?", [int(reference)]
                    )
                )
                if row:
                    return int(row[0])
            absolute = os.path.abspath(reference)
            # The name itself, or the text results print for it (a name that
            # is not UTF-8 is printed with \xNN escapes).
            candidates = [display_path(absolute), display_text(absolute)]
            for path in dict.fromkeys(candidates):
                row = first_row(
                    connection.execute(
                        "SELECT id FROM documents WHERE path = ? AND is_current",
                        [path],
                    )
                )
                if row:
                    return int(row[0])
            return _watched_document(connection, absolute)

    def stats(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> dict[str, Any]:
        """Return counts, latency and recent runs for ``docflow stats``.

        ``since`` and ``until`` limit the documents counted to those
        processed in that period (``until`` exclusive). The cache hits and
        the runs are counted over the whole database.
        ``labeled_documents`` counts the documents whose category comes
        from a label, as the HTML report does, so a document labeled twice
        counts once and a copy of a labeled document counts too.
        """
        if not self.exists():
            return _empty_stats()
        params: dict[str, Any] = {}
        period = _period_conditions(since, until, params)
        current = " AND ".join(["d.is_current", *period])
        with self.connect(write=False) as connection:
            totals = first_row(
                connection.execute(
                    "SELECT count(*), count(*) FILTER (WHERE status <> 'ok'), "
                    "count(*) FILTER (WHERE cached), "
                    f"avg(duration_ms) FILTER (WHERE {_TIMED}), "
                    f"quantile_cont(duration_ms, 0.5) FILTER (WHERE {_TIMED}), "
                    f"quantile_cont(duration_ms, 0.95) FILTER (WHERE {_TIMED}), "
                    f"count(*) FILTER (WHERE {_TIMED}) "
                    f"FROM documents d WHERE {current}",
                    params,
                )
            )
            by_status = connection.execute(
                f"SELECT status, count(*) FROM documents d WHERE {current} "
                "GROUP BY status ORDER BY count(*) DESC, status",
                params,
            ).fetchall()
            by_category = connection.execute(
                _CATEGORY_COUNTS.format(current=current), params
            ).fetchall()
            review = first_row(
                connection.execute(
                    "SELECT count(*) FROM documents d LEFT JOIN classifications c "
                    f"ON c.document_id = d.id WHERE {current} AND {_REVIEW_CONDITION}",
                    params,
                )
            )
            corrected = first_row(
                connection.execute(
                    "SELECT count(*) FROM documents d JOIN classifications c "
                    f"ON c.document_id = d.id WHERE {current} AND {_LABELED}",
                    params,
                )
            )
            hits = first_row(
                connection.execute("SELECT coalesce(sum(cache_hits), 0) FROM runs")
            )
        assert totals is not None
        return {
            "documents": totals[0],
            "errors": totals[1],
            # Current rows whose result came from another file of the same
            # content (a copy or a move); an unchanged file keeps its row.
            "reused_results": totals[2],
            "cache_hits": int(hits[0]) if hits else 0,
            "latency_ms": {
                "mean": totals[3],
                "p50": totals[4],
                "p95": totals[5],
                "documents": totals[6],
            },
            "by_status": dict(by_status),
            "by_category": dict(by_category),
            "review_queue": review[0] if review else 0,
            "labeled_documents": corrected[0] if corrected else 0,
            "runs": self.runs(5),
        }

    # -- corrections ---------------------------------------------------------------

    def add_label(
        self,
        reference: str,
        category: str,
        labeled_by: str,
        *,
        allowed: Collection[str] = CATEGORIES,
    ) -> Correction:
        """Record a person's correction: document ``reference`` is ``category``.

        The category is matched without regard to case (``Invoice`` is
        ``invoice``). ``NO_CATEGORY`` (``none``) records that the document
        belongs to none of the categories. A ``labeled_by`` name that is not
        UTF-8 is stored with its bytes escaped as ``\\xNN``.
        """
        labeled_by = display_text(labeled_by)
        folded = {name.casefold(): name for name in allowed}
        folded[NO_CATEGORY] = NO_CATEGORY
        category = folded.get(category.casefold(), category)
        if category.casefold() == "unknown":
            raise UsageError(
                "'unknown' is the category docflow returns when it cannot decide, "
                f"not one to label with; give the right category, or {NO_CATEGORY} "
                "for a document that fits no category"
            )
        if category not in folded.values():
            raise UsageError(
                f"unknown category {category!r}; choose one of: "
                f"{', '.join(sorted(allowed))} (docflow categories lists them), "
                f"or {NO_CATEGORY} for a document that fits no category"
            )
        stored = self.document(reference)
        if stored.result.status != "ok":
            raise UsageError(
                f"document {stored.id} ({escape_controls(stored.result.path)}) "
                f"has status {stored.result.status}, so docflow train has no text "
                "to learn from; fix the file, process it again, then label it"
            )
        now = self.clock()
        with self.connect(write=True) as connection:
            row = first_row(
                connection.execute("SELECT coalesce(max(id), 0) + 1 FROM labels")
            )
            label_id = int(row[0]) if row else 1
            # Stored as the document's row stores it, because DuckDB rejects a
            # name that is not UTF-8 and the name ``\xff`` must not read as 0xFF.
            connection.execute(
                "INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    label_id,
                    stored.id,
                    display_path(stored.result.path),
                    stored.result.content_hash,
                    category,
                    now,
                    labeled_by,
                ],
            )
        return Correction(
            id=label_id,
            document_id=stored.id,
            path=stored.result.path,
            content_hash=stored.result.content_hash,
            category=category,
            labeled_at=now,
            labeled_by=labeled_by,
        )

    def shared_content(self, correction: Correction) -> list[tuple[int, str]]:
        """Return the id and path of the other documents ``correction`` labels.

        A label applies to every current classified result with the labeled
        document's content hash, as ``docflow results`` shows it, so these
        are the current documents with that hash, apart from the labeled
        file, sorted by path. The current row of the labeled file is left out
        too when the label names an earlier row of it. The path is the
        file's name, as in ``StoredResult.result``.
        """
        if correction.content_hash is None or not self.exists():
            return []
        with self.connect(write=False) as connection:
            rows = connection.execute(
                "SELECT d.id, d.path FROM documents d "
                "JOIN classifications c ON c.document_id = d.id "
                "WHERE d.is_current AND d.content_hash = ? "
                "AND d.id IS DISTINCT FROM ? AND d.path IS DISTINCT FROM ? "
                "ORDER BY d.path, d.id",
                [
                    correction.content_hash,
                    correction.document_id,
                    display_path(correction.path),
                ],
            ).fetchall()
        return [(int(id_), path_from_display(path)) for id_, path in rows]

    def corrections(self) -> list[Correction]:
        """Return the newest correction of each document content (or path).

        ``path`` is the file's name, as in ``StoredResult.result``.
        """
        if not self.exists():
            return []
        with self.connect(write=False) as connection:
            rows = connection.execute(_CORRECTIONS_SELECT).fetchall()
        return [
            Correction(id_, document_id, path_from_display(path), *rest)
            for id_, document_id, path, *rest in rows
        ]

    # -- forgetting ------------------------------------------------------------------

    def current_paths(
        self, stored_paths: Sequence[str] | None = None
    ) -> list[tuple[int, str, str | None]]:
        """Return the id, stored path and matched path of current results.

        Without ``stored_paths`` every current result is returned, with None
        as the matched path. Otherwise the results stored at one of
        ``stored_paths`` or under it as a folder are returned, once for each
        path they match. The paths are compared as stored (``display_path``).
        """
        # NOTE: a folder whose name contains a backslash is not matched with
        # a file under it whose name is not UTF-8, because ``display_path``
        # doubles every backslash of such a file's path but not the folder's.
        if not self.exists():
            return []
        with self.connect(write=False) as connection:
            if stored_paths is None:
                rows = connection.execute(
                    "SELECT id, path, NULL FROM documents WHERE is_current ORDER BY id"
                ).fetchall()
            else:
                folders = [_folder_prefix(path) for path in stored_paths]
                rows = connection.execute(
                    "WITH given AS (SELECT unnest(?::VARCHAR[]) AS path, "
                    "unnest(?::VARCHAR[]) AS folder) "
                    "SELECT d.id, d.path, g.path FROM documents d JOIN given g "
                    "ON d.path = g.path OR starts_with(d.path, g.folder) "
                    "WHERE d.is_current ORDER BY d.id",
                    [list(stored_paths), folders],
                ).fetchall()
        return [(int(id_), path, matched) for id_, path, matched in rows]

    def forgotten_paths(
        self, stored_paths: Sequence[str]
    ) -> dict[str, tuple[int, datetime, bool]]:
        """Return the newest forgotten result at or under each of ``stored_paths``.

        Each path with such a result maps to its document id, its
        ``forgotten_at`` and whether it is stored at the path itself rather
        than under it as a folder. Paths are compared as ``current_paths``
        compares them.
        """
        if not stored_paths or not self.exists():
            return {}
        folders = [_folder_prefix(path) for path in stored_paths]
        with self.connect(write=False) as connection:
            rows = connection.execute(
                "WITH given AS (SELECT unnest(?::VARCHAR[]) AS path, "
                "unnest(?::VARCHAR[]) AS folder) "
                "SELECT g.path, arg_max(d.id, d.forgotten_at), max(d.forgotten_at), "
                "arg_max(d.path = g.path, d.forgotten_at) "
                "FROM documents d JOIN given g "
                "ON d.path = g.path OR starts_with(d.path, g.folder) "
                "WHERE d.forgotten_at IS NOT NULL GROUP BY g.path",
                [list(stored_paths), folders],
            ).fetchall()
        return {path: (int(id_), at, bool(exact)) for path, id_, at, exact in rows}

    def results_by_id(self, ids: Sequence[int]) -> list[StoredResult]:
        """Return the stored results with these document ids, in id order."""
        if not ids or not self.exists():
            return []
        with self.connect(write=False) as connection:
            records = _fetch_dicts(
                connection.execute(
                    f"{_RESULT_SELECT} WHERE d.id IN (SELECT unnest(?::BIGINT[])) "
                    "ORDER BY d.id",
                    [list(ids)],
                )
            )
        return [_stored(record) for record in records]

    def forget(self, ids: Sequence[int]) -> list[int]:
        """Retire the current results with these ids; return the ids retired.

        The rows stay in the database with ``forgotten_at`` set, and stop
        being current, as the result of a path stored again does. An id whose
        row is no longer current (another process stored a newer result of
        its file meanwhile) is left alone and not returned, so that newer
        result stays current.
        """
        if not ids:
            return []
        now = self.clock()
        with self.connect(write=True) as connection:
            rows = connection.execute(
                "UPDATE documents SET is_current = false, forgotten_at = ? "
                "WHERE is_current AND id IN (SELECT unnest(?::BIGINT[])) "
                "RETURNING id",
                [now, list(ids)],
            ).fetchall()
        return sorted(int(row[0]) for row in rows)


def _folder_prefix(stored_path: str) -> str:
    """Return the prefix of the stored paths under ``stored_path`` as a folder."""
    return stored_path if stored_path.endswith(os.sep) else stored_path + os.sep


#: The newest label of each content (or path), oldest first. The path is taken
#: from the labeled document's row where there is one, because older label rows
#: kept a name containing the text ``\xff`` without ``display_path``'s escapes.
_CORRECTIONS_SELECT = """
    SELECT l.id, l.document_id, coalesce(d.path, l.path) AS path, l.content_hash,
           l.category, l.labeled_at, l.labeled_by
    FROM labels l LEFT JOIN documents d ON d.id = l.document_id
    QUALIFY row_number() OVER (
        PARTITION BY coalesce(l.content_hash, d.path, l.path)
        ORDER BY l.id DESC) = 1
    ORDER BY l.id
"""

#: A label of document ``d`` or of its content exists, so a person's category
#: takes the place of the classifier's (see ``docflow.core.classify.corrections``).
_LABELED = (
    "EXISTS (SELECT 1 FROM labels l WHERE l.document_id = d.id "
    "OR (l.content_hash IS NOT NULL AND l.content_hash = d.content_hash))"
)

#: A current document needs review when its category is unknown or its review
#: status is needs_review. A label of its content settles the classification,
#: so a labeled document needs review only for a quality reason.
_REVIEW_CONDITION = (
    "(c.category = 'unknown' OR d.review_status = 'needs_review') "
    f"AND (NOT {_LABELED} "
    f"OR {has_quality_reason_sql('d.review_reasons')})"
)


#: Rows whose duration measures processing: not taken from the cache, and not
#: an input rejected before it was read (a missing file), which takes 0 ms.
_TIMED = "NOT cached AND duration_ms > 0"

#: Current classified documents per category, the newest label of a document
#: (by id, or by content hash) taking the place of the classifier's category,
#: as ``docflow results`` shows them. ``{current}`` selects the documents.
_CATEGORY_COUNTS = """
    SELECT coalesce(
        (SELECT l.category FROM labels l
         WHERE l.document_id = d.id
            OR (l.content_hash IS NOT NULL AND l.content_hash = d.content_hash)
         ORDER BY l.id DESC LIMIT 1),
        c.category) AS category, count(*)
    FROM documents d JOIN classifications c ON c.document_id = d.id
    WHERE {current}
    GROUP BY 1 ORDER BY count(*) DESC, 1
"""


def _period_conditions(
    since: datetime | None, until: datetime | None, params: dict[str, Any]
) -> list[str]:
    """Return the conditions on ``d.processed_at``, adding their values to ``params``.

    ``until`` is exclusive.
    """
    conditions = []
    if since is not None:
        conditions.append("d.processed_at >= $since")
        params["since"] = since
    if until is not None:
        conditions.append("d.processed_at < $until")
        params["until"] = until
    return conditions


# The request lists travel as DuckDB LIST parameters, unnested in SQL, so a
# cache check does not import pyarrow (and numpy), a quarter of a second.
_REQUEST_STATS = (
    "SELECT unnest($paths) AS path, unnest($sizes)::BIGINT AS size, "
    "unnest($mtimes)::BIGINT AS mtime_ns"
)
_REQUEST_HASHES = (
    "SELECT unnest($paths) AS request_path, unnest($hashes) AS request_hash"
)

# The file name's extension. Detection and the extension mismatch check read
# it in lower case, so a result is reused only for the same extension. The
# quality issue of a mismatch names it as written, so such a result is reused
# only for the extension in the same case.
_SUFFIX = r"regexp_extract({column}, '\.[^./]*$')"
_STORED_SUFFIX = _SUFFIX.format(column="d.path")
_REQUEST_SUFFIX = _SUFFIX.format(column="r.request_path")

_CACHE_QUERY = f"""
    WITH request_hashes AS ({_REQUEST_HASHES}),
    matches AS (
        SELECT r.request_path, d.id AS match_id,
               row_number() OVER (
                   PARTITION BY r.request_path
                   ORDER BY (d.path = r.request_path AND d.is_current) DESC,
                            d.id DESC
               ) AS rank
        FROM request_hashes r
        JOIN documents d ON d.content_hash = r.request_hash
        WHERE d.settings_fingerprint = $fingerprint
          AND ($from_runs::BIGINT[] IS NULL
               OR list_contains($from_runs::BIGINT[], d.run_id))
          AND lower({_STORED_SUFFIX}) = lower({_REQUEST_SUFFIX})
          AND (NOT d.extension_mismatch OR {_STORED_SUFFIX} = {_REQUEST_SUFFIX})
          AND (
            d.status IN ('unsupported', 'empty', 'corrupt', 'too_large')
            OR (d.status = 'ok'
                AND (NOT $classify
                     OR (d.has_classification AND d.model_version = $model))
                AND (NOT $quality OR d.has_quality))
          )
    )
    SELECT m.request_path, r.*
    FROM matches m JOIN ({_RESULT_SELECT}) r ON r.id = m.match_id
    WHERE m.rank = 1
"""


# The extension conditions are those of the cache, because the detected kind
# and the extension mismatch issue depend on the extension.
_ANALYSIS_QUERY = f"""
    WITH request_hashes AS ({_REQUEST_HASHES}),
    matches AS (
        SELECT r.request_path, d.id AS match_id,
               d.{{flag}} AS reusable, d.settings_fingerprint,
               row_number() OVER (
                   PARTITION BY r.request_path
                   ORDER BY (d.path = r.request_path AND d.is_current) DESC,
                            d.id DESC
               ) AS rank
        FROM request_hashes r
        JOIN documents d ON d.content_hash = r.request_hash
        WHERE d.status = 'ok'
          AND lower({_STORED_SUFFIX}) = lower({_REQUEST_SUFFIX})
          AND (NOT d.extension_mismatch OR {_STORED_SUFFIX} = {_REQUEST_SUFFIX})
          AND EXISTS (
            SELECT 1 FROM {{table}} a WHERE a.document_id = d.id
          )
    )
    SELECT m.request_path, m.reusable, m.settings_fingerprint, r.*
    FROM matches m JOIN ({_RESULT_SELECT}) r ON r.id = m.match_id
    WHERE m.rank = 1
"""

#: The query of ``Store.lookup_analyses`` for each analysis. The documents
#: column ``has_<analysis>`` is true when a row's analysis was computed under
#: the row's settings fingerprint, so the cache may reuse it. A row that kept
#: the other analysis of an older result with other settings has that
#: analysis with the flag false.
_ANALYSIS_QUERIES = {
    "classification": _ANALYSIS_QUERY.format(
        flag="has_classification", table="classifications"
    ),
    "quality": _ANALYSIS_QUERY.format(flag="has_quality", table="quality_results"),
}


def _select_hashes(
    connection: duckdb.DuckDBPyConnection, files: Sequence[FileStat]
) -> dict[str, str]:
    unique = {display_path(f.path): f for f in files}
    rows = connection.execute(
        f"WITH request_stats AS ({_REQUEST_STATS}) "
        "SELECT r.path, s.content_hash FROM request_stats r JOIN file_stats s "
        "ON s.path = r.path AND s.size = r.size AND s.mtime_ns = r.mtime_ns",
        {
            "paths": list(unique),
            "sizes": [f.size for f in unique.values()],
            "mtimes": [f.mtime_ns for f in unique.values()],
        },
    ).fetchall()
    return {unique[path].path: content_hash for path, content_hash in rows}


def _select_stored_sizes(
    connection: duckdb.DuckDBPyConnection, sizes: set[int]
) -> set[int]:
    if not sizes:
        return set()
    rows = connection.execute(
        "SELECT DISTINCT d.size FROM documents d "
        "JOIN (SELECT unnest($sizes)::BIGINT AS size) r ON r.size = d.size",
        {"sizes": sorted(sizes)},
    ).fetchall()
    return {row[0] for row in rows}


def _select_results(
    connection: duckdb.DuckDBPyConnection,
    hashes: Mapping[str, str],
    *,
    fingerprint: str,
    model_version: str | None,
    classify: bool,
    quality: bool,
    from_runs: Sequence[int] | None = None,
) -> dict[str, CacheHit]:
    if not hashes:
        return {}
    by_display = {display_path(path): path for path in hashes}
    cursor = connection.execute(
        _CACHE_QUERY,
        {
            "paths": list(by_display),
            "hashes": [hashes[path] for path in by_display.values()],
            "fingerprint": fingerprint,
            "classify": classify,
            "quality": quality,
            "model": model_version or "",
            "from_runs": None if from_runs is None else list(from_runs),
        },
    )
    hits: dict[str, CacheHit] = {}
    for record in _fetch_dicts(cursor):
        request_path = by_display[record["request_path"]]
        result = result_from_row(record)
        result = result.model_copy(
            update={
                "path": request_path,
                "cached": True,
                "error": _renamed_error(
                    result.error, record["path"], record["request_path"]
                ),
            }
        )
        needs_write = not (
            record["path"] == record["request_path"] and record["is_current"]
        )
        hits[request_path] = CacheHit(result, record["id"], needs_write)
    return hits


def _renamed_error(error: str | None, stored: str, request: str) -> str | None:
    """Return the stored ``error`` of the file ``stored`` for the file ``request``.

    Both paths are in their stored (display) form. An error starts with the
    path of its file (``pipeline.process_document``), and a stored result is
    reused for a copy of the content under another name. A long path is cut
    in the error as ``cut_value`` cuts it.
    """
    from docflow.core.quoting import cut_value

    named = cut_value(stored)
    if error is None or stored == request or not error.startswith(named + ": "):
        return error
    return cut_value(request) + error[len(named) :]


def _display(pending: PendingResult | PreparedResult) -> str:
    if isinstance(pending, PreparedResult):
        return pending.path
    return display_path(pending.result.path)


def _without_kept_current(
    connection: duckdb.DuckDBPyConnection,
    pending: Sequence[PendingResult | PreparedResult],
) -> list[PendingResult | PreparedResult]:
    """Return ``pending`` without the results that would hide a current result.

    A result with ``replace_current`` False is dropped when its path already
    has a current result, so the last good result and its label stay current.
    The check runs in the writing transaction, so a concurrent writer cannot
    slip a current result in between.
    """
    optional = [_display(item) for item in pending if not item.replace_current]
    if not optional:
        return list(pending)
    rows = connection.execute(
        "SELECT DISTINCT path FROM documents WHERE is_current "
        "AND path IN (SELECT unnest(?::VARCHAR[]))",
        [optional],
    ).fetchall()
    kept = {row[0] for row in rows}
    return [
        item for item in pending if item.replace_current or _display(item) not in kept
    ]


#: Run statuses that end the runs a re-run resumes (``Store.unfinished_runs``):
#: a finished run processed every file, and an abandoned one was given up by a
#: run started with --restart.
_RESUME_BARRIERS = ("finished", "abandoned")

_RUN_SELECT = (
    "SELECT id, command, args, status, started_at, finished_at, total, done, "
    "cache_hits, status_counts, stats, pid, host, updated_at FROM runs"
)


def _run_record(row: Sequence[Any]) -> RunRecord:
    """Return the RunRecord of a row of ``_RUN_SELECT``.

    A run still marked ``running`` whose process is gone gets ``interrupted``.
    """
    status, pid, host, updated_at = row[3], row[11], row[12], row[13]
    if status == "running" and not _run_alive(pid, host, updated_at):
        status = "interrupted"
    return RunRecord(
        id=row[0],
        command=row[1],
        args=json.loads(row[2]),
        status=status,
        started_at=row[4],
        finished_at=row[5],
        total=row[6],
        done=row[7],
        cache_hits=row[8],
        status_counts=json.loads(row[9]),
        stats=json.loads(row[10]),
        pid=pid,
        host=host,
        updated_at=updated_at,
    )


def _still_running(
    connection: duckdb.DuckDBPyConnection, run_ids: Sequence[int]
) -> list[RunRecord]:
    """Return the runs among ``run_ids`` whose process may still run, oldest first."""
    rows = connection.execute(
        f"{_RUN_SELECT} WHERE status = 'running' "
        "AND id IN (SELECT unnest(?::BIGINT[])) ORDER BY id",
        [list(run_ids)],
    ).fetchall()
    return [run for run in map(_run_record, rows) if run.status == "running"]


def _still_running_message(runs: Sequence[RunRecord], *, restart: bool = True) -> str:
    """Return why a run cannot start beside ``runs`` and what to do instead.

    ``restart`` is True for a --restart that would abandon them, and False
    for a --no-cache run that would resume them.
    """
    named = ", ".join(
        f"run {run.id} (pid {run.pid}, started {run.started_at:%Y-%m-%d %H:%M} UTC)"
        for run in runs
    )
    verb = "is" if len(runs) == 1 else "are"
    pids = " ".join(str(run.pid) for run in runs)
    rejected = "--restart did not start over" if restart else "--no-cache did not start"
    again = "with --restart again" if restart else "again to resume it"
    return (
        f"{rejected}: {named} of this command {verb} still running, and a "
        "second run would process the same files beside it. Wait for it to "
        "finish (a later --no-cache run then processes every file again), or "
        f"stop it (kill {pids}) and run the command {again}."
    )


def _fetch_dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _stored(record: Mapping[str, Any]) -> StoredResult:
    return StoredResult(
        id=record["id"],
        processed_at=record["processed_at"],
        run_id=record["run_id"],
        is_current=record["is_current"],
        result=result_from_row(record),
        forgotten_at=record.get("forgotten_at"),
    )


def _empty_stats() -> dict[str, Any]:
    return {
        "documents": 0,
        "errors": 0,
        "reused_results": 0,
        "cache_hits": 0,
        "latency_ms": {"mean": None, "p50": None, "p95": None, "documents": 0},
        "by_status": {},
        "by_category": {},
        "review_queue": 0,
        "labeled_documents": 0,
        "runs": [],
    }


#: How long after its last progress write a run of another host counts as
#: running. Progress is written every few seconds while results arrive.
OTHER_HOST_SILENCE = timedelta(hours=1)


def _of_other_host(host: str | None) -> bool:
    """Return whether a run's host is known and is not this one."""
    return host is not None and host != socket.gethostname()


def _run_alive(pid: int | None, host: str | None, updated_at: datetime | None) -> bool:
    """Return whether the process of a run may still run.

    Only the host that started a run can check its pid. A run of another host
    counts as running until it has written no progress for
    ``OTHER_HOST_SILENCE``. So a run of a host that is gone for good (a
    container replaced under another name) ends as interrupted and can be
    resumed. A run without a host is taken to be of this host.
    """
    if pid is None:
        return False
    if _of_other_host(host):
        return updated_at is not None and _utcnow() - updated_at < OTHER_HOST_SILENCE
    return _process_alive(int(pid))


def _process_alive(pid: int) -> bool:
    """Return whether ``pid`` still runs docflow (as far as this host can tell)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A reused pid belongs to another program: on Linux its command line
    # no longer mentions docflow.
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return b"docflow" in handle.read()
    except OSError:
        return True


@contextlib.contextmanager
def _removing_lock_files(turn: LockTurn) -> Iterator[None]:
    """Remove the lock files of ``turn`` when the block raises StoreError.

    The block opens the database and checks its schema. A StoreError there
    means the file is no docflow database (or cannot be opened now), and
    docflow leaves no files of its own beside a file it cannot use.
    """
    try:
        yield
    except StoreError:
        turn.remove_created_files()
        raise


def _missing_database_message(
    settings: Settings, path: Path, created_by: str = "docflow process FOLDER"
) -> str:
    origin = settings.origin_of("store", "database")
    if origin is None:
        named = "given with --db"
        fix = f"{created_by} --db {shlex.quote(str(path))}"
    else:
        named = f"named by {origin}"
        fix = f"{created_by} with the same setting"
    return (
        f"the database {str(path)!r} {named} does not exist; check the path, "
        f"or run {fix} first to create it"
    )


def database_origin(settings: Settings) -> str | None:
    """Return where ``store.database`` was set, for messages about the database.

    That is ``"--db"``, the variable or file that ``Settings.origin_of``
    names, or None for the default path.
    """
    origin = settings.origin_of("store", "database")
    if origin is None and "database" in settings.store.model_fields_set:
        return "--db"
    return origin


#: The name of the default database's folder, which docflow creates when missing.
DEFAULT_DATABASE_FOLDER = ".docflow"


def prepare_database_folder(path: Path, origin: str | None) -> None:
    """Create the folder of the default database, or check that a named one exists.

    ``origin`` is where the path was set, as ``database_origin`` returns it.
    Raises StoreError when a database set with --db, a variable or a
    settings file is in a folder that does not exist, because a mistyped
    path would otherwise leave new folders behind. The default path
    (``origin`` None) gets its folder created, and so does a named path in
    a folder called ``.docflow`` like the default's, such as the default
    written out in a settings file.
    """
    folder = path.parent
    if origin is not None and folder.name != DEFAULT_DATABASE_FOLDER:
        if not os.path.lexists(folder):
            named = "given with --db" if origin == "--db" else f"named by {origin}"
            raise StoreError(
                f"the folder {str(folder)!r} of the database {str(path)!r} "
                f"{named} does not exist; create it first (mkdir -p "
                f"{shell_argument(str(folder))}), or "
                f"{_check_database_origin(origin)}"
            )
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the folder of the database {str(path)!r}: "
            f"{exc.strerror or exc}"
        ) from exc


def _check_database_origin(origin: str | None) -> str:
    """Return the advice to check the database path set at ``origin``."""
    if origin == "--db":
        return "check the path given with --db"
    if origin is not None:
        return f"check the path set by {origin}, or give another one with --db"
    return "check the default path (store.database), or give another one with --db"


def _is_duckdb_file(path: Path) -> bool:
    """Return whether ``path`` cannot be read or starts as a DuckDB file does.

    A DuckDB file (format checked with DuckDB 2.0.1) has the magic bytes
    ``DUCK`` at offset 8, after a checksum.
    """
    try:
        with path.open("rb") as file:
            header = file.read(12)
    except OSError:
        return True
    return header[8:12] == b"DUCK"


def open_failure(path: Path, exc: Exception, origin: str | None) -> str:
    """Describe why DuckDB could not open the database at ``path``.

    ``origin`` is where the path was set, as ``database_origin`` returns it.
    """
    if path.is_file() and not _is_duckdb_file(path):
        reason = "it is not a DuckDB database"
    else:
        reason = str(exc).split("\n", 1)[0]
    return (
        f"cannot open the database {str(path)!r}: {reason}; "
        f"{_check_database_origin(origin)}"
    )


def database_failure(
    path: Path, exc: Exception, write: bool, origin: str | None = None
) -> str:
    """Describe a DuckDB error met while using the database at ``path``.

    ``origin`` is where the path was set, as ``database_origin`` returns it.
    """
    reason = str(exc).split("\n", 1)[0]
    if "Out of Memory" in reason:
        return (
            f"cannot use the database {str(path)!r}: {reason}; the process ran "
            "out of memory, so raise its memory limit (ulimit -v) and run the "
            "same command again: results that were not stored are processed again"
        )
    if any(text in reason for text in _NO_ROOM_TEXTS):
        return (
            f"cannot write to the database {str(path)!r}: {reason}; make room "
            "(free disk space, or raise the quota or file size limit) and run "
            "the same command again: results that were not stored are "
            "processed again"
        )
    action = "write to" if write else "read"
    if _is_conversion_failure(exc):
        return (
            f"cannot {action} the database {str(path)!r}: {reason}; DuckDB "
            "rejected a value that docflow sent, which is a bug in docflow, and "
            "the database file is not damaged. Run the same command with -v and "
            "report the traceback"
        )
    if origin is None or origin == "--db":
        other = "give another file with --db"
    else:
        other = f"give another file with --db or {origin}"
    return (
        f"cannot {action} the database {str(path)!r}: {reason}; if the file is "
        f"damaged, move it aside (docflow then starts a new one) or {other}"
    )


def _is_conversion_failure(exc: Exception) -> bool:
    """Tell whether DuckDB could not convert a Python value docflow passed to it.

    DuckDB 2.0.1 raises InvalidInputException for this and for other invalid
    input, so the message text is checked too.
    """
    import duckdb

    return isinstance(exc, duckdb.InvalidInputException) and (
        "Conversion Failure" in str(exc)
    )


#: Parts of DuckDB's messages when the disk or a quota is full.
_NO_ROOM_TEXTS = ("No space left on device", "Disk quota exceeded", "File too large")


def _same_folder(folder: str | Path, other: str | Path) -> bool:
    """Return whether two folder paths name the same folder, links followed."""
    if os.path.abspath(folder) == os.path.abspath(other):
        return True
    try:
        return os.path.samefile(folder, other)
    except OSError:
        return False


def _watched_document(
    connection: duckdb.DuckDBPyConnection, inbox_path: str
) -> int | None:
    """Return the current result of the file docflow watch took from ``inbox_path``.

    The daemon stores a result under the path it moved the file to, and
    records the inbox path in its ``watch_files`` table. Only the newest file
    taken from that path counts, so a later file of the same name that is
    still waiting, or was a duplicate, names no result.
    """
    import duckdb

    names = dict.fromkeys([inbox_path, os.path.realpath(inbox_path)])
    try:
        row = first_row(
            connection.execute(
                "SELECT state, route, destination FROM watch_files "
                "WHERE path IN (SELECT unnest(?::BLOB[])) ORDER BY id DESC LIMIT 1",
                [[os.fsencode(name) for name in names]],
            )
        )
    except duckdb.CatalogException:
        return None  # docflow watch never ran on this database
    if row is None or row[0] != "done" or row[2] is None:
        return None
    if row[1] not in ("processed", "review", "quarantine"):
        return None
    routed = os.fsdecode(row[2])
    for path in dict.fromkeys([display_path(routed), display_text(routed)]):
        found = first_row(
            connection.execute(
                "SELECT id FROM documents WHERE path = ? AND is_current", [path]
            )
        )
        if found:
            return int(found[0])
    return None
