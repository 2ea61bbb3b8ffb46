"""Decide when a file in an inbox is complete enough to read.

A file is ready when no writer is still adding to it:

- moved (renamed) into the inbox: ready at once, because a rename publishes a
  finished file. When a writer goes on writing after the rename, the file
  reads as damaged, so the daemon delays a failed result of a file modified
  less than ``stable_seconds`` ago until the file is quiet;
- closed after writing (inotify ``IN_CLOSE_WRITE``) for the first time: ready
  once it has stayed closed for ``settle_seconds``;
- written again after a close (a writer that closes and reopens in append
  mode): ready only after ``stable_seconds`` without any change since the
  last close;
- seen without events (a rescan at start, polling mode, a hard link): ready
  when its size and modification time have not changed for
  ``stable_seconds``. In inotify mode a file whose modification time is
  already ``stable_seconds`` old when first seen is ready at once.

With ``wait_unchanged`` above 0 (``watch.wait_unchanged_seconds``), a file
closed after writing or moved in also waits until its size and modification
time have been unchanged for ``wait_unchanged`` seconds, as in polling mode.
This waits out a writer that closes and reopens the file with pauses longer
than ``settle_seconds``.

Any event or observed change on a file restarts its wait. The tracker holds
no clock of its own: callers pass ``now`` (monotonic seconds) and a stat
function, so the rules are tested without sleeping.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["FileSnapshot", "ReadinessTracker", "snapshot_of"]


class FileSnapshot(NamedTuple):
    """Identity and size of a file at one moment, from ``lstat``."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    regular: bool


def snapshot_of(path: str) -> FileSnapshot | None:
    """Return the ``lstat`` snapshot of ``path``, or None when it is gone."""
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return FileSnapshot(
        info.st_dev,
        info.st_ino,
        info.st_size,
        info.st_mtime_ns,
        stat.S_ISREG(info.st_mode),
    )


@dataclass
class _Entry:
    path: str
    changed_at: float
    snapshot: FileSnapshot | None = None
    writing: bool = False
    closes: int = 0
    closed_at: float | None = None
    moved_in: bool = False
    rewritten: bool = False


@dataclass
class ReadinessTracker:
    """Pending files of the inboxes and the rule that makes each one ready.

    ``events`` is False in polling mode, where only observed stability counts.
    """

    stable_seconds: float
    settle_seconds: float
    events: bool = True
    wall_clock: Callable[[], float] = field(default=lambda: 0.0)
    wait_unchanged: float = 0.0
    _entries: dict[str, _Entry] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, path: object) -> bool:
        return path in self._entries

    def note_created(self, path: str, now: float) -> None:
        """Record a file that appeared without a rename (created, hard-linked)."""
        self._touch(path, now)

    def note_modified(self, path: str, now: float) -> None:
        """Record a write: the file is being written until its next close."""
        entry = self._touch(path, now)
        if entry.closes:
            entry.rewritten = True
        entry.writing = True

    def note_closed(self, path: str, now: float) -> None:
        """Record a close after writing."""
        entry = self._touch(path, now)
        entry.writing = False
        entry.closes += 1
        entry.closed_at = now
        if entry.closes > 1:
            entry.rewritten = True

    def note_moved_in(self, path: str, now: float) -> None:
        """Record a file renamed into the inbox."""
        entry = self._touch(path, now)
        entry.moved_in = True
        entry.writing = False

    def note_found(self, path: str, now: float) -> None:
        """Record a file found by a scan; an already pending file is left as is."""
        if path not in self._entries:
            self._entries[path] = _Entry(path, changed_at=now)

    def note_changed_during_read(self, path: str, now: float) -> None:
        """Put back a file that changed while it was read; it now needs quiet time."""
        entry = self._touch(path, now)
        entry.rewritten = True
        entry.moved_in = False

    def forget(self, path: str) -> None:
        """Stop tracking ``path`` (deleted, renamed away or taken for processing)."""
        self._entries.pop(path, None)

    def pending(self) -> list[str]:
        """Return the paths still waiting, in the order they were first seen."""
        return list(self._entries)

    def take_ready(
        self, now: float, stat_file: Callable[[str], FileSnapshot | None] = snapshot_of
    ) -> tuple[list[str], list[str], float | None]:
        """Remove and return ready files, vanished files and the next deadline.

        The deadline is the earliest monotonic time at which a waiting file
        could become ready, or None when nothing waits on time.
        """
        ready: list[str] = []
        vanished: list[str] = []
        deadline: float | None = None
        for path, entry in list(self._entries.items()):
            current = stat_file(path)
            if current is None:
                vanished.append(path)
                del self._entries[path]
                continue
            due = self._ready_at(entry, current, now)
            if due is None:
                continue
            if due <= now:
                ready.append(path)
                del self._entries[path]
            elif deadline is None or due < deadline:
                deadline = due
        return ready, vanished, deadline

    def _touch(self, path: str, now: float) -> _Entry:
        entry = self._entries.get(path)
        if entry is None:
            entry = self._entries[path] = _Entry(path, changed_at=now)
        entry.changed_at = now
        return entry

    def _ready_at(
        self, entry: _Entry, current: FileSnapshot, now: float
    ) -> float | None:
        """Return when ``entry`` becomes ready, or None while a writer has it open."""
        if current != entry.snapshot:
            first_look = entry.snapshot is None
            entry.snapshot = current
            if not first_look:
                entry.changed_at = now
        if not current.regular:
            return now  # the daemon quarantines special files without reading them
        if not self.events:
            return _unchanged_for(entry, self.stable_seconds)
        if entry.writing:
            return None  # inotify reports the close; until then a writer is active
        due = self._ready_after_events(entry, current, now)
        if self.wait_unchanged and (entry.closes or entry.moved_in):
            due = max(due, _unchanged_for(entry, self.wait_unchanged))
        return due

    def _ready_after_events(
        self, entry: _Entry, current: FileSnapshot, now: float
    ) -> float:
        if entry.rewritten:
            quiet_since = max(entry.changed_at, entry.closed_at or 0.0)
            return quiet_since + self.stable_seconds
        if entry.moved_in:
            return entry.changed_at
        if entry.closes:
            return entry.changed_at + self.settle_seconds
        return self._ready_without_events(entry, current, now)

    def _ready_without_events(
        self, entry: _Entry, current: FileSnapshot, now: float
    ) -> float:
        age = self.wall_clock() - current.mtime_ns / 1e9
        if age >= self.stable_seconds:
            return now
        return entry.changed_at + self.stable_seconds


def _unchanged_for(entry: _Entry, seconds: float) -> float:
    """Return when ``entry`` has had no event and no stat change for ``seconds``."""
    return entry.changed_at + seconds
