"""Quality scores of text without words, sentences or lines to judge.

Each document is a real file written under tmp_path and read by the real
extractor. Readability and structure must be absent (None) where the text
gives them nothing to measure, never 100, and an issue must explain it.
"""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

import pytest

from docflow.cli._render import print_document
from docflow.core.config import Settings
from docflow.core.extract import extract_document
from docflow.core.models import DocumentResult, ExtractedDocument, Page, QualityResult
from docflow.core.quality import analyze_quality, render_report
from docflow.core.quality._text import PHRASE_SAMPLE_TOKENS, measure_phrase_repetition
from docflow.core.store import FileStat, ResultWriter, Store

PUNCTUATION = "!!! ... ??? ,,, ;;; --- *** ... !!! ???\n\n.... ,,,, !!!! ????\n"
SYMBOLS = "@#$%^&*()_+=<>/\\|~" * 20 + "\n"
NUMBERS = " ".join(str(number) for number in range(1000, 1030)) + "\n"
EMOJI = "😀 🎉 ✨ 🚀 ❤️ 👍 🔥 💡 ★ ☆ ♥ ♦ → ← ↑ ↓ " * 10 + "\n"
ONE_WORD = ("buffalo " * 300).strip() + "\n"
ONE_WORD_LINES = "buffalo\n" * 300
# More words than quality.long_sentence_words (45), fewer than
# quality.readability_min_words (100).
ONE_WORD_SHORT = ("buffalo " * 60).strip() + "\n"
# One sentence of 59 words, 15 of them distinct, and no full stop.
LONG_SENTENCE = (
    "the clerk filed the form and the judge read the note and "
    "the court clerk sent the form back to the judge with a note "
) * 2 + "and the judge signed the form the clerk filed\n"
ONE_LINE = (
    "The committee approved the budget for the next fiscal year after a long "
    "discussion about costs.\n"
)
# "Hello world" repeated on one line, as read from a PDF whose form XObjects
# draw themselves (46 words, 7 distinct).
HELLO_LINE = "Hello world " * 20 + "He\no wod He\nwo\nd\n"
# Lines shorter than the 20 characters that repeated_text compares.
HELLO_LINES = "Hello world\n" * 23
# 130 words, 11 distinct, and no full stop, so readability and long_sentences
# would take it for one sentence.
SENTENCE_REPEATED = (
    "the quick brown fox jumps over the lazy dog near the old barn " * 10
).strip() + "\n"
# A paragraph of 40 words, longer than the 30-word phrases all tried.
PARAGRAPH = (
    "The committee reviewed the proposal in detail and agreed that the budget "
    "for the coming year should cover repairs to the roof of the library, "
    "training for the staff and a reserve for the heating before the winter "
    "season begins."
)


def number_table() -> str:
    """A Markdown table of 30 rows of five random figures under a letter header."""
    generator = random.Random(7)
    rows = [
        "| " + " | ".join(str(generator.randint(100, 99999)) for _ in range(5)) + " |"
        for _ in range(30)
    ]
    return "| a | b | c | d | e |\n|---|---|---|---|---|\n" + "\n".join(rows) + "\n"


def analyze_file(folder: Path, name: str, text: str) -> QualityResult:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    settings = Settings()
    return analyze_quality(extract_document(str(path), settings), settings)


def codes(result: QualityResult) -> list[str]:
    return sorted(issue.code for issue in result.issues)


# name, text, readability, structure, content, overall, issue codes
WORDLESS_CASES = [
    (
        "punct.txt",
        PUNCTUATION,
        None,
        None,
        30.0,
        30.0,
        ["near_empty_document", "no_words"],
    ),
    ("symbols.txt", SYMBOLS, None, None, 30.0, 30.0, ["no_words"]),
    ("numbers.txt", NUMBERS, None, None, 30.0, 30.0, ["no_words"]),
    (
        "emoji.txt",
        EMOJI,
        None,
        None,
        20.0,
        20.0,
        ["garbage_text", "score_not_applicable", "score_not_applicable"],
    ),
    (
        "one-word.txt",
        ONE_WORD,
        None,
        None,
        30.0,
        30.0,
        ["few_distinct_words", "score_not_applicable"],
    ),
    (
        "one-word-lines.txt",
        ONE_WORD_LINES,
        None,
        None,
        30.0,
        30.0,
        ["few_distinct_words", "score_not_applicable"],
    ),
    (
        "one-word-short.txt",
        ONE_WORD_SHORT,
        None,
        None,
        30.0,
        30.0,
        ["repeated_phrase", "score_not_applicable"],
    ),
    (
        "hello-line.txt",
        HELLO_LINE,
        None,
        None,
        30.0,
        30.0,
        ["repeated_phrase", "score_not_applicable"],
    ),
    (
        "hello-lines.txt",
        HELLO_LINES,
        None,
        None,
        30.0,
        30.0,
        ["repeated_phrase", "score_not_applicable"],
    ),
    (
        "sentence-repeated.txt",
        SENTENCE_REPEATED,
        None,
        None,
        30.0,
        30.0,
        ["repeated_phrase", "score_not_applicable"],
    ),
    (
        "one-line.txt",
        ONE_LINE,
        None,
        None,
        100.0,
        100.0,
        ["score_not_applicable", "score_not_applicable"],
    ),
    (
        "figures.md",
        number_table(),
        None,
        100.0,
        100.0,
        100.0,
        ["score_not_applicable"],
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "readability", "structure", "content", "overall", "issues"),
    WORDLESS_CASES,
    ids=[case[0] for case in WORDLESS_CASES],
)
def test_wordless_text_scores(
    tmp_path: Path,
    name: str,
    text: str,
    readability: float | None,
    structure: float | None,
    content: float,
    overall: float,
    issues: list[str],
) -> None:
    result = analyze_file(tmp_path, name, text)
    assert result.readability_score == readability
    assert result.structure_score == structure
    assert result.content_quality_score == content
    assert result.overall_score == overall
    assert codes(result) == issues


@pytest.mark.parametrize(
    "text", ["   \n\t\n  \n", "\n\n\n", "\u00a0\u2003\n", "\u200b\u00a0\u3000\ufeff\n"]
)
def test_whitespace_file_not_scored(tmp_path: Path, text: str) -> None:
    result = analyze_file(tmp_path, "blank.txt", text)
    assert result.readability_score is None
    assert result.structure_score is None
    assert result.content_quality_score == 0.0
    assert result.overall_score == 0.0
    assert codes(result) == ["empty_document", "no_words"]


def test_whitespace_file_metrics_match_text(tmp_path: Path) -> None:
    blank = analyze_file(tmp_path, "blank.txt", "   \n\t\n")
    punctuation = analyze_file(tmp_path, "punct.txt", PUNCTUATION)
    assert blank.metrics.keys() == punctuation.metrics.keys()
    assert blank.metrics["letter_words"] == 0
    assert blank.metrics["readability_applicable"] is False
    assert blank.metrics["flesch_reading_ease"] is None


def test_whitespace_no_words_message(tmp_path: Path) -> None:
    result = analyze_file(tmp_path, "blank.txt", "   \n\t\n")
    (issue,) = [issue for issue in result.issues if issue.code == "no_words"]
    assert issue.message == (
        "The document has no text, so readability and structure are not scored."
    )
    # A text file gets the advice of empty_document, without OCR, listed once.
    assert "OCR" not in issue.recommendation
    assert len(result.recommendations) == len(set(result.recommendations))


@pytest.mark.parametrize(
    ("text", "words"),
    [("Hello.\n", 1), ("Hello world.\n", 2), ("Approved.\n", 1), ("Invoice 42\n", 2)],
)
def test_one_line_note_words_counted(tmp_path: Path, text: str, words: int) -> None:
    result = analyze_file(tmp_path, "note.txt", text)
    assert result.metrics["words"] == words
    assert result.metrics["readability_note"].startswith(f"{words} word")


@pytest.mark.parametrize("text", ["Hello.\n", "Approved.\n", "Invoice 42\n"])
def test_one_line_note_not_blank_page(tmp_path: Path, text: str) -> None:
    result = analyze_file(tmp_path, "note.txt", text)
    assert "empty_page" not in codes(result)
    assert result.metrics["empty_pages"] == 0
    assert not any("blank" in advice for advice in result.recommendations)


def test_no_words_message_counts_tokens(tmp_path: Path) -> None:
    result = analyze_file(tmp_path, "punct.txt", PUNCTUATION)
    (issue,) = [issue for issue in result.issues if issue.code == "no_words"]
    assert issue.severity == "warning"
    assert "None of the 14 tokens" in issue.message
    assert "readability and structure are not scored" in issue.message
    assert result.metrics["letter_words"] == 0


def test_one_word_readability_note(tmp_path: Path) -> None:
    result = analyze_file(tmp_path, "one-word.txt", ONE_WORD)
    assert result.metrics["distinct_words"] == 1
    assert result.metrics["readability_applicable"] is False
    assert "only 1 distinct word, fewer than" in result.metrics["readability_note"]


def test_long_sentence_of_short_text_flagged(tmp_path: Path) -> None:
    result = analyze_file(tmp_path, "long-sentence.txt", LONG_SENTENCE)
    assert result.metrics["distinct_words"] >= 10
    assert result.metrics["readability_applicable"] is False
    assert "long_sentences" in codes(result)


def test_repeated_phrase_message(tmp_path: Path) -> None:
    result = analyze_file(tmp_path, "hello-line.txt", HELLO_LINE)
    (issue,) = [issue for issue in result.issues if issue.code == "repeated_phrase"]
    assert issue.severity == "warning"
    assert issue.message == (
        "83% of the 46 words of the readable text repeat the 2 words before "
        "them, as in 'Hello world' repeated back to back. That is more than 60%, "
        "so the text is one phrase repeated and readability is not scored."
    )
    assert result.recommendations[0] == issue.recommendation
    assert result.metrics["repeated_phrase_share"] == 0.826
    assert result.metrics["repeated_phrase_words"] == 2


def test_repeated_phrase_of_long_text_sampled(tmp_path: Path) -> None:
    # Only the first 2,000 tokens are searched, and the message states it.
    phrase = "the quick brown fox jumps over the lazy dog near our old red barn "
    result = analyze_file(tmp_path, "phrase-long.txt", phrase * 300)
    (issue,) = [issue for issue in result.issues if issue.code == "repeated_phrase"]
    assert issue.message.startswith("99% of the first 2000 words of the readable")
    assert result.metrics["repeated_phrase_words"] == 14


@pytest.mark.parametrize("wrapped", [False, True], ids=["one-line", "wrapped"])
def test_pasted_paragraph_is_repeated_phrase(tmp_path: Path, wrapped: bool) -> None:
    text = " ".join([PARAGRAPH] * 20)
    if wrapped:
        # Wrapped at 72 columns, most copies start mid-line.
        text = textwrap.fill(text, width=72)
    result = analyze_file(tmp_path, "pasted.txt", text + "\n")
    assert "repeated_phrase" in codes(result)
    assert result.metrics["repeated_phrase_words"] == 40
    assert result.metrics["repeated_phrase_share"] == 0.95
    assert result.content_quality_score == 30.0
    assert result.readability_score is None


def test_paragraph_read_twice_not_repeated_phrase(tmp_path: Path) -> None:
    # Two copies repeat at most half the words, below the 60% limit.
    result = analyze_file(tmp_path, "twice.txt", f"{PARAGRAPH} {PARAGRAPH}\n")
    assert "repeated_phrase" not in codes(result)
    assert result.metrics["repeated_phrase_words"] == 40
    assert result.metrics["repeated_phrase_share"] == 0.5


def test_copied_pages_not_repeated_phrase() -> None:
    # An original and two copies: each page repeats the one before it.
    pages = [
        Page(number=number, method="text_layer", text=PARAGRAPH) for number in (1, 2, 3)
    ]
    document = ExtractedDocument(path="copies.pdf", detected_type="pdf", pages=pages)
    result = analyze_quality(document, Settings())
    assert "repeated_phrase" not in codes(result)
    assert "repeated_text" in codes(result)
    assert result.metrics["repeated_phrase_share"] < 0.6


class UnreadText(str):
    """A page text that fails the test when its lines are split."""

    def splitlines(self, keepends: bool = False) -> list[str]:
        raise AssertionError("text after the phrase sample was read")


def test_phrase_sample_stops_reading() -> None:
    first = "the quick brown fox jumps over the lazy dog\n" * 300
    repetition = measure_phrase_repetition([first, UnreadText("more")], 5000)
    assert repetition.words_read == PHRASE_SAMPLE_TOKENS
    assert repetition.phrase_words == 9


def test_repeated_sentence_readability_note(tmp_path: Path) -> None:
    result = analyze_file(tmp_path, "sentence-repeated.txt", SENTENCE_REPEATED)
    assert result.metrics["words"] == 130
    assert result.metrics["distinct_words"] >= 10
    assert result.metrics["repeated_phrase_words"] == 13
    assert result.metrics["readability_applicable"] is False
    assert result.metrics["readability_note"] == (
        "90% of the words repeat one phrase back to back"
    )
    assert result.metrics["flesch_reading_ease"] is None
    assert "long_sentences" not in codes(result)


@pytest.mark.parametrize(
    "text",
    [
        "Approved.\n",
        "Hi Anna,\nthe meeting moved to Tuesday at 10.\nThanks, Ben\n",
        "Thank you, thank you, thank you!\n",
        # 18 words: the phrase repeats, but the text is too short to judge.
        "Yes, yes! " * 9 + "\n",
    ],
    ids=["approved", "three-line-note", "thank-you", "eighteen-words"],
)
def test_short_text_not_repeated_phrase(tmp_path: Path, text: str) -> None:
    result = analyze_file(tmp_path, "note.txt", text)
    assert "repeated_phrase" not in codes(result)
    assert result.metrics["letter_words"] < 20


PAYEES = ("Card payment TESCO STORES", "Card payment SHELL FUEL", "Transfer to SAVINGS")
STATEMENT = "BANK STATEMENT\nDate Description Amount Balance\n" + "".join(
    f"{day:02d}/05/2024 {PAYEES[day % 3]} -{day * 3}.25 {2000 - day * 40}.50\n"
    for day in range(1, 31)
)
PAYSLIP = "PAYSLIP\n" + "".join(
    f"Week {week}: Regular hours 40 Overtime hours 0 Gross pay 800.00\n"
    for week in range(1, 13)
)
SIGN_UP_SHEET = "SIGN-UP SHEET\n" + "Name: ________\nSignature: ________\n" * 15


@pytest.mark.parametrize(
    "text",
    [STATEMENT, PAYSLIP, SIGN_UP_SHEET],
    ids=["statement", "payslip", "sign-up-sheet"],
)
def test_table_rows_not_repeated_phrase(tmp_path: Path, text: str) -> None:
    # Rows repeat their labels by design; their numbers or blanks differ.
    result = analyze_file(tmp_path, "table.txt", text)
    assert "repeated_phrase" not in codes(result)


def test_number_table_readability_reason(tmp_path: Path) -> None:
    result = analyze_file(tmp_path, "figures.md", number_table())
    (issue,) = result.issues
    assert issue.severity == "info"
    assert issue.message.startswith("Readability is not scored")
    assert "mostly numbers" in issue.message
    assert issue.recommendation


def test_single_line_structure_reason(tmp_path: Path) -> None:
    result = analyze_file(tmp_path, "one-line.txt", ONE_LINE)
    messages = [issue.message for issue in result.issues]
    assert any(message.startswith("Structure is not scored") for message in messages)
    assert any("quality.headings_expected_words" in message for message in messages)


def test_two_prose_paragraphs_keep_structure(tmp_path: Path) -> None:
    text = ONE_LINE + "\n" + ONE_LINE.replace("budget", "hiring plan")
    result = analyze_file(tmp_path, "two-lines.txt", text)
    assert result.structure_score == 100.0
    assert "Structure is not scored" not in " ".join(i.message for i in result.issues)


def stored_result(tmp_path: Path) -> DocumentResult:
    quality = analyze_file(tmp_path, "punct.txt", PUNCTUATION)
    return DocumentResult(
        path=str(tmp_path / "punct.txt"),
        status="ok",
        content_hash="h-punct",
        size=len(PUNCTUATION),
        detected_type="text",
        pages=1,
        quality=quality,
    )


def test_absent_scores_stored_as_null(tmp_path: Path) -> None:
    store = Store(tmp_path / "db" / "docflow.duckdb", lock_timeout=30.0)
    result = stored_result(tmp_path)
    with ResultWriter(store, fingerprint="fp", flush_rows=10) as writer:
        writer.add(result, stat=FileStat(result.path, result.size or 0, 7))
    (stored,) = Store(store.path).results()
    quality = stored.result.quality
    assert quality is not None
    assert quality.readability_score is None
    assert quality.structure_score is None
    assert quality.content_quality_score == 30.0
    assert quality.overall_score == 30.0


def test_markdown_report_marks_absent_scores(tmp_path: Path) -> None:
    report = render_report([stored_result(tmp_path)])
    row = next(line for line in report.splitlines() if "punct.txt" in line)
    assert "| 30.0 | n/a | n/a | 30.0 |" in row


def test_cli_detail_whitespace_not_scored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "   \n\t\n"
    result = DocumentResult(
        path=str(tmp_path / "blank.txt"),
        status="ok",
        content_hash="h-blank",
        size=len(text),
        detected_type="text",
        pages=1,
        quality=analyze_file(tmp_path, "blank.txt", text),
    )
    print_document(result.model_dump(mode="json"))
    output = capsys.readouterr().out
    assert "readability not scored" in output
    assert "structure not scored" in output
    assert "content 0.0" in output


def test_cli_detail_marks_absent_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = stored_result(tmp_path).model_dump(mode="json")
    print_document(record)
    output = capsys.readouterr().out
    assert "readability not scored" in output
    assert "structure not scored" in output
    assert "content 30.0" in output
