"""Plural forms in quality messages agree with the numbers they follow.

Each case builds the ExtractedDocument an extractor returns and runs the real
``analyze_quality`` on it, then checks the wording of one issue or note.
"""

from __future__ import annotations

import re

import pytest

from docflow.core.config import Settings
from docflow.core.models import ExtractedDocument, Page, QualityResult
from docflow.core.quality import analyze_quality

PROSE = (
    "The committee met on Tuesday to review the budget for the coming year. "
    "Members asked how the new office would be paid for, and the treasurer "
    "explained that savings from the old lease cover most of the cost. "
    "After a short discussion the plan was approved, and the chair thanked "
    "everyone for their careful questions.\n"
)
# 60 different words in one sentence, longer than quality.long_sentence_words.
LONG_SENTENCE = (
    "When the morning train finally reached the quiet northern station after "
    "seven hours of slow travel through flooded valleys, tired passengers "
    "gathered their heavy bags, searched for waiting relatives, argued with "
    "porters about prices, bought warm bread from a small kiosk near the exit, "
    "and then walked out into bright cold sunshine that made every frozen "
    "puddle on broken pavement sparkle like scattered glass.\n"
)


def analyze(*pages: Page, **quality: object) -> QualityResult:
    settings = Settings.model_validate({"quality": quality})
    document = ExtractedDocument(
        path="scan.pdf", detected_type="pdf", language="en", pages=list(pages)
    )
    return analyze_quality(document, settings)


def prose_page(number: int = 1) -> Page:
    return Page(number=number, method="text_layer", text=PROSE, chars=len(PROSE))


def message(result: QualityResult, code: str) -> str:
    """Return the message of the last issue of ``code``, a page summary if any."""
    messages = [issue.message for issue in result.issues if issue.code == code]
    assert messages, [issue.code for issue in result.issues]
    return messages[-1]


def test_one_distinct_word_is_singular() -> None:
    result = analyze(Page(number=1, method="text_layer", text="buffalo " * 300))
    text = message(result, "few_distinct_words")
    assert "has 300 words but only 1 distinct word, fewer than" in text
    assert "only 1 distinct word, fewer than" in result.metrics["readability_note"]


def test_one_token_without_letters() -> None:
    text = "12345678901234567890"
    result = analyze(Page(number=1, method="text_layer", text=text))
    text = message(result, "no_words")
    assert text.startswith("The one token of the readable text contains no letter,")


def test_several_tokens_without_letters() -> None:
    text = "!!! ... ??? ,,, ;;; --- *** ..."
    result = analyze(Page(number=1, method="text_layer", text=text))
    text = message(result, "no_words")
    assert text.startswith("None of the 8 tokens of the readable text contains")


def test_one_character_page_and_document() -> None:
    page = analyze(prose_page(), Page(number=2, method="text_layer", text="x"))
    assert "Page 2 has 1 non-space character, fewer than" in message(page, "empty_page")
    document = analyze(Page(number=1, method="text_layer", text="x"))
    assert "The document has 1 non-space character, fewer than" in message(
        document, "near_empty_document"
    )


@pytest.mark.parametrize(
    ("pages", "expected"),
    [(1, "No text was found in 1 page."), (2, "No text was found in 2 pages.")],
)
def test_empty_document_counts_pages(pages: int, expected: str) -> None:
    blank = [Page(number=n, method="ocr", text="") for n in range(1, pages + 1)]
    assert message(analyze(*blank), "empty_document") == expected


@pytest.mark.parametrize(
    ("skipped", "expected"),
    [(1, "1 page was not OCR'd, from page 2,"), (2, "2 pages were not OCR'd")],
)
def test_ocr_truncated_counts_pages(skipped: int, expected: str) -> None:
    pages = [
        Page(number=n, method="none", flags=["ocr_skipped", "empty"])
        for n in range(2, skipped + 2)
    ]
    assert expected in message(analyze(prose_page(), *pages), "ocr_truncated")


def test_one_more_page_issue_is_singular() -> None:
    blank = [Page(number=n, method="ocr", text="") for n in (2, 3)]
    result = analyze(prose_page(), *blank, max_page_issues=1)
    assert message(result, "empty_page") == (
        "1 more page has empty_page (page 3); only the first page is listed "
        "(quality.max_page_issues)."
    )


def test_several_more_page_issues_are_plural() -> None:
    blank = [Page(number=n, method="ocr", text="") for n in (2, 3, 4, 5)]
    result = analyze(prose_page(), *blank, max_page_issues=2)
    assert message(result, "empty_page") == (
        "2 more pages have empty_page (pages 4-5); only the first 2 are listed "
        "(quality.max_page_issues)."
    )


def test_one_line_one_word_structure_note() -> None:
    word = "Internationalization"  # 20 characters, so a line to compare
    result = analyze(Page(number=1, method="text_layer", text=word))
    notes = [issue.message for issue in result.issues]
    structure = [note for note in notes if note.startswith("Structure is not")]
    assert len(structure) == 1, notes
    assert "needs 2 lines of 20 or more characters to compare" in structure[0]
    assert "and the text has 1." in structure[0]
    assert "Headings are expected from 1500 words of running text" in structure[0]
    assert structure[0].endswith("and it has 1 word.")
    assert result.metrics["readability_note"].startswith("1 word, fewer than 100")


def test_no_compared_lines_is_plural() -> None:
    result = analyze(Page(number=1, method="text_layer", text="ab cd\nef gh\n" * 3))
    (structure,) = [
        issue.message
        for issue in result.issues
        if issue.message.startswith("Structure is not")
    ]
    assert "needs 2 lines of 20 or more characters to compare" in structure
    assert "and the text has 0." in structure
    assert structure.endswith("and it has 12 words.")


def test_code_list_structure_note() -> None:
    """Enough words to expect headings, but none of them running text."""
    codes = " ".join(f"SKU{1000 + index}" for index in range(1600))
    result = analyze(Page(number=1, method="text_layer", text=codes))
    (structure,) = [
        issue.message
        for issue in result.issues
        if issue.message.startswith("Structure is not")
    ]
    assert "and the text has 1." in structure
    assert structure.endswith("and it has 1600 words, 0 of running text.")


def test_one_long_sentence_is_singular() -> None:
    page = Page(number=1, method="text_layer", text=LONG_SENTENCE)
    text = message(analyze(page, readability_min_words=0), "long_sentences")
    assert text.startswith("1 of 1 sentence (100%) has more than 45 words")
    assert re.search(r"\. The longest has \d+ words\.$", text), text
