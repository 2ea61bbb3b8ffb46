"""Cross-process lock around every use of the DuckDB file.

DuckDB lets one process open a database for writing and then no other
process, not even a reader. docflow therefore opens the database only for
short transactions, each under an ``flock`` on the sidecar file
``<database>.lock``: shared for reads, exclusive for writes. A waiting process
blocks in the kernel, logs which process has the lock after
``store.lock_notice_seconds`` and gives up with a StoreError after
``store.lock_timeout``. A writer keeps the lock for one batch of results, so
other processes get their turn between two batches.

NOTE: Linux wakes all flock waiters on release and does not promise FIFO
order among them, so with three or more processes waiting, one may be passed
over several times; none waits longer than store.lock_timeout.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from docflow.errors import StoreError

__all__ = ["DatabaseLock"]

log = logging.getLogger(__name__)


class DatabaseLock:
    """An ``flock`` on ``<database>.lock``, taken for one transaction at a time."""

    def __init__(
        self, database: Path, *, notice_seconds: float = 5.0, timeout: float = 600.0
    ) -> None:
        self.path = database.with_name(database.name + ".lock")
        self.notice_seconds = notice_seconds
        self.timeout = timeout

    @contextlib.contextmanager
    def hold(self, *, exclusive: bool) -> Iterator[None]:
        """Hold the lock (shared or exclusive) for the duration of the block."""
        fd = self._open()
        try:
            self._acquire(fd, exclusive)
        except BaseException:
            os.close(fd)
            raise
        try:
            if exclusive:
                _write_holder(fd)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError as exc:
            raise StoreError(
                f"cannot open the lock file {str(self.path)!r}: "
                f"{exc.strerror or exc}; check that its folder is writable"
            ) from exc

    def _acquire(self, fd: int, exclusive: bool) -> None:
        operation = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        try:
            fcntl.flock(fd, operation | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        self._wait(fd, operation)

    def _wait(self, fd: int, operation: int) -> None:
        # The blocking flock runs in a thread so this thread can log a notice
        # and give up. A waiter that gives up leaves the thread blocked on its
        # own descriptor, so it unlocks and closes a duplicate when it wins.
        waiter_fd = os.dup(fd)
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

        threading.Thread(
            target=wait_for_lock, name="docflow-db-lock", daemon=True
        ).start()
        started = time.monotonic()
        if not acquired.wait(self.notice_seconds):
            log.warning(
                "waiting for the database lock %s, held by %s",
                self.path,
                self._describe_holder(),
            )
        remaining = max(0.0, self.timeout - (time.monotonic() - started))
        if not acquired.wait(remaining):
            abandoned.set()
            if not acquired.is_set():
                raise StoreError(
                    f"{str(self.path)!r} is still locked by {self._describe_holder()} "
                    f"after {self.timeout:g} s; wait for that command to finish, "
                    "or raise store.lock_timeout"
                )
        if errors:
            raise StoreError(f"cannot lock {str(self.path)!r}: {errors[0]}")

    def _describe_holder(self) -> str:
        try:
            holder = self.path.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            holder = ""
        return holder or "another process"


def _write_holder(fd: int) -> None:
    # Only for the waiters' messages: the lock itself is the flock.
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}\n".encode(), 0)
