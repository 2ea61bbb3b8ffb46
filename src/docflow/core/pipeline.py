"""Process one document: hash, extract (once, cached), classify, judge quality.

This is the single entry point the MCP tools, the sandboxed workers, the CLI
and the watch daemon use. It never raises for a problem with the document:
every outcome becomes a DocumentResult with a status and, when the status is
not ``ok``, an error message that names the file and the reason.

Classification reads only the first ``classification.max_chars`` characters,
so when it runs without quality analysis the extraction may stop once it has
them (see ``extract_document``). It first tries with less: pages are read
until ``classification.first_chars`` characters, and only a document whose
category is then unknown or needs review is read on to ``max_chars``. The
result gives how many of the document's pages were read. Quality analysis
always gets every page.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from docflow.core.models import (
    ClassificationResult,
    DocumentResult,
    ExtractedDocument,
    ReviewStatus,
    Status,
)
from docflow.core.quoting import cut_value
from docflow.core.review import (
    GARBAGE_TEXT_REASON,
    LOW_CONFIDENCE_REASON,
    QUALITY_SCORE_REASON,
    UNKNOWN_CATEGORY_REASON,
    quality_reasons,
)
from docflow.errors import ChangedWhileRead, DocumentError, ModelError

if TYPE_CHECKING:
    from collections.abc import Callable

    from docflow.core.config import Settings

__all__ = [
    "add_stored_analyses",
    "classification_char_limit",
    "extract_cached",
    "hash_file",
    "limit_to_analyses",
    "process_document",
]

log = logging.getLogger(__name__)

_HASH_CHUNK = 1 << 20
#: Number of reads of a file that keeps changing while it is read, after
#: which it gets the status unreadable.
READ_ATTEMPTS = 3
#: Seconds to wait before the second read of a changed file. The third read
#: waits twice as long.
REREAD_PAUSE = 0.5
_REREAD_ADVICE = "process it again once whatever writes it has finished"


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
    earlier: ExtractedDocument | None = None,
    snapshot: os.stat_result | None = None,
) -> ExtractedDocument:
    """Extract ``path``, reusing an extraction of the same content if cached.

    The classification and quality servers both call this, so a document that
    both analyse is read (and OCR'd) once. With ``char_limit`` the extraction
    may stop early (see ``extract_document``); a cached complete extraction
    is used for it too, but an early-stopped one never serves a call without
    a limit.

    The cache may hold the content under another name. The kind is detected
    for this name, and the extension mismatch is described for it.
    ``earlier``, a shorter extraction of the same file, lends its OCR'd pages
    to a new extraction (see ``extract_content``).

    ``snapshot`` is the file's status from before ``content_hash`` was
    computed. When extraction really read the file and the file no longer
    matches it, ChangedWhileRead is raised and nothing is cached, because the
    text may then come from other content than the hash's.
    """
    from docflow.core import extract_cache
    from docflow.core.detect import detect_type
    from docflow.core.extract import (
        extract_content,
        note_extension,
        note_extension_of_failure,
    )

    try:
        detected = detect_type(path)
    except DocumentError:
        # An empty or unreadable file may be a copy that started after the hash.
        if snapshot is not None:
            check_unchanged(path, snapshot)
        raise
    document: ExtractedDocument | None = None
    if settings.store.reuse:
        document = extract_cache.load(
            content_hash, settings, detected.kind, char_limit=char_limit
        )
    if document is None:
        try:
            document = extract_content(
                path, detected, settings, char_limit=char_limit, earlier=earlier
            )
        except DocumentError as exc:
            if snapshot is not None:
                check_unchanged(path, snapshot)
            note_extension_of_failure(exc, path, detected)
            raise
        if snapshot is not None:
            check_unchanged(path, snapshot)
        extract_cache.save(content_hash, settings, document, char_limit=char_limit)
    document = document.model_copy(update={"path": path})
    note_extension(document, detected)
    return document


def check_unchanged(path: str, snapshot: os.stat_result) -> None:
    """Raise ChangedWhileRead if ``path`` is no longer the file of ``snapshot``.

    The size, the modification and change times and the inode are compared:
    a copy over the file, an append, or a rename of another file onto its
    name changes at least one of them.
    """
    try:
        now = os.stat(path)
    except OSError as exc:
        raise ChangedWhileRead(
            f"the file went away while it was read ({exc.strerror or exc})"
        ) from exc
    fields = ("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino", "st_dev")
    if any(getattr(now, name) != getattr(snapshot, name) for name in fields):
        raise ChangedWhileRead("the file changed while it was read")


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


def _first_chars(settings: Settings) -> int | None:
    """Return the characters of the first classification, or None for one."""
    options = settings.classification
    if not options.first_chars or options.first_chars >= options.max_chars:
        return None
    return options.first_chars


def _classify(
    result: DocumentResult,
    document: ExtractedDocument,
    settings: Settings,
    read_on: Callable[[], ExtractedDocument] | None,
) -> ExtractedDocument:
    """Classify ``document`` into ``result``, first from its start alone.

    The first classification reads ``classification.first_chars``
    characters. It is kept unless it would go to review for a reason other
    than a language the model was not trained on, because more text in that
    language would not change the result, or unless it read every page and
    all of their text. Otherwise the classification reads ``max_chars``,
    after ``read_on`` (when given) has read more pages.
    ``docflow process`` and ``classify`` decide the same way, so a document
    gets the same category and confidence from both. Returns the document
    classified last.
    """
    from docflow.core.classify import classify_document
    from docflow.core.review import UNTRAINED_LANGUAGE

    first = _first_chars(settings)
    if first is not None:
        result.classification = classify_document(document, settings, max_chars=first)
        reasons = _classification_review_reasons(result, settings)
        untrained = f"category unknown: {UNTRAINED_LANGUAGE}"
        if not any(not reason.startswith(untrained) for reason in reasons):
            return document
        if read_on is None and len(document.text) <= first:
            # Every page was read and the first classification saw all of
            # its text, so a second one would give the same result.
            return document
        log.debug(
            "%s: %s from the first %d characters (%s); classifying from %d",
            document.path,
            result.classification.category,
            first,
            reasons[0],
            settings.classification.max_chars,
        )
        if read_on is not None:
            document = read_on()
    result.classification = classify_document(document, settings)
    return document


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
    # Messages name a long path by its start and end, and result.path keeps it.
    named = cut_value(path)
    try:
        for attempt in range(1, READ_ATTEMPTS + 1):
            try:
                _analyse(result, settings, classify=classify, quality=quality)
                break
            except ChangedWhileRead as exc:
                if attempt == READ_ATTEMPTS:
                    raise ChangedWhileRead(
                        f"{exc}, at each of {READ_ATTEMPTS} reads; {_REREAD_ADVICE}"
                    ) from exc
                log.info("%s: %s; reading it again", named, exc)
            except DocumentError as exc:
                if attempt == 1:
                    raise
                # A copy in progress reads as empty or truncated, so the
                # message names the change rather than the content.
                raise ChangedWhileRead(
                    "the file changed while it was read, and the next read "
                    f"found: {exc}; {_REREAD_ADVICE}"
                ) from exc
            result = DocumentResult(path=path, status=Status.OK)
            time.sleep(REREAD_PAUSE * attempt)
    except DocumentError as exc:
        result.status = Status(exc.status)
        result.error = f"{named}: {exc}"
        if isinstance(exc, ChangedWhileRead):
            # The hash is of content the file no longer has (or a mix).
            result.content_hash = result.size = None
        if exc.detected_type is not None:
            result.detected_type = exc.detected_type
        if exc.pages is not None:
            result.pages = exc.pages
        result.extension_mismatch = exc.extension_mismatch
    except MemoryError:
        result.status = Status.MEMORY_LIMIT
        result.error = (
            f"{named}: ran out of memory under the limit of "
            f"{settings.workers.memory_limit_mb} MB (workers.memory_limit_mb)"
        )
    except ModelError as exc:  # the same for every document, so logged as a warning
        log.warning("%s: classifier model unusable: %s", named, exc)
        result.status = Status.ERROR
        result.error = f"{named}: classifier model unusable: {exc}"
    except Exception as exc:  # a parser bug or a full disk must not stop the batch
        result.status = Status.ERROR
        if isinstance(exc, OSError) and exc.errno in _NO_SPACE:
            log.warning("%s: cannot write a working file: %s", named, exc)
            result.error = f"{named}: {_no_space_message(exc, settings)}"
        else:
            log.exception("unexpected error processing %s", named)
            result.error = f"{named}: unexpected {type(exc).__name__}: {exc}"
    result.duration_ms = (time.perf_counter() - started) * 1000
    return result


def _analyse(
    result: DocumentResult, settings: Settings, *, classify: bool, quality: bool
) -> None:
    """Hash, extract and analyse ``result.path`` into ``result``.

    Raises ChangedWhileRead when the file changed between its hash and a read
    of its content, and any other DocumentError of the document.
    """
    path = result.path
    result.content_hash, result.size, snapshot = _hash_checked(path, settings)
    limit = classification_char_limit(settings, classify=classify, quality=quality)
    first = _first_chars(settings) if limit is not None else None
    document = extract_cached(
        path,
        result.content_hash,
        settings,
        char_limit=first or limit,
        snapshot=snapshot,
    )
    warnings_before = len(result.warnings)
    _describe_extraction(result, document)
    if classify:

        def read_on() -> ExtractedDocument:
            # The pages of the first read are taken as they are (see
            # extract_content), so only the pages after them are read.
            longer = extract_cached(
                path,
                result.content_hash,
                settings,
                char_limit=limit,
                earlier=document,
                snapshot=snapshot,
            )
            del result.warnings[warnings_before:]
            _describe_extraction(result, longer)
            return longer

        partial = first is not None and document.pages_read is not None
        document = _classify(result, document, settings, read_on if partial else None)
        assert result.classification is not None
        result.classification.metadata.pages_read = result.pages_read
    if quality:
        from docflow.core.quality import analyze_quality

        result.quality = analyze_quality(document, settings)
    result.review_status, result.review_reasons = _review_status(result, settings)


#: Errors of a write that found no room: a full disk, a quota, a size limit.
_NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _no_space_message(exc: OSError, settings: Settings) -> str:
    """Name the folders docflow writes working files to, for a failed write."""
    import tempfile

    where = f" ({exc.filename})" if exc.filename else ""
    return (
        f"cannot write a working file{where}: {exc.strerror}; free space in the "
        f"temporary folder {tempfile.gettempdir()} (TMPDIR) or the extraction "
        f"cache {settings.store.cache_dir} (store.cache_dir), then run again"
    )


def _hash_checked(path: str, settings: Settings) -> tuple[str, int, os.stat_result]:
    """Return the content hash and size of ``path``, and its status before
    hashing, which ``check_unchanged`` compares with the file after a read."""
    from docflow.core.detect import check_readable

    check_readable(path)
    limit = settings.extraction.max_file_mb
    try:
        snapshot = os.stat(path)
        size = snapshot.st_size
        if size > limit * 1024 * 1024:
            from docflow.errors import TooLarge

            # Before hashing, which reads every byte: 50 GB took over a minute.
            raise TooLarge(
                f"the file is {size / 1024**2:,.0f} MB, over {limit} MB "
                "(extraction.max_file_mb)"
            )
        return (*hash_file(path), snapshot)
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


def _review_status(
    result: DocumentResult, settings: Settings
) -> tuple[ReviewStatus, list[str]]:
    """Return whether a person should look at ``result``, and every reason why."""
    reasons = _classification_review_reasons(result, settings)
    reasons += _quality_review_reasons(result, settings)
    status = ReviewStatus.NEEDS_REVIEW if reasons else ReviewStatus.APPROVED
    return status, reasons


def limit_to_analyses(
    result: DocumentResult, settings: Settings, *, classify: bool, quality: bool
) -> DocumentResult:
    """Drop the analyses that were not requested from ``result``.

    A stored result of ``docflow process`` has both analyses, and a later
    ``analyze`` or ``classify`` reuses it. The review status and reasons are
    computed again from the analyses kept, as a run of only those would
    compute them. This is exact because the cache reuses a result only under
    the same settings, thresholds included. A result that failed keeps its
    review status (None).
    """
    dropped = {}
    if not classify and result.classification is not None:
        dropped["classification"] = None
    if not quality and result.quality is not None:
        dropped["quality"] = None
    if not dropped:
        return result
    limited = result.model_copy(update=dropped)
    if limited.review_status is not None:
        limited.review_status, limited.review_reasons = _review_status(
            limited, settings
        )
    return limited


def add_stored_analyses(
    result: DocumentResult, stored: DocumentResult, settings: Settings
) -> DocumentResult:
    """Add to ``result`` the analyses that only ``stored`` has.

    A run of ``classify`` or ``analyze`` stores a result of one analysis,
    which replaces the file's stored result. This keeps the other analysis
    of the stored result, whatever settings, model or docflow version
    computed it. Only a stored result of the same content is used. The kept
    analysis keeps its stored review reasons, which the settings that computed
    it wrote, and only the reasons of ``result``'s own analysis are computed
    under ``settings``. The review status comes from both.
    """
    if not (result.ok and stored.ok) or result.content_hash != stored.content_hash:
        return result
    added: dict[str, object] = {}
    if result.classification is None and stored.classification is not None:
        added["classification"] = stored.classification
    if result.quality is None and stored.quality is not None:
        # Quality judged every page, which classification alone may not read,
        # so the warnings of the pages it read stay with it.
        added["quality"] = stored.quality
        added["pages_read"] = stored.pages_read
        added["warnings"] = list(dict.fromkeys(result.warnings + stored.warnings))
    if not added:
        return result
    merged = result.model_copy(update=added)
    stored_quality_reasons = quality_reasons(stored.review_reasons)
    if "classification" in added:
        reasons = [
            reason
            for reason in stored.review_reasons
            if reason not in stored_quality_reasons
        ]
        reasons += _quality_review_reasons(merged, settings)
    else:
        reasons = _classification_review_reasons(merged, settings)
        reasons += stored_quality_reasons
    merged.review_reasons = reasons
    merged.review_status = (
        ReviewStatus.NEEDS_REVIEW if reasons else ReviewStatus.APPROVED
    )
    return merged


def _classification_review_reasons(
    result: DocumentResult, settings: Settings
) -> list[str]:
    from docflow.core.classify._classify import (
        MOSTLY_GARBAGE,
        SENT_TO_REVIEW,
        TOO_LITTLE_TEXT,
    )
    from docflow.core.review import UNTRAINED_LANGUAGE

    classification = result.classification
    if classification is None:
        return []
    options = settings.classification
    reasons = _language_review_reasons(classification)
    if classification.category == "unknown":
        abstained = [
            item.term
            for item in classification.evidence
            if item.term in (TOO_LITTLE_TEXT, MOSTLY_GARBAGE)
            or item.term.endswith(SENT_TO_REVIEW)
        ]
        if abstained:
            if abstained[0].startswith(UNTRAINED_LANGUAGE):
                reasons = []  # the same reason as abstained[0]
            return [f"{UNKNOWN_CATEGORY_REASON}: {abstained[0]}", *reasons]
        runners_up = classification.metadata.runners_up
        guess = f"best guess {runners_up[0].category} " if runners_up else ""
        return [
            f"{UNKNOWN_CATEGORY_REASON}: {guess}at confidence "
            f"{_under(classification.confidence, options.confidence_threshold, 2)}, "
            "under "
            f"classification.confidence_threshold {options.confidence_threshold:g}",
            *reasons,
        ]
    if classification.confidence < options.review_threshold:
        reasons.insert(
            0,
            f"{LOW_CONFIDENCE_REASON}"
            f"{_under(classification.confidence, options.review_threshold, 2)} "
            f"under classification.review_threshold {options.review_threshold:g}",
        )
    return reasons


def _under(value: float, threshold: float, digits: int) -> str:
    """Format ``value`` to ``digits`` decimals, more if it rounds up to a threshold."""
    for places in range(digits, digits + 4):
        text = f"{value:.{places}f}"
        if float(text) < threshold:
            return text
    return f"{value:g}"


def _language_review_reasons(classification: ClassificationResult) -> list[str]:
    """Return the classifier's reason when the text's language is one it never saw.

    The classifier makes such a document ``unknown`` (``untrained_language``)
    unless ``classification.confidence_threshold`` is under its capped
    confidence, and then it still goes to review for this reason.
    """
    from docflow.core.classify._classify import SENT_TO_REVIEW
    from docflow.core.review import UNTRAINED_LANGUAGE

    return [
        item.term.removesuffix(SENT_TO_REVIEW)
        for item in classification.evidence
        if item.term.startswith(UNTRAINED_LANGUAGE)
    ][:1]


def _quality_review_reasons(result: DocumentResult, settings: Settings) -> list[str]:
    quality = result.quality
    if quality is None:
        return []
    reasons = []
    threshold = settings.quality.review_threshold
    if quality.overall_score < threshold:
        score = _under(quality.overall_score, threshold, 0)
        reasons.append(
            f"{QUALITY_SCORE_REASON}{score} under "
            f"quality.review_threshold {threshold:g}"
        )
    garbage = [issue for issue in quality.issues if issue.code == "garbage_text"]
    pages = [str(issue.page) for issue in garbage if issue.page is not None]
    if pages:
        where = f"page {pages[0]}" if len(pages) == 1 else f"pages {', '.join(pages)}"
        more = " and more" if len(pages) < len(garbage) else ""
        reasons.append(f"{GARBAGE_TEXT_REASON} on {where}{more}")
    elif garbage:
        reasons.append(GARBAGE_TEXT_REASON)
    return reasons
