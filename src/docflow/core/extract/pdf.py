"""PDF extraction: PDFium text layer per page, OCR where the layer is unusable.

Each page is read from its text layer with pypdfium2. A page whose layer is
too short, or judged garbage by ``docflow.core.textcheck``, is OCR'd within
the document's OCR page budget, from an image made by ``_pageimage``, and the
better of the two texts is kept. An empty page is OCR'd only when it contains
an image. Pages are opened and closed one at a time, so memory does not grow
with the page count.

With a character limit in the extraction context (classification without
quality analysis), pages are read in order until the text reaches the limit.
The last page is then read too when its text layer is usable, because totals
and signatures often sit there, and the pages between are left unread.

PDFium reads a /Pages entry without /Kids as one page, even when the entry is
no page object. ``_pagetree`` detects that case in repaired files, and the
document is then reported to have no pages.

When PDFium cannot open the file at all, pdfminer.six (installed with
pdfplumber) tries again, because its parser repairs some damage PDFium
rejects. pdfminer has no renderer, so pages read that way get no OCR.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from docflow.core.detect import has_pdf_header
from docflow.core.extract._base import (
    NOT_READ,
    ExtractionContext,
    new_document,
    text_check,
    unread_page,
)
from docflow.core.extract._pageimage import page_image
from docflow.core.extract._pageocr import OcrWorkdir, try_ocr_image
from docflow.core.extract._pagetree import has_invented_page
from docflow.core.extract._passwords import candidate_passwords, password_message
from docflow.core.models import ExtractedDocument, Page, TextCheck
from docflow.core.textcheck import dedupe_doubled_chars, judge_text
from docflow.errors import (
    CorruptDocument,
    EmptyDocument,
    PasswordRequired,
    TooLarge,
    Unreadable,
    UnsupportedFormat,
)

if TYPE_CHECKING:
    import pypdfium2

    from docflow.core.config import ExtractionSettings

__all__ = ["EXTRACTORS", "PdfExtractor"]

log = logging.getLogger(__name__)

#: Bookmark depth and count read as headings; deeper or later ones are dropped.
MAX_OUTLINE_DEPTH = 6
MAX_OUTLINE_ITEMS = 1000
#: Image objects per page whose size is checked; hostile pages hold thousands.
MAX_IMAGES_CHECKED = 200

#: PDF Info dictionary keys read, and the metadata names they are stored under.
_METADATA_KEYS = {
    "Title": "title",
    "Author": "author",
    "Subject": "subject",
    "Keywords": "keywords",
    "Creator": "creator",
    "Producer": "producer",
    "CreationDate": "created",
    "ModDate": "modified",
}


class _PdfiumLoadError(Exception):
    """PDFium rejected the file for a reason other than a password."""


class PdfExtractor:
    """Reads PDF files with pypdfium2, falling back to pdfminer.six."""

    kind = "pdf"

    def extract(self, path: str, context: ExtractionContext) -> ExtractedDocument:
        document = new_document(path, context)
        try:
            pdf, password_used = _open_pdfium(path, context)
        except _PdfiumLoadError as exc:
            from docflow.core.extract._pdfminer import extract_with_pdfminer

            log.info("%s: PDFium cannot open it (%s), trying pdfminer", path, exc)
            extract_with_pdfminer(path, document, context, str(exc))
            return document
        try:
            document.metadata.update(_read_metadata(pdf, password_used))
            document.headings = _read_outline(pdf)
            if has_invented_page(pdf):
                raise EmptyDocument(
                    "PDF has no pages: its page tree is damaged and contains "
                    "no page object"
                )
            if len(pdf) == 0 and not has_pdf_header(path):
                raise CorruptDocument(
                    "PDF without its header in which PDFium finds no pages; "
                    "the start of the file is missing or damaged"
                )
            page_count = _checked_page_count(len(pdf), context.settings.extraction)
            context.page_count = page_count
            with OcrWorkdir() as workdir:
                _read_pages(pdf, page_count, document, context, workdir)
        finally:
            pdf.close()
        return document


def _read_pages(
    pdf: pypdfium2.PdfDocument,
    page_count: int,
    document: ExtractedDocument,
    context: ExtractionContext,
    workdir: OcrWorkdir,
) -> None:
    """Read every page, or pages until the context has enough text."""
    pages = document.pages
    while len(pages) < page_count and not context.has_enough_text():
        page = _read_page(pdf, len(pages), context, workdir)
        pages.append(page)
        context.count_page(page)
    if len(pages) == page_count:
        return
    document.pages_read = len(pages)
    pages.extend(unread_page(number) for number in range(len(pages) + 1, page_count))
    last = _read_page(pdf, page_count - 1, context, workdir, allow_ocr=False)
    pages.append(last)
    if NOT_READ not in last.flags:
        document.pages_read += 1


def _open_pdfium(
    path: str, context: ExtractionContext
) -> tuple[pypdfium2.PdfDocument, bool]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    passwords = candidate_passwords(context.settings.extraction, context.warnings)
    for password in [None, *passwords]:
        try:
            return pdfium.PdfDocument(path, password=password), password is not None
        except pdfium.PdfiumError as exc:
            if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
                if password is None and not _declares_encryption(path):
                    raise _PdfiumLoadError(_pdfium_reason(exc)) from exc
                continue
            if exc.err_code == pdfium_c.FPDF_ERR_FILE:
                raise Unreadable("PDFium cannot open the file") from exc
            if exc.err_code == pdfium_c.FPDF_ERR_SECURITY:
                raise UnsupportedFormat(
                    "PDF uses an encryption handler PDFium does not support"
                ) from exc
            raise _PdfiumLoadError(_pdfium_reason(exc)) from exc
    raise PasswordRequired(password_message(len(passwords)))


def _declares_encryption(path: str) -> bool:
    """Return True when the file's start or end mentions an /Encrypt dictionary.

    PDFium (pypdfium2 5.15, PDFium build 8149) leaves the previous error code in
    place for some load failures. After an encrypted file, a damaged one can
    then report a password error, so the trailer decides.
    """
    window = 256 * 1024
    with open(path, "rb") as handle:
        head = handle.read(window)
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(size - window, 0))
        tail = handle.read(window)
    return b"/Encrypt" in head or b"/Encrypt" in tail


def _pdfium_reason(exc: Exception) -> str:
    message = str(exc)
    if "(PDFium: " in message:
        message = message.split("(PDFium: ", 1)[1].rstrip(").")
    return message


def _checked_page_count(count: int, settings: ExtractionSettings) -> int:
    if count > settings.max_pages:
        raise TooLarge(
            f"PDF has {count} pages, over the limit of {settings.max_pages} "
            "(extraction.max_pages)"
        )
    if count <= 0:
        raise EmptyDocument("PDF has no pages")
    return count


def _read_metadata(pdf: pypdfium2.PdfDocument, password_used: bool) -> dict[str, Any]:
    import pypdfium2 as pdfium

    info: dict[str, str] = {}
    for key, name in _METADATA_KEYS.items():
        try:
            value = pdf.get_metadata_value(key)
        except (pdfium.PdfiumError, UnicodeDecodeError, ValueError):
            continue
        if value and value.strip():
            info[name] = value.strip()
    metadata: dict[str, Any] = {"pdf": info} if info else {}
    try:
        version = pdf.get_version()
    except pdfium.PdfiumError:
        version = None
    if version:
        metadata["pdf_version"] = f"{version // 10}.{version % 10}"
    if password_used:
        metadata["decrypted_with_password"] = True
    return metadata


def _read_outline(pdf: pypdfium2.PdfDocument) -> list[tuple[int, str]]:
    """Return the bookmarks as (level, title) headings, level 1 at the top.

    pypdfium2 stops at repeated bookmarks, so a cyclic outline ends.
    """
    import pypdfium2 as pdfium

    headings: list[tuple[int, str]] = []
    try:
        for item in pdf.get_toc(max_depth=MAX_OUTLINE_DEPTH):
            title = " ".join((item.get_title() or "").split())
            if title:
                headings.append((item.level + 1, title))
            if len(headings) >= MAX_OUTLINE_ITEMS:
                break
    except (pdfium.PdfiumError, ValueError, UnicodeDecodeError) as exc:
        log.debug("cannot read the PDF outline: %s", exc)
    return headings


def _read_page(
    pdf: pypdfium2.PdfDocument,
    index: int,
    context: ExtractionContext,
    workdir: OcrWorkdir,
    *,
    allow_ocr: bool = True,
) -> Page:
    """Read page ``index``; without ``allow_ocr`` a page that needs OCR is
    returned unread."""
    import pypdfium2 as pdfium

    number = index + 1
    if (done := context.reuse_page(number, allow_ocr=allow_ocr)) is not None:
        return done
    try:
        page = pdf[index]
    except pdfium.PdfiumError as exc:
        context.warnings.append(f"page {number} cannot be loaded: {exc}")
        return Page(number=number, method="none", flags=["unreadable_page"])
    try:
        return _read_loaded_page(page, number, context, workdir, allow_ocr)
    finally:
        page.close()


def _read_loaded_page(
    page: pypdfium2.PdfPage,
    number: int,
    context: ExtractionContext,
    workdir: OcrWorkdir,
    allow_ocr: bool = True,
) -> Page:
    settings = context.settings.extraction
    text, flags = _text_layer(page)
    visible = len(text.strip())
    verdict = judge_text(text) if visible else None
    check = text_check(verdict) if verdict is not None else None
    garbage = verdict is not None and verdict.is_garbage
    if visible and visible >= settings.min_page_chars and not garbage:
        return Page(
            number=number,
            method="text_layer",
            text=text,
            flags=flags,
            text_check=check,
        )

    method = "text_layer" if visible else "none"
    image_pixels = _max_image_pixels(page)
    # A short text layer is OCR'd too: glyphs without a Unicode mapping often
    # come out as a few symbols ('"7+%-') for a page of real text.
    if not garbage and not visible and image_pixels == 0:
        return Page(number=number, method=method, text=text, flags=flags)
    if garbage:
        flags.append("garbage_text")
    if not settings.ocr:
        flags.append("ocr_disabled")
        return Page(
            number=number, method=method, text=text, flags=flags, text_check=check
        )
    if not allow_ocr:
        return unread_page(number)
    if image_pixels > settings.max_image_pixels:
        # PDFium decodes embedded images at full size whatever the render scale.
        context.warnings.append(
            f"page {number} embeds an image of {image_pixels / 1e6:.0f} MP, over "
            f"extraction.max_image_pixels; the page was not OCR'd"
        )
        flags.append("unrenderable_page")
        return Page(
            number=number, method=method, text=text, flags=flags, text_check=check
        )
    if not context.take_ocr_page():
        flags.append("ocr_skipped")
        return Page(
            number=number, method=method, text=text, flags=flags, text_check=check
        )

    image = page_image(page, settings)
    if image is None:
        flags.append("unrenderable_page")
        return Page(
            number=number, method=method, text=text, flags=flags, text_check=check
        )
    try:
        result = try_ocr_image(image, number, workdir, context)
    finally:
        image.close()
    if result is None:
        flags.append("ocr_failed")
        return Page(
            number=number, method=method, text=text, flags=flags, text_check=check
        )
    page_result = _choose_text(number, text, check, result, flags)
    if page_result.method == "ocr" and "garbage_text" in page_result.flags:
        context.ocr_garbage_pages.append(number)
    return page_result


def _choose_text(
    number: int,
    layer_text: str,
    layer_check: TextCheck | None,
    result: Any,
    flags: list[str],
) -> Page:
    """Return the page with the better of the text layer and the OCR text.

    A garbage text layer is replaced only by OCR text that is not garbage
    itself. A short layer is replaced by OCR text with more letters and
    digits, because unmapped glyphs come out as punctuation.
    """
    layer_garbage = layer_check is not None and bool(layer_check.reasons)
    ocr_text = result.text
    ocr_check = None
    if ocr_text.strip():
        ocr_check = text_check(judge_text(ocr_text, ocr_confidence=result.confidence))
    ocr_garbage = ocr_check is not None and bool(ocr_check.reasons)
    layer_page = Page(
        number=number,
        method="text_layer",
        text=layer_text,
        flags=flags,
        text_check=layer_check,
    )
    if layer_garbage:
        if not ocr_text.strip() or ocr_garbage:
            return layer_page
        flags.remove("garbage_text")
        flags.append("reocr_used")
    elif _count_alnum(ocr_text) <= _count_alnum(layer_text):
        layer_page.method = "text_layer" if layer_text.strip() else "none"
        return layer_page
    else:
        if layer_text.strip():
            flags.append("reocr_used")
        if ocr_garbage:
            flags.append("garbage_text")
    return Page(
        number=number,
        method="ocr",
        text=ocr_text,
        ocr_confidence=result.confidence,
        flags=flags,
        text_check=ocr_check,
    )


def _count_alnum(text: str) -> int:
    return sum(1 for char in text if char.isalnum())


def _text_layer(page: pypdfium2.PdfPage) -> tuple[str, list[str]]:
    import pypdfium2 as pdfium

    flags: list[str] = []
    try:
        textpage = page.get_textpage()
    except pdfium.PdfiumError:
        return "", ["unreadable_text_layer"]
    try:
        text = textpage.get_text_bounded()
    finally:
        textpage.close()
    text = text.replace("\r\n", "\n").replace("\x00", "")
    text, deduplicated = dedupe_doubled_chars(text)
    if deduplicated:
        flags.append("doubled_chars_removed")
    return text, flags


def _max_image_pixels(page: pypdfium2.PdfPage) -> int:
    """Return the pixel count of the largest image on the page, 0 for none."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    largest = 0
    # max_depth bounds the descent into nested form XObjects, which a hostile
    # file can make self-referencing.
    objects = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3)
    for index, image in enumerate(objects):
        if index >= MAX_IMAGES_CHECKED:
            break
        try:
            width, height = image.get_px_size()
        except pdfium.PdfiumError:
            width, height = 1, 1  # an image PDFium cannot size still counts
        largest = max(largest, width * height, 1)
    return largest


EXTRACTORS = [PdfExtractor()]
