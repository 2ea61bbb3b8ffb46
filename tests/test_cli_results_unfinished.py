"""Tests of the note docflow results prints about runs that did not finish.

Runs are recorded in a real DuckDB file through the Store API. A run this
test process records counts as still running, because the process is alive.
A run a child process records counts as interrupted once the child exits.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docflow.cli.main import app
from docflow.core.models import DocumentResult
from docflow.core.store import ResultWriter, Store

#: A runs table record of ``docflow classify docs``. The command stores the
#: absolute path of ``docs``, and the note prints the path as stored.
ARGS = {"paths": ["docs"], "options": {}, "reuse": True, "inputs": "digest"}

START_RUN = textwrap.dedent(
    """
    import json, sys
    from docflow.core.store import Store

    Store(sys.argv[1]).start_run("classify", json.loads(sys.argv[2]), 40)
    """
)


@pytest.fixture
def database(isolated_cwd: Path) -> Path:
    path = isolated_cwd / "t.duckdb"
    with ResultWriter(Store(path), fingerprint="fp") as writer:
        writer.add(
            DocumentResult(path=str(isolated_cwd / "a.txt"), status="ok", pages=1)
        )
    return path


def start_run_in_child(database: Path, args: dict) -> None:
    """Record a run from a process that then exits, as a killed run leaves it."""
    import json

    subprocess.run(
        [sys.executable, "-c", START_RUN, str(database), json.dumps(args)],
        check=True,
        timeout=120,
    )


def results(*args: str):
    return CliRunner().invoke(app, ["results", "--db", "t.duckdb", *args])


def test_empty_results_name_interrupted_run(database):
    start_run_in_child(database, ARGS)
    outcome = results("--status", "corrupt")
    assert outcome.exit_code == 0, outcome.stderr
    assert "no stored results match" in outcome.stderr
    assert "run 1 (docflow classify docs, started " in outcome.stderr
    assert "it was interrupted or killed after 0 of 40 documents" in outcome.stderr
    assert "Run the same command with the same options again" in outcome.stderr


def test_unfinished_run_note_cuts_long_path(database):
    long_path = "/data/" + "a" * 400 + "/docs"
    start_run_in_child(database, {**ARGS, "paths": [long_path]})
    outcome = results("--status", "corrupt")
    assert outcome.exit_code == 0, outcome.stderr
    assert f"run 1 (docflow classify '/data/{'a' * 144}…{'a' * 145}/docs' " in (
        outcome.stderr
    )
    assert "/docs' (411 characters), started " in outcome.stderr
    assert long_path not in outcome.stderr


def test_results_name_running_run_always(database):
    Store(database).start_run("classify", ARGS, 40)  # this process is alive
    outcome = results()
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout != ""
    assert "run 1 (docflow classify docs, started " in outcome.stderr
    assert "is still running" in outcome.stderr


def test_matching_results_skip_interrupted_run(database):
    start_run_in_child(database, ARGS)
    listed = results()
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout != ""
    assert "run 1" not in listed.stderr
    empty = results("--status", "corrupt")
    assert "run 1 (docflow classify docs" in empty.stderr


def test_finished_rerun_ends_the_note(database):
    start_run_in_child(database, ARGS)
    before = results("--status", "corrupt")
    assert "run 1 (docflow classify docs" in before.stderr
    store = Store(database)
    rerun = store.start_run("classify", ARGS, 40)
    store.finish_run(rerun, status="finished", done=40, cache_hits=0, status_counts={})
    after = results("--status", "corrupt")
    assert "no stored results match" in after.stderr
    assert "run 1" not in after.stderr


def test_other_arguments_keep_the_note(database):
    start_run_in_child(database, {**ARGS, "reuse": False})
    store = Store(database)
    other = store.start_run("classify", ARGS, 40)
    store.finish_run(other, status="finished", done=40, cache_hits=0, status_counts={})
    outcome = results("--status", "corrupt")
    assert "run 1 (docflow --no-cache classify docs, started " in outcome.stderr


def test_quiet_results_print_no_note(database):
    start_run_in_child(database, ARGS)
    assert "run 1 (docflow classify docs" in results("--status", "corrupt").stderr
    outcome = results("--status", "corrupt", "-q")
    assert outcome.stderr == ""
