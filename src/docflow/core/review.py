"""Tell the quality reasons for review apart from the classification reasons.

A result stores why it needs review as one list of sentences, the
classification reasons first. A label from ``docflow label`` settles the
classification only, so a labeled document still needs review for the
quality reasons. The pipeline starts every quality reason with one of
``QUALITY_REASON_PREFIXES`` and no classification reason with any of them,
which is how the stored list, of any schema version, is split.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "GARBAGE_TEXT_REASON",
    "LOW_CONFIDENCE_REASON",
    "QUALITY_REASON_PREFIXES",
    "QUALITY_SCORE_REASON",
    "UNKNOWN_CATEGORY_REASON",
    "UNTRAINED_LANGUAGE",
    "has_quality_reason_sql",
    "quality_reasons",
    "review_reason_code",
]

#: Prefixes of the quality reasons: a score under ``quality.review_threshold``,
#: or pages of garbage text.
QUALITY_SCORE_REASON = "quality "
GARBAGE_TEXT_REASON = "garbage text"
QUALITY_REASON_PREFIXES = (QUALITY_SCORE_REASON, GARBAGE_TEXT_REASON)
#: Prefixes of the classification reasons: the category ``unknown``, or a
#: confidence under ``classification.review_threshold``.
UNKNOWN_CATEGORY_REASON = "category unknown"
LOW_CONFIDENCE_REASON = "confidence "
#: Start of the evidence term, and of the reason after ``category unknown: ``,
#: that names a language the model was not trained on.
UNTRAINED_LANGUAGE = "text in "


def review_reason_code(reason: str) -> str | None:
    """Return the short code of a review reason, such as ``low_confidence``.

    Returns None for a reason that starts with none of the known prefixes.
    """
    codes = (
        (UNKNOWN_CATEGORY_REASON, "unknown_category"),
        (LOW_CONFIDENCE_REASON, "low_confidence"),
        (UNTRAINED_LANGUAGE, "untrained_language"),
        (QUALITY_SCORE_REASON, "low_quality"),
        (GARBAGE_TEXT_REASON, "garbage_text"),
    )
    for prefix, code in codes:
        if reason.startswith(prefix):
            return code
    return None


def quality_reasons(reasons: Iterable[str]) -> list[str]:
    """Return the quality reasons among ``reasons``, in their order."""
    return [reason for reason in reasons if reason.startswith(QUALITY_REASON_PREFIXES)]


def has_quality_reason_sql(column: str) -> str:
    """Return a DuckDB condition: the JSON list in ``column`` has a quality reason."""
    tests = " OR ".join(
        f"starts_with(reason, '{prefix}')" for prefix in QUALITY_REASON_PREFIXES
    )
    return (
        "EXISTS (SELECT 1 FROM (SELECT unnest(json_extract_string("
        f"{column}, '$[*]')) AS reason) WHERE {tests})"
    )
