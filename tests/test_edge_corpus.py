"""Every hostile file of the shared corpus ends with the status its manifest expects.

Each row names a file under ``corpus/edge``, the status ``process_document``
must return, and what the extraction must show: page flags, text, the
detected type or a warning. The labeled files must all yield text.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from docflow.core.config import Settings
from docflow.core.models import Status
from docflow.core.pipeline import extract_cached, process_document

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus absent")

OK = Status.OK
slow = pytest.mark.slow

# (file under edge/, status, expectations). Expectation keys: type, pages,
# text (substring), absent (substring that must not appear), flags
# ({page number: flags that must be present}), not_flags, method
# ({page number: method}), language, warning (substring), error (substring).
EDGE_CASES: list[Any] = [
    ("paperl__simple.zip", Status.UNSUPPORTED, {"error": "ZIP archive"}),
    ("ocrmy__blank.pdf", OK, {"flags": {1: ["empty"]}, "not_flags": ["garbage_text"]}),
    ("pdfjs__GHOSTSCRIPT-698804-1-fuzzed.pdf", OK, {"pages": 1}),
    ("pdfjs__issue6069.pdf", OK, {"text": "Missing value for startxref"}),
    ("unst__embedded-cmap-cidfont.pdf", OK, {"text": "embedded CMap"}),
    ("ocrmy__invalid.pdf", Status.CORRUPT, {"error": "damaged PDF"}),
    ("pminer__zen_of_python_corrupted.pdf", OK, {"text": "Beautiful is better"}),
    ("pdfjs__PDFBOX-3148-2-fuzzed.pdf", OK, {"pages": 1}),
    ("unst__grid_offset_error.docx", OK, {"text": "Merged B1-B3"}),
    ("unst__docx-hdrftr.docx", OK, {"text": "First header para"}),
    ("docling__Strict.docx", OK, {"text": "Some text", "warning": "python-docx"}),
    (
        "plumb__issue-71-duplicate-chars.pdf",
        OK,
        {"pages": 2, "language": "zh", "text": "计算机科学", "absent": "计计算算"},
    ),
    ("unst__mime-no-body.eml", OK, {"type": "eml", "text": "Image Only Email"}),
    ("unst__empty.eml", OK, {"flags": {1: ["empty"]}}),
    ("plumb__empty.pdf", Status.EMPTY, {"error": "0 bytes"}),
    (
        "unst__layout-parser-paper-with-empty-pages.pdf",
        OK,
        {"pages": 4, "flags": {2: ["empty"], 3: ["empty"]}, "not_flags": []},
    ),
    ("pdfjs__empty_protected.pdf", OK, {"flags": {1: ["empty"]}}),
    ("unst__copy-protected.pdf", OK, {"text": "LayoutParser"}),
    ("docling__2206.01062_pg3.pdf", Status.PASSWORD_REQUIRED, {"error": "--password"}),
    ("pdfjs__saslprep-r6.pdf", Status.PASSWORD_REQUIRED, {}),
    ("pypdf__r2-user-password.pdf", Status.PASSWORD_REQUIRED, {}),
    ("pypdf__r6-both-passwords.pdf", Status.PASSWORD_REQUIRED, {}),
    ("unst__password.pdf", Status.PASSWORD_REQUIRED, {}),
    pytest.param(
        "ocrmy__2400dpi.pdf",
        OK,
        {"method": {1: "ocr"}, "text": "linzen", "language": "nl"},
        marks=slow,
    ),
    pytest.param(
        "ocrmy__truetype_font_nomapping.pdf",
        OK,
        {"method": {1: "ocr"}, "text": "Phone", "flags": {1: ["reocr_used"]}},
        marks=slow,
    ),
    ("pdfjs__TrueType_without_cmap.pdf", OK, {"pages": 1}),
    pytest.param(
        "ocrmy__cmyk.pdf",
        OK,
        {"flags": {1: ["reocr_used"]}, "absent": "䴀"},
        marks=slow,
    ),
    pytest.param(
        "plumb__issue-192-example.pdf", OK, {"flags": {1: ["garbage_text"]}}, marks=slow
    ),
    pytest.param(
        "ocrmy__enormous.pdf", OK, {"method": {1: "ocr"}, "text": "pixels"}, marks=slow
    ),
    ("pdfjs__poppler-67295-0.pdf", OK, {"text": "TestString123"}),
    ("paperl__no-text.png", OK, {"type": "image", "flags": {1: ["empty"]}}),
    ("unst__fake.doc", Status.UNSUPPORTED, {"error": "legacy Word .doc"}),
    ("mailp__mail_malformed_2", OK, {"type": "eml", "text": "Delivery failure"}),
    ("unst__fake-email-malformed-encoding.eml", OK, {"text": "Roses are red"}),
    pytest.param(
        "plumb__malformed-from-issue-932.pdf",
        OK,
        {"flags": {1: ["garbage_text"]}, "warning": "extraction.ocr_languages"},
        marks=slow,
    ),
    ("ocrmy__docinfo_latin1_key.pdf", OK, {"pages": 1}),
    pytest.param(
        "unst__layout-parser-paper-combined.tiff",
        OK,
        {"pages": 2, "method": {1: "ocr", 2: "ocr"}, "text": "LayoutParser"},
        marks=slow,
    ),
    ("mailp__mail_malformed_1", OK, {"type": "eml", "text": "Subject: immagine"}),
    pytest.param(
        "unst__chi_sim_image.jpeg",
        OK,
        {"flags": {1: ["garbage_text"]}, "warning": "extraction.ocr_languages"},
        marks=slow,
    ),
    ("unst__fake-email-utf-16-be.eml", OK, {"type": "eml", "text": "Roses are red"}),
    (
        "unst__example-steelJIS-datasheet-utf-16.html",
        OK,
        {"type": "html", "language": "en"},
    ),
    ("unst__fake-text-utf-16-be.txt", OK, {"text": "This is a test document"}),
    ("unst__hebrew-text-base64-iso88598i.txt", OK, {"type": "text"}),
    ("mkd__random.bin", Status.UNSUPPORTED, {"error": "unknown format"}),
    ("pdfjs__ContentStreamCycleType3insideType3.pdf", OK, {"pages": 1}),
    ("pminer__issue-1113-evil-xobjects.pdf", OK, {"text": "Hello world"}),
    ("plumb__nics-background-checks-2015-11-rotated.pdf", OK, {"text": "Handgun"}),
    pytest.param(
        "docling__ocr_test_rotated_180.pdf",
        OK,
        {"method": {1: "ocr"}, "text": "Docling bundles PDF"},
        marks=slow,
    ),
    pytest.param(
        "docling__ocr_test.pdf",
        OK,
        {"method": {1: "ocr"}, "text": "Docling bundles PDF"},
        marks=slow,
    ),
    pytest.param(
        "ocrmy__ccitt.pdf",
        OK,
        {"method": {1: "ocr"}, "text": "LinnSequencer"},
        marks=slow,
    ),
    pytest.param(
        "ocrmy__rotated_skew.pdf",
        OK,
        {"method": {1: "ocr"}, "text": "LinnSequencer"},
        marks=slow,
    ),
    ("pdfjs__bug1020226.pdf", Status.CORRUPT, {"error": "damaged PDF"}),
    ("pdfjs__Brotli-Prototype-FileA.pdf", Status.UNSUPPORTED, {"error": "Brotli"}),
    (
        "mkd__test_outlook_msg.msg",
        Status.UNSUPPORTED,
        {"error": "save it from Outlook"},
    ),
    ("unst__fake-text-all-whitespace.txt", OK, {"flags": {1: ["empty"]}}),
    (
        "docling__elife-56337.txt",
        OK,
        {"type": "html", "warning": "extension .txt but the content is XML"},
    ),
    (
        "unst__fake-email.txt",
        OK,
        {"type": "eml", "warning": "extension .txt but the content is an e-mail"},
    ),
    ("pdfjs__issue15590.pdf", Status.EMPTY, {"error": "PDF has no pages"}),
    ("unst__pdf2image-memory-error-test-400p.pdf", OK, {"pages": 400}),
    ("unst__book-war-and-peace-1225p.txt", OK, {"text": "Natasha", "language": "en"}),
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    result = Settings()
    result.store.cache_dir = str(tmp_path_factory.mktemp("cache"))
    return result


def _case_name(case: Any) -> str:
    return case.values[0] if hasattr(case, "values") else case[0]


def test_edge_table_covers_manifest():
    with open(CORPUS / "MANIFEST.tsv", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        listed = {row["path"].removeprefix("edge/") for row in rows}
    edge = {name for name in listed if (CORPUS / "edge" / name).exists()}
    assert edge <= {_case_name(case) for case in EDGE_CASES}


@pytest.mark.parametrize(("name", "status", "expected"), EDGE_CASES)
def test_edge_file(name, status, expected, settings):
    path = str(CORPUS / "edge" / name)
    result = process_document(path, settings, classify=False, quality=False)
    assert result.status == status, result.error
    if status != OK:
        assert result.error is not None
        assert result.error.startswith(path)
        assert expected.get("error", "") in result.error
        return
    document = extract_cached(path, result.content_hash or "", settings)
    check_document(document, expected)


def check_document(document: Any, expected: dict[str, Any]) -> None:
    if "type" in expected:
        assert document.detected_type == expected["type"]
    if "pages" in expected:
        assert len(document.pages) == expected["pages"]
    if "text" in expected:
        assert expected["text"] in document.text
    if "absent" in expected:
        assert expected["absent"] not in document.text
    if "language" in expected:
        assert document.language == expected["language"]
    if "warning" in expected:
        assert any(expected["warning"] in warning for warning in document.warnings)
    for number, flags in expected.get("flags", {}).items():
        for flag in flags:
            assert flag in document.pages[number - 1].flags
    for flag in expected.get("not_flags", []):
        assert all(flag not in page.flags for page in document.pages)
    for number, method in expected.get("method", {}).items():
        assert document.pages[number - 1].method == method


def _labeled_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(path for path in (CORPUS / "labeled").rglob("*") if path.is_file())


QUICK_LABELED = [
    "contract/ghpol__github-event-terms.md",
    "email/unst__family-day.eml",
    "bank_statement/plumb__issue-912.pdf",
]


@pytest.mark.parametrize("name", QUICK_LABELED)
def test_labeled_file_has_text(name, settings):
    result = process_document(
        str(CORPUS / "labeled" / name), settings, classify=False, quality=False
    )
    assert result.status == OK, result.error
    document = extract_cached(result.path, result.content_hash or "", settings)
    assert document.text.strip()


@slow
@pytest.mark.parametrize("path", _labeled_files(), ids=lambda path: path.name)
def test_every_labeled_file_has_text(path, settings):
    result = process_document(str(path), settings, classify=False, quality=False)
    assert result.status == OK, result.error
    document = extract_cached(str(path), result.content_hash or "", settings)
    assert len(document.text.strip()) > 50


def test_file_over_size_limit_rejected_unread(tmp_path, settings):
    """A sparse file bigger than extraction.max_file_mb is rejected from its
    size; it would otherwise be hashed byte by byte first."""
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(3 * 1024 * 1024)
    limited = settings.model_copy(deep=True)
    limited.extraction.max_file_mb = 2
    result = process_document(str(path), limited, classify=False, quality=False)
    assert result.status == Status.TOO_LARGE, result.error
    assert "extraction.max_file_mb" in (result.error or "")
    assert result.content_hash is None  # never read
    assert process_document(str(path), settings).status != Status.TOO_LARGE
