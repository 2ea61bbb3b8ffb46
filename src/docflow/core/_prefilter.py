"""Substring tests that rule out a regular expression before it runs.

Python's ``re`` finds no fixed prefix to skip ahead with in a
case-insensitive alternation such as ``grand\\s*total|amount\\s*due|...``,
so it tries every alternative at every position of the text. Most lines and
most documents contain none of the words such a pattern needs, and a
substring test (``in``, ``str.find``) rules them out in a fraction of the
time. ``required_literals`` lists the words a pattern cannot match without,
``fold_case`` puts text and words in one case, and ``LineIndex`` finds the
lines of a document that contain any of the words.

The tests are only filters: a line they keep still goes through the real
pattern, so results are the same with and without them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["LineIndex", "fold_case", "may_contain", "required_literals"]

#: Lower-case letters that ``re.IGNORECASE`` treats as equal although
#: ``str.lower`` keeps them apart (CPython 3.11, ``re._casefix``). The first
#: letter of each group stands for the others in folded text.
_IGNORECASE_GROUPS = (
    "iı", "sſ", "µμ", "ιͅι", "βϐ", "εϵ", "θϑ", "κϰ", "πϖ", "ρϱ", "σς", "φϕ",
    "вᲀ", "дᲁ", "оᲂ", "сᲃ", "тᲄᲅ", "ъᲆ", "ѣᲇ", "ꙋᲈ", "ṡẛ", "ﬅﬆ", "ΐΐ", "ΰΰ",
)  # fmt: skip
_FOLD_TABLE: dict[int, str | None] = {
    ord(other): group[0] for group in _IGNORECASE_GROUPS for other in group[1:]
}
# "İ".lower() is "i" followed by U+0307 COMBINING DOT ABOVE, while the regex
# engine lowers it to a plain "i". Dropping U+0307 keeps "İNVOICE" findable.
_FOLD_TABLE[0x0307] = None
_NEEDS_TABLE = re.compile("[" + "".join(chr(code) for code in _FOLD_TABLE) + "]")
#: Literals shorter than this filter too little to be worth a search.
MIN_LITERAL_CHARS = 2
#: Copies of a repeated literal put in the filter; more add nothing useful.
_MAX_REPEAT_COPIES = 8
_LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def fold_case(text: str) -> str:
    """Return ``text`` lower-cased so that case-insensitive regex matches
    of a literal are substring matches of the folded literal.

    Folding works character by character, except that "İ" becomes "i" and
    U+0307 is dropped, so lengths and offsets may differ from ``text``.
    """
    folded = text.lower()
    if _NEEDS_TABLE.search(folded) is None:
        return folded
    # str.replace per character present beats str.translate on long text.
    for code, replacement in _FOLD_TABLE.items():
        char = chr(code)
        if char in folded:
            folded = folded.replace(char, replacement or "")
    return folded


def required_literals(
    pattern: str, flags: int = 0, *, min_chars: int = MIN_LITERAL_CHARS
) -> frozenset[str] | None:
    """Return folded strings of which every match of ``pattern`` contains one.

    Returns None when no such set is known: the pattern cannot be parsed, an
    alternative has no literal of ``min_chars`` characters, or a literal
    spans a line break. Callers then run the pattern unfiltered.
    """
    try:
        from re import _parser  # private, but stable across CPython 3.11-3.13
    except ImportError:  # pragma: no cover - a Python without re._parser
        return None
    try:
        parsed = _parser.parse(pattern, flags)
    except (re.error, TypeError, ValueError, RecursionError):
        return None
    literals = _sequence_literals(list(parsed))
    if not literals or min(len(text) for text in literals) < min_chars:
        return None
    if any(_LINE_BREAKS.search(text) for text in literals):
        return None
    folded = {fold_case(text) for text in literals}
    if "" in folded:
        return None
    # A literal that contains another one adds nothing to the filter.
    return frozenset(
        text
        for text in folded
        if not any(other != text and other in text for other in folded)
    )


def _sequence_literals(items: list[tuple[Any, Any]]) -> set[str] | None:
    """Return the best required set of a sequence of parsed items, or None.

    Every item of a sequence is required, so any one of them that needs one
    of a set of literals makes that set required for the whole sequence. The
    set whose shortest literal is longest filters best.
    """
    from re import _constants as sre

    options: list[set[str]] = []
    run: list[str] = []
    for op, value in items:
        if op is sre.LITERAL:
            run.append(chr(value))
            continue
        if run:
            options.append({"".join(run)})
            run = []
        nested = _item_literals(op, value)
        if nested:
            options.append(nested)
    if run:
        options.append({"".join(run)})
    if not options:
        return None
    return max(options, key=lambda option: (min(map(len, option)), -len(option)))


def _item_literals(op: Any, value: Any) -> set[str] | None:
    from re import _constants as sre

    if op is sre.SUBPATTERN:
        return _sequence_literals(list(value[3]))
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _sequence_literals(list(value))
    if op is sre.BRANCH:
        union: set[str] = set()
        for alternative in value[1]:
            found = _sequence_literals(list(alternative))
            if not found:
                return None
            union |= found
        return union
    repeats = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None))
    if op in repeats and value[0] >= 1:
        body = list(value[2])
        if all(item_op is sre.LITERAL for item_op, _ in body):
            # A repeated literal ("_{8,}") needs its minimum count in a row.
            run = "".join(chr(code) for _, code in body)
            return {run * min(value[0], _MAX_REPEAT_COPIES)}
        return _sequence_literals(body)
    return None


def may_contain(folded_text: str, literals: Iterable[str] | None) -> bool:
    """Return False only when ``folded_text`` contains none of ``literals``.

    None stands for an unknown set and always returns True.
    """
    if literals is None:
        return True
    return any(map(folded_text.__contains__, literals))


class LineIndex:
    """The folded text of a list of lines, to find lines containing literals."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.count = len(lines)
        joined = "\n".join(lines)
        self.folded = fold_case(joined)
        # Folding maps one character to one except that it drops U+0307, so
        # without it a position of the folded text is the same in ``lines``.
        self._aligned = "\u0307" not in joined
        # Folding keeps every "\n", so they still separate the lines.
        self._breaks: list[int] = []
        position = self.folded.find("\n")
        while position != -1:
            self._breaks.append(position)
            position = self.folded.find("\n", position + 1)

    def line_at(self, position: int) -> int:
        """Return the index of the line containing ``position`` of the folded text."""
        return bisect.bisect_left(self._breaks, position)

    def lines_with(
        self, literals: frozenset[str] | None, *, word_start: bool = False
    ) -> list[int]:
        """Return the sorted indexes of the lines that contain any literal;
        every index when ``literals`` is None.

        With ``word_start``, a literal that starts with a word character
        counts only where no word character precedes it. That is right only
        for a pattern whose every match starts with one of ``literals``
        right after a ``\\b``, such as ``\\bEUR\\b|\\bUSD\\b|€``.
        """
        if literals is None:
            return list(range(self.count))
        found: set[int] = set()
        folded, breaks = self.folded, self._breaks
        for literal in literals:
            bounded = word_start and self._aligned and _is_word_char(literal[0])
            position = folded.find(literal)
            while position != -1:
                if bounded and position and _is_word_char(folded[position - 1]):
                    position = folded.find(literal, position + 1)
                    continue
                line = bisect.bisect_right(breaks, position)
                found.add(line)
                if line >= len(breaks):
                    break
                position = folded.find(literal, breaks[line] + 1)
        return sorted(found)


def _is_word_char(char: str) -> bool:
    """Return whether ``re`` counts ``char`` as ``\\w`` in a str pattern."""
    return char.isalnum() or char == "_"
