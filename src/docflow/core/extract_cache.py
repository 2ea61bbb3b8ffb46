"""On-disk cache of extracted documents, keyed by content hash and settings.

Entries are JSON files under ``store.cache_dir``. Writes go to a temporary
file that is renamed into place, so a reader in another process never sees a
half-written entry.

An extraction that stopped early (``ExtractedDocument.pages_read`` set) is
stored under a key that also names its character limit, so a caller that
needs every page never gets it. A complete extraction serves every caller.

The key names the detected kind too, because the extension can decide it
(Markdown headings in a ``.txt`` file are read as plain text). An entry
carries nothing else that the file name decides (see
``extract.extract_content``), so it serves a copy of the content under any
name of the same kind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from typing import TYPE_CHECKING

from pydantic import ValidationError

from docflow.core.models import ExtractedDocument

if TYPE_CHECKING:
    from docflow.core.config import Settings

__all__ = ["EXTRACTOR_VERSION", "load", "save"]

log = logging.getLogger(__name__)

#: Bump when extraction changes its output, so older cache entries are ignored.
EXTRACTOR_VERSION = "3"


def _entry_path(
    content_hash: str, settings: Settings, kind: str, char_limit: int | None = None
) -> str:
    from docflow.core.config import analysis_code_digest

    options = settings.extraction.model_dump_json(
        exclude={"passwords", "password_file"}
    )
    # The digest covers the extraction code, so an upgrade that reads
    # documents differently does not get the older version's text back.
    parts = [EXTRACTOR_VERSION, analysis_code_digest(), options, kind, char_limit]
    suffix = hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:12]
    return os.path.join(
        settings.store.cache_dir,
        "extract",
        content_hash[:2],
        f"{content_hash}-{suffix}.json",
    )


def load(
    content_hash: str, settings: Settings, kind: str, *, char_limit: int | None = None
) -> ExtractedDocument | None:
    """Return the cached extraction as ``kind``, or None when absent or unreadable.

    Without ``char_limit`` only a complete extraction is returned. With it, a
    complete one is preferred and one that stopped at the same limit is the
    fallback. The document's ``path`` is empty.
    """
    document = _load_entry(_entry_path(content_hash, settings, kind))
    if document is None and char_limit is not None:
        document = _load_entry(_entry_path(content_hash, settings, kind, char_limit))
    return document


def _load_entry(path: str) -> ExtractedDocument | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    try:
        return ExtractedDocument.model_validate_json(data)
    except ValidationError:
        log.warning("ignoring invalid extraction cache entry %s", path)
        return None


def save(
    content_hash: str,
    settings: Settings,
    document: ExtractedDocument,
    *,
    char_limit: int | None = None,
) -> None:
    """Store an extraction; a failure to write is logged and otherwise ignored.

    ``document`` comes from ``extract.extract_content``, without what its
    file name decides. ``char_limit`` is the limit the extraction ran with.
    It is part of the key only when the extraction stopped early, so a
    limited extraction that read every page serves complete-extraction
    callers too.
    """
    if document.metadata.get("decrypted_with_password"):
        # The key leaves passwords out, so the text would be served to a run
        # without the password; nor should it lie on disk decrypted.
        log.debug("not caching %s: it needed a password", content_hash)
        return
    partial = document.pages_read is not None
    if partial and char_limit is None:
        log.warning("not caching %s: it stopped early without a limit", content_hash)
        return
    limit = char_limit if partial else None
    path = _entry_path(content_hash, settings, document.detected_type, limit)
    try:
        # load() gives the entry the caller's path, so none is stored: JSON
        # cannot carry a file name that is not UTF-8.
        data = document.model_copy(update={"path": ""}).model_dump_json().encode()
    except ValueError as exc:  # other text that is not UTF-8, a rare case
        log.warning("not caching %s: %s", content_hash, exc)
        return
    tmp = None
    try:
        fd, tmp = _create_temporary_file(os.path.dirname(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot write extraction cache entry %s: %s", path, exc)
        if tmp is not None:
            # A full disk left part of the entry; it would never be read.
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _create_temporary_file(folder: str) -> tuple[int, str]:
    """Create a temporary file in ``folder``, and the folder if it is missing.

    Most entries go to a folder made for an earlier entry, so the folder is
    made only when the file cannot be created without it.
    """
    try:
        return tempfile.mkstemp(dir=folder, suffix=".tmp")
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
        return tempfile.mkstemp(dir=folder, suffix=".tmp")
