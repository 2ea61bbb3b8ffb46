"""``docflow train`` and ``docflow mcp``."""

from __future__ import annotations

import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docflow.cli._output import plural, terminal_text
from docflow.errors import UsageError

if TYPE_CHECKING:
    from docflow.cli._state import CliOptions
    from docflow.core.classify.train import TrainReport
    from docflow.core.config import Settings
    from docflow.core.store import Store

__all__ = ["serve_mcp", "train"]

_MCP_KINDS = ("classification", "quality")

#: Seconds between two progress lines while the training files are read,
#: when stderr is not a terminal.
PROGRESS_SECONDS = 5.0


def train(options: CliOptions, folder: str, *, force: bool, output: str | None) -> None:
    """Train the classifier on ``folder`` plus the stored corrections.

    Without ``output`` the model goes to ``_default_model_output``, so the
    shipped model is never replaced by default.
    """
    from docflow.core.classify import train_model
    from docflow.core.store import Store
    from docflow.errors import ModelRejected

    settings = options.settings()
    # Before the files are read, which can take minutes on a full corpus.
    _check_report_format(options, settings)
    if settings.extraction.ocr:
        from docflow.core.ocr import check_languages

        # Before the files are read, instead of one skipped scan per file.
        check_languages(
            settings.extraction.ocr_languages,
            settings.origin_of("extraction", "ocr_languages"),
        )
    if output is None:
        output = str(_default_model_output(settings, folder))
    # A database named by --db, DOCFLOW_DB or a settings file must exist, so
    # that a mistyped path fails instead of training without the labels.
    store = Store.for_reading(settings)
    if not store.exists() and not options.quiet:
        _note_missing_database(store)
    corrections = [
        (c.path, c.category, c.content_hash or "") for c in store.corrections()
    ]
    try:
        with _TrainStatus(enabled=not options.quiet) as status:
            report = train_model(
                folder,
                settings,
                corrections=corrections,
                output=output,
                force=force,
                on_step=status.update,
            )
    except ModelRejected as exc:
        # The comparison shows which categories got worse, before the error.
        _write_train_report(options, exc.report)
        if not options.quiet:
            _note_skipped_labels(exc.report)
        raise
    _write_train_report(options, report)
    if not options.quiet:
        _note_skipped_labels(report)
    if not options.quiet:
        # ``output``, not the report's text of it, which escapes undecodable
        # bytes in the name.
        _print_model_setting(settings, Path(output))


def _check_report_format(options: CliOptions, settings: Settings) -> None:
    """Raise UsageError when the output format is csv, which train cannot print.

    The report is one record with nested scores, not rows of one kind, so it
    has no CSV form.
    """
    if options.output_format == "csv":
        source = "--format"
    elif options.output_format is None and settings.output.format == "csv":
        origin = settings.origin_of("output", "format") or "docflow.toml"
        source = f"output.format from {origin}"
    else:
        return
    raise UsageError(
        f"invalid output format 'csv' for docflow train, given by {source}. The "
        "train report is one record with nested scores, so it has no CSV form. "
        "Use --format table, json, jsonl or auto"
    )


def _note_missing_database(store: Store) -> None:
    """Print on stderr that the database is missing, so no corrections are used.

    Only the default database gets here, because ``Store.for_reading`` raises
    for a missing database that a setting names.
    """
    from docflow.cli._queries import missing_database_message

    sys.stderr.write(
        f"docflow: {missing_database_message(store.path, store.origin)}. Training "
        "goes on with the folder alone, without corrections from docflow label.\n"
    )


def _note_skipped_labels(report: TrainReport) -> None:
    """Print on stderr how many ``none`` labels training skipped, in every format.

    The table's last line counts them too, but JSON on stdout is data only.
    """
    count = report.no_category_labels
    if count:
        sys.stderr.write(
            f"docflow: skipped {plural(count, 'document')} labeled none (no "
            "category) with docflow label, because a label of none trains no "
            "category\n"
        )


def _write_train_report(options: CliOptions, report: TrainReport) -> None:
    """Print ``report`` to stdout as a table, indented JSON, or one JSON line."""
    from docflow.cli._output import resolve_format, write_json

    data = report.model_dump(mode="json")
    chosen = resolve_format(options.output_format or options.settings().output.format)
    if chosen == "table":
        _print_train_report(data)
    else:
        write_json(data, indent=None if chosen == "jsonl" else 2)


def _default_model_output(settings: Settings, folder: str) -> Path:
    """Return ``models/<name of folder>`` beside ``store.cache_dir``, absolute.

    With the default ``store.cache_dir`` that is ``.docflow/models/<name>``.
    """
    name = Path(folder).resolve().name or "model"
    state = Path(settings.store.cache_dir).expanduser().parent
    return (state / "models" / name).absolute()


def _print_model_setting(settings: Settings, model_dir: Path) -> None:
    """Print the setting that selects ``model_dir``, unless it is the model in use."""
    from docflow.core.classify._model import resolve_model_dir

    if model_dir.resolve() == resolve_model_dir(settings).resolve():
        return
    path = str(model_dir.absolute())
    sys.stderr.write(
        f"docflow: to classify with this model, set classification.model_path "
        f"= {path!r} in docflow.toml, or export "
        f"DOCFLOW_CLASSIFICATION_MODEL_PATH={terminal_text(shlex.quote(path))}\n"
    )


class _TrainStatus:
    """The training step on stderr: a spinner on a terminal, else one line each.

    Training takes a minute or more, so a log file or pipe gets the steps too.
    """

    def __init__(
        self, *, enabled: bool, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._status: Any = None
        self._lines = enabled and not sys.stderr.isatty()
        self._reading = False
        self._enabled = enabled and sys.stderr.isatty()
        self._clock = clock
        self._last_line = 0.0

    def __enter__(self) -> _TrainStatus:
        if self._enabled:
            from rich.console import Console

            self._status = Console(stderr=True).status("training")
            self._status.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._status is not None:
            self._status.__exit__(*exc_info)

    def update(self, step: str) -> None:
        if self._status is not None:
            from rich.markup import escape

            # A step can name a file, and the spinner reads it as rich markup.
            self._status.update(escape(terminal_text(step)))
        elif self._lines:
            line = self._line(step)
            if line is not None:
                self._last_line = self._clock()
                sys.stderr.write(f"docflow: {line}\n")
                sys.stderr.flush()

    def _line(self, step: str) -> str | None:
        """Return the line to print for ``step``, or None to print nothing.

        Reading the files prints one line when it starts, then a count every
        ``PROGRESS_SECONDS``, not one line per file.
        """
        reading = step.startswith("reading ") and "/" in step.split()[1]
        started = self._reading
        self._reading = reading
        if not reading:
            return step
        number, total = step.split()[1].split("/")
        if not started:
            return f"reading {total} files"
        if self._clock() - self._last_line >= PROGRESS_SECONDS:
            return f"read {number}/{total} files"
        return None


def _print_train_report(data: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    if data["after"] is None:
        # Rejected before the fit, so there are no scores; stderr has the reason.
        console.print(
            f"model {data['version']} not written to "
            f"{escape(terminal_text(data['output']))}",
            soft_wrap=True,
        )
        return
    before = data.get("before") or {}
    after = data["after"]
    table = Table(
        title="held-out precision / recall per category", title_justify="left"
    )
    for column in (
        "category",
        "trained on",
        "held out",
        "precision before",
        "recall before",
        "precision after",
        "recall after",
    ):
        table.add_column(column, justify="right" if column != "category" else "left")
    old = before.get("per_category", {})
    trained = data["documents_per_category"]
    # A category known only from corrections has no held-out documents.
    for name in sorted(set(after["per_category"]) | set(trained)):
        metrics = after["per_category"].get(name)
        previous = old.get(name)
        table.add_row(
            escape(terminal_text(name)),
            str(trained.get(name, 0)),
            str(metrics["support"]) if metrics else "0",
            f"{previous['precision']:.2f}" if previous else "-",
            f"{previous['recall']:.2f}" if previous else "-",
            f"{metrics['precision']:.2f}" if metrics else "-",
            f"{metrics['recall']:.2f}" if metrics else "-",
        )
    console.print(table)
    line = f"macro F1 {after['macro_f1']:.3f}, accuracy {after['accuracy']:.3f}"
    if before:
        line += f" (before: {before['macro_f1']:.3f}, {before['accuracy']:.3f})"
    console.print(line)
    if data.get("correction_check"):
        _print_correction_check(console, data["correction_check"])
    if not data["written"]:
        action = "not written to"
    elif data["replaced"]:
        action = "written over the model in"
    else:
        action = "written to"
    skipped = data.get("no_category_labels", 0)
    left_out = data.get("left_out_corrections") or {}
    console.print(
        f"model {data['version']} {action} {escape(terminal_text(data['output']))} "
        f"({_describe_trained(data['training_documents'], data['corrections'])}"
        + (f", {skipped} labeled none skipped" if skipped else "")
        + (_describe_left_out(left_out) if left_out else "")
        + ")"
    )
    for warning in data.get("warnings", []):
        console.print(f"warning: {escape(terminal_text(warning))}", soft_wrap=True)


def _print_correction_check(console: Any, check: dict[str, Any]) -> None:
    """Print the out-of-fold check of the corrections: a table, then the names."""
    from rich.table import Table

    table = Table(
        title=f"corrections check, out of fold ({check['folds']} folds), per "
        "category: training documents without / with the corrections, and "
        "the corrections",
        title_justify="left",
    )
    for column in (
        "category",
        "documents",
        "recall without",
        "recall with",
        "precision without",
        "precision with",
        "corrections",
        "corrections recall",
    ):
        table.add_column(column, justify="right" if column != "category" else "left")
    without = check["without_corrections"]["per_category"]
    with_fixes = check["with_corrections"]["per_category"]
    fixes = check["corrections"]["per_category"]
    for name in sorted(set(without) | set(fixes)):
        before, after, fixed = without.get(name), with_fixes.get(name), fixes.get(name)
        table.add_row(
            _shown(name),
            str(before["support"]) if before else "0",
            f"{before['recall']:.2f}" if before else "-",
            f"{after['recall']:.2f}" if after else "-",
            f"{before['precision']:.2f}" if before else "-",
            f"{after['precision']:.2f}" if after else "-",
            str(fixed["support"]) if fixed else "0",
            f"{fixed['recall']:.2f}" if fixed else "-",
        )
    console.print(table)
    console.print(
        f"training documents: macro F1 "
        f"{check['with_corrections']['macro_f1']:.3f} with the corrections "
        f"(without: {check['without_corrections']['macro_f1']:.3f}); they turn "
        f"{len(check['regressions'])} wrong and {check['improvements']} right"
    )
    for regression in check["regressions"]:
        blamed = regression["blamed"]
        console.print(
            f"turned wrong: {_shown(regression['source'])} "
            f"({_shown(regression['category'])} to "
            f"{_shown(regression['predicted'])}, {regression['confidence']:.2f})"
            + (f", blamed on {_shown(blamed)}" if blamed else ""),
            soft_wrap=True,
        )
    for item in check["contradictions"]:
        console.print(_describe_contradiction(item), soft_wrap=True)
    for item in check.get("disputed", []):
        console.print(
            f"disputed: correction {_shown(item['source'])} labeled "
            f"{_shown(item['category'])}, the model trained without corrections "
            f"says {_shown(item['predicted'])} ({item['confidence']:.2f})",
            soft_wrap=True,
        )


def _describe_contradiction(item: dict[str, Any]) -> str:
    """Return the ``contradiction:`` line of ``item``, with its reason.

    The similarity is given only when the texts are nearly the same, because
    a low one next to "turned wrong" reads as if the texts were alike.
    """
    from docflow.core.classify._correction_check import CONTRADICTION_SIMILARITY

    correction = f"{_shown(item['correction'])} ({_shown(item['category'])})"
    other = f"{_shown(item['other'])} ({_shown(item['other_category'])})"
    similar = item["similarity"] >= CONTRADICTION_SIMILARITY
    line = f"contradiction: correction {correction}"
    if item["turned_wrong"]:
        line += f" turned {other} wrong"
        if similar:
            line += (
                f" and has nearly the same text (similarity {item['similarity']:.2f})"
            )
        return line
    return (
        f"{line} has the same or nearly the same text as {other} "
        f"(similarity {item['similarity']:.2f})"
    )


def _describe_trained(documents: int, corrections: int) -> str:
    """Return ``trained on N folder documents and M corrections``.

    ``documents`` is the report's ``training_documents``, which counts the
    corrections too, so they are taken out to count each document once.
    """
    text = f"trained on {plural(documents - corrections, 'folder document')}"
    if corrections:
        text += f" and {plural(corrections, 'correction')}"
    return text


def _shown(text: str) -> str:
    """Return ``text`` safe to print on a terminal through rich markup."""
    from rich.markup import escape

    return escape(terminal_text(text))


def _describe_left_out(left_out: dict[str, int]) -> str:
    """Return ``, N left out (no subfolder): a, b`` for the summary line."""
    from rich.markup import escape

    names = ", ".join(escape(terminal_text(name)) for name in left_out)
    return f", {sum(left_out.values())} left out (no subfolder): {names}"


def serve_mcp(options: CliOptions, kind: str) -> None:
    """Serve the classification or quality MCP tools on stdio."""
    if kind not in _MCP_KINDS:
        raise UsageError(
            f"unknown MCP server {kind!r}; choose classification or quality"
        )
    settings = options.settings()
    roots = list(settings.mcp.roots)
    if sys.stdin.isatty() and not options.quiet:
        sys.stderr.write(
            f"docflow: serving the {kind} tools on stdio; an MCP client should "
            "start this command (Ctrl-C stops it)\n"
        )
    if kind == "classification":
        from docflow.mcp.classification_server import run_classification_server

        run_classification_server(settings, roots)
    else:
        from docflow.mcp.quality_server import run_quality_server

        run_quality_server(settings, roots)
