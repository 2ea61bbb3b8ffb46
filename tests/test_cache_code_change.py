"""A result stored by other analysis code is computed again, not reused.

The second docflow here runs from a copy of the source tree whose quality
code differs by one comment, as after an upgrade. Its results must not come
from the result cache that the first run filled; an unchanged copy's must.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import docflow

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import docflow_env  # noqa: E402

SOURCE = Path(docflow.__file__).resolve().parent


def copy_source(target: Path) -> Path:
    shutil.copytree(
        SOURCE, target / "docflow", ignore=shutil.ignore_patterns("__pycache__")
    )
    return target


def analyze(tmp_path: Path, source_root: Path, document: Path) -> dict:
    env = docflow_env(
        tmp_path,
        PYTHONPATH=str(source_root),
        DOCFLOW_DB=str(tmp_path / "db.duckdb"),
        DOCFLOW_STORE_REPLAY="false",
        DOCFLOW_STORE_CACHE_DIR=str(tmp_path / "cache"),
    )
    completed = subprocess.run(
        [sys.executable, "-c", "from docflow.cli.main import run; run()"]
        + ["analyze", "--format", "jsonl", str(document)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    record = json.loads(completed.stdout)
    return record


def test_changed_analysis_code_misses_cache(tmp_path):
    document = tmp_path / "note.txt"
    document.write_text(
        "Dear Ms Moreau,\n\nThank you for the quick reply about the lease. "
        "The keys are ready for you at the front desk from Monday.\n\n"
        "Kind regards,\nPaul Durand\n"
    )
    first_tree = copy_source(tmp_path / "first")
    assert analyze(tmp_path, first_tree, document)["cached"] is False
    # The same code again: the stored result is reused.
    assert analyze(tmp_path, first_tree, document)["cached"] is True

    changed_tree = copy_source(tmp_path / "changed")
    checks = changed_tree / "docflow" / "core" / "quality" / "_checks.py"
    checks.write_text(checks.read_text() + "\n# a later version of the checks\n")
    assert analyze(tmp_path, changed_tree, document)["cached"] is False


def test_code_that_stores_results_does_not_count(tmp_path):
    document = tmp_path / "note.txt"
    document.write_text("Minutes of the meeting held on 3 March.\n" * 5)
    first_tree = copy_source(tmp_path / "first")
    assert analyze(tmp_path, first_tree, document)["cached"] is False
    changed_tree = copy_source(tmp_path / "changed")
    store = changed_tree / "docflow" / "core" / "store" / "_rows.py"
    store.write_text(store.read_text() + "\n# a change in how rows are written\n")
    assert analyze(tmp_path, changed_tree, document)["cached"] is True


def test_changed_extraction_code_does_not_reuse_cached_text(tmp_path):
    # A new database for the second run, so only the extraction cache, which
    # both runs share, could serve the text.
    document = tmp_path / "note.txt"
    document.write_text("Invoice 42\nTotal due: 120.00 EUR by 1 May 2026.\n")
    cache = tmp_path / "cache" / "extract"
    first_tree = copy_source(tmp_path / "first")
    analyze(tmp_path, first_tree, document)
    entries = sorted(cache.rglob("*.json"))
    assert len(entries) == 1
    changed_tree = copy_source(tmp_path / "changed")
    detect = changed_tree / "docflow" / "core" / "extract" / "__init__.py"
    detect.write_text(detect.read_text() + "\n# a later version of extraction\n")
    (tmp_path / "db.duckdb").unlink()
    analyze(tmp_path, changed_tree, document)
    assert len(sorted(cache.rglob("*.json"))) == 2
