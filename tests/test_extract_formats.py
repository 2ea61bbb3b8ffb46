"""Extraction of DOCX, images, text, Markdown, HTML and e-mail, and the registry."""

from __future__ import annotations

import codecs
import os
import zipfile
from email.message import EmailMessage
from pathlib import Path

import docx
import pytest
from PIL import Image, ImageDraw, ImageFont

from docflow.core.config import Settings
from docflow.core.extract import (
    extract_document,
    get_extractor,
    new_document,
    register_extractor,
)
from docflow.core.models import Page
from docflow.errors import CorruptDocument, TooLarge

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus absent")


@pytest.fixture
def settings(tmp_path) -> Settings:
    result = Settings()
    result.store.cache_dir = str(tmp_path / "cache")
    return result


def make_docx(path: Path) -> str:
    document = docx.Document()
    document.add_heading("Service Agreement", level=0)
    document.add_heading("Scope", level=1)
    document.add_paragraph("The supplier shall deliver the services described here.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Item"
    table.cell(0, 1).text = "Price"
    table.cell(1, 0).text = "Support"
    table.cell(1, 1).text = "100 EUR"
    document.add_heading("Payment", level=2)
    section = document.sections[0]
    section.header.paragraphs[0].text = "ACME Corporation letterhead"
    section.footer.paragraphs[0].text = "Confidential footer line"
    document.save(path)
    return str(path)


def rewrite_zip_member(path: str, member: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in items:
            target.writestr(info.filename, data if info.filename == member else content)


def text_image(lines: list[str], size: tuple[int, int] = (1400, 500)) -> Image.Image:
    image = Image.new("L", size, 255)
    font = ImageFont.load_default(size=48)
    ImageDraw.Draw(image).multiline_text(
        (60, 60), "\n".join(lines), font=font, fill=0, spacing=30
    )
    return image


def test_docx_headings_tables_headers(tmp_path, settings):
    document = extract_document(make_docx(tmp_path / "a.docx"), settings)
    assert document.detected_type == "docx"
    assert document.headings == [(1, "Service Agreement"), (1, "Scope"), (2, "Payment")]
    assert document.tables == 1
    text = document.pages[0].text
    assert "Support\t100 EUR" in text
    assert text.startswith("ACME Corporation letterhead")
    assert text.rstrip().endswith("Confidential footer line")
    assert document.pages[0].method == "native"


def test_docx_doctype_rejected(tmp_path, settings):
    path = make_docx(tmp_path / "bomb.docx")
    payload = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;">]><w:document>&lol2;</w:document>'
    )
    rewrite_zip_member(path, "word/document.xml", payload)
    with pytest.raises(CorruptDocument, match="DTD"):
        extract_document(path, settings)


def test_docx_zip_bomb_ratio(tmp_path, settings):
    path = make_docx(tmp_path / "ratio.docx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\x00" * (8 * 1024 * 1024))
    with pytest.raises(TooLarge, match="zip bomb"):
        extract_document(path, settings)


def test_docx_decompressed_limit(tmp_path, settings):
    settings.extraction.max_decompressed_mb = 1
    path = make_docx(tmp_path / "big.docx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/media/big.bin", b"x" * (2 * 1024 * 1024))
    with pytest.raises(TooLarge, match="max_decompressed_mb"):
        extract_document(path, settings)


@needs_corpus
def test_docx_strict_falls_back(settings):
    document = extract_document(str(CORPUS / "edge" / "docling__Strict.docx"), settings)
    assert document.pages[0].text == "Some text"
    assert any("python-docx" in warning for warning in document.warnings)


@needs_corpus
def test_docx_bad_table_grid_read(settings):
    document = extract_document(
        str(CORPUS / "edge" / "unst__grid_offset_error.docx"), settings
    )
    assert "Merged B1-B3" in document.pages[0].text
    assert document.tables == 1


@needs_corpus
def test_docx_header_footer_text(settings):
    document = extract_document(
        str(CORPUS / "edge" / "unst__docx-hdrftr.docx"), settings
    )
    assert "First header para" in document.pages[0].text
    assert "Main document" in document.pages[0].text


def test_image_ocr(tmp_path, settings):
    path = tmp_path / "note.png"
    text_image(["Meeting minutes", "Action items for the team"]).save(path)
    document = extract_document(str(path), settings)
    page = document.pages[0]
    assert document.detected_type == "image"
    assert page.method == "ocr"
    assert "Meeting minutes" in page.text
    assert page.ocr_confidence is not None and page.ocr_confidence > 50


def test_image_multiframe_tiff(tmp_path, settings):
    path = tmp_path / "pages.tiff"
    first = text_image(["First page of the fax"])
    second = text_image(["Second page of the fax"])
    first.save(path, save_all=True, append_images=[second])
    document = extract_document(str(path), settings)
    assert len(document.pages) == 2
    assert "Second page" in document.pages[1].text
    assert document.metadata["frames"] == 2


def test_image_pixel_limit(tmp_path, settings):
    settings.extraction.max_image_pixels = 100_000
    path = tmp_path / "big.png"
    Image.new("L", (1000, 1000), 255).save(path)
    with pytest.raises(TooLarge, match="max_image_pixels"):
        extract_document(str(path), settings)


def _png_header(path: Path, width: int, height: int) -> None:
    """Write a PNG whose header declares ``width`` x ``height`` pixels.

    Its pixel data is a few bytes only, so it cannot be decoded.
    """
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )


def test_image_limit_above_pillows(tmp_path, settings):
    """extraction.max_image_pixels decides, also above Pillow's 179 MP error."""
    path = tmp_path / "huge.png"
    _png_header(path, 20_000, 10_000)  # 200 MP
    settings.extraction.max_image_pixels = 100_000_000
    with pytest.raises(TooLarge, match=r"200 MP.*extraction\.max_image_pixels"):
        extract_document(str(path), settings)
    settings.extraction.max_image_pixels = 1_000_000_000
    # Allowed now, so the image is decoded, and its missing data is found.
    with pytest.raises(CorruptDocument):
        extract_document(str(path), settings)


def test_image_truncated_corrupt(tmp_path, settings):
    path = tmp_path / "cut.png"
    text_image(["Truncated"]).save(path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(CorruptDocument):
        extract_document(str(path), settings)


def test_image_ocr_disabled(tmp_path, settings):
    settings.extraction.ocr = False
    path = tmp_path / "x.jpg"
    text_image(["Anything"]).save(path)
    document = extract_document(str(path), settings)
    assert document.pages[0].method == "none"
    assert "ocr_disabled" in document.pages[0].flags


def test_text_utf16_without_bom(tmp_path, settings):
    path = tmp_path / "u.txt"
    path.write_bytes("Zażółć gęślą jaźń, i tak dalej.".encode("utf-16-le"))
    document = extract_document(str(path), settings)
    assert document.pages[0].text == "Zażółć gęślą jaźń, i tak dalej."
    assert document.metadata["encoding"] == "utf-16-le"


def test_text_cp1252(tmp_path, settings):
    text = "Die Größe der Übergabe ist für den Kunden maßgeblich. " * 10
    path = tmp_path / "de.txt"
    path.write_bytes(text.encode("cp1252"))
    document = extract_document(str(path), settings)
    assert "Größe" in document.pages[0].text
    assert document.language == "de"


def test_text_size_limit(tmp_path, settings):
    settings.extraction.max_text_mb = 1
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 300_000)
    with pytest.raises(TooLarge, match="max_text_mb"):
        extract_document(str(path), settings)


def test_text_whitespace_only_flagged_empty(tmp_path, settings):
    path = tmp_path / "blank.txt"
    path.write_bytes(b" \n\n  \n")
    document = extract_document(str(path), settings)
    assert document.pages[0].flags == ["empty"]


def test_markdown_headings_skip_code(tmp_path, settings):
    path = tmp_path / "doc.md"
    path.write_text(
        "# Title\n\nIntro\n\n```\n# not a heading\n```\n\nPart two\n--------\n\n"
        "### Deep ###\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        encoding="utf-8",
    )
    document = extract_document(str(path), settings)
    assert document.headings == [(1, "Title"), (2, "Part two"), (3, "Deep")]
    assert document.tables == 1


def test_html_visible_text_and_headings(tmp_path, settings):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Quarterly report</title><style>p{color:red}</style>"
        "<script>var hidden = 'secret';</script></head><body>"
        "<h1>Results</h1><p>Revenue grew.</p><h3>Outlook</h3>"
        "<table><tr><td>Q1</td><td>10</td></tr></table></body></html>",
        encoding="utf-8",
    )
    document = extract_document(str(path), settings)
    text = document.pages[0].text
    assert "Revenue grew." in text
    assert "secret" not in text
    assert "color" not in text
    assert document.headings == [(1, "Results"), (3, "Outlook")]
    assert document.tables == 1
    assert document.metadata["title"] == "Quarterly report"


def test_html_utf16(tmp_path, settings):
    path = tmp_path / "u16.html"
    markup = "<html><body><h2>Überschrift</h2><p>Inhalt</p></body></html>"
    path.write_bytes(codecs.BOM_UTF16_LE + markup.encode("utf-16-le"))
    document = extract_document(str(path), settings)
    assert document.headings == [(2, "Überschrift")]


def test_jats_xml_as_html(tmp_path, settings):
    path = tmp_path / "article.txt"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE article PUBLIC "-//NLM//DTD JATS//EN" "x.dtd">'
        "<article><front><title-group><article-title>Cell growth</article-title>"
        "</title-group></front><body><sec><title>Introduction</title><p>Cells grow."
        "</p><sec><title>Background</title><p>More.</p></sec></sec></body></article>",
        encoding="utf-8",
    )
    document = extract_document(str(path), settings)
    assert document.detected_type == "html"
    assert document.mime_type == "application/xml"
    assert document.headings == [
        (1, "Cell growth"),
        (2, "Introduction"),
        (3, "Background"),
    ]
    assert "Cells grow." in document.text
    assert document.extension_mismatch


def make_email(tmp_path: Path, name: str = "m.eml") -> str:
    message = EmailMessage()
    message["From"] = "Alice <alice@example.com>"
    message["To"] = "Bob <bob@example.com>"
    message["Subject"] = "Überweisung für Rechnung 42"
    message["Date"] = "Mon, 02 Dec 2024 10:00:00 +0000"
    message.set_content("Please find the invoice attached.\nRegards, Alice")
    message.add_alternative(
        "<p>Please find the <b>invoice</b> attached.</p>", subtype="html"
    )
    message.add_attachment(
        b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="invoice.pdf"
    )
    path = tmp_path / name
    path.write_bytes(message.as_bytes())
    return str(path)


def test_eml_headers_body_attachments(tmp_path, settings):
    document = extract_document(make_email(tmp_path), settings)
    text = document.pages[0].text
    assert document.detected_type == "eml"
    assert text.startswith("Subject: Überweisung für Rechnung 42\nFrom: Alice")
    assert "Please find the invoice attached." in text
    assert "<b>" not in text
    assert document.metadata["subject"] == "Überweisung für Rechnung 42"
    assert document.metadata["attachments"] == [
        {"filename": "invoice.pdf", "content_type": "application/pdf", "size": 13}
    ]


def test_eml_html_only_body(tmp_path, settings):
    path = tmp_path / "h.eml"
    path.write_text(
        "From: a@example.com\nTo: b@example.com\nSubject: Hi\n"
        "Content-Type: text/html; charset=utf-8\n\n"
        "<html><body><p>Only <i>HTML</i> here</p><script>x()</script></body></html>\n",
        encoding="utf-8",
    )
    document = extract_document(str(path), settings)
    assert "Only\nHTML\nhere" in document.pages[0].text
    assert "x()" not in document.pages[0].text


def test_eml_bad_charset_and_encoding(tmp_path, settings):
    path = tmp_path / "bad.eml"
    path.write_bytes(
        b"From: =?x-unknown?Q?broken?= <a@example.com>\nTo: b@example.com\n"
        b"Subject: =?utf-8?B?invalid-base64?=\nContent-Type: text/plain; "
        b"charset=no-such-charset\nContent-Transfer-Encoding: base64\n\n"
        b"!!!not base64 at all\xff\xfe\n"
    )
    document = extract_document(str(path), settings)
    assert document.pages[0].text.startswith("Subject:")


def test_eml_saved_as_txt_warns(tmp_path, settings):
    path = make_email(tmp_path, "mail.txt")
    document = extract_document(path, settings)
    assert document.detected_type == "eml"
    assert document.warnings[0] == "extension .txt but the content is an e-mail"


class UpperTextExtractor:
    """A third-party-style extractor, registered like the built-ins."""

    kind = "text"

    def extract(self, path, context):
        document = new_document(path, context)
        text = Path(path).read_text(encoding="utf-8").upper()
        document.pages.append(Page(number=1, method="native", text=text))
        return document


def test_registry_replaces_extractor(tmp_path, settings):
    original = get_extractor("text")
    register_extractor(UpperTextExtractor())
    try:
        path = tmp_path / "a.txt"
        path.write_text("shout", encoding="utf-8")
        assert extract_document(str(path), settings).pages[0].text == "SHOUT"
    finally:
        register_extractor(original)
    assert get_extractor("text") is original


def test_registry_rejects_non_extractor():
    with pytest.raises(TypeError):
        register_extractor(object())  # type: ignore[arg-type]


def test_eml_deep_nesting_corrupt(tmp_path, settings):
    path = tmp_path / "deep.eml"
    parts = b"".join(
        b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (level, level + 1)
        for level in range(3000)
    )
    path.write_bytes(
        b"From: a@example.com\nTo: b@example.com\nSubject: nest\n"
        b"Content-Type: multipart/mixed; boundary=b0\n\n" + parts
    )
    with pytest.raises(CorruptDocument, match="nests too deeply"):
        extract_document(str(path), settings)


def test_html_deep_nesting_read(tmp_path, settings):
    path = tmp_path / "deep.html"
    path.write_text(
        "<html><body>" + "<div>" * 50_000 + "deep text" + "</div>" * 50_000,
        encoding="utf-8",
    )
    assert extract_document(str(path), settings).text == "deep text"


@pytest.mark.parametrize("turn", [90, 180])
def test_image_turned_page_read_upright(tmp_path, settings, turn):
    lines = [
        "The quarterly report shows revenue growth",
        "across all regions and product lines this year.",
        "Costs were kept under control by the team.",
    ]
    path = tmp_path / f"turned{turn}.png"
    text_image(lines, size=(1500, 600)).rotate(turn, expand=True).save(path)
    document = extract_document(str(path), settings)
    assert "quarterly report" in document.pages[0].text


def test_registry_loads_entry_point_plugin(tmp_path, monkeypatch):
    from docflow.core import extract

    (tmp_path / "docflow_upper_plugin.py").write_text(
        "from pathlib import Path\n"
        "from docflow.core.extract import new_document\n"
        "from docflow.core.models import Page\n"
        "class UpperExtractor:\n"
        "    kind = 'text'\n"
        "    def extract(self, path, context):\n"
        "        document = new_document(path, context)\n"
        "        text = Path(path).read_text().upper()\n"
        "        document.pages.append(Page(number=1, method='native', text=text))\n"
        "        return document\n",
        encoding="utf-8",
    )
    info = tmp_path / "docflow_upper_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: docflow-upper-plugin\nVersion: 1.0\n",
        encoding="utf-8",
    )
    (info / "entry_points.txt").write_text(
        "[docflow.extractors]\nupper = docflow_upper_plugin:UpperExtractor\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(extract, "_REGISTRY", {})
    monkeypatch.setattr(extract, "_builtins_loaded", False)

    assert type(get_extractor("text")).__name__ == "UpperExtractor"
    assert type(get_extractor("pdf")).__name__ == "PdfExtractor"


def test_ocr_environment_and_cached_check(tmp_path, settings, monkeypatch):
    from docflow.core import ocr

    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    path = tmp_path / "n.png"
    text_image(["Thread limit"]).save(path)
    extract_document(str(path), settings)
    hits = ocr._find_tesseract.cache_info().hits
    extract_document(str(path), settings)
    assert ocr._find_tesseract.cache_info().hits > hits
    assert ocr._find_tesseract.cache_info().misses <= 1
    assert os.environ["OMP_THREAD_LIMIT"] == "1"


HOSTILE_INPUTS = {
    "encoded_words.eml": b"From: a@example.com\nTo: b@example.com\nSubject: "
    + b"=?utf-8?q?a?= " * 20_000
    + b"\n\nbody\n",
    "many_addresses.eml": b"From: a@example.com\nTo: "
    + b"x@example.com, " * 20_000
    + b"\nSubject: s\n\nbody\n",
    "unclosed_tags.html": b"<html><body>" + b"<a" * 50_000,
    "tab_line.md": b"# Title\n\n" + b"\t" * 200_000 + b"\n",
    "dotted.txt": b"a." * 200_000,
    "at_signs.txt": b"@." * 200_000,
}


# The timeout turns a parser with quadratic time on these inputs into a
# failure; each one finishes in well under a second when linear.
@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(HOSTILE_INPUTS))
def test_hostile_input_finishes(tmp_path, settings, name):
    path = tmp_path / name
    path.write_bytes(HOSTILE_INPUTS[name])
    document = extract_document(str(path), settings)
    assert len(document.pages) == 1
    assert len(document.metadata.get("subject", "")) <= 4096


def test_image_transparent_png_read(tmp_path, settings):
    image = Image.new("RGBA", (1400, 300), (0, 0, 0, 0))
    font = ImageFont.load_default(size=48)
    ImageDraw.Draw(image).text(
        (40, 100), "Transparent background text", font=font, fill=(0, 0, 0, 255)
    )
    path = tmp_path / "logo.png"
    image.save(path)
    document = extract_document(str(path), settings)
    assert "Transparent background" in document.pages[0].text


def test_image_16_bit_tiff_read(tmp_path, settings):
    gray = text_image(["Sixteen bit scan of a form"])
    # Every value is above 255, so clipping to 8 bits would give a white page.
    deep = gray.convert("I").point(lambda value: 20_000 + value * 156)
    path = tmp_path / "deep.tif"
    deep.convert("I;16").save(path)
    document = extract_document(str(path), settings)
    assert "Sixteen bit scan" in document.pages[0].text


def test_image_over_render_limit_shrunk(tmp_path, settings):
    settings.extraction.max_render_pixels = 1_000_000
    big = text_image(["Large photo of a receipt"], size=(1400, 500)).resize(
        (2800, 1000)
    )
    path = tmp_path / "big.jpg"
    big.save(path, quality=95)
    document = extract_document(str(path), settings)
    assert "receipt" in document.pages[0].text


def test_language_check_skips_pytesseract():
    """The command checks OCR languages without importing pytesseract (PIL)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from docflow.core.ocr import available_languages, check_languages\n"
        "check_languages('eng')\n"
        "assert 'eng' in available_languages(), available_languages()\n"
        "assert 'pytesseract' not in sys.modules, 'pytesseract imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
