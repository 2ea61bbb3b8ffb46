"""The empty_document message names a low image resolution (real tesseract)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from docflow.core.config import Settings
from docflow.core.extract import extract_document
from docflow.core.models import QualityResult
from docflow.core.quality import analyze_quality

pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="needs tesseract"
)


def save_scan(path: Path, size: tuple[int, int], dpi: int | None) -> Path:
    """Save a white grayscale image with a faint grey box and no text."""
    image = Image.new("L", size, 255)
    ImageDraw.Draw(image).rectangle((10, 10, 40, 30), fill=235)
    if dpi is None:
        image.save(path)
    else:
        image.save(path, dpi=(dpi, dpi))
    return path


def analyze_file(path: Path, settings: Settings | None = None) -> QualityResult:
    settings = settings or Settings()
    return analyze_quality(extract_document(str(path), settings), settings)


def empty_document_message(result: QualityResult) -> str:
    return next(i.message for i in result.issues if i.code == "empty_document")


def test_image_records_size_and_dpi(tmp_path: Path) -> None:
    path = save_scan(tmp_path / "scan.png", (300, 200), dpi=50)
    document = extract_document(str(path), Settings())
    assert document.metadata["image_width"] == 300
    assert document.metadata["image_height"] == 200
    assert document.metadata["image_dpi"] == 50


def test_image_without_dpi_records_no_dpi(tmp_path: Path) -> None:
    path = save_scan(tmp_path / "scan.png", (150, 60), dpi=None)
    document = extract_document(str(path), Settings())
    assert "image_dpi" not in document.metadata


def test_low_dpi_image_named_in_empty_document(tmp_path: Path) -> None:
    result = analyze_file(save_scan(tmp_path / "scan.png", (300, 200), dpi=50))
    message = empty_document_message(result)
    assert message.startswith("No text was found in 1 page.")
    assert "300 x 200 pixels at 50 dpi" in message
    assert "300 dpi or more" in message


def test_small_image_without_dpi_named(tmp_path: Path) -> None:
    result = analyze_file(save_scan(tmp_path / "scan.png", (150, 60), dpi=None))
    message = empty_document_message(result)
    assert "150 x 60 pixels, with no dpi in its header" in message


@pytest.mark.parametrize(
    ("size", "dpi"), [((1200, 800), 200), ((1200, 800), None)], ids=["dpi", "size"]
)
def test_sharp_blank_image_not_low_resolution(
    tmp_path: Path, size: tuple[int, int], dpi: int | None
) -> None:
    result = analyze_file(save_scan(tmp_path / "scan.png", size, dpi))
    assert empty_document_message(result) == "No text was found in 1 page."


def test_ocr_disabled_image_not_low_resolution(tmp_path: Path) -> None:
    path = save_scan(tmp_path / "scan.png", (300, 200), dpi=50)
    settings = Settings.model_validate({"extraction": {"ocr": False}})
    result = analyze_file(path, settings)
    assert empty_document_message(result) == "No text was found in 1 page."
