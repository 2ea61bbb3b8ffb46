"""Tests of the substring filters that run before the facts and rule regexes."""

from __future__ import annotations

import re
import sys

import pytest

from docflow.core import facts
from docflow.core._prefilter import (
    LineIndex,
    fold_case,
    may_contain,
    required_literals,
)
from docflow.core.config import Settings


def _all_characters() -> str:
    return "".join(
        chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code < 0xE000
    )


def _filtered_patterns() -> list[str]:
    """Return the patterns that facts and the shipped rules filter by literals."""
    patterns = [pattern for _, pattern in facts._TOTAL_LABELS]
    patterns += [pattern for _, pattern in facts._TAX_LABELS]
    patterns += [pattern for _, pattern in facts._DOCUMENT_DATE_LABELS]
    patterns += [
        facts._DUE_DATE_LABELS.pattern,
        facts._SENDER_LABELS.pattern,
        facts._RECIPIENT_LABELS.pattern,
        facts._CURRENCY_TOKEN,
    ]
    for rule in Settings().classification.rules.values():
        patterns += list(rule.patterns)
        patterns += [re.escape(term) for term in rule.keywords]
    return patterns


def test_fold_case_agrees_with_ignorecase() -> None:
    # Every character that re.IGNORECASE matches to a letter of a filtered
    # literal must fold to that letter's folded form.
    letters = set()
    for pattern in _filtered_patterns():
        for literal in required_literals(pattern, re.IGNORECASE, min_chars=1) or ():
            letters.update(literal)
    letters.update("abcdefghijklmnopqrstuvwxyz")
    everything = _all_characters()
    for letter in sorted(letters):
        for match in re.finditer(re.escape(letter), everything, re.IGNORECASE):
            assert fold_case(match.group(0)) == fold_case(letter), (
                f"{match.group(0)!r} (U+{ord(match.group(0)):04X}) matches "
                f"{letter!r} but folds differently"
            )


def test_fold_case_dotted_capital_i() -> None:
    assert fold_case("İNVOICE") == "invoice"


def test_fold_case_long_s_and_dotless_i() -> None:
    assert fold_case("ſum total") == "sum total"
    assert fold_case("ınvoıce") == "invoice"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"grand\s*total|amount\s*due", {"grand", "amount"}),
        (r"\btotal|\bsumme\b|\bsum\b", {"total", "sum"}),
        (r"^\s*(?:tax\s+)?invoice\b", {"invoice"}),
        (r"in\s*favou?r\s*of", {"favo"}),
        (r"(?:abc)+def", {"abc"}),
        (r"INVOICE", {"invoice"}),
        (r"_{8,}", {"________"}),
        (r"x(?:ab){2}y", {"abab"}),
    ],
)
def test_required_literals_found(pattern: str, expected: set[str]) -> None:
    assert required_literals(pattern, re.IGNORECASE) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        r"\d+[.,]\d{2}",  # no literal at all
        r"total|\d+",  # one alternative without a literal
        r"(?:total)?x",  # the literal is optional
        r"a|b",  # literals too short to filter
        "[",  # invalid
    ],
)
def test_required_literals_unknown(pattern: str) -> None:
    assert required_literals(pattern, re.IGNORECASE) is None


def test_required_literals_drops_longer_duplicates() -> None:
    assert required_literals(r"sum|summe|suma", re.IGNORECASE) == {"sum"}


def test_may_contain() -> None:
    assert may_contain("grand total", frozenset({"total"}))
    assert not may_contain("grand sum", frozenset({"total"}))
    assert may_contain("anything", None)


def test_line_index_lines_with() -> None:
    index = LineIndex(["Invoice", "no label", "TOTAL 5.00", "sub total"])
    assert index.lines_with(frozenset({"total"})) == [2, 3]
    assert index.lines_with(frozenset({"nothing"})) == []
    assert index.lines_with(None) == [0, 1, 2, 3]


def test_line_index_word_start_skips_inner_matches() -> None:
    index = LineIndex(["terms and forms", "Rs. 100", "paid in RM", "x_rm", "5rm"])
    assert index.lines_with(frozenset({"rs", "rm"}), word_start=True) == [1, 2]


def test_line_index_word_start_keeps_symbols() -> None:
    index = LineIndex(["total10€", "none"])
    assert index.lines_with(frozenset({"€"}), word_start=True) == [0]


def test_line_index_word_start_ignored_after_dropped_dot() -> None:
    # Folding drops U+0307, so "x\u0307rm" folds to "xrm" although the
    # re finds a word boundary between the combining dot and "r".
    index = LineIndex(["x\u0307rm 5"])
    assert re.search(r"\brm\b", "x\u0307rm 5", re.IGNORECASE)
    assert index.lines_with(frozenset({"rm"}), word_start=True) == [0]


def test_line_index_line_at() -> None:
    index = LineIndex(["ab", "", "cde:"])
    # The folded text is "ab\n\ncde:"; a line break belongs to the line it ends.
    assert [index.line_at(position) for position in range(8)] == [
        0, 0, 0, 1, 2, 2, 2, 2
    ]  # fmt: skip


def test_line_index_after_folding_changes_length() -> None:
    index = LineIndex(["İİİ", "x", "total"])
    assert index.lines_with(frozenset({"total"})) == [2]


def _sample_lines() -> list[str]:
    lines = [
        "Grand Total: 1.234,56 EUR",
        "TOTAL DUE  $ 12.00",
        "Amount\u00a0due 5,00 €",
        "Invoice Date: 12 March 2024",
        "Sold by: Acme GmbH",
        "BILL TO",
        "Rechnungsbetrag: 99,00",
        "Razem do zapłaty 10,00 zł",
        "ſum 3.00",
        "İNVOICE NUMBER 12",
        "Payment due by 2024-04-01",
        "nothing to see here",
        "Subtotal 5.00",
        "Total incl. VAT 6.00",
    ]
    return lines + [line.upper() for line in lines] + [line.lower() for line in lines]


@pytest.mark.parametrize("pattern", _filtered_patterns())
def test_filter_keeps_every_matching_line(pattern: str) -> None:
    literals = required_literals(pattern, re.IGNORECASE | re.MULTILINE, min_chars=1)
    compiled = re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    lines = _sample_lines()
    kept = set(LineIndex(lines).lines_with(literals))
    for number, line in enumerate(lines):
        if compiled.search(line):
            assert number in kept, f"{pattern!r} matches {line!r}"
