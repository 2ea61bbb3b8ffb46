"""Tests for the counted nouns and page lists that messages use."""

import pytest

from docflow.core.plurals import count_noun, name_pages


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 words"), (1, "1 word"), (2, "2 words")],
)
def test_count_noun_regular_plural(count, expected):
    assert count_noun(count, "word") == expected


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "1 page was"), (3, "3 pages were")],
)
def test_count_noun_given_plural(count, expected):
    assert count_noun(count, "page was", "pages were") == expected


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [([3], "page 3"), ([3, 5], "pages 3, 5"), ((1, 2, 9), "pages 1, 2, 9")],
)
def test_name_pages_singular_and_plural(numbers, expected):
    assert name_pages(numbers) == expected
