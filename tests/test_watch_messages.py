"""Messages of docflow watch about a failed move and an inbox that is no folder.

The daemon is built on real folders and a real DuckDB database but not run.
Its Finisher moves a real file, and the folder checks run when it is built.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from docflow.core.config import Settings, load_settings
from docflow.errors import UsageError
from docflow.watch.daemon import WatchDaemon
from docflow.watch.finisher import Outcome
from docflow.watch.processor import InProcessProcessor
from docflow.watch.results import store_saver
from test_watch_recovery import claim


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "db").mkdir()
    return load_settings(
        {
            "store": {
                "database": str(tmp_path / "db" / "docflow.duckdb"),
                "cache_dir": str(tmp_path / "db" / "cache"),
            }
        },
        environ={},
    )


def make_daemon(
    settings: Settings, tmp_path: Path, inbox: Path, *, once: bool
) -> WatchDaemon:
    return WatchDaemon(
        settings,
        InProcessProcessor(settings),
        inboxes=[inbox],
        output_dir=tmp_path / "out",
        once=once,
        save_results=store_saver(settings),
    )


@pytest.mark.parametrize(
    ("once", "expected"),
    [
        (
            True,
            "the file stays in the inbox, and the next run of docflow watch "
            "tries again",
        ),
        (False, "the file stays in the inbox, next attempt in 1 s"),
    ],
)
def test_failed_move_says_when_retried(
    settings: Settings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    once: bool,
    expected: str,
) -> None:
    """--once does not retry a failed move, so it does not promise a retry."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    empty_file = inbox / "scan.pdf"
    empty_file.write_bytes(b"")
    blocker = tmp_path / "out" / "quarantine"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("a file where the folder should be\n")
    daemon = make_daemon(settings, tmp_path, inbox, once=once)
    pending, result = claim(daemon.finisher, empty_file)

    with caplog.at_level(logging.ERROR, logger="docflow.watch.finisher"):
        outcomes = daemon.finisher.route_results([(pending, result)])
    daemon.state.release()

    assert outcomes == [(pending, Outcome.RETRY)]
    [record] = [r for r in caplog.records if r.name == "docflow.watch.finisher"]
    assert record.getMessage().endswith(expected)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("file.txt", "is a file, not a folder; give the folder to watch"),
        ("absent", "does not exist; create it first"),
    ],
)
def test_inbox_not_folder_message(
    settings: Settings,
    tmp_path: Path,
    name: str,
    expected: str,
) -> None:
    path = tmp_path / name
    if name == "file.txt":
        path.write_text("a file given as the inbox\n")
    with pytest.raises(UsageError) as caught:
        make_daemon(settings, tmp_path, path, once=True)
    assert str(caught.value) == f"inbox {str(path)!r} {expected}"
