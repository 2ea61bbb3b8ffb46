"""Signs that a text is about a category's subject rather than a document of it.

A library's README that builds an invoice in a code sample uses the words
of an invoice as densely as a real invoice does. A blog post with advice on
signing a contract does the same for contracts. The model and the rules then
both give such a text that category with full confidence. Three signs tell such a
text apart:

- much of it is source code (fenced code blocks, ``import``, ``def`` or
  ``pip install`` lines), which no shipped category contains;
- its best guess is a transaction (invoice, receipt, purchase order, bank
  statement) but it states no amount and no date at all. Either alone is
  not enough, because OCR often loses every amount of a photographed
  receipt but keeps its date;
- its best guess is contract, the text is English, and it never refers to
  itself ("this Agreement", "these Terms", "hereby", "herein") as a
  contract binding its parties does.

Each sign was checked on the evaluation set of ``bench/accuracy.py`` and on
``sample_docs/train/``: no document of either shows one for its own category.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from docflow.core.classify._features import _AMOUNT, _DATE
from docflow.core.models import Evidence, Fact

__all__ = ["find_about_text"]

# Characters of the text searched, the default of classification.max_chars.
_SCAN_CHARS = 20_000
# A text is mostly code when at least this share of its non-blank lines, and
# at least MIN_CODE_LINES lines, are code. No document of those two sets
# reaches a share of 0.2 or three code lines.
MIN_CODE_SHARE = 0.3
MIN_CODE_LINES = 3
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_CODE_LINE = re.compile(
    r"^\s*(?:>>>\s|\$\s+\w|(?:pip|pip3|npm|yarn|cargo|gem|go)\s+(?:install|add|get)\s"
    r"|import\s+[\w.]+|from\s+[\w.]+\s+import\s|def\s+\w+\s*\(|class\s+\w+\s*[(:{]"
    r"|#include\s*[<\"]|<\?php|(?:const|let|var)\s+\w+\s*=|function\s+\w+\s*\("
    r"|[A-Za-z_][\w.]*\s*=\s*[\w.]+\(.*\)\s*;?\s*$|[A-Za-z_][\w.]*\(.*\)\s*;?\s*$)"
)
# A number next to a currency symbol or code, for amounts without decimals
# such as "Rs 1939" or "EUR 40".
_CURRENCY_AMOUNT = re.compile(
    r"(?:[€$£¥₹]|\b(?:eur|usd|gbp|chf|pln|zł|inr|rs\.?|aud|cad)\b)\s?\d"
    r"|\d\s?(?:[€$£¥₹]|(?:eur|usd|gbp|chf|pln|zł|inr)\b)",
    re.IGNORECASE,
)
# Ways an English contract names itself. Every English contract of those two
# sets matches at least twice.
# NOTE: contracts in other languages are not checked. Their wordings
# ("il presente contratto", "dieses Vertrags") vary more, and two training
# contracts in Italian and German would need more patterns than were measured.
_SELF_REFERENCE = re.compile(
    r"\b(?:this|these|the\s+present)\s+(?:[\w-]+\s+){0,2}?(?:agreements?|contracts?"
    r"|terms|lease|licen[cs]e|addendum|amendment|deed|memorandum|policy|nda)\b"
    r"|\bhere(?:by|to|under|in|of|inafter)\b",
    re.IGNORECASE,
)


def find_about_text(
    best: str, text: str, facts: Sequence[Fact], language: str | None
) -> Evidence | None:
    """Return evidence that ``text`` discusses ``best`` rather than being one.

    ``facts`` are the key facts found for ``best`` and ``language`` the
    detected language of the text. The signs are listed in the module
    docstring.
    """
    from docflow.core.classify._classify import SENT_TO_REVIEW, TRANSACTION_CATEGORIES

    text = text[:_SCAN_CHARS]
    code, lines = count_code_lines(text)
    if code >= MIN_CODE_LINES and code >= MIN_CODE_SHARE * lines:
        reason = f"source code on {code} of {lines} lines"
    elif best in TRANSACTION_CATEGORIES and not _has_amount_or_date(text, facts):
        reason = "no amount or date found"
    elif best == "contract" and language == "en" and not _SELF_REFERENCE.search(text):
        reason = "no 'this agreement', 'these terms' or 'hereby'"
    else:
        return None
    return Evidence(
        term=f"{reason}, unusual for {best}{SENT_TO_REVIEW}",
        weight=0.0,
        source="rule",
    )


def count_code_lines(text: str) -> tuple[int, int]:
    """Count the source code lines and all non-blank lines of ``text``.

    Fence lines of Markdown code blocks count, but the lines between them only
    when they look like code, because a fenced block may hold a typewritten
    memo.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    code = sum(1 for line in lines if _FENCE.match(line) or _CODE_LINE.match(line))
    return code, len(lines)


def _has_amount_or_date(text: str, facts: Sequence[Fact]) -> bool:
    if any(
        fact.kind in {"total", "tax", "document_date", "due_date"} for fact in facts
    ):
        return True
    return any(
        _AMOUNT.search(line) or _CURRENCY_AMOUNT.search(line) or _DATE.search(line)
        for line in text.splitlines()
        if any(char.isdigit() for char in line)
    )
