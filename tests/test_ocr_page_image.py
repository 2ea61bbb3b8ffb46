"""Page images for OCR: an embedded scan is decoded instead of rendered.

Each case compares the image handed to tesseract with PDFium's render of
the same page, shrunk to block averages, so a wrong flip or turn shows as a
large difference. PDFs are written by hand into tmp_path. The shared corpus
supplies real scans: a Form XObject with a flipping matrix, a page with
/Rotate 180, CCITT G4 data and a tiny page scanned at 2400 DPI.
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageStat

from docflow.core.config import Settings
from docflow.core.extract import extract_document
from docflow.core.extract._pageimage import embedded_scan, render_page

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_mutants import assemble_pdf  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus absent")

#: Page size in points (6 x 8 inches): at 300 DPI its long side is over the
#: 2000 pixels below which docflow enlarges tiny pages.
PAGE_WIDTH, PAGE_HEIGHT = 432, 576
#: Mean absolute difference (0-255) of 40 x 40 block averages under which two
#: page images show the same thing the same way up. Corpus scans measured
#: 0.02-0.38 against their render, and 0.97-22 turned or mirrored.
SAME_PAGE = 0.8


def make_scan_image(
    dpi: int, width: int = PAGE_WIDTH, height: int = PAGE_HEIGHT
) -> Image.Image:
    """Return a grayscale scan of a ``width`` x ``height`` point page with a
    black block in the top left corner and text under it, so that every flip
    and turn looks different."""
    width, height = width * dpi // 72, height * dpi // 72
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((dpi // 2, dpi // 2, width // 2, dpi * 3 // 2), fill=0)
    font = ImageFont.load_default(size=dpi // 6)
    text = "Invoice number 4711\nTotal amount due 250 EUR"
    draw.multiline_text((dpi // 2, dpi * 2), text, font=font, fill=0, spacing=dpi // 10)
    return image


def write_image_pdf(
    path: Path,
    image: Image.Image,
    *,
    matrix: tuple[float, ...] = (PAGE_WIDTH, 0, 0, PAGE_HEIGHT, 0, 0),
    form_matrix: tuple[float, ...] | None = None,
    rotate: int = 0,
    crop_box: tuple[float, ...] | None = None,
    extra_content: bytes = b"",
    image_entries: bytes = b"/ColorSpace /DeviceGray /BitsPerComponent 8",
    soft_mask: Image.Image | None = None,
    graphics_state: bytes = b"",
    page_entries: bytes = b"",
) -> str:
    """Write a one-page PDF that draws ``image`` with ``matrix`` and return its
    path. With ``form_matrix`` the image is drawn inside a Form XObject
    placed with that matrix. ``soft_mask`` is object 6, for an /SMask entry
    in ``image_entries``. The graphics state /GS0 sets a fill alpha of 0.5."""
    data = zlib.compress(image.tobytes())
    mask = soft_mask or Image.new("L", (1, 1), 255)

    image_drawing = b"q %s %s cm /Im0 Do Q\n" % (graphics_state, _numbers(matrix))
    if form_matrix is None:
        content = image_drawing + extra_content
        form = b"null"
    else:
        content = b"q %s cm /Fm0 Do Q\n%s" % (_numbers(form_matrix), extra_content)
        form = _stream(
            b"/Type /XObject /Subtype /Form /BBox [0 0 %d %d] "
            b"/Resources << /XObject << /Im0 4 0 R >> >>" % (PAGE_WIDTH, PAGE_HEIGHT),
            image_drawing,
        )

    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % (
        PAGE_WIDTH,
        PAGE_HEIGHT,
    )
    if crop_box is not None:
        page += b"/CropBox [%s] " % _numbers(crop_box)
    page += (
        b"/Rotate %d /Resources << /XObject << /Im0 4 0 R /Fm0 7 0 R >> "
        b"/ExtGState << /GS0 << /ca 0.5 >> >> "
        b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> "
        b">> /Contents 5 0 R %s >>" % (rotate, page_entries)
    )

    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page,
        _stream(
            b"/Type /XObject /Subtype /Image /Width %d /Height %d %s "
            b"/Filter /FlateDecode" % (image.width, image.height, image_entries),
            data,
        ),
        _stream(b"", content),
        _stream(
            b"/Type /XObject /Subtype /Image /Width %d /Height %d "
            b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode"
            % mask.size,
            zlib.compress(mask.tobytes()),
        ),
        form,
    ]
    path.write_bytes(assemble_pdf(objects))
    return str(path)


def _numbers(values: tuple[float, ...]) -> bytes:
    return " ".join(f"{value:g}" for value in values).encode()


def _stream(entries: bytes, data: bytes) -> bytes:
    """Return a stream object with the dictionary ``entries`` and ``data``."""
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data)


def page_difference(first: Image.Image, second: Image.Image) -> float:
    """Return the mean absolute difference of the two images' block averages."""
    size = (40, 40)
    small_first = first.resize(size, Image.Resampling.BOX)
    small_second = second.resize(size, Image.Resampling.BOX)
    return ImageStat.Stat(ImageChops.difference(small_first, small_second)).mean[0]


def page_images(path: str) -> tuple[Image.Image | None, Image.Image]:
    """Return the embedded scan docflow would OCR (or None) and the render."""
    settings = Settings().extraction
    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[0]
        try:
            return embedded_scan(page, settings), render_page(page, settings)
        finally:
            page.close()
    finally:
        pdf.close()


def assert_same_as_render(path: str) -> None:
    scan, render = page_images(path)
    assert scan is not None
    assert abs(scan.width - render.width) <= 1
    assert abs(scan.height - render.height) <= 1
    assert page_difference(scan, render) < SAME_PAGE
    # The comparison can fail: the same scan upside down differs.
    upside_down = scan.transpose(Image.Transpose.ROTATE_180)
    assert page_difference(upside_down, render) > SAME_PAGE


W, H = PAGE_WIDTH, PAGE_HEIGHT


@pytest.mark.parametrize(
    ("matrix", "rotate"),
    [
        ((W, 0, 0, H, 0, 0), 0),
        ((W, 0, 0, -H, 0, H), 0),
        ((-W, 0, 0, H, W, 0), 0),
        ((-W, 0, 0, -H, W, H), 0),
        ((W, 0, 0, H, 0, 0), 90),
        ((W, 0, 0, H, 0, 0), 180),
        ((W, 0, 0, -H, 0, H), 270),
    ],
    ids=[
        "upright",
        "flipped-y",
        "flipped-x",
        "flipped-both",
        "rot90",
        "rot180",
        "flipped-rot270",
    ],
)
def test_scan_matches_render(tmp_path, matrix, rotate):
    path = write_image_pdf(
        tmp_path / "scan.pdf", make_scan_image(300), matrix=matrix, rotate=rotate
    )
    assert_same_as_render(path)


def test_scan_600_dpi_halved(tmp_path):
    path = write_image_pdf(tmp_path / "scan.pdf", make_scan_image(600))
    scan, render = page_images(path)
    assert scan is not None
    assert scan.size == (1800, 2400)
    assert page_difference(scan, render) < SAME_PAGE


def test_scan_with_crop_box_offset(tmp_path):
    # The scan fills the crop box, which sits inside a larger media box.
    path = write_image_pdf(
        tmp_path / "scan.pdf",
        make_scan_image(300, 360, 504),
        matrix=(360, 0, 0, 504, 36, 36),
        crop_box=(36, 36, 396, 540),
    )
    assert_same_as_render(path)


def test_scan_inside_flipping_form(tmp_path):
    # The form flips the page and the image inside flips back: the scan is
    # upright, although its own matrix alone would turn it upside down.
    path = write_image_pdf(
        tmp_path / "scan.pdf",
        make_scan_image(300),
        matrix=(W, 0, 0, -H, 0, H),
        form_matrix=(1, 0, 0, -1, 0, H),
    )
    assert_same_as_render(path)


@pytest.mark.parametrize(
    ("case", "options"),
    [
        (
            "text over the scan",
            {"extra_content": b"BT /F1 24 Tf 72 72 Td (Paid) Tj ET"},
        ),
        ("margins", {"matrix": (W - 72, 0, 0, H - 72, 36, 36)}),
        ("turned 30 degrees", {"matrix": (374, 216, -288, 499, 200, 0)}),
        ("image mask", {"image_entries": b"/ImageMask true /BitsPerComponent 1"}),
        ("fill alpha", {"graphics_state": b"/GS0 gs"}),
        (
            "annotation",
            {
                "page_entries": b"/Annots [<< /Type /Annot /Subtype /Square "
                b"/Rect [72 72 144 144] /C [1 0 0] >>]"
            },
        ),
    ],
)
def test_page_rendered_instead(tmp_path, case, options):
    path = write_image_pdf(tmp_path / "scan.pdf", make_scan_image(300), **options)
    scan, _ = page_images(path)
    assert scan is None, case


def test_scan_of_transparent_black_rendered(tmp_path):
    # Black pixels that the soft mask makes transparent, except for the text:
    # decoded without the mask, the page would be all black.
    scan = make_scan_image(300)
    path = write_image_pdf(
        tmp_path / "scan.pdf",
        Image.new("L", scan.size, 0),
        image_entries=b"/ColorSpace /DeviceGray /BitsPerComponent 8 /SMask 6 0 R",
        soft_mask=ImageChops.invert(scan),
    )
    decoded, render = page_images(path)
    assert decoded is None
    assert page_difference(render, scan) < SAME_PAGE


def test_scan_under_ocr_dpi_rendered(tmp_path):
    path = write_image_pdf(tmp_path / "scan.pdf", make_scan_image(200))
    scan, _ = page_images(path)
    assert scan is None


def test_upside_down_scan_ocred(tmp_path):
    path = write_image_pdf(
        tmp_path / "scan.pdf",
        make_scan_image(300),
        matrix=(-W, 0, 0, -H, W, H),
        rotate=180,
    )
    settings = Settings()
    settings.store.cache_dir = str(tmp_path / "cache")
    page = extract_document(path, settings).pages[0]
    assert page.method == "ocr"
    assert "Invoice number 4711" in page.text
    assert page.ocr_confidence is not None
    assert page.ocr_confidence > 80


@needs_corpus
@pytest.mark.parametrize(
    "name",
    [
        "edge/docling__ocr_test.pdf",
        "edge/docling__ocr_test_rotated_180.pdf",
        "edge/ocrmy__ccitt.pdf",
        "edge/ocrmy__2400dpi.pdf",
    ],
)
def test_corpus_scan_matches_render(name):
    assert_same_as_render(str(CORPUS / name))


@needs_corpus
def test_corpus_rotated_scan_ocred(tmp_path):
    settings = Settings()
    settings.store.cache_dir = str(tmp_path / "cache")
    path = CORPUS / "edge" / "docling__ocr_test_rotated_180.pdf"
    page = extract_document(str(path), settings).pages[0]
    assert page.method == "ocr"
    assert "Docling bundles PDF document conversion" in page.text
    assert page.ocr_confidence is not None
    assert page.ocr_confidence > 90
