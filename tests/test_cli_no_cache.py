"""``--no-cache`` processes unchanged files again, extraction included."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import docflow_env  # noqa: E402

COMMAND = [sys.executable, "-c", "from docflow.cli.main import run; run()"]
LETTER = (
    "Dear Mr Olsen,\n\nThank you for your letter of 2 March. We have moved the "
    "delivery to the first week of April, as you asked.\n\nYours sincerely,\n"
    "Marta Lind\n"
)


def run(
    tmp_path: Path, *args: str, variables: dict[str, str] | None = None
) -> list[dict]:
    """Run ``docflow ARGS`` on the database ``tmp_path / db.duckdb``, with
    ``variables`` added to the environment, and return the records printed."""
    env = docflow_env(
        tmp_path,
        DOCFLOW_DB=str(tmp_path / "db.duckdb"),
        DOCFLOW_STORE_CACHE_DIR=str(tmp_path / "cache"),
        **(variables or {}),
    )
    completed = subprocess.run(
        [*COMMAND, *args, "--format", "jsonl"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    return [json.loads(line) for line in completed.stdout.splitlines()]


def test_no_cache_processes_an_unchanged_file_again(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER)
    assert run(tmp_path, "process", str(letter))[0]["cached"] is False
    assert run(tmp_path, "process", str(letter))[0]["cached"] is True
    again = run(tmp_path, "process", "--no-cache", str(letter))[0]
    assert again["cached"] is False
    assert again["classification"]["category"] == "letter"
    with duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True) as db:
        current = db.execute(
            "SELECT count(*) FROM documents WHERE is_current"
        ).fetchone()
    assert current == (1,)
    # Without the flag the stored result serves again.
    assert run(tmp_path, "process", str(letter))[0]["cached"] is True


def test_no_cache_extracts_again(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER)
    run(tmp_path, "analyze", str(letter))
    (entry,) = (tmp_path / "cache" / "extract").rglob("*.json")
    before = entry.stat().st_ino
    # A new database, so no stored result; only the extraction cache is left.
    (tmp_path / "db.duckdb").unlink()
    run(tmp_path, "analyze", str(letter))
    assert entry.stat().st_ino == before  # read from the cache, not rewritten
    (tmp_path / "db.duckdb").unlink()
    run(tmp_path, "analyze", "--no-cache", str(letter))
    assert entry.stat().st_ino != before  # extracted and written again


#: A note too short for a category. The thresholds send it to review for its
#: category and for its quality, so each analysis gives one review reason. The
#: note reads as a whole text, so only a high minimum length makes it short.
SHORT_NOTE = "Dear Ms Jansen,\n\nThank you for your letter.\n"
THRESHOLDS = {
    "DOCFLOW_CLASSIFICATION_REVIEW_THRESHOLD": "1",
    "DOCFLOW_QUALITY_REVIEW_THRESHOLD": "100",
    "DOCFLOW_QUALITY_MIN_DOCUMENT_CHARS": "5000",
}


@pytest.mark.parametrize(
    ("command", "requested", "kept", "kept_reason"),
    [
        ("analyze", "quality", "classification", "category unknown"),
        ("classify", "classification", "quality", "quality "),
    ],
)
def test_no_cache_keeps_other_analysis(
    tmp_path: Path, command: str, requested: str, kept: str, kept_reason: str
) -> None:
    note = tmp_path / "note.txt"
    note.write_text(SHORT_NOTE)
    (processed,) = run(tmp_path, "process", str(note), variables=THRESHOLDS)
    assert len(processed["review_reasons"]) == 2, processed["review_reasons"]

    (printed,) = run(tmp_path, command, "--no-cache", str(note), variables=THRESHOLDS)
    assert printed["cached"] is False
    assert printed[requested] is not None
    assert printed[kept] is None  # printed as a run of only this analysis

    (stored,) = run(tmp_path, "results")
    assert stored["cached"] is False  # the row of the run with --no-cache
    assert stored[requested] is not None
    assert stored[kept] == processed[kept]
    assert stored["review_status"] == "needs_review"
    assert stored["review_reasons"] == processed["review_reasons"]
    assert any(r.startswith(kept_reason) for r in stored["review_reasons"])
    (waiting,) = run(tmp_path, "review")
    assert waiting["path"] == str(note)
    assert waiting["review_reasons"] == processed["review_reasons"]


def test_no_cache_keeps_analysis_of_touched_file(tmp_path: Path) -> None:
    """A new modification time with the same content: the file is hashed."""
    note = tmp_path / "note.txt"
    note.write_text(SHORT_NOTE)
    (processed,) = run(tmp_path, "process", str(note), variables=THRESHOLDS)
    os.utime(note, ns=(note.stat().st_atime_ns, note.stat().st_mtime_ns + 10**9))
    run(tmp_path, "analyze", "--no-cache", str(note), variables=THRESHOLDS)
    (stored,) = run(tmp_path, "results")
    assert stored["classification"] == processed["classification"]
    assert stored["review_reasons"] == processed["review_reasons"]


def test_no_cache_keeps_nothing_of_changed_file(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text(SHORT_NOTE)
    run(tmp_path, "process", str(note), variables=THRESHOLDS)
    note.write_text(SHORT_NOTE + "Marta\n")
    (printed,) = run(tmp_path, "analyze", "--no-cache", str(note), variables=THRESHOLDS)
    assert printed["quality"] is not None
    (stored,) = run(tmp_path, "results")
    assert stored["content_hash"] == printed["content_hash"]
    assert stored["classification"] is None  # it was of the old content
    (reason,) = stored["review_reasons"]
    assert reason.startswith("quality ")


@pytest.mark.parametrize("position", ["before", "after"])
def test_no_cache_before_or_after_command(tmp_path: Path, position: str) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER)
    run(tmp_path, "process", str(letter))
    if position == "before":
        (again,) = run(tmp_path, "--no-cache", "process", str(letter))
    else:
        (again,) = run(tmp_path, "process", "--no-cache", str(letter))
    assert again["cached"] is False


def test_rehash_before_command(tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER)
    run(tmp_path, "process", str(letter))
    (again,) = run(tmp_path, "--rehash", "process", str(letter))
    assert again["cached"] is True  # hashed, found unchanged and reused


@pytest.mark.parametrize("command", [[], ["process"]])
def test_help_lists_no_cache_once(command: list[str]) -> None:
    from typer.testing import CliRunner

    from docflow.cli.main import app

    outcome = CliRunner().invoke(app, [*command, "--help"], terminal_width=100)
    assert outcome.exit_code == 0
    help_text = outcome.stdout
    # --restart's help names --no-cache too, so the option lines are counted.
    assert len(re.findall(r"^  --no-cache\b", help_text, re.MULTILINE)) == 1
    assert "Process every file again" in help_text
    assert help_text.count("--rehash") == 1
