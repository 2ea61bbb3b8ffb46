"""The interface every extractor implements, and helpers they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from docflow.core.models import ExtractedDocument

if TYPE_CHECKING:
    from docflow.core.config import Settings
    from docflow.core.detect import DetectedType

__all__ = ["Extractor", "ExtractionContext", "new_document"]


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
    warnings: list[str] = field(default_factory=list)

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


def new_document(path: str, context: ExtractionContext) -> ExtractedDocument:
    """Return an empty ExtractedDocument carrying the detection result."""
    detected = context.detected
    return ExtractedDocument(
        path=path,
        detected_type=detected.kind,
        mime_type=detected.mime,
        extension_mismatch=detected.extension_mismatch,
    )
