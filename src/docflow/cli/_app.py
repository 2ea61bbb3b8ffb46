"""The typer application, its global options and how commands merge them."""

# No ``from __future__ import annotations``: typer reads the annotations of
# the commands, and evaluating them from strings took 6 ms of every run.

from collections.abc import Sequence
from typing import Annotated, Any

import typer

from docflow import __version__
from docflow.cli._convert import PlainConvertingGroup
from docflow.cli._options import (
    OPTION_RANGES,
    ConfigOption,
    DbOption,
    FormatOption,
    LangOption,
    NoCacheOption,
    OcrOption,
    PasswordFileOption,
    PasswordOption,
    QuietOption,
    RehashOption,
    RestartOption,
    ThresholdOption,
    TimeoutOption,
    VerboseOption,
    WorkersOption,
    describe_range,
)
from docflow.cli._state import CliOptions
from docflow.errors import UsageError

__all__ = ["PathsArgument", "app", "check_paths", "check_range", "options_for"]

app = typer.Typer(
    name="docflow",
    help="Classify documents, judge their quality and keep the results in DuckDB.",
    epilog="Start with: docflow process FOLDER. Exit codes: 0 all documents ok, "
    "1 some failed, 2 usage, 3 OCR unavailable, 4 no input, 5 database, "
    "6 MCP servers, 7 model, 70 internal error, 74 output not written, "
    "130 interrupted.",
    no_args_is_help=True,
    add_completion=False,
    # Plain click help and errors: typer's rich formatting imports rich.markdown
    # and markdown-it, which made --help take 0.2-0.5 s instead of about 0.1 s.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    cls=PlainConvertingGroup,
)

_FORMATS = ("auto", "table", "json", "jsonl", "csv")


def _unused_flags(global_options: CliOptions, accepted: dict[str, Any]) -> list[str]:
    """Return the flags set in ``global_options`` that the command ignores.

    ``accepted`` contains the shared options the command accepts.
    """
    unset = CliOptions()
    flags = []
    for name, flag in _SHARED_FLAGS.items():
        if name in accepted or getattr(global_options, name) == getattr(unset, name):
            continue
        flags.append("--no-ocr" if name == "ocr" and not global_options.ocr else flag)
    return flags


#: Reason that a command ignores a shared option, by command and flag, for the
#: flags where "leave it out" alone would not say how to get their effect.
_IGNORED_REASONS = {
    ("mcp", "--db"): (
        "The MCP servers send their results to the MCP client and store none "
        "in a database. To store results in FILE, run docflow process --db "
        "FILE PATH... instead"
    ),
}


def _warn_unused(command: str, flags: list[str]) -> None:
    if not flags:
        return
    import logging

    them = "it" if len(flags) == 1 else "them"
    verb = "has" if len(flags) == 1 else "have"
    reasons = "".join(
        f". {_IGNORED_REASONS[command, flag]}"
        for flag in flags
        if (command, flag) in _IGNORED_REASONS
    )
    logging.getLogger("docflow").warning(
        "%s %s no effect on docflow %s; leave %s out%s",
        " and ".join([", ".join(flags[:-1]), flags[-1]] if len(flags) > 1 else flags),
        verb,
        command,
        them,
        reasons,
    )


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"docflow {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
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
    output_format: FormatOption = None,
    rehash: RehashOption = False,
    no_cache: NoCacheOption = False,
    restart: RestartOption = False,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """Classify documents, judge their quality and keep the results in DuckDB.

    Options given here apply to every command that takes them. Any other
    command warns that they change nothing. The same option after the command
    wins. Flags override DOCFLOW_* variables, which override
    ./docflow.toml.
    """
    ctx.obj = CliOptions(
        config=config,
        db=db,
        workers=workers,
        timeout=timeout,
        passwords=list(password or []),
        password_file=password_file,
        ocr=ocr,
        lang=lang,
        threshold=threshold,
        output_format=output_format,
        rehash=rehash,
        no_cache=no_cache,
        restart=restart,
        verbose=verbose,
        quiet=quiet,
    )


#: The shared options a command may not use, by CliOptions field.
_SHARED_FLAGS = {
    "config": "--config",
    "db": "--db",
    "workers": "--workers",
    "timeout": "--timeout",
    "passwords": "--password",
    "password_file": "--password-file",
    "ocr": "--ocr",
    "lang": "--lang",
    "threshold": "--threshold",
    "output_format": "--format",
    "rehash": "--rehash",
    "no_cache": "--no-cache",
    "restart": "--restart",
}


def options_for(ctx: typer.Context, **values: Any) -> CliOptions:
    """Merge a command's options over the global ones and set up logging.

    ``values`` contains every shared option the command takes, None when not
    given. A command that checks an option itself passes it as None. A
    shared option given before the command that it does not take gets a
    warning, because it would change nothing.
    """
    from docflow.cli._logging import configure_logging

    base = ctx.obj if isinstance(ctx.obj, CliOptions) else CliOptions()
    options = base.merged(**values)
    if options.output_format is not None:
        options.output_format = options.output_format.lower()
    configure_logging(options.verbose, options.quiet)
    _warn_unused(ctx.info_name or "", _unused_flags(base, values))
    if options.output_format is not None and options.output_format not in _FORMATS:
        raise UsageError(
            f"invalid --format {options.output_format!r}; choose one of "
            f"{', '.join(_FORMATS)}"
        )
    if options.restart and "restart" in values:
        _check_restart(options)
    check_range("--threshold", options.threshold)
    check_range("--timeout", options.timeout)
    check_range("--workers", options.workers)
    return options


def _check_restart(options: CliOptions) -> None:
    """Raise UsageError for --restart on a run that would resume nothing.

    Only a run that does not reuse stored results (--no-cache, or
    store.reuse false) resumes an unfinished run, so only it can restart.
    """
    if options.settings().store.reuse:
        raise UsageError(
            "--restart applies only with --no-cache (or store.reuse false), "
            "because only such a run resumes an unfinished one; add --no-cache "
            "to process every file again from the start"
        )


def check_range(option: str, value: float | None) -> None:
    """Raise UsageError when ``value`` is given and outside ``OPTION_RANGES``.

    Typer could check the range itself, but its message has no docflow
    prefix and comes with the usage text.
    """
    if value is None:
        return
    import math

    minimum, maximum = OPTION_RANGES[option]
    # Written so that nan, which compares false, is out of range too. Infinity
    # is rejected as well: a poll or wait of inf seconds never reads a file.
    in_range = minimum <= value and (maximum is None or value <= maximum)
    if not (in_range and math.isfinite(value)):
        raise UsageError(f"invalid {option} {value:g}; {describe_range(option)}")


def check_paths(
    paths: Sequence[str],
    name: str = "PATH",
    expected: str = "a file or folder, or . for the current folder",
) -> None:
    """Raise UsageError when one of the path arguments ``paths`` is empty.

    An empty argument comes from an unset or empty shell variable
    (``docflow forget "$OLD"``), and ``os.path.abspath("")`` is the current
    folder, so it would otherwise name everything there. ``name`` is the
    argument's metavar in the usage line, and ``expected`` what to give.
    """
    for position, path in enumerate(paths, start=1):
        if path:
            continue
        where = f" ({name} {position} of {len(paths)})" if len(paths) > 1 else ""
        raise UsageError(
            f"invalid empty {name} ''{where}, perhaps an unset shell variable; "
            f"give {expected}"
        )


PathsArgument = Annotated[
    list[str],
    typer.Argument(
        metavar="PATH...",
        help="Files or folders (walked recursively); - reads paths from stdin, "
        "one per line or NUL-separated (find -print0).",
        show_default=False,
    ),
]
