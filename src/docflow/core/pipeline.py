"""Process one document: hash, extract (once, cached), classify, judge quality.

This is the single entry point the MCP tools, the sandboxed workers, the CLI
and the watch daemon use. It never raises for a problem with the document:
every outcome becomes a DocumentResult with a status and, when the status is
not ``ok``, an error message that names the file and the reason.

Classification reads only the first ``classification.max_chars`` characters,
so when it runs without quality analysis the extraction may stop once it has
them (see ``extract_document``). The result then says how many of the
document's pages were read. Quality analysis always gets every page.
"""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from docflow.core.models import (
    DocumentResult,
    ExtractedDocument,
    ReviewStatus,
    Status,
)
from docflow.errors import DocumentError

if TYPE_CHECKING:
    from docflow.core.config import Settings

__all__ = [
    "classification_char_limit",
    "extract_cached",
    "hash_file",
    "process_document",
]

log = logging.getLogger(__name__)

_HASH_CHUNK = 1 << 20


def hash_file(path: str | Path) -> tuple[str, int]:
    """Return the SHA-256 hex digest and the size in bytes of a regular file."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def extract_cached(
    path: str,
    content_hash: str,
    settings: Settings,
    *,
    char_limit: int | None = None,
) -> ExtractedDocument:
    """Extract ``path``, reusing an extraction of the same content if cached.

    The classification and quality servers both call this, so a document that
    both analyse is read (and OCR'd) once. With ``char_limit`` the extraction
    may stop early (see ``extract_document``); a cached complete extraction
    is used for it too, but an early-stopped one never serves a call without
    a limit.
    """
    from docflow.core import extract_cache
    from docflow.core.extract import extract_document

    cached = extract_cache.load(content_hash, settings, char_limit=char_limit)
    if cached is not None:
        return cached.model_copy(update={"path": path})
    document = extract_document(path, settings, char_limit=char_limit)
    extract_cache.save(content_hash, settings, document, char_limit=char_limit)
    return document


def classification_char_limit(
    settings: Settings, *, classify: bool, quality: bool
) -> int | None:
    """Return the characters extraction may stop at for these analyses.

    Only classification alone can do with part of a document: quality
    analysis judges every page.
    """
    options = settings.classification
    if not classify or quality or options.read_all_pages:
        return None
    return options.max_chars


def process_document(
    path: str,
    settings: Settings,
    *,
    classify: bool = True,
    quality: bool = True,
) -> DocumentResult:
    """Run the requested analyses on one file and return its result."""
    started = time.perf_counter()
    result = DocumentResult(path=path, status=Status.OK)
    try:
        result.content_hash, result.size = _hash_checked(path)
        limit = classification_char_limit(settings, classify=classify, quality=quality)
        document = extract_cached(path, result.content_hash, settings, char_limit=limit)
        _describe_extraction(result, document)
        if classify:
            from docflow.core.classify import classify_document

            result.classification = classify_document(document, settings)
            if document.pages_read is not None:
                result.classification.metadata.pages_read = document.pages_read
        if quality:
            from docflow.core.quality import analyze_quality

            result.quality = analyze_quality(document, settings)
        result.review_status = _review_status(result, settings)
    except DocumentError as exc:
        result.status = Status(exc.status)
        result.error = f"{path}: {exc}"
    except MemoryError:
        result.status = Status.MEMORY_LIMIT
        result.error = (
            f"{path}: ran out of memory under the limit of "
            f"{settings.workers.memory_limit_mb} MB (workers.memory_limit_mb)"
        )
    except Exception as exc:  # a parser bug must not stop the batch
        log.exception("unexpected error processing %s", path)
        result.status = Status.ERROR
        result.error = f"{path}: unexpected {type(exc).__name__}: {exc}"
    result.duration_ms = (time.perf_counter() - started) * 1000
    return result


def _hash_checked(path: str) -> tuple[str, int]:
    from docflow.core.detect import check_readable

    check_readable(path)
    try:
        return hash_file(path)
    except OSError as exc:
        from docflow.errors import Unreadable

        raise Unreadable(f"cannot read the file: {exc.strerror or exc}") from exc


def _describe_extraction(result: DocumentResult, document: ExtractedDocument) -> None:
    result.detected_type = document.detected_type
    result.extension_mismatch = document.extension_mismatch
    result.pages = len(document.pages)
    result.pages_read = (
        document.pages_read if document.pages_read is not None else result.pages
    )
    result.warnings.extend(document.warnings)


def _review_status(result: DocumentResult, settings: Settings) -> ReviewStatus:
    classification = result.classification
    if classification is not None:
        if classification.category == "unknown":
            return ReviewStatus.NEEDS_REVIEW
        if classification.confidence < settings.classification.review_threshold:
            return ReviewStatus.NEEDS_REVIEW
    quality = result.quality
    if quality is not None:
        if quality.overall_score < settings.quality.review_threshold:
            return ReviewStatus.NEEDS_REVIEW
        if any(issue.code == "garbage_text" for issue in quality.issues):
            return ReviewStatus.NEEDS_REVIEW
    return ReviewStatus.APPROVED
