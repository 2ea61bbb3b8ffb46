"""Self-contained HTML report of stored results, with inline SVG charts.

The page needs no network and no JavaScript: the charts are SVG elements
written here and the styles are inline, so the file can be mailed or opened
offline. Every text from a document (paths, messages) is HTML-escaped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from docflow.core.config import QualitySettings
from docflow.core.plurals import choose_noun
from docflow.core.readability import (
    format_readability_summary,
    summarize_readability,
)

if TYPE_CHECKING:
    from docflow.core.models import CategoryCorrection, QualityResult
    from docflow.core.store import StoredResult

__all__ = ["render_report"]

#: Documents listed in the "worst quality" and review tables.
TABLE_ROWS = 25

#: The default quality.readability_target, for callers without settings.
DEFAULT_READABILITY_TARGET: float = QualitySettings.model_fields[
    "readability_target"
].default

_BAR_HEIGHT = 18
_CHART_WIDTH = 560
_LABEL_WIDTH = 150

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 72em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left;
         vertical-align: top; }
td.num { text-align: right; }
.summary span { display: inline-block; margin-right: 2em; }
.summary b { font-size: 1.3em; }
svg text { font-size: 12px; fill: #222; }
.bad { color: #b00020; }
"""


def render_report(
    rows: Sequence[StoredResult],
    *,
    title: str = "docflow report",
    database: str = "",
    generated_at: datetime | None = None,
    readability_target: float = DEFAULT_READABILITY_TARGET,
) -> str:
    """Return the HTML page for ``rows``.

    ``readability_target`` is ``quality.readability_target``, which the
    readability explanation in the lowest-quality table divides by.
    """
    results = [stored.result for stored in rows]
    sections = [
        _summary(rows),
        "<h2>Categories</h2>",
        _bar_chart(_category_counts(rows), "documents per category", "category-chart"),
        "<h2>Status</h2>",
        _bar_chart(
            Counter(str(r.status) for r in results).most_common(),
            "documents per status",
            "status-chart",
        ),
        "<h2>Quality scores</h2>",
        _histogram(
            [r.quality.overall_score for r in results if r.quality],
            low=0.0,
            high=100.0,
            label="overall quality score",
            chart_id="quality-histogram",
            # Only a document that was read can lack scores because of classify.
            empty=_NO_QUALITY if any(r.ok for r in results) else "<p>No data.</p>",
        ),
        "<h2>Classification confidence</h2>",
        _histogram(
            _classifier_confidences(rows),
            low=0.0,
            high=1.0,
            label="classifier confidence",
            chart_id="confidence-histogram",
        ),
        _LABELED_CONFIDENCE if any(map(_correction, rows)) else "",
        "<h2>Review queue</h2>",
        _review_table(rows),
        "<h2>Corrected by a person</h2>",
        _corrections_table(rows),
        "<h2>Lowest quality documents</h2>",
        _worst_table(rows, readability_target),
    ]
    footer = f"database {escape(database)}" if database else ""
    if generated_at is not None:
        footer += f", generated {generated_at:%Y-%m-%d %H:%M} UTC"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        + "\n".join(sections)
        + f"<p><small>{footer}</small></p></body></html>\n"
    )


#: The quality chart's text when no stored result has a quality judgment.
_NO_QUALITY = (
    "<p>No quality scores are stored, because <code>docflow classify</code> "
    "does not judge quality. Run <code>docflow analyze</code> or "
    "<code>docflow process</code> on these documents to add them.</p>"
)

#: The confidence chart's caption, for a report with a labeled document.
_LABELED_CONFIDENCE = (
    "<p><small>For a document labeled by a person, the confidence the "
    "classifier had in the category it returned.</small></p>"
)


def _category_counts(rows: Sequence[StoredResult]) -> list[tuple[str, int]]:
    counts = Counter(
        s.result.classification.category for s in rows if s.result.classification
    )
    return counts.most_common()


def _classifier_confidences(rows: Sequence[StoredResult]) -> list[float]:
    """Return the classifier's confidence for each classified document.

    A labeled document has confidence 1.0, so it contributes the confidence
    the classifier had before the label.
    """
    confidences = []
    for stored in rows:
        classification = stored.result.classification
        if classification is None:
            continue
        correction = classification.correction
        if correction is not None:
            confidences.append(correction.model_confidence)
        else:
            confidences.append(classification.confidence)
    return confidences


def _summary(rows: Sequence[StoredResult]) -> str:
    results = [stored.result for stored in rows]
    scores = [r.quality.overall_score for r in results if r.quality]
    failed = sum(1 for r in results if str(r.status) != "ok")
    review = sum(1 for s in rows if _needs_review(s))
    corrected = sum(1 for s in rows if _correction(s) is not None)
    mean = f"{sum(scores) / len(scores):.1f}" if scores else "-"
    items = [
        (choose_noun(len(results), "document"), str(len(results))),
        ("not ok", str(failed)),
        ("waiting for review", str(review)),
        ("corrected by a person", str(corrected)),
        ("mean quality", mean),
    ]
    spans = "".join(f"<span><b>{value}</b> {label}</span>" for label, value in items)
    return f'<p class="summary">{spans}</p>'


def _correction(stored: StoredResult) -> CategoryCorrection | None:
    classification = stored.result.classification
    return classification.correction if classification else None


def _needs_review(stored: StoredResult) -> bool:
    """Tell whether a person should look at the document.

    A label settles the category, so a labeled document needs review only
    for the quality reasons its corrected review status keeps.
    """
    result = stored.result
    unknown = result.classification is not None and (
        result.classification.category == "unknown"
    )
    return unknown or str(result.review_status) == "needs_review"


def _bar_chart(items: Sequence[tuple[str, int]], caption: str, chart_id: str) -> str:
    if not items:
        return "<p>No data.</p>"
    top = max(count for _, count in items) or 1
    height = len(items) * (_BAR_HEIGHT + 6) + 10
    span = _CHART_WIDTH - _LABEL_WIDTH - 50
    parts = [
        f'<svg id="{chart_id}" role="img" width="{_CHART_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_CHART_WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(caption)}</title>"
    ]
    for index, (label, count) in enumerate(items):
        y = 5 + index * (_BAR_HEIGHT + 6)
        width = max(1.0, span * count / top)
        parts.append(
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect class="bar" x="{_LABEL_WIDTH}" y="{y}" width="{width:.1f}" '
            f'height="{_BAR_HEIGHT}" fill="#3b6ea5"><title>{escape(label)}: '
            f"{count}</title></rect>"
            f'<text x="{_LABEL_WIDTH + width + 4:.1f}" y="{y + 13}">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _histogram(
    values: Sequence[float],
    *,
    low: float,
    high: float,
    label: str,
    chart_id: str,
    bins: int = 10,
    empty: str = "<p>No data.</p>",
) -> str:
    """Return an SVG histogram of ``values``, or the HTML ``empty`` without any."""
    if not values:
        return empty
    counts = [0] * bins
    step = (high - low) / bins
    for value in values:
        index = min(bins - 1, max(0, int((value - low) / step)))
        counts[index] += 1
    top = max(counts) or 1
    width, height, base = _CHART_WIDTH, 220, 190
    column = (width - 60) / bins
    parts = [
        f'<svg id="{chart_id}" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)} histogram</title>"
        f'<line x1="40" y1="{base}" x2="{width - 20}" y2="{base}" stroke="#888"/>'
    ]
    for index, count in enumerate(counts):
        bar = (base - 20) * count / top
        x = 40 + index * column
        start = low + index * step
        parts.append(
            f'<rect class="bar" x="{x + 2:.1f}" y="{base - bar:.1f}" '
            f'width="{column - 4:.1f}" height="{bar:.1f}" fill="#5a9e6f">'
            f"<title>{_edge(start)}-{_edge(start + step)}: {count}</title></rect>"
            f'<text x="{x + column / 2:.1f}" y="{base - bar - 3:.1f}" '
            f'text-anchor="middle">{count or ""}</text>'
            f'<text x="{x:.1f}" y="{base + 14}" text-anchor="middle">'
            f"{_edge(start)}</text>"
        )
    parts.append(
        f'<text x="{width - 20}" y="{base + 14}" text-anchor="middle">{_edge(high)}'
        f'</text><text x="{width / 2:.0f}" y="{height - 2}" text-anchor="middle">'
        f"{escape(label)}</text></svg>"
    )
    return "".join(parts)


def _edge(value: float) -> str:
    return f"{value:g}" if value >= 1 or value == 0 else f"{value:.1f}"


def _review_table(rows: Sequence[StoredResult]) -> str:
    queue = [s for s in rows if _needs_review(s)]
    waiting = queue[:TABLE_ROWS]
    if not waiting:
        return "<p>Nothing waits for review.</p>"
    body = []
    for stored in waiting:
        result = stored.result
        classification = result.classification
        quality = result.quality
        body.append(
            "<tr>"
            f'<td class="num">{stored.id}</td><td>{escape(_path(result.path))}</td>'
            f"<td>{escape(classification.category) if classification else ''}</td>"
            f'<td class="num">'
            f"{f'{classification.confidence:.2f}' if classification else ''}</td>"
            f'<td class="num">{f"{quality.overall_score:.1f}" if quality else ""}</td>'
            f"<td>{escape('; '.join(result.review_reasons))}</td>"
            "</tr>"
        )
    return (
        '<table id="review-queue"><tr><th>id</th><th>path</th><th>category</th>'
        "<th>confidence</th><th>quality</th><th>reasons</th></tr>"
        + "".join(body)
        + "</table>"
        + _shown_note(len(waiting), len(queue))
        + "<p><small>Record the right category with: docflow label ID CATEGORY, "
        "or docflow label ID none when no category fits</small></p>"
    )


def _corrections_table(rows: Sequence[StoredResult]) -> str:
    corrected = [s for s in rows if _correction(s) is not None]
    listed = corrected[:TABLE_ROWS]
    if not listed:
        return "<p>No category was corrected.</p>"
    body = []
    for stored in listed:
        correction = _correction(stored)
        assert correction is not None
        category = stored.result.classification.category  # type: ignore[union-attr]
        body.append(
            "<tr>"
            f'<td class="num">{stored.id}</td>'
            f"<td>{escape(_path(stored.result.path))}</td>"
            f"<td>{escape(category)}</td>"
            f"<td>{escape(correction.model_category)} "
            f"({correction.model_confidence:.2f})</td>"
            f"<td>{escape(correction.labeled_by)}</td>"
            f"<td>{correction.labeled_at:%Y-%m-%d %H:%M}</td>"
            "</tr>"
        )
    return (
        '<table id="corrections"><tr><th>id</th><th>path</th><th>category</th>'
        "<th>classifier returned</th><th>labeled by</th><th>labeled at (UTC)</th></tr>"
        + "".join(body)
        + "</table>"
        + (
            f'<p class="shown-note">{len(listed)} of {len(corrected)} shown</p>'
            if len(listed) < len(corrected)
            else ""
        )
        + "<p><small>The summary and the category chart above use the corrected "
        "category. The confidence histogram shows the classifier's confidence, "
        "before the correction.</small></p>"
    )


def _shown_note(shown: int, total: int) -> str:
    if shown == total:
        return ""
    return (
        f'<p class="shown-note">{shown} of {total} shown; list them all with: '
        "docflow review</p>"
    )


def _worst_table(rows: Sequence[StoredResult], readability_target: float) -> str:
    scored = [s for s in rows if s.result.quality is not None]
    scored.sort(key=lambda s: s.result.quality.overall_score)  # type: ignore[union-attr]
    failed = [s for s in rows if str(s.result.status) != "ok"]
    listed = (failed + scored)[:TABLE_ROWS]
    if not listed:
        return "<p>No quality results.</p>"
    body = []
    for stored in listed:
        result = stored.result
        if result.quality is None:
            issues = f'<span class="bad">{escape(str(result.status))}</span> '
            issues += escape(result.error or "")
            body.append(_worst_row(stored.id, result.path, "", issues, ""))
            continue
        body.append(
            _worst_row(
                stored.id,
                result.path,
                f"{result.quality.overall_score:.1f}",
                _issue_html(stored.id, result.quality),
                _readability_html(result.quality, readability_target),
            )
        )
    return (
        '<table id="worst-documents"><tr><th>id</th><th>path</th><th>quality</th>'
        "<th>issues and recommendations</th><th>readability</th></tr>"
        + "".join(body)
        + "</table>"
    )


def _issue_text(quality: QualityResult) -> str:
    """Return the first issues as sentences, or the part scores when there are none.

    A score under 100 with no issue comes from the readability, structure
    and content parts, so those are what explain it.
    """
    if quality.issues:
        return " ".join(
            f"{issue.code}: {issue.message.rstrip('.')}."
            for issue in quality.issues[:5]
        )
    parts = [
        ("readability", quality.readability_score),
        ("structure", quality.structure_score),
        ("content", quality.content_quality_score),
    ]
    scores = ", ".join(
        f"{name} {value:.0f}" for name, value in parts if value is not None
    )
    return f"no issue; part scores: {scores}"


def _issue_html(document_id: int, quality: QualityResult) -> str:
    """Return the first issues, each with its recommendation, as HTML lines."""
    if not quality.issues:
        return escape(_issue_text(quality))
    lines = []
    # Issues with one cause share their advice, as empty_document and no_words
    # do, so each recommendation is shown under the first issue that has it.
    shown_advice: set[str] = set()
    for issue in quality.issues[:5]:
        line = f"<b>{escape(issue.code)}</b>: {escape(issue.message.rstrip('.'))}."
        if issue.recommendation and issue.recommendation not in shown_advice:
            shown_advice.add(issue.recommendation)
            line += (
                f'<br><span class="recommendation">Recommendation: '
                f"{escape(issue.recommendation)}</span>"
            )
        lines.append(f"<div>{line}</div>")
    if len(quality.issues) > 5:
        lines.append(
            f"<div><small>{len(quality.issues) - 5} more, listed by: "
            f"docflow report {document_id}</small></div>"
        )
    return "".join(lines)


def _readability_html(quality: QualityResult, readability_target: float) -> str:
    """Return the formula, language, key metrics, explanation and notes as HTML."""
    if not quality.metrics:
        return ""
    summary = summarize_readability(
        quality.metrics, quality.readability_score, readability_target
    )
    parts = [escape(format_readability_summary(summary))]
    if summary["explanation"]:
        parts.append(f"<small>{escape(summary['explanation'])}</small>")
    parts.extend(
        f'<small class="note">Note: {escape(note)}</small>' for note in summary["notes"]
    )
    return "<br>".join(parts)


def _worst_row(
    document_id: int, path: str, score: str, issues: str, readability: str
) -> str:
    """Return one table row. ``issues`` and ``readability`` are escaped HTML."""
    return (
        f'<tr><td class="num">{document_id}</td><td>{escape(_path(path))}</td>'
        f'<td class="num">{score}</td><td>{issues}</td><td>{readability}</td></tr>'
    )


def _path(path: str) -> str:
    from docflow.core.store import display_path

    return display_path(path)
