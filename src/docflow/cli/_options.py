"""Option and argument declarations shared by the commands."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = [
    "OPTION_RANGES",
    "ConfigOption",
    "DbOption",
    "FormatOption",
    "LangOption",
    "NoCacheOption",
    "NoExtractionCacheOption",
    "OcrOption",
    "PasswordFileOption",
    "PasswordOption",
    "QuietOption",
    "RehashOption",
    "RestartOption",
    "RootOption",
    "ThresholdOption",
    "TimeoutOption",
    "TrainFormatOption",
    "VerboseOption",
    "WorkersOption",
    "describe_range",
]

#: Values each number option accepts: the minimum, and the maximum or None.
#: ``check_range`` rejects a number outside them, and ``_convert`` names them
#: when a value is not a number at all.
OPTION_RANGES: dict[str, tuple[float, float | None]] = {
    "--threshold": (0, 1),
    "--timeout": (0.001, None),
    "--workers": (0, None),
    "--limit": (1, None),
    "--poll": (0, None),
    "--wait-unchanged": (0, None),
}


def describe_range(option: str, *, whole: bool = False) -> str:
    """Return what ``option`` accepts, as "give a number from 0 to 1"."""
    noun = "a whole number" if whole else "a number"
    minimum, maximum = OPTION_RANGES[option]
    if maximum is None:
        return f"give {noun} of {minimum:g} or more"
    return f"give {noun} from {minimum:g} to {maximum:g}"


ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Settings file to read instead of ./docflow.toml "
        "(default: the DOCFLOW_CONFIG variable, if set).",
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="FILE",
        help="DuckDB database file (default: store.database, .docflow/docflow.duckdb).",
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-j",
        metavar="N",
        help="MCP server processes per kind; 0 means one per CPU.",
    ),
]
TimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        help="Time limit for one document; over it the status is 'timeout'.",
    ),
]
PasswordOption = Annotated[
    list[str] | None,
    typer.Option(
        "--password",
        metavar="PASSWORD",
        help="Password tried on encrypted PDFs; repeat for several.",
    ),
]
PasswordFileOption = Annotated[
    str | None,
    typer.Option(
        "--password-file",
        metavar="FILE",
        help="File with one PDF password per line.",
    ),
]
OcrOption = Annotated[
    bool | None,
    typer.Option(
        "--ocr/--no-ocr",
        help="Run tesseract on scanned pages and images (default: on).",
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="LANGS",
        help="Tesseract languages joined by '+', for example eng+fra+deu.",
    ),
]
ThresholdOption = Annotated[
    float | None,
    typer.Option(
        "--threshold",
        metavar="P",
        help="Confidence below which the category is 'unknown' (0-1).",
    ),
]
RootOption = Annotated[
    list[str] | None,
    typer.Option(
        "--root",
        metavar="DIR",
        help="Folder the MCP tools may read; repeat for several. Default: the "
        "folders in mcp.roots (docflow.toml), else the current folder; --root "
        "adds to mcp.roots. Relative paths given to the tools are looked up in "
        "the roots.",
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, json, jsonl, csv, or auto (the default): table on a "
        "terminal, jsonl otherwise.",
    ),
]
#: ``--format`` of docflow train, whose report is nested, so it has no csv.
TrainFormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, json, jsonl, or auto (the default): table on a terminal, "
        "jsonl otherwise.",
    ),
]
VerboseOption = Annotated[
    int,
    typer.Option(
        "--verbose",
        "-v",
        count=True,
        help="More logging: -v shows progress details and tracebacks, -vv "
        "debug output including the PDF libraries.",
    ),
]
RehashOption = Annotated[
    bool,
    typer.Option(
        "--rehash",
        help="Hash every file's content before using stored results, instead of "
        "trusting an unchanged size and modification time.",
    ),
]
NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Process every file again, also unchanged ones, without stored "
        "results or cached extractions (after a tesseract upgrade, say). The "
        "new results replace the stored ones; classify or analyze keeps the "
        "stored result of the other analysis. When the last run of the same "
        "command with the same paths and options did not finish, this run "
        "resumes it: it reuses the results that run stored and processes the "
        "other files.",
    ),
]
RestartOption = Annotated[
    bool,
    typer.Option(
        "--restart",
        help="Only with --no-cache: start over instead of resuming the "
        "unfinished run of the same command, paths and options, so every file "
        "is processed again, and a later run resumes only this one. Exits "
        "with 2 while that run is still running.",
    ),
]
NoExtractionCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Extract every file again instead of using cached extractions "
        "(after a tesseract upgrade, say).",
    ),
]
QuietOption = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Only errors on stderr; no summary."),
]
