"""The size and SHA-256 of a model's ``model.joblib``: recorded, checked, remembered.

``save_model`` records them in ``model.json`` under ``model_file``. Loading
a model checks them, and so does ``classify.model_key`` before the CLI
reuses stored results, so a truncated or replaced ``model.joblib`` beside an
unchanged ``model.json`` raises ModelError instead of classifying with other
weights or printing the intact model's results. A ``model.json`` without
``model_file`` (a model saved by an older docflow) loads unchecked.

The result cache keys classifications on the model's version and the SHA-256
of its ``model.joblib`` (``models.model_cache_key``), which changes with the
file whether or not ``model.json`` records it. The CLI needs that key on every
run, so ``remembered_checksum`` keeps each file's digest in
``<store.cache_dir>/model-sha256.json`` with the file's size, modification
and change times and inode, and hashes the file again only when one of them
changed.

A ``model.joblib`` that ``model.json`` records no size and SHA-256 for can
only be checked by loading it. ``model_key`` does that before the CLI starts
any work and marks the memo entry of a file that loaded
(``remember_loadable``), so later runs skip the load until the file changes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from docflow.core.quoting import quote_value
from docflow.errors import ModelError

__all__ = [
    "FILE_FIELD",
    "check_model_file",
    "check_recorded",
    "describe_model_file",
    "remember_loadable",
    "remembered_checksum",
    "remembered_loadable",
]

log = logging.getLogger(__name__)

#: The ``model.json`` field with the ``sha256`` and ``size`` of ``model.joblib``.
FILE_FIELD = "model_file"
MEMO_FILE = "model-sha256.json"
#: Files whose digests the memo keeps. The least recently hashed are dropped first.
MAX_MEMO_ENTRIES = 16
#: A file written again within the file system's timestamp granularity after it
#: was hashed can keep its size and times, so a digest is remembered only for a
#: file unchanged for this long (nanoseconds).
SETTLED_NS = 2_000_000_000


def describe_model_file(data: bytes) -> dict[str, Any]:
    """Return the ``model_file`` field that records the model file ``data``."""
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def check_model_file(path: Path, data: bytes, metadata: dict[str, Any]) -> str:
    """Return the SHA-256 of ``data``, the bytes of the model file ``path``.

    Raises ModelError when ``metadata`` (the parsed ``model.json``) records
    another size or SHA-256 for the file; see ``check_recorded``.
    """
    digest = hashlib.sha256(data).hexdigest()
    check_recorded(path, len(data), digest, metadata)
    return digest


def check_recorded(
    path: Path, size: int, sha256: str, metadata: dict[str, Any]
) -> None:
    """Check the size and SHA-256 of the model file ``path`` against ``metadata``.

    Raises ModelError when ``metadata`` (the parsed ``model.json``) records
    another size or SHA-256, or records them in an invalid form. A
    ``metadata`` without ``FILE_FIELD`` passes.
    """
    recorded = metadata.get(FILE_FIELD)
    if recorded is None:
        return
    from docflow.core.classify._model import METADATA_FILE

    description = path.with_name(METADATA_FILE)
    if (
        not isinstance(recorded, dict)
        or not isinstance(recorded.get("sha256"), str)
        or not isinstance(recorded.get("size"), int)
    ):
        raise ModelError(
            f"model description {quote_value(str(description))} has an invalid "
            f"{FILE_FIELD!r} field; retrain the model with 'docflow train'"
        )
    advice = (
        f"the file was damaged or replaced after {quote_value(str(description))} was "
        f"written. Restore the {path.name} saved with that {METADATA_FILE}, or "
        "retrain with 'docflow train' (reinstall docflow for the shipped model)"
    )
    if size != recorded["size"]:
        raise ModelError(
            f"classifier model {quote_value(str(path))} has {size:,} bytes, but "
            f"{METADATA_FILE} records {recorded['size']:,}: {advice}"
        )
    if sha256 != recorded["sha256"].lower():
        raise ModelError(
            f"classifier model {quote_value(str(path))} does not match the SHA-256 "
            f"that {METADATA_FILE} records: {advice}"
        )


def remembered_checksum(path: Path, memo_dir: Path) -> tuple[int, str]:
    """Return the size and SHA-256 of the file ``path``, hashed only after a change.

    The digest is remembered in ``memo_dir`` under the file's resolved path,
    with its size, modification and change times and inode. Raises OSError
    when the file cannot be read. A memo that cannot be read or written only
    costs a hash.
    """
    before = _file_identity(path)
    memo_path = memo_dir / MEMO_FILE
    memo = _read_memo(memo_path)
    key = str(path.resolve())
    entry = memo.get(key)
    if (
        isinstance(entry, dict)
        and entry.get("stat") == before
        and isinstance(entry.get("sha256"), str)
    ):
        return before[0], entry["sha256"]

    hasher = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            hasher.update(chunk)
            size += len(chunk)
    digest = hasher.hexdigest()

    changed_at = max(before[1], before[2])
    settled = time.time_ns() - changed_at > SETTLED_NS
    # A file replaced while it was read must not pair its old stat with a digest.
    if settled and _file_identity(path) == before:
        memo.pop(key, None)
        memo[key] = {"stat": before, "sha256": digest}
        _write_memo(memo_path, memo)
    return size, digest


def remembered_loadable(path: Path, memo_dir: Path) -> bool:
    """Return whether the memo records that the unchanged file ``path`` loaded."""
    entry = _read_memo(memo_dir / MEMO_FILE).get(str(path.resolve()))
    return (
        isinstance(entry, dict)
        and entry.get("loads") is True
        and entry.get("stat") == _file_identity(path)
    )


def remember_loadable(path: Path, memo_dir: Path) -> None:
    """Record in the memo that the file ``path`` loaded as a model.

    Only an entry whose stat still matches the file is marked, so the mark
    goes away with the digest when the file changes. A file too new for its
    digest to be remembered (``SETTLED_NS``) is loaded again on the next run.
    """
    memo_path = memo_dir / MEMO_FILE
    memo = _read_memo(memo_path)
    entry = memo.get(str(path.resolve()))
    if not isinstance(entry, dict) or entry.get("stat") != _file_identity(path):
        return
    entry["loads"] = True
    _write_memo(memo_path, memo)


def _file_identity(path: Path) -> list[int]:
    stat = os.stat(path)
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def _read_memo(memo_path: Path) -> dict[str, Any]:
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


def _write_memo(memo_path: Path, memo: dict[str, Any]) -> None:
    """Write ``memo`` in place of ``memo_path``, keeping its newest entries."""
    newest = dict(list(memo.items())[-MAX_MEMO_ENTRIES:])
    try:
        memo_path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            dir=memo_path.parent, prefix=MEMO_FILE, suffix=".tmp"
        )
    except OSError as exc:
        log.debug("cannot remember the model's SHA-256 in %s: %s", memo_path, exc)
        return
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump(newest, stream)
        os.replace(temporary, memo_path)
    except OSError as exc:
        log.debug("cannot remember the model's SHA-256 in %s: %s", memo_path, exc)
        Path(temporary).unlink(missing_ok=True)
