"""Text extraction for every document kind, behind one registry of extractors.

``extract_document`` detects the kind from the content, hands the file to the
extractor registered for that kind, and then does what is common to all
kinds: page character counts, empty-page flags, language detection and the
warning about a misleading extension. ``extract_content`` does all but the
last, which ``note_extension`` adds.

A third party adds or replaces an extractor the same way the built-in ones
are added::

    from docflow.core.extract import register_extractor

    class MyHtmlExtractor:
        kind = "html"
        def extract(self, path, context): ...

    register_extractor(MyHtmlExtractor())

An installed package can instead declare the class in its metadata, under
the ``docflow.extractors`` entry-point group; it is registered after the
built-ins, on first use.
"""

from __future__ import annotations

import logging
from pathlib import PurePath
from typing import TYPE_CHECKING

from docflow.core.extract._base import (
    NOT_READ,
    ExtractionContext,
    Extractor,
    new_document,
    reusable_pages,
)
from docflow.core.models import ExtractedDocument
from docflow.core.plurals import count_noun, name_pages
from docflow.errors import (
    CorruptDocument,
    DocumentError,
    OcrFailed,
    OcrUnavailable,
    PasswordRequired,
)

if TYPE_CHECKING:
    from docflow.core.config import Settings
    from docflow.core.detect import DetectedType

__all__ = [
    "ENTRY_POINT_GROUP",
    "ExtractionContext",
    "Extractor",
    "extract_content",
    "extract_document",
    "get_extractor",
    "new_document",
    "note_extension",
    "register_extractor",
    "registered_kinds",
]

log = logging.getLogger(__name__)

#: Entry-point group through which installed packages add extractors.
ENTRY_POINT_GROUP = "docflow.extractors"

_REGISTRY: dict[str, Extractor] = {}
_builtins_loaded = False

#: Page flags saying the page was not read, so no text does not mean blank.
_UNREAD_FLAGS = frozenset(
    {
        "ocr_disabled",
        "ocr_skipped",
        "unreadable_page",
        "unrenderable_page",
        "unreadable_text_layer",
        "ocr_failed",
        NOT_READ,
    }
)

_KIND_NAMES = {
    "pdf": "a PDF",
    "docx": "a DOCX document",
    "image": "an image",
    "text": "plain text",
    "markdown": "Markdown",
    "html": "HTML or XML",
    "eml": "an e-mail",
}


def register_extractor(extractor: Extractor, *, replace: bool = True) -> None:
    """Register ``extractor`` for its ``kind``, replacing any earlier one.

    With ``replace=False`` an extractor already registered for the kind is
    kept, which is how the built-ins are added.
    """
    if not isinstance(extractor, Extractor):
        raise TypeError(f"{extractor!r} has no kind attribute or extract() method")
    if not replace and extractor.kind in _REGISTRY:
        return
    _REGISTRY[extractor.kind] = extractor


def get_extractor(kind: str) -> Extractor:
    """Return the extractor registered for ``kind``; raise KeyError if none."""
    _load_builtins()
    return _REGISTRY[kind]


def registered_kinds() -> list[str]:
    """Return the kinds that have an extractor, sorted."""
    _load_builtins()
    return sorted(_REGISTRY)


def _load_builtins() -> None:
    global _builtins_loaded
    if _builtins_loaded:
        return
    from docflow.core.extract import docx, eml, html, image, pdf, text

    _builtins_loaded = True
    for module in (pdf, docx, image, text, html, eml):
        for extractor in module.EXTRACTORS:
            register_extractor(extractor, replace=False)
    _load_plugins()


def _load_plugins() -> None:
    """Register extractors that installed packages declare as entry points.

    Each entry point in the ``docflow.extractors`` group names an Extractor
    instance or a class that takes no arguments. A plugin that fails to load
    is logged and skipped, so one broken package cannot stop extraction.
    """
    from importlib.metadata import entry_points

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry.load()
            register_extractor(loaded() if isinstance(loaded, type) else loaded)
        except Exception as exc:  # any error inside third-party code
            log.warning("cannot load extractor plugin %s: %s", entry.value, exc)


def extract_document(
    path: str, settings: Settings, *, char_limit: int | None = None
) -> ExtractedDocument:
    """Extract the text and structure of the document at ``path``.

    With ``char_limit``, extractors of paged documents (PDF, multi-frame
    images) may stop reading once the text contains that many characters. The
    pages left unread are flagged ``not_read`` and ``pages_read`` counts the
    others, so ``pages`` still has one entry per page of the document.

    Raises a DocumentError subclass (UnsupportedFormat, EmptyDocument,
    CorruptDocument, PasswordRequired, TooLarge, Unreadable, OcrUnavailable,
    OcrFailed) when the document cannot be read.
    """
    from docflow.core.detect import check_readable, detect_type

    check_readable(path)
    detected = detect_type(path)
    document = extract_content(path, detected, settings, char_limit=char_limit)
    note_extension(document, detected)
    return document


def extract_content(
    path: str,
    detected: DetectedType,
    settings: Settings,
    *,
    char_limit: int | None = None,
    earlier: ExtractedDocument | None = None,
) -> ExtractedDocument:
    """Extract ``path`` as the kind ``detected`` names, without the extension's facts.

    ``extension_mismatch`` is false and no warning names the extension, so
    the result depends only on the content and the detected kind. The
    extraction cache can then serve it to a copy under another name, which
    ``note_extension`` describes. ``earlier`` is a shorter extraction of the
    same content under the same settings, whose OCR'd pages and clean text
    layers are taken as they are. Raises as ``extract_document`` does.
    """
    context = ExtractionContext(
        detected=detected,
        settings=settings,
        ocr_pages_left=settings.extraction.max_ocr_pages,
        char_limit=char_limit,
    )
    if earlier is not None:
        context.pages_done = reusable_pages(earlier, settings.extraction.min_page_chars)
    try:
        document = get_extractor(detected.kind).extract(path, context)
    except RecursionError as exc:
        # Parsers of nested structures (MIME parts, XML, PDF objects) recurse.
        raise CorruptDocument(
            f"{_KIND_NAMES.get(detected.kind, detected.kind)} whose structure "
            "nests too deeply to read"
        ) from exc
    except OcrUnavailable as exc:
        # Detection and the page count come before OCR, so the result keeps them.
        exc.detected_type = detected.kind
        exc.pages = context.page_count
        raise
    except PasswordRequired as exc:
        # The result names the kind of the encrypted file, because an MCP
        # server advises its client to give a password only for a PDF.
        exc.detected_type = detected.kind
        raise
    _finish_document(document, context)
    document.extension_mismatch = False  # set by new_document from ``detected``
    return document


def note_extension(document: ExtractedDocument, detected: DetectedType) -> None:
    """Record whether the extension of ``document.path`` names another kind than
    ``detected``, with a warning first among the warnings when it does."""
    document.extension_mismatch = detected.extension_mismatch
    if not detected.extension_mismatch:
        return
    if detected.mime == "application/xml":
        content = "XML"  # read as kind html, but not HTML
    else:
        content = _KIND_NAMES.get(detected.kind, detected.kind)
    document.warnings.insert(
        0,
        f"extension {PurePath(document.path).suffix.lower()} but the content is "
        f"{content}",
    )


def note_extension_of_failure(
    exc: DocumentError, path: str, detected: DetectedType
) -> None:
    """Add the detected kind and the extension mismatch to a failed extraction's error.

    A file named ``.txt`` whose text begins like a PDF is read as a PDF and
    fails as a damaged one, so the message then names the extension and the
    kind the content was read as.
    """
    if exc.detected_type is None and detected.kind in _KIND_NAMES:
        exc.detected_type = detected.kind
    if not detected.extension_mismatch:
        return
    exc.extension_mismatch = True
    suffix = PurePath(path).suffix.lower()
    content = _KIND_NAMES.get(detected.kind, detected.kind)
    exc.args = (f"{exc} (the extension is {suffix}, but it was read as {content})",)


def _report_ocr_failures(
    document: ExtractedDocument, context: ExtractionContext
) -> None:
    """Warn about pages tesseract failed on; raise OcrFailed if nothing is left."""
    if not context.ocr_failures:
        return
    first_number, first_error = context.ocr_failures[0]
    if not any(page.text.strip() for page in document.pages):
        advice = "; raise extraction.ocr_timeout" if context.ocr_timed_out else ""
        raise OcrFailed(
            f"OCR failed and the document has no other text (page {first_number}: "
            f"{first_error}){advice}"
        )
    failed = [number for number, _ in context.ocr_failures]
    verb = "has" if len(failed) == 1 else "have"
    document.warnings.append(
        f"OCR failed on {name_pages(failed)}, which {verb} no text ({first_error})"
    )


def _finish_document(document: ExtractedDocument, context: ExtractionContext) -> None:
    from docflow.core.language import detect_language

    for page in document.pages:
        page.chars = len(page.text)
        unread = any(flag in _UNREAD_FLAGS for flag in page.flags)
        if not page.text.strip() and not unread and "empty" not in page.flags:
            page.flags.append("empty")
    if context.ocr_pages_skipped:
        skipped = count_noun(
            context.ocr_pages_skipped,
            "page needing OCR was",
            "pages needing OCR were",
        )
        document.warnings.append(
            f"{skipped} not read because extraction.max_ocr_pages is "
            f"{context.settings.extraction.max_ocr_pages}"
        )
    _report_ocr_failures(document, context)
    if context.ocr_garbage_pages:
        pages = name_pages(context.ocr_garbage_pages)
        document.warnings.append(
            f"OCR text of {pages} looks like garbage; if the document is "
            f"not in {context.settings.extraction.ocr_languages!r}, set "
            "extraction.ocr_languages"
        )
    document.warnings.extend(context.warnings)
    if context.ocr_used:
        document.metadata["ocr_languages"] = context.settings.extraction.ocr_languages
    if document.language is None:
        document.language = detect_language(document.text)
