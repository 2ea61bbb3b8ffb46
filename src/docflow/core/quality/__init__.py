"""Judge how usable an extracted document is, page by page and as a whole.

``analyze_quality`` returns four scores from 0 to 100, a list of issues (each
with a code, a message naming the measured value and the threshold, the page
where it applies and what to do) and the metrics behind them. Every threshold
comes from ``settings.quality``.

What lowers each score:

- ``readability_score``: 100 x Flesch reading ease / ``readability_target``
  (the language's Flesch variant), capped to 0-100, minus 100 x (long-sentence
  share - ``long_sentence_share``), at most 30, when ``long_sentences`` fires.
  ``low_readability`` explains a Flesch part below ``review_threshold``
  when sentences average 20 words or more. Short items, as in a resume or
  a bullet list, keep the low score without the issue.
  Garbage and empty pages are left out. Readability is not applicable, and
  the score is None, for a language without a Flesch variant (checked
  first), fewer than ``readability_min_words`` words, text that is mostly
  numbers, a table (``table_rows``), a receipt, invoice or statement
  (``amount_line_share``), fewer than 10 distinct words, or one phrase
  repeated (``repeated_phrase``). The
  formula metrics (``flesch_reading_ease`` and the grade levels) are then
  None too, and ``readability_note`` gives the reason. ``long_sentences``
  does not fire for text of fewer than 10 distinct words, nor with
  ``repeated_phrase`` when the repeated phrase is no longer than
  ``long_sentence_words``.
- ``structure_score``: 100, minus 30 for ``no_headings_long_document``,
  minus 70 for ``wall_of_text`` (70% or more of the running text in
  paragraphs of 200 or more words, with at most one heading) and minus
  100 x the repeated-text share (at most 50) for ``repeated_text``. None
  when the text has no words, or neither two lines of 20 or more characters
  to compare, nor enough words to expect headings, nor a wall of text.
- ``content_quality_score``: 100, minus 80 x the share of garbage pages,
  80 x the share of pages without a text layer, 40 x the share of empty
  pages and 50 x the share of low-confidence OCR pages. ``ocr_truncated``
  costs 20 and ``extension_mismatch`` 10. A near-empty document (under
  ``min_document_chars`` and not a whole short text, see
  ``near_empty_document``), and text
  without words (``no_words``), of fewer than 10 distinct words
  (``few_distinct_words``) or of 20 words or more that mostly repeat one
  phrase, sentence or paragraph back to back (``repeated_phrase``), scores
  at most 30.
- ``overall_score``: the mean of the scores that are not None, weighted by
  ``readability_weight``, ``structure_weight`` and ``content_weight``.

A score that is None comes with an issue that explains it: ``no_words``,
``few_distinct_words``, ``repeated_phrase`` or ``score_not_applicable``.

An e-mail is judged by its body: the Subject, From, To, Cc and Date lines
that extraction puts before it are left out.

An empty document (no page with a non-space character) gets
``empty_document`` and ``no_words``: readability and structure are None, and
content and overall are 0.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from docflow.core.models import ExtractedDocument, QualityIssue, QualityResult
from docflow.core.quality._catalog import ISSUES, quality_metrics_catalog
from docflow.core.quality._checks import (
    Findings,
    bound_score,
    check_document,
    check_pages,
    check_readability,
    check_structure,
    check_words,
    drop_email_headers,
    explain_unscored,
    resolve_language,
)
from docflow.core.quality._report import render_report

if TYPE_CHECKING:
    from docflow.core.config import QualitySettings, Settings

__all__ = ["analyze_quality", "quality_metrics_catalog", "render_report"]

log = logging.getLogger(__name__)

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def analyze_quality(document: ExtractedDocument, settings: Settings) -> QualityResult:
    """Score ``document``, list its quality issues and the metrics behind them."""
    config = settings.quality
    findings = Findings(config=config, ocr_off_by=_describe_ocr_switch(settings))
    document = drop_email_headers(document)

    resolve_language(findings, document)
    check_pages(findings, document)
    check_document(findings, document)
    check_words(findings)
    check_readability(findings, document)
    check_structure(findings, document)
    explain_unscored(findings)

    result = _score(findings, config)
    result.issues = findings.issues
    result.recommendations = _recommend(findings.issues)
    result.metrics = findings.metrics
    log.debug(
        "quality of %s: overall %.1f, %d issues",
        document.path,
        result.overall_score,
        len(result.issues),
    )
    return result


def _describe_ocr_switch(settings: Settings) -> str | None:
    """Return what turned OCR off, for advice on pages left unread, or None.

    ``origin_of`` names the file or variable that set extraction.ocr, and is
    None for the default and for a command-line flag. OCR is on by default,
    so OCR that is off without an origin was turned off with --no-ocr.
    """
    if settings.extraction.ocr:
        return None
    return settings.origin_of("extraction", "ocr") or "--no-ocr"


def _score(findings: Findings, config: QualitySettings) -> QualityResult:
    readability = None
    if findings.readability_applicable:
        readability = findings.readability_score()
    structure = None
    if findings.structure_applicable:
        structure = bound_score(100.0 - findings.penalties["structure"])
    content = bound_score(100.0 - findings.penalties["content"])
    if findings.content_cap is not None:
        content = min(content, findings.content_cap)

    # A float sum depends on its order, and this order keeps the overall
    # scores of documents whose three scores are all present unchanged.
    weighted = []
    if structure is not None:
        weighted.append((structure, config.structure_weight))
    weighted.append((content, config.content_weight))
    if readability is not None:
        weighted.append((readability, config.readability_weight))
    total_weight = sum(weight for _, weight in weighted)
    if total_weight == 0:
        overall = sum(score for score, _ in weighted) / len(weighted)
    else:
        overall = sum(score * weight for score, weight in weighted) / total_weight
    return QualityResult(
        overall_score=bound_score(overall),
        readability_score=readability,
        structure_score=structure,
        content_quality_score=content,
    )


def _recommend(issues: list[QualityIssue]) -> list[str]:
    """Return one recommendation per issue code, most severe first.

    A page-level code lists the affected pages before its advice. A
    document-level code repeats the issue's own recommendation, unless a
    more severe code already gave the same text.
    """
    pages_by_code: dict[str, list[int]] = {}
    first_by_code: dict[str, QualityIssue] = {}
    for issue in issues:
        first_by_code.setdefault(issue.code, issue)
        if issue.page is not None:
            pages_by_code.setdefault(issue.code, []).append(issue.page)
    ordered = sorted(
        first_by_code.values(), key=lambda issue: _SEVERITY_ORDER[issue.severity]
    )
    recommendations = []
    for issue in ordered:
        pages = pages_by_code.get(issue.code)
        if pages:
            advice = _page_advice(issue.code, issues)
            recommendations.append(f"{_describe_pages(pages)}: {advice}")
        elif issue.recommendation not in recommendations:
            recommendations.append(issue.recommendation)
    return recommendations


def _page_advice(code: str, issues: list[QualityIssue]) -> str:
    """Return the advice the pages with ``code`` share, else the code's own.

    Each page's advice fits how its text was read (a scan, OCR of a
    rendering, a text layer), so it is kept when all pages have the same.
    """
    advice = {
        issue.recommendation
        for issue in issues
        if issue.code == code and issue.page is not None
    }
    if len(advice) == 1:
        return advice.pop()
    return ISSUES[code].advice


def _describe_pages(pages: list[int]) -> str:
    listed = ", ".join(str(page) for page in pages[:10])
    if len(pages) > 10:
        listed += f" and {len(pages) - 10} more"
    return f"Page {listed}" if len(pages) == 1 else f"Pages {listed}"
