"""Cross-process, first-come-first-served lock around every use of the DuckDB file.

DuckDB lets one process open a database for writing and then no other
process, not even a reader. docflow therefore opens the database only for
short transactions, each under this lock, and the processes take turns in
the order they asked.

The order comes from a queue of ticket files in ``<database>.lock.d/``:

1. Under a brief ``flock`` on ``.tail``, a process takes the next ticket
   number, creates the ticket file and keeps an exclusive ``flock`` on it
   until it is done with the database.
2. It then waits for a shared ``flock`` on the ticket just below its own.
   That succeeds when the earlier process removes its ticket and unlocks it
   (done), or when the kernel drops the lock of a process that died. A
   ticket still on disk after its lock came free belongs to a dead process,
   so the waiter deletes it and waits for the next earlier one.
3. With no earlier ticket left, it takes an ``flock`` on ``<database>.lock``
   too (shared for reads, exclusive for writes), which no other docflow
   process can hold then; it only guards against other programs.

A waiting process logs which process has the lock after
``store.lock_notice_seconds`` and gives up with a StoreError after
``store.lock_timeout``, removing its ticket so the queue moves on.

When the database cannot be opened (``--db`` names a text file, say), the
process at the head of the queue may remove the lock files it created
(``LockTurn.remove_created_files``). It does so under the ``.tail`` lock and
only when no other ticket is queued, and a process that opened ``.tail``
before it was removed notices the changed inode and starts over.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from docflow.errors import StoreError

__all__ = ["DatabaseLock", "LockTurn"]

log = logging.getLogger(__name__)

_TAIL = ".tail"
#: Maximum attempts to open ``.tail`` while other processes remove the queue
#: folder. Each removal needs a process that failed to open the database, so
#: losing this many races in a row means something else deletes the files.
_TAIL_ATTEMPTS = 20


@dataclass
class _Ticket:
    """A place in the queue: its number, its file and the descriptor locking it."""

    number: int
    path: Path
    fd: int
    # False once the ticket file is removed, so that leaving the queue does
    # not remove another process's ticket of the same number.
    on_disk: bool = True


@dataclass
class LockTurn:
    """A turn on the lock that ``DatabaseLock.hold`` yields to its block."""

    lock: DatabaseLock
    ticket: _Ticket
    fd: int  # the descriptor with the flock on ``<database>.lock``

    def remove_created_files(self) -> None:
        """Remove the lock file and queue folder that this lock created.

        A caller that could not open the database calls this, so that docflow
        leaves no files beside a file it cannot use. Files another
        ``DatabaseLock`` created stay, and so does everything while another
        ticket is queued or another program has an flock on ``<database>.lock``.
        """
        lock = self.lock
        if not lock.created:
            return
        try:
            tail = os.open(lock.queue / _TAIL, os.O_RDWR | os.O_CLOEXEC)
        except OSError:
            return  # no queue to clean up
        try:
            fcntl.flock(tail, fcntl.LOCK_EX)  # no process can enqueue meanwhile
            if lock._tickets() != [self.ticket.number]:
                return  # another process or thread waits for its turn
            if lock.path in lock.created and _lock_now(self.fd, fcntl.LOCK_EX):
                _remove(lock.path)
            if lock.queue in lock.created:
                _remove(self.ticket.path)
                self.ticket.on_disk = False
                _remove(lock.queue / _TAIL)
                with contextlib.suppress(OSError):
                    lock.queue.rmdir()
            lock.created.clear()
        finally:
            os.close(tail)


class DatabaseLock:
    """Queue lock on ``<database>.lock``, taken for one transaction at a time."""

    def __init__(
        self, database: Path, *, notice_seconds: float = 5.0, timeout: float = 600.0
    ) -> None:
        self.path = database.with_name(database.name + ".lock")
        self.queue = database.with_name(database.name + ".lock.d")
        self.notice_seconds = notice_seconds
        self.timeout = timeout
        # Numbers of the tickets of this object's ``hold`` blocks now running.
        self._held: set[int] = set()
        # The lock file and queue folder, once this object has created them.
        self.created: set[Path] = set()

    @contextlib.contextmanager
    def hold(self, *, exclusive: bool) -> Iterator[LockTurn]:
        """Wait for this process's turn, then hold the lock for the block."""
        ticket = self._enqueue()
        self._held.add(ticket.number)
        try:
            deadline = time.monotonic() + self.timeout
            self._wait_for_turn(ticket, deadline)
            fd = self._open_created(self.path, os.O_RDWR)
            try:
                operation = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
                self._lock_before(fd, operation, deadline)
                yield LockTurn(self, ticket, fd)
            finally:
                os.close(fd)  # closing the descriptor releases its flock
        finally:
            self._held.discard(ticket.number)
            _leave(ticket)

    def has_waiters(self) -> bool:
        """Return True when another process waits in the queue behind this one.

        Only a ``hold`` block of this object counts as this one. A later
        ticket whose lock is free belongs to a process that died, so it is no
        waiter.
        """
        held = self._held.copy()
        if not held:
            return False
        mine = min(held)
        try:
            later = [n for n in self._tickets() if n > mine and n not in held]
        except OSError:  # the folder was removed: no queue to wait in
            return False
        return any(_is_locked(self.queue / f"{number:012d}") for number in later)

    def _open_created(self, path: Path, flags: int) -> int:
        """Open ``path``, creating it if needed and noting in ``created`` if so."""
        try:
            fd = _open_file(path, flags | os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            return _open_file(path, flags | os.O_CREAT)  # as it was, if a symlink
        self.created.add(path)
        return fd

    def _make_queue(self) -> None:
        try:
            self.queue.mkdir()
        except FileExistsError:
            return
        except OSError as exc:
            raise StoreError(
                f"cannot create the lock folder {str(self.queue)!r}: "
                f"{exc.strerror or exc}; check that the database folder is writable"
            ) from exc
        self.created.add(self.queue)

    def _open_tail(self) -> int:
        """Open and lock ``.tail``, starting over when another process removed it.

        ``remove_created_files`` may remove the queue between this process's
        mkdir and its flock. The flock then succeeds on a file no longer in
        the folder, which the inode comparison catches.
        """
        path = self.queue / _TAIL
        for _ in range(_TAIL_ATTEMPTS):
            self._make_queue()
            try:
                tail = self._open_created(path, os.O_RDWR)
            except FileNotFoundError:
                continue  # the folder was removed after the mkdir
            fcntl.flock(tail, fcntl.LOCK_EX)  # held for a few system calls only
            if _same_file(tail, path):
                return tail
            os.close(tail)
        raise StoreError(
            f"cannot open the lock file {str(path)!r}: its folder was removed "
            f"{_TAIL_ATTEMPTS} times in a row; check that no other program "
            "deletes files beside the database"
        )

    def _enqueue(self) -> _Ticket:
        tail = self._open_tail()
        try:
            number = int(os.pread(tail, 32, 0).strip() or 0)
            while True:
                number += 1
                path = self.queue / f"{number:012d}"
                try:
                    fd = _open_file(path, os.O_RDWR | os.O_CREAT | os.O_EXCL)
                except FileExistsError:
                    continue  # a ticket left from before .tail was reset
                break
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
                os.ftruncate(tail, 0)
                os.pwrite(tail, str(number).encode(), 0)
            except OSError as exc:  # a full disk or quota
                _leave(_Ticket(number, path, fd))
                raise StoreError(
                    f"cannot write the lock file {str(path)!r}: "
                    f"{exc.strerror or exc}; make room in the database folder "
                    "(free disk space, or raise the quota) and run the same "
                    "command again"
                ) from exc
        finally:
            os.close(tail)
        return _Ticket(number, path, fd)

    def _wait_for_turn(self, ticket: _Ticket, deadline: float) -> None:
        notice = _Notice(self, time.monotonic() + self.notice_seconds)
        while (earlier := self._predecessor(ticket.number)) is not None:
            try:
                fd = _open_file(earlier, os.O_RDONLY)
            except FileNotFoundError:
                continue  # it finished between the listing and the open
            try:
                if not _flock_until(fd, fcntl.LOCK_SH, deadline, notice):
                    raise self._timeout_error()
                if _same_file(fd, earlier):
                    # Its lock came free but the ticket is still there: the
                    # process died, so the ticket is removed for it.
                    with contextlib.suppress(FileNotFoundError):
                        earlier.unlink()
            finally:
                os.close(fd)

    def _lock_before(self, fd: int, operation: int, deadline: float) -> None:
        notice = _Notice(self, time.monotonic() + self.notice_seconds)
        if not _flock_until(fd, operation, deadline, notice):
            raise self._timeout_error()

    def _tickets(self) -> list[int]:
        return sorted(int(name) for name in os.listdir(self.queue) if name.isdigit())

    def _predecessor(self, number: int) -> Path | None:
        earlier = [n for n in self._tickets() if n < number]
        return self.queue / f"{earlier[-1]:012d}" if earlier else None

    def describe_holder(self) -> str:
        """Return who has the lock now, as far as the ticket files show."""
        tickets = self._tickets()
        if not tickets:
            return "another program"
        try:
            first = self.queue / f"{tickets[0]:012d}"
            holder = first.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            holder = ""
        waiting = len(tickets) - 1
        return f"{holder or 'another process'} ({waiting} processes in the queue)"

    def _timeout_error(self) -> StoreError:
        return StoreError(
            f"{str(self.path)!r} is still locked by {self.describe_holder()} "
            f"after {self.timeout:g} s; wait for that command to finish, "
            "or raise store.lock_timeout"
        )


def _open_file(path: Path, flags: int) -> int:
    try:
        return os.open(path, flags | os.O_CLOEXEC, 0o666)
    except (FileNotFoundError, FileExistsError):
        raise
    except OSError as exc:
        raise StoreError(
            f"cannot open the lock file {str(path)!r}: {exc.strerror or exc}; "
            "check that the database folder is writable"
        ) from exc


def _leave(ticket: _Ticket) -> None:
    # Remove the ticket before unlocking it, so the next process can tell
    # a finished turn (file gone) from a dead process (file still there).
    if ticket.on_disk:
        with contextlib.suppress(FileNotFoundError):
            ticket.path.unlink()
    os.close(ticket.fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _lock_now(fd: int, operation: int) -> bool:
    """Take an flock on ``fd`` without waiting; return False if another blocks it.

    Converting a held flock is not atomic (flock(2)), so after False this
    descriptor may have lost the lock it had.
    """
    try:
        fcntl.flock(fd, operation | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _is_locked(path: Path) -> bool:
    """Return True when a process holds the flock of the ticket at ``path``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False  # it finished between the listing and the open
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing the descriptor releases a lock it took
    return False


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (opened.st_dev, opened.st_ino)


@dataclass
class _Notice:
    """One-time warning that a process waits for the lock, due at ``at``.

    ``at`` is in ``time.monotonic()`` seconds.
    """

    lock: DatabaseLock
    at: float
    logged: bool = False

    def log(self) -> None:
        if not self.logged:
            self.logged = True
            log.warning(
                "waiting for the database lock %s, held by %s",
                self.lock.path,
                self.lock.describe_holder(),
            )


def _flock_until(fd: int, operation: int, deadline: float, notice: _Notice) -> bool:
    """Take an flock on ``fd``, waiting until ``deadline`` at most.

    Returns False when the deadline passed. The blocking flock runs in a
    thread so this one can log the notice and stop waiting. A thread that
    wins the lock after its caller stopped waiting unlocks it again at once.
    """
    try:
        fcntl.flock(fd, operation | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass
    waiter_fd = os.dup(fd)  # shares the open file, and so the lock, with fd
    acquired = threading.Event()
    abandoned = threading.Event()
    errors: list[OSError] = []

    def wait_for_lock() -> None:
        try:
            fcntl.flock(waiter_fd, operation)
        except OSError as exc:
            errors.append(exc)
        acquired.set()
        if abandoned.is_set():
            with contextlib.suppress(OSError):
                fcntl.flock(waiter_fd, fcntl.LOCK_UN)
        os.close(waiter_fd)

    threading.Thread(target=wait_for_lock, name="docflow-db-lock", daemon=True).start()
    if not acquired.wait(max(0.0, min(deadline, notice.at) - time.monotonic())):
        notice.log()
    if not acquired.wait(max(0.0, deadline - time.monotonic())):
        abandoned.set()
        if not acquired.is_set():
            return False
    if errors:
        raise StoreError(f"cannot lock the database: {errors[0]}")
    return True
