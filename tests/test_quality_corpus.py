"""analyze_quality on documents read by the real extractors (tesseract included)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docflow.core.config import Settings
from docflow.core.extract import extract_document
from docflow.core.models import QualityResult
from docflow.core.quality import analyze_quality

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
EDGE = CORPUS / "edge"
TRAIN = Path(__file__).resolve().parents[1] / "sample_docs" / "train"

pytestmark = [
    pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not present"),
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract"),
]


def analyze_file(path: Path) -> QualityResult:
    settings = Settings()
    return analyze_quality(extract_document(str(path), settings), settings)


def codes_by_page(result: QualityResult) -> set[tuple[str, int | None]]:
    return {(issue.code, issue.page) for issue in result.issues}


def test_blank_scan_is_empty_document() -> None:
    result = analyze_file(EDGE / "ocrmy__blank.pdf")
    assert codes_by_page(result) == {("empty_document", None), ("no_words", None)}
    assert result.metrics["empty_pages"] == 1
    assert result.overall_score == 0.0
    assert result.readability_score is None


def test_garbled_text_layer_not_called_ocr() -> None:
    """The page keeps its text layer, so no OCR misread its words."""
    result = analyze_file(EDGE / "plumb__issue-192-example.pdf")
    [issue] = [issue for issue in result.issues if issue.code == "garbage_text"]
    assert result.metrics["ocr_pages"] == 0
    assert "of words look garbled" in issue.message
    assert "OCR" not in issue.message


def test_interleaved_empty_pages_found() -> None:
    result = analyze_file(EDGE / "unst__layout-parser-paper-with-empty-pages.pdf")
    empty = sorted(i.page for i in result.issues if i.code == "empty_page")
    assert empty == [2, 3]
    assert "empty_document" not in {issue.code for issue in result.issues}
    assert result.metrics["empty_pages"] == 2
    assert 0 < result.content_quality_score < 100


def test_scanned_page_read_by_ocr_is_clean() -> None:
    result = analyze_file(EDGE / "docling__ocr_test.pdf")
    assert result.metrics["ocr_share"] == 1.0
    assert result.metrics["mean_ocr_confidence"] > 60
    assert "low_ocr_confidence" not in {issue.code for issue in result.issues}
    assert "garbage_text" not in {issue.code for issue in result.issues}


def test_chinese_image_ocr_with_eng_is_garbage() -> None:
    result = analyze_file(EDGE / "unst__chi_sim_image.jpeg")
    assert ("garbage_text", 1) in codes_by_page(result)
    assert result.metrics["garbage_pages"] == 1
    assert result.content_quality_score <= 20.0


def test_xml_saved_as_txt_is_mismatch() -> None:
    result = analyze_file(EDGE / "docling__elife-56337.txt")
    issue = next(i for i in result.issues if i.code == "extension_mismatch")
    assert ".txt" in issue.message
    assert result.metrics["extension_mismatch"] is True


def test_self_drawing_pdf_is_repeated_phrase() -> None:
    """A PDF whose form XObjects draw themselves yields "Hello world" repeated."""
    result = analyze_file(EDGE / "pminer__issue-1113-evil-xobjects.pdf")
    codes = {issue.code for issue in result.issues}
    assert "repeated_phrase" in codes
    assert result.metrics["repeated_phrase_words"] == 2
    assert result.content_quality_score == 30.0
    assert result.overall_score == 30.0
    assert "short by design" not in result.recommendations[0]


@pytest.mark.parametrize(
    "path",
    [
        # The highest repeated_phrase_share of the labeled documents (0.35):
        # entries of its reference list repeat "In Proceedings of the".
        TRAIN / "scientific_paper" / "037_conference_paper_en.txt",
        # A list of 63 URLs, each repeating the same host and path.
        CORPUS / "labeled" / "email" / "unst__email-no-html-content-1.eml",
        # Its second page repeats the first, which repeats a phrase of 45
        # words across pages: a share of 0.5 if pages were ignored.
        CORPUS / "labeled" / "invoice" / "pminer__issue-625-identity-cmap.pdf",
    ],
    ids=lambda path: path.stem,
)
def test_repetitive_real_document_not_repeated_phrase(path: Path) -> None:
    result = analyze_file(path)
    assert "repeated_phrase" not in {issue.code for issue in result.issues}
    assert result.metrics["repeated_phrase_share"] < 0.6
