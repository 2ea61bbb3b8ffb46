"""``classify`` prints no quality and ``analyze`` no classification, even when
they reuse a stored result of ``process`` that has both.

Every test runs the real command in a subprocess, with real MCP servers and a
real DuckDB file under ``tmp_path``.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import docflow_env  # noqa: E402

SHORT_LETTER = "Dear Ms Jansen,\n\nThank you for your letter.\n"
#: Thresholds that send the note to review for its category and its quality.
#: The note is a whole short text, so it is near-empty only under a raised
#: minimum length.
THRESHOLDS = {
    "DOCFLOW_CLASSIFICATION_REVIEW_THRESHOLD": "1",
    "DOCFLOW_QUALITY_REVIEW_THRESHOLD": "100",
    "DOCFLOW_QUALITY_MIN_DOCUMENT_CHARS": "5000",
}
#: Fields that differ between a run that processed the file and one in
#: another folder that reused its stored result.
RUN_FIELDS = ("path", "cached", "duration_ms")


def run_docflow(
    folder: Path, *args: str, thresholds: dict[str, str] = THRESHOLDS
) -> subprocess.CompletedProcess[bytes]:
    """Run ``docflow --db FOLDER/docflow.duckdb ARGS`` in ``folder``."""
    database = str(folder / "docflow.duckdb")
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from docflow.cli.main import run; run()",
            "--db",
            database,
            *args,
        ],
        cwd=folder,
        input=b"",
        capture_output=True,
        env=docflow_env(folder, COLUMNS="200", **thresholds),
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    return completed


def only_record(folder: Path, *args: str) -> dict:
    (line,) = run_docflow(folder, *args, "-f", "jsonl").stdout.decode().splitlines()
    return json.loads(line)


def without_run_fields(record: dict) -> dict:
    return {key: value for key, value in record.items() if key not in RUN_FIELDS}


@pytest.fixture
def processed(tmp_path: Path) -> Path:
    """Return a folder with note.txt, processed for category and quality."""
    (tmp_path / "note.txt").write_text(SHORT_LETTER)
    record = only_record(tmp_path, "process", "note.txt")
    assert record["classification"] is not None
    assert record["quality"] is not None
    assert len(record["review_reasons"]) == 2, record["review_reasons"]
    return tmp_path


@pytest.fixture
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder with note.txt and a database of its own."""
    folder = tmp_path_factory.mktemp("fresh")
    (folder / "note.txt").write_text(SHORT_LETTER)
    return folder


def test_analyze_after_process_prints_quality(processed: Path, fresh: Path) -> None:
    record = only_record(processed, "analyze", "note.txt")
    assert record["cached"] is True
    assert record["classification"] is None
    assert record["quality"] is not None
    (reason,) = record["review_reasons"]
    assert reason.startswith("quality ")
    assert record["review_status"] == "needs_review"
    alone = only_record(fresh, "analyze", "note.txt")
    assert alone["cached"] is False
    assert without_run_fields(record) == without_run_fields(alone)


def test_classify_after_process_prints_category(processed: Path, fresh: Path) -> None:
    record = only_record(processed, "classify", "note.txt")
    assert record["cached"] is True
    assert record["quality"] is None
    assert record["classification"] is not None
    (reason,) = record["review_reasons"]
    assert reason.startswith("category unknown")
    assert record["review_status"] == "needs_review"
    alone = only_record(fresh, "classify", "note.txt")
    assert alone["cached"] is False
    assert without_run_fields(record) == without_run_fields(alone)


def test_analyze_approved_without_category_reason(tmp_path: Path) -> None:
    """The classification's reason alone does not send ``analyze`` output to
    review."""
    (tmp_path / "note.txt").write_text(SHORT_LETTER)
    thresholds = {"DOCFLOW_QUALITY_REVIEW_THRESHOLD": "0"}
    outputs = [
        json.loads(
            run_docflow(
                tmp_path, command, "-f", "jsonl", "note.txt", thresholds=thresholds
            ).stdout
        )
        for command in ("process", "analyze")
    ]
    processed, analyzed = outputs
    assert processed["review_status"] == "needs_review"
    assert analyzed["cached"] is True
    assert analyzed["review_status"] == "approved"
    assert analyzed["review_reasons"] == []


@pytest.mark.parametrize(
    ("command", "shown", "left_out"),
    [
        ("analyze", "quality", "classification"),
        ("classify", "classification", "quality"),
    ],
)
def test_json_array_leaves_out_part(
    processed: Path, command: str, shown: str, left_out: str
) -> None:
    output = run_docflow(processed, command, "-f", "json", "note.txt").stdout
    (record,) = json.loads(output)
    assert record["cached"] is True
    assert record[shown] is not None
    assert record[left_out] is None


@pytest.mark.parametrize(
    ("command", "shown", "left_out"),
    [
        ("analyze", ["quality"], ["category", "confidence"]),
        ("classify", ["category", "confidence"], ["quality"]),
    ],
)
def test_csv_leaves_out_part(
    processed: Path, command: str, shown: list[str], left_out: list[str]
) -> None:
    output = run_docflow(processed, command, "-f", "csv", "note.txt").stdout
    (row,) = csv.DictReader(io.StringIO(output.decode()))
    assert row["cached"] == "true"
    for column in shown:
        assert row[column] != "", column
    for column in left_out:
        assert row[column] == "", column


@pytest.mark.parametrize(
    ("command", "shown", "left_out"),
    [("analyze", "qual", "category"), ("classify", "category", "qual")],
)
def test_table_leaves_out_part(
    processed: Path, command: str, shown: str, left_out: str
) -> None:
    output = run_docflow(processed, command, "-f", "table", "note.txt").stdout
    header = next(line for line in output.decode().splitlines() if "path" in line)
    columns = [cell.strip() for cell in header.strip("┃ ").split("┃")]
    assert shown in columns
    assert left_out not in columns


def test_report_keeps_stored_parts(processed: Path) -> None:
    only_record(processed, "analyze", "note.txt")
    only_record(processed, "classify", "note.txt")
    output = run_docflow(processed, "report", "-f", "json", "note.txt").stdout
    report = json.loads(output)
    assert report["classification"] is not None
    assert report["quality"] is not None
    assert len(report["review_reasons"]) == 2, report["review_reasons"]
