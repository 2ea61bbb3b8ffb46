"""Conversion of DocumentResults to Arrow batches and of stored rows back.

A flush turns a list of results into one Arrow table per database table, so
DuckDB inserts each batch with a single ``INSERT ... SELECT`` instead of one
statement per row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from docflow.core.models import (
    ClassificationResult,
    DocumentResult,
    Fact,
    QualityResult,
    model_cache_key,
)

if TYPE_CHECKING:
    import pyarrow

__all__ = [
    "DOCUMENT_COLUMNS",
    "FileStat",
    "PendingResult",
    "build_batches",
    "display_path",
    "display_text",
    "escape_controls",
    "escape_unencodable",
    "path_from_display",
    "result_from_row",
]


def display_path(path: str) -> str:
    """Return ``path`` as valid UTF-8 text, one text per name.

    File names are bytes on POSIX; Python keeps undecodable bytes as lone
    surrogates, which neither DuckDB nor a UTF-8 stdout accepts, so such a
    byte is written ``\\xNN``. Results are stored under this text, so two
    names must never share it: in a name that has such a byte, or that
    already contains text like ``\\xff``, each backslash is doubled.
    Other names, nearly all of them, are returned unchanged.
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "surrogateescape").replace(b"\\", b"\\\\")
        return raw.decode("utf-8", "backslashreplace")
    if "\\" in path and _BYTE_ESCAPE.search(path):
        return path.replace("\\", "\\\\")
    return path


def display_text(text: str) -> str:
    """Return a message as valid UTF-8, escaping undecodable bytes as ``\\xNN``."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
        return raw.decode("utf-8", "backslashreplace")


def path_from_display(text: str) -> str:
    """Return the name that ``display_path`` turned into ``text``.

    Stored results keep the displayed text; reading it back this way gives
    the file's real name, which ``display_path`` shows again unchanged.
    """
    if "\\" not in text or not _BYTE_ESCAPE.search(text):
        return text
    if _UNDECODABLE_BYTE.search(text):
        # Python's own spelling of an undecodable byte: a lone surrogate.
        return _ESCAPE.sub(
            lambda m: "\\" if m[0] == "\\\\" else chr(0xDC00 + int(m[0][2:], 16)),
            text,
        )
    return text.replace("\\\\", "\\")


def escape_controls(text: str, encoding: str | None = None) -> str:
    """Write control characters (newline, tab, ESC, C1, bidi overrides) as escapes.

    Keeps a name with a newline on one line of a table or a log. So that a
    tab and the two characters ``\\t`` print differently, each backslash is
    doubled in a text that has a control character or already contains an
    escape this function writes (``\\t``, ``\\n``, ``\\r``, ``\\x1b``...).
    With ``encoding``, the characters it cannot encode are escaped as well
    (see ``escape_unencodable``). Other texts, nearly all of them, are
    returned unchanged.
    """
    return _escape(text, controls=True, encoding=encoding)


def escape_unencodable(text: str, encoding: str) -> str:
    """Write the characters that ``encoding`` cannot encode as backslash escapes.

    The escapes are Python's ``\\xNN``, ``\\uNNNN`` and ``\\UNNNNNNNN``.
    So that U+202E and the six characters ``\\u202e`` print differently,
    each backslash is doubled in a text that has such a character or
    already contains text like an escape. Control characters stay as they
    are, as CSV written to a file or pipe keeps them.
    """
    return _escape(text, controls=False, encoding=encoding)


def _escape(text: str, *, controls: bool, encoding: str | None) -> str:
    """Escape control characters and, with ``encoding``, what it cannot encode.

    One pass decides once whether to double the backslashes, so that no
    escape written here is read as text, nor text as an escape.
    """
    unencodable = encoding is not None and not _encodes(text, encoding)
    escaped = unencodable or bool(controls and _CONTROL.search(text))
    if not escaped and "\\" in text:
        escaped = bool(
            (controls and _CONTROL_ESCAPE.search(text))
            or (encoding is not None and _UNENCODABLE_ESCAPE.search(text))
        )
    if not escaped:
        return text
    text = text.replace("\\", "\\\\")
    if controls:
        text = text.translate(_CONTROL_ESCAPES)
    if unencodable and encoding is not None:
        text = text.encode(encoding, "backslashreplace").decode(encoding)
    return text


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


#: C1 controls (U+0080-U+009F, where U+009B starts a terminal sequence like
#: ESC [) and the bidirectional overrides that reorder what a terminal shows.
#: They are written \uXXXX, so they differ from an undecodable byte's \xNN.
_WIDE_CONTROLS = (
    *range(0x80, 0xA0),
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
)
_CONTROL_ESCAPES = {
    **{code: repr(chr(code))[1:-1] for code in (*range(0x20), 0x7F)},
    **{code: f"\\u{code:04x}" for code in _WIDE_CONTROLS},
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: The escapes of ``_CONTROL_ESCAPES``: repr writes hex digits in lower case.
_CONTROL_ESCAPE = re.compile(
    r"\\(?:[tnr]|x[01][0-9a-f]|x7f|u00[89][0-9a-f]|u200[ef]|u202[a-e]|u206[6-9])"
)

#: The escapes that the ``backslashreplace`` error handler writes, in lower
#: case as it writes them.
_UNENCODABLE_ESCAPE = re.compile(r"\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})")

#: Text that reads like the escape of an undecodable byte.
_BYTE_ESCAPE = re.compile(r"\\x[0-9a-fA-F]{2}")
#: Such an escape after an even number of backslashes, so not itself escaped.
_UNDECODABLE_BYTE = re.compile(r"(?<!\\)(?:\\\\)*\\x[89a-fA-F][0-9a-fA-F]")
_ESCAPE = re.compile(r"\\\\|\\x[0-9a-fA-F]{2}")


@dataclass(frozen=True)
class FileStat:
    """Identity of a file on disk for the (path, size, mtime) cache shortcut."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class PendingResult:
    """A result waiting to be written, with the file's stat before it was read."""

    result: DocumentResult
    settings_fingerprint: str
    processed_at: datetime
    stat: FileStat | None = None
    # Analyses of ``result`` computed under other settings than
    # ``settings_fingerprint``, kept from an older result. The cache does not
    # reuse them.
    stale_analyses: frozenset[str] = frozenset()
    # False for a result that must not hide the path's current result, such as
    # the error of a classifier model that could not be loaded: it is stored
    # only when the path has no current result yet.
    replace_current: bool = True


#: Columns of the documents table in insertion order.
DOCUMENT_COLUMNS = (
    "id",
    "path",
    "content_hash",
    "size",
    "detected_type",
    "extension_mismatch",
    "pages",
    "status",
    "error",
    "review_status",
    "warnings",
    "duration_ms",
    "cached",
    "model_version",
    "settings_fingerprint",
    "has_classification",
    "has_quality",
    "run_id",
    "processed_at",
    "stored_at",
    "is_current",
    "pages_read",
    "review_reasons",
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _document_row(
    document_id: int, pending: PendingResult, stored_at: datetime, run_id: int | None
) -> dict[str, Any]:
    result = pending.result
    classification = result.classification
    return {
        "id": document_id,
        "path": display_path(result.path),
        "content_hash": result.content_hash,
        "size": result.size,
        "detected_type": result.detected_type,
        "extension_mismatch": result.extension_mismatch,
        "pages": result.pages,
        "status": str(result.status),
        "error": display_text(result.error) if result.error else None,
        "review_status": str(result.review_status) if result.review_status else None,
        "warnings": _dumps([display_text(w) for w in result.warnings]),
        "duration_ms": float(result.duration_ms),
        "cached": result.cached,
        # The result cache matches this column against the model's cache key,
        # which names the SHA-256 of model.joblib too. The classifications
        # table keeps the version alone.
        "model_version": (
            model_cache_key(
                classification.metadata.model_version,
                classification.metadata.model_sha256,
            )
            if classification
            else None
        ),
        "settings_fingerprint": pending.settings_fingerprint,
        "has_classification": (
            classification is not None
            and "classification" not in pending.stale_analyses
        ),
        "has_quality": (
            result.quality is not None and "quality" not in pending.stale_analyses
        ),
        "run_id": run_id,
        "processed_at": pending.processed_at,
        "stored_at": stored_at,
        "is_current": True,
        "pages_read": result.pages_read,
        "review_reasons": _dumps(result.review_reasons),
    }


def _classification_row(document_id: int, item: ClassificationResult) -> dict:
    return {
        "document_id": document_id,
        "category": item.category,
        "confidence": float(item.confidence),
        "processing_method": item.processing_method,
        "keywords": _dumps(item.keywords),
        "evidence": _dumps([e.model_dump(mode="json") for e in item.evidence]),
        "facts": _dumps([f.model_dump(mode="json") for f in item.facts]),
        "metadata": _dumps(item.metadata.model_dump(mode="json")),
        "model_version": item.metadata.model_version,
    }


def _optional_float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _quality_row(document_id: int, item: QualityResult) -> dict:
    return {
        "document_id": document_id,
        "overall_score": float(item.overall_score),
        "readability_score": _optional_float(item.readability_score),
        "structure_score": _optional_float(item.structure_score),
        "content_quality_score": float(item.content_quality_score),
        "issues": _dumps([i.model_dump(mode="json") for i in item.issues]),
        "recommendations": _dumps(item.recommendations),
        "metrics": _dumps(item.metrics),
    }


def _fact_row(document_id: int, fact: Fact) -> dict:
    return {
        "document_id": document_id,
        "kind": fact.kind,
        "value": fact.value,
        "normalized": fact.normalized,
        "currency": fact.currency,
        "page": fact.page,
        "span_start": fact.start,
        "span_end": fact.end,
    }


def _file_stat_row(pending: PendingResult, seen_at: datetime) -> dict | None:
    # A size that differs from the hashed size means the file changed while
    # it was read: storing that stat could map it to the wrong hash.
    result, stat = pending.result, pending.stat
    if stat is None or result.content_hash is None or stat.size != result.size:
        return None
    return {
        "path": display_path(result.path),
        "size": stat.size,
        "mtime_ns": stat.mtime_ns,
        "content_hash": result.content_hash,
        "seen_at": seen_at,
    }


_SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "documents": [
        ("id", "int64"),
        ("path", "string"),
        ("content_hash", "string"),
        ("size", "int64"),
        ("detected_type", "string"),
        ("extension_mismatch", "bool"),
        ("pages", "int32"),
        ("status", "string"),
        ("error", "string"),
        ("review_status", "string"),
        ("warnings", "string"),
        ("duration_ms", "float64"),
        ("cached", "bool"),
        ("model_version", "string"),
        ("settings_fingerprint", "string"),
        ("has_classification", "bool"),
        ("has_quality", "bool"),
        ("run_id", "int64"),
        ("processed_at", "timestamp[us]"),
        ("stored_at", "timestamp[us]"),
        ("is_current", "bool"),
        ("pages_read", "int32"),
        ("review_reasons", "string"),
    ],
    "classifications": [
        ("document_id", "int64"),
        ("category", "string"),
        ("confidence", "float64"),
        ("processing_method", "string"),
        ("keywords", "string"),
        ("evidence", "string"),
        ("facts", "string"),
        ("metadata", "string"),
        ("model_version", "string"),
    ],
    "quality_results": [
        ("document_id", "int64"),
        ("overall_score", "float64"),
        ("readability_score", "float64"),
        ("structure_score", "float64"),
        ("content_quality_score", "float64"),
        ("issues", "string"),
        ("recommendations", "string"),
        ("metrics", "string"),
    ],
    "facts": [
        ("document_id", "int64"),
        ("kind", "string"),
        ("value", "string"),
        ("normalized", "string"),
        ("currency", "string"),
        ("page", "int32"),
        ("span_start", "int32"),
        ("span_end", "int32"),
    ],
    "file_stats": [
        ("path", "string"),
        ("size", "int64"),
        ("mtime_ns", "int64"),
        ("content_hash", "string"),
        ("seen_at", "timestamp[us]"),
    ],
}


def _to_table(name: str, rows: list[dict]) -> pyarrow.Table:
    import pyarrow as pa

    fields = _SCHEMAS[name]
    schema = pa.schema(
        [pa.field(column, pa.type_for_alias(kind)) for column, kind in fields]
    )
    columns = {column: [row[column] for row in rows] for column, _ in fields}
    return pa.table(columns, schema=schema)


@dataclass(slots=True)
class PreparedResult:
    """A result already turned into its rows, waiting to be written.

    The writer keeps these, a few strings per document, instead of the
    result's objects (about 16 KB each) until its next write. The document
    id, the store time and the run id are set when the rows are written.
    """

    path: str
    document: dict[str, Any]
    children: list[tuple[str, dict[str, Any]]]
    file_stat: dict[str, Any] | None
    replace_current: bool = True


def prepare(pending: PendingResult) -> PreparedResult:
    """Return the rows of ``pending`` without their ids and store time."""
    result = pending.result
    children: list[tuple[str, dict[str, Any]]] = []
    if result.classification is not None:
        classification = result.classification
        children.append(("classifications", _classification_row(0, classification)))
        children.extend(("facts", _fact_row(0, f)) for f in classification.facts)
    if result.quality is not None:
        children.append(("quality_results", _quality_row(0, result.quality)))
    return PreparedResult(
        path=display_path(result.path),
        document=_document_row(0, pending, _UNSET_TIME, None),
        children=children,
        file_stat=_file_stat_row(pending, _UNSET_TIME),
        replace_current=pending.replace_current,
    )


#: Placeholder of the store time in prepared rows.
_UNSET_TIME = datetime.min


def build_batches(
    pending: Sequence[PendingResult | PreparedResult],
    first_id: int,
    stored_at: datetime,
    run_id: int | None = None,
) -> dict[str, pyarrow.Table]:
    """Return one Arrow table per database table for ``pending``.

    Document ids are ``first_id``, ``first_id + 1``, ... in the order given.
    """
    rows: dict[str, list[dict]] = {name: [] for name in _SCHEMAS}
    for offset, item in enumerate(pending):
        prepared = item if isinstance(item, PreparedResult) else prepare(item)
        document_id = first_id + offset
        document = prepared.document
        document.update(id=document_id, stored_at=stored_at, run_id=run_id)
        rows["documents"].append(document)
        for table, row in prepared.children:
            row["document_id"] = document_id
            rows[table].append(row)
        if prepared.file_stat is not None:
            prepared.file_stat["seen_at"] = stored_at
            rows["file_stats"].append(prepared.file_stat)
    return {name: _to_table(name, table_rows) for name, table_rows in rows.items()}


def _loads(value: str | None, default: Any) -> Any:
    return json.loads(value) if value else default


def result_from_row(row: Mapping[str, Any]) -> DocumentResult:
    """Rebuild a DocumentResult from a joined documents/classification/quality row.

    The nested parts are passed as plain data to one ``model_validate`` call,
    which took half the time of building each nested model in Python.
    """
    classification = None
    if row.get("category") is not None:
        classification = {
            "category": row["category"],
            "confidence": row["confidence"],
            "keywords": _loads(row["keywords"], []),
            "evidence": _loads(row["evidence"], []),
            "processing_method": row["processing_method"],
            "facts": _loads(row["facts"], []),
            "metadata": _loads(row["metadata"], {}),
        }
    quality = None
    if row.get("overall_score") is not None:
        quality = {name: row[name] for name in _QUALITY_SCORES}
        quality["issues"] = _loads(row["issues"], [])
        quality["recommendations"] = _loads(row["recommendations"], [])
        quality["metrics"] = _loads(row["metrics"], {})
    document = {name: row[name] for name in _DOCUMENT_FIELDS}
    document["path"] = path_from_display(document["path"])
    document["classification"] = classification
    document["quality"] = quality
    document["warnings"] = _loads(row["warnings"], [])
    document["review_reasons"] = _loads(row.get("review_reasons"), [])
    return DocumentResult.model_validate(document)


_QUALITY_SCORES = (
    "overall_score",
    "readability_score",
    "structure_score",
    "content_quality_score",
)
_DOCUMENT_FIELDS = (
    "path",
    "status",
    "error",
    "content_hash",
    "size",
    "detected_type",
    "extension_mismatch",
    "pages",
    "pages_read",
    "review_status",
    "cached",
    "duration_ms",
)
