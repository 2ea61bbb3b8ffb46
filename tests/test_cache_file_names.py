"""A copy of a document under another name gets the facts of its own name.

The result cache and the extraction cache are keyed by content, but the
detected kind of a text file, the extension mismatch with its warning and
quality issue, and the error message depend on the file name too. Every test
runs the real command in a subprocess, with real MCP servers, a real DuckDB
file and an extraction cache under ``tmp_path``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import docflow_env  # noqa: E402

COMMAND = [sys.executable, "-c", "from docflow.cli.main import run; run()"]
SAMPLES = Path(__file__).resolve().parents[1] / "sample_docs"
#: Text with two Markdown headings: kind markdown as ``.md``, text as ``.txt``.
NOTES = (
    "# Office move\n\nThe office moves to the third floor on Monday.\n\n"
    "# Parking\n\nThe car park stays open during the move.\n"
)
#: Fields that depend on the file name as well as on the content.
NAME_FIELDS = ("path", "detected_type", "extension_mismatch", "warnings", "error")


def run(tmp_path: Path, *args: str, exit_code: int = 0) -> list[dict]:
    """Run ``docflow ARGS`` on ``tmp_path / db.duckdb`` and return the records."""
    completed = subprocess.run(
        [*COMMAND, "--db", str(tmp_path / "db.duckdb"), *args, "--format", "jsonl"],
        cwd=tmp_path,
        env=docflow_env(tmp_path, DOCFLOW_STORE_CACHE_DIR=str(tmp_path / "cache")),
        capture_output=True,
        timeout=300,
    )
    assert completed.returncode == exit_code, completed.stderr.decode()
    return [json.loads(line) for line in completed.stdout.splitlines()]


def by_name(records: list[dict]) -> dict[str, dict]:
    return {Path(record["path"]).name: record for record in records}


def name_facts(record: dict) -> dict:
    """Return the fields of ``record`` that depend on its file name."""
    facts = {field: record[field] for field in NAME_FIELDS}
    issues = record["quality"]["issues"] if record["quality"] else []
    facts["issues"] = [
        issue for issue in issues if issue["code"] == "extension_mismatch"
    ]
    return facts


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """Return a folder of originals and one of their copies under other names."""
    originals = tmp_path / "originals"
    copies = tmp_path / "copies"
    originals.mkdir()
    copies.mkdir()
    shutil.copy(SAMPLES / "invoice_freelancer.pdf", originals / "invoice.pdf")
    shutil.copy(SAMPLES / "resume.docx", originals / "resume.docx")
    (originals / "notes.md").write_text(NOTES)
    shutil.copy(originals / "invoice.pdf", copies / "inv.txt")
    shutil.copy(originals / "resume.docx", copies / "res.pdf")
    (copies / "notes.txt").write_text(NOTES)
    return originals, copies


#: What each file's name makes of its content.
EXPECTED = {
    "invoice.pdf": ("pdf", False),
    "resume.docx": ("docx", False),
    "notes.md": ("markdown", False),
    "inv.txt": ("pdf", True),
    "res.pdf": ("docx", True),
    "notes.txt": ("text", False),
}


def check_names(records: list[dict]) -> None:
    for name, record in by_name(records).items():
        kind, mismatch = EXPECTED[name]
        assert record["detected_type"] == kind, name
        assert record["extension_mismatch"] is mismatch, name
        issues = name_facts(record)["issues"]
        assert len(issues) == int(mismatch), name
        mentions = [w for w in record["warnings"] if w.startswith("extension ")]
        assert len(mentions) == int(mismatch), name
        suffix = Path(name).suffix
        for text in [issue["message"] for issue in issues] + mentions:
            assert suffix in text, name


@pytest.mark.parametrize("order", ["together", "originals_first", "copies_first"])
def test_copies_get_own_name_facts(
    tmp_path: Path, folders: tuple[Path, Path], order: str
) -> None:
    originals, copies = folders
    if order == "together":
        records = run(tmp_path, "process", str(originals), str(copies))
    else:
        first, second = (originals, copies)
        if order == "copies_first":
            first, second = second, first
        records = run(tmp_path, "process", str(first))
        records += run(tmp_path, "process", str(second))
    assert len(records) == len(EXPECTED)
    check_names(records)


def test_cached_name_facts_match_no_cache(
    tmp_path: Path, folders: tuple[Path, Path]
) -> None:
    originals, copies = folders
    run(tmp_path, "process", str(originals))
    cached = by_name(run(tmp_path, "process", str(copies)))
    fresh = by_name(run(tmp_path, "process", "--no-cache", str(copies)))
    assert set(cached) == set(fresh)
    for name in fresh:
        assert name_facts(cached[name]) == name_facts(fresh[name]), name


def test_stored_error_names_copy(tmp_path: Path) -> None:
    """A stored result of a damaged file, reused for a copy, names the copy."""
    damaged = (SAMPLES / "invoice_freelancer.pdf").read_bytes()[:3000]
    (tmp_path / "a.pdf").write_bytes(damaged)
    (tmp_path / "b.pdf").write_bytes(damaged)
    (first,) = run(tmp_path, "process", str(tmp_path / "a.pdf"), exit_code=1)
    assert first["status"] == "corrupt"
    (copy,) = run(tmp_path, "process", str(tmp_path / "b.pdf"), exit_code=1)
    assert copy["cached"] is True
    assert copy["error"].startswith(f"{tmp_path / 'b.pdf'}: ")
    assert "a.pdf" not in copy["error"]


def test_mismatch_reused_only_for_same_case(tmp_path: Path) -> None:
    """The extension_mismatch issue names the extension as it is written."""
    shutil.copy(SAMPLES / "resume.docx", tmp_path / "upper.PDF")
    shutil.copy(SAMPLES / "resume.docx", tmp_path / "lower.pdf")
    (upper,) = run(tmp_path, "process", str(tmp_path / "upper.PDF"))
    (lower,) = run(tmp_path, "process", str(tmp_path / "lower.pdf"))
    (issue,) = name_facts(upper)["issues"]
    assert "extension .PDF " in issue["message"]
    (issue,) = name_facts(lower)["issues"]
    assert "extension .pdf " in issue["message"]
    assert lower["cached"] is False
