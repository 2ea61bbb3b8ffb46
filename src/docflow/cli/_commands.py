"""Registration of every docflow subcommand except ``watch``.

Each command only merges its options and calls the function that does the
work, imported when the command runs so ``docflow --help`` stays fast.
"""

# No ``from __future__ import annotations``: typer reads the annotations of
# the commands, and evaluating them from strings took 6 ms of every run.

import shlex
from collections.abc import Callable
from typing import Annotated

import typer

from docflow.cli._app import PathsArgument, app, check_paths, options_for
from docflow.cli._errors import guard
from docflow.cli._options import (
    ConfigOption,
    DbOption,
    FormatOption,
    LangOption,
    NoCacheOption,
    NoExtractionCacheOption,
    OcrOption,
    PasswordFileOption,
    PasswordOption,
    QuietOption,
    RehashOption,
    RestartOption,
    RootOption,
    ThresholdOption,
    TimeoutOption,
    TrainFormatOption,
    VerboseOption,
    WorkersOption,
)


def _processing_command(
    name: str, *, classify: bool, quality: bool, summary: str, example: str
) -> Callable[..., None]:
    def command(
        ctx: typer.Context,
        paths: PathsArgument,
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
        from docflow.cli._process import run_command

        check_paths(paths)
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
            output_format=output_format,
            rehash=rehash,
            no_cache=no_cache,
            restart=restart,
            verbose=verbose,
            quiet=quiet,
        )
        code = run_command(name, paths, options, classify=classify, quality=quality)
        raise typer.Exit(code)

    command.__name__ = name
    command.__doc__ = (
        f"{summary}\n\nResults are stored in the database; unchanged files are "
        "reused from it without being read again. Output is a table on a "
        "terminal and JSON Lines in a pipe; the summary goes to stderr."
    )
    epilog = (
        f"Examples: {example}  |  find inbox -name '*.pdf' | docflow {name} -  |  "
        f"docflow {name} --format csv docs/ > results.csv"
    )
    app.command(name, epilog=epilog)(guard(command))
    return command


_processing_command(
    "classify",
    classify=True,
    quality=False,
    summary="Classify documents: category, calibrated confidence, evidence, facts.",
    example="docflow classify invoices/ scan.pdf",
)
_processing_command(
    "analyze",
    classify=False,
    quality=True,
    summary="Judge document quality: scores, issues and recommendations.",
    example="docflow analyze --no-ocr reports/",
)
_processing_command(
    "process",
    classify=True,
    quality=True,
    summary="Classify documents and judge their quality in one pass.",
    example="docflow process --workers 4 inbox/",
)


@app.command(
    "categories",
    epilog="Examples: docflow categories  |  docflow categories --format json",
)
@guard
def categories_command(
    ctx: typer.Context,
    config: ConfigOption = None,
    output_format: FormatOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """List the categories docflow assigns, with what each one means."""
    from docflow.cli._queries import show_categories

    options = options_for(
        ctx, config=config, output_format=output_format, verbose=verbose, quiet=quiet
    )
    show_categories(options)


# The time a document was processed is when a docflow run stored its result,
# the processed_at column of the database.
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="DATE",
        help="Only documents processed (stored by a docflow run) on or after "
        "this UTC date or time (2026-12-01, 2026-12-01T08:00).",
    ),
]
UntilOption = Annotated[
    str | None,
    typer.Option(
        "--until",
        metavar="DATE",
        help="Only documents processed before this UTC time; a date alone "
        "includes that whole day.",
    ),
]


@app.command(
    "stats",
    epilog="Examples: docflow stats  |  docflow stats --db x.duckdb  |  "
    "docflow stats --since 2026-12-01",
)
@guard
def stats_command(
    ctx: typer.Context,
    since: SinceOption = None,
    until: UntilOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    output_format: FormatOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """Show stored documents, errors, latency, counts and the last runs.

    Counts are per status and per category, over the current result of each
    file; latency is over documents that were not cache hits. "Corrected by
    a person" counts the documents whose category comes from docflow label,
    copies of a labeled file included. --since and --until limit the
    documents counted to those processed in that period; the cache hits and
    runs are counted over the whole database.
    """
    from docflow.cli._queries import parse_period, show_stats

    options = options_for(
        ctx,
        config=config,
        db=db,
        output_format=output_format,
        verbose=verbose,
        quiet=quiet,
    )
    start, end = parse_period(since, until)
    show_stats(options, since=start, until=end)


CategoryFilter = Annotated[
    str | None,
    typer.Option(
        "--category",
        "-c",
        metavar="CATEGORY",
        help="Only documents of this category.",
    ),
]
RunFilter = Annotated[
    int | None,
    typer.Option("--run", metavar="ID", help="Only documents stored by this run."),
]
LimitOption = Annotated[
    int | None,
    typer.Option("--limit", "-n", metavar="N", help="At most this many rows."),
]


@app.command(
    "results",
    epilog="Examples: docflow results --category invoice  |  docflow results "
    "--status corrupt --format csv  |  docflow results --since 2026-01-01 --review",
)
@guard
def results_command(
    ctx: typer.Context,
    category: CategoryFilter = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            "-s",
            metavar="STATUS",
            help="Only documents with this status (ok, corrupt, unreadable, ...).",
        ),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    review: Annotated[
        bool, typer.Option("--review", help="Only documents waiting for review.")
    ] = False,
    run_id: RunFilter = None,
    limit: LimitOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    output_format: FormatOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """List stored results (the current result of each file), newest first."""
    from docflow.cli._queries import parse_period, show_results

    options = options_for(
        ctx,
        config=config,
        db=db,
        output_format=output_format,
        verbose=verbose,
        quiet=quiet,
    )
    start, end = parse_period(since, until)
    show_results(
        options,
        category=category,
        status=status,
        since=start,
        until=end,
        review=review,
        run_id=run_id,
        limit=limit,
    )


@app.command(
    "report",
    epilog="Examples: docflow report 42  |  docflow report scans/a.pdf  |  "
    "docflow report --html report.html  |  docflow report --html inv.html "
    "--category invoice",
)
@guard
def report_command(
    ctx: typer.Context,
    reference: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID|PATH]",
            help="Document id (from docflow results) or file path.",
            show_default=False,
        ),
    ] = None,
    html: Annotated[
        str | None,
        typer.Option(
            "--html",
            metavar="OUT.html",
            help="Write a self-contained HTML report with charts instead; "
            "- writes it to stdout.",
        ),
    ] = None,
    category: Annotated[
        str | None,
        typer.Option(
            "--category",
            "-c",
            metavar="CATEGORY",
            help="Put only documents of this category in the --html report.",
        ),
    ] = None,
    run_id: Annotated[
        int | None,
        typer.Option(
            "--run",
            metavar="ID",
            help="Put only documents stored by this run in the --html report.",
        ),
    ] = None,
    config: ConfigOption = None,
    db: DbOption = None,
    output_format: FormatOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """Show the full stored result of one document, or write an HTML report."""
    from docflow.cli._queries import show_report, write_html_report
    from docflow.errors import UsageError

    options = options_for(
        ctx,
        config=config,
        db=db,
        output_format=output_format,
        verbose=verbose,
        quiet=quiet,
    )
    if reference is not None:
        check_paths([reference], "ID|PATH", _DOCUMENT_EXPECTED)
    if html is not None and reference is not None:
        raise UsageError(
            f"--html writes a report of all documents and takes no document id "
            f"or path ({reference!r}); show one document with: docflow report "
            f"{reference}, or narrow the HTML report with --category or --run"
        )
    if reference is not None:
        _check_no_filters(reference, category=category, run_id=run_id)
    if html is not None:
        write_html_report(options, html, run_id=run_id, category=category)
    elif reference is not None:
        show_report(options, reference)
    elif filters := _given_filters(category=category, run_id=run_id):
        verb = "works" if len(filters) == 1 else "work"
        raise UsageError(
            f"{' and '.join(filters)} {verb} only with --html, which writes a "
            f"report of all documents; write the narrowed report with: docflow "
            f"report --html OUT.html {' '.join(filters)}, or give a document "
            "id or path"
        )
    else:
        raise UsageError(
            "give a document id or path, or --html OUT.html for a report "
            "of all documents"
        )


#: The hint of report and label for an empty document argument.
_DOCUMENT_EXPECTED = "a document id (docflow results lists them) or a file path"


def _given_filters(*, category: str | None, run_id: int | None) -> list[str]:
    """Return the HTML report filters given, as options for a command line."""
    return [
        f"{option} {shlex.quote(str(value))}"
        for option, value in (("--category", category), ("--run", run_id))
        if value is not None
    ]


def _check_no_filters(
    reference: str, *, category: str | None, run_id: int | None
) -> None:
    """Raise UsageError when a filter of the HTML report comes with a document."""
    from docflow.errors import UsageError

    filters = _given_filters(category=category, run_id=run_id)
    if not filters:
        return
    verb = "narrows" if len(filters) == 1 else "narrow"
    raise UsageError(
        f"{' and '.join(filters)} {verb} the HTML report of all documents and "
        f"cannot apply to one document ({reference!r}); show the document with: "
        f"docflow report {shlex.quote(reference)}, or write the narrowed report "
        f"with: docflow report --html OUT.html {' '.join(filters)}"
    )


@app.command(
    "review",
    epilog="Examples: docflow review  |  then: docflow label 42 invoice",
)
@guard
def review_command(
    ctx: typer.Context,
    limit: LimitOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    output_format: FormatOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """List documents waiting for review.

    A document waits for review when its category is unknown or its review
    status is needs_review (low confidence, low quality, garbage text). A
    label from docflow label (docflow label ID none when no category fits)
    settles the category, so a labeled document waits only for its quality
    reasons.
    """
    from docflow.cli._queries import show_results

    options = options_for(
        ctx,
        config=config,
        db=db,
        output_format=output_format,
        verbose=verbose,
        quiet=quiet,
    )
    show_results(options, review=True, limit=limit, hint_labels=True)


@app.command(
    "label",
    epilog="Examples: docflow label 42 invoice  |  docflow label scans/a.pdf "
    "contract --by alice  |  docflow label 65 none",
)
@guard
def label_command(
    ctx: typer.Context,
    reference: Annotated[
        str,
        typer.Argument(metavar="DOC", help="Document id or file path."),
    ],
    category: Annotated[
        str,
        typer.Argument(
            metavar="CATEGORY",
            help="The correct category, or none for a document that fits no category.",
        ),
    ],
    by: Annotated[
        str | None,
        typer.Option(
            "--by", metavar="NAME", help="Who labels (default: the login name)."
        ),
    ] = None,
    config: ConfigOption = None,
    db: DbOption = None,
    output_format: FormatOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """Record the correct category of a document; docflow train learns from it.

    The category none records that the document belongs to none of the
    categories (a novel, a README). Results, report and stats show its
    category as none, and docflow train skips such labels and trains no
    category none. Any label settles the category only: a document with a
    quality reason for review (a low quality score, garbage text) stays in
    docflow review.
    """
    from docflow.cli._queries import record_label

    check_paths([reference], "DOC", _DOCUMENT_EXPECTED)
    options = options_for(
        ctx,
        config=config,
        db=db,
        output_format=output_format,
        verbose=verbose,
        quiet=quiet,
    )
    record_label(options, reference, category, by)


@app.command(
    "forget",
    epilog="Examples: docflow forget --missing --dry-run  |  docflow forget "
    "scans/typo.pdf  |  docflow forget old-inbox/  |  docflow forget --missing "
    "inbox/",
)
@guard
def forget_command(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PATH...]",
            help="Files or folders whose stored results are forgotten; they "
            "need not exist any more. - reads paths from stdin, one per line "
            "or NUL-separated.",
            show_default=False,
        ),
    ] = None,
    missing: Annotated[
        bool,
        typer.Option(
            "--missing",
            help="Forget only the results of files that no longer exist: all "
            "of them, or those at or under the PATHs given.",
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="List the results that would be forgotten; change nothing.",
        ),
    ] = False,
    config: ConfigOption = None,
    db: DbOption = None,
    output_format: FormatOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """Stop showing the stored results of deleted or mistyped files.

    The current result of each file named (or stored under a folder named)
    stops being current: results, stats, review and the HTML report leave it
    out. Nothing is deleted: the row stays in the database with the time it
    was forgotten, and docflow report ID still shows it. Paths are matched as
    processing commands store them: absolute, symbolic links not resolved.
    Processing the file again stores a new current result. The forgotten
    results are printed like docflow results, and their count on stderr. A
    PATH with no current stored result is named on stderr, and the exit code
    is then 4.
    """
    from docflow.cli._queries import forget_stored

    check_paths(paths or [])
    options = options_for(
        ctx,
        config=config,
        db=db,
        output_format=output_format,
        verbose=verbose,
        quiet=quiet,
    )
    code = forget_stored(options, paths or [], missing=missing, dry_run=dry_run)
    raise typer.Exit(int(code))


@app.command(
    "train",
    epilog="Examples: docflow train training/  (one subfolder per category)  |  "
    "docflow train training/ --force",
)
@guard
def train_command(
    ctx: typer.Context,
    folder: Annotated[
        str,
        typer.Argument(
            metavar="DIR", help="Folder with one subfolder of documents per category."
        ),
    ],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write the new model even if it scores lower, the corrections "
            "turn more of the folder's documents wrong than right, or it replaces "
            "a model with more categories.",
        ),
    ] = False,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="Folder to write the model to (default: .docflow/models/NAME, "
            "NAME being the last part of DIR and .docflow the parent of "
            "store.cache_dir).",
        ),
    ] = None,
    config: ConfigOption = None,
    db: DbOption = None,
    password: PasswordOption = None,
    password_file: PasswordFileOption = None,
    ocr: OcrOption = None,
    lang: LangOption = None,
    no_cache: NoExtractionCacheOption = False,
    output_format: TrainFormatOption = None,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """Train the classifier on a folder plus the corrections from docflow label.

    Prints per-category precision and recall on a held-out split for the
    current model and the new one. The report prints as a table, as indented
    JSON (json) or as one JSON line (jsonl). The format csv is rejected with
    exit code 2, because the report has nested scores. Unless --output is
    given, the new model is written to .docflow/models/ under the name of DIR,
    not over the shipped model. The command prints the setting that selects
    the new model (classification.model_path, or
    DOCFLOW_CLASSIFICATION_MODEL_PATH).

    No model is written, and the exit code is 7, in three cases. The new
    model scores lower than the current model (the one in that folder, else
    the one in use). The corrections turn more of the folder's documents from
    right to wrong than from wrong to right, scored out of fold with and
    without them, so one document turned wrong and none turned right is
    enough. Or the new model would replace a model in that folder and lacks
    some of its categories or of the languages it was trained on. --force
    writes it anyway. A model is trained from scratch, so DIR needs a
    subfolder for every category to keep (start from a copy of
    sample_docs/train).
    """
    from docflow.cli._admin import train

    check_paths([folder], "DIR", "the folder with one subfolder per category")
    # The training files are read through the extraction cache, so the
    # extraction options and --no-cache apply to them.
    options = options_for(
        ctx,
        config=config,
        db=db,
        passwords=password,
        password_file=password_file,
        ocr=ocr,
        lang=lang,
        no_cache=no_cache,
        output_format=output_format,
        verbose=verbose,
        quiet=quiet,
    )
    train(options, folder, force=force, output=output)


@app.command(
    "mcp",
    epilog="Examples: docflow mcp classification --root ~/inbox  |  "
    "docflow mcp quality",
)
@guard
def mcp_command(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(metavar="KIND", help="classification or quality."),
    ],
    root: RootOption = None,
    config: ConfigOption = None,
    timeout: TimeoutOption = None,
    password: PasswordOption = None,
    password_file: PasswordFileOption = None,
    ocr: OcrOption = None,
    lang: LangOption = None,
    threshold: ThresholdOption = None,
    no_cache: NoExtractionCacheOption = False,
    verbose: VerboseOption = 0,
    quiet: QuietOption = False,
) -> None:
    """Serve docflow's MCP tools on stdio, for an MCP client such as an assistant."""
    from docflow.cli._admin import serve_mcp

    options = options_for(
        ctx,
        roots=root,
        config=config,
        timeout=timeout,
        passwords=password,
        password_file=password_file,
        ocr=ocr,
        lang=lang,
        threshold=threshold,
        no_cache=no_cache,
        verbose=verbose,
        quiet=quiet,
    )
    serve_mcp(options, kind)
