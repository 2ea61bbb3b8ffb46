"""Background writer that stores results in batches as they arrive.

Results come from the orchestrator's callbacks one at a time. The writer
keeps them in memory, and a single thread stores them with ``Store.write``
every ``store.flush_rows`` results or ``store.flush_seconds``, whichever
comes first. The database is then locked for one short transaction per
batch, and other docflow processes can use it in between. A result that was not
flushed when the process is killed is simply processed again by the next
run; everything flushed before is a cache hit then.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from docflow.core.store._rows import FileStat, PendingResult, PreparedResult, prepare
from docflow.errors import StoreError

if TYPE_CHECKING:
    from docflow.core.models import DocumentResult
    from docflow.core.store._store import RunProgress, Store

__all__ = ["ResultWriter"]

log = logging.getLogger(__name__)


class ResultWriter:
    """Collect results from any thread and store them in batches from one thread.

    Use it as a context manager, or call ``close()`` or ``finish()``. Both
    store what is left and raise the first error a flush met, for example a
    StoreError when the database stayed locked or could not be written.

    With ``background=False`` the thread starts only with ``start()``. Until
    then results are only queued, and ``close()`` or ``finish()`` store them
    from the calling thread, which can then keep a ``Store.session`` open
    around the whole run. A background flush during another thread's session
    would wait for the session's lock, and ``finish()``, which joins the
    thread, would then wait for the lock timeout.
    """

    def __init__(
        self,
        store: Store,
        *,
        fingerprint: str,
        run: RunProgress | None = None,
        flush_rows: int = 500,
        flush_seconds: float = 2.0,
        clock: Callable[[], datetime] | None = None,
        background: bool = True,
    ) -> None:
        self.store = store
        self.fingerprint = fingerprint
        self.run = run
        self.flush_rows = max(1, flush_rows)
        self.flush_seconds = flush_seconds
        self.clock = clock or store.clock
        self.done = 0
        self.cache_hits = 0
        self.status_counts: Counter[str] = Counter()
        self.error: BaseException | None = None
        # Results queued but never stored, because a flush failed.
        self.lost = 0
        # Statuses of the lost results, taken off status_counts in the run.
        self._lost_statuses: Counter[str] = Counter()
        self._pending: list[PreparedResult] = []
        self._touched: list[tuple[FileStat, str]] = []
        self._first_pending_at: float | None = None
        self._condition = threading.Condition()
        self._closing = False
        # finish() stores the last batch itself, in the same connection as the
        # end of the run, so the thread leaves it queued.
        self._final_flush = True
        self._finished = False
        self._thread: threading.Thread | None = None
        if background:
            self.start()

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> None:
        """Start storing queued results from the background thread."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="docflow-writer", daemon=True
            )
            self._thread.start()

    def begin_run(self) -> None:
        """Store the run's row now, before any result (``Store.begin_run``)."""
        if self.run is not None:
            self.store.begin_run(self.run)

    def add(
        self,
        result: DocumentResult,
        *,
        stat: FileStat | None = None,
        cache_hit: bool = False,
        store: bool = True,
        stale_analyses: frozenset[str] = frozenset(),
        replace_current: bool = True,
    ) -> None:
        """Count a finished document and queue it for storage when ``store``.

        ``stale_analyses`` names the analyses of ``result`` that were computed
        under other settings, which the cache must not reuse. With
        ``replace_current`` False the result is stored only when its path has
        no current result (see ``PendingResult.replace_current``).
        """
        with self._condition:
            self.done += 1
            self.cache_hits += int(cache_hit)
            self.status_counts[str(result.status)] += 1
            if store:
                pending = PendingResult(
                    result=result,
                    settings_fingerprint=self.fingerprint,
                    processed_at=self.clock(),
                    stat=stat,
                    stale_analyses=stale_analyses,
                    replace_current=replace_current,
                )
                # Rows, not the result: the caller's result can be freed now.
                self._pending.append(prepare(pending))
            self._arm_timer()
            if len(self._pending) >= self.flush_rows:
                self._condition.notify()

    def warm_up(self) -> None:
        """Import the libraries of the first flush in the background.

        Call it when results will come, for example while MCP servers start:
        importing pyarrow took 0.1-0.45 s, which otherwise delays the first
        flush or the end of a short run.
        """
        threading.Thread(
            target=_import_quietly, args=("pyarrow",), name="docflow-warm-up"
        ).start()

    def touch(self, stat: FileStat, content_hash: str) -> None:
        """Queue a new (size, mtime) for a file whose content is unchanged."""
        with self._condition:
            self._touched.append((stat, content_hash))
            self._arm_timer()

    def _arm_timer(self) -> None:
        # The writer thread sleeps without a timeout while nothing is queued,
        # so the first queued item wakes it to start the flush_seconds timer.
        if self._first_pending_at is None:
            self._first_pending_at = time.monotonic()
            self._condition.notify()

    def close(self) -> None:
        """Store everything queued, stop the thread and raise a flush error."""
        with self._condition:
            self._closing = True
            self._condition.notify()
        if self._thread is not None:
            self._thread.join()
        else:
            self._flush_queued()
        if self.error is not None:
            raise self.error

    def _loop(self) -> None:
        while True:
            with self._condition:
                while not self._closing and not self._due():
                    self._condition.wait(self._wait_seconds())
                closing = self._closing
                if closing and not self._final_flush:
                    return  # finish() stores what is queued
                batch, touched = self._take()
                progress = self._progress()
            if batch or touched:
                self._flush(batch, touched, progress)
            if closing:
                self._flush_queued()
                return

    def _flush_queued(self) -> None:
        with self._condition:
            batch, touched = self._take()
            progress = self._progress()
        if batch or touched:
            self._flush(batch, touched, progress)

    def _due(self) -> bool:
        if len(self._pending) >= self.flush_rows:
            return True
        if self._first_pending_at is None:
            return False
        return time.monotonic() - self._first_pending_at >= self.flush_seconds

    def _wait_seconds(self) -> float | None:
        if self._first_pending_at is None:
            return None
        elapsed = time.monotonic() - self._first_pending_at
        return max(0.0, self.flush_seconds - elapsed)

    def _take(self) -> tuple[list[PendingResult], list[tuple[FileStat, str]]]:
        batch, self._pending = self._pending, []
        touched, self._touched = self._touched, []
        self._first_pending_at = None
        return batch, touched

    def _progress(self) -> RunProgress | None:
        if self.run is None:
            return None
        with self._condition:
            return dataclasses.replace(
                self.run,
                done=self.done,
                cache_hits=self.cache_hits,
                status_counts=dict(self.status_counts),
            )

    def _flush(
        self,
        batch: list[PendingResult],
        touched: list[tuple[FileStat, str]],
        progress: RunProgress | None,
    ) -> None:
        """Store ``batch`` with ``progress``, the run's counts when it was taken.

        Results added while the batch is written are not in it, so a count
        taken later would record them as done before they are stored.
        """
        if self.error is not None:  # an earlier flush failed, so skip this one
            self._count_lost(batch)
            return
        started = time.perf_counter()
        try:
            run_id = self.store.write(batch, touched=touched, run=progress)
        except BaseException as exc:  # kept for close(), which re-raises it
            # The caller reports the error. This line records how many
            # results it affected.
            log.info("cannot store %d results: %s", len(batch), exc)
            self.error = exc
            self._count_lost(batch)
            return
        if self.run is not None:
            self.run.run_id = run_id
        log.debug(
            "stored %d results in %.3f s", len(batch), time.perf_counter() - started
        )

    def _count_lost(self, batch: list[PreparedResult]) -> None:
        self.lost += len(batch)
        self._lost_statuses.update(str(item.document["status"]) for item in batch)

    def finish(self, status: str, stats: Mapping[str, Any] | None = None) -> None:
        """Store what is queued, then record the end of the run as ``status``.

        The run is recorded as failed when a flush failed, and the first error
        is raised afterwards. The last batch and the end of the run share one
        database connection. Calls after the first do nothing.

        On a full disk the end of the run may not fit either. Its row then
        keeps status running with this process's id, and ``Store.runs``
        reports it as interrupted once this process has exited.
        """
        if self._finished:
            return
        self._finished = True
        with self._condition:
            self._final_flush = False
            self._closing = True
            self._condition.notify()
        if self._thread is not None:
            self._thread.join()
        try:
            with self.store.session():
                self._flush_queued()
                self._end_run(status, stats)
        except StoreError as exc:
            self._log_run_not_ended(exc)
            if self.error is None:
                self.error = exc
        if self.error is not None:
            raise self.error

    def _end_run(self, status: str, stats: Mapping[str, Any] | None) -> None:
        if self.run is None:
            return
        run = self._progress()
        assert run is not None
        if self.error is not None:
            # Record what the database holds, not what was processed.
            status = "failed"
            run.done -= self.lost
            run.status_counts = dict(Counter(run.status_counts) - self._lost_statuses)
        self.run.run_id = self.store.end_run(run, status=status, stats=stats)

    def _log_run_not_ended(self, exc: StoreError) -> None:
        if self.run is None:
            return
        if self.run.run_id is None:
            log.warning("cannot record the run in the database: %s", exc)
            return
        log.warning(
            "cannot record the end of run %d, so its status stays running until "
            "this process exits and is then shown as interrupted: %s",
            self.run.run_id,
            exc,
        )


def _import_quietly(module: str) -> None:
    try:
        importlib.import_module(module)
    except ImportError as exc:  # the flush reports it where it matters
        log.debug("cannot import %s ahead of the first flush: %s", module, exc)
