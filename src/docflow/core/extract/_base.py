"""The interface every extractor implements, and helpers they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from docflow.core.models import ExtractedDocument, Page, TextCheck

if TYPE_CHECKING:
    from docflow.core.config import Settings
    from docflow.core.detect import DetectedType
    from docflow.core.textcheck import TextVerdict

__all__ = [
    "NOT_READ",
    "Extractor",
    "ExtractionContext",
    "new_document",
    "reusable_pages",
    "text_check",
    "unread_page",
]

#: Page flag of a page skipped because classification already had enough text.
NOT_READ = "not_read"


@dataclass
class ExtractionContext:
    """Per-document state passed to an extractor with the path: the detection
    result, the settings, the OCR page budget and findings to report."""

    detected: DetectedType
    settings: Settings
    ocr_pages_left: int = 0
    ocr_pages_skipped: int = 0
    ocr_used: bool = False
    ocr_garbage_pages: list[int] = field(default_factory=list)
    #: (page number, error message) of pages tesseract failed on.
    ocr_failures: list[tuple[int, str]] = field(default_factory=list)
    #: True when a page failed because tesseract ran past its timeout.
    ocr_timed_out: bool = False
    warnings: list[str] = field(default_factory=list)
    #: Characters of text after which an extractor may leave the remaining
    #: pages unread; None reads every page.
    char_limit: int | None = None
    #: Length of the text of the pages read so far, joined as
    #: ``ExtractedDocument.text`` joins them.
    chars_read: int = 0
    pages_counted: int = 0
    #: Pages (or image frames) of the document, set by the extractor once it
    #: has counted them, so an error raised later can report the count.
    page_count: int | None = None

    #: Pages of an earlier, shorter read of the same document, by number,
    #: that a longer read takes as they are: those OCR'd, and text layers
    #: kept without an OCR attempt (see ``reusable_pages``).
    pages_done: dict[int, Page] = field(default_factory=dict)

    def reuse_page(self, number: int, *, allow_ocr: bool = True) -> Page | None:
        """Return page ``number`` as the earlier read left it, or None.

        An OCR'd page counts against the OCR budget, as OCR'ing it again
        would, and is not taken when ``allow_ocr`` is false.
        """
        page = self.pages_done.get(number)
        if page is None:
            return None
        if page.method == "ocr":
            if not allow_ocr or self.ocr_pages_left <= 0:
                return None
            self.take_ocr_page()
            if "garbage_text" in page.flags:
                self.ocr_garbage_pages.append(number)
        return page.model_copy(deep=True)

    def count_page(self, page: Page) -> None:
        """Add a page read in document order to ``chars_read``."""
        separator = 1 if self.pages_counted else 0
        self.chars_read += len(page.text) + separator
        self.pages_counted += 1

    def has_enough_text(self) -> bool:
        """Return True once the pages read hold ``char_limit`` characters.

        The text joined so far then starts the document's text, so a
        classifier that reads the first ``char_limit`` characters gets the
        same input as from a complete extraction.
        """
        return self.char_limit is not None and self.chars_read >= self.char_limit

    def take_ocr_page(self) -> bool:
        """Reserve one page of the OCR budget; False when it is used up."""
        if self.ocr_pages_left <= 0:
            self.ocr_pages_skipped += 1
            return False
        self.ocr_pages_left -= 1
        self.ocr_used = True
        return True


@runtime_checkable
class Extractor(Protocol):
    """Reads one kind of document. ``kind`` is one of docflow.core.detect.KINDS."""

    kind: str

    def extract(self, path: str, context: ExtractionContext) -> ExtractedDocument:
        """Extract pages, headings, tables and metadata from ``path``.

        Raises a DocumentError subclass when the document cannot be read.
        """
        ...


def reusable_pages(document: ExtractedDocument, min_page_chars: int) -> dict[int, Page]:
    """Return the pages of ``document`` a longer read of it may take as they are.

    They are the OCR'd pages, and the text-layer pages long enough and clean
    enough that no OCR was tried. Reading any other page again may change the
    warnings or the OCR budget, and costs little.
    """
    pages = {}
    for page in document.pages:
        clean_layer = (
            page.method == "text_layer"
            and len(page.text.strip()) >= min_page_chars
            and "garbage_text" not in page.flags
        )
        if page.method == "ocr" or clean_layer:
            pages[page.number] = page
    return pages


def unread_page(number: int) -> Page:
    """Return the stand-in for a page left unread because the text sufficed."""
    return Page(number=number, method="none", flags=[NOT_READ])


def text_check(verdict: TextVerdict) -> TextCheck:
    """Return the part of a garbage verdict that quality analysis reuses."""
    return TextCheck(
        reasons=list(verdict.reasons),
        judged_words=verdict.judged_words,
        implausible_word_share=verdict.implausible_word_share,
    )


def new_document(path: str, context: ExtractionContext) -> ExtractedDocument:
    """Return an empty ExtractedDocument carrying the detection result."""
    detected = context.detected
    return ExtractedDocument(
        path=path,
        detected_type=detected.kind,
        mime_type=detected.mime,
        extension_mismatch=detected.extension_mismatch,
    )
