"""DOCX extraction: paragraphs, heading levels, tables, headers and footers.

Before any XML is parsed, the ZIP central directory is checked against
``extraction.max_decompressed_mb`` and for extreme compression ratios, and
every XML part is checked for DTD or entity declarations, which Word never
writes and entity-expansion attacks need.

python-docx reads the document. When it fails (ISO Strict OOXML, which it
does not support, or tables with a broken grid), the text is read from the
main document part directly with a non-resolving XML parser instead of
failing the document.
"""

from __future__ import annotations

import logging
import zipfile
import zlib
from typing import TYPE_CHECKING, Any

from docflow.core.extract._base import ExtractionContext, new_document
from docflow.core.extract._docxml import (
    DocxContent,
    add_block,
    read_docx_xml,
    story_text,
)
from docflow.core.models import ExtractedDocument, Page
from docflow.errors import CorruptDocument, TooLarge

if TYPE_CHECKING:
    from docflow.core.config import ExtractionSettings

__all__ = ["EXTRACTORS", "DocxExtractor"]

log = logging.getLogger(__name__)

#: Members of a ZIP container accepted at most; Word writes a few dozen.
MAX_ZIP_ENTRIES = 10_000
#: Uncompressed-to-compressed ratio above which a large member is a zip bomb.
#: Word XML compresses about 5-20 times.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_MIN_BYTES = 5 * 1024 * 1024
#: Bytes of each XML part searched for a DTD; it must precede the root element.
DTD_SCAN_BYTES = 64 * 1024

_DTD_MARKERS = (b"<!doctype", b"<!entity")
#: Exceptions zipfile raises for damaged members (CRC, deflate stream,
#: truncation, unknown method) and, as RuntimeError, for encrypted ones.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
)


class DocxExtractor:
    """Reads Word documents with python-docx, falling back to raw XML."""

    kind = "docx"

    def extract(self, path: str, context: ExtractionContext) -> ExtractedDocument:
        from lxml.etree import XMLSyntaxError

        document = new_document(path, context)
        check_zip_container(path, context.settings.extraction)
        try:
            content = _read_with_python_docx(path)
        except _ZIP_ERRORS as exc:
            raise CorruptDocument(f"damaged DOCX container: {exc}") from exc
        except (
            KeyError,
            ValueError,
            AttributeError,
            IndexError,
            TypeError,
            XMLSyntaxError,
        ) as exc:
            log.info("%s: python-docx failed (%r), reading the XML directly", path, exc)
            context.warnings.append(
                f"python-docx cannot read the document ({type(exc).__name__}: {exc}); "
                "text was read from the document XML directly"
            )
            try:
                content = read_docx_xml(path)
            except _ZIP_ERRORS as zip_exc:
                raise CorruptDocument(f"damaged DOCX container: {zip_exc}") from zip_exc
        document.pages.append(Page(number=1, method="native", text=_join(content)))
        document.headings = content.headings
        document.tables = content.tables
        document.metadata.update(content.metadata)
        return document


def _join(content: DocxContent) -> str:
    parts = [*_unique(content.headers), *content.body, *_unique(content.footers)]
    return "\n".join(part for part in parts if part.strip())


def _unique(texts: list[str]) -> list[str]:
    # Linked sections repeat the same header; keep the first copy of each.
    return list(dict.fromkeys(text for text in texts if text.strip()))


def check_zip_container(path: str, settings: ExtractionSettings) -> None:
    """Raise TooLarge for zip bombs and CorruptDocument for DTDs or damage."""
    limit = settings.max_decompressed_mb * 1024 * 1024
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_sizes(infos, limit, settings.max_decompressed_mb)
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    _check_no_dtd(archive, info)
    except _ZIP_ERRORS as exc:
        raise CorruptDocument(f"damaged DOCX container: {exc}") from exc


def _check_sizes(infos: list[zipfile.ZipInfo], limit: int, limit_mb: int) -> None:
    if len(infos) > MAX_ZIP_ENTRIES:
        raise TooLarge(
            f"DOCX container has {len(infos)} entries, over {MAX_ZIP_ENTRIES}"
        )
    total = sum(info.file_size for info in infos)
    if total > limit:
        raise TooLarge(
            f"DOCX unpacks to {total / 1048576:.0f} MB, over the limit of "
            f"{limit_mb} MB (extraction.max_decompressed_mb)"
        )
    for info in infos:
        if info.file_size < RATIO_CHECK_MIN_BYTES:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_COMPRESSION_RATIO:
            raise TooLarge(
                f"DOCX part {info.filename!r} is compressed {ratio:.0f} to 1, a "
                "sign of a zip bomb"
            )


def _check_no_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    with archive.open(info) as handle:
        head = handle.read(DTD_SCAN_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:200]:
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    lowered = head.lower()
    if any(marker in lowered for marker in _DTD_MARKERS):
        raise CorruptDocument(
            f"DOCX part {info.filename!r} declares a DTD or XML entities, which "
            "Word never writes; rejected as a possible entity-expansion attack"
        )


def _read_with_python_docx(path: str) -> DocxContent:
    import docx

    word = docx.Document(path)
    style_names = {
        style.style_id: style.name for style in word.styles if style.name is not None
    }
    content = DocxContent()
    for block in word.element.body.iterchildren():
        add_block(content, block, style_names)
    for section in word.sections:
        stories = (
            section.header,
            section.first_page_header,
            section.even_page_header,
            section.footer,
            section.first_page_footer,
            section.even_page_footer,
        )
        for index, story in enumerate(stories):
            if story.is_linked_to_previous:
                continue
            target = content.headers if index < 3 else content.footers
            target.append(story_text(story._element))
    content.metadata.update(_core_properties(word))
    return content


def _core_properties(word: Any) -> dict[str, Any]:
    try:
        properties = word.core_properties
        values = {
            "title": properties.title,
            "author": properties.author,
            "created": properties.created.isoformat() if properties.created else None,
        }
    except (ValueError, KeyError, AttributeError):
        return {}
    return {key: value for key, value in values.items() if value}


EXTRACTORS = [DocxExtractor()]
