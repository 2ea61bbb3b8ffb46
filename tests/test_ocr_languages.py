"""OCR languages are checked against the installed tesseract data at start."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from docflow.core.ocr import available_languages, describe_language_problem

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import docflow_env, run_console_script  # noqa: E402

INSTALLED = frozenset({"eng", "osd"})

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="tesseract is not installed"
)


def test_language_name_gets_code() -> None:
    problem = describe_language_problem("english", INSTALLED)
    assert "'english'" in problem
    assert "use 'eng'" in problem
    assert "installed: eng)" in problem
    assert "apt-get" not in problem


def test_missing_language_gets_package() -> None:
    problem = describe_language_problem("eng+chi_sim", INSTALLED)
    assert "'chi_sim'" in problem
    assert "is not installed" in problem
    assert "sudo apt-get install tesseract-ocr-chi-sim" in problem


def test_invalid_code_lists_installed() -> None:
    problem = describe_language_problem("xyz", INSTALLED)
    assert "'xyz' (--lang or extraction.ocr_languages)" in problem
    assert "is not a tesseract language code" in problem
    assert "installed: eng)" in problem
    assert "apt-get" not in problem


def test_installed_languages_accepted() -> None:
    assert describe_language_problem("eng", INSTALLED) == ""


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        ("eng+", "a code is missing after the last '+'"),
        ("+eng", "a code is missing before the first '+'"),
        ("eng++fra", "a code is missing between two '+'"),
        ("", "the value is empty"),
    ],
)
def test_missing_code_quotes_whole_value(languages: str, expected: str) -> None:
    problem = describe_language_problem(languages, INSTALLED)
    assert problem.startswith(f"OCR languages {languages!r} (")
    assert expected in problem
    assert "OCR language ''" not in problem


@pytest.mark.parametrize(("language", "code"), [("ENG", "eng"), ("Fra", "fra")])
def test_upper_case_code_gets_lower(language: str, code: str) -> None:
    problem = describe_language_problem(language, INSTALLED)
    assert f"OCR language {language!r}" in problem
    assert f"codes are lower case, so use {code!r}" in problem


@pytest.mark.parametrize("languages", ["osd", "eng+osd"])
def test_osd_is_not_a_language(languages: str) -> None:
    problem = describe_language_problem(languages, INSTALLED)
    assert "OCR language 'osd'" in problem
    assert "orientation and script detection" in problem
    assert "use a language such as 'eng'" in problem


def test_problem_names_given_origin() -> None:
    origin = "environment variable DOCFLOW_EXTRACTION_OCR_LANGUAGES"
    problem = describe_language_problem("xyz", INSTALLED, origin)
    assert problem.startswith(f"OCR language 'xyz' ({origin}) ")


@needs_tesseract
@pytest.mark.parametrize(
    ("language", "expected"),
    [("xyz", b"is not a tesseract language code"), ("english", b"use 'eng'")],
)
def test_classify_rejects_bad_language(
    tmp_path: Path, language: str, expected: bytes
) -> None:
    (tmp_path / "scan.txt").write_text("Invoice number 12\n", encoding="utf-8")
    completed = run_console_script(
        tmp_path,
        "--db",
        str(tmp_path / "t.duckdb"),
        "--lang",
        language,
        "classify",
        "scan.txt",
        env=docflow_env(tmp_path),
    )
    assert completed.returncode == 2
    assert expected in completed.stderr
    assert b"installed: " in completed.stderr
    assert not (tmp_path / "t.duckdb").exists()


@needs_tesseract
def test_classify_names_language_variable(tmp_path: Path) -> None:
    (tmp_path / "scan.txt").write_text("Invoice number 12\n", encoding="utf-8")
    env = docflow_env(tmp_path, DOCFLOW_EXTRACTION_OCR_LANGUAGES="xyz")
    completed = run_console_script(
        tmp_path, "--db", str(tmp_path / "t.duckdb"), "classify", "scan.txt", env=env
    )
    assert completed.returncode == 2
    assert (
        b"(environment variable DOCFLOW_EXTRACTION_OCR_LANGUAGES)" in completed.stderr
    )


@needs_tesseract
def test_watch_rejects_bad_language(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    completed = run_console_script(
        tmp_path,
        "--db",
        str(tmp_path / "t.duckdb"),
        "--lang",
        "english",
        "watch",
        "--once",
        str(inbox),
        env=docflow_env(tmp_path),
    )
    assert completed.returncode == 2
    assert b"use 'eng'" in completed.stderr


@needs_tesseract
def test_classify_without_ocr_skips_check(tmp_path: Path) -> None:
    assert "eng" in available_languages()
    (tmp_path / "note.txt").write_text("Invoice number 12\n", encoding="utf-8")
    completed = run_console_script(
        tmp_path,
        "--db",
        str(tmp_path / "t.duckdb"),
        "--lang",
        "xyz",
        "--no-ocr",
        "classify",
        "note.txt",
        env=docflow_env(tmp_path),
    )
    assert completed.returncode == 0, completed.stderr


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("echo 'error while loading shared libraries' >&2; exit 127", "exited 127"),
        ("sleep 30", "timed out"),
    ],
)
def test_broken_tesseract_listing_warns(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    script: str,
    expected: str,
) -> None:
    # A named fake: a tesseract whose language listing fails or hangs, a
    # fault a working installation cannot produce.
    import pytesseract

    from docflow.core import ocr

    fake = tmp_path / "tesseract"
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(fake))
    monkeypatch.setattr(ocr, "_LIST_LANGS_TIMEOUT", 0.5)
    ocr._find_tesseract.cache_clear()
    ocr._list_languages.cache_clear()
    try:
        with caplog.at_level("WARNING"):
            assert available_languages() == frozenset()
    finally:
        ocr._find_tesseract.cache_clear()
        ocr._list_languages.cache_clear()
    assert "cannot list tesseract languages" in caplog.text
    assert expected in caplog.text


def write_scan(path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1200, 800), 255)
    font = ImageFont.load_default(size=48)
    ImageDraw.Draw(image).text((100, 100), "Invoice number 4711", font=font, fill=0)
    image.save(path)


@needs_tesseract
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", b"finds no language data in"),  # an empty tessdata folder
        (b"not a model", b"cannot load the data of OCR language 'eng'"),
    ],
)
def test_process_missing_language_data(tmp_path: Path, data: bytes, expected: bytes):
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    if data:
        (tessdata / "eng.traineddata").write_bytes(data)
    write_scan(tmp_path / "scan.png")
    env = docflow_env(tmp_path, TESSDATA_PREFIX=str(tessdata))
    completed = run_console_script(
        tmp_path, "--db", str(tmp_path / "t.duckdb"), "process", "scan.png", env=env
    )
    assert completed.returncode == 3, completed.stderr
    assert b'"status": "ocr_unavailable"' in completed.stdout
    assert expected in completed.stderr
    assert b"TESSDATA_PREFIX" in completed.stderr
    assert b"sudo apt-get install" in completed.stderr
    assert b"tesseract-ocr-eng" in completed.stderr
    assert b"ocr_timeout" not in completed.stderr


@needs_tesseract
def test_language_data_noticed_once_installed(tmp_path: Path, monkeypatch) -> None:
    from docflow.core import ocr
    from docflow.errors import OcrUnavailable

    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    ocr._list_languages.cache_clear()
    try:
        with pytest.raises(OcrUnavailable, match="finds no language data"):
            ocr.ensure_tesseract("eng")
        monkeypatch.delenv("TESSDATA_PREFIX")
        ocr.ensure_tesseract("eng")  # raises if the empty listing was kept
    finally:
        ocr._list_languages.cache_clear()
