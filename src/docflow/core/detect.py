"""Decide whether a path can be read, and what kind of document it contains.

The kind comes from the content, never from the extension alone: magic bytes
for PDF, images and ZIP/OLE2 containers, the ZIP directory for DOCX, the
header block for e-mail, tags for HTML and XML, and charset detection for
text. The extension only sets ``declared``, so a mismatch can be reported.

XML documents (JATS articles, XHTML, any other XML vocabulary) are read as
kind ``html``: the HTML extractor keeps the text between the tags and drops
the markup, which is what classification needs.
"""

from __future__ import annotations

import codecs
import errno
import logging
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docflow.core.quoting import quote_value
from docflow.errors import (
    CorruptDocument,
    EmptyDocument,
    Unreadable,
    UnsupportedFormat,
)

__all__ = [
    "has_pdf_header",
    "KINDS",
    "DetectedType",
    "check_readable",
    "decode_text",
    "declared_kind",
    "describe_type",
    "detect_text_encoding",
    "detect_type",
    "read_head",
    "special_file_reason",
    "suggest_extension",
]

log = logging.getLogger(__name__)

KINDS = ("pdf", "docx", "image", "text", "markdown", "html", "eml")

#: Bytes read from the start of a file to detect its type.
HEAD_BYTES = 64 * 1024

_EXTENSION_KINDS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".jpe": "image",
    ".tif": "image",
    ".tiff": "image",
    ".bmp": "image",
    ".gif": "image",
    ".webp": "image",
    ".txt": "text",
    ".text": "text",
    ".log": "text",
    ".csv": "text",
    ".tsv": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xml": "html",
    ".eml": "eml",
}

_MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text": "text/plain",
    "markdown": "text/markdown",
    "html": "text/html",
    "eml": "message/rfc822",
}

#: Extension to suggest for a file whose extension names another kind, by
#: detected MIME type. docflow reads each one as the kind it was detected as.
_RENAME_EXTENSIONS = {
    "application/pdf": ".pdf",
    _MIME_TYPES["docx"]: ".docx",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/tiff": ".tiff",
    "image/gif": ".gif",
    "image/bmp": ".bmp",
    "image/webp": ".webp",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/html": ".html",
    "application/xml": ".xml",
    "message/rfc822": ".eml",
}

#: Name of each kind in messages; ``describe_type`` names XML apart from HTML.
_TYPE_NAMES = {
    "pdf": "PDF",
    "docx": "DOCX",
    "image": "image",
    "text": "plain text",
    "markdown": "Markdown",
    "html": "HTML",
    "eml": "e-mail",
}

_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)

_PDF_HEADER = re.compile(rb"%PDF-\d")
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: Signatures of common formats docflow does not read, for a precise message.
_UNSUPPORTED_SIGNATURES = (
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"{\\rtf", "RTF document"),
    (b"\x7fELF", "ELF executable"),
)

_EMAIL_HEADERS = {
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "received",
    "return-path",
    "message-id",
    "mime-version",
    "content-type",
    "delivered-to",
    "reply-to",
    "sender",
    "x-mailer",
    "in-reply-to",
    "references",
}
_TRANSPORT_HEADERS = {
    "received",
    "return-path",
    "message-id",
    "mime-version",
    "content-type",
    "delivered-to",
    "in-reply-to",
    "references",
}
_ADDRESS_HEADERS = {"from", "to", "cc", "reply-to", "sender"}
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$")
_HTML_TAG = re.compile(
    rb"<\s*(!doctype\s+html|html|head|body|title|meta|div|p|table|h[1-6])[\s>/]",
    re.IGNORECASE,
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE)
#: Extensions of files whose "#" lines are comments: scripts and settings.
_HASH_COMMENT_SUFFIXES = frozenset(
    {".py", ".sh", ".bash", ".rb", ".pl", ".r", ".yaml", ".yml", ".toml", ".cfg"}
    | {".conf", ".ini", ".mk", ".cmake", ".ps1", ".tcl", ".nix", ".gitignore"}
)


@dataclass(frozen=True)
class DetectedType:
    """Kind of a document as read from its content."""

    kind: str
    mime: str
    extension_mismatch: bool = False
    declared: str = ""
    encoding: str | None = None


def check_readable(path: str) -> None:
    """Raise unless ``path`` is a non-empty regular file this process can read.

    Special files are rejected from ``os.stat`` alone, before any ``open``, so
    a FIFO never blocks the caller. Raises Unreadable or EmptyDocument.
    """
    info = _stat_regular(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except PermissionError as exc:
        raise Unreadable(
            _permission_message(
                "permission denied; check the file's owner and mode", exc
            )
        ) from exc
    except FileNotFoundError as exc:
        raise Unreadable("file vanished while being read") from exc
    except OSError as exc:
        raise Unreadable(f"cannot open the file: {exc.strerror or exc}") from exc
    try:
        # The path may have been swapped for a special file after the stat.
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Unreadable("not a regular file")
    finally:
        os.close(fd)
    if info.st_size == 0:
        raise EmptyDocument("file is empty (0 bytes)")


def special_file_reason(path: str) -> str | None:
    """Return why ``path`` is not a regular file that can be opened, or None.

    The reason is the one ``check_readable`` gives without opening the file:
    a missing file, a path without search permission, a dangling link or a
    link loop, a folder, a named pipe, a socket or a device. A symbolic link
    to a regular file gives None.
    """
    try:
        _stat_regular(path)
    except Unreadable as exc:
        return str(exc)
    return None


def _permission_message(message: str, exc: PermissionError) -> str:
    """Return ``message`` with the system's reason, unless that only repeats it.

    The strerror of EACCES is "Permission denied", which ``message``
    contains already. EPERM ("Operation not permitted") and others add to it.
    """
    if exc.errno == errno.EACCES or not exc.strerror:
        return message
    return f"{message} ({exc.strerror})"


def _stat_regular(path: str) -> os.stat_result:
    try:
        link = os.lstat(path)
    except FileNotFoundError as exc:
        raise Unreadable("file not found (it may have been moved or deleted)") from exc
    except PermissionError as exc:
        raise Unreadable(
            _permission_message("permission denied on the path", exc)
        ) from exc
    except OSError as exc:
        raise Unreadable(f"cannot stat the file: {exc.strerror or exc}") from exc
    try:
        info = os.stat(path) if stat.S_ISLNK(link.st_mode) else link
    except FileNotFoundError as exc:
        try:
            target = os.readlink(path)
        except OSError:  # replaced by a file or removed since the lstat
            raise Unreadable("symbolic link points to a missing file") from exc
        raise Unreadable(
            f"symbolic link points to a missing file: {quote_value(target)}"
        ) from exc
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            raise Unreadable("symbolic link loop") from exc
        raise Unreadable(f"cannot follow the link: {exc.strerror or exc}") from exc
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise Unreadable("is a directory, not a document")
    if stat.S_ISFIFO(mode):
        raise Unreadable("is a named pipe (FIFO), not a regular file")
    if stat.S_ISSOCK(mode):
        raise Unreadable("is a socket, not a regular file")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise Unreadable("is a device file, not a regular file")
    if not stat.S_ISREG(mode):
        raise Unreadable("not a regular file")
    return info


def read_head(path: str, size: int = HEAD_BYTES) -> bytes:
    """Return the first ``size`` bytes of a regular file, mapping OS errors."""
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except FileNotFoundError as exc:
        raise Unreadable("file vanished while being read") from exc
    except OSError as exc:
        raise Unreadable(f"cannot read the file: {exc.strerror or exc}") from exc


def declared_kind(path: str) -> str:
    """Return the kind the file extension names, or "" when it names none."""
    return _EXTENSION_KINDS.get(Path(path).suffix.lower(), "")


def detect_type(path: str) -> DetectedType:
    """Detect the document kind of ``path`` from its content.

    Raises UnsupportedFormat for anything outside KINDS, naming what the file
    appears to be, and Unreadable or EmptyDocument like check_readable.
    """
    check_readable(path)
    head = read_head(path)
    declared = declared_kind(path)
    kind, mime, encoding = _detect_kind(path, head, declared)
    mismatch = (
        bool(declared)
        and not _kinds_compatible(declared, kind)
        and not _is_blank_text(head, encoding)
    )
    return DetectedType(kind, mime, mismatch, declared, encoding)


def suggest_extension(kind: str, mime: str) -> str | None:
    """Return the extension to rename a file of ``kind`` and ``mime`` to, or None.

    None means no extension fits: docflow would read the file under the
    extension as another kind, or the MIME type has no usual extension. An
    empty ``mime`` stands for the usual MIME type of ``kind``.
    """
    extension = _RENAME_EXTENSIONS.get(mime or _MIME_TYPES.get(kind, ""))
    if extension is None or _EXTENSION_KINDS.get(extension) != kind:
        return None
    return extension


def has_pdf_header(path: str) -> bool:
    """Return whether the first kilobyte of the file at ``path`` has a PDF header."""
    with open(path, "rb") as handle:
        return _PDF_HEADER.search(handle.read(1024)) is not None


def describe_type(kind: str, mime: str) -> str:
    """Name a detected type for a message, such as "plain text" or "XML".

    XML documents are read as kind ``html`` but are named XML, by MIME type.
    """
    if mime == "application/xml":
        return "XML"
    return _TYPE_NAMES.get(kind, kind)


def _is_blank_text(head: bytes, encoding: str | None) -> bool:
    """Return whether a whole file read as text contains only white space.

    Such a file has no content that could contradict its extension.
    """
    if encoding is None or len(head) >= HEAD_BYTES:
        return False
    return not decode_text(head, encoding).replace("\ufeff", "").strip()


def _kinds_compatible(declared: str, kind: str) -> bool:
    plain = {"text", "markdown"}
    return declared == kind or (declared in plain and kind in plain)


def _detect_kind(path: str, head: bytes, declared: str) -> tuple[str, str, str | None]:
    binary = _detect_binary_kind(path, head, declared)
    if binary is not None:
        return binary[0], binary[1], None

    encoding = detect_text_encoding(head)
    if encoding is None and declared == "pdf":
        raise CorruptDocument(
            "named .pdf, but contains neither a PDF header nor PDF objects: "
            "damaged beyond repair, or not a PDF"
        )
    if encoding is None:
        raise UnsupportedFormat(
            "binary data of an unknown format; docflow reads PDF, DOCX, images "
            "(PNG, JPEG, TIFF), text, Markdown, HTML and e-mail (.eml)"
        )
    text = decode_text(head, encoding)
    if Path(path).suffix.lower() in _HASH_COMMENT_SUFFIXES:
        declared = "text"  # its "# ..." lines are comments, not headings
    kind = _detect_text_kind(text, declared)
    mime = "application/xml" if kind == "html" and _is_xml(text) else _MIME_TYPES[kind]
    return kind, mime, encoding


def _detect_binary_kind(
    path: str, head: bytes, declared: str
) -> tuple[str, str] | None:
    header = _PDF_HEADER.search(head[:1024])
    # Junk may precede the header, but then objects must follow it, so a text
    # that merely mentions "%PDF-1.4" stays text.
    if header and (header.start() == 0 or b"obj" in head):
        return "pdf", _MIME_TYPES["pdf"]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        _check_docx_zip(path)
        return "docx", _MIME_TYPES["docx"]
    if head.startswith(_OLE2_SIGNATURE):
        _reject_ole2(path, head)
    for signature, mime in _IMAGE_SIGNATURES:
        if head.startswith(signature):
            return "image", mime
    if _is_bmp(head):
        return "image", "image/bmp"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image", "image/webp"
    for signature, name in _UNSUPPORTED_SIGNATURES:
        if head.startswith(signature):
            raise UnsupportedFormat(f"{name}, not a document format docflow reads")
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        # Text can start with "MZ" too; a DOS header is full of zero bytes.
        raise UnsupportedFormat("Windows executable, not a document format")
    if declared == "pdf" and b" obj" in head and b"endobj" in head:
        # A PDF that lost its header; the PDF extractor's parsers repair or reject it.
        return "pdf", _MIME_TYPES["pdf"]
    return None


def _reject_ole2(path: str, head: bytes) -> None:
    """Raise the error that names what an OLE2 compound file contains."""
    names = _ole2_directory(path, head)
    if "EncryptedPackage".encode("utf-16-le") in names:
        from docflow.errors import PasswordRequired

        raise PasswordRequired(
            "password-protected Office document, which docflow cannot decrypt; "
            "save an unprotected copy as DOCX or PDF"
        )
    if "__substg1.0_".encode("utf-16-le") in names:
        raise UnsupportedFormat(
            "Outlook .msg e-mail (OLE2), which docflow does not read; "
            "save it from Outlook as .eml"
        )
    if "WordDocument".encode("utf-16-le") in names:
        raise UnsupportedFormat(
            "legacy Word .doc file (OLE2), which docflow does not read; "
            "save it as DOCX or PDF"
        )
    raise UnsupportedFormat(
        "legacy Microsoft Office file (OLE2: .doc, .xls, .ppt or Outlook .msg); "
        "save it as DOCX or PDF, or export the e-mail as .eml"
    )


def _ole2_directory(path: str, head: bytes) -> bytes:
    """Return the bytes of the first directory sector of an OLE2 file.

    The header stores the sector size as a power of two at offset 0x1E and
    the first directory sector number at 0x30. Stream names in the
    directory are UTF-16-LE. Returns the head itself when the header is
    damaged, so the name search still has something to look at.
    """
    if len(head) < 0x34:
        return head
    shift = int.from_bytes(head[0x1E:0x20], "little")
    first = int.from_bytes(head[0x30:0x34], "little")
    if shift not in (9, 12) or first >= 0xFFFFFFFA:
        return head
    size = 1 << shift
    with open(path, "rb") as handle:
        handle.seek((first + 1) * size)
        return head + handle.read(size)


def _is_bmp(head: bytes) -> bool:
    # "BM" alone also starts plain text ("BMW"), so check the DIB header size.
    if not head.startswith(b"BM") or len(head) < 18:
        return False
    return int.from_bytes(head[14:18], "little") in (12, 40, 52, 56, 64, 108, 124)


def _check_docx_zip(path: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        # zipfile raises NotImplementedError for an unknown version or method.
        raise CorruptDocument(f"damaged ZIP container: {exc}") from exc
    if "word/document.xml" in names or (
        "[Content_Types].xml" in names and any(n.startswith("word/") for n in names)
    ):
        return
    if "[Content_Types].xml" in names:
        raise UnsupportedFormat(
            "Office Open XML file that is not a Word document (XLSX, PPTX, ...); "
            "docflow reads DOCX only"
        )
    entries = "1 entry" if len(names) == 1 else f"{len(names)} entries"
    raise UnsupportedFormat(
        f"ZIP archive of {entries}, not a DOCX document; "
        "unpack it and process the files inside"
    )


def detect_text_encoding(data: bytes) -> str | None:
    """Return the text encoding of ``data``, or None when it looks binary.

    Checks, in order: a byte-order mark, UTF-16 without BOM (NUL bytes in
    every other position), strict UTF-8, then charset-normalizer.
    """
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return name
    if not data:
        return "utf-8"
    if b"\x00" in data:
        return _detect_utf16_without_bom(data)
    try:
        _decode_prefix(data, "utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _control_share(data) > 0.1:
        return None
    from charset_normalizer import from_bytes

    best = from_bytes(data[:HEAD_BYTES]).best()
    if best is None:
        return None
    return best.encoding


def _detect_utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs == 0:
        return None
    even_nuls = sum(1 for i in range(0, pairs * 2, 2) if sample[i] == 0)
    odd_nuls = sum(1 for i in range(1, pairs * 2, 2) if sample[i] == 0)
    # Latin text in UTF-16 has a NUL high byte in nearly every code unit.
    if even_nuls / pairs > 0.6 and odd_nuls / pairs < 0.1:
        return "utf-16-be"
    if odd_nuls / pairs > 0.6 and even_nuls / pairs < 0.1:
        return "utf-16-le"
    return None


def _decode_prefix(data: bytes, encoding: str) -> str:
    # A multi-byte character cut at the end of the sample is not an error.
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    return decoder.decode(data, final=False)


def _control_share(data: bytes) -> float:
    sample = data[:4096]
    allowed = {9, 10, 12, 13, 27}
    controls = sum(1 for byte in sample if byte < 32 and byte not in allowed)
    return controls / len(sample)


def decode_text(data: bytes, encoding: str) -> str:
    """Decode ``data``, replacing invalid sequences instead of failing."""
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _detect_text_kind(text: str, declared: str) -> str:
    stripped = text.lstrip("\ufeff \t\r\n")
    if _looks_like_email(stripped):
        return "eml"
    sample = stripped[:8192].encode("utf-8", errors="replace")
    if stripped.startswith("<") and (_is_xml(stripped) or _HTML_TAG.search(sample)):
        return "html"
    if declared == "html" and _HTML_TAG.search(sample):
        return "html"
    if declared == "markdown":
        return "markdown"
    if declared in ("", "eml", "html") and _markdown_headings(text) >= 2:
        return "markdown"
    return "text"


def _markdown_headings(text: str) -> int:
    """Count the lines that read as Markdown headings.

    A "#" line next to another "#" line belongs to a block of comments, such
    as the two closing lines of a Debian change log, so it does not count.
    """
    lines = text.splitlines()
    hashed = [line.startswith("#") for line in lines]
    return sum(
        1
        for number, line in enumerate(lines)
        if _MARKDOWN_HEADING.match(line)
        and not (number > 0 and hashed[number - 1])
        and not (number + 1 < len(lines) and hashed[number + 1])
    )


def _is_xml(text: str) -> bool:
    start = text.lstrip("\ufeff \t\r\n")[:2048].lower()
    return start.startswith("<?xml") or (
        start.startswith("<!doctype") and not start.startswith("<!doctype html")
    )


def _looks_like_email(text: str) -> bool:
    """Return True when the text opens with an RFC 5322 header block.

    Memos also open with To, From, Date and Subject lines, so the block must
    also carry a transport header (Received, Message-ID, MIME-Version, ...)
    or an address with an ``@``.
    """
    known = 0
    transport = False
    lines = text[:16384].splitlines()
    for index, line in enumerate(lines[:200]):
        if not line.strip():
            break
        if line[0] in " \t" and index > 0:
            continue  # folded continuation of the previous header
        match = _HEADER_LINE.match(line)
        if match is None:
            if line.startswith("From ") and index == 0:
                continue  # mbox separator line
            return False
        name, value = match.group(1).lower(), match.group(2)
        if name in _EMAIL_HEADERS:
            known += 1
        if name in _TRANSPORT_HEADERS or name.startswith("x-"):
            transport = True
        elif name in _ADDRESS_HEADERS and "@" in value:
            transport = True
    return known >= 2 and transport
