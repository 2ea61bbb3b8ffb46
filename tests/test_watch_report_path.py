"""docflow report and docflow label given the inbox path of a watched file.

The daemon stores a result under the path it moved the file to. A file is
claimed and routed by a daemon built on real folders and a real DuckDB
database, as in test_watch_put_back, and then looked up by its inbox path.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from docflow.core.store import Store
from docflow.errors import ResultNotFound
from docflow.watch.daemon import WatchDaemon
from processes import docflow_env, run_console_script
from test_watch_put_back import TEXT, admit, make_daemon, route_read


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[WatchDaemon]:
    watch_daemon = make_daemon(tmp_path)
    yield watch_daemon
    watch_daemon.state.release()


def test_report_inbox_path_finds_result(daemon: WatchDaemon, tmp_path: Path) -> None:
    """docflow report takes the path the file had in the inbox."""
    inbox_path = daemon.inboxes[0] / "minutes.txt"
    inbox_path.write_text(TEXT)
    pending, _ = admit(daemon, inbox_path)
    destination = route_read(daemon, pending, review=False)
    daemon.state.release()

    stored = Store(daemon.state.database).document(str(inbox_path))
    assert stored.result.path == str(destination)

    database = str(daemon.state.database)
    shown = run_console_script(
        tmp_path,
        *("report", str(inbox_path), "--db", database, "-f", "json"),
        env=docflow_env(tmp_path),
    )
    assert shown.returncode == 0, shown.stderr.decode()
    assert json.loads(shown.stdout)["path"] == str(destination)


def test_newer_file_same_name_no_result(daemon: WatchDaemon) -> None:
    """A later file of that name, still waiting, names no result."""
    inbox_path = daemon.inboxes[0] / "scan.txt"
    inbox_path.write_text(TEXT)
    pending, _ = admit(daemon, inbox_path)
    route_read(daemon, pending, review=False)
    inbox_path.write_text("Another document under the same name.\n")
    admit(daemon, inbox_path)
    daemon.state.release()

    with pytest.raises(ResultNotFound, match="has no stored result yet"):
        Store(daemon.state.database).document(str(inbox_path))
