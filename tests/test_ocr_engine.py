"""The in-process tesseract engine against the tesseract command.

Both run the real tesseract on a scan drawn with Pillow. The command's path
is the reference: the engine must read the same words with the same
confidences, honour the timeout, stay quiet on stderr, and give way to the
command when libtesseract is not usable.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from PIL import Image, ImageDraw, ImageFont

from docflow.core import _tessapi
from docflow.core.config import Settings
from docflow.core.extract import extract_document
from docflow.core.ocr import ocr_image_file, ocr_pixels, save_for_ocr
from docflow.errors import OcrFailed

LINES = ["Invoice number 4711", "Total amount due 250 EUR", "Payment terms 30 days"]


def make_scan() -> Image.Image:
    image = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=48)
    title_font = ImageFont.load_default(size=96)
    draw.text((120, 120), "QUARTERLY STATEMENT", font=title_font, fill=0)
    draw.multiline_text((120, 400), "\n".join(LINES), font=font, fill=0, spacing=30)
    return image


def test_engine_matches_command(tmp_path):
    image = make_scan()
    path = tmp_path / "scan.pgm"
    save_for_ocr(image, str(path))
    command = ocr_image_file(str(path), "eng")
    engine = ocr_pixels(image, "eng")
    assert engine is not None
    assert engine.text == command.text
    assert engine.confidence == command.confidence
    assert engine.words == command.words
    assert "Invoice number 4711" in engine.text


def test_engine_timeout_fails():
    with pytest.raises(OcrFailed, match="timed out"):
        ocr_pixels(make_scan(), "eng", timeout=0.001)


def test_engine_unavailable_uses_command(tmp_path, monkeypatch):
    # A missing library cannot be produced in this environment otherwise.
    monkeypatch.setattr(_tessapi, "_engine_for", lambda languages: None)
    assert ocr_pixels(make_scan(), "eng") is None
    path = tmp_path / "scan.pdf"
    make_scan().save(path, resolution=200)
    settings = Settings()
    settings.store.cache_dir = str(tmp_path / "cache")
    page = extract_document(str(path), settings).pages[0]
    assert page.method == "ocr"
    assert "Invoice number 4711" in page.text


def test_engine_quiet_on_stderr(tmp_path):
    # A fresh interpreter, so the messages at exit are seen too.
    path = tmp_path / "scan.pdf"
    make_scan().save(path, resolution=300)
    script = (
        "import sys\n"
        "from docflow.core.config import Settings\n"
        "from docflow.core.extract import extract_document\n"
        "page = extract_document(sys.argv[1], Settings()).pages[0]\n"
        "print(page.method)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert completed.stdout.strip() == "ocr"
    assert "Estimating resolution" not in completed.stderr
    assert "LEAK" not in completed.stderr
