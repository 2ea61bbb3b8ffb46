"""Choose the folder a processed file goes to.

The order is fixed: unreadable or invalid files go to ``quarantine/``, then
documents a person should look at (confidence under ``review_confidence`` or
review status ``needs_review``) go to ``review/``, then the first matching
``[[watch.routes]]`` rule decides, and otherwise ``processed/<category>/``.
Duplicates are decided before processing (see ``docflow.watch.daemon``).

A rule's destination is a template relative to the output folder. It may use
``{category}``, ``{confidence}``, ``{quality}``, ``{name}``, ``{stem}``,
``{suffix}``, ``{inbox}``, ``{year}``, ``{month}``, ``{day}``, ``{date:%Y-%m}``
and ``{facts[total]}``, which reads ``no-total`` when the document has no
total. The date is the document date found in the text when
there is one, and the time the file was received otherwise. ``{date}`` alone
is the ISO date, and a "/" in a date format makes nested folders.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docflow.core._route_templates import (
    clean_segment,
    describe_template_problem,
    fill_template,
    number_field,
)
from docflow.core._settings_checks import format_key
from docflow.core.models import DocumentResult, ReviewStatus, Status
from docflow.errors import ConfigError

if TYPE_CHECKING:
    from docflow.core.config import RouteRule, WatchSettings

__all__ = ["Route", "check_templates", "choose_route", "render_destination"]


@dataclass(frozen=True)
class Route:
    """Destination of one file: a route name and a folder under the output folder."""

    name: str  # processed, review, quarantine, duplicates
    folder: str
    rule: int | None = None  # index of the matching [[watch.routes]] rule


class _SafeFacts(dict[str, str]):
    """Fact values by kind, where a kind the document lacks reads ``no-<kind>``.

    A missing fact does not read ``unknown``, because that is a category.
    """

    def __missing__(self, key: str) -> str:
        return f"no-{key}"


def choose_route(
    result: DocumentResult, watch: WatchSettings, received: datetime, inbox: str
) -> Route:
    """Return the route of a processed file."""
    if result.status is not Status.OK:
        return Route("quarantine", "quarantine")
    if _needs_review(result, watch):
        return Route("review", "review")
    for index, rule in enumerate(watch.routes):
        if _rule_matches(rule, result):
            folder = render_destination(rule.destination, result, received, inbox)
            return Route("processed", folder, rule=index)
    category = result.classification.category if result.classification else "unknown"
    return Route("processed", f"processed/{clean_segment(category)}")


def _needs_review(result: DocumentResult, watch: WatchSettings) -> bool:
    if result.review_status is ReviewStatus.NEEDS_REVIEW:
        return True
    classification = result.classification
    if classification is None:
        return False
    return classification.confidence < watch.review_confidence


def _rule_matches(rule: RouteRule, result: DocumentResult) -> bool:
    classification = result.classification
    category = classification.category if classification else None
    confidence = classification.confidence if classification else None
    quality = result.quality.overall_score if result.quality else None
    if rule.category is not None and rule.category != category:
        return False
    if not _within(confidence, rule.min_confidence, rule.max_confidence):
        return False
    if not _within(quality, rule.min_quality, rule.max_quality):
        return False
    if rule.name is not None and not fnmatch.fnmatchcase(
        Path(result.path).name, rule.name
    ):
        return False
    facts = _fact_values(result)
    return all(
        kind in facts and fnmatch.fnmatchcase(facts[kind], pattern)
        for kind, pattern in rule.facts.items()
    )


def _within(value: float | None, low: float | None, high: float | None) -> bool:
    if low is None and high is None:
        return True
    if value is None:
        return False
    if low is not None and value < low:
        return False
    return high is None or value <= high


def _fact_values(result: DocumentResult) -> dict[str, str]:
    """Return the first value of each fact kind, normalised when possible."""
    values: dict[str, str] = {}
    if result.classification is None:
        return values
    for fact in result.classification.facts:
        values.setdefault(fact.kind, fact.normalized or fact.value)
    return values


def _document_date(result: DocumentResult, received: datetime) -> datetime:
    value = _fact_values(result).get("document_date")
    if value:
        try:
            return datetime.fromisoformat(value[:10])
        except ValueError:
            pass
    return received


def render_destination(
    template: str, result: DocumentResult, received: datetime, inbox: str
) -> str:
    """Fill a destination template; the result is a relative POSIX path."""
    classification = result.classification
    date = _document_date(result, received)
    name = Path(result.path).name
    values: dict[str, Any] = {
        "category": classification.category if classification else "unknown",
        "confidence": number_field(
            "confidence", classification.confidence if classification else None
        ),
        "quality": number_field(
            "quality", result.quality.overall_score if result.quality else None
        ),
        "name": name,
        "stem": Path(name).stem,
        "suffix": Path(name).suffix.lstrip("."),
        "inbox": Path(inbox).name,
        "date": date,
        "year": f"{date.year:04d}",
        "month": f"{date.month:02d}",
        "day": f"{date.day:02d}",
        "facts": _SafeFacts({k: v for k, v in _fact_values(result).items()}),
    }
    return fill_template(template, values) or "processed"


def check_templates(watch: WatchSettings, source: str = "watch settings") -> None:
    """Raise ConfigError for a route template that cannot be rendered.

    ``source`` names where the routes came from (the settings file) at the
    start of the message.
    """
    sample = DocumentResult(path="sample.pdf", status=Status.OK)
    for index, rule in enumerate(watch.routes):
        problem = describe_template_problem(rule.destination)
        if problem is None:
            try:
                render_destination(rule.destination, sample, datetime.now(), "inbox")
            except (KeyError, IndexError, ValueError, AttributeError) as exc:
                problem = (
                    f"{type(exc).__name__}: {exc}; write fields as {{category}}, "
                    "{date:%Y-%m} or {facts[total]}"
                )
        if problem:
            key = format_key("watch", "routes", index, "destination")
            raise ConfigError(
                f"{source}: key {key!r}: destination {rule.destination!r} is "
                f"invalid: {problem}"
            )
