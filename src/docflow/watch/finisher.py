"""Route processed files, move them, store their results and mark them done.

Every step that changes the file system is preceded by a committed row that
records what is about to happen, so ``recover`` can finish or undo it after a
crash:

1. the row goes to ``moving`` with its route, destination and result;
2. a quarantined file gets its ``<name>.error.json`` report;
3. the file is moved (``docflow.watch.mover``, never overwriting);
4. in one transaction, the result is written to the store under the
   destination path and the row goes to ``done``, so the store contains each
   result once whatever the moment of a crash;
5. results of earlier runs of the same input whose files the user took out
   of their route folder (back into an inbox, say) stop being current in the
   same transaction. The ``<name>.error.json`` reports of such quarantined
   files are deleted before the new destination is chosen.

A move that fails leaves the file in the inbox and the row in ``failed`` with
the time of the next attempt; retries back off from 1 s doubling up to
``watch.retry_max_seconds``. A result that shows a fault of the machine, not
of the file (tesseract missing), is not routed: the file stays in the inbox,
its row goes to ``held`` with the reason, and it is read again on the same
backoff.

Everything here blocks on disk and database I/O; the daemon calls it from a
worker thread, one call at a time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docflow.core.models import DocumentResult, Status
from docflow.core.quoting import cut_value
from docflow.watch import mover
from docflow.watch.readiness import FileSnapshot, snapshot_of
from docflow.watch.routing import Route, choose_route

if TYPE_CHECKING:
    from docflow.core.config import Settings
    from docflow.watch.state import FileRow, StateSession, StateStore

__all__ = [
    "SETUP_FAULTS",
    "Finisher",
    "Outcome",
    "Pending",
    "ResultSaver",
    "holds_routed_file",
]

log = logging.getLogger(__name__)

#: Writes results, with the stat of each file as read, to the store, and marks
#: the results stored under the given older paths as no longer current. It runs
#: on the connection of the transaction that marks the files done
#: (``store_saver``).
ResultSaver = Callable[
    [Any, Sequence[tuple[DocumentResult, FileSnapshot | None]], Sequence[str]], None
]

_MAX_NAME_TRIES = 1000
# SHA-256 of no bytes. Every empty file has it, so it ties no two files together.
_EMPTY_HASH = hashlib.sha256(b"").hexdigest()
# Routes whose files get no stored result.
_UNSTORED_ROUTES = frozenset({"duplicates", "skipped"})
#: Statuses caused by the machine's set-up, not by the file. The file reads
#: once the set-up is fixed, so it is held in the inbox instead of quarantined.
SETUP_FAULTS = frozenset({Status.OCR_UNAVAILABLE})


class Outcome(StrEnum):
    """Outcome of a file handed to the finisher."""

    DONE = "done"  # moved (or skipped as a duplicate) and recorded
    RETRY = "retry"  # the move failed; the row waits for its next attempt
    REMOVED = "removed"  # the file vanished from the inbox
    CHANGED = "changed"  # the file changed after it was read; read it again
    HELD = "held"  # tesseract is missing, so the file waits in the inbox


@dataclass
class Pending:
    """A file taken from an inbox, with what the daemon saw before reading it."""

    row_id: int
    path: str
    inbox: str
    snapshot: FileSnapshot
    content_hash: str
    received: datetime
    changed: bool = False
    # The daemon already delayed its failed result until the file was quiet.
    waited_for_quiet: bool = False


@dataclass
class _Plan:
    row_id: int
    source: Path
    destination: Path
    route: Route
    result: DocumentResult
    snapshot: FileSnapshot | None
    # SHA-256 of the file as the daemon admitted it. A crashed or timed-out
    # result carries no hash of its own.
    content_hash: str | None = None
    # Rows of earlier runs of this input whose files were taken out of their
    # routed folders, found before the move (which may refill a destination).
    replaces: tuple[FileRow, ...] = ()


class Finisher:
    """Moves files to their routes and keeps their rows consistent with the disk."""

    def __init__(
        self,
        state: StateStore,
        settings: Settings,
        output_dir: Path,
        save_results: ResultSaver | None = None,
    ) -> None:
        self.state = state
        self.settings = settings
        self.watch = settings.watch
        self.output_dir = output_dir
        self.save_results = save_results
        self._reserved: set[str] = set()
        #: Unix time of the next move attempt of each row in ``failed``.
        self.retry_at: dict[int, float] = {}
        #: False with ``--once``: a failed move waits for the next run.
        self.retries_in_run = True
        #: Files moved to each route by this finisher, by route name.
        self.routed: Counter[str] = Counter()
        #: Rows held in the inbox for a set-up fault, waiting for a retry.
        self.held: set[int] = set()

    # -- new results ----------------------------------------------------------

    def route_results(
        self, items: Sequence[tuple[Pending, DocumentResult]]
    ) -> list[tuple[Pending, Outcome]]:
        """Route, move, store and mark done a batch of processed files."""
        outcomes: dict[int, Outcome] = {}
        plans: list[_Plan] = []
        with self.state.session() as session:
            for pending, result in items:
                # A new result of a held file replaces its hold and retry.
                self.held.discard(pending.row_id)
                self.retry_at.pop(pending.row_id, None)
                outcome = self._check_unchanged(session, pending, result)
                if outcome is not None:
                    outcomes[pending.row_id] = outcome
                    continue
                if result.status in SETUP_FAULTS:
                    outcomes[pending.row_id] = self._hold(session, pending, result)
                    continue
                route = choose_route(
                    result, self.watch, pending.received, pending.inbox
                )
                self._remove_stale_reports(session, pending, result)
                plan = self._plan(pending, route, result, session)
                self._record_moving(session, plan)
                plans.append(plan)
        outcomes.update(self._execute(plans))
        return [(pending, outcomes[pending.row_id]) for pending, _ in items]

    def route_unread(
        self, pending: Pending, route: Route, result: DocumentResult
    ) -> Outcome:
        """Move a file that is not processed: a duplicate or a special file."""
        with self.state.session() as session:
            if route.name not in _UNSTORED_ROUTES:
                self._remove_stale_reports(session, pending, result)
            plan = self._plan(pending, route, result, session)
            self._record_moving(session, plan)
        return self._execute([plan])[plan.row_id]

    def skip_duplicate(self, pending: Pending, original: str) -> None:
        """Mark a duplicate done without moving it (``duplicates = "skip"``)."""
        with self.state.session() as session:
            session.set_fields(
                pending.row_id,
                state="done",
                route="skipped",
                content_hash=pending.content_hash,
                error=f"same content as {original}",
            )
        log.info(
            "duplicate of %s left in place: %s",
            original,
            pending.path,
            extra={"event": "skipped", "path": pending.path, "original": original},
        )

    def _check_unchanged(
        self, session: StateSession, pending: Pending, result: DocumentResult
    ) -> Outcome | None:
        current = snapshot_of(pending.path)
        if current is None:
            session.set_fields(pending.row_id, state="removed", error="vanished")
            log.warning(
                "file removed while it was processed: %s",
                pending.path,
                extra={"event": "removed", "path": pending.path},
            )
            return Outcome.REMOVED
        stale_hash = (
            result.content_hash is not None
            and result.content_hash != pending.content_hash
        )
        if pending.changed or current != pending.snapshot or stale_hash:
            _reset_to_seen(session, pending.row_id, current)
            log.info(
                "file changed while it was processed, reading it again: %s",
                pending.path,
                extra={"event": "changed", "path": pending.path},
            )
            return Outcome.CHANGED
        return None

    def _hold(
        self, session: StateSession, pending: Pending, result: DocumentResult
    ) -> Outcome:
        """Leave a file in the inbox after a set-up fault, to be read again later."""
        row = session.row(pending.row_id)
        attempts = (row.move_attempts if row else 0) + 1
        now = time.time()
        delay = self._retry_delay(attempts)
        # The pipeline names the path as cut_value cuts a long one.
        prefix = f"{cut_value(pending.path)}: "
        reason = (result.error or str(result.status)).removeprefix(prefix)

        session.set_fields(
            pending.row_id,
            state="held",
            attempts=0,  # a result came back, so the run was not interrupted
            move_attempts=attempts,
            next_attempt=now + delay,
            status=str(result.status),
            error=reason,
        )
        self.retry_at[pending.row_id] = now + delay
        self.held.add(pending.row_id)

        next_step = f"next attempt in {delay:.0f} s"
        if not self.retries_in_run:
            next_step = "the next run of docflow watch reads it again"
        log.error(
            "%s: %s; the file stays in the inbox, %s",
            cut_value(pending.path),
            reason,
            next_step,
            extra={
                "event": "held",
                "path": pending.path,
                "status": str(result.status),
                "retry_in": delay,
            },
        )
        return Outcome.HELD

    def _retry_delay(self, attempts: int) -> float:
        """Return the seconds before retry number ``attempts``: 1, 2, 4, ... capped."""
        return min(2.0 ** (attempts - 1), self.watch.retry_max_seconds)

    def _plan(
        self,
        pending: Pending,
        route: Route,
        result: DocumentResult,
        session: StateSession,
    ) -> _Plan:
        folder = self.output_dir / route.folder
        name = Path(pending.path).name
        destination = mover.free_name(folder, name, self._reserved)
        self._reserved.add(str(destination))
        plan = _Plan(
            pending.row_id,
            Path(pending.path),
            destination,
            route,
            result,
            pending.snapshot,
            pending.content_hash or None,
        )
        plan.replaces = tuple(_earlier_rows_taken_out(session, plan))
        return plan

    def _record_moving(self, session: StateSession, plan: _Plan) -> None:
        result = plan.result
        classification = result.classification
        session.set_fields(
            plan.row_id,
            state="moving",
            # Counted again from 0, because a held file's read retries are over.
            move_attempts=0,
            route=plan.route.name,
            destination=str(plan.destination),
            category=classification.category if classification else None,
            confidence=classification.confidence if classification else None,
            quality=result.quality.overall_score if result.quality else None,
            status=str(result.status),
            error=result.error,
            result_json=_result_to_json(result),
        )

    # -- moving ---------------------------------------------------------------

    def _execute(self, plans: Sequence[_Plan]) -> dict[int, Outcome]:
        outcomes: dict[int, Outcome] = {}
        moved: list[_Plan] = []
        failures: dict[int, OSError] = {}
        for plan in plans:
            try:
                self._move(plan)
            except FileNotFoundError as exc:
                if os.path.lexists(plan.source):
                    failures[plan.row_id] = exc
                else:
                    outcomes[plan.row_id] = Outcome.REMOVED
            except OSError as exc:
                failures[plan.row_id] = exc
            else:
                moved.append(plan)
            finally:
                self._reserved.discard(str(plan.destination))
        with self.state.session() as session:
            self._save(session, moved)
            _mark_replaced(session, moved)
            done = [plan.row_id for plan in moved]
            session.set_state_many(done, "done", result_json=None)
            outcomes.update(dict.fromkeys(done, Outcome.DONE))
            for plan in plans:
                if outcomes.get(plan.row_id) is Outcome.REMOVED:
                    session.set_fields(plan.row_id, state="removed", error="vanished")
                    log.warning(
                        "file removed before it was moved: %s",
                        plan.source,
                        extra={"event": "removed", "path": str(plan.source)},
                    )
            for row_id, error in failures.items():
                self._record_failure(session, row_id, error)
                outcomes[row_id] = Outcome.RETRY
        for plan in moved:
            self.routed[plan.route.name] += 1
            _log_routed(plan)
        return outcomes

    def _move(self, plan: _Plan) -> None:
        """Move one file, choosing (and recording) a new name on a clash."""
        for _ in range(_MAX_NAME_TRIES):
            try:
                if plan.route.name == "quarantine":
                    mover.write_sidecar(plan.destination, _error_report(plan))
                mover.move_no_clobber(plan.source, plan.destination)
                return
            except FileExistsError:
                if not os.path.lexists(plan.destination):
                    raise
                if plan.route.name == "quarantine":
                    _remove_sidecar(plan.destination)
            plan.destination = mover.free_name(
                plan.destination.parent, plan.source.name, self._reserved
            )
            with self.state.session() as session:
                session.set_fields(plan.row_id, destination=str(plan.destination))
        raise FileExistsError(f"no free name for {plan.source.name} in the folder")

    def _save(self, session: StateSession, plans: Sequence[_Plan]) -> None:
        if self.save_results is None or not plans:
            return
        items = []
        replaced: list[str] = []
        destinations = {str(plan.destination) for plan in plans}
        for plan in plans:
            if plan.route.name in _UNSTORED_ROUTES:
                continue
            stored = plan.result.model_copy(update={"path": str(plan.destination)})
            items.append((stored, plan.snapshot))
            # A result stored under the same path replaces the old one anyway.
            replaced += [
                row.destination
                for row in plan.replaces
                if row.destination and row.destination not in destinations
            ]
        if items:
            self.save_results(session.connection, items, replaced)

    def _record_failure(
        self, session: StateSession, row_id: int, error: OSError
    ) -> None:
        row = session.row(row_id)
        now = time.time()
        attempts = (row.move_attempts if row else 0) + 1
        delay = self._retry_delay(attempts)
        first = row.first_move_failure if row and row.first_move_failure else now
        message = f"cannot move the file: {error.strerror or error}"
        if error.filename:
            message += f" ({error.filename})"
        session.set_fields(
            row_id,
            state="failed",
            move_attempts=attempts,
            first_move_failure=first,
            next_attempt=now + delay,
            error=message,
        )
        self.retry_at[row_id] = now + delay
        path = row.path if row else str(row_id)
        if not self.retries_in_run:
            log.error(
                "%s: %s; the file stays in the inbox, and the next run of "
                "docflow watch tries again",
                path,
                message,
                extra={"event": "error", "path": path},
            )
            return
        log.error(
            "%s: %s; the file stays in the inbox, next attempt in %.0f s",
            path,
            message,
            delay,
            extra={"event": "error", "path": path, "retry_in": delay},
        )

    # -- retries and recovery ---------------------------------------------------

    def finish_row(self, row: FileRow) -> Outcome:
        """Complete a row left in ``moving`` or ``failed``, judging by the disk."""
        self.retry_at.pop(row.id, None)
        at_source = snapshot_of(row.path)
        destination = Path(row.destination) if row.destination else None
        route = Route(row.route or "quarantine", "")
        plan = _Plan(
            row.id,
            Path(row.path),
            destination or Path(),
            route,
            _stored_result(row),
            at_source,
            row.content_hash,
        )
        with self.state.session() as session:
            plan.replaces = tuple(_earlier_rows_taken_out(session, plan))
        if destination is not None and self._holds_our_file(row, destination):
            return self._finish_arrived(plan, remove_source=row.matches(at_source))

        if destination is not None:
            _remove_partial(destination)
            if route.name == "quarantine":
                _remove_sidecar(destination)
        if at_source is None:
            with self.state.session() as session:
                session.set_fields(row.id, state="removed", error="vanished")
            log.warning(
                "file removed before it was moved: %s",
                row.path,
                extra={"event": "removed", "path": row.path},
            )
            return Outcome.REMOVED
        if not row.matches(at_source):
            with self.state.session() as session:
                _reset_to_seen(session, row.id, at_source)
            return Outcome.CHANGED

        folder = destination.parent if destination else self.output_dir / "quarantine"
        plan.destination = mover.free_name(folder, plan.source.name, self._reserved)
        with self.state.session() as session:
            session.set_fields(row.id, destination=str(plan.destination))
        return self._execute([plan])[row.id]

    def _finish_arrived(self, plan: _Plan, *, remove_source: bool) -> Outcome:
        """Store and mark done a file found at its destination after a crash."""
        if remove_source:  # a crash between link and unlink left both names
            with contextlib.suppress(FileNotFoundError):
                os.unlink(plan.source)
        _remove_partial(plan.destination)
        with self.state.session() as session:
            self._save(session, [plan])
            _mark_replaced(session, [plan])
            session.set_fields(plan.row_id, state="done", result_json=None)
        self.routed[plan.route.name] += 1
        _log_routed(plan)
        return Outcome.DONE

    def _remove_stale_reports(
        self, session: StateSession, pending: Pending, result: DocumentResult
    ) -> None:
        """Delete the quarantine reports that earlier runs of this input left.

        A user who moves a quarantined file back into an inbox leaves its
        ``<name>.error.json`` behind, which would also push a file quarantined
        again to a new name (``scan-1.pdf``). The reports looked at are those
        of the input's earlier quarantine rows and ``quarantine/<name>``. One
        is deleted only when its file is no longer in quarantine and the
        report records the same content hash or the same inbox path, so other
        files keep theirs.
        """
        from docflow.core.store import display_path

        source = display_path(pending.path)
        hashes = {result.content_hash, pending.content_hash} - {None, ""}
        earlier = _taken_out_of_quarantine(
            session, pending.path, pending.content_hash, pending.row_id
        )
        candidates = [Path(row.destination) for row in earlier if row.destination]
        candidates.append(self.output_dir / "quarantine" / Path(pending.path).name)
        for quarantined in dict.fromkeys(candidates):
            report_path = mover.sidecar_path(quarantined)
            if os.path.lexists(quarantined) or not report_path.is_file():
                continue
            try:
                report = json.loads(report_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):  # ValueError includes UnicodeDecodeError
                continue
            if isinstance(report, dict) and _report_matches(report, hashes, source):
                _remove_report(report_path, source)

    def _holds_our_file(self, row: FileRow, destination: Path) -> bool:
        at_destination = snapshot_of(str(destination))
        if at_destination is None:
            return False
        if (at_destination.device, at_destination.inode) == (row.device, row.inode):
            return True
        # A cross-device move copies, so the inode differs: compare content.
        if at_destination.size != row.size or not row.content_hash:
            return False
        return _sha256(destination) == row.content_hash

    def quarantine_interrupted(self, row: FileRow) -> Outcome:
        """Quarantine a file whose processing was interrupted too many times."""
        snapshot = snapshot_of(row.path)
        if snapshot is None:
            with self.state.session() as session:
                session.set_fields(row.id, state="removed", error="vanished")
            return Outcome.REMOVED
        message = (
            f"{cut_value(row.path)}: processing was interrupted {row.attempts} "
            "times (the daemon stopped or crashed while reading it); check the "
            "file, then move it back into the inbox"
        )
        result = DocumentResult(
            path=row.path,
            status=Status.CRASHED,
            error=message,
            content_hash=row.content_hash,
            size=snapshot.size,
        )
        pending = Pending(
            row.id,
            row.path,
            row.inbox,
            snapshot,
            row.content_hash or "",
            datetime.now(UTC),
        )
        return self.route_unread(pending, Route("quarantine", "quarantine"), result)


def _reset_to_seen(session: StateSession, row_id: int, snapshot: FileSnapshot) -> None:
    session.set_fields(
        row_id,
        state="seen",
        attempts=0,  # the run ended with a result, so it was no interrupted run
        route=None,
        destination=None,
        result_json=None,
        device=snapshot.device,
        inode=snapshot.inode,
        size=snapshot.size,
        mtime_ns=snapshot.mtime_ns,
    )


def _result_to_json(result: DocumentResult) -> str:
    # ASCII JSON keeps the lone surrogates of an undecodable file name as
    # \udcXX escapes, which DuckDB stores and json.loads turns back exactly.
    return json.dumps(result.model_dump(mode="json"), ensure_ascii=True)


def _stored_result(row: FileRow) -> DocumentResult:
    if row.result_json:
        return DocumentResult.model_validate(json.loads(row.result_json))
    return DocumentResult(
        path=row.path, status=Status(row.status or "error"), error=row.error
    )


def _error_report(plan: _Plan) -> dict[str, Any]:
    from docflow.core.store import display_path, display_text

    result = plan.result
    return {
        "file": display_path(plan.destination.name),
        "original_path": display_path(str(plan.source)),
        "status": str(result.status),
        "error": display_text(result.error or ""),
        "content_hash": result.content_hash or plan.content_hash,
        "detected_type": result.detected_type,
        "quarantined_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _report_matches(report: dict[str, Any], hashes: set[str], source: str) -> bool:
    """Tell whether a quarantine report was written for this content or path.

    ``source`` is the inbox path as ``display_path`` shows it.
    """
    if report.get("content_hash") in hashes:
        return True
    return report.get("original_path") == source


def _taken_out_of_quarantine(
    session: StateSession, path: str, content_hash: str | None, row_id: int
) -> list[FileRow]:
    """Return the rows of earlier runs of this input quarantined, now empty.

    The earlier runs are the other rows quarantined from ``path`` or with
    ``content_hash``, unless that is the hash of an empty file. A destination
    that contains a file again is left out, because a later file may have
    been quarantined under that name.
    """
    if content_hash == _EMPTY_HASH:
        content_hash = None
    rows = session.quarantined_rows(path, content_hash)
    return [
        row
        for row in rows
        if row.id != row_id and row.destination and not os.path.lexists(row.destination)
    ]


def _taken_out_of_routes(
    session: StateSession, content_hash: str | None, row_id: int
) -> list[FileRow]:
    """Return the rows of earlier files with this content routed, now empty.

    The earlier files are the other rows routed to processed/ or review/ with
    ``content_hash``. They are tied by content only, not by inbox path as in
    quarantine, because scanners reuse names: a new ``scan.pdf`` is another
    document when the earlier one was filed away. A destination that contains
    a file again is left out, because a later file may have been routed under
    that name.
    """
    if not content_hash or content_hash == _EMPTY_HASH:
        return []
    return [
        row
        for row in session.routed_rows([content_hash])
        if row.id != row_id and row.destination and not os.path.lexists(row.destination)
    ]


def _earlier_rows_taken_out(session: StateSession, plan: _Plan) -> list[FileRow]:
    """Return the rows of earlier runs of this input whose files were taken out."""
    rows = _taken_out_of_quarantine(
        session, str(plan.source), plan.content_hash, plan.row_id
    )
    return rows + _taken_out_of_routes(session, plan.content_hash, plan.row_id)


def _mark_replaced(session: StateSession, plans: Sequence[_Plan]) -> None:
    """Set the rows of earlier runs that these files replace to ``replaced``.

    A file taken out of quarantine, processed/ or review/ and put back into
    an inbox gets a new row. Its old row stays ``done`` until then, and
    ``watch --status`` would count one file twice, once under its old route.
    """
    replaced = {row.id for plan in plans for row in plan.replaces}
    session.set_state_many(sorted(replaced), "replaced")


def holds_routed_file(row: FileRow) -> bool:
    """Tell whether a done row's destination still contains the file's content.

    The same size and modification time count as the same content, as
    ``docflow process`` trusts an unchanged stat. A move across file systems
    copies the file with its modification time, so it is not read either.
    Otherwise a file of the same size is hashed.
    """
    if not row.destination or not row.content_hash:
        return False
    try:
        at_destination = snapshot_of(row.destination)
    except OSError:  # a parent folder without search permission, say
        return False
    if at_destination is None or not at_destination.regular:
        return False
    if at_destination.size != row.size:
        return False
    if at_destination.mtime_ns == row.mtime_ns:
        return True
    # NOTE: the daemon calls this inside a transaction, so hashing a large
    # file keeps other docflow commands waiting while it is read.
    try:
        return _sha256(Path(row.destination)) == row.content_hash
    except OSError:
        return False


def _remove_report(report_path: Path, source: str) -> None:
    from docflow.core.store import display_path

    try:
        os.unlink(report_path)
    except OSError as exc:
        log.warning(
            "%s: cannot remove the stale quarantine report %s: %s",
            source,
            display_path(str(report_path)),
            exc.strerror or exc,
            extra={"event": "error", "path": source},
        )
        return
    log.info(
        "removed the stale quarantine report %s of %s",
        display_path(str(report_path)),
        source,
        extra={"event": "report_removed", "path": source},
    )


def _remove_partial(destination: Path) -> None:
    # Cleanup only. No partial copy exists where a file is in the way of the
    # folder or the name is too long, and the move that follows reports such
    # a destination as a failure to retry.
    with contextlib.suppress(OSError):
        os.unlink(mover.partial_name(destination))


def _remove_sidecar(destination: Path) -> None:
    # Written before the move, so it is stale when the file did not arrive.
    with contextlib.suppress(OSError):
        os.unlink(mover.sidecar_path(destination))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _log_routed(plan: _Plan) -> None:
    from docflow.core.store import display_path

    result = plan.result
    classification = result.classification
    # Names as the results show them: bytes that are not UTF-8 as \xNN.
    source = display_path(str(plan.source))
    destination = display_path(str(plan.destination))
    fields: dict[str, Any] = {
        "event": "quarantined" if plan.route.name == "quarantine" else "routed",
        "path": source,
        "destination": destination,
        "route": plan.route.name,
        "status": str(result.status),
    }
    if classification is not None:
        fields["category"] = classification.category
        fields["confidence"] = round(classification.confidence, 3)
    if plan.route.name == "quarantine":
        # The error names the file first, as the results show it; the line
        # names it already.
        reason = result.error or str(result.status)
        for name in (source, result.path):
            reason = reason.removeprefix(f"{name}: ")
        log.warning(
            "quarantined %s -> %s: %s",
            source,
            destination,
            reason,
            extra=fields,
        )
    else:
        log.info(
            "routed %s -> %s (%s)",
            source,
            destination,
            plan.route.name,
            extra=fields,
        )
