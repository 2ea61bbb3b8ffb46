"""Output of records on stdout: rich table, JSON, JSON Lines or CSV.

stdout carries data only. ``auto`` picks a table when stdout is a terminal
and JSON Lines otherwise. JSON Lines and CSV rows are written as each record
arrives, so a pipe receives the first result while the rest are processed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from docflow.core.models import DocumentResult

__all__ = [
    "FORMATS",
    "RecordPrinter",
    "plural",
    "resolve_format",
    "result_record",
    "summary_row",
    "write_json",
]

FORMATS = ("auto", "table", "json", "jsonl", "csv")

#: Columns of the table and CSV forms of a result. ``labeled_by`` names the
#: person who set the category with ``docflow label``. The table hides the
#: column when no document shown was labeled.
RESULT_COLUMNS = (
    "id",
    "path",
    "status",
    "category",
    "labeled_by",
    "confidence",
    "quality",
    "review",
    "type",
    "pages",
    "cached",
    "error",
)


#: Columns that wrap in the table; the others keep their values on one line.
_WRAPPED_COLUMNS = ("path", "description", "reasons")
#: Columns that wrap only when the terminal is too narrow for the table.
_SHRINKING_COLUMNS = ("category", "review", "name", "status")
#: Columns left out of the table (the summary counts cache hits), or printed
#: as lines under it (errors).
_BELOW_TABLE = ("error", "type", "pages", "cached")
_HEADERS = {"confidence": "conf", "quality": "qual"}


#: Widest table printed to a file or pipe, in characters.
_MAX_PIPED_WIDTH = 400


def make_console(**options: Any) -> Any:
    """Return a rich Console that raises BrokenPipeError when its reader leaves.

    rich's own Console exits with status 1 on a broken pipe; docflow's
    commands treat ``docflow results | head -1`` as a success instead.
    """
    from rich.console import Console

    class _PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return _PipeConsole(**options)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def resolve_format(requested: str | None, stream: TextIO | None = None) -> str:
    """Return the concrete format: ``auto`` becomes table or jsonl."""
    stream = stream if stream is not None else sys.stdout
    if requested in (None, "auto"):
        return "table" if _isatty(stream) else "jsonl"
    return requested


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _display(path: str) -> str:
    from docflow.core.store import display_path

    return display_path(path)


def result_record(
    result: DocumentResult, *, document_id: int | None = None, **extra: Any
) -> dict[str, Any]:
    """Return the full JSON form of a result, with its stored id when known."""
    record: dict[str, Any] = {}
    if document_id is not None:
        record["id"] = document_id
    record.update(result.model_dump(mode="json"))
    record["path"] = _display(result.path)
    if record.get("error"):
        record["error"] = _display(record["error"])
    record.update(extra)
    return record


def summary_row(
    result: DocumentResult, *, document_id: int | None = None
) -> dict[str, Any]:
    """Return the flat form of a result used by the table and CSV."""
    classification = result.classification
    correction = classification.correction if classification else None
    quality = result.quality
    return {
        "id": document_id,
        "path": _display(result.path),
        "status": str(result.status),
        "category": classification.category if classification else None,
        "labeled_by": correction.labeled_by if correction else None,
        "confidence": round(classification.confidence, 2) if classification else None,
        "quality": round(quality.overall_score, 1) if quality else None,
        "review": str(result.review_status) if result.review_status else None,
        "reasons": "; ".join(result.review_reasons) or None,
        "type": result.detected_type,
        "pages": result.pages,
        "cached": result.cached,
        "error": _display(result.error) if result.error else None,
    }


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """Return ``count`` with ``noun``, or with ``nouns`` (noun + s) unless 1."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def write_json(value: Any, stream: TextIO | None = None) -> None:
    """Write ``value`` as indented JSON on stdout."""
    stream = stream if stream is not None else sys.stdout
    stream.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")
    stream.flush()


class RecordPrinter:
    """Print records in one format as they arrive; ``close()`` ends the output.

    JSON Lines and CSV stream in the order records arrive. The table and the
    JSON array are printed at the end, sorted by ``order`` (path to position,
    the order the user gave) when it is given. A closed pipe (``docflow
    process docs | head -1``) stops the printing and sets ``broken``, so
    the caller can stop its work as well.
    """

    def __init__(
        self,
        output_format: str,
        *,
        columns: Sequence[str] = RESULT_COLUMNS,
        stream: TextIO | None = None,
        title: str | None = None,
        order: Mapping[str, int] | None = None,
    ) -> None:
        self.format = output_format
        self.order = order
        self.columns = list(columns)
        self.stream = stream if stream is not None else sys.stdout
        self.title = title
        self.count = 0
        self._records: list[Mapping[str, Any]] = []
        self._rows: list[Mapping[str, Any]] = []
        self._csv: Any = None
        self._broken = False

    @property
    def broken(self) -> bool:
        """Whether the reader of the stream has closed it."""
        return self._broken

    def emit(
        self, record: Mapping[str, Any], row: Mapping[str, Any] | None = None
    ) -> None:
        """Print one record: ``record`` for JSON forms, ``row`` for table and CSV."""
        self.count += 1
        row = row if row is not None else record
        if self.format == "jsonl":
            line = json.dumps(record, ensure_ascii=False, default=str)
            self._write(line + "\n")
        elif self.format == "csv":
            self._write_csv(row)
        elif self.format == "json":
            self._records.append(record)
        else:
            self._rows.append(row)

    def close(self) -> None:
        """Print what the format collects until the end (JSON array, table)."""
        if self.order is not None:
            self._records.sort(key=self._position)
            self._rows.sort(key=self._position)
        if self.format == "json":
            text = json.dumps(self._records, indent=2, ensure_ascii=False, default=str)
            self._write(text + "\n")
        elif self.format == "table":
            self._print_table()

    def _position(self, record: Mapping[str, Any]) -> int:
        assert self.order is not None
        return self.order.get(str(record.get("path")), len(self.order))

    def _write_csv(self, row: Mapping[str, Any]) -> None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=self.columns, extrasaction="ignore")
        if self._csv is None:
            writer.writeheader()
            self._csv = True
        writer.writerow({key: _csv_value(row.get(key)) for key in self.columns})
        self._write(buffer.getvalue())

    def _print_table(self) -> None:
        from rich.table import Table

        console = make_console(file=self.stream, soft_wrap=False)
        table = Table(title=self.title, header_style="bold")
        candidates = [c for c in self.columns if c not in _BELOW_TABLE]
        visible = [
            c for c in candidates if any(r.get(c) is not None for r in self._rows)
        ]
        terminal = _is_terminal(self.stream)
        for column in visible:
            header = _HEADERS.get(column, column)
            if not terminal:
                table.add_column(header, no_wrap=True)
            elif column in _WRAPPED_COLUMNS:
                table.add_column(header, overflow="fold", ratio=1, min_width=16)
            elif column in _SHRINKING_COLUMNS:
                table.add_column(header, overflow="fold")
            else:
                table.add_column(header, no_wrap=True)
        for row in self._rows:
            table.add_row(*(_cell(column, row.get(column)) for column in visible))
        if not terminal:
            # A table written to a file or pipe is not cut to 80 columns.
            from rich.measure import Measurement

            wide = console.options.update(width=_MAX_PIPED_WIDTH)
            natural = Measurement.get(console, wide, table).maximum
            console.width = max(console.width, min(natural, _MAX_PIPED_WIDTH))
        try:
            console.print(table)
            for row in self._rows:
                if row.get("error"):
                    console.print(_cell("error", row["error"]), style="red")
        except BrokenPipeError:
            self._handle_broken_pipe()

    def _write(self, text: str) -> None:
        if self._broken:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except BrokenPipeError:
            self._handle_broken_pipe()

    def _handle_broken_pipe(self) -> None:
        # Point stdout at /dev/null so the interpreter's final flush does
        # not raise again on the closed pipe.
        self._broken = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
        except (OSError, ValueError, io.UnsupportedOperation):
            pass


def _csv_value(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _cell(column: str, value: Any) -> str:
    from rich.markup import escape

    if value is None:
        return ""
    if column == "path":
        value = _relative(str(value))
    if column == "status" and value != "ok":
        return f"[red]{escape(str(value))}[/red]"
    if isinstance(value, bool):
        return "yes" if value else ""
    return escape(str(value))


def _relative(path: str) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative
