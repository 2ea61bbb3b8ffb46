"""Read table cells by the character columns of plain text.

Text files, and text layers that keep the page's spacing, set the cells of a
row apart by runs of two or more spaces and print each cell under its
header. The column of a cell is then the header cell it overlaps most, so a
row with an empty cell keeps its later cells under their own headers.
"""

from __future__ import annotations

import re

__all__ = ["Span", "cell_spans", "cells_under", "is_aligned"]

#: The start and end of a cell within its line.
Span = tuple[int, int]

# A cell is a run of words apart by single spaces.
_CELL = re.compile(r"\S+(?: \S+)*")


def cell_spans(text: str) -> list[Span]:
    """Return the spans of the cells of ``text``, or none when it contains a tab.

    A tab stands for a column whose width the text does not give, so a line
    with tabs has no character columns.
    """
    if "\t" in text:
        return []
    return [match.span() for match in _CELL.finditer(text)]


def _overlap(left: Span, right: Span) -> int:
    return min(left[1], right[1]) - max(left[0], right[0])


def _column_of(header: list[Span], cell: Span) -> int | None:
    """Return the index of the header cell that ``cell`` overlaps most, if any."""
    overlaps = [_overlap(column, cell) for column in header]
    best = max(range(len(header)), key=overlaps.__getitem__)
    return best if overlaps[best] > 0 else None


def is_aligned(header: list[Span], row: str) -> bool:
    """Tell whether every cell of ``row`` is under a header cell of its own.

    A cell is under a header cell when their spans overlap, which holds for
    cells aligned left, right or centred under their header.
    """
    cells = cell_spans(row)
    columns = [_column_of(header, cell) for cell in cells]
    return bool(cells) and None not in columns and len(set(columns)) == len(columns)


def cells_under(header: list[Span], column: int, rows: list[str]) -> list[Span | None]:
    """Return, for each row, the span of its cell under header cell ``column``.

    A row with no cell in that column gives None. The rows must be aligned
    (see ``is_aligned``).
    """
    found: list[Span | None] = []
    for row in rows:
        found.append(
            next(
                (
                    cell
                    for cell in cell_spans(row)
                    if _column_of(header, cell) == column
                ),
                None,
            )
        )
    return found
