"""Read commands: categories, stats, results, review, report; label and forget."""

from __future__ import annotations

import contextlib
import getpass
import io
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from docflow.cli._output import (
    RESULT_COLUMNS,
    RecordPrinter,
    make_console,
    plural,
    relative_path,
    resolve_format,
    result_record,
    summary_row,
    terminal_text,
    write_json,
)
from docflow.errors import ExitCode, ResultNotFound, UsageError

if TYPE_CHECKING:
    from docflow.cli._state import CliOptions
    from docflow.core.config import Settings
    from docflow.core.store import (
        Correction,
        ForgetReport,
        RunRecord,
        Store,
        StoredResult,
    )

__all__ = [
    "check_filters",
    "forget_stored",
    "missing_database_message",
    "note_missing_database",
    "parse_period",
    "parse_when",
    "record_label",
    "show_categories",
    "show_report",
    "show_results",
    "show_stats",
    "write_html_report",
]


def _format(options: CliOptions) -> str:
    return resolve_format(options.output_format or options.settings().output.format)


def _store(options: CliOptions) -> Store:
    from docflow.core.store import Store

    return Store.for_reading(options.settings())


def _note(options: CliOptions, message: str) -> None:
    if not options.quiet:
        sys.stderr.write(message + "\n")


def missing_database_message(
    path: object, origin: str | None, creator: str = "docflow process FOLDER"
) -> str:
    """Return the note that the database file at ``path`` does not exist yet.

    ``origin`` is where the path was set, as ``database_origin`` returns it,
    and None for the default path. ``creator`` is the command that creates
    the database, as in "docflow watch INBOX". Read commands, train and
    watch --status print the note to explain their empty output or the
    training without corrections. ``Store.for_reading`` already rejects a
    missing database that is not the default, so such a path gets here only
    when its file is removed later.
    """
    import shlex

    from docflow.core.quoting import quote_value

    quoted = quote_value(str(path))
    if origin is None:
        return (
            f"no database at {quoted} yet (the default database of the current "
            f"folder); run {creator} here first to store results in it, or give "
            "another database with --db"
        )
    if origin == "--db":
        named = "given with --db"
        fix = f"{creator} --db {shlex.quote(str(path))}"
    else:
        named = f"set by {origin}"
        fix = f"{creator} with the same setting"
    return (
        f"no database at {quoted} {named}; check the path, or run {fix} first "
        "to create it"
    )


def note_missing_database(options: CliOptions, store: Store) -> None:
    """Print ``missing_database_message`` on stderr unless ``--quiet`` is given."""
    _note(options, missing_database_message(store.path, store.origin))


def parse_when(value: str, option: str, *, end_of_day: bool = False) -> datetime:
    """Parse an ISO date or date-time given in UTC; a date alone may mean its end."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"invalid {option} {value!r}; use an ISO date such as 2026-12-01 "
            "or 2026-12-01T08:30"
        ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    if end_of_day and len(value) == 10:
        parsed += timedelta(days=1)
    return parsed


def parse_period(
    since: str | None, until: str | None
) -> tuple[datetime | None, datetime | None]:
    """Parse ``--since`` and ``--until``, raising UsageError for an empty period.

    ``--until`` is exclusive, and a date alone includes that whole day.
    """
    start = parse_when(since, "--since") if since else None
    end = parse_when(until, "--until", end_of_day=True) if until else None
    if since and until and start is not None and end is not None and start >= end:
        named_end = parse_when(until, "--until")  # as given, without the added day
        relation = "after" if start > named_end else "equal to"
        raise UsageError(
            f"--since {since} is {relation} --until {until}, so no result can "
            "match; give a --since before --until"
        )
    return start, end


def show_categories(options: CliOptions) -> None:
    """Print the categories with their descriptions.

    The built-in categories are listed even when no model is installed, so
    ``docflow label`` can be used to prepare corrections before training.
    """
    from docflow.core.classify import CategoryInfo, list_categories
    from docflow.core.classify._categories import DESCRIPTIONS
    from docflow.core.models import CATEGORIES

    infos = list_categories(options.settings())
    listed = {info.name for info in infos}
    infos += [
        CategoryInfo(name=name, description=DESCRIPTIONS.get(name, ""), in_model=False)
        for name in CATEGORIES
        if name not in listed
    ]
    printer = RecordPrinter(
        _format(options),
        columns=(
            "name",
            "description",
            "in_model",
            "training_documents",
            "keyword_rules",
            "pattern_rules",
        ),
    )
    for info in infos:
        printer.emit(info.model_dump(mode="json"))
    printer.close()
    if not any(info.in_model for info in infos):
        _note(
            options,
            "no classifier model is installed; train one with: docflow train DIR",
        )


def _stored_record(stored: StoredResult) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if stored.forgotten_at is not None:
        extra["forgotten_at"] = stored.forgotten_at.isoformat()
    return result_record(
        stored.result,
        document_id=stored.id,
        processed_at=stored.processed_at.isoformat(),
        run_id=stored.run_id,
        is_current=stored.is_current,
        **extra,
    )


def check_filters(
    store: Store,
    settings: Settings,
    *,
    category: str | None,
    status: str | None,
) -> str | None:
    """Raise UsageError when ``category`` or ``status`` can match nothing ever.

    A category is valid when a built-in, the model in use, the configured
    rules, a stored result or a stored label names it. It is matched without
    regard to case, as ``docflow label`` does. Return the category as it is
    spelled where it is known, or None when no category is given.
    """
    from docflow.core.classify import list_categories
    from docflow.core.models import CATEGORIES, NO_CATEGORY, Status

    if status is not None and status not in {s.value for s in Status}:
        raise UsageError(
            f"invalid --status {status!r}; choose one of "
            f"{', '.join(s.value for s in Status)}"
        )
    if category is None:
        return None
    built_in = {name.casefold(): name for name in (*CATEGORIES, "unknown", NO_CATEGORY)}
    if category.casefold() in built_in:
        return built_in[category.casefold()]  # no need to open the model or database
    known = dict.fromkeys(
        [
            *CATEGORIES,
            *(info.name for info in list_categories(settings)),
            *store.categories(),
            *(correction.category for correction in store.corrections()),
            "unknown",
            NO_CATEGORY,
        ]
    )
    folded = {name.casefold(): name for name in known}
    if category.casefold() not in folded:
        raise UsageError(
            f"invalid --category {category!r}; choose one of {', '.join(known)}"
        )
    return folded[category.casefold()]


def show_results(
    options: CliOptions, *, hint_labels: bool = False, **filters: Any
) -> None:
    """Print stored results matching ``filters`` (see ``Store.results``)."""
    from docflow.cli._app import check_range

    check_range("--limit", filters.get("limit"))
    store = _store(options)
    filters["category"] = check_filters(
        store,
        options.settings(),
        category=filters.get("category"),
        status=filters.get("status"),
    )
    if not store.exists():
        note_missing_database(options, store)
        return
    from docflow.core.classify.corrections import corrected_results

    _check_run(store, filters.get("run_id"))
    rows = corrected_results(store, **filters)
    output_format = _format(options)
    columns = RESULT_COLUMNS
    reasons_below = False
    if filters.get("review"):
        # The review queue gives why each document waits, after its review status.
        at = RESULT_COLUMNS.index("review") + 1
        columns = (*RESULT_COLUMNS[:at], "reasons", *RESULT_COLUMNS[at:])
        summaries = [summary_row(s.result, document_id=s.id) for s in rows]
        reasons_below = output_format == "table" and not _table_fits(columns, summaries)
        if reasons_below:
            columns = tuple(column for column in columns if column != "reasons")
    printer = RecordPrinter(output_format, columns=columns)
    for stored in rows:
        printer.emit(
            _stored_record(stored), summary_row(stored.result, document_id=stored.id)
        )
    printer.close()
    if reasons_below and not printer.broken:
        _print_reasons(summaries)
    if hint_labels and rows:
        waiting = len(rows)
        limit = filters.get("limit")
        if limit is not None and waiting >= limit:  # the queue may be longer
            waiting = len(corrected_results(store, **{**filters, "limit": None}))
        part = f"{len(rows)} shown; " if waiting > len(rows) else ""
        _note(
            options,
            f"{plural(waiting, 'document waits', 'documents wait')} for review "
            f"({part}record the right category with: docflow label ID CATEGORY, "
            "or docflow label ID none when no category fits)",
        )
    elif not rows and hint_labels:
        _note(options, "the review queue is empty: no document waits for review")
    elif not rows:
        _note(options, "no stored results match")
    _note_unfinished_runs(options, store, all_runs=not rows)


def _note_unfinished_runs(options: CliOptions, store: Store, *, all_runs: bool) -> None:
    """Name the runs that may still store results, so an empty list is explained.

    A run still running is named always, because the list misses what it has
    not stored yet. An interrupted run is named only with ``all_runs``: it
    stays unfinished until the same command runs again, and naming it under
    every list would be noise.
    """
    for run in store.latest_unfinished_runs():
        if run.status == "running" or all_runs:
            _note(options, _unfinished_run_note(run))


#: How many of a run's paths a note names.
_RUN_PATHS_NAMED = 3


def _unfinished_run_note(run: RunRecord) -> str:
    """Return which command ``run`` was, when it started and what to do now."""
    from docflow.core.quoting import shell_quote_value

    paths = [str(path) for path in run.args.get("paths", [])]
    named = " ".join(shell_quote_value(path) for path in paths[:_RUN_PATHS_NAMED])
    if len(paths) > _RUN_PATHS_NAMED:
        more = len(paths) - _RUN_PATHS_NAMED
        named += f" (and {plural(more, 'more path')})"
    no_cache = "--no-cache " if run.args.get("reuse") is False else ""
    command = terminal_text(f"docflow {no_cache}{run.command} {named}".rstrip())
    stored = f"{run.done} of {plural(run.total, 'document')} were stored"
    started = f"started {run.started_at:%Y-%m-%d %H:%M} UTC"
    if run.status == "running":
        return (
            f"run {run.id} ({command}, {started}) is still running: {stored} so "
            "far, and the others appear here as it stores them"
        )
    cause = _UNFINISHED_CAUSES.get(run.status, f"its status is {run.status}")
    return (
        f"run {run.id} ({command}, {started}) did not finish: {cause} after "
        f"{stored}. Run the same command with the same options again to "
        "resume it"
    )


#: The cause a note gives for an unfinished run that is not running, by status.
_UNFINISHED_CAUSES = {
    "interrupted": "it was interrupted or killed",
    "failed": "it stopped on an error",
}


def _check_run(store: Store, run_id: int | None) -> None:
    """Raise UsageError for a --run that names no run of the database."""
    if run_id is not None and not store.has_run(run_id):
        raise UsageError(
            f"no run {run_id} in {terminal_text(str(store.path))}; docflow stats "
            "lists the latest runs"
        )


def _table_fits(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> bool:
    """Return whether the table of ``rows`` fits stdout, or True off a terminal.

    A reason is often longer than the terminal is wide, and a reasons column
    folded to fit leaves no room for the paths, so the caller prints the
    reasons under the table instead.
    """
    from rich.cells import cell_len

    if not sys.stdout.isatty():
        return True
    # A table printed to a string is not narrowed, so its top border line
    # is as wide as the table needs.
    buffer = io.StringIO()
    printer = RecordPrinter("table", columns=columns, stream=buffer)
    for row in rows:
        printer.emit(row, row)
    printer.close()
    top_border = buffer.getvalue().partition("\n")[0]
    return cell_len(top_border) <= make_console(file=sys.stdout).width


def _print_reasons(rows: Sequence[Mapping[str, Any]]) -> None:
    """Print why each document waits for review, one line per document id."""
    from rich.markup import escape

    console = make_console(file=sys.stdout, highlight=False)
    for row in rows:
        if row.get("reasons"):
            reasons = escape(terminal_text(row["reasons"]))
            console.print(f"id {row['id']}: {reasons}")


def show_stats(
    options: CliOptions,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> None:
    """Print counts, latency and the last runs from the database.

    ``since`` and ``until`` limit the documents counted (see ``Store.stats``),
    and the output shows them when given: ``until`` is the exclusive end, so
    ``--until 2026-12-01`` shows as 2026-12-02T00:00:00.
    """
    store = _store(options)
    if not store.exists():
        note_missing_database(options, store)  # the counts below are all 0
    stats = store.stats(since=since, until=until)
    if since is not None:
        stats["since"] = since.isoformat()
    if until is not None:
        stats["until"] = until.isoformat()
    stats["database"] = str(store.path)
    stats["runs"] = [
        {
            "id": run.id,
            "command": run.command,
            "status": run.status,
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "total": run.total,
            "done": run.done,
            "cache_hits": run.cache_hits,
            "status_counts": run.status_counts,
        }
        for run in stats["runs"]
    ]
    output_format = _format(options)
    if output_format == "table":
        from docflow.cli._render import print_stats

        print_stats(stats)
    elif output_format == "csv":
        printer = RecordPrinter("csv", columns=("key", "value"))
        for key, value in _flatten(stats):
            printer.emit({"key": key, "value": value})
    elif output_format == "jsonl":
        sys.stdout.write(_json_line(stats))
        sys.stdout.flush()
    else:
        write_json(stats)


def _json_line(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=str) + "\n"


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        pairs = []
        for key, item in value.items():
            pairs.extend(_flatten(item, f"{prefix}{key}."))
        return pairs
    if isinstance(value, list):
        pairs = []
        for index, item in enumerate(value):
            pairs.extend(_flatten(item, f"{prefix}{index}."))
        return pairs
    return [(prefix.rstrip("."), value)]


def show_report(options: CliOptions, reference: str) -> None:
    """Print the full stored result of one document, with its correction."""
    from docflow.core.classify.corrections import apply_corrections

    store = _store(options)
    stored = apply_corrections([store.document(reference)], store.corrections())[0]
    _note_replaced(options, store, stored)
    record = _stored_record(stored)
    _add_readability_summary(options, record)
    output_format = _format(options)
    if output_format == "table":
        from docflow.cli._render import print_document

        print_document(record)
    elif output_format == "jsonl":
        sys.stdout.write(_json_line(record))
        sys.stdout.flush()
    elif output_format == "csv":
        printer = RecordPrinter("csv", columns=RESULT_COLUMNS)
        printer.emit(record, summary_row(stored.result, document_id=stored.id))
    else:
        write_json(record)


def _add_readability_summary(options: CliOptions, record: dict[str, Any]) -> None:
    """Add ``quality.readability``: the formula, language, key metrics and notes."""
    from docflow.core.readability import summarize_readability

    quality = record.get("quality")
    if not quality:
        return
    quality["readability"] = summarize_readability(
        quality["metrics"],
        quality["readability_score"],
        options.settings().quality.readability_target,
    )


def write_html_report(
    options: CliOptions, output: str, *, run_id: int | None, category: str | None
) -> None:
    """Write the self-contained HTML report of the stored results."""
    from docflow.core.classify.corrections import corrected_results
    from docflow.core.htmlreport import render_report

    store = _store(options)
    if not store.exists():
        note_missing_database(options, store)  # the report lists no documents
    category = check_filters(store, options.settings(), category=category, status=None)
    if store.exists():
        _check_run(store, run_id)
    rows = corrected_results(store, run_id=run_id, category=category)
    scope = []
    if run_id is not None:
        scope.append(f"run {run_id}")
    if category is not None:
        scope.append(f"category {category}")
    html = render_report(
        rows,
        title="docflow report" + (f" ({', '.join(scope)})" if scope else ""),
        database=str(store.path),
        generated_at=datetime.now(UTC).replace(tzinfo=None),
        readability_target=options.settings().quality.readability_target,
    )
    if output == "-":
        _write_stdout_utf8(html)
        written = "the report to stdout"
    else:
        _write_file(output, html)
        written = terminal_text(output)
    # On stderr, so that with --html - stdout contains only the HTML.
    _note(options, f"wrote {written} ({plural(len(rows), 'document')})")


def _write_file(output: str, html: str) -> None:
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(html)
    except OSError as exc:
        from docflow.errors import OutputError

        raise OutputError(
            f"cannot write the report to {output!r}: {exc.strerror or exc}; "
            "choose another --html path"
        ) from exc


def _write_stdout_utf8(text: str) -> None:
    """Write ``text`` to stdout as UTF-8, the charset the HTML declares.

    The bytes go to the binary buffer under stdout when there is one,
    because the locale's encoding may not encode every character.
    """
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def record_label(
    options: CliOptions, reference: str, category: str, labeled_by: str | None
) -> None:
    """Store a correction and print it."""
    from dataclasses import asdict

    from docflow.cli._errors import note_stored_change
    from docflow.core.classify import list_categories
    from docflow.core.models import CATEGORIES, NO_CATEGORY
    from docflow.core.store import display_path

    allowed = {info.name for info in list_categories(options.settings())}
    allowed.update(CATEGORIES)
    store = _store(options)
    # One turn on the database lock, not one per call: a busy docflow watch
    # lets a waiting command in after each of its own transactions. A missing
    # database is not created, so that document() reports it.
    with store.session() if store.exists() else contextlib.nullcontext():
        correction = store.add_label(
            reference, category, labeled_by or _login(), allowed=allowed
        )
        note_stored_change(
            f"document {correction.document_id} was labeled {correction.category}; "
            f"docflow report {correction.document_id} shows it"
        )
        review_note = _review_note(store, correction)
        shared = store.shared_content(correction)
        labeled = None
        if correction.document_id is not None:
            labeled = store.document(str(correction.document_id))
    record = asdict(correction)
    record["path"] = display_path(correction.path)  # as docflow results prints it
    record["labeled_at"] = correction.labeled_at.isoformat()
    # The label applies by content, so the same bytes stored under other
    # names show this category too.
    record["also_labeled"] = [
        {"id": document_id, "path": display_path(path)} for document_id, path in shared
    ]
    row = {**record, "also_labeled": ", ".join(str(id_) for id_, _ in shared)}
    printer = RecordPrinter(_format(options), columns=tuple(record))
    printer.emit(record, row)
    printer.close()
    if correction.category == NO_CATEGORY:
        effect = "it fits no category, so docflow train skips it"
    else:
        effect = "docflow train uses it from now on"
    _note(
        options,
        f"labeled document {correction.document_id} as {correction.category}; "
        f"{effect}{review_note}",
    )
    if shared:
        _note(options, _shared_note(shared))
    if labeled is not None:
        _note_replaced(options, store, labeled)


def _shared_note(shared: Sequence[tuple[int, str]]) -> str:
    """Name the other documents a label applies to: a few, then how many more."""
    from docflow.core.store import display_path

    named = [
        f"{terminal_text(relative_path(display_path(path)))} (id {document_id})"
        for document_id, path in shared[:_SHARED_NAMED]
    ]
    more = len(shared) - len(named)
    listed = ", ".join(named) + (f" and {more} more" if more else "")
    documents = "document has" if len(shared) == 1 else "documents have"
    return (
        f"{len(shared)} other stored {documents} the same content and got this "
        f"label too: {listed}"
    )


#: How many of the other documents a label applies to its message names.
_SHARED_NAMED = 3


def _note_replaced(options: CliOptions, store: Store, stored: StoredResult) -> None:
    """Say that ``stored`` is an earlier result of its file, and which is current."""
    if stored.is_current:
        return
    path = stored.result.path
    if stored.forgotten_at is not None:
        _note(
            options,
            f"document {stored.id} ({terminal_text(path)}) was forgotten with "
            f"docflow forget at {stored.forgotten_at:%Y-%m-%d %H:%M} UTC; "
            f"process the file again to store a current result",
        )
        return
    try:
        current: int | None = store.document(path).id
    except ResultNotFound:  # the file has no current row any more
        current = None
    where = f"; the current one is {current}" if current is not None else ""
    _note(
        options,
        f"document {stored.id} is an earlier result of {terminal_text(path)}, "
        f"from {stored.processed_at:%Y-%m-%d %H:%M} UTC{where}",
    )


def _review_note(store: Store, correction: Correction) -> str:
    """Return why the labeled document still waits for review, or nothing.

    A label settles the category only, so quality reasons keep the document
    in docflow review.
    """
    from docflow.core.classify.corrections import apply_correction

    stored = store.document(str(correction.document_id))
    reasons = apply_correction(stored.result, correction).review_reasons
    if not reasons:
        return ""
    return f"; it still waits for review: {terminal_text('; '.join(reasons))}"


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "unknown")


def forget_stored(
    options: CliOptions, paths: Sequence[str], *, missing: bool, dry_run: bool
) -> ExitCode:
    """Retire the current results of ``paths`` or of missing files; print them.

    Return NO_INPUT when a path given names no current result, else OK.
    """
    from docflow.cli._errors import note_stored_change, say
    from docflow.core.classify.corrections import apply_corrections
    from docflow.core.quoting import cut_value
    from docflow.core.store import forget_results

    if not paths and not missing:
        raise UsageError(
            "give the stored files or folders to forget, or --missing to forget "
            "the results of files that no longer exist; docflow results lists "
            "the stored files"
        )
    if "-" in paths:
        from docflow.cli._inputs import read_stdin_paths

        on_stdin = read_stdin_paths()
        paths = [
            name for path in paths for name in (on_stdin if path == "-" else [path])
        ]
        if not paths and not missing:
            raise UsageError(
                "no paths on stdin; pipe one path per line (or NUL-separated), "
                "as in: find old -name '*.pdf' | docflow forget -"
            )
    store = _store(options)
    if not store.exists():
        note_missing_database(options, store)
    report = forget_results(store, paths, missing=missing, dry_run=dry_run)
    if report.forgotten and not report.dry_run:
        note_stored_change(_forgotten_change(report.forgotten))
    rows = apply_corrections(report.forgotten, store.corrections())
    printer = RecordPrinter(_format(options), columns=RESULT_COLUMNS)
    for stored in rows:
        printer.emit(
            _stored_record(stored), summary_row(stored.result, document_id=stored.id)
        )
    printer.close()
    if report.unchecked:
        first, reason = next(iter(report.unchecked.items()))
        _note(
            options,
            f"{plural(len(report.unchecked), 'stored file')} could not be checked "
            f"and stay current ({cut_value(terminal_text(first))}: {reason}); run "
            "docflow forget --missing again as a user who can read their folders",
        )
    for path, (document_id, at, exact) in report.already_forgotten.items():
        where = (
            _quoted_path(path) if exact else f"the results under {_quoted_path(path)}"
        )
        verb = "was" if exact else "were"
        last = "" if exact else ", the last one"
        say(
            f"{where} {verb} already forgotten{last} at {at:%Y-%m-%d %H:%M} UTC "
            f"(document {document_id}); docflow report {document_id} shows it"
        )
    never = [path for path in report.unmatched if path not in report.already_forgotten]
    if never:
        names = ", ".join(_quoted_path(path) for path in never)
        say(
            f"no current stored result at or under {names}; check the spelling, "
            "or list the stored files with: docflow results"
        )
    _note(options, _forget_summary(report, missing=missing, paths=paths))
    return ExitCode.NO_INPUT if report.unmatched else ExitCode.OK


def _quoted_path(path: str) -> str:
    """Quote a path given to forget, escaping its control characters once.

    ``say`` escapes only what is left, so a name with a newline reads as
    ``'no\\nsuch'``, as in the messages of docflow process.
    """
    from docflow.core.quoting import cut_value

    return f"'{terminal_text(cut_value(path))}'"


def _forgotten_change(forgotten: Sequence[StoredResult]) -> str:
    """Say which results were forgotten and how to see them, for a failed output."""
    ids = [stored.id for stored in forgotten]
    named = ", ".join(str(id_) for id_ in ids[:_SHARED_NAMED])
    if len(ids) > _SHARED_NAMED:
        named += f" and {len(ids) - _SHARED_NAMED} more"
    documents = "document" if len(ids) == 1 else "documents"
    return (
        f"forgot {plural(len(ids), 'result')} ({documents} {named}); docflow "
        f"report {ids[0]} shows one, and docflow results lists the current ones"
    )


def _forget_summary(
    report: ForgetReport, *, missing: bool, paths: Sequence[str]
) -> str:
    verb = "would forget" if report.dry_run else "forgot"
    summary = f"{verb} {plural(len(report.forgotten), 'result')}"
    if missing:
        summary += " of files that no longer exist"
    earlier = len(report.already_forgotten)
    if earlier:
        verb = "was" if earlier == 1 else "were"
        summary += f"; {plural(earlier, 'path')} {verb} already forgotten"
    never = len(report.unmatched) - earlier
    if never:
        summary += f"; {plural(never, 'path')} had no stored result"
    if report.dry_run:
        summary += " (dry run: nothing was changed)"
    return summary
