"""docflow watch --status: its options, its messages and the daemon it reports.

Real ``docflow watch`` processes and databases, as in test_watch_daemon.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docflow.cli.main import app
from docflow.cli.watch import _format_status
from docflow.watch.lockfile import DaemonState
from docflow.watch.state import WatchStatus
from test_watch_daemon import WatchSetup, model_available, wait_for


def environment() -> dict[str, str]:
    """Return this process's environment without a DOCFLOW_CONFIG or DOCFLOW_DB."""
    env = dict(os.environ)
    env.pop("DOCFLOW_CONFIG", None)
    env.pop("DOCFLOW_DB", None)
    return env


def run_status(setup: WatchSetup, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        setup.command("--status", *args),
        cwd=setup.root,
        capture_output=True,
        text=True,
        env=setup.environment(),
        timeout=60,
    )


def test_status_help_ties_format_to_status() -> None:
    outcome = CliRunner().invoke(app, ["watch", "--help"])
    assert outcome.exit_code == 0
    text = " ".join(outcome.output.split())
    described = text.split("-f, --format FORMAT", 1)[1].split(" -v, ", 1)[0]
    assert "--status" in described


def run_docflow(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m docflow ARGS`` in ``folder`` with ``environment()``."""
    return subprocess.run(
        [sys.executable, "-m", "docflow", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
    )


def test_status_missing_named_database(tmp_path: Path) -> None:
    missing = tmp_path / "missing.duckdb"
    completed = run_docflow(tmp_path, "--db", str(missing), "watch", "--status")
    assert completed.returncode == 5, completed.stderr
    assert "docflow watch" in completed.stderr
    assert "docflow process" not in completed.stderr
    assert not missing.exists()


def test_status_missing_default_database(tmp_path: Path) -> None:
    completed = run_docflow(tmp_path, "watch", "--status", "-f", "json")
    assert completed.returncode == 0, completed.stderr
    assert "run docflow watch INBOX here first" in completed.stderr
    assert "docflow process" not in completed.stderr


@pytest.mark.skipif(not model_available(), reason="no classifier model is installed")
def test_status_tells_whether_daemon_runs(tmp_path: Path) -> None:
    setup = WatchSetup(tmp_path)
    try:
        process = setup.start()
        completed = run_status(setup, "-f", "json")
        assert completed.returncode == 0, completed.stderr
        running = json.loads(completed.stdout)["daemon"]
        assert running == {"running": True, "pid": process.pid}
        setup.kill()  # SIGKILL: the lock file stays, with the pid in it
    finally:
        setup.kill()
    wait_for(lambda: process.poll() is not None)
    completed = run_status(setup, "-f", "json")
    assert completed.returncode == 0, completed.stderr
    stopped = json.loads(completed.stdout)["daemon"]
    assert stopped == {"running": False, "pid": None}


def test_status_table_names_files_left() -> None:
    status = WatchStatus(
        {"done": 2, "processing": 5},
        {"review": 2},
        ["/inbox/a.pdf"],
        daemon=DaemonState(running=False),
    )
    text = _format_status(status)
    assert text.splitlines()[0] == "daemon: not running"
    assert "5 files were left in processing" in text
    running = WatchStatus({}, {}, [], daemon=DaemonState(running=True, pid=42))
    assert _format_status(running).splitlines()[0] == "daemon: running (pid 42)"
