"""Extraction that stops once classification has enough text.

Multi-page PDFs are written by hand into tmp_path; one test uses a long paper
from the shared corpus. Classification runs the shipped model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from docflow.core import extract_cache
from docflow.core.config import Settings
from docflow.core.extract import extract_document
from docflow.core.models import DocumentResult, ReviewStatus
from docflow.core.pipeline import extract_cached, hash_file, process_document

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus absent")

PAGE_COUNT = 6
LINES_PER_PAGE = 12


def _page_lines(number: int) -> list[str]:
    return [
        f"Page {number} line {line}: the supplier delivers the goods on time"
        for line in range(LINES_PER_PAGE)
    ]


def make_multipage_pdf(
    path: Path,
    page_count: int = PAGE_COUNT,
    *,
    scanned_last_page: bool = False,
    lines: Callable[[int], list[str]] = _page_lines,
) -> Path:
    """Write a PDF with the Helvetica ``lines`` of each page number.

    With ``scanned_last_page`` the last page holds only an image, so reading
    it needs OCR.
    """
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace "
        b"/DeviceGray /BitsPerComponent 8 /Length 64 >>\nstream\n"
        + b"\x80" * 64
        + b"\nendstream",
    ]
    kids = []
    for number in range(1, page_count + 1):
        if scanned_last_page and number == page_count:
            commands = ["q 400 0 0 400 100 200 cm /Im1 Do Q"]
        else:
            commands = ["BT /F1 11 Tf 14 TL 72 740 Td"]
            commands += [f"({line}) Tj T*" for line in lines(number)]
            commands.append("ET")
        stream = "\n".join(commands).encode("latin-1")
        objects.append(
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        )
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> "
            b"/Contents %d 0 R >>" % content_id
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(kids),
        len(kids),
    )
    body = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref_at = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        body += b"%010d 00000 n \n" % offset
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    path.write_bytes(bytes(body))
    return path


@pytest.fixture
def pdf_path(tmp_path: Path) -> Path:
    return make_multipage_pdf(tmp_path / "six-pages.pdf")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings()
    settings.store.cache_dir = str(tmp_path / "cache")
    settings.extraction.ocr = False
    return settings


def _page_chars(pdf_path: Path, settings: Settings) -> int:
    return extract_document(str(pdf_path), settings).pages[0].chars


def test_partial_extraction_stops_after_limit(pdf_path: Path, settings: Settings):
    limit = _page_chars(pdf_path, settings) + 10  # needs a second page
    document = extract_document(str(pdf_path), settings, char_limit=limit)
    assert len(document.pages) == PAGE_COUNT
    assert document.pages_read == 3
    assert [page.number for page in document.pages] == list(range(1, 7))
    for page in document.pages[2:5]:
        assert page.flags == ["not_read"]
        assert page.text == ""
    assert "Page 2 line 0" in document.pages[1].text


def test_partial_extraction_reads_last_page(pdf_path: Path, settings: Settings):
    limit = _page_chars(pdf_path, settings) + 10
    document = extract_document(str(pdf_path), settings, char_limit=limit)
    last = document.pages[-1]
    assert "Page 6 line 0" in last.text
    assert last.method == "text_layer"
    assert "not_read" not in last.flags


def test_last_page_needing_ocr_stays_unread(tmp_path: Path, settings: Settings):
    path = make_multipage_pdf(tmp_path / "scan-last.pdf", scanned_last_page=True)
    settings.extraction.ocr = True
    limit = _page_chars(path, settings) + 10
    document = extract_document(str(path), settings, char_limit=limit)
    assert document.pages_read == 2
    assert document.pages[-1].flags == ["not_read"]
    assert "ocr_languages" not in document.metadata  # tesseract never ran


def test_partial_text_starts_like_full_text(pdf_path: Path, settings: Settings):
    limit = _page_chars(pdf_path, settings) + 10
    partial = extract_document(str(pdf_path), settings, char_limit=limit)
    full = extract_document(str(pdf_path), settings)
    assert partial.text[:limit] == full.text[:limit]


def test_unread_pages_are_not_called_empty(pdf_path: Path, settings: Settings):
    limit = _page_chars(pdf_path, settings) + 10
    document = extract_document(str(pdf_path), settings, char_limit=limit)
    assert all("empty" not in page.flags for page in document.pages)


def test_limit_beyond_text_reads_every_page(pdf_path: Path, settings: Settings):
    document = extract_document(str(pdf_path), settings, char_limit=10**9)
    assert document.pages_read is None
    assert all(page.text for page in document.pages)


def test_no_limit_reads_every_page(pdf_path: Path, settings: Settings):
    document = extract_document(str(pdf_path), settings)
    assert document.pages_read is None
    assert all("not_read" not in page.flags for page in document.pages)


def test_partial_cache_entry_never_serves_full_call(pdf_path: Path, settings: Settings):
    content_hash, _ = hash_file(pdf_path)
    limit = _page_chars(pdf_path, settings) + 10
    partial = extract_cached(str(pdf_path), content_hash, settings, char_limit=limit)
    assert partial.pages_read == 3
    assert extract_cache.load(content_hash, settings, "pdf") is None
    full = extract_cached(str(pdf_path), content_hash, settings)
    assert full.pages_read is None
    assert all("not_read" not in page.flags for page in full.pages)


def test_full_cache_entry_serves_limited_call(pdf_path: Path, settings: Settings):
    content_hash, _ = hash_file(pdf_path)
    extract_cached(str(pdf_path), content_hash, settings)
    limit = _page_chars(pdf_path, settings) + 10
    cached = extract_cached(str(pdf_path), content_hash, settings, char_limit=limit)
    assert cached.pages_read is None
    assert len(cached.pages) == PAGE_COUNT


def test_cache_key_names_the_limit(pdf_path: Path, settings: Settings):
    content_hash, _ = hash_file(pdf_path)
    limit = _page_chars(pdf_path, settings) + 10
    extract_cached(str(pdf_path), content_hash, settings, char_limit=limit)
    other = extract_cache.load(content_hash, settings, "pdf", char_limit=limit + 1)
    assert other is None
    same = extract_cache.load(content_hash, settings, "pdf", char_limit=limit)
    assert same is not None
    assert same.pages_read == 3


def test_classify_then_analyze_reads_all_pages(pdf_path: Path, settings: Settings):
    settings.classification.max_chars = 1000
    settings.classification.first_chars = 0
    classified = process_document(str(pdf_path), settings, quality=False)
    assert classified.ok, classified.error
    assert classified.pages == PAGE_COUNT
    assert classified.pages_read == 3
    assert classified.classification is not None
    assert classified.classification.metadata.pages == PAGE_COUNT
    assert classified.classification.metadata.pages_read == 3

    analyzed = process_document(str(pdf_path), settings, classify=True, quality=True)
    assert analyzed.ok, analyzed.error
    assert analyzed.pages == PAGE_COUNT
    assert analyzed.pages_read == PAGE_COUNT
    assert analyzed.quality is not None
    codes = {issue.code for issue in analyzed.quality.issues}
    assert "no_text_layer" not in codes
    assert "empty_page" not in codes
    assert analyzed.classification is not None
    assert analyzed.classification.metadata.pages_read == PAGE_COUNT


def test_classify_after_analyze_reuses_full_read(pdf_path: Path, settings: Settings):
    settings.classification.max_chars = 1000
    process_document(str(pdf_path), settings, classify=False, quality=True)
    classified = process_document(str(pdf_path), settings, quality=False)
    assert classified.ok, classified.error
    assert classified.pages_read == PAGE_COUNT


def test_read_all_pages_setting(pdf_path: Path, settings: Settings):
    settings.classification.max_chars = 1000
    settings.classification.read_all_pages = True
    result = process_document(str(pdf_path), settings, quality=False)
    assert result.ok, result.error
    assert result.pages_read == PAGE_COUNT


def test_quality_alone_reads_all_pages(pdf_path: Path, settings: Settings):
    settings.classification.max_chars = 1000
    result = process_document(str(pdf_path), settings, classify=False, quality=True)
    assert result.ok, result.error
    assert result.pages_read == PAGE_COUNT


def _classify_paper(cache: Path, **options) -> DocumentResult:
    path = CORPUS / "labeled" / "scientific_paper" / "pdfjs__tracemonkey.pdf"
    settings = Settings()
    settings.store.cache_dir = str(cache)
    for name, value in options.items():
        setattr(settings.classification, name, value)
    result = process_document(str(path), settings, quality=False)
    assert result.ok, result.error
    assert result.classification is not None
    return result


@needs_corpus
def test_long_paper_classified_from_first_pages(tmp_path: Path):
    partial = _classify_paper(tmp_path / "partial", first_chars=0)
    full = _classify_paper(tmp_path / "full", first_chars=0, read_all_pages=True)
    assert partial.pages == 14
    assert partial.pages_read is not None
    assert partial.pages_read < 14
    assert full.pages_read == 14
    assert partial.classification.category == full.classification.category
    assert partial.classification.confidence == full.classification.confidence


@needs_corpus
def test_two_pass_matches_full_read(tmp_path: Path):
    first = _classify_paper(tmp_path / "first")
    full = _classify_paper(tmp_path / "full", read_all_pages=True)
    with_quality = process_document(
        str(CORPUS / "labeled" / "scientific_paper" / "pdfjs__tracemonkey.pdf"),
        _settings_in(tmp_path / "process"),
    )
    assert first.pages_read is not None
    assert (
        first.pages_read < _classify_paper(tmp_path / "max", first_chars=0).pages_read
    )
    assert full.pages_read == 14
    assert first.review_status == ReviewStatus.APPROVED
    for other in (full, with_quality):
        assert other.classification is not None
        assert first.classification.category == other.classification.category
        assert first.classification.confidence == other.classification.confidence
        assert first.classification.evidence == other.classification.evidence


def _settings_in(cache: Path) -> Settings:
    settings = Settings()
    settings.store.cache_dir = str(cache)
    return settings


def _scan(lines: list[str]) -> Image.Image:
    image = Image.new("L", (1200, 400), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=48)
    draw.multiline_text((60, 60), "\n".join(lines), font=font, fill=0, spacing=30)
    return image


SCAN_LINES = ["Invoice number 4711", "Total amount due 250 EUR"]


def test_partial_tiff_stops_ocr_after_limit(tmp_path: Path, settings: Settings):
    settings.extraction.ocr = True
    path = tmp_path / "three-frames.tiff"
    frames = [_scan(SCAN_LINES) for _ in range(3)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    document = extract_document(str(path), settings, char_limit=10)
    assert len(document.pages) == 3
    assert document.pages_read == 1
    assert document.pages[0].method == "ocr"
    assert "4711" in document.pages[0].text
    assert [page.flags for page in document.pages[1:]] == [["not_read"]] * 2


def test_partial_scanned_pdf_skips_ocr(tmp_path: Path, settings: Settings):
    settings.extraction.ocr = True
    path = tmp_path / "scan.pdf"
    pages = [_scan(SCAN_LINES) for _ in range(3)]
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=100)
    document = extract_document(str(path), settings, char_limit=10)
    assert document.pages_read == 1
    assert document.pages[0].method == "ocr"
    assert document.pages[1].flags == ["not_read"]
    assert document.pages[2].flags == ["not_read"]  # the last page needs OCR


# --- the first, shorter read of classification alone ---------------------------


def _invoice_lines(number: int) -> list[str]:
    return [
        f"INVOICE No. 2024-{number:03d}",
        "Invoice date: 12 March 2024",
        "Bill to: Harbor Tools Ltd, 4 Quay Street, Leeds",
        "Steel brackets               40      2.50      100.00",
        "Subtotal: 100.00 GBP",
        "VAT 20%: 20.00 GBP",
        "Total due: 120.00 GBP",
        "Payment terms: 30 days, due 11 April 2024",
    ]


def _swedish_lines(number: int) -> list[str]:
    return [
        f"Sida {number}: vi har inte kommit till kunden och det var mycket bra",
        "Jag ska ha mer av detta men inte alla dagar",
        "Det som hade blivit gjort efter detta var inte bra",
        "Alla har sina namn och deras adress i avtal",
        "Men det var inte mycket mellan dessa och inget mer",
    ] * 2


def _classify_twice(path: Path, tmp_path: Path, first: int = 10) -> tuple:
    """Classify ``path`` with a first read of ``first`` characters, then with none."""
    results = []
    for first_chars in (first, 0):
        settings = Settings()
        settings.store.cache_dir = str(tmp_path / f"cache-{first_chars}")
        settings.extraction.ocr = False
        settings.classification.max_chars = 2000
        settings.classification.first_chars = first_chars
        result = process_document(str(path), settings, quality=False)
        assert result.ok, result.error
        assert result.classification is not None
        results.append(result)
    return tuple(results)


def test_decided_first_pages_leave_the_rest_unread(tmp_path: Path):
    path = make_multipage_pdf(tmp_path / "invoice.pdf", lines=_invoice_lines)
    first, whole = _classify_twice(path, tmp_path)
    assert first.pages_read == 2  # the first page and the last
    assert first.classification.metadata.pages_read == 2
    unread = ["not_read"] * (PAGE_COUNT - 2)
    assert first.classification.metadata.extraction == [
        "text_layer",
        *unread,
        "text_layer",
    ]
    assert first.classification.category == "invoice"
    assert first.review_status == ReviewStatus.APPROVED
    assert whole.pages_read == PAGE_COUNT
    assert whole.classification.category == "invoice"


def test_undecided_first_pages_read_on_to_max_chars(tmp_path: Path, caplog):
    # Named .txt, so the result carries a warning about the extension.
    path = make_multipage_pdf(tmp_path / "notes.txt")
    with caplog.at_level("DEBUG", logger="docflow.core.pipeline"):
        first, whole = _classify_twice(path, tmp_path)
    # -vv shows that the first pass left it undecided.
    assert f"{path}: unknown from the first 10 characters (category unknown" in (
        caplog.text
    )
    assert "classifying from 2000" in caplog.text
    assert whole.classification.category == "unknown"
    assert first.pages_read == whole.pages_read
    assert first.pages_read is not None and first.pages_read > 2
    assert first.classification.metadata.pages_read == first.pages_read
    assert first.classification.category == whole.classification.category
    assert first.classification.confidence == whole.classification.confidence
    assert first.review_reasons == whole.review_reasons
    assert whole.warnings  # the extension names another kind
    assert first.warnings == whole.warnings  # once, not once per read


def _spy_on(monkeypatch, module, name: str) -> list:
    """Record the second argument of each call of ``module.name``, which still runs.

    It is the page number or the page's name of the page-reading functions.
    """
    calls: list = []
    real = getattr(module, name)

    def spy(first, second, *args, **kwargs):
        calls.append(second)
        return real(first, second, *args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


def test_read_on_loads_new_pages_only(tmp_path: Path, monkeypatch):
    from docflow.core.extract import pdf as pdf_extractor

    loaded = _spy_on(monkeypatch, pdf_extractor, "_read_loaded_page")
    path = make_multipage_pdf(tmp_path / "notes.pdf")
    settings = Settings()
    settings.store.cache_dir = str(tmp_path / "cache")
    settings.extraction.ocr = False
    settings.classification.max_chars = 2000
    settings.classification.first_chars = 10
    result = process_document(str(path), settings, quality=False)
    assert result.ok, result.error
    assert result.review_status == ReviewStatus.NEEDS_REVIEW  # so it read on
    assert result.pages_read is not None and result.pages_read > 2
    # The first read took page 1 and the last; the second only those between.
    between = list(range(2, result.pages_read))
    assert loaded == [1, PAGE_COUNT, *between]


def test_short_undecided_document_is_classified_once(tmp_path: Path, monkeypatch):
    from docflow.core import classify as classify_package

    calls: list[int | None] = []
    real = classify_package.classify_document

    def counted(document, settings, *, max_chars=None):
        calls.append(max_chars)
        return real(document, settings, max_chars=max_chars)

    monkeypatch.setattr(classify_package, "classify_document", counted)
    path = make_multipage_pdf(tmp_path / "notes.pdf", 2)
    first, whole = _classify_twice(path, tmp_path, first=1500)
    # The first pass read both pages and all of their text, and left the
    # document undecided, so a second pass would see the same input.
    assert len(first.classification.metadata.extraction) == 2
    assert first.classification.metadata.chars_used < 1500
    assert first.review_status == ReviewStatus.NEEDS_REVIEW
    assert calls == [1500, None]  # the run without a first pass: max_chars
    assert first.classification == whole.classification


def test_untrained_language_does_not_read_on(tmp_path: Path):
    path = make_multipage_pdf(tmp_path / "svenska.pdf", lines=_swedish_lines)
    first, whole = _classify_twice(path, tmp_path)
    assert first.classification.category == "unknown"
    assert "text in sv" in first.review_reasons[0]
    assert first.pages_read == 2
    assert whole.pages_read is not None and whole.pages_read > 2
    assert whole.review_reasons == first.review_reasons


def test_large_first_chars_reads_once(pdf_path, settings):
    settings.classification.max_chars = 1000
    settings.classification.first_chars = 5000
    result = process_document(str(pdf_path), settings, quality=False)
    assert result.ok, result.error
    assert result.pages_read == 3  # as with max_chars alone


@pytest.mark.parametrize("suffix", [".tiff", ".pdf"])
def test_read_on_takes_ocr_pages_from_first_read(tmp_path: Path, monkeypatch, suffix):
    from docflow.core.extract import _pageocr

    calls = _spy_on(monkeypatch, _pageocr, "ocr_image")  # tesseract still runs
    path = tmp_path / f"three-scans{suffix}"
    lines = ["The supplier delivers", "the goods on time"]
    frames = [_scan([*lines, f"Sheet {number}"]) for number in (1, 2, 3)]
    # A PDF of images has no text layer: every page needs OCR.
    frames[0].save(path, save_all=True, append_images=frames[1:], resolution=150)

    results = []
    for first_chars in (10, 0):
        settings = Settings()
        settings.store.cache_dir = str(tmp_path / f"cache-{first_chars}")
        settings.classification.max_chars = 500
        settings.classification.first_chars = first_chars
        calls.clear()
        result = process_document(str(path), settings, quality=False)
        assert result.ok, result.error
        results.append((result, list(calls)))
    (first, first_calls), (whole, whole_calls) = results
    assert whole_calls == ["page-1", "page-2", "page-3"]
    assert first.review_status == ReviewStatus.NEEDS_REVIEW  # so it read on
    assert first_calls == ["page-1", "page-2", "page-3"]  # page 1 OCR'd once
    assert first.pages_read == whole.pages_read == 3
    assert first.classification is not None and whole.classification is not None
    assert first.classification.category == whole.classification.category
    assert first.classification.confidence == whole.classification.confidence
