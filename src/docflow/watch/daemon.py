"""The watch daemon: inbox events in, routed files and stored results out.

One asyncio loop runs three kinds of work:

- the main loop turns watchdog events into readiness (``readiness``), records
  newly seen files, admits ready files (hash, duplicate check, ``processing``
  row) and starts a processing task for them;
- processing tasks hand paths to the warm engine (``processor``), which
  reports each result as soon as it is ready;
- the router task routes, moves and stores the results in batches
  (``finisher``), in a worker thread, one batch at a time. A failed result
  (one bound for quarantine) of a file modified less than ``stable_seconds``
  ago is delayed until the file has been quiet that long, because a file renamed
  into the inbox is read at once and its writer may still be adding to it.
  A result that shows a fault of the machine (tesseract missing) leaves its
  file ``held`` in the inbox; it is read again on the backoff of failed moves,
  and at the next start.

On start the daemon finishes what a previous run left half done (rows in
``processing``, ``moving`` or ``failed``) and rescans the inboxes, so files
that arrived while it was down are taken too. SIGTERM, SIGHUP and Ctrl-C stop the
admission of new files, let the files being processed finish and route
them, then stop. The daemon then exits with code 0, and a ``--once`` run
with files left exits with 130. At most one daemon uses a database at a time,
enforced with an ``flock`` on ``<database>.watch.lock`` (``lockfile``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import signal
import stat
import tempfile
import time
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docflow.core.models import DocumentResult, Status
from docflow.core.own_folders import own_folders
from docflow.core.quoting import cut_value
from docflow.errors import DocflowError, ExitCode, StoreError, UsageError
from docflow.watch.finisher import (
    SETUP_FAULTS,
    Finisher,
    Outcome,
    Pending,
    ResultSaver,
    holds_routed_file,
)
from docflow.watch.lockfile import hold_daemon_lock
from docflow.watch.observe import InboxFilter, start_observer
from docflow.watch.readiness import FileSnapshot, ReadinessTracker, snapshot_of
from docflow.watch.routing import Route, check_templates
from docflow.watch.state import StateSession, StateStore

if TYPE_CHECKING:
    from docflow.core.config import Settings
    from docflow.watch.processor import Processor

__all__ = ["WatchDaemon"]

log = logging.getLogger(__name__)

# Files handed to the engine at once, per worker. More files per batch make
# fewer database transactions in a burst; fewer bound the wait on SIGTERM,
# which lets every file already handed over finish.
_INFLIGHT_PER_WORKER = 8
_WARM_UP_TEXT = (
    "Warm-up document of docflow watch.\nInvoice number 1, total 10.00 EUR.\n"
)
# Maximum time the daemon keeps the database open for a run of transactions
# before letting another process (docflow process, --status) have a turn.
_MAX_HOLD_SECONDS = 0.5
# Wait before finishing a file whose routing raised (a database error, say).
_ROUTING_RETRY_SECONDS = 5.0
# How often the daemon checks that each inbox is still the folder it watches.
_INBOX_CHECK_SECONDS = 2.0


class WatchDaemon:
    """Watch inboxes and move each complete file to one route folder, once."""

    def __init__(
        self,
        settings: Settings,
        processor: Processor,
        *,
        inboxes: Sequence[str | Path],
        output_dir: str | Path,
        once: bool = False,
        save_results: ResultSaver | None = None,
    ) -> None:
        self.settings = settings
        self.watch = settings.watch
        self.processor = processor
        self.once = once
        self.inboxes = tuple(Path(inbox).resolve() for inbox in inboxes)
        self.output_dir = Path(output_dir).resolve()
        self._own_folders = {
            folder.resolve(): description
            for folder, description in own_folders(settings).items()
        }
        self._check_folders()
        check_templates(self.watch)

        from docflow.core.store import database_origin

        database = Path(settings.store.database).resolve()
        self.state = StateStore(
            database,
            lock_timeout=getattr(settings.store, "lock_timeout", 600.0),
            lock_notice_seconds=getattr(settings.store, "lock_notice_seconds", 5.0),
            max_hold_seconds=_MAX_HOLD_SECONDS,
            origin=database_origin(settings),
        )
        self.filter = InboxFilter(
            self.inboxes,
            tuple(self.watch.ignore),
            excluded=(self.output_dir, *self._own_folders),
            excluded_files=(str(database),),
            recursive=self.watch.recursive,
        )
        self.finisher = Finisher(self.state, settings, self.output_dir, save_results)
        self.finisher.retries_in_run = not once
        self.tracker = ReadinessTracker(
            self.watch.stable_seconds,
            self.watch.settle_seconds,
            events=self.watch.poll_seconds == 0,
            wall_clock=time.time,
            wait_unchanged=self.watch.wait_unchanged_seconds,
        )

        self.counts: Counter[str] = Counter()
        self._inflight: dict[str, Pending] = {}
        self._inflight_hashes: dict[str, str] = {}
        self._ready: deque[str] = deque()
        self._unrecorded: set[str] = set()
        self._vanished: set[str] = set()
        self._copies_waiting: dict[str, list[str]] = {}
        self._waiting_paths: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._finisher_lock = asyncio.Lock()
        self._observer: Any = None
        self._on_event_threadsafe: Any = None
        # The inboxes as named, links not followed, to notice them change.
        self._inbox_names = tuple(Path(inbox).absolute() for inbox in inboxes)
        self._inbox_ids = [_folder_identity(inbox) for inbox in self._inbox_names]
        self._results: asyncio.Queue[tuple[Pending, DocumentResult] | None]
        # Failed results waiting for their file to be quiet, by path, each with
        # the monotonic time to route it. The files stay in ``_inflight``.
        self._delayed: dict[str, tuple[float, Pending, DocumentResult]] = {}
        self._wakeup: asyncio.Event
        self._stop: asyncio.Event
        self._failure: BaseException | None = None
        self._interrupted = False

    def _check_folders(self) -> None:
        if not self.inboxes:
            raise UsageError(
                "no inbox to watch: give folders to docflow watch or set "
                "watch.inboxes in docflow.toml"
            )
        for inbox in self.inboxes:
            if not inbox.exists():
                raise UsageError(
                    f"inbox {str(inbox)!r} does not exist; create it first"
                )
            if inbox.is_file():
                raise UsageError(
                    f"inbox {str(inbox)!r} is a file, not a folder; give the "
                    "folder to watch"
                )
            if not inbox.is_dir():
                raise UsageError(
                    f"inbox {str(inbox)!r} is not a folder; give the folder to watch"
                )
            if inbox == self.output_dir or inbox.is_relative_to(self.output_dir):
                raise UsageError(
                    f"inbox {str(inbox)!r} lies inside the output folder "
                    f"{str(self.output_dir)!r}; choose another --output"
                )
            for own, description in self._own_folders.items():
                if inbox == own or inbox.is_relative_to(own):
                    raise UsageError(
                        f"inbox {str(inbox)!r} lies inside {description}, "
                        f"{str(own)!r}, whose files docflow leaves out; move the "
                        "inbox, or set store.cache_dir (DOCFLOW_STORE_CACHE_DIR) "
                        "to another folder"
                    )

    # -- lifecycle ------------------------------------------------------------

    async def run(self) -> ExitCode:
        """Run until stopped (or, with ``once``, until the inboxes are empty)."""
        from docflow.core.classify import model_key

        # A missing or damaged model is a ModelError now, not a quarantined
        # file each.
        model_key(self.settings)
        with hold_daemon_lock(self.state.database, self.state.origin):
            self._results = asyncio.Queue()
            self._wakeup = asyncio.Event()
            self._stop = asyncio.Event()
            await asyncio.to_thread(self._recover)
            with self._signal_handlers():
                async with self.processor:
                    await self._serve()
        if self._failure is not None:
            raise self._failure
        log.info(
            "watch stopped: %s",
            _describe_counts(self.counts),
            extra={"event": "stopped", **self.counts},
        )
        if not self.once:
            # A daemon ends only on request (SIGTERM, SIGINT, SIGHUP), after
            # the files in progress, so systemd records a normal stop.
            return ExitCode.OK
        if self._interrupted:
            return ExitCode.INTERRUPTED
        return self._exit_code()

    def _exit_code(self) -> ExitCode:
        """Return the exit code of a run that ended by itself, as ``process`` does.

        Held files mean OCR is unavailable. A failed move or a quarantined
        file is a document that did not succeed.
        """
        if self.finisher.held:
            return ExitCode.OCR_UNAVAILABLE
        if self.finisher.retry_at or self.finisher.routed["quarantine"]:
            return ExitCode.DOCUMENTS_FAILED
        return ExitCode.OK

    def request_stop(self) -> None:
        """Stop admitting files; the run ends once the files in progress are routed."""
        if not self._stop.is_set():
            log.info(
                "stopping after the files in progress", extra={"event": "stopping"}
            )
        self._interrupted = True
        self._stop.set()
        self._wakeup.set()

    async def _warm_up(self) -> None:
        """Process a small document so the first real file meets loaded models."""
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="docflow-watch-") as folder:
            path = Path(folder) / "warm-up.txt"
            path.write_text(_WARM_UP_TEXT, encoding="utf-8")
            try:
                await self.processor.process([str(path)])
            except Exception as exc:  # the first real file will show the cause
                log.warning("warm-up document failed: %s", exc)
                return
        log.debug("processing engine warmed up in %.2f s", time.monotonic() - started)

    async def _serve(self) -> None:
        if not self.once:
            await self._warm_up()
            loop = asyncio.get_running_loop()

            def on_event(kind: str, path: str, destination: str) -> None:
                loop.call_soon_threadsafe(self._on_event, kind, path, destination)

            self._on_event_threadsafe = on_event
            self._start_observer()
        mode = (
            f"polling every {self.watch.poll_seconds:g} s"
            if (self.watch.poll_seconds)
            else "inotify"
        )
        log.info(
            "watching %s (%s), routing to %s",
            ", ".join(map(str, self.inboxes)),
            "once" if self.once else mode,
            self.output_dir,
            extra={"event": "started"},
        )
        router = asyncio.create_task(self._route_results(), name="docflow-router")
        try:
            self._rescan()
            await self._main_loop()
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
        finally:
            await self._stop_observer()
            await self._results.put(None)
            await router
            await asyncio.to_thread(self.state.release)

    @contextlib.contextmanager
    def _signal_handlers(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        installed = []
        for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(number, self.request_stop)
                installed.append(number)
        try:
            yield
        finally:
            for number in installed:
                loop.remove_signal_handler(number)

    # -- recovery -----------------------------------------------------------------

    def _recover(self) -> None:
        """Finish or undo what a previous run left half done."""
        with self.state.session() as session:
            rows = session.rows_in(["seen", "processing", "moving", "failed", "held"])
        outcomes: Counter[str] = Counter()
        for row in rows:
            if row.state == "processing":
                if row.attempts >= self.watch.max_attempts:
                    outcome = str(self.finisher.quarantine_interrupted(row))
                else:
                    with self.state.session() as session:
                        session.set_fields(row.id, state="seen")
                    outcome = "requeued"  # read again: its result was never stored
            elif row.state in ("moving", "failed"):
                outcome = str(self.finisher.finish_row(row))
            elif row.state == "held":
                # The set-up may be fixed by now, so it is read again at once.
                released = self._release_held(row) is Outcome.HELD
                outcome = "requeued" if released else str(Outcome.REMOVED)
            elif not os.path.lexists(row.path):
                with self.state.session() as session:
                    session.set_fields(row.id, state="removed", error="vanished")
                outcome = str(Outcome.REMOVED)
            else:
                continue
            outcomes[outcome] += 1
        if outcomes:
            recovered = sum(outcomes.values())
            self.counts["recovered"] += recovered
            log.info(
                "recovered %d %s left by the previous run: %s",
                recovered,
                "file" if recovered == 1 else "files",
                _describe_counts(outcomes),
                extra={"event": "recovered", **outcomes},
            )

    # -- events ------------------------------------------------------------------

    def _on_event(self, kind: str, path: str, destination: str) -> None:
        now = time.monotonic()
        if kind == "lost":
            log.warning(
                "file events were lost; rescanning the inboxes",
                extra={"event": "rescan"},
            )
            self._rescan()
        elif kind == "dir_moved":
            if path:  # empty when the folder came from outside the inboxes
                self._forget_under(path)
            if destination and self.filter.inbox_of(os.path.join(destination, "x")):
                for found in self.filter.scan(Path(destination)):
                    self._notice(found, now, moved_in=True)
        elif kind == "moved":
            if path:
                self._forget(path)
            if destination and self.filter.inbox_of(destination):
                self._notice(destination, now, moved_in=True)
        elif kind == "deleted":
            self._forget(path)
        elif self.filter.inbox_of(path):
            self._notice(path, now, kind=kind)
        self._wakeup.set()

    def _notice(
        self, path: str, now: float, *, kind: str = "found", moved_in: bool = False
    ) -> None:
        pending = self._inflight.get(path)
        if pending is not None:
            pending.changed = True  # the router reads it again after this result
            return
        if path in self._waiting_paths:
            if kind == "found" and not moved_in:
                return  # a rescan: the copy still waits for its original
            self._waiting_paths.discard(path)  # changed: no longer a known copy
        if path in self._ready:
            self._ready.remove(path)
        if path not in self.tracker:
            self._unrecorded.add(path)
        if moved_in:
            self.tracker.note_moved_in(path, now)
        elif kind == "created":
            self.tracker.note_created(path, now)
        elif kind == "modified":
            self.tracker.note_modified(path, now)
        elif kind == "closed":
            self.tracker.note_closed(path, now)
        else:
            self.tracker.note_found(path, now)

    def _forget(self, path: str) -> None:
        if path not in self.tracker and path not in self._ready:
            return  # not waiting here: in processing, or the daemon's own move
        log.info(
            "file removed before it was processed: %s",
            path,
            extra={"event": "removed", "path": path},
        )
        self.counts["removed"] += 1
        self.tracker.forget(path)
        if path in self._ready:
            self._ready.remove(path)
        if path in self._unrecorded:
            self._unrecorded.discard(path)
        else:
            self._vanished.add(path)

    def _forget_under(self, folder: str) -> None:
        prefix = folder.rstrip(os.sep) + os.sep
        for path in self.tracker.pending() + list(self._ready):
            if path.startswith(prefix):
                self._forget(path)

    def _start_observer(self) -> None:
        self._observer = start_observer(
            self.inboxes,
            recursive=self.watch.recursive,
            poll_seconds=self.watch.poll_seconds,
            on_event=self._on_event_threadsafe,
        )

    async def _stop_observer(self) -> None:
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            await asyncio.to_thread(observer.join, 5.0)

    async def _check_inboxes(self) -> None:
        """Follow an inbox that was removed, or removed and made again.

        A file-system watch stays on the folder it was set on, so a new
        folder of the same name would otherwise be ignored until a rescan.
        An inbox made again as a link is followed to its target, as at start.
        """
        renewed = False
        # A watch on a removed folder ends, also when the folder made again
        # has the same inode number as before.
        lost_watch = self._observer is not None and not all(
            emitter.is_alive() for emitter in self._observer.emitters
        )
        for index, named in enumerate(self._inbox_names):
            identity = _folder_identity(named)
            if identity == self._inbox_ids[index] and not (lost_watch and identity):
                continue
            self._inbox_ids[index] = identity
            if identity is None:
                log.warning(
                    "inbox %s is gone; its files are taken when it is back",
                    named,
                    extra={"event": "inbox_gone"},
                )
                continue
            log.warning(
                "inbox %s was made again; watching the new folder",
                named,
                extra={"event": "inbox_back"},
            )
            renewed = True
        if not renewed:
            return
        inboxes = tuple(named.resolve() for named in self._inbox_names)
        if inboxes != self.inboxes:
            self.inboxes = inboxes
            self.filter = dataclasses.replace(self.filter, inboxes=inboxes)
        if self._on_event_threadsafe is not None:
            await self._stop_observer()
            self._start_observer()
        self._rescan()

    def _rescan(self) -> None:
        now = time.monotonic()
        for path in self.filter.scan():
            if (
                path not in self.tracker
                and path not in self._inflight
                and (path not in self._ready)
            ):
                self._notice(path, now)

    # -- main loop ---------------------------------------------------------------

    async def _main_loop(self) -> None:
        started = time.monotonic()
        next_status = started + (self.watch.status_seconds or float("inf"))
        next_rescan = started + (self.watch.rescan_seconds or float("inf"))
        next_inbox_check = started + _INBOX_CHECK_SECONDS
        once_until = started + 2 * self.watch.stable_seconds + self.watch.settle_seconds
        while not self._stop.is_set():
            self._wakeup.clear()
            await self._record_noticed()
            now = time.monotonic()
            ready, vanished, deadline = self.tracker.take_ready(now)
            self._ready.extend(ready)
            for path in vanished:
                self._forget(path)
            await self._record_vanished()
            await self._admit()
            await self._retry_due_moves()
            now = time.monotonic()
            if now >= next_status:
                next_status = now + self.watch.status_seconds
                await self._log_status()
            if now >= next_rescan:
                next_rescan = now + self.watch.rescan_seconds
                self._rescan()
            if now >= next_inbox_check:
                next_inbox_check = now + _INBOX_CHECK_SECONDS
                await self._check_inboxes()
            if self.once and self._finished_once(now, once_until):
                return
            if self._idle():
                await asyncio.to_thread(self.state.release)
            await self._sleep_until(
                [
                    deadline,
                    next_status,
                    next_rescan,
                    next_inbox_check,
                    self._next_retry(),
                ]
            )

    def _idle(self) -> bool:
        return not (self._inflight or self._ready or not self._results.empty())

    def _finished_once(self, now: float, once_until: float) -> bool:
        if self._inflight or self._ready or not self._results.empty():
            return False
        if len(self.tracker) and now < once_until:
            return False
        for path in self.tracker.pending():
            log.warning(
                "still being written, left for the next run: %s",
                path,
                extra={"event": "skipped", "path": path},
            )
        return True

    async def _sleep_until(self, deadlines: Sequence[float | None]) -> None:
        due = [value for value in deadlines if value is not None]
        timeout = max(0.0, min(due) - time.monotonic()) if due else None
        if self.once and timeout is None:
            timeout = 0.5  # nothing scheduled: look again for finished work
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wakeup.wait(), timeout)

    def _capacity(self) -> int:
        limit = _INFLIGHT_PER_WORKER * max(1, self.settings.worker_count)
        return max(0, limit - len(self._inflight))

    # -- recording ---------------------------------------------------------------

    async def _record_noticed(self) -> None:
        if not self._unrecorded:
            return
        paths = sorted(self._unrecorded)
        self._unrecorded.clear()
        ignored = await asyncio.to_thread(self._record_seen_rows, paths)
        for path in ignored:
            self.tracker.forget(path)

    def _record_seen_rows(self, paths: Sequence[str]) -> list[str]:
        """Record newly noticed files; return those another row already settles."""
        ignored = []
        items = []
        with self.state.session() as session:
            newest = session.newest_rows(paths)
            for path in paths:
                snapshot = snapshot_of(path)
                inbox = self.filter.inbox_of(path)
                if snapshot is None or inbox is None:
                    continue
                last = newest.get(path)
                if last is not None and _settled_by(last, snapshot):
                    ignored.append(path)
                    continue
                items.append((path, str(inbox), snapshot))
            session.record_seen_many(items)
        return ignored

    async def _record_vanished(self) -> None:
        if not self._vanished:
            return
        paths = list(self._vanished)
        self._vanished.clear()
        await asyncio.to_thread(self._mark_removed, paths)

    def _mark_removed(self, paths: Sequence[str]) -> None:
        with self.state.session() as session:
            for path in paths:
                row = session.active_row(path)
                if (
                    row is not None
                    and row.state == "seen"
                    and not os.path.lexists(path)
                ):
                    session.set_fields(row.id, state="removed", error="vanished")

    # -- admission ---------------------------------------------------------------

    async def _admit(self) -> None:
        capacity = self._capacity()
        if not self._ready or not capacity or self._stop.is_set():
            return
        taken = [self._ready.popleft() for _ in range(min(capacity, len(self._ready)))]
        batch = list(dict.fromkeys(taken))  # a path queued twice is read once
        checked = await asyncio.to_thread(self._hash_files, batch)
        candidates = self._sort_hashed(checked)
        if not candidates:
            return

        admitted, copies = await asyncio.to_thread(self._claim, candidates)
        for path, digest in copies:
            self._wait_for_original(path, digest)
        to_process: list[Pending] = []
        for pending, original in admitted:
            self.counts["received"] += 1
            from docflow.core.store import display_path

            display = display_path(pending.path)
            log.info(
                "received %s", display, extra={"event": "received", "path": display}
            )
            if not pending.snapshot.regular:
                await self._quarantine_special(pending)
            elif original is not None:
                await self._handle_duplicate(pending, original)
            else:
                self._inflight[pending.path] = pending
                if pending.content_hash:
                    self._inflight_hashes[pending.content_hash] = pending.path
                to_process.append(pending)
        if to_process:
            task = asyncio.create_task(self._process(to_process))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _sort_hashed(
        self, checked: Sequence[tuple[str, FileSnapshot | None, str | None]]
    ) -> list[tuple[str, FileSnapshot, str]]:
        """Return the hashed files to claim; put the others where they belong."""
        now = time.monotonic()
        candidates: list[tuple[str, FileSnapshot, str]] = []
        for path, snapshot, digest in checked:
            if snapshot is None:
                self._ready.append(path)  # so _forget logs and records it
                self._forget(path)
            elif digest is None:
                self.tracker.note_changed_during_read(path, now)
            elif digest and digest in self._inflight_hashes:
                self._wait_for_original(path, digest)
            else:
                candidates.append((path, snapshot, digest))
        return candidates

    def _wait_for_original(self, path: str, digest: str) -> None:
        # A copy of a file still in processing waits for that file's outcome,
        # because only content routed to processed/ or review/ makes duplicates.
        self._copies_waiting.setdefault(digest, []).append(path)
        self._waiting_paths.add(path)

    def _hash_files(
        self, paths: Sequence[str]
    ) -> list[tuple[str, FileSnapshot | None, str | None]]:
        """Hash each file; the digest is None when the file changed meanwhile."""
        from docflow.core.pipeline import hash_file

        checked: list[tuple[str, FileSnapshot | None, str | None]] = []
        for path in paths:
            before = snapshot_of(path)
            if before is None or not before.regular:
                checked.append((path, before, "" if before else None))
                continue
            try:
                digest, _ = hash_file(path)
            except FileNotFoundError:
                checked.append((path, None, None))
                continue
            except OSError:
                digest = ""  # unreadable: processing reports the reason
            after = snapshot_of(path)
            checked.append((path, after, digest if after == before else None))
        return checked

    def _claim(
        self, candidates: Sequence[tuple[str, FileSnapshot, str]]
    ) -> tuple[list[tuple[Pending, str | None]], list[tuple[str, str]]]:
        """Mark ready files ``processing``.

        Returns each admitted file with the destination of its original when
        it is a duplicate, and the (path, hash) of each copy of another file of
        this batch, which was not admitted.
        """
        received = datetime.now(UTC)
        accepted = []
        with self.state.session() as session:
            newest = session.newest_rows([path for path, _, _ in candidates])
            for path, snapshot, digest in candidates:
                inbox = self.filter.inbox_of(path)
                last = newest.get(path)
                if inbox is None or (last is not None and _settled_by(last, snapshot)):
                    continue
                accepted.append((path, str(inbox), snapshot, digest))
            rows = session.record_seen_many([item[:3] for item in accepted])
            originals = _find_originals(
                session, [item[3] for item in accepted if item[3]]
            )
            admitted: list[tuple[Pending, str | None]] = []
            copies: list[tuple[str, str]] = []
            processing: dict[int, str] = {}
            for path, inbox, snapshot, digest in accepted:
                row = rows[path]
                original = originals.get(digest) if digest else None
                if original is None and digest and digest in processing.values():
                    copies.append((path, digest))
                    continue
                pending = Pending(row.id, path, inbox, snapshot, digest, received)
                if original is None and snapshot.regular:
                    processing[row.id] = digest
                admitted.append((pending, original))
            session.mark_processing(processing)
        return admitted, copies

    async def _quarantine_special(self, pending: Pending) -> None:
        result = DocumentResult(
            path=pending.path,
            status=Status.UNREADABLE,
            error=f"{cut_value(pending.path)}: {_special_file_reason(pending.path)}",
        )
        async with self._finisher_lock:
            outcome = await asyncio.to_thread(
                self.finisher.route_unread,
                pending,
                Route("quarantine", "quarantine"),
                result,
            )
        self.counts[str(outcome)] += 1

    async def _handle_duplicate(self, pending: Pending, original: str) -> None:
        self.counts["duplicate"] += 1
        async with self._finisher_lock:
            if self.watch.duplicates == "skip":
                await asyncio.to_thread(self.finisher.skip_duplicate, pending, original)
                return
            result = DocumentResult(
                path=pending.path,
                status=Status.OK,
                content_hash=pending.content_hash,
                size=pending.snapshot.size,
                warnings=[f"same content as {original}"],
            )
            await asyncio.to_thread(
                self.finisher.route_unread,
                pending,
                Route("duplicates", "duplicates"),
                result,
            )

    # -- processing and routing ------------------------------------------------------

    async def _process(self, batch: list[Pending]) -> None:
        by_path = {pending.path: pending for pending in batch}
        delivered: set[str] = set()

        def on_result(result: DocumentResult) -> None:
            pending = by_path.get(result.path)
            if pending is not None and pending.path not in delivered:
                delivered.add(pending.path)
                self._results.put_nowait((pending, result))

        try:
            results = await self.processor.process(
                [pending.path for pending in batch], on_result=on_result
            )
        except Exception as exc:
            log.error(
                "the processing engine failed: %s",
                exc,
                extra={"event": "error", "error": str(exc)},
            )
            abandoned = [p for p in batch if p.path not in delivered]
            await asyncio.to_thread(self._release, abandoned)
            for pending in abandoned:
                self._inflight.pop(pending.path, None)
            self._failure = exc
            self.request_stop()
            self._interrupted = False
            return
        for pending, result in zip(batch, results, strict=False):
            if pending.path not in delivered:
                delivered.add(pending.path)
                self._results.put_nowait((pending, result))

    def _release(self, batch: Sequence[Pending]) -> None:
        """Put files whose processing was abandoned back to ``seen``.

        The engine failed, not the file, so the attempt is not counted.
        """
        with self.state.session() as session:
            for pending in batch:
                row = session.row(pending.row_id)
                attempts = max(0, row.attempts - 1) if row else 0
                session.set_fields(pending.row_id, state="seen", attempts=attempts)

    async def _route_results(self) -> None:
        finished = False  # the end marker came: route the delayed results, then stop
        while not finished or self._delayed:
            items, finished = await self._next_results(finished)
            items = self._delay_recent_failures(items) + self._take_due_delayed()
            if items:
                await self._route_batch(items)
            if self._idle():
                await asyncio.to_thread(self.state.release)

    async def _next_results(
        self, finished: bool
    ) -> tuple[list[tuple[Pending, DocumentResult]], bool]:
        """Wait for results, or for the first delayed result to fall due.

        Returns the results and whether the end marker (None) came.
        """
        timeout = None
        if self._delayed:
            due = min(when for when, _, _ in self._delayed.values())
            timeout = max(0.0, due - time.monotonic())
        if finished:
            await asyncio.sleep(timeout or 0.0)
            return [], True
        try:
            item = await asyncio.wait_for(self._results.get(), timeout)
        except TimeoutError:
            return [], False
        items = []
        while item is not None:
            items.append(item)
            if self._results.empty():
                return items, False
            item = self._results.get_nowait()
        return items, True

    def _delay_recent_failures(
        self, items: Sequence[tuple[Pending, DocumentResult]]
    ) -> list[tuple[Pending, DocumentResult]]:
        """Delay failed results of recently modified files; return the others.

        A file renamed into the inbox while its writer still adds to it reads
        as damaged or truncated. Quarantining it at once would move it, so the
        rest of the writes would land in the quarantined copy.
        """
        to_route = []
        for pending, result in items:
            wait = self._quiet_time_left(pending, result)
            if wait <= 0:
                to_route.append((pending, result))
                continue
            pending.waited_for_quiet = True
            self._delayed[pending.path] = (time.monotonic() + wait, pending, result)
            log.info(
                "delaying the quarantine of %s by %.1f s (%s): it was "
                "modified less than %g s ago, so a writer may still be adding to it",
                pending.path,
                wait,
                result.status,
                self.watch.stable_seconds,
                extra={"event": "delayed", "path": pending.path},
            )
        return to_route

    def _quiet_time_left(self, pending: Pending, result: DocumentResult) -> float:
        """Return how long the failed result of ``pending`` must wait, in seconds.

        A held result does not wait, because it leaves the file in the inbox.
        """
        if result.status is Status.OK or result.status in SETUP_FAULTS:
            return 0.0
        if pending.waited_for_quiet or pending.changed:
            return 0.0
        current = snapshot_of(pending.path)
        if current is None or current != pending.snapshot:
            return 0.0  # the finisher records the removal or reads it again
        age = time.time() - current.mtime_ns / 1e9
        # Capped, so a modification time in the future (a network share whose
        # clock is ahead) delays the result by stable_seconds at most.
        return min(self.watch.stable_seconds - age, self.watch.stable_seconds)

    def _take_due_delayed(self) -> list[tuple[Pending, DocumentResult]]:
        now = time.monotonic()
        due = [path for path, (when, _, _) in self._delayed.items() if when <= now]
        return [self._delayed.pop(path)[1:] for path in due]

    async def _route_batch(self, items: list[tuple[Pending, DocumentResult]]) -> None:
        async with self._finisher_lock:
            try:
                outcomes = await asyncio.to_thread(self.finisher.route_results, items)
            except Exception as exc:  # keep routing later results
                outcomes = await self._recover_batch(items, exc)
                if self.once and isinstance(exc, StoreError):
                    # A daemon retries until the database works again;
                    # --once reports it and stops.
                    self._failure = self._failure or exc
                    self.request_stop()
                    self._interrupted = False
        self._settle(outcomes)

    async def _recover_batch(
        self, items: Sequence[tuple[Pending, DocumentResult]], error: Exception
    ) -> list[tuple[Pending, Outcome]]:
        """Finish a batch whose routing failed midway, row by row from the disk."""
        log.error(
            "routing %d files failed: %s: %s; finishing them one by one",
            len(items),
            type(error).__name__,
            error,
            # The message of a DocflowError (a full disk under the database,
            # say) is enough, so it gets no traceback.
            exc_info=None if isinstance(error, DocflowError) else error,
            extra={"event": "error", "error": str(error)},
        )
        return await asyncio.to_thread(self._finish_rows_alone, items)

    def _finish_rows_alone(
        self, items: Sequence[tuple[Pending, DocumentResult]]
    ) -> list[tuple[Pending, Outcome]]:
        outcomes = []
        for pending, result in items:
            try:
                with self.state.session() as session:
                    row = session.row(pending.row_id)
                if row is not None and row.state in ("moving", "failed"):
                    outcome = self.finisher.finish_row(row)
                else:
                    outcome = self.finisher.route_results([(pending, result)])[0][1]
            except Exception as exc:
                delay = min(_ROUTING_RETRY_SECONDS, self.watch.retry_max_seconds)
                next_step = f"next attempt in {delay:.0f} s"
                if self.once:
                    next_step = "the next run of docflow watch tries again"
                log.error(
                    "%s: routing failed: %s: %s; %s",
                    pending.path,
                    type(exc).__name__,
                    exc,
                    next_step,
                    extra={"event": "error", "path": pending.path, "error": str(exc)},
                )
                self.finisher.retry_at[pending.row_id] = time.time() + delay
                outcome = Outcome.RETRY
            outcomes.append((pending, outcome))
        return outcomes

    def _settle(self, outcomes: Sequence[tuple[Pending, Outcome]]) -> None:
        now = time.monotonic()
        for pending, outcome in outcomes:
            self._inflight.pop(pending.path, None)
            self._inflight_hashes.pop(pending.content_hash, None)
            for copy in self._copies_waiting.pop(pending.content_hash, []):
                if copy in self._waiting_paths:
                    self._waiting_paths.discard(copy)
                    self._ready.append(copy)
            self.counts[str(outcome)] += 1
            if outcome is Outcome.CHANGED:
                self.tracker.note_changed_during_read(pending.path, now)
        self._wakeup.set()

    # -- move retries ------------------------------------------------------------

    def _next_retry(self) -> float | None:
        if not self.finisher.retry_at:
            return None
        return time.monotonic() + max(
            0.0, min(self.finisher.retry_at.values()) - time.time()
        )

    async def _retry_due_moves(self) -> None:
        if self.once:
            return  # the next run retries; a cron job should not wait for backoff
        now = time.time()
        due = [row_id for row_id, when in self.finisher.retry_at.items() if when <= now]
        if not due:
            return
        async with self._finisher_lock:
            outcomes = await asyncio.to_thread(self._retry_rows, due)
        for path, outcome in outcomes:
            self.counts[f"retry_{outcome}"] += 1
            if outcome is Outcome.CHANGED:
                self.tracker.note_changed_during_read(path, time.monotonic())
            elif outcome is Outcome.HELD and path not in self._ready:
                self._ready.append(path)  # complete, so no readiness wait

    def _retry_rows(self, row_ids: Sequence[int]) -> list[tuple[str, Outcome]]:
        outcomes = []
        for row_id in row_ids:
            with self.state.session() as session:
                row = session.row(row_id)
            if row is None or row.state not in ("moving", "failed", "held"):
                self.finisher.retry_at.pop(row_id, None)
                continue
            if row.state == "held":
                outcome = self._release_held(row)
            else:
                outcome = self.finisher.finish_row(row)
            outcomes.append((row.path, outcome))
        return outcomes

    def _release_held(self, row: Any) -> Outcome:
        """Put a held row back to ``seen`` so its file is read again.

        Returns HELD when the file is still there to read, REMOVED otherwise.
        """
        self.finisher.retry_at.pop(row.id, None)
        self.finisher.held.discard(row.id)
        exists = os.path.lexists(row.path)
        with self.state.session() as session:
            if exists:
                session.set_fields(row.id, state="seen")
            else:
                session.set_fields(row.id, state="removed", error="vanished")
        if not exists:
            return Outcome.REMOVED
        log.info(
            "reading %s again after %s",
            cut_value(row.path),
            row.status,
            extra={"event": "retry", "path": row.path},
        )
        return Outcome.HELD

    # -- status ------------------------------------------------------------------

    async def _log_status(self) -> None:
        status = await asyncio.to_thread(self.state.read_status, 0)
        fields: dict[str, Any] = {
            "event": "status",
            "states": status.counts,
            "waiting": len(self.tracker) + len(self._ready),
            "processing": len(self._inflight),
            "retrying": len(self.finisher.retry_at),
        }
        log.info(
            "status: %s; waiting %d, processing %d, retrying %d",
            _describe_counts(status.counts),
            fields["waiting"],
            fields["processing"],
            fields["retrying"],
            extra=fields,
        )


def _find_originals(session: StateSession, hashes: Sequence[str]) -> dict[str, str]:
    """Return the destination of the first routed file with each content hash.

    Only a file still at its destination in processed/ or review/, with the
    same content, is an original. A file the user moved out of its folder, or
    back into an inbox, leaves no original, so a later file with its content
    is processed again.
    """
    originals: dict[str, str] = {}
    for row in session.routed_rows(hashes):
        digest = row.content_hash
        if digest and digest not in originals and holds_routed_file(row):
            originals[digest] = row.destination or row.path
    return originals


def _settled_by(row: Any, snapshot: FileSnapshot) -> bool:
    """Return True when ``row`` already accounts for the file now at its path.

    A held file is read again when its retry falls due, not when a rescan
    finds it unchanged.
    """
    if row.state in ("moving", "failed"):
        return True
    if row.state == "held" and row.matches(snapshot):
        return True
    return row.state == "done" and row.route == "skipped" and row.matches(snapshot)


def _describe_counts(counts: Any) -> str:
    if not counts:
        return "nothing yet"
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))


def _folder_identity(folder: Path) -> tuple[int, int] | None:
    """Return the device and inode of ``folder``, or None when it is not one."""
    try:
        info = os.stat(folder)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None


def _special_file_reason(path: str) -> str:
    """Return why the daemon quarantines ``path`` unread, as ``process`` words it.

    The daemon takes only regular files by their ``lstat``, so a symbolic
    link to a regular file, which ``process`` reads, is quarantined too.
    """
    from docflow.core.detect import special_file_reason

    reason = special_file_reason(path)
    if reason is not None:
        return reason
    if os.path.islink(path):
        return "is a symbolic link, which docflow watch does not follow"
    # NOTE: a regular file replaced the special one after the snapshot. It is
    # quarantined unread all the same.
    return "not a regular file"
