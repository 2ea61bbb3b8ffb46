"""PDF extraction: text layer, OCR, limits, passwords and the pdfminer fallback.

PDFs are written by hand (text) or by Pillow (scans) into tmp_path; OCR runs
the real tesseract. Files from the shared corpus are used where a real
damaged or encrypted file is needed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from docflow.core.config import Settings
from docflow.core.extract import extract_document
from docflow.core.extract._pageimage import render_scale
from docflow.errors import (
    CorruptDocument,
    EmptyDocument,
    OcrFailed,
    OcrUnavailable,
    PasswordRequired,
    TooLarge,
    UnsupportedFormat,
)

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus absent")

INVOICE_LINES = ["Invoice number 4711", "Total amount due 250 EUR", "Payment terms"]


def make_text_pdf(pages: list[str], *, header: bool = True) -> bytes:
    """Return a valid PDF with one Helvetica text line per page."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for text in pages:
        stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
        objects.append(
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        )
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_id
        )
        kids.append(b"%d 0 R" % len(objects))

    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(kids),
        len(kids),
    )

    out = bytearray(b"%PDF-1.4\n" if header else b"")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)

    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def make_scan(lines: list[str]) -> Image.Image:
    image = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=48)
    draw.multiline_text((120, 150), "\n".join(lines), font=font, fill=0, spacing=30)
    return image


def make_scanned_pdf(tmp_path: Path, pages: int = 1) -> str:
    path = tmp_path / "scan.pdf"
    images = [make_scan(INVOICE_LINES) for _ in range(pages)]
    images[0].save(path, save_all=True, append_images=images[1:], resolution=200)
    return str(path)


@pytest.fixture
def settings(tmp_path) -> Settings:
    result = Settings()
    result.store.cache_dir = str(tmp_path / "cache")
    return result


def test_pdf_text_layer(tmp_path, settings):
    path = tmp_path / "a.pdf"
    path.write_bytes(make_text_pdf(["Invoice number 4711 total amount due", "Second"]))
    document = extract_document(str(path), settings)
    assert document.detected_type == "pdf"
    assert [page.method for page in document.pages] == ["text_layer", "text_layer"]
    assert "Invoice number 4711" in document.pages[0].text
    assert document.pages[0].chars == len(document.pages[0].text)
    assert document.pages[0].ocr_confidence is None


def test_pdf_scan_is_ocred(tmp_path, settings):
    document = extract_document(make_scanned_pdf(tmp_path), settings)
    page = document.pages[0]
    assert page.method == "ocr"
    assert "Invoice" in page.text
    assert page.ocr_confidence is not None and page.ocr_confidence > 50
    assert document.metadata["ocr_languages"] == "eng"
    assert document.language == "en"


def test_pdf_ocr_disabled(tmp_path, settings):
    settings.extraction.ocr = False
    document = extract_document(make_scanned_pdf(tmp_path), settings)
    assert document.pages[0].method == "none"
    assert "ocr_disabled" in document.pages[0].flags
    assert "empty" not in document.pages[0].flags


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        (2, "1 page needing OCR was not read"),
        (3, "2 pages needing OCR were not read"),
    ],
)
def test_pdf_ocr_page_cap_warns(tmp_path, settings, pages, expected):
    settings.extraction.max_ocr_pages = 1
    document = extract_document(make_scanned_pdf(tmp_path, pages=pages), settings)
    assert [page.method for page in document.pages] == ["ocr"] + ["none"] * (pages - 1)
    assert "ocr_skipped" in document.pages[1].flags
    assert f"{expected} because extraction.max_ocr_pages is 1" in document.warnings


def test_pdf_over_page_limit(tmp_path, settings):
    settings.extraction.max_pages = 2
    path = tmp_path / "long.pdf"
    path.write_bytes(make_text_pdf(["one", "two", "three"]))
    with pytest.raises(TooLarge, match="max_pages"):
        extract_document(str(path), settings)


def test_pdf_without_header_uses_pdfminer(tmp_path, settings):
    path = tmp_path / "headless.pdf"
    path.write_bytes(make_text_pdf(["Recovered by the second parser"], header=False))
    document = extract_document(str(path), settings)
    assert "Recovered by the second parser" in document.text
    assert document.metadata["parser"] == "pdfminer"
    assert any("pdfminer" in warning for warning in document.warnings)


def test_pdf_garbage_bytes_corrupt(tmp_path, settings):
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not a pdf at all\n%%EOF\n")
    with pytest.raises(CorruptDocument, match="pdfminer"):
        extract_document(str(path), settings)


def test_text_file_that_begins_like_pdf(tmp_path, settings):
    """A .txt read as a PDF names both kinds when it fails."""
    from docflow.core.pipeline import process_document

    path = tmp_path / "note.txt"
    path.write_bytes(b"%PDF-1.4 is the version this note is about.\nSecond line.\n")
    result = process_document(str(path), settings)
    assert result.status == "corrupt"
    assert result.detected_type == "pdf"
    assert result.extension_mismatch is True
    assert "(the extension is .txt, but it was read as a PDF)" in result.error


def test_pdf_of_zeros_rejected_without_slow_scan(tmp_path, settings):
    """pdfminer reads a file without line breaks backwards in quadratic time:
    20 MB took it over 8 s. Such a file is called corrupt at once."""
    path = tmp_path / "zeros.pdf"
    with open(path, "wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(20 * 1024 * 1024)
    with pytest.raises(CorruptDocument, match="no line break in its last MB"):
        extract_document(str(path), settings)


@pytest.fixture
def no_tesseract(tmp_path, monkeypatch):
    """Make tesseract missing for the test."""
    import pytesseract

    from docflow.core import ocr

    # A missing binary is produced for real by pointing pytesseract elsewhere.
    monkeypatch.setattr(
        pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract")
    )
    ocr._find_tesseract.cache_clear()
    ocr._list_languages.cache_clear()
    yield
    monkeypatch.undo()
    ocr._find_tesseract.cache_clear()
    ocr._list_languages.cache_clear()


def test_pdf_ocr_unavailable(tmp_path, settings, no_tesseract):
    with pytest.raises(OcrUnavailable, match="sudo apt-get install tesseract-ocr"):
        extract_document(make_scanned_pdf(tmp_path), settings)


def test_ocr_unavailable_result_keeps_type_and_pages(tmp_path, settings, no_tesseract):
    from docflow.core.pipeline import process_document

    result = process_document(make_scanned_pdf(tmp_path, pages=3), settings)
    assert result.status == "ocr_unavailable"
    assert result.detected_type == "pdf"
    assert result.pages == 3


def test_pdf_missing_ocr_language(tmp_path, settings):
    settings.extraction.ocr_languages = "eng+yor"
    with pytest.raises(OcrUnavailable, match="tesseract-ocr-yor"):
        extract_document(make_scanned_pdf(tmp_path), settings)


def test_render_scale_enlarges_tiny_page(settings):
    scale = render_scale(120, 86, settings.extraction)
    assert 120 * scale >= 1999


def test_render_scale_caps_huge_page(settings):
    scale = render_scale(2160, 2160, settings.extraction)
    assert (2160 * scale) ** 2 <= settings.extraction.max_render_pixels


@needs_corpus
def test_pdf_password_required(settings):
    path = CORPUS / "edge" / "pypdf__r6-both-passwords.pdf"
    with pytest.raises(PasswordRequired, match="--password"):
        extract_document(str(path), settings)


@needs_corpus
def test_pdf_password_from_settings(settings):
    settings.extraction.passwords = ["wrong", "foo"]
    document = extract_document(
        str(CORPUS / "edge" / "pypdf__r6-both-passwords.pdf"), settings
    )
    assert document.metadata["decrypted_with_password"] is True
    assert len(document.pages) == 1


@needs_corpus
def test_text_opened_with_password_not_cached(tmp_path, settings):
    from docflow.core.models import Status
    from docflow.core.pipeline import process_document

    path = str(CORPUS / "edge" / "pypdf__r6-both-passwords.pdf")
    with_password = settings.model_copy(deep=True)
    with_password.extraction.passwords = ["foo"]
    opened = process_document(path, with_password)
    assert opened.status == Status.OK, opened.error
    # Without the password, the next run must not get the text from the cache.
    again = process_document(path, settings)
    assert again.status == Status.PASSWORD_REQUIRED
    cached = list((tmp_path / "cache").rglob("*.json"))
    assert cached == []


@needs_corpus
def test_pdf_password_from_file(tmp_path, settings):
    password_file = tmp_path / "passwords.txt"
    password_file.write_text("nope\npassword\n", encoding="utf-8")
    settings.extraction.password_file = str(password_file)
    document = extract_document(str(CORPUS / "edge" / "unst__password.pdf"), settings)
    assert document.pages


@needs_corpus
def test_pdf_wrong_passwords_counted(settings):
    settings.extraction.passwords = ["a", "b"]
    with pytest.raises(PasswordRequired, match="none of the 2 passwords"):
        extract_document(str(CORPUS / "edge" / "unst__password.pdf"), settings)


@needs_corpus
def test_pdf_owner_password_only_readable(settings):
    document = extract_document(
        str(CORPUS / "edge" / "unst__copy-protected.pdf"), settings
    )
    assert "LayoutParser" in document.text


@needs_corpus
def test_pdf_garbage_layer_reocr(settings):
    document = extract_document(str(CORPUS / "edge" / "ocrmy__cmyk.pdf"), settings)
    page = document.pages[0]
    assert page.method == "ocr"
    assert "reocr_used" in page.flags
    assert "garbage_text" not in page.flags


@needs_corpus
def test_pdf_garbage_layer_kept_flagged(settings):
    document = extract_document(
        str(CORPUS / "edge" / "plumb__issue-192-example.pdf"), settings
    )
    assert "garbage_text" in document.pages[0].flags


@needs_corpus
def test_pdf_unsupported_filter(settings):
    with pytest.raises(UnsupportedFormat, match="BrotliDecode"):
        extract_document(
            str(CORPUS / "edge" / "pdfjs__Brotli-Prototype-FileA.pdf"), settings
        )


@needs_corpus
def test_pdf_zero_bytes_empty(settings):
    with pytest.raises(EmptyDocument):
        extract_document(str(CORPUS / "edge" / "plumb__empty.pdf"), settings)


@needs_corpus
def test_pdf_400_pages_streamed(settings):
    document = extract_document(
        str(CORPUS / "edge" / "unst__pdf2image-memory-error-test-400p.pdf"), settings
    )
    assert len(document.pages) == 400
    assert document.pages[0].method == "text_layer"


def test_pdf_zero_pages_empty(tmp_path, settings):
    path = tmp_path / "none.pdf"
    path.write_bytes(make_text_pdf([]))
    with pytest.raises(EmptyDocument, match="no pages"):
        extract_document(str(path), settings)


@needs_corpus
def test_pdf_info_metadata(settings):
    path = CORPUS / "edge" / "pminer__zen_of_python_corrupted.pdf"
    document = extract_document(str(path), settings)
    assert document.metadata["pdf"]["title"] == "zen_of_python.txt"
    assert document.metadata["pdf"]["created"] == "D:20180530133107+02'00'"


def test_pdf_huge_embedded_image_not_rendered(tmp_path, settings):
    settings.extraction.max_image_pixels = 1_000_000
    document = extract_document(make_scanned_pdf(tmp_path), settings)
    assert document.pages[0].method == "none"
    assert "unrenderable_page" in document.pages[0].flags
    assert any("max_image_pixels" in warning for warning in document.warnings)


@needs_corpus
def test_pdf_400_pages_memory_bounded(tmp_path):
    # Runs in a fresh interpreter so the peak RSS belongs to this extraction.
    # VmHWM, not ru_maxrss, because ru_maxrss keeps the peak of the forked
    # pytest process from before exec.
    script = (
        "import re, sys\n"
        "from docflow.core.config import Settings\n"
        "from docflow.core.extract import extract_document\n"
        "document = extract_document(sys.argv[1], Settings())\n"
        "status = open('/proc/self/status').read()\n"
        "peak = re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1)\n"
        "print(len(document.pages), peak)\n"
    )
    path = CORPUS / "edge" / "unst__pdf2image-memory-error-test-400p.pdf"
    completed = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    pages, max_rss_kb = (int(value) for value in completed.stdout.split())
    assert pages == 400
    assert max_rss_kb < 200 * 1024


def test_pdf_ocr_timeout_fails(tmp_path, settings):
    settings.extraction.ocr_timeout = 0.001
    with pytest.raises(OcrFailed, match="extraction.ocr_timeout"):
        extract_document(make_scanned_pdf(tmp_path), settings)


@pytest.mark.parametrize(
    ("scanned", "expected"),
    [
        (1, "OCR failed on page 2, which has no text"),
        (2, "OCR failed on pages 2, 3, which have no text"),
    ],
)
def test_pdf_ocr_failure_keeps_text_pages(tmp_path, settings, scanned, expected):
    import pypdfium2 as pdfium

    text_path = tmp_path / "text.pdf"
    text_path.write_bytes(make_text_pdf(["Cover letter for the enclosed invoice"]))
    merged = pdfium.PdfDocument(str(text_path))
    scan = pdfium.PdfDocument(make_scanned_pdf(tmp_path, pages=scanned))
    merged.import_pages(scan)
    path = tmp_path / "mixed.pdf"
    merged.save(str(path))
    merged.close()
    scan.close()

    settings.extraction.ocr_timeout = 0.001
    document = extract_document(str(path), settings)
    methods = [page.method for page in document.pages]
    assert methods == ["text_layer", *["none"] * scanned]
    assert "ocr_failed" in document.pages[1].flags
    assert "empty" not in document.pages[1].flags
    failures = [warning for warning in document.warnings if "OCR failed" in warning]
    assert len(failures) == 1
    assert failures[0].startswith(f"{expected} (")


@needs_corpus
def test_pdf_outline_as_headings(settings):
    path = CORPUS / "labeled" / "resume" / "soupb__01-Accountant.pdf"
    document = extract_document(str(path), settings)
    assert document.headings[0] == (1, "Ebony Moore")
    assert (2, "Education") in document.headings


def _zero_page_pdf(header: bytes) -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
    ]
    body = bytearray(header)
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 3\n0000000000 65535 f \n"
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(body)


def test_pdf_of_no_pages_is_empty(tmp_path, settings):
    path = tmp_path / "zero.pdf"
    path.write_bytes(_zero_page_pdf(b"%PDF-1.4\n"))
    with pytest.raises(EmptyDocument, match="PDF has no pages"):
        extract_document(str(path), settings)


def test_pdf_without_header_or_pages_is_corrupt(tmp_path, settings):
    # What is left of a PDF whose start was cut off: objects, no header, no pages.
    path = tmp_path / "second-half.pdf"
    path.write_bytes(_zero_page_pdf(b""))
    with pytest.raises(CorruptDocument, match="start of the file is missing"):
        extract_document(str(path), settings)


def _pdf_without_xref(pages_entry: bytes, *extra: bytes) -> bytes:
    """Return a PDF with no xref table whose catalog /Pages is ``pages_entry``.

    The trailer comes first and ``startxref`` is missing, so PDFium rebuilds
    the cross-reference table. ``extra`` are objects 3, 4 and so on.
    """
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", pages_entry, *extra]
    body = bytearray(b"%PDF-1.7\ntrailer\n<< /Root 1 0 R >>\n")
    for number, content in enumerate(objects, start=1):
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    return bytes(body + b"%%EOF\n")


def test_pdf_pages_entry_not_page_tree(tmp_path, settings):
    # PDFium counts one blank page for a /Pages entry without /Kids.
    path = tmp_path / "action-as-pages.pdf"
    action = b"<< /S /JavaScript /JS (app.alert(1);) >>"
    path.write_bytes(_pdf_without_xref(action))
    with pytest.raises(EmptyDocument, match="PDF has no pages"):
        extract_document(str(path), settings)


def test_pdf_pages_entry_is_page(tmp_path, settings):
    # A /Pages entry that is itself a page object is still read as one page.
    path = tmp_path / "page-as-pages.pdf"
    stream = b"BT /F1 14 Tf 72 720 Td (Invoice number 4711) Tj ET"
    page = (
        b"<< /Type /Page /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    )
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    content = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    path.write_bytes(_pdf_without_xref(page, font, content))
    document = extract_document(str(path), settings)
    assert len(document.pages) == 1
    assert "Invoice number 4711" in document.pages[0].text


def test_pdf_blank_page_without_media_box(tmp_path, settings):
    # A blank page object without a /MediaBox in a real page tree stays a page.
    path = tmp_path / "blank.pdf"
    tree = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    page = b"<< /Type /Page /Parent 2 0 R >>"
    path.write_bytes(_pdf_without_xref(tree, page))
    document = extract_document(str(path), settings)
    assert len(document.pages) == 1
    assert document.pages[0].method == "none"


def test_binary_named_pdf_is_corrupt(tmp_path, settings):
    noise = bytes(range(256)) * 20
    named_pdf = tmp_path / "scan.pdf"
    named_pdf.write_bytes(noise)
    with pytest.raises(CorruptDocument, match="named .pdf, but contains neither"):
        extract_document(str(named_pdf), settings)
    other = tmp_path / "scan.bin"
    other.write_bytes(noise)
    with pytest.raises(UnsupportedFormat, match="binary data of an unknown format"):
        extract_document(str(other), settings)
