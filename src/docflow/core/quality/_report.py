"""Markdown summary of the quality of a batch of documents."""

from __future__ import annotations

import re
from collections import Counter

from docflow.core.models import DocumentResult, QualityIssue, QualityResult

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


#: ASCII punctuation that starts Markdown or HTML markup inside a line:
#: emphasis, code, links, images, raw HTML, entities, table cells, strikethrough
#: and a heading's closing ``#``. CommonMark lets a backslash escape any of them.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~#!])")


def _escape(text: str) -> str:
    """Escape text from outside the code (file names, errors) for Markdown.

    Line breaks become spaces, so a value stays on its line. Other control
    characters, such as the NUL of a path that an MCP tool rejected, and the
    bidirectional controls such as U+202E, which would reorder the name on
    screen, are escaped as the CLI's tables escape them (``escape_controls``:
    ``\\x00``, ``\\t``, ``\\u202e``). Markup is escaped after that, so the
    rendered report shows the text as the CLI prints it. Line-start
    markup (``-``, ``1.``) needs no escape, because every value follows other
    text on its line.
    """
    from docflow.core.store._rows import escape_controls

    escaped = escape_controls(" ".join(text.splitlines()))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


def _name(path: str) -> str:
    """Return the name that the report gives the document at ``path``."""
    # An MCP tool reports a blank path as a row of its own.
    return path if path.strip() else "(empty path)"


def _unpack(
    results: list[QualityResult | DocumentResult],
) -> list[tuple[str, str, QualityResult | None, str | None]]:
    """Return (name, status, quality, error) for each result."""
    rows = []
    for index, result in enumerate(results, start=1):
        if isinstance(result, DocumentResult):
            name = _name(result.path)
            rows.append((name, str(result.status), result.quality, result.error))
        else:
            rows.append((f"document {index}", "ok", result, None))
    return rows


def _format_score(score: float | None) -> str:
    """Format a score, or "n/a" for one the text gave nothing to judge."""
    return "n/a" if score is None else f"{score:.1f}"


def _render_table(
    rows: list[tuple[str, str, QualityResult | None, str | None]],
) -> list[str]:
    lines = [
        "| Document | Status | Overall | Readability | Structure | Content | Issues |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, status, quality, _ in rows:
        if quality is None:
            lines.append(f"| {_escape(name)} | {status} | - | - | - | - | - |")
            continue
        lines.append(
            f"| {_escape(name)} | {status} | {quality.overall_score:.1f} "
            f"| {_format_score(quality.readability_score)} "
            f"| {_format_score(quality.structure_score)} "
            f"| {quality.content_quality_score:.1f} | {len(quality.issues)} |"
        )
    return lines


def _render_issue_counts(qualities: list[QualityResult]) -> list[str]:
    documents_by_code: Counter[str] = Counter()
    severity_by_code: dict[str, str] = {}
    for quality in qualities:
        for code in {issue.code for issue in quality.issues}:
            documents_by_code[code] += 1
        for issue in quality.issues:
            severity_by_code.setdefault(issue.code, issue.severity)
    if not documents_by_code:
        return ["No issues found."]
    lines = ["| Issue | Severity | Documents |", "|---|---|---:|"]
    ordered = sorted(
        documents_by_code.items(),
        key=lambda item: (_SEVERITY_ORDER[severity_by_code[item[0]]], -item[1]),
    )
    for code, count in ordered:
        lines.append(f"| {code} | {severity_by_code[code]} | {count} |")
    return lines


def _render_issue(issue: QualityIssue) -> str:
    where = f" (page {issue.page})" if issue.page is not None else ""
    # The message may quote the document's text, as repeated_phrase does.
    return f"- **{issue.severity}** `{issue.code}`{where}: {_escape(issue.message)}"


def _render_details(
    rows: list[tuple[str, str, QualityResult | None, str | None]],
) -> list[str]:
    lines: list[str] = []
    for name, status, quality, error in rows:
        if quality is None:
            if error:
                lines += ["", f"### {_escape(name)}", ""]
                lines.append(f"Not analyzed ({status}): {_escape(error)}")
            continue
        if not quality.issues:
            continue
        lines += ["", f"### {_escape(name)}", ""]
        issues = sorted(
            quality.issues, key=lambda issue: _SEVERITY_ORDER[issue.severity]
        )
        lines += [_render_issue(issue) for issue in issues]
        if quality.recommendations:
            lines += ["", "What to do:", ""]
            lines += [f"1. {_escape(advice)}" for advice in quality.recommendations]
    return lines


def render_report(results: list[QualityResult | DocumentResult]) -> str:
    """Render a Markdown report: scores per document, issue counts, then details.

    Documents without a quality result (failed or not analyzed) are listed
    with their status and error.
    """
    rows = _unpack(results)
    qualities = [quality for _, _, quality, _ in rows if quality is not None]
    lines = ["# Document quality report", ""]
    if not rows:
        return "\n".join(lines + ["No documents.", ""])

    mean = (
        sum(quality.overall_score for quality in qualities) / len(qualities)
        if qualities
        else None
    )
    noun = "document" if len(rows) == 1 else "documents"
    summary = f"{len(rows)} {noun}, {len(qualities)} analyzed"
    if mean is not None:
        summary += f", mean overall score {mean:.1f}"
    lines += [summary + ".", "", "## Scores", ""]
    lines += _render_table(rows)
    lines += ["", "## Issues", ""]
    lines += _render_issue_counts(qualities)
    details = _render_details(rows)
    if details:
        lines += ["", "## Details"] + details
    return "\n".join(lines) + "\n"
