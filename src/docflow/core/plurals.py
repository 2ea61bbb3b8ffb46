"""Counted nouns and page lists for messages, in singular or plural."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["choose_noun", "count_noun", "name_pages"]


def choose_noun(count: int, noun: str, nouns: str | None = None) -> str:
    """Return ``noun`` when ``count`` is 1, else its plural (``nouns`` or noun + s).

    For text that sets the count apart from the noun, such as HTML markup.
    """
    return noun if count == 1 else nouns or noun + "s"


def count_noun(count: int, noun: str, nouns: str | None = None) -> str:
    """Return ``count`` with ``noun``, or with its plural unless the count is 1."""
    return f"{count} {choose_noun(count, noun, nouns)}"


def name_pages(numbers: Iterable[int]) -> str:
    """Return "page 3" for one page number and "pages 3, 5" for several."""
    listed = [str(number) for number in numbers]
    noun = "page" if len(listed) == 1 else "pages"
    return f"{noun} {', '.join(listed)}"
