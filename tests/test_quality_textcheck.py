"""Quality analysis reuses the garbage judgement made at extraction."""

from __future__ import annotations

from pathlib import Path

import pytest

from docflow.core.config import Settings
from docflow.core.extract import extract_document
from docflow.core.models import ExtractedDocument, Page, TextCheck
from docflow.core.quality import analyze_quality
from docflow.core.textcheck import judge_text, language_may_matter

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus absent")

PROSE = (
    "The committee met on Tuesday to review the budget for the coming year. "
    "Members agreed that the new library should open in the spring, and the "
    "treasurer will report on the costs at the next meeting of the board. "
)


def _document(text: str, check: TextCheck | None) -> ExtractedDocument:
    page = Page(number=1, method="text_layer", text=text, text_check=check)
    page.chars = len(text)
    return ExtractedDocument(path="memo.pdf", detected_type="pdf", pages=[page])


def _garbage_messages(document: ExtractedDocument) -> list[str]:
    result = analyze_quality(document, Settings())
    return [issue.message for issue in result.issues if issue.code == "garbage_text"]


def test_stored_reasons_are_reused() -> None:
    check = TextCheck(reasons=["stored reason"], judged_words=40)
    messages = _garbage_messages(_document(PROSE * 3, check))
    assert len(messages) == 1
    assert "stored reason" in messages[0]


def test_stored_clean_verdict_is_reused() -> None:
    check = TextCheck(reasons=[], judged_words=40, implausible_word_share=0.0)
    assert _garbage_messages(_document(PROSE * 3, check)) == []


def test_language_sensitive_verdict_is_judged_again() -> None:
    # Between 20% and 40% odd words, one language's word list can add a reason.
    check = TextCheck(
        reasons=["stored reason"], judged_words=40, implausible_word_share=0.3
    )
    assert _garbage_messages(_document(PROSE * 3, check)) == []


def test_page_without_check_is_judged() -> None:
    assert _garbage_messages(_document(PROSE * 3, None)) == []


@pytest.mark.parametrize(
    ("judged_words", "implausible_share", "ocr_confidence", "expected"),
    [
        (40, 0.1, None, False),
        (40, 0.3, None, True),
        (40, 0.5, None, False),  # garbage by word shape in every language
        (20, 0.3, None, False),  # too few words for the dictionary rule
        (40, 0.1, 30.0, True),  # low OCR confidence reads the word share
        (40, 0.1, 80.0, False),
        (5, 0.1, 30.0, False),
    ],
)
def test_language_may_matter(
    judged_words: int,
    implausible_share: float,
    ocr_confidence: float | None,
    expected: bool,
) -> None:
    assert (
        language_may_matter(judged_words, implausible_share, ocr_confidence) is expected
    )


def test_verdict_records_judged_words() -> None:
    verdict = judge_text(PROSE)
    assert verdict.judged_words == len(PROSE.split())


@needs_corpus
@pytest.mark.parametrize(
    "relative",
    [
        "edge/ocrmy__truetype_font_nomapping.pdf",
        "edge/plumb__issue-71-duplicate-chars.pdf",
        "labeled/report/plumb__ca-warn-report.pdf",
    ],
)
def test_reuse_gives_same_quality(relative: str) -> None:
    settings = Settings()
    settings.extraction.ocr = False
    document = extract_document(str(CORPUS / relative), settings)
    assert any(page.text_check is not None for page in document.pages)
    stripped = document.model_copy(deep=True)
    for page in stripped.pages:
        page.text_check = None
    reused = analyze_quality(document, settings)
    judged = analyze_quality(stripped, settings)
    assert reused.model_dump() == judged.model_dump()
