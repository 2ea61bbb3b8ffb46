"""Each failed document's error on stderr: one whole line, -q or not, replayed too.

The runs start real MCP servers on a broken PDF and a text file written here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from docflow.cli._process import _MAX_ERROR_LINES, error_lines

BROKEN = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    name = "a broken scan of the quarterly report, saved halfway through.pdf"
    (docs / name).write_bytes(BROKEN)
    (docs / "note.txt").write_text("Please call the supplier about the late order.\n")
    return docs


def docflow(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCFLOW_")}
    env["DOCFLOW_CONFIG"] = os.devnull
    env["DOCFLOW_WORKERS_COUNT"] = "1"
    env["COLUMNS"] = "80"
    return subprocess.run(
        [sys.executable, "-c", "from docflow.cli.launch import run; run()", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def failed_record(stdout: str) -> dict:
    records = [json.loads(line) for line in stdout.splitlines()]
    failed = [record for record in records if record["status"] != "ok"]
    assert len(failed) == 1, records
    return failed[0]


@pytest.mark.parametrize("quiet", [[], ["-q"]], ids=["default", "quiet"])
def test_error_line_on_stderr(tmp_path: Path, folder: Path, quiet: list[str]):
    done = docflow(
        tmp_path, *quiet, "classify", "--db", "e.duckdb", "-f", "jsonl", "docs"
    )
    assert done.returncode == 1
    record = failed_record(done.stdout)
    assert record["status"] == "corrupt"
    lines = done.stderr.splitlines()
    assert f"docflow: {record['error']}" in lines
    if quiet:
        assert lines == [f"docflow: {record['error']}"]


def test_replayed_run_prints_the_error_again(tmp_path: Path, folder: Path):
    args = ("classify", "--db", "e.duckdb", "-f", "csv", "docs")
    first = docflow(tmp_path, *args)  # the next run would reuse every result
    again = docflow(tmp_path, *args)
    assert "nothing changed since run 1" in again.stderr
    assert again.returncode == first.returncode == 1
    errors = [line for line in first.stderr.splitlines() if "damaged" in line]
    assert len(errors) == 1
    assert errors[0] in again.stderr.splitlines()


def test_table_error_stays_on_one_line(tmp_path: Path, folder: Path):
    done = docflow(tmp_path, "classify", "--db", "e.duckdb", "-f", "table", "docs")
    assert done.returncode == 1
    lines = [line for line in done.stdout.splitlines() if "quarterly report" in line]
    message = [line for line in lines if "damaged PDF" in line]
    assert len(message) == 1, done.stdout
    assert len(message[0]) > 80  # longer than the width, yet not wrapped
    assert message[0].endswith("can read")
    assert "damaged" not in done.stderr  # the table lists it already


def test_error_lines_capped():
    errors = [f"/d/{number}.pdf: file is empty (0 bytes)" for number in range(3)]
    session = SimpleNamespace(
        printer=SimpleNamespace(format="jsonl"), errors=errors, errors_left_out=7
    )
    lines = error_lines(session)
    assert lines[:3] == [f"docflow: {error}" for error in errors]
    assert lines[3].startswith("docflow: and 7 more errors;")
    assert _MAX_ERROR_LINES >= 100
    session.printer.format = "table"
    assert error_lines(session) == []
