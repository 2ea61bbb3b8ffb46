"""Tests that an empty path argument, as an unset shell variable gives, is rejected.

``os.path.abspath("")`` is the current folder, so such an argument would
otherwise forget or process everything there. The database is a real DuckDB
file written by a real ``docflow process``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docflow.cli.main import app


def invoke(*args: str):
    return CliRunner().invoke(app, ["--db", "t.duckdb", *args])


@pytest.fixture
def stored(isolated_cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database with the result of docs/a.txt, processed with --no-ocr."""
    monkeypatch.setenv("DOCFLOW_STORE_CACHE_DIR", str(isolated_cwd / "cache"))
    (isolated_cwd / "docs").mkdir()
    (isolated_cwd / "docs" / "a.txt").write_text(
        "Dear Sir, this letter confirms our meeting.", encoding="utf-8"
    )
    outcome = invoke("process", "--no-ocr", "docs")
    assert outcome.exit_code == 0, outcome.stderr
    return isolated_cwd


def current_paths() -> list[str]:
    outcome = invoke("results", "-f", "jsonl")
    return [json.loads(line)["path"] for line in outcome.stdout.splitlines()]


@pytest.mark.parametrize(
    "args",
    [
        ("forget", ""),
        ("forget", "--missing", ""),
        ("process", "--no-ocr", ""),
        ("classify", "--no-ocr", "docs", ""),
        ("analyze", "--no-ocr", ""),
        ("report", ""),
        ("label", "", "invoice"),
        ("train", ""),
    ],
)
def test_empty_path_is_usage_error(stored, args):
    before = current_paths()
    outcome = invoke(*args)
    assert outcome.exit_code == 2, outcome.stderr
    assert "invalid empty" in outcome.stderr
    assert "''" in outcome.stderr
    assert current_paths() == before


def test_empty_path_message_names_position(stored):
    outcome = invoke("forget", "docs/a.txt", "")
    assert "PATH 2 of 2" in outcome.stderr
    assert outcome.exit_code == 2


def test_empty_path_stores_no_row(stored):
    invoke("process", "--no-ocr", "")
    assert str(stored) not in current_paths()
