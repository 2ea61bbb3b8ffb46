"""The daemon lock: one ``docflow watch`` per database, and whether one runs.

The daemon holds an exclusive ``flock`` on ``<database>.watch.lock`` for its
whole run and writes its pid into the file. The kernel releases the lock when
the process ends, also after ``kill -9``, so a lock that can be taken means
that no daemon runs, whatever pid the file still contains.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from docflow.errors import UsageError

__all__ = ["DaemonState", "daemon_lock_path", "hold_daemon_lock", "probe_daemon"]

# Attempts at taking the lock, 50 ms apart. ``probe_daemon`` holds a shared lock
# for a few microseconds, which must not make a starting daemon fail.
_LOCK_TRIES = 5
_LOCK_RETRY_SECONDS = 0.05


@dataclass(frozen=True)
class DaemonState:
    """Whether a daemon holds the lock of a database, and its pid.

    ``running`` is None when the lock file cannot be opened, with the reason
    in ``error``.
    """

    running: bool | None
    pid: int | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, bool | int | str | None]:
        return {"running": self.running, "pid": self.pid}


def daemon_lock_path(database: Path) -> Path:
    """Return the lock file of the daemon that uses ``database``."""
    return database.with_name(database.name + ".watch.lock")


@contextlib.contextmanager
def hold_daemon_lock(database: Path, origin: str | None = None) -> Iterator[None]:
    """Hold the daemon lock of ``database`` and record this process's pid in it.

    Raises UsageError, naming the pid, when another daemon has it, and
    StoreError when the folder of a database set at ``origin`` (as
    ``database_origin`` returns it) does not exist.
    """
    from docflow.core.store import prepare_database_folder

    prepare_database_folder(database, origin)
    path = daemon_lock_path(database)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        if not _take_lock(descriptor):
            holder = os.pread(descriptor, 64, 0).decode(errors="replace").strip()
            raise UsageError(
                f"another docflow watch ({holder or 'unknown pid'}) is using the "
                f"database {str(database)!r}; stop it first or give "
                "this one another --db"
            )
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"pid {os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)


def _take_lock(descriptor: int) -> bool:
    for attempt in range(_LOCK_TRIES):
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if attempt + 1 < _LOCK_TRIES:
                time.sleep(_LOCK_RETRY_SECONDS)
            continue
        return True
    return False


def probe_daemon(database: Path) -> DaemonState:
    """Tell whether a daemon runs on ``database``, without creating any file."""
    path = daemon_lock_path(database)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return DaemonState(running=False)  # no daemon ever ran on it
    except OSError as exc:
        return DaemonState(running=None, error=f"{path}: {exc.strerror or exc}")
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return DaemonState(running=True, pid=_recorded_pid(descriptor))
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return DaemonState(running=False)
    finally:
        os.close(descriptor)


def _recorded_pid(descriptor: int) -> int | None:
    """Return the pid the daemon wrote into its lock file ("pid 1234")."""
    text = os.pread(descriptor, 64, 0).decode(errors="replace")
    number = text.strip().removeprefix("pid ").strip()
    return int(number) if number.isdigit() else None
