"""``--no-cache`` processes unchanged files again, extraction included."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import docflow_env  # noqa: E402

COMMAND = [sys.executable, "-c", "from docflow.cli.main import run; run()"]
LETTER = (
    "Dear Mr Olsen,\n\nThank you for your letter of 2 March. We have moved the "
    "delivery to the first week of April, as you asked.\n\nYours sincerely,\n"
    "Marta Lind\n"
)


def run(tmp_path: Path, *args: str) -> list[dict]:
    env = docflow_env(
        tmp_path,
        DOCFLOW_DB=str(tmp_path / "db.duckdb"),
        DOCFLOW_STORE_CACHE_DIR=str(tmp_path / "cache"),
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
