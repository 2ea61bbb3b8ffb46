"""On-disk cache of extracted documents, keyed by content hash and settings.

Entries are JSON files under ``store.cache_dir``. Writes go to a temporary
file that is renamed into place, so a reader in another process never sees a
half-written entry.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from docflow.core.models import ExtractedDocument

if TYPE_CHECKING:
    from docflow.core.config import Settings

__all__ = ["EXTRACTOR_VERSION", "load", "save"]

log = logging.getLogger(__name__)

#: Bump when extraction changes its output, so older cache entries are ignored.
EXTRACTOR_VERSION = "2"


def _entry_path(content_hash: str, settings: Settings) -> Path:
    options = settings.extraction.model_dump(exclude={"passwords", "password_file"})
    key = json.dumps([EXTRACTOR_VERSION, options], sort_keys=True).encode()
    suffix = hashlib.sha256(key).hexdigest()[:12]
    root = Path(settings.store.cache_dir) / "extract" / content_hash[:2]
    return root / f"{content_hash}-{suffix}.json"


def load(content_hash: str, settings: Settings) -> ExtractedDocument | None:
    """Return the cached extraction, or None when absent or unreadable."""
    path = _entry_path(content_hash, settings)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return ExtractedDocument.model_validate_json(data)
    except ValidationError:
        log.warning("ignoring invalid extraction cache entry %s", path)
        return None


def save(content_hash: str, settings: Settings, document: ExtractedDocument) -> None:
    """Store an extraction; a failure to write is logged and otherwise ignored."""
    path = _entry_path(content_hash, settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(document.model_dump_json().encode())
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot write extraction cache entry %s: %s", path, exc)
