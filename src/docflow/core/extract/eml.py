"""E-mail (RFC 5322 / MIME) extraction: headers, body text, attachment list.

The text starts with the Subject, From, To, Cc and Date headers, because
the classifier uses them, followed by the body: text/plain parts, or HTML
parts reduced to text when a message has no plain part. Attachments are
listed in ``metadata["attachments"]`` and not extracted. Damaged headers,
unknown charsets and broken transfer encodings degrade to replaced
characters, never to an exception.

Messages are parsed with the ``compat32`` policy and headers decoded with
``email.header``, because the structured header parser of
``policy.default`` (CPython 3.11) takes minutes on hostile headers such as
20,000 encoded words or addresses in one field. Raw 8-bit bytes in a
header are decoded as UTF-8 (RFC 6532), else as Windows-1252.
"""

from __future__ import annotations

import email
import logging
from email import policy
from email.errors import HeaderParseError
from email.header import Header, decode_header, make_header
from email.message import Message
from typing import Any

from docflow.core.detect import decode_text, detect_text_encoding
from docflow.core.extract._base import ExtractionContext, new_document
from docflow.core.extract.text import read_text_file
from docflow.core.models import ExtractedDocument, Page

__all__ = ["EXTRACTORS", "EmailExtractor"]

log = logging.getLogger(__name__)

_HEADERS = ("Subject", "From", "To", "Cc", "Date")
#: MIME parts walked at most; a hostile message can nest thousands.
MAX_PARTS = 1000
#: Characters of one header value decoded; longer values are cut.
MAX_HEADER_CHARS = 4096


class EmailExtractor:
    """Reads .eml files (and e-mails saved under other names)."""

    kind = "eml"

    def extract(self, path: str, context: ExtractionContext) -> ExtractedDocument:
        document = new_document(path, context)
        message = _parse(path, context)
        headers = {name.lower(): _header(message, name) for name in _HEADERS}
        plain, html, attachments = _collect_parts(message, context)
        body = "\n\n".join(plain) if plain else "\n\n".join(_html_texts(html))
        header_lines = [
            f"{name}: {headers[name.lower()]}"
            for name in _HEADERS
            if headers[name.lower()]
        ]
        body = body.replace("\r\n", "\n").strip()
        text = "\n".join(header_lines) + ("\n\n" + body if body else "")
        document.pages.append(Page(number=1, method="native", text=text))
        document.metadata.update({k: v for k, v in headers.items() if v})
        document.metadata["attachments"] = attachments
        if headers["subject"]:
            document.headings = [(1, headers["subject"])]
        return document


def _parse(path: str, context: ExtractionContext) -> Message:
    encoding = (context.detected.encoding or "").lower()
    if encoding.startswith(("utf-16", "utf-32")):
        # A whole message stored in UTF-16 is not valid RFC 5322; decode it first.
        return email.message_from_string(
            read_text_file(path, context), policy=policy.compat32
        )
    with open(path, "rb") as handle:
        limit = context.settings.extraction.max_text_mb * 1024 * 1024
        data = handle.read(limit + 1)
    if len(data) > limit:
        from docflow.errors import TooLarge

        raise TooLarge(
            f"e-mail is over {context.settings.extraction.max_text_mb} MB "
            "(extraction.max_text_mb)"
        )
    return email.message_from_bytes(data, policy=policy.compat32)


def _header(message: Message, name: str) -> str:
    value = message.get(name)
    return "" if value is None else decode_header_value(value)


def decode_header_value(value: object) -> str:
    """Decode RFC 2047 encoded words in a header value, whitespace collapsed.

    Values are cut to MAX_HEADER_CHARS first. Unknown charsets and broken
    encodings keep the raw text.
    """
    if isinstance(value, Header):
        # compat32 wraps a value with raw 8-bit bytes in a Header whose str()
        # turns each such byte into U+FFFD.
        value = _header_text(value)
    raw = str(value)[:MAX_HEADER_CHARS]
    try:
        text = str(make_header(decode_header(raw)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError) as exc:
        log.debug("cannot decode header value %r: %s", raw[:80], exc)
        text = raw
    return " ".join(text.split())


def _header_text(header: Header) -> str:
    """Decode the chunks of ``header``, raw 8-bit bytes as UTF-8 or Windows-1252."""
    texts = []
    for data, charset in decode_header(header):
        if isinstance(data, str):
            texts.append(data)
        elif charset in (None, "unknown-8bit"):
            texts.append(_decode_8bit(data))
        else:
            try:
                texts.append(data.decode(charset, errors="replace"))
            except LookupError:
                texts.append(_decode_8bit(data))
    return "".join(texts)


def _decode_8bit(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _collect_parts(
    message: Message, context: ExtractionContext
) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    plain: list[str] = []
    html: list[str] = []
    attachments: list[dict[str, Any]] = []
    for index, part in enumerate(message.walk()):
        if index >= MAX_PARTS:
            context.warnings.append(f"e-mail has over {MAX_PARTS} MIME parts")
            break
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        filename = _filename(part)
        disposition = (part.get_content_disposition() or "").lower()
        if (
            filename
            or disposition == "attachment"
            or not content_type.startswith("text/")
        ):
            attachments.append(_describe_attachment(part, filename, content_type))
            continue
        text = _part_text(part)
        if content_type == "text/html":
            html.append(text)
        else:
            plain.append(text)
    return plain, html, attachments


def _filename(part: Message) -> str:
    try:
        filename = part.get_filename()
    except (ValueError, TypeError, LookupError, AttributeError):
        return ""
    return decode_header_value(filename) if filename else ""


def _describe_attachment(
    part: Message, filename: str, content_type: str
) -> dict[str, Any]:
    payload = _payload_bytes(part)
    return {
        "filename": filename,
        "content_type": content_type,
        "size": len(payload),
    }


def _payload_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, TypeError, LookupError, AssertionError):
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    return raw.encode("utf-8", errors="replace") if isinstance(raw, str) else b""


def _part_text(part: Message) -> str:
    payload = _payload_bytes(part)
    charset = part.get_content_charset()
    if charset:
        try:
            return payload.decode(charset, errors="replace")
        except LookupError:
            log.debug("unknown charset %r in an e-mail part", charset)
    encoding = detect_text_encoding(payload) or "utf-8"
    return decode_text(payload, encoding)


def _html_texts(parts: list[str]) -> list[str]:
    from docflow.core.extract.html import html_to_text

    return [html_to_text(part) for part in parts]


EXTRACTORS = [EmailExtractor()]
