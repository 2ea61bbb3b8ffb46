"""``classify`` and ``analyze`` keep the stored other analysis of a file.

A run of one analysis that processes a file again, because a setting, the
model or docflow changed, stores a new row for the file. That row keeps the
other analysis of the stored result of the same content, and its review
status comes from both. Every test runs the real command in a subprocess,
with real MCP servers and a real DuckDB file under ``tmp_path``.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import docflow_env  # noqa: E402

COMMAND = [sys.executable, "-c", "from docflow.cli.main import run; run()"]
#: A memo that docflow classifies as ``memo`` at a confidence under 0.99,
#: with a quality score of 100 under the default settings.
MEMO = (
    "MEMORANDUM\n\nTo: All staff\nFrom: Facilities\nDate: 3 March 2026\n"
    "Subject: Office move\n\nThe office moves to the third floor on Friday. "
    "Please pack your desks by Thursday evening.\n"
)
#: A quality setting that makes the memo too short, for a score under 60.
SHORT_FOR_QUALITY = {"DOCFLOW_QUALITY_MIN_DOCUMENT_CHARS": "5000"}
#: A classification setting that sends the memo to review.
STRICT_REVIEW = {"DOCFLOW_CLASSIFICATION_REVIEW_THRESHOLD": "0.99"}


def run(tmp_path: Path, *args: str, variables: dict[str, str] | None = None) -> str:
    """Run ``docflow ARGS`` on ``tmp_path / db.duckdb`` and return its stdout."""
    env = docflow_env(
        tmp_path,
        DOCFLOW_DB=str(tmp_path / "db.duckdb"),
        DOCFLOW_STORE_CACHE_DIR=str(tmp_path / "cache"),
        **(variables or {}),
    )
    completed = subprocess.run(
        [*COMMAND, *args],
        cwd=tmp_path,
        env=env,
        input=b"",
        capture_output=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    return completed.stdout.decode()


def only_record(
    tmp_path: Path, *args: str, variables: dict[str, str] | None = None
) -> dict:
    (line,) = run(tmp_path, *args, "-f", "jsonl", variables=variables).splitlines()
    return json.loads(line)


def processed_memo(tmp_path: Path) -> tuple[Path, dict]:
    memo = tmp_path / "memo.txt"
    memo.write_text(MEMO)
    record = only_record(tmp_path, "process", str(memo))
    assert record["classification"]["category"] == "memo"
    assert record["classification"]["confidence"] < 0.99
    assert record["quality"]["overall_score"] >= 60
    assert record["review_status"] == "approved"
    return memo, record


def test_analyze_new_setting_keeps_category(tmp_path: Path) -> None:
    memo, processed = processed_memo(tmp_path)

    printed = only_record(tmp_path, "analyze", str(memo), variables=SHORT_FOR_QUALITY)
    assert printed["cached"] is False
    assert printed["classification"] is None  # printed as a run of analyze alone
    assert printed["quality"]["overall_score"] < 60

    stored = only_record(tmp_path, "results")
    assert stored["classification"] == processed["classification"]
    assert stored["quality"] == printed["quality"]
    assert stored["review_status"] == "needs_review"
    (reason,) = stored["review_reasons"]
    assert reason.startswith("quality ")

    (row,) = csv.DictReader(io.StringIO(run(tmp_path, "results", "-f", "csv")))
    assert row["category"] == "memo"
    assert row["review"] == "needs_review"
    stats = json.loads(run(tmp_path, "stats", "-f", "json"))
    assert stats["by_category"] == {"memo": 1}
    assert stats["review_queue"] == 1


def test_kept_analysis_not_reused_by_cache(tmp_path: Path) -> None:
    """The kept category was computed under other settings than the new row's."""
    memo, _ = processed_memo(tmp_path)
    only_record(tmp_path, "analyze", str(memo), variables=SHORT_FOR_QUALITY)

    again = only_record(tmp_path, "analyze", str(memo), variables=SHORT_FOR_QUALITY)
    assert again["cached"] is True  # the quality of the new row is reused
    stored = only_record(tmp_path, "results")
    assert stored["classification"]["category"] == "memo"
    both = only_record(tmp_path, "process", str(memo), variables=SHORT_FOR_QUALITY)
    assert both["cached"] is False
    assert both["classification"]["category"] == "memo"


def test_classify_new_setting_keeps_quality(tmp_path: Path) -> None:
    memo, processed = processed_memo(tmp_path)

    printed = only_record(tmp_path, "classify", str(memo), variables=STRICT_REVIEW)
    assert printed["cached"] is False
    assert printed["quality"] is None  # printed as a run of classify alone
    assert printed["review_status"] == "needs_review"

    report = json.loads(run(tmp_path, "report", "-f", "json", str(memo)))
    assert stored_quality(report) == processed["quality"]
    assert report["classification"] == printed["classification"]
    assert report["review_status"] == "needs_review"
    (reason,) = report["review_reasons"]
    assert reason.endswith("under classification.review_threshold 0.99")


def test_cache_hit_keeps_newer_other_analysis(tmp_path: Path) -> None:
    """A classify result reused from the cache keeps the quality stored after it."""
    memo = tmp_path / "memo.txt"
    memo.write_text(MEMO)
    only_record(tmp_path, "classify", str(memo))
    analyzed = only_record(tmp_path, "analyze", str(memo), variables=SHORT_FOR_QUALITY)

    reused = only_record(tmp_path, "classify", str(memo))
    assert reused["cached"] is True
    assert reused["quality"] is None

    stored = only_record(tmp_path, "results")
    assert stored["classification"]["category"] == "memo"
    assert stored["quality"] == analyzed["quality"]
    assert stored["review_status"] == "needs_review"


def test_kept_category_keeps_its_review_reason(tmp_path: Path) -> None:
    """The kept classification's reason names the threshold that judged it."""
    memo, _ = processed_memo(tmp_path)
    classified = only_record(tmp_path, "classify", str(memo), variables=STRICT_REVIEW)
    (strict_reason,) = classified["review_reasons"]
    assert strict_reason.endswith("under classification.review_threshold 0.99")

    only_record(tmp_path, "analyze", str(memo), variables=SHORT_FOR_QUALITY)

    report = json.loads(run(tmp_path, "report", "-f", "json", str(memo)))
    assert report["classification"] == classified["classification"]
    assert report["review_status"] == "needs_review"
    classification_reason, quality_reason = report["review_reasons"]
    assert classification_reason == strict_reason
    assert quality_reason.startswith("quality ")


def stored_quality(report: dict) -> dict:
    """Return the report's quality without the readability summary it adds."""
    return {
        key: value for key, value in report["quality"].items() if key != "readability"
    }


def test_kept_quality_keeps_its_review_reason(tmp_path: Path) -> None:
    """The kept quality's reason names the threshold that judged it."""
    memo, _ = processed_memo(tmp_path)
    strict_quality = {**SHORT_FOR_QUALITY, "DOCFLOW_QUALITY_REVIEW_THRESHOLD": "90"}
    analyzed = only_record(tmp_path, "analyze", str(memo), variables=strict_quality)
    (short_reason,) = analyzed["review_reasons"]
    assert short_reason.endswith("under quality.review_threshold 90")

    only_record(tmp_path, "classify", str(memo), variables=STRICT_REVIEW)

    report = json.loads(run(tmp_path, "report", "-f", "json", str(memo)))
    assert stored_quality(report) == analyzed["quality"]
    classification_reason, quality_reason = report["review_reasons"]
    assert classification_reason.endswith("classification.review_threshold 0.99")
    assert quality_reason == short_reason
