"""Tests that quality does not judge tables written as text as prose."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from docflow.core.config import Settings
from docflow.core.models import ExtractedDocument, Page
from docflow.core.quality import analyze_quality
from docflow.core.quality._text import find_table

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality_files import analyze_file, codes  # noqa: E402

ITEMS = ["garden hose", "rake", "watering can", "spade", "seed tray", "trowel"]


def price_list(rows: int) -> str:
    """Return a semicolon-separated price list with a header and ``rows`` rows."""
    lines = ["item;size;unit price;stock"]
    for number in range(rows):
        item = ITEMS[number % len(ITEMS)]
        lines.append(f"{item} for the garden of the house;{number % 4 + 1} m;")
        lines[-1] += f"{number * 1.25 + 3:.2f};{number * 7 % 90}"
    return "\n".join(lines) + "\n"


def product_csv(rows: int) -> str:
    lines = ["product,quantity,price"]
    for number in range(rows):
        lines.append(f"widget,{number % 9 + 1},{number * 0.5 + 2:.2f}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


def test_price_list_is_no_wall_of_text(tmp_path: Path, settings: Settings):
    result = analyze_file(tmp_path / "prices.txt", price_list(150), settings)
    assert "wall_of_text" not in codes(result)
    assert "long_sentences" not in codes(result)
    assert result.metrics["table_rows"] == 151
    assert result.readability_score is None
    assert "the text is a table" in result.metrics["readability_note"]


def test_csv_column_is_not_few_words(tmp_path: Path, settings: Settings):
    result = analyze_file(tmp_path / "stock.csv", product_csv(150), settings)
    assert "few_distinct_words" not in codes(result)
    assert result.content_quality_score == 100.0


@pytest.mark.parametrize(
    "text",
    [
        "Dear Anna, thank you for the visit, the flowers, and the cake.\n" * 8,
        "One line.\nTwo; three.\n" * 3,
    ],
    ids=["prose-with-commas", "few-rows"],
)
def test_prose_is_not_a_table(text: str) -> None:
    assert find_table([text]) is None


def test_receipt_columns_are_a_table() -> None:
    rows = [f"Coffee beans {n}    2 x    {n + 4}.50" for n in range(8)]
    shape = find_table(["\n".join(["CORNER SHOP", *rows, "Thank you"])])
    assert shape is not None
    assert shape.separator == "spaces"
    assert shape.rows == 8


def receipt(items: int) -> str:
    lines = ["HILLTOP HARDWARE", "12 Station Road", "Receipt for your purchase"]
    for number in range(items):
        item = ITEMS[number % len(ITEMS)]
        lines.append(f"{item.title()} large model")
        lines.append(f"{number % 3 + 1} x {number + 2}.49 EUR")
    lines += ["Total paid by card", "Thank you for shopping with us"]
    return "\n".join(lines) + "\n"


def test_receipt_readability_not_scored(tmp_path: Path, settings: Settings):
    result = analyze_file(tmp_path / "receipt.txt", receipt(25), settings)
    assert result.metrics["words"] >= settings.quality.readability_min_words
    assert result.readability_score is None
    assert "receipt, invoice or statement" in result.metrics["readability_note"]
    assert "long_sentences" not in codes(result)


def test_letter_with_one_amount_is_scored(settings: Settings) -> None:
    from test_quality_advice import PROSE

    text = PROSE + "The new shelves will cost 1,250.00 euros in total.\n"
    result = analyze_quality(
        ExtractedDocument(
            path="letter.txt",
            detected_type="text",
            language="en",
            pages=[Page(number=1, method="native", text=text)],
        ),
        settings,
    )
    assert result.readability_score is not None


def test_section_numbers_are_not_amounts(settings: Settings) -> None:
    from test_quality_advice import PROSE

    lines = [f"({n}) 2.3.{n + 10}-4 was revised on 01.17.2023." for n in range(40)]
    text = PROSE + "\n".join(lines) + "\n"
    document = ExtractedDocument(
        path="manual.txt",
        detected_type="text",
        language="en",
        pages=[Page(number=1, method="native", text=text)],
    )
    result = analyze_quality(document, settings)
    assert result.metrics["amount_line_share"] == 0.0
