"""Output of records on stdout: rich table, JSON, JSON Lines or CSV.

stdout carries data only. ``auto`` picks a table when stdout is a terminal
and JSON Lines otherwise. JSON Lines and CSV rows are written as each record
arrives, so a pipe receives the first result while the rest are processed.
"""

from __future__ import annotations

import codecs
import csv
import errno
import functools
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
    "relative_path",
    "resolve_format",
    "result_record",
    "summary_row",
    "terminal_text",
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


#: Columns that only the table shows, each after the first of its anchor
#: columns present (else last). CSV keeps ``RESULT_COLUMNS``, which scripts
#: read, and JSON has the whole quality result. ``issue`` is the code of the
#: most severe quality problem and how many more the document has, or else
#: the code of the first review reason.
_TABLE_ONLY = {"issue": ("reasons", "review")}
#: Widest issue cell of a table on a terminal too narrow for the full table.
_NARROW_ISSUE_WIDTH = 20
#: Widest file name that a narrow table keeps whole by leaving out the issue
#: column. A longer name is cut, so that the issue column still fits.
_MAX_NAME_WIDTH = 24

#: Columns that wrap in the table; the others keep their values on one line.
_WRAPPED_COLUMNS = ("path", "description", "reasons")
#: Columns that wrap only when the terminal is too narrow for the table.
_SHRINKING_COLUMNS = ("category", "review", "name", "status")
#: Columns left out of the table (the summary counts cache hits), or printed
#: as lines under it (errors).
_BELOW_TABLE = ("error", "type", "pages", "cached")
_HEADERS = {"confidence": "conf", "quality": "qual"}
#: Decimal places that the table shows in these columns. CSV and JSON show all.
_TABLE_DIGITS = {"confidence": 2, "quality": 1}


#: Widest table printed to a file or pipe, in characters.
_MAX_PIPED_WIDTH = 400
#: Review values of a table on a terminal too narrow for the full table.
_SHORT_REVIEW = {"approved": "no", "needs_review": "yes"}
#: Minimum width, in characters, that a narrow table cuts a path to. Below
#: it the path folds over several lines instead.
_MIN_PATH_WIDTH = 16
#: Shortest path cut to fit once no other column can fold.
_MIN_CUT_PATH_WIDTH = 8
#: Columns a very narrow table leaves out, in this order, to fit the paths.
_DROPPED_LAST = ("quality", "confidence")


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


def _display_text(text: str) -> str:
    from docflow.core.store import display_text

    return display_text(text)


def terminal_text(text: str) -> str:
    """Escape undecodable bytes and control characters for one line of a terminal.

    A file name or a message that quotes one could otherwise split a line
    or send an escape sequence to the terminal. The result reads as the
    path column of a table does (see ``escape_controls``), which includes
    escaping the characters that stdout cannot encode.
    """
    from docflow.core.store._rows import escape_controls

    # NOTE: messages on stderr get stdout's encoding too. PYTHONIOENCODING
    # and the locale set both streams alike, so they differ only when a
    # caller replaces one of them.
    return escape_controls(_display_text(text), narrow_encoding(sys.stdout))


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
        record["error"] = _display_text(record["error"])
    record.update(extra)
    return record


def summary_row(
    result: DocumentResult, *, document_id: int | None = None
) -> dict[str, Any]:
    """Return the flat form of a result used by the table and CSV.

    Numbers are kept as stored, so CSV loses no precision. The table rounds
    them when it prints them (see ``_TABLE_DIGITS``).
    """
    classification = result.classification
    correction = classification.correction if classification else None
    quality = result.quality
    return {
        "id": document_id,
        "path": _display(result.path),
        "status": str(result.status),
        "category": classification.category if classification else None,
        "labeled_by": correction.labeled_by if correction else None,
        "confidence": classification.confidence if classification else None,
        "quality": quality.overall_score if quality else None,
        "review": str(result.review_status) if result.review_status else None,
        "reasons": "; ".join(result.review_reasons) or None,
        "issue": _main_issue(result),
        "type": result.detected_type,
        "pages": result.pages,
        "cached": result.cached,
        "error": _display_text(result.error) if result.error else None,
    }


def _main_issue(result: DocumentResult) -> str | None:
    """Return the code of the most severe quality problem, and "+N" for the N
    others, or else the code of the first review reason."""
    from docflow.core.review import review_reason_code

    problems = result.quality.list_problems() if result.quality else []
    if not problems:
        reasons = result.review_reasons
        return review_reason_code(reasons[0]) if reasons else None
    others = len(problems) - 1
    return f"{problems[0].code} +{others}" if others else problems[0].code


def unicode_stream(stream: TextIO) -> bool:
    """Return whether ``stream`` can encode every character: it has a UTF
    encoding, or it keeps text in memory."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return True
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def narrow_encoding(stream: TextIO | None) -> str | None:
    """Return the encoding of ``stream`` when it cannot encode every character,
    else None."""
    if stream is None or unicode_stream(stream):
        return None
    return str(stream.encoding)


def escape_unencodable_output() -> None:
    """Let stdout write characters its encoding lacks as backslash escapes.

    With ``PYTHONIOENCODING=ascii`` or ``LC_ALL=C PYTHONUTF8=0``, a name such as
    ``müller.txt`` would otherwise stop the output with UnicodeEncodeError.
    stderr does this by default. JSON output escapes such characters itself
    (``ascii_json``), since a backslash escape there would not be valid JSON.
    """
    stream = sys.stdout
    if stream is None or unicode_stream(stream):
        return
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """Return ``count`` with ``noun``, or with ``nouns`` (noun + s) unless 1."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def write_json(
    value: Any, stream: TextIO | None = None, *, indent: int | None = 2
) -> None:
    """Write ``value`` as JSON on stdout, on one line when ``indent`` is None."""
    stream = stream if stream is not None else sys.stdout
    text = json.dumps(
        value, indent=indent, ensure_ascii=not unicode_stream(stream), default=str
    )
    stream.write(text + "\n")
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
        width: int | None = None,
    ) -> None:
        self.format = output_format
        # Console width in characters, or None for the terminal's width.
        self.width = width
        self.order = order
        self.columns = list(columns)
        self.stream = stream if stream is not None else sys.stdout
        #: JSON escapes characters beyond ASCII when the stream cannot encode
        #: them (see ``escape_unencodable_output``).
        self.ascii_json = not unicode_stream(self.stream)
        #: The stream's encoding when it cannot encode every character, else
        #: None. Table cells and CSV fields escape what it lacks.
        self._narrow_encoding = narrow_encoding(self.stream)
        self.title = title
        self.count = 0
        self._records: list[Mapping[str, Any]] = []
        self._rows: list[Mapping[str, Any]] = []
        #: None until the CSV header is written, then whether rows are escaped
        #: for a terminal.
        self._csv_escaped: bool | None = None
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
            self._write(jsonl_line(record, ascii_only=self.ascii_json))
        elif self.format == "csv":
            self._write_csv(row)
        elif self.format == "json":
            self._records.append(record)
        else:
            self._rows.append(row)

    def close(self) -> None:
        """Print what the format collects until the end (JSON array, table).

        CSV of no records is the header row alone, as the JSON array is ``[]``.
        A table of no records prints nothing: an empty table is a blank line,
        and the commands say on stderr that nothing matched.
        """
        if self.order is not None:
            self._records.sort(key=self._position)
            self._rows.sort(key=self._position)
        if self.format == "csv" and self._csv_escaped is None:
            self._write(csv_header(self.columns))
            self._csv_escaped = _is_terminal(self.stream)
        elif self.format == "json":
            items = [json_item(r, ascii_only=self.ascii_json) for r in self._records]
            self._write(json_array(items))
        elif self.format == "table" and self._rows:
            self._print_table()

    def _position(self, record: Mapping[str, Any]) -> int:
        assert self.order is not None
        return self.order.get(str(record.get("path")), len(self.order))

    def _write_csv(self, row: Mapping[str, Any]) -> None:
        if self._csv_escaped is None:
            self._write(csv_header(self.columns))
            # A quoted newline is valid CSV but splits the row on a screen,
            # and an escape sequence would reach the terminal. A file or a
            # pipe gets the exact values.
            self._csv_escaped = _is_terminal(self.stream)
        if self._csv_escaped:
            row = _terminal_row(row, self._narrow_encoding)
        elif self._narrow_encoding is not None:
            row = _encodable_row(row, self._narrow_encoding)
        self._write(csv_row(self.columns, row))

    def _print_table(self) -> None:
        console = make_console(file=self.stream, soft_wrap=False, width=self.width)
        terminal = _is_terminal(self.stream)
        columns = [
            column
            for column in _add_table_only(self.columns)
            if column not in _BELOW_TABLE
            and any(row.get(column) is not None for row in self._rows)
        ]
        table = self._table(columns, self._rows, terminal=terminal)
        if not terminal:
            # A table written to a file or pipe is not cut to 80 columns.
            natural = _natural_width(console, table)
            console.width = max(console.width, min(natural, _MAX_PIPED_WIDTH))
        elif _natural_width(console, table) > console.width:
            table = self._narrow_table(console, columns)
        try:
            console.print(table)
            for row in self._rows:
                if row.get("error"):
                    # One line per error, whole and plain, so grep finds it.
                    console.print(
                        _cell("error", row["error"], encoding=self._narrow_encoding),
                        style="red",
                        soft_wrap=True,
                        highlight=False,
                    )
        except OSError as exc:
            self._handle_write_error(exc)

    def _table(
        self,
        columns: Sequence[str],
        rows: Sequence[Mapping[str, Any]],
        *,
        terminal: bool,
        path_width: int | None = None,
    ) -> Any:
        """Build the table. ``path_width`` cuts paths to their last characters."""
        from rich.table import Table

        table = Table(title=self.title, header_style="bold")
        for column in columns:
            header = _HEADERS.get(column, column)
            if not terminal or (column == "path" and path_width):
                table.add_column(header, no_wrap=True)
            elif column in _WRAPPED_COLUMNS:
                table.add_column(header, overflow="fold", ratio=1, min_width=16)
            elif column in _SHRINKING_COLUMNS:
                table.add_column(header, overflow="fold")
            else:
                table.add_column(header, no_wrap=True)
        for row in rows:
            cells = [
                _cell(column, row.get(column), path_width, self._narrow_encoding)
                for column in columns
            ]
            table.add_row(*cells)
        return table

    def _narrow_table(self, console: Any, columns: Sequence[str]) -> Any:
        """Build a table for a terminal too narrow for the full one.

        The review column shows yes or no, the status column is left out when
        every status is ok, and each path keeps its end (the file name) on one
        line. The issue column is cut, and left out when the file names would
        not fit beside it. Columns fold as in the full table when the path
        would still get fewer than ``_MIN_PATH_WIDTH`` characters.
        """
        rows = [_narrow_row(row) for row in self._rows]
        rows = [_cut_issue(row) for row in rows]
        if all(row.get("status") == "ok" for row in rows):
            columns = [column for column in columns if column != "status"]
        if "issue" in columns and "path" in columns:
            # ``docflow report`` shows the issues, but only the path
            # identifies the document of a row.
            room = self._path_room(console, columns, rows)
            if room < _name_width(rows):
                columns = [column for column in columns if column != "issue"]
        path_width = None
        if "path" in columns:
            room = self._path_room(console, columns, rows)
            shortest = _MIN_PATH_WIDTH
            if room < _MIN_PATH_WIDTH:
                if {"status", "category"} <= set(columns):
                    # A document that failed has no category: one column
                    # shows the category of the others and the status of
                    # those.
                    rows = [_result_row(row) for row in rows]
                    columns = [
                        "result" if column == "category" else column
                        for column in columns
                        if column != "status"
                    ]
                    room = self._path_room(console, columns, rows)
                # Folding the path would break the table's right border, so
                # the end of each path must do, after the scores if there is
                # still no room for it.
                shortest = _MIN_CUT_PATH_WIDTH
                for column in _DROPPED_LAST:
                    if room >= shortest:
                        break
                    if column in columns:
                        columns.remove(column)
                        room = self._path_room(console, columns, rows)
            path_width = room if room >= shortest else None
        return self._table(columns, rows, terminal=True, path_width=path_width)

    def _path_room(
        self, console: Any, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
    ) -> int:
        """Return the width left for the path column beside the other columns."""
        others = [column for column in columns if column != "path"]
        rest = self._table(others, rows, terminal=True)
        # The path column adds a border and a space on each side.
        return int(console.width - _natural_width(console, rest) - 3)

    def _write(self, text: str) -> None:
        if self._broken:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except OSError as exc:
            self._handle_write_error(exc)

    def _handle_write_error(self, exc: OSError) -> None:
        """End the output when its reader left or its terminal closed; else raise."""
        if not isinstance(exc, BrokenPipeError) and exc.errno != errno.EIO:
            raise exc
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


def _terminal_row(
    row: Mapping[str, Any], encoding: str | None = None
) -> dict[str, Any]:
    """Return ``row`` with the control characters of its texts escaped, and
    with ``encoding`` the characters it cannot encode."""
    from docflow.core.store._rows import escape_controls

    return {
        key: escape_controls(value, encoding) if isinstance(value, str) else value
        for key, value in row.items()
    }


def _encodable_row(row: Mapping[str, Any], encoding: str) -> dict[str, Any]:
    """Return ``row`` with the characters of its texts that ``encoding`` lacks
    escaped."""
    from docflow.core.store._rows import escape_unencodable

    return {
        key: escape_unencodable(value, encoding) if isinstance(value, str) else value
        for key, value in row.items()
    }


def jsonl_line(record: Mapping[str, Any], *, ascii_only: bool = False) -> str:
    """Return ``record`` as one line of JSON Lines, newline included;
    ``ascii_only`` writes characters beyond ASCII as \\u escapes."""
    return json.dumps(record, ensure_ascii=ascii_only, default=str) + "\n"


def json_item(record: Mapping[str, Any], *, ascii_only: bool = False) -> str:
    """Return ``record`` as indented JSON, for ``json_array``."""
    return json.dumps(record, indent=2, ensure_ascii=ascii_only, default=str)


def json_array(items: Sequence[str]) -> str:
    """Return the JSON array of ``json_item`` texts, as json.dumps(indent=2) does."""
    if not items:
        return "[]\n"
    body = ",\n".join(
        "\n".join("  " + line for line in item.split("\n")) for item in items
    )
    return f"[\n{body}\n]\n"


def csv_header(columns: Sequence[str]) -> str:
    """Return the CSV header line of ``columns``."""
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=columns).writeheader()
    return buffer.getvalue()


def csv_row(columns: Sequence[str], row: Mapping[str, Any]) -> str:
    """Return ``row`` as one CSV line with ``columns``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writerow({key: _csv_value(row.get(key)) for key in columns})
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):  # as JSON writes them, not Python's True
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _natural_width(console: Any, table: Any) -> int:
    """Return the width in characters that ``table`` takes without folding."""
    from rich.measure import Measurement

    wide = console.options.update(width=_MAX_PIPED_WIDTH)
    return Measurement.get(console, wide, table).maximum


def _add_table_only(columns: Sequence[str]) -> list[str]:
    """Return ``columns`` with the ``_TABLE_ONLY`` columns at their places."""
    table_columns = list(columns)
    for column, anchors in _TABLE_ONLY.items():
        if column in table_columns:
            continue
        present = [anchor for anchor in anchors if anchor in table_columns]
        at = table_columns.index(present[0]) + 1 if present else len(table_columns)
        table_columns.insert(at, column)
    return table_columns


def _name_width(rows: Sequence[Mapping[str, Any]]) -> int:
    """Return the path width that shows every file name after an ellipsis,
    at most ``_MAX_NAME_WIDTH``."""
    from rich.cells import cell_len

    names = [os.path.basename(str(row.get("path") or "")) for row in rows]
    widest = max((cell_len(name) for name in names), default=0)
    return min(widest + 1, _MAX_NAME_WIDTH)


def _cut_issue(row: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return ``row`` with its issue cut to ``_NARROW_ISSUE_WIDTH`` cells."""
    issue = row.get("issue")
    if issue is None:
        return row
    return {**row, "issue": _keep_start(issue, _NARROW_ISSUE_WIDTH)}


def _narrow_row(row: Mapping[str, Any]) -> dict[str, Any]:
    review = row.get("review")
    return {**row, "review": _SHORT_REVIEW.get(review, review)}


def _result_row(row: Mapping[str, Any]) -> dict[str, Any]:
    status = row.get("status")
    result = row.get("category") if status == "ok" else status
    return {**row, "result": result}


def _keep_end(text: str, width: int) -> str:
    """Return ``text`` cut to ``width`` cells, keeping its end after an ellipsis."""
    from rich.cells import cell_len, get_character_cell_size

    if cell_len(text) <= width:
        return text
    tail: list[str] = []
    used = 1  # the ellipsis
    for character in reversed(text):
        size = get_character_cell_size(character)
        if used + size > width:
            break
        tail.append(character)
        used += size
    return "…" + "".join(reversed(tail))


def _keep_start(text: str, width: int) -> str:
    """Return ``text`` cut to ``width`` cells, keeping its start before an ellipsis."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + "…"


#: Control characters as escapes, so a file name with a newline or a tab keeps
#: its table row on one line and its full width visible. An error or a review
#: reason may quote such a name, so every text gets the same escapes.
#: ``encoding`` is that of a stream that cannot encode every character. The
#: cell escapes those characters before rich measures it, so that the
#: escapes keep the table's borders in line.
def _cell(
    column: str,
    value: Any,
    path_width: int | None = None,
    encoding: str | None = None,
) -> str:
    from rich.markup import escape

    from docflow.core.store._rows import escape_controls

    if value is None:
        return ""
    if column == "path":
        value = escape_controls(relative_path(str(value)), encoding)
        if path_width:
            value = _keep_end(value, path_width)
    elif isinstance(value, str):
        value = escape_controls(value, encoding)
    if column == "status" and value != "ok":
        return f"[red]{escape(str(value))}[/red]"
    if column == "result" and value in _failure_statuses():
        return f"[red]{escape(str(value))}[/red]"
    if isinstance(value, bool):
        return "yes" if value else ""
    if column in _TABLE_DIGITS and isinstance(value, float):
        value = round(value, _TABLE_DIGITS[column])
    return escape(str(value))


@functools.cache
def _failure_statuses() -> frozenset[str]:
    from docflow.core.models import Status

    return frozenset(str(status) for status in Status if status != Status.OK)


def relative_path(path: str) -> str:
    """Return ``path`` relative to the working folder when it lies inside it.

    The path column of a table shows paths this way.
    """
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative
