"""Inbox events of a real inotify observer, applied to the watch daemon's queue.

A real watchdog observer watches an inbox under tmp_path while the test
writes, closes and moves real files and folders. Each event is applied with
the daemon's own handler on the test's thread, so the test can wait for a
given event and then check which files the daemon is waiting for. Nothing is
processed, so these tests need no classifier model.
"""

from __future__ import annotations

import asyncio
import os
import queue
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from docflow.core.config import load_settings
from docflow.watch.daemon import WatchDaemon
from docflow.watch.observe import start_observer
from docflow.watch.processor import InProcessProcessor

Event = tuple[str, str, str]


class InboxEvents:
    """A daemon for ``inbox`` and the events a real observer reports on it."""

    def __init__(self, root: Path) -> None:
        self.inbox = root / "inbox"
        self.inbox.mkdir()
        (root / "db").mkdir()
        settings = load_settings(
            {
                "store": {
                    "database": str(root / "db" / "docflow.duckdb"),
                    "cache_dir": str(root / "db" / "cache"),
                },
                "watch": {"status_seconds": 0},
            },
            environ={},
        )
        self.daemon = WatchDaemon(
            settings,
            InProcessProcessor(settings),
            inboxes=[self.inbox],
            output_dir=root / "out",
        )
        self.daemon._wakeup = asyncio.Event()  # made by run(), which is not called
        self.queue: queue.Queue[Event] = queue.Queue()
        self.observer = start_observer(
            [self.inbox],
            recursive=True,
            poll_seconds=0,
            on_event=lambda *event: self.queue.put(event),
        )

    def apply_until(self, expected: Event, timeout: float = 5.0) -> None:
        """Apply events to the daemon until ``expected`` has been applied."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                event = self.queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(
                    f"timed out after {timeout:g} s waiting for event {expected}"
                ) from None
            self.daemon._on_event(*event)
            if event == expected:
                return

    def waiting(self) -> set[str]:
        """Return the names below the inbox of the files the daemon waits for."""
        return {
            os.path.relpath(path, self.inbox) for path in self.daemon.tracker.pending()
        }

    def recorded(self) -> dict[str, str]:
        """Record the noticed files as the main loop does and return their states."""
        asyncio.run(self.daemon._record_noticed())
        with self.daemon.state.session(write=False) as session:
            rows = session.rows_in(["seen", "removed"])
        return {os.path.relpath(row.path, self.inbox): row.state for row in rows}

    def close(self) -> None:
        self.observer.stop()
        self.observer.join(5.0)
        self.daemon.state.release()


@pytest.fixture
def events(tmp_path: Path) -> Iterator[InboxEvents]:
    inbox_events = InboxEvents(tmp_path)
    yield inbox_events
    inbox_events.close()


def test_folder_moved_in_keeps_waiting_files(
    events: InboxEvents, tmp_path: Path
) -> None:
    """A folder moved in from outside the inbox leaves the waiting files queued."""
    staging = tmp_path / "staging" / "batch"
    (staging / "deeper").mkdir(parents=True)
    (staging / "a.txt").write_text("first")
    (staging / "deeper" / "b.txt").write_text("second")
    writing = events.inbox / "writing.txt"
    settling = events.inbox / "settling.txt"
    with open(writing, "w") as handle:
        handle.write("still being written")
        handle.flush()
        settling.write_text("closed just now")
        events.apply_until(("closed", str(settling), ""))

        os.rename(staging, events.inbox / "batch")
        events.apply_until(("dir_moved", "", str(events.inbox / "batch")))

        assert events.daemon.counts["removed"] == 0
        assert events.waiting() == {
            "writing.txt",
            "settling.txt",
            "batch/a.txt",
            "batch/deeper/b.txt",
        }
        assert events.recorded() == {
            "writing.txt": "seen",
            "settling.txt": "seen",
            "batch/a.txt": "seen",
            "batch/deeper/b.txt": "seen",
        }
