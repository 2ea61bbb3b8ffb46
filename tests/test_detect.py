"""Tests of check_readable and detect_type on real files made in tmp_path."""

from __future__ import annotations

import codecs
import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from docflow.core.detect import (
    check_readable,
    describe_type,
    detect_text_encoding,
    detect_type,
    suggest_extension,
)
from docflow.errors import CorruptDocument, EmptyDocument, Unreadable, UnsupportedFormat

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

EMAIL = (
    "From: Alice <alice@example.com>\n"
    "To: Bob <bob@example.com>\n"
    "Subject: Quarterly figures\n"
    "Date: Mon, 2 Dec 2024 10:00:00 +0000\n"
    "\n"
    "Hello Bob, the figures are attached.\n"
)


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return str(path)


def make_zip(tmp_path: Path, name: str, members: dict[str, str]) -> str:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    return str(path)


def test_check_readable_accepts_regular_file(tmp_path):
    path = write(tmp_path, "a.txt", "hello")
    assert check_readable(path) is None


def test_check_readable_empty_file(tmp_path):
    path = write(tmp_path, "empty.pdf", b"")
    with pytest.raises(EmptyDocument, match="0 bytes"):
        check_readable(path)


def test_check_readable_missing_file(tmp_path):
    with pytest.raises(Unreadable, match="not found"):
        check_readable(str(tmp_path / "gone.pdf"))


def test_check_readable_directory(tmp_path):
    with pytest.raises(Unreadable, match="directory"):
        check_readable(str(tmp_path))


def test_check_readable_fifo_does_not_block(tmp_path):
    # Opening a FIFO without a writer would block; the stat check must come first.
    path = tmp_path / "pipe.pdf"
    os.mkfifo(path)
    with pytest.raises(Unreadable, match="FIFO"):
        check_readable(str(path))


def test_check_readable_socket(tmp_path):
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(Unreadable, match="socket"):
            check_readable(str(path))
    finally:
        server.close()


def test_check_readable_device():
    with pytest.raises(Unreadable, match="device"):
        check_readable("/dev/null")


def test_check_readable_symlink_loop(tmp_path):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    first.symlink_to(second)
    second.symlink_to(first)
    with pytest.raises(Unreadable, match="loop"):
        check_readable(str(first))


def test_check_readable_dangling_symlink(tmp_path):
    link = tmp_path / "link.pdf"
    link.symlink_to(tmp_path / "missing.pdf")
    with pytest.raises(Unreadable, match="missing"):
        check_readable(str(link))


def test_check_readable_follows_good_symlink(tmp_path):
    target = Path(write(tmp_path, "real.txt", "content"))
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert check_readable(str(link)) is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files regardless of mode")
def test_check_readable_permission_denied(tmp_path):
    path = Path(write(tmp_path, "secret.txt", "x"))
    path.chmod(0)
    with pytest.raises(Unreadable, match="permission denied"):
        check_readable(str(path))


CHECK_READABLE = """
import sys
from docflow.core.detect import check_readable
try:
    check_readable(sys.argv[1])
except Exception as exc:
    print(exc)
"""
# Capabilities that let root read and search files whatever their mode.
MODE_BYPASS = "-dac_override,-dac_read_search"


def unreadable_reason(path: Path) -> str:
    """Return the error of check_readable on ``path``, with file modes enforced.

    Root reads files regardless of mode, so as root the check runs in a child
    without the capabilities that bypass modes (setpriv, from util-linux).
    """
    if os.geteuid() != 0:
        with pytest.raises(Unreadable) as caught:
            check_readable(str(path))
        return str(caught.value)
    if shutil.which("setpriv") is None:
        pytest.skip("root reads files regardless of mode, and setpriv is missing")
    completed = subprocess.run(
        [
            *("setpriv", f"--inh-caps={MODE_BYPASS}", f"--bounding-set={MODE_BYPASS}"),
            *("--", sys.executable, "-c", CHECK_READABLE, str(path)),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return completed.stdout.strip()


@pytest.mark.parametrize(
    ("locked", "expected"),
    [
        ("file", "permission denied; check the file's owner and mode"),
        ("folder", "permission denied on the path"),
    ],
)
def test_permission_denied_not_repeated(tmp_path, locked, expected):
    folder = tmp_path / "private"
    folder.mkdir()
    path = folder / "secret.txt"
    path.write_text("x")
    (path if locked == "file" else folder).chmod(0)
    try:
        assert unreadable_reason(path) == expected
    finally:
        folder.chmod(0o700)  # so that pytest can remove tmp_path


@pytest.mark.parametrize(
    ("name", "data", "kind", "mime"),
    [
        ("a.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "pdf", "application/pdf"),
        (
            "junk.pdf",
            b"junk\n%PDF-1.7\n1 0 obj\n<<>>\nendobj\n",
            "pdf",
            "application/pdf",
        ),
        ("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image", "image/png"),
        ("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image", "image/jpeg"),
        ("a.tif", b"II*\x00" + b"\x00" * 20, "image", "image/tiff"),
        ("a.txt", "Plain words and more words.\n", "text", "text/plain"),
        ("a.md", "Some text\n", "markdown", "text/markdown"),
        (
            "a.html",
            "<!DOCTYPE html><html><body><p>x</p></body></html>",
            "html",
            "text/html",
        ),
        ("a.eml", EMAIL, "eml", "message/rfc822"),
        (
            "a.xml",
            '<?xml version="1.0"?><article><p>x</p></article>',
            "html",
            "application/xml",
        ),
    ],
)
def test_detect_type_by_content(tmp_path, name, data, kind, mime):
    detected = detect_type(write(tmp_path, name, data))
    assert detected.kind == kind
    assert detected.mime == mime
    assert not detected.extension_mismatch


def test_detect_email_saved_as_txt(tmp_path):
    detected = detect_type(write(tmp_path, "note.txt", EMAIL))
    assert detected.kind == "eml"
    assert detected.extension_mismatch
    assert detected.declared == "text"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.eml", "      \n\n    \n"),
        ("blank.pdf", "\ufeff\r\n\t"),
        ("a.html", "\n"),
    ],
)
def test_detect_blank_text_is_no_mismatch(tmp_path, name, data):
    detected = detect_type(write(tmp_path, name, data))
    assert detected.kind == "text"
    assert not detected.extension_mismatch


def test_detect_xml_saved_as_txt(tmp_path):
    text = '<?xml version="1.0"?>\n<article><title>Cells</title></article>\n'
    detected = detect_type(write(tmp_path, "article.txt", text))
    assert detected.extension_mismatch
    assert suggest_extension(detected.kind, detected.mime) == ".xml"
    assert describe_type(detected.kind, detected.mime) == "XML"


@pytest.mark.parametrize(
    ("kind", "mime", "extension"),
    [
        ("html", "application/xml", ".xml"),
        ("html", "text/html", ".html"),
        ("text", "text/plain", ".txt"),
        ("markdown", "", ".md"),
        ("eml", "message/rfc822", ".eml"),
        ("image", "image/jpeg", ".jpg"),
        ("image", "image/webp", ".webp"),
        ("image", "", None),
        ("image", "image/x-icon", None),
        # docflow reads .xml as kind html, so .xml is no hint for plain text.
        ("text", "application/xml", None),
    ],
)
def test_suggest_extension_by_type(kind, mime, extension):
    assert suggest_extension(kind, mime) == extension


def test_detect_markdown_without_extension(tmp_path):
    text = "# Title\n\nIntro.\n\n## Part\n\nBody.\n"
    assert detect_type(write(tmp_path, "README", text)).kind == "markdown"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("core.py", "# Settings\nimport os\n\n# Helpers\ndef f():\n    pass\n"),
        (
            "changelog.Debian",
            "tzdata (2024a-1) stable; urgency=medium\n\n  * New release.\n\n"
            "# Older entries have been removed from this changelog.\n"
            "# To read the complete changelog use `apt changelog tzdata`.\n",
        ),
    ],
)
def test_detect_hash_comments_not_markdown(tmp_path, name, text):
    assert detect_type(write(tmp_path, name, text)).kind == "text"


def test_detect_pdf_named_txt_is_mismatch(tmp_path):
    detected = detect_type(write(tmp_path, "report.txt", b"%PDF-1.4\n"))
    assert detected.kind == "pdf"
    assert detected.extension_mismatch


def test_detect_docx_zip(tmp_path):
    path = make_zip(
        tmp_path,
        "a.docx",
        {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"},
    )
    assert detect_type(path).kind == "docx"


def test_detect_plain_zip_unsupported(tmp_path):
    path = make_zip(tmp_path, "a.zip", {"notes.txt": "hello"})
    with pytest.raises(UnsupportedFormat, match="ZIP archive"):
        detect_type(path)


def test_detect_xlsx_unsupported(tmp_path):
    path = make_zip(
        tmp_path,
        "a.xlsx",
        {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<x/>"},
    )
    with pytest.raises(UnsupportedFormat, match="not a Word document"):
        detect_type(path)


def test_detect_damaged_zip_corrupt(tmp_path):
    path = write(tmp_path, "a.docx", b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(CorruptDocument):
        detect_type(path)


def test_detect_ole2_unsupported(tmp_path):
    path = write(
        tmp_path, "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
    )
    with pytest.raises(UnsupportedFormat, match="OLE2"):
        detect_type(path)


def test_detect_random_binary_unsupported(tmp_path):
    data = bytes(range(256)) * 8
    with pytest.raises(UnsupportedFormat, match="unknown format"):
        detect_type(write(tmp_path, "x.bin", data))


def test_detect_gzip_named(tmp_path):
    with pytest.raises(UnsupportedFormat, match="gzip"):
        detect_type(write(tmp_path, "x.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 30))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF16_LE + "hello".encode("utf-16-le"), "utf-16"),
        ("hello world text".encode("utf-16-be"), "utf-16-be"),
        ("hello world text".encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF8 + b"hello", "utf-8-sig"),
        ("héllo wörld".encode(), "utf-8"),
    ],
)
def test_detect_text_encoding(data, expected):
    assert detect_text_encoding(data) == expected


def test_detect_latin1_text(tmp_path):
    text = "Déjà vu à la française, numéro élevé, très réussi. " * 20
    detected = detect_type(write(tmp_path, "fr.txt", text.encode("latin-1")))
    assert detected.kind == "text"
    assert "é" in text.encode("latin-1").decode(detected.encoding or "ascii")


def test_detect_binary_with_nul_bytes_unsupported(tmp_path):
    data = b"\x00\x01\x02\x03ABC\x00\xff\xfe" * 100
    with pytest.raises(UnsupportedFormat):
        detect_type(write(tmp_path, "blob.dat", data))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("edge/docling__elife-56337.txt", "html"),
        ("edge/unst__fake-email.txt", "eml"),
        ("edge/mailp__mail_malformed_1", "eml"),
        ("edge/unst__fake-email-utf-16-be.eml", "eml"),
        ("edge/unst__fake-text-utf-16-be.txt", "text"),
        ("edge/unst__example-steelJIS-datasheet-utf-16.html", "html"),
        ("edge/unst__layout-parser-paper-combined.tiff", "image"),
        ("edge/pdfjs__issue6069.pdf", "pdf"),
    ],
)
def test_detect_corpus_files(name, kind):
    assert detect_type(str(CORPUS / name)).kind == kind


def test_detect_memo_with_headers_is_text(tmp_path):
    memo = (
        "To: All staff\nFrom: Human Resources\nDate: 2 December 2024\n"
        "Subject: Office closure\n\nThe office closes on Friday at noon.\n"
    )
    assert detect_type(write(tmp_path, "memo.txt", memo)).kind == "text"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("cars.txt", "BMW service report for March\n"),
        ("mz.txt", "MZ Industries memo\n"),
    ],
)
def test_detect_text_starting_like_binary(tmp_path, name, text):
    assert detect_type(write(tmp_path, name, text)).kind == "text"


def test_detect_real_bmp(tmp_path):
    from PIL import Image

    path = tmp_path / "a.bmp"
    Image.new("L", (20, 10), 255).save(path)
    assert detect_type(str(path)).mime == "image/bmp"


def test_detect_text_mentioning_pdf_header(tmp_path):
    text = "Every PDF starts with a line such as %PDF-1.7 followed by a comment.\n"
    assert detect_type(write(tmp_path, "notes.txt", text)).kind == "text"
