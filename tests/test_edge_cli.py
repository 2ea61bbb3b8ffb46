"""docflow analyze on edge files of the shared corpus, run as a real subprocess.

Each test copies the files it needs into ``tmp_path``, passes ``--db`` with a
DuckDB file there and reads the JSON output and the stored rows.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import docflow_env, run_console_script  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
EDGE = CORPUS / "edge"
#: A PDF whose one page is a scanned image without a text layer.
SCANNED_LETTER = (
    Path(__file__).resolve().parents[1] / "sample_docs" / "letter_scanned.pdf"
)

pytestmark = pytest.mark.skipif(not EDGE.is_dir(), reason="corpus not present")


def analyze(tmp_path: Path, *names: str) -> dict[str, dict]:
    """Run ``docflow analyze`` on copies of edge files; return records by name."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in names:
        shutil.copy(EDGE / name, folder / name)
    database = tmp_path / "docflow.duckdb"
    completed = run_console_script(
        tmp_path,
        "--db",
        str(database),
        "-f",
        "json",
        "analyze",
        *[str(folder / name) for name in names],
        env=docflow_env(tmp_path),
    )
    assert completed.returncode == 0, completed.stderr.decode()
    records = json.loads(completed.stdout)
    return {Path(record["path"]).name: record for record in records}


def issues_of(record: dict, code: str) -> list[dict]:
    return [issue for issue in record["quality"]["issues"] if issue["code"] == code]


def test_xml_saved_as_txt_gets_xml_hint(tmp_path: Path) -> None:
    record = analyze(tmp_path, "docling__elife-56337.txt")["docling__elife-56337.txt"]
    (issue,) = issues_of(record, "extension_mismatch")
    assert record["extension_mismatch"] is True
    assert issue["message"] == (
        "The extension .txt does not match the detected type XML."
    )
    assert issue["recommendation"] == "Rename the file with the .xml extension."
    assert record["warnings"][0] == "extension .txt but the content is XML"


def test_blank_eml_gets_no_rename_hint(tmp_path: Path) -> None:
    record = analyze(tmp_path, "unst__empty.eml")["unst__empty.eml"]
    assert record["extension_mismatch"] is False
    assert issues_of(record, "extension_mismatch") == []
    assert not any("extension" in warning for warning in record["warnings"])
    assert issues_of(record, "empty_document")


@pytest.mark.parametrize("switch", ["flag", "file"])
def test_ocr_off_advice_names_switch(tmp_path: Path, switch: str) -> None:
    """The analysing server learns whether --no-ocr or the file turned OCR off."""
    shutil.copy(SCANNED_LETTER, tmp_path / "scan.pdf")
    config = tmp_path / "docflow.toml"
    config.write_text(
        "[extraction]\nocr = false\n" if switch == "file" else "", encoding="utf-8"
    )
    flags = ["--no-ocr"] if switch == "flag" else []
    completed = run_console_script(
        tmp_path,
        "--db",
        str(tmp_path / "docflow.duckdb"),
        *flags,
        "-f",
        "json",
        "analyze",
        str(tmp_path / "scan.pdf"),
        env=docflow_env(tmp_path, config="docflow.toml"),
    )
    assert completed.returncode == 0, completed.stderr.decode()
    [record] = json.loads(completed.stdout)
    [issue] = issues_of(record, "no_text_layer")
    if switch == "flag":
        assert "again without --no-ocr" in issue["recommendation"]
    else:
        assert f"set extraction.ocr in {config} to true" in issue["recommendation"]
