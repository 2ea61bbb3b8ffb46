"""Terminal views (rich) of the stats and of one document's full result."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape as escape_markup
from rich.table import Table

from docflow.cli._output import make_console, plural, terminal_text

__all__ = ["print_document", "print_stats"]


def _markup(text: str) -> str:
    """Escape ``text`` for rich markup and for one line of a terminal.

    Paths, errors, facts and issue messages can quote file names and
    document text, which may hold control characters (``terminal_text``).
    """
    return escape_markup(terminal_text(text))


def _number(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _period(since: str | None, until: str | None) -> str:
    """Describe the ``stats --since/--until`` window, with the exclusive end."""
    start = since.replace("T", " ") if since else None
    end = until.replace("T", " ") if until else None
    if start and end:
        return f" processed from {start} to before {end}"
    if start:
        return f" processed from {start}"
    if end:
        return f" processed before {end}"
    return ""


def print_stats(stats: dict[str, Any]) -> None:
    """Print the stats as a few small tables."""
    console = make_console(highlight=False)
    latency = stats["latency_ms"]
    console.print(
        f"[bold]{plural(stats['documents'], 'document')}[/bold]"
        f"{_period(stats.get('since'), stats.get('until'))} in "
        f"{_markup(stats['database'])}: {stats['errors']} not ok, "
        f"{stats['review_queue']} waiting for review, "
        f"{stats['labeled_documents']} corrected by a person",
        # One line each, also in a pipe, where rich would wrap at 80 columns.
        soft_wrap=True,
    )
    console.print(
        f"results taken from the cache: {stats['cache_hits']} over all runs; "
        f"current rows copied from a file of the same content: "
        f"{stats['reused_results']}",
        soft_wrap=True,
    )
    console.print(
        f"latency per document (ms, over {plural(latency['documents'], 'document')} "
        f"processed, not cached): mean {_number(latency['mean'])}, "
        f"p50 {_number(latency['p50'])}, p95 {_number(latency['p95'])}",
        soft_wrap=True,
    )
    for title, counts in (
        ("status", stats["by_status"]),
        ("category", stats["by_category"]),
    ):
        table = Table(title=f"by {title}", title_justify="left")
        table.add_column(title)
        table.add_column("documents", justify="right")
        for name, count in counts.items():
            table.add_row(_markup(str(name)), str(count))
        console.print(table)
    runs = Table(title="last runs", title_justify="left")
    for column in ("id", "command", "status", "started (UTC)", "done", "cache hits"):
        runs.add_column(column)
    for run in stats["runs"]:
        runs.add_row(
            str(run["id"]),
            run["command"],
            run["status"],
            run["started_at"][:19],
            f"{run['done']}/{run['total']}",
            str(run["cache_hits"]),
        )
    console.print(runs)


def print_document(record: dict[str, Any]) -> None:
    """Print one stored result: identity, classification, facts, quality."""
    console = make_console(highlight=False)
    console.print(f"[bold]{_markup(record['path'])}[/bold]  (id {record.get('id')})")
    status = record["status"]
    console.print(
        f"status {_markup(status)}, type {_markup(str(record.get('detected_type')))}, "
        f"{_describe_pages(record)}, "
        f"processed {record.get('processed_at', '')[:19]} UTC"
    )
    if record.get("error"):
        console.print(f"[red]{_markup(record['error'])}[/red]")
    _print_review(console, record)
    shown_reasons = []
    if record.get("review_status") == "needs_review":
        shown_reasons = record.get("review_reasons") or []
    _print_classification(console, record.get("classification"), shown_reasons)
    _print_quality(console, record.get("quality"))


def _print_review(console: Console, record: dict[str, Any]) -> None:
    if record.get("review_status") != "needs_review":
        return
    reasons = record.get("review_reasons") or []
    because = f": {'; '.join(reasons)}" if reasons else ""
    console.print(f"[yellow]needs review{_markup(because)}[/yellow]")


def _describe_pages(record: dict) -> str:
    pages = record.get("pages") or 0
    read = record.get("pages_read")
    if read is None or read >= pages:
        return plural(pages, "page")
    return f"{plural(pages, 'page')} ({read} read to classify)"


def _print_classification(
    console: Console, classification: dict | None, shown_reasons: Sequence[str]
) -> None:
    if not classification:
        return
    correction = classification.get("correction")
    if correction:
        console.print(
            f"category [bold]{_markup(classification['category'])}[/bold], labeled by "
            f"{_markup(correction['labeled_by'])} on "
            f"{str(correction['labeled_at'])[:10]} (the classifier said "
            f"{_markup(correction['model_category'])} at "
            f"{correction['model_confidence']:.2f}, model "
            f"{_markup(classification['metadata']['model_version'])})"
        )
    else:
        console.print(
            f"category [bold]{_markup(classification['category'])}[/bold], "
            f"confidence {classification['confidence']:.2f} "
            f"({classification['processing_method']}, "
            f"model {_markup(classification['metadata']['model_version'])})"
        )
    evidence = [
        item
        for item in classification["evidence"]
        if not _repeats_reason(item, shown_reasons)
    ]
    _print_evidence(
        console,
        [item for item in evidence if item["source"] != "rule"],
        "evidence from the model (weight: added to the model score)",
    )
    _print_evidence(
        console,
        [item for item in evidence if item["source"] == "rule"],
        "evidence from rules (weight: set in classification.rules)",
    )
    if classification["facts"]:
        table = Table(title="facts", title_justify="left")
        for column in ("kind", "value", "normalized", "page"):
            table.add_column(column)
        for fact in classification["facts"]:
            table.add_row(
                _markup(fact["kind"]),
                _markup(fact["value"]),
                _markup(str(fact.get("normalized") or "")),
                str(fact.get("page") or ""),
            )
        console.print(table)


def _print_evidence(console: Console, evidence: list[dict], title: str) -> None:
    """Print one evidence table, because model and rule weights differ in scale."""
    if not evidence:
        return
    # A table title would wrap at the table's width, so it is a line of its own.
    console.print(title)
    table = Table()
    for column in ("term", "weight", "source"):
        table.add_column(column)
    for item in evidence:
        table.add_row(_markup(item["term"]), f"{item['weight']:.3f}", item["source"])
    console.print(table)


def _repeats_reason(item: dict[str, Any], reasons: Sequence[str]) -> bool:
    """Return whether evidence ``item`` only repeats a review reason shown above.

    The classifier gives its reason for ``unknown`` or for a capped confidence
    as a rule item of the evidence, and the review reasons quote that item.
    A reason may end with the item ("category unknown: too little text"), or
    reword it ("best guess memo at confidence 0.42, under ..."). For a language
    the model was not trained on, the item is the reason plus ": sent to
    review". Words are compared without punctuation, so the rewording matches.
    """
    if item.get("source") != "rule":
        return False
    words = _WORD.findall(item["term"])
    for reason in reasons:
        reason_words = _WORD.findall(reason)
        if len(reason_words) > len(words) and reason_words[-len(words) :] == words:
            return True
        if len(words) > len(reason_words) and words[: len(reason_words)] == (
            reason_words
        ):
            return True
    return False


#: A word or number of an evidence term or a review reason.
_WORD = re.compile(r"[\w.+-]+")


def _format_score(score: float | None) -> str:
    # A score of None was not measured, and an issue below explains it.
    return "not scored" if score is None else f"{score:.1f}"


def _print_quality(console: Console, quality: dict | None) -> None:
    if not quality:
        return
    console.print(
        f"quality {quality['overall_score']:.1f} (readability "
        f"{_format_score(quality['readability_score'])}, "
        f"structure {_format_score(quality['structure_score'])}, "
        f"content {quality['content_quality_score']:.1f})"
    )
    if quality.get("readability"):
        _print_readability(console, quality["readability"])
    if quality["issues"]:
        table = Table(title="issues", title_justify="left")
        for column in ("severity", "code", "page", "message"):
            table.add_column(column)
        for issue in quality["issues"]:
            table.add_row(
                issue["severity"],
                _markup(issue["code"]),
                str(issue.get("page") or ""),
                _markup(issue["message"]),
            )
        console.print(table)
    for recommendation in quality.get("recommendations", []):
        console.print(f"- {_markup(recommendation)}")


def _print_readability(console: Console, summary: dict[str, Any]) -> None:
    """Print the readability formula, language, key metrics, explanation and notes."""
    from docflow.core.readability import format_readability_summary

    console.print(f"readability: {_markup(format_readability_summary(summary))}")
    if summary["explanation"]:
        console.print(f"  {_markup(summary['explanation'])}")
    for note in summary["notes"]:
        console.print(f"  note: {_markup(note)}")
