"""Classifier input and the layout features computed from it.

The model uses three blocks of features: word TF-IDF, character n-gram TF-IDF
(both over ``normalize_text``) and the layout features below. Layout features
describe the shape of a document rather than its words (header lines, short
``Label: value`` lines, amounts, tables, dates, signatures, references), so
they carry over to languages and wordings the training corpus lacks. Each is
scaled to [0, 1] so that no block dominates the l2-normalised TF-IDF rows.

This module is pure Python (no numpy, no sklearn) because the rules and the
evidence code use it on the CLI path.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from docflow.core._prefilter import (
    LineIndex,
    fold_case,
    may_contain,
    required_literals,
)

if TYPE_CHECKING:
    from docflow.core.models import ExtractedDocument

__all__ = [
    "LAYOUT_FEATURES",
    "ClassifierInput",
    "compute_layout_features",
    "input_from_document",
    "input_from_text",
    "normalize_text",
]

_EMAIL_HEADER = re.compile(
    r"^\s*(from|to|cc|bcc|subject|date|sent|reply-to|von|an|betreff|gesendet|"
    r"de|à|a|objet|envoyé|van|aan|onderwerp|verzonden|od|do|temat|wysłano|"
    r"oggetto|inviato|da)\s*:\s*\S",
    re.IGNORECASE,
)
_LABEL_VALUE = re.compile(r"^\s*[^\W\d_][\w .#/()'&-]{1,40}:\s*\S", re.UNICODE)
# Patterns searched line by line start with a lookahead for the characters
# a match can start with, so the search skips other positions quickly.
_AMOUNT = re.compile(
    r"(?=\d)(?<![\d.,])\d{1,3}(?:[ .,'\u00a0]?\d{3})*[.,]\d{2}(?![\d.,]*\d)"
)
_CURRENCY_SYMBOLS = "€$£¥₹"
_CURRENCY_CODES = (
    r"\b(?:eur|usd|gbp|chf|pln|zł|zl|inr|rs\.?|myr|rm|aud|cad|sek|nok|dkk)\b"
)
_CURRENCY = re.compile(
    rf"(?=[{_CURRENCY_SYMBOLS}eugcpzimrsand])(?:[{_CURRENCY_SYMBOLS}]|{_CURRENCY_CODES})",
    re.IGNORECASE,
)
_TABLE_GAP = re.compile(r"\S(?:\s{2,}|\t|\s*\|\s*)\S")
_DATE = re.compile(
    r"\b(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|"
    r"\d{1,2}\.?\s+[^\W\d_]{3,10}\.?\s+\d{4}|[^\W\d_]{3,10}\.?\s+\d{1,2},?\s+\d{4})\b"
)
_CLOSING = re.compile(
    r"^\s*(sincerely|yours (?:sincerely|faithfully|truly)|best regards|kind regards|"
    r"regards|best wishes|respectfully|mit freundlichen grüßen|mit freundlichen "
    r"grüssen|cordialement|bien à vous|veuillez agréer|met vriendelijke groet|"
    r"hoogachtend|z poważaniem|z wyrazami szacunku|distinti saluti|cordiali saluti)",
    re.IGNORECASE,
)
_SALUTATION = re.compile(
    r"^\s*(dear\b|to whom it may concern|sehr geehrte|liebe[rs]?\b|madame|monsieur|"
    r"chère|cher\b|geachte|beste\b|szanown|gentile|egregio)",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"(?=[\[edap])(?:\[\d{1,3}(?:[,–-]\s*\d{1,3})*\]|\bet al\.|\bdoi\s*[:.]|\barxiv\b|"
    r"\bproceedings\b|\bpp\.\s*\d)",
    re.IGNORECASE,
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+\S")
_NUMBERED_SECTION = re.compile(
    r"^\s*(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|[IVX]{1,4}\.)\s+\S"
)
_BULLET = re.compile(r"^\s*(?:[-*•·▪–]|\(?[a-z]\))\s+\S")
_FORM_FIELD = re.compile(r"(?=[_.\[☐☑☒□■])(?:_{4,}|\.{6,}|\[\s?\]|☐|☑|☒|□|■)")
_NUMBER_TOKEN = re.compile(r"^[\d.,:/%()+-]+$")
_DIGIT = re.compile(r"\d")
# Each alternative of _DATE contains a digit, a separator and a digit, or a
# whitespace character before four digits, so lines without either skip it.
_DATE_DIGITS = re.compile(r"\d[-/.]\d|\s\d{4}")
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Whitespace other than space and tab that can occur inside a line, that is
# whitespace that str.splitlines does not split at.
_OTHER_SPACE = re.compile(r"[^\S \t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# Substrings a text needs before _REFERENCE or _FORM_FIELD can match it.
_REFERENCE_LITERALS = required_literals(_REFERENCE.pattern, re.IGNORECASE, min_chars=1)
_FORM_LITERALS = required_literals(_FORM_FIELD.pattern, min_chars=1)
_CODE_LITERALS = required_literals(_CURRENCY_CODES, re.IGNORECASE)
_CURRENCY_LITERALS = (
    None if _CODE_LITERALS is None else _CODE_LITERALS | set(_CURRENCY_SYMBOLS)
)

#: Names of the layout features, in the column order the model was trained on.
LAYOUT_FEATURES: tuple[str, ...] = (
    "email_header_lines",
    "is_email_file",
    "label_value_share",
    "amount_line_share",
    "currency_line_share",
    "table_line_share",
    "date_line_share",
    "closing_phrase",
    "salutation",
    "reference_markers",
    "headings",
    "numbered_sections",
    "bullet_share",
    "form_field_share",
    "numeric_token_share",
    "uppercase_line_share",
    "short_line_share",
    "mean_line_words",
    "page_count",
    "ocr_share",
    "text_length",
)


@dataclass
class ClassifierInput:
    """The part of one document that the classifier reads."""

    text: str
    pages: int = 1
    ocr_share: float = 0.0
    headings: int = 0
    detected_type: str = "text"
    chars_total: int = 0
    extraction: list[str] = field(default_factory=list)
    language: str | None = None


def input_from_document(document: ExtractedDocument, max_chars: int) -> ClassifierInput:
    """Build the classifier input from the first ``max_chars`` characters."""
    text = document.text
    pages = document.pages
    # Pages left unread by an extraction that stopped at max_chars do not
    # count, so a partial extraction of a scan does not lower the share.
    read = [page for page in pages if "not_read" not in page.flags]
    ocr_pages = sum(1 for page in read if page.method == "ocr")
    return ClassifierInput(
        text=text[:max_chars],
        pages=max(len(pages), 1),
        ocr_share=ocr_pages / len(read) if read else 0.0,
        headings=len(document.headings),
        detected_type=document.detected_type,
        chars_total=len(text),
        extraction=[
            "not_read" if "not_read" in page.flags else page.method for page in pages
        ],
        language=document.language,
    )


def input_from_text(text: str, max_chars: int) -> ClassifierInput:
    """Build the classifier input for bare text, such as a correction given as text."""
    return ClassifierInput(
        text=text[:max_chars], chars_total=len(text), extraction=["native"]
    )


def normalize_text(text: str) -> str:
    """Lower-case the text and map every digit to 0, so amounts and dates generalise."""
    return re.sub(r"\d", "0", text.lower())


def _share(lines: list[str], pattern: re.Pattern[str]) -> float:
    if not lines:
        return 0.0
    return len(list(filter(pattern.search, lines))) / len(lines)


def _share_of(
    candidates: list[str], lines: list[str], pattern: re.Pattern[str]
) -> float:
    """Return the share of ``lines`` that match, searching only ``candidates``."""
    if not lines:
        return 0.0
    return len(list(filter(pattern.search, candidates))) / len(lines)


def _saturate(count: float, scale: float) -> float:
    return min(1.0, count / scale)


def _count_closing_lines(lines: list[str], pattern: re.Pattern[str]) -> int:
    return sum(1 for line in lines if len(line) < 60 and pattern.match(line))


def _count_letters(line: str) -> int:
    """Return ``sum(map(str.isalpha, line))``, deleting ASCII letters in bytes
    when the line is ASCII because that is several times faster."""
    if line.isascii():
        return len(line) - len(line.encode("ascii").translate(None, _ASCII_LETTERS))
    return sum(map(str.isalpha, line))


def _table_line_share(lines: list[str]) -> float:
    """Return the share of ``lines`` that ``_TABLE_GAP`` matches.

    When spaces and tabs are the only whitespace in the lines, a line
    matches exactly when its stripped text contains two whitespace
    characters in a row, a tab, or a "|" with a character either side.
    Substring tests find those faster than the regex does.
    """
    if not lines:
        return 0.0
    if _OTHER_SPACE.search("".join(lines)):
        return _share(lines, _TABLE_GAP)
    count = 0
    for line in lines:
        inner = line.strip()
        if "  " in inner or "\t" in inner or "|" in inner[1:-1]:
            count += 1
    return count / len(lines)


def _currency_line_share(lines: list[str]) -> float:
    """Return the share of ``lines`` that ``_CURRENCY`` matches.

    Only lines with a currency symbol, or a code at the start of a word,
    are searched, because every code in the pattern follows a word boundary.
    """
    if not lines:
        return 0.0
    index = LineIndex(lines)
    candidates = index.lines_with(_CURRENCY_LITERALS, word_start=True)
    found = [number for number in candidates if _CURRENCY.search(lines[number])]
    return len(found) / len(lines)


def _count_references(text: str) -> int:
    if not may_contain(fold_case(text), _REFERENCE_LITERALS):
        return 0
    return len(_REFERENCE.findall(text))


def compute_layout_features(item: ClassifierInput) -> list[float]:
    """Return the layout features of ``item`` in ``LAYOUT_FEATURES`` order."""
    lines = [line for line in item.text.splitlines() if line.strip()]
    words = item.text.split()
    short = [line for line in lines if len(line.strip()) <= 60]
    headings = item.headings or len(list(filter(_MARKDOWN_HEADING.match, lines)))
    letters = [line for line in lines if _count_letters(line) >= 4]
    upper = sum(1 for line in letters if line.upper() == line)
    numeric = len(list(filter(_NUMBER_TOKEN.match, words)))
    # Dates and amounts contain digits, so only lines with digits are searched.
    digits = list(filter(_DIGIT.search, lines))
    header_lines = sum(1 for line in lines[:40] if _EMAIL_HEADER.match(line))

    values = {
        "email_header_lines": _saturate(header_lines, 4),
        "is_email_file": 1.0 if item.detected_type == "eml" else 0.0,
        "label_value_share": (
            sum(1 for line in short if _LABEL_VALUE.match(line)) / len(lines)
            if lines
            else 0.0
        ),
        "amount_line_share": _share_of(digits, lines, _AMOUNT),
        "currency_line_share": _currency_line_share(lines),
        "table_line_share": _table_line_share(lines),
        "date_line_share": _share_of(
            list(filter(_DATE_DIGITS.search, digits)), lines, _DATE
        ),
        "closing_phrase": _saturate(_count_closing_lines(lines, _CLOSING), 1),
        "salutation": _saturate(_count_closing_lines(lines, _SALUTATION), 1),
        "reference_markers": _saturate(_count_references(item.text), 10),
        "headings": _saturate(headings, 20),
        "numbered_sections": _share(lines, _NUMBERED_SECTION),
        "bullet_share": _share(lines, _BULLET),
        "form_field_share": (
            _share(lines, _FORM_FIELD)
            if may_contain(item.text, _FORM_LITERALS)
            else 0.0
        ),
        "numeric_token_share": numeric / len(words) if words else 0.0,
        "uppercase_line_share": upper / len(letters) if letters else 0.0,
        "short_line_share": len(short) / len(lines) if lines else 0.0,
        "mean_line_words": _saturate(len(words) / len(lines), 20) if lines else 0.0,
        "page_count": min(1.0, math.log1p(item.pages) / math.log1p(50)),
        "ocr_share": item.ocr_share,
        "text_length": min(1.0, math.log1p(len(item.text)) / math.log1p(20_000)),
    }
    return [values[name] for name in LAYOUT_FEATURES]
