"""``docflow watch``: run the inbox daemon, or show its state with ``--status``.

Only typer and the shared option declarations are imported here; watchdog,
DuckDB and the daemon load when the command runs, so ``docflow --help``
stays fast.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from docflow.cli._app import check_range, options_for
from docflow.cli._errors import guard
from docflow.cli._options import (
    ConfigOption,
    DbOption,
    LangOption,
    NoExtractionCacheOption,
    OcrOption,
    PasswordFileOption,
    PasswordOption,
    QuietOption,
    ThresholdOption,
    TimeoutOption,
    VerboseOption,
    WorkersOption,
)
from docflow.errors import UsageError

if TYPE_CHECKING:
    from docflow.cli._state import CliOptions
    from docflow.core.config import Settings
    from docflow.watch.state import WatchStatus

__all__ = ["register", "watch_command"]

log = logging.getLogger(__name__)

_LOG_FORMATS = ("text", "json")

#: ``--format`` of docflow watch, which prints records only with ``--status``.
StatusFormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="Output format of --status, and only of it: table, json, jsonl, "
        "csv, or auto (the default): table on a terminal, jsonl otherwise.",
    ),
]


def watch_command(
    ctx: typer.Context,
    inboxes: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[INBOX...]",
            help="Folders to watch, added to watch.inboxes from docflow.toml.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="Folder that receives processed/, review/, quarantine/ and "
            "duplicates/ (default: watch.output_dir, 'routed').",
        ),
    ] = None,
    recursive: Annotated[
        bool | None,
        typer.Option(
            "--recursive/--no-recursive",
            help="Also take files from subfolders of the inboxes (default: on).",
            show_default=False,
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            metavar="PATTERN",
            help="Glob of file or folder names never taken, added to watch.ignore; "
            "repeat for more.",
        ),
    ] = None,
    poll: Annotated[
        float | None,
        typer.Option(
            "--poll",
            metavar="SECONDS",
            help="Poll the inboxes every SECONDS instead of using inotify (for "
            "network shares); a file is then ready after watch.stable_seconds "
            "without change. 0 uses inotify.",
        ),
    ] = None,
    wait_unchanged: Annotated[
        float | None,
        typer.Option(
            "--wait-unchanged",
            metavar="SECONDS",
            help="Read a file closed after writing, or moved in, only once its "
            "size and modification time have not changed for SECONDS (default: "
            "watch.wait_unchanged_seconds, 0 = off). Use it for writers that "
            "close and reopen a file while writing it, as some scanners and SMB "
            "copies do.",
        ),
    ] = None,
    once: Annotated[
        bool,
        typer.Option(
            "--once",
            help="Process the files already in the inboxes, then exit (for cron) "
            "with the exit codes of docflow process: 1 when a file was "
            "quarantined, 3 when one waits for tesseract.",
        ),
    ] = False,
    status: Annotated[
        bool,
        typer.Option(
            "--status",
            help="Print whether a daemon is running on the database, the files by "
            "state and the queue, then exit; works while a daemon runs.",
        ),
    ] = False,
    log_format: Annotated[
        str,
        typer.Option(
            "--log-format",
            metavar="text|json",
            help="Log lines on stderr as text or as JSON Lines.",
        ),
    ] = "text",
    in_process: Annotated[
        bool,
        typer.Option(
            "--in-process",
            help="Process documents in threads of this process instead of the "
            "docflow MCP servers.",
        ),
    ] = False,
    config: ConfigOption = None,
    db: DbOption = None,
    workers: WorkersOption = None,
    timeout: TimeoutOption = None,
    password: PasswordOption = None,
    password_file: PasswordFileOption = None,
    ocr: OcrOption = None,
    lang: LangOption = None,
    threshold: ThresholdOption = None,
    no_cache: NoExtractionCacheOption = False,
    output_format: StatusFormatOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """Watch inbox folders, process each complete file once and route it.

    Files go to OUTPUT/processed/<category>/, review/ (low confidence or
    quality), quarantine/ (unreadable, with a <name>.error.json report) or
    duplicates/. Every file's state is kept in the database, so a restart
    after a crash finishes what was interrupted. SIGTERM or Ctrl-C finishes
    the files in progress, then stops with exit code 0 (130 with --once).
    """
    if log_format not in _LOG_FORMATS:
        raise UsageError(f"invalid --log-format {log_format!r}; choose text or json")
    options = options_for(
        ctx,
        config=config,
        db=db,
        workers=workers,
        timeout=timeout,
        passwords=password,
        password_file=password_file,
        ocr=ocr,
        lang=lang,
        threshold=threshold,
        no_cache=no_cache,
        output_format=output_format,
        rehash=None,  # refused below, with the reason
        verbose=verbose,
        quiet=quiet,
    )
    _check_unused_options(options, status=status)
    from docflow.cli._process import check_password_file
    from docflow.watch.logs import configure_watch_logging

    configure_watch_logging(log_format, options.verbose, options.quiet)
    settings = options.settings()
    check_password_file(settings, options)
    check_range("--poll", poll)
    check_range("--wait-unchanged", wait_unchanged)
    _apply_flags(settings, inboxes, output, recursive, ignore, poll, wait_unchanged)
    if status:
        _print_status(settings, options.output_format or settings.output.format)
        raise typer.Exit(0)
    if settings.extraction.ocr:
        from docflow.core.ocr import check_languages

        # At start, so a daemon does not quarantine every scan as ocr_unavailable.
        check_languages(
            settings.extraction.ocr_languages,
            settings.origin_of("extraction", "ocr_languages"),
        )
    code = _run_daemon(settings, once=once, in_process=in_process)
    raise typer.Exit(int(code))


def _check_unused_options(options: CliOptions, *, status: bool) -> None:
    """Raise UsageError for a global option that watch would otherwise ignore.

    Given before the command, --rehash and --format reach every command, and
    a silent no-op would let a user believe they changed something.
    """
    if options.rehash:
        raise UsageError(
            "--rehash does not apply to docflow watch, because watch hashes "
            "the content of every file it takes from an inbox and reuses no "
            "stored result; leave out --rehash"
        )
    if options.output_format is not None and not status:
        raise UsageError(
            f"--format {options.output_format} applies only to docflow watch "
            "--status; the daemon writes log lines on stderr, which "
            "--log-format text|json sets"
        )


def _apply_flags(
    settings: Settings,
    inboxes: list[str] | None,
    output: str | None,
    recursive: bool | None,
    ignore: list[str] | None,
    poll: float | None,
    wait_unchanged: float | None,
) -> None:
    watch = settings.watch
    if inboxes:
        watch.inboxes = [*watch.inboxes, *inboxes]
    if output is not None:
        watch.output_dir = output
    if recursive is not None:
        watch.recursive = recursive
    if ignore:
        watch.ignore = [*watch.ignore, *ignore]
    if poll is not None:
        watch.poll_seconds = poll
    if wait_unchanged is not None:
        watch.wait_unchanged_seconds = wait_unchanged


def _run_daemon(settings: Settings, *, once: bool, in_process: bool) -> int:
    import asyncio

    from docflow.watch import WatchDaemon, open_processor, store_saver

    daemon = WatchDaemon(
        settings,
        open_processor(settings, in_process=in_process),
        inboxes=settings.watch.inboxes,
        output_dir=settings.watch.output_dir,
        once=once,
        save_results=store_saver(settings),
    )
    return asyncio.run(daemon.run())


def _print_status(settings: Settings, output_format: str) -> None:
    from docflow.cli._output import resolve_format
    from docflow.core.store import Store, database_origin
    from docflow.watch.lockfile import probe_daemon
    from docflow.watch.state import StateStore

    # A named database that is missing fails here.
    Store.for_reading(settings, created_by="docflow watch INBOX")
    origin = database_origin(settings)
    state = StateStore(
        settings.store.database,
        lock_timeout=settings.store.lock_timeout,
        lock_notice_seconds=settings.store.lock_notice_seconds,
        origin=origin,
    )
    if not state.database.exists():
        from docflow.cli._queries import missing_database_message

        # Logged, so --log-format json keeps stderr in JSON Lines.
        message = missing_database_message(
            state.database, origin, creator="docflow watch INBOX"
        )
        log.warning("%s", message)
    status = state.read_status()
    status.daemon = probe_daemon(state.database)
    if status.daemon.error:
        log.warning(
            "cannot check whether a docflow watch daemon is running: %s",
            status.daemon.error,
        )
    _write_status(status, resolve_format(output_format))


def _write_status(status: WatchStatus, output_format: str) -> None:
    """Print ``status`` in ``output_format``: table, json, jsonl or csv."""
    from docflow.cli._output import RecordPrinter, csv_header, write_json

    if output_format == "table":
        typer.echo(_format_status(status))
    elif output_format == "json":
        write_json(status.as_dict())
    elif output_format == "csv":
        # The key,value rows of docflow stats -f csv: states.done,3 or queue.0,PATH.
        printer = RecordPrinter("csv", columns=("key", "value"))
        for key, value in _flatten(status.as_dict()):
            printer.emit({"key": key, "value": value})
        if not printer.count:  # an empty database: the header alone
            sys.stdout.write(csv_header(printer.columns))
    else:
        typer.echo(json.dumps(status.as_dict(), ensure_ascii=False))


def _flatten(value: dict[str, Any]) -> list[tuple[str, Any]]:
    """Return ``section.name`` keys with their values; a list's names are indexes."""
    pairs: list[tuple[str, Any]] = []
    for section, items in value.items():
        named = items.items() if isinstance(items, dict) else enumerate(items)
        pairs += [(f"{section}.{name}", item) for name, item in named]
    return pairs


def _format_status(status: WatchStatus) -> str:
    from docflow.cli._output import terminal_text

    lines = _describe_daemon(status)
    lines.append("files by state:")
    states: dict[str, Any] = status.counts or {"(none yet)": 0}
    lines += [f"  {state:<12} {count}" for state, count in states.items()]
    if status.routes:
        lines.append("done by route:")
        lines += [
            f"  {terminal_text(route):<12} {count}"
            for route, count in status.routes.items()
        ]
    lines.append(f"queue ({len(status.queued)} shown):")
    lines += [f"  {terminal_text(path)}" for path in status.queued] or ["  (empty)"]
    return "\n".join(lines)


def _describe_daemon(status: WatchStatus) -> list[str]:
    daemon = status.daemon
    if daemon is None or daemon.running is None:
        return ["daemon: unknown"]
    if daemon.running:
        return [f"daemon: running (pid {daemon.pid or 'unknown'})"]
    lines = ["daemon: not running"]
    left = sum(status.counts.get(state, 0) for state in ("processing", "moving"))
    if left:
        lines.append(
            f"  {left} {'file was' if left == 1 else 'files were'} left in "
            "processing or moving by a daemon that stopped; the next docflow "
            "watch finishes them"
        )
    return lines


def register(app: typer.Typer) -> None:
    """Add ``docflow watch`` to the docflow application."""
    app.command(
        "watch",
        epilog="Examples: docflow watch inbox/  |  docflow watch --once inbox/  |  "
        "docflow watch --poll 5 /mnt/share/scans  |  docflow watch --status",
    )(guard(watch_command))
