"""Tests that quality advice fits the kind of file and how its text was read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docflow.core.config import Settings, load_settings
from docflow.core.extract import extract_document
from docflow.core.models import ExtractedDocument, Page, QualityResult
from docflow.core.ocr import INSTALL_HINT
from docflow.core.quality import analyze_quality

PROSE = (
    "The committee met on Monday to review the budget for the coming year. "
    "Members agreed that the library needs new shelves and better lighting. "
    "The treasurer will ask three suppliers for prices before the next meeting. "
    "Several parents asked whether the reading room could open on Saturday "
    "mornings, and the chair promised to study the cost of extra staff. "
    "A volunteer offered to repair the old piano in the hall free of charge. "
    "The garden behind the building has been neglected since spring, so a "
    "small group will clear the paths and plant flowers in April. "
    "Finally, the secretary reminded everyone that the annual report is due "
    "at the end of the month and asked for short notes from each working "
    "group by the fifteenth.\n"
)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


def advice_of(result: QualityResult, code: str) -> str:
    [advice] = {i.recommendation for i in result.issues if i.code == code}
    return advice


def test_whitespace_text_file_has_no_scan_advice(tmp_path: Path, settings):
    path = tmp_path / "blank.txt"
    path.write_text("   \n\n  \t \n", encoding="utf-8")
    result = analyze_quality(extract_document(str(path), settings), settings)
    assert advice_of(result, "empty_document") == advice_of(result, "no_words")
    assert "scan" not in advice_of(result, "empty_document")
    assert result.issues[0].message == "The file has only whitespace."


def test_empty_scan_keeps_rescan_advice(settings: Settings):
    page = Page(number=1, method="ocr", ocr_confidence=0.0, text="")
    document = ExtractedDocument(path="scan.pdf", detected_type="pdf", pages=[page])
    result = analyze_quality(document, settings)
    assert "rescan it at 300 dpi" in advice_of(result, "empty_document")


def test_low_confidence_on_rendered_page(settings: Settings):
    page = Page(
        number=1,
        method="ocr",
        ocr_confidence=30.0,
        flags=["reocr_used"],
        text=PROSE,
    )
    document = ExtractedDocument(path="a.pdf", detected_type="pdf", pages=[page])
    result = analyze_quality(document, settings)
    advice = advice_of(result, "low_ocr_confidence")
    assert not advice.startswith("Rescan")
    assert "embedded fonts" in advice
    assert result.recommendations[0] == f"Page 1: {advice}"


def test_image_garbage_recommendation_names_ocr(settings: Settings):
    garbage = "Xq7 #@ zzk Qv9 ~~ " * 30
    page = Page(number=1, method="ocr", ocr_confidence=20.0, text=garbage)
    document = ExtractedDocument(path="photo.jpeg", detected_type="image", pages=[page])
    result = analyze_quality(document, settings)
    [garbage_advice] = [r for r in result.recommendations if r.startswith("Page 1")]
    assert "extraction.ocr_languages" in garbage_advice
    assert "re-export the PDF" not in garbage_advice


def test_mixed_page_advice_falls_back(settings: Settings):
    pages = [
        Page(number=1, method="ocr", ocr_confidence=30.0, text=PROSE),
        Page(
            number=2,
            method="ocr",
            ocr_confidence=30.0,
            flags=["reocr_used"],
            text=PROSE.replace("committee", "board"),
        ),
    ]
    document = ExtractedDocument(path="a.pdf", detected_type="pdf", pages=pages)
    result = analyze_quality(document, settings)
    assert result.recommendations[0].startswith("Pages 1, 2: Rescan at 300 dpi")


NUMBERS = "\n".join(f"Item {n} {n * 3} {n * 7}.50 {n * 11}" for n in range(1, 60))
CID_TEXT = "(cid:36)(cid:81)(cid:71) (cid:87)(cid:75)(cid:72) " * 20


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (PROSE, "pl", "no readability formula for language 'pl'"),
        (NUMBERS, "en", "lists of figures have no reading ease"),
        (CID_TEXT, "en", "See garbage_text"),
        ("Invoice 12", "en", "See near_empty_document"),
        ("Thanks, see you at the meeting on Friday. Kim", "en", "short by design"),
    ],
    ids=["language", "numbers", "garbage", "near_empty", "short"],
)
def test_unscored_readability_advice(text: str, language: str, expected: str):
    page = Page(number=1, method="text_layer", text=text)
    document = ExtractedDocument(
        path="a.pdf", detected_type="pdf", language=language, pages=[page]
    )
    result = analyze_quality(document, Settings())
    [issue] = [
        i
        for i in result.issues
        if i.code == "score_not_applicable" and i.message.startswith("Readability")
    ]
    assert expected in issue.recommendation


def test_text_file_garbage_advice(settings: Settings):
    # A file decoded with the wrong encoding: most characters are U+FFFD.
    garbage = "\ufffd\ufffd\ufffd m\ufffd\ufffd\ufffd \ufffd\ufffd\ufffdk " * 40
    page = Page(number=1, method="native", text=garbage)
    document = ExtractedDocument(path="a.txt", detected_type="text", pages=[page])
    result = analyze_quality(document, settings)
    advice = advice_of(result, "garbage_text")
    assert "PDF" not in advice
    assert "encoding" in advice


def scan_read_without_ocr(settings: Settings) -> QualityResult:
    """Analyse a one-page scan that extraction left unread because OCR was off."""
    page = Page(number=1, method="none", flags=["ocr_disabled", "empty"])
    document = ExtractedDocument(path="scan.pdf", detected_type="pdf", pages=[page])
    return analyze_quality(document, settings)


def test_no_ocr_flag_advice_names_flag():
    settings = load_settings(
        {"extraction": {"ocr": False}}, environ={"DOCFLOW_CONFIG": os.devnull}
    )
    result = scan_read_without_ocr(settings)
    page_issue = next(i for i in result.issues if i.code == "no_text_layer")
    assert "OCR was turned off with --no-ocr" in page_issue.message
    assert "again without --no-ocr" in page_issue.recommendation
    assert "again without --no-ocr" in advice_of(result, "empty_document")
    for advice in result.recommendations:
        assert "extraction.ocr" not in advice
        # A missing tesseract is reported by the run that needs it.
        assert "tesseract" not in advice


@pytest.mark.parametrize("source", ["file", "variable"])
def test_ocr_setting_advice_names_origin(tmp_path: Path, source: str):
    config = tmp_path / "docflow.toml"
    environ = {"DOCFLOW_CONFIG": str(config)}
    if source == "file":
        config.write_text("[extraction]\nocr = false\n", encoding="utf-8")
        origin = f"extraction.ocr in {config}"
    else:
        config.write_text("", encoding="utf-8")
        environ["DOCFLOW_EXTRACTION_OCR"] = "false"
        origin = "environment variable DOCFLOW_EXTRACTION_OCR"
    result = scan_read_without_ocr(load_settings(environ=environ))
    page_issue = next(i for i in result.issues if i.code == "no_text_layer")
    assert f"OCR is disabled by {origin}." in page_issue.message
    assert f"set {origin} to true" in page_issue.recommendation
    assert f"set {origin} to true" in advice_of(result, "empty_document")
    for advice in result.recommendations:
        assert "--no-ocr" not in advice
        assert "tesseract" not in advice


def test_mixed_unread_pages_advice_names_ocr_fixes():
    settings = load_settings(
        {"extraction": {"ocr": False}}, environ={"DOCFLOW_CONFIG": os.devnull}
    )
    pages = [
        Page(number=1, method="none", flags=["ocr_disabled", "empty"]),
        Page(number=2, method="none", flags=["unreadable_page", "empty"]),
    ]
    document = ExtractedDocument(path="scan.pdf", detected_type="pdf", pages=pages)
    result = analyze_quality(document, settings)
    # The two pages have different advice, so the code's own advice is shown.
    [advice] = [a for a in result.recommendations if a.startswith("Pages 1")]
    assert "turn it on with --ocr or extraction.ocr = true" in advice
    assert f"`{INSTALL_HINT}`" in advice
    assert "extraction.max_ocr_pages" in advice


def test_page_past_ocr_limit_advice_names_limit(settings: Settings):
    pages = [
        Page(number=1, method="ocr", ocr_confidence=91.0, text=PROSE),
        Page(number=2, method="none", flags=["ocr_skipped", "empty"]),
    ]
    document = ExtractedDocument(path="scan.pdf", detected_type="pdf", pages=pages)
    result = analyze_quality(document, settings)
    advice = advice_of(result, "no_text_layer")
    assert "Raise extraction.max_ocr_pages" in advice
    # OCR was on and read page 1, so neither switching it on nor installing
    # tesseract is the fix.
    assert "--ocr" not in advice
    assert "tesseract" not in advice
