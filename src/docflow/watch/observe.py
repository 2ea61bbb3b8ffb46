"""Watchdog observers for the inboxes, and the rule for which paths count.

The inotify observer runs with ``generate_full_events``, so a file renamed
into an inbox from elsewhere arrives as a move (``src_path == ""``) rather
than a creation. Its event filter drops open and read-only close events,
which the daemon's own reads would otherwise trigger. The polling observer
(``--poll``) serves network shares, where inotify receives no events for
remote changes.
Each event is handed to ``on_event(kind, path, destination)`` on the
observer's thread.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docflow.core.walking import walk

if TYPE_CHECKING:
    from watchdog.observers.api import BaseObserver

__all__ = ["InboxFilter", "start_observer"]

EventCallback = Callable[[str, str, str], None]


@dataclass(frozen=True)
class InboxFilter:
    """Filter for the files under the inboxes that the daemon takes.

    A file is skipped when any part of its path below the inbox matches an
    ignore pattern, or when it is in a subfolder and ``recursive`` is off.
    Also skipped are files under an excluded folder (the output folder and
    docflow's cache and server log folders, should they lie inside an
    inbox) and files whose path starts
    with an ``excluded_files`` prefix (the database and its lock files).
    """

    inboxes: tuple[Path, ...]
    ignore: tuple[str, ...]
    excluded: tuple[Path, ...]
    recursive: bool
    excluded_files: tuple[str, ...] = ()

    def inbox_of(self, path: str) -> Path | None:
        """Return the inbox that contains ``path`` and accepts it, or None."""
        candidate = Path(path)
        if self.excluded_files and path.startswith(self.excluded_files):
            return None  # the database and its .wal and .lock files
        for folder in self.excluded:
            if candidate == folder or candidate.is_relative_to(folder):
                return None
        for inbox in self.inboxes:
            if not candidate.is_relative_to(inbox) or candidate == inbox:
                continue
            parts = candidate.relative_to(inbox).parts
            if not self.recursive and len(parts) > 1:
                return None
            if any(self._ignored(part) for part in parts):
                return None
            return inbox
        return None

    def _ignored(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.ignore)

    def scan(self, root: Path | None = None) -> Iterator[str]:
        """Yield the accepted files under ``root`` (default: every inbox)."""
        for top in [root] if root is not None else self.inboxes:
            for folder, subfolders, files in walk(top):
                if not self.recursive and Path(folder) != top:
                    subfolders[:] = []
                    continue
                subfolders[:] = [
                    name
                    for name in subfolders
                    if self.inbox_of(os.path.join(folder, name, "x")) is not None
                ]
                for name in sorted(files):
                    path = os.path.join(folder, name)
                    if self.inbox_of(path) is not None:
                        yield path


def start_observer(
    inboxes: Sequence[Path],
    *,
    recursive: bool,
    poll_seconds: float,
    on_event: EventCallback,
) -> BaseObserver:
    """Start an observer that reports file events under ``inboxes``."""
    from watchdog.events import (
        DirMovedEvent,
        EventsLostEvent,
        FileClosedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
        FileSystemEventHandler,
    )

    class _Handler(FileSystemEventHandler):
        def on_any_event(self, event: Any) -> None:
            kind = _event_kind(event)
            if kind is not None:
                on_event(kind, _text(event.src_path), _text(event.dest_path))

    def _event_kind(event: Any) -> str | None:
        if event.event_type == "events_lost":
            return "lost"
        if isinstance(event, DirMovedEvent):
            return "dir_moved"
        if event.is_directory:
            return None
        kinds = {
            FileCreatedEvent: "created",
            FileModifiedEvent: "modified",
            FileClosedEvent: "closed",
            FileDeletedEvent: "deleted",
            FileMovedEvent: "moved",
        }
        return kinds.get(type(event))

    observer: BaseObserver
    if poll_seconds > 0:
        from watchdog.observers.polling import PollingObserver

        observer = PollingObserver(timeout=poll_seconds)
        event_filter = None
    else:
        from watchdog.observers.inotify import InotifyObserver

        observer = InotifyObserver(generate_full_events=True)
        event_filter = [
            FileCreatedEvent,
            FileModifiedEvent,
            FileClosedEvent,
            FileDeletedEvent,
            FileMovedEvent,
            DirMovedEvent,
            EventsLostEvent,
        ]
    handler = _Handler()
    for inbox in inboxes:
        observer.schedule(
            handler, str(inbox), recursive=recursive, event_filter=event_filter
        )
    observer.daemon = True
    observer.start()
    return observer


def _text(path: str | bytes) -> str:
    return os.fsdecode(path) if path else ""
