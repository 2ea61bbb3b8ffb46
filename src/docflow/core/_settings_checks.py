"""Checks of configured rules and routes that pydantic cannot make field by field.

``load_settings`` runs them on the rules and routes a settings file or a
DOCFLOW_* variable defines, never on the shipped rules, so a run with the
defaults skips them. Each check raises ConfigError naming the source, the key
and the reason.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from docflow.errors import ConfigError, ModelError

if TYPE_CHECKING:
    from docflow.core.config import RouteRule, RuleSettings, Settings

__all__ = [
    "RESERVED_CATEGORIES",
    "check_route_categories",
    "check_rule_categories",
    "check_routes",
    "check_rule_terms",
    "format_key",
]

log = logging.getLogger(__name__)

#: Category names a rule table cannot take, with the meaning docflow gives them.
RESERVED_CATEGORIES = {
    "unknown": "docflow returns it when no category fits",
    "none": "`docflow label ID none` records it for a document that fits no category",
}
#: A category name a rule table may introduce: a lower-case identifier.
_CATEGORY_NAME = re.compile(r"[a-z][a-z0-9_]*")
#: A TOML key that needs no quotes.
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")

#: Sources already warned about shipped categories left without rules.
_warned_sources: set[str] = set()
#: Sources and new rule categories already warned about as close to a known one.
_warned_close_names: set[tuple[str, str]] = set()


def format_key(*parts: str | int) -> str:
    """Write a settings key as TOML would: ``classification.rules."invoice no"``.

    A list index is written in brackets: ``watch.routes[0].destination``.
    """
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        name = part if _BARE_KEY.fullmatch(part) else json.dumps(part)
        text += f".{name}" if text else name
    return text


def check_rule_terms(rules: Mapping[str, RuleSettings], source: str) -> None:
    """Raise ConfigError naming the first empty keyword, or empty or invalid pattern.

    The flags are those the classifier compiles the patterns with.
    """
    for category, rule in rules.items():
        for keyword in rule.keywords:
            if not keyword.strip():
                key = format_key("classification", "rules", category, "keywords")
                raise ConfigError(
                    f"{source}: key {key!r}: keyword {keyword!r} is empty, so it "
                    "never matches; write a word or phrase, or remove it"
                )
        for pattern in rule.patterns:
            key = format_key("classification", "rules", category, "patterns")
            if not pattern.strip():
                raise ConfigError(
                    f"{source}: key {key!r}: pattern {pattern!r} is empty, so it "
                    "matches every document; write a regular expression, or "
                    "remove it"
                )
            try:
                re.compile(pattern, re.IGNORECASE | re.MULTILINE)
            except re.error as exc:
                raise ConfigError(
                    f"{source}: key {key!r}: invalid regular expression "
                    f"{pattern!r}: {exc}; fix or remove it"
                ) from exc


def check_rule_categories(settings: Settings, source: str) -> None:
    """Reject reserved and invalid rule categories; warn of likely typos.

    A rule may define a new category, so a new name close to a known one
    (``contact`` next to ``contract``) is only logged as a warning, because
    it may be a typo or a category of its own. A new name must be a
    lower-case identifier, but a category of the model in use is accepted as
    the model spells it, because ``docflow train`` takes any folder name.
    """
    from docflow.core.models import CATEGORIES

    rules = settings.classification.rules
    for name in rules:
        if name in RESERVED_CATEGORIES:
            raise ConfigError(
                f"{source}: key {format_key('classification', 'rules', name)!r}: "
                f"category {name!r} is reserved, because "
                f"{RESERVED_CATEGORIES[name]}; rename the table"
            )
    known = _known_categories(settings, names=rules)
    for name in rules:
        if name not in known and not _CATEGORY_NAME.fullmatch(name):
            raise ConfigError(_describe_invalid_name(name, source))
    for name in rules:
        if name not in known:
            _warn_close_category(source, name, known)
    _warn_dropped_rules(source, [name for name in CATEGORIES if name not in rules])


def _warn_close_category(source: str, name: str, known: Collection[str]) -> None:
    """Log once per source and name that a new rule category is close to a known one."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
    if not close or (source, name) in _warned_close_names:
        return
    _warned_close_names.add((source, name))
    log.warning(
        "%s: key %r: rules define a new category %r; if you meant %r, rename the table",
        source,
        format_key("classification", "rules", name),
        name,
        close[0],
    )


def _describe_invalid_name(name: str, source: str) -> str:
    """Return why a new category name is invalid, with a valid one to use."""
    key = format_key("classification", "rules", name)
    message = (
        f"{source}: key {key!r}: invalid category name {name!r}: a new category "
        "is named with lower-case letters, digits and underscores, starting "
        "with a letter"
    )
    suggested = re.sub(r"[^a-z0-9_]+", "_", name.strip().lower()).strip("_")
    if _CATEGORY_NAME.fullmatch(suggested):
        return f"{message}; rename the table, as in {suggested!r}"
    return f"{message}; rename the table"


def check_route_categories(
    settings: Settings, routes: Sequence[RouteRule], source: str
) -> None:
    """Raise ConfigError for a route category no document can have."""
    named = [route.category for route in routes if route.category is not None]
    if not named:
        return
    in_rules = set(settings.classification.rules)
    others = [name for name in named if name not in in_rules]
    known = _known_categories(settings, names=others) | in_rules
    for index, route in enumerate(routes):
        category = route.category
        if category is None or category in known:
            continue
        key = format_key("watch", "routes", index, "category")
        if category == "unknown":
            raise ConfigError(
                f"{source}: key {key!r}: documents of category 'unknown' always "
                "go to review/ before the routes are tried, so this route never "
                "matches; remove its category"
            )
        close = difflib.get_close_matches(category, known, n=1)
        listed = f"(known categories: {', '.join(sorted(known))})"
        if close:
            advice = f"; did you mean {close[0]!r}? {listed}"
        else:
            advice = (
                f" {listed}; use one of them, or define the category with "
                "[classification.rules.<name>] tables"
            )
        raise ConfigError(
            f"{source}: key {key!r}: unknown category {category!r}{advice}"
        )


def check_routes(routes: Sequence[RouteRule], source: str) -> None:
    """Raise ConfigError for a route that can never match or cannot be rendered.

    The checks are: known fact kinds, globs with each '[' closed, each minimum
    at most its maximum, and a valid destination template.
    """
    from docflow.core._route_templates import (
        describe_fact_kind_problem,
        describe_glob_problem,
        describe_template_problem,
    )
    from docflow.core.models import FACT_KINDS

    for index, route in enumerate(routes):
        for kind in route.facts:
            if kind not in FACT_KINDS:
                key = format_key("watch", "routes", index, "facts", kind)
                raise ConfigError(
                    f"{source}: key {key!r}: {describe_fact_kind_problem(kind)}"
                )
        globs = {("name",): route.name}
        globs.update({("facts", kind): value for kind, value in route.facts.items()})
        for parts, pattern in globs.items():
            problem = describe_glob_problem(pattern) if pattern is not None else None
            if problem:
                key = format_key("watch", "routes", index, *parts)
                raise ConfigError(f"{source}: key {key!r}: {problem}")
        for measure in ("confidence", "quality"):
            _check_bounds(route, measure, index, source)
        problem = describe_template_problem(route.destination)
        if problem:
            key = format_key("watch", "routes", index, "destination")
            raise ConfigError(
                f"{source}: key {key!r}: destination {route.destination!r} is "
                f"invalid: {problem}"
            )


def _check_bounds(route: RouteRule, measure: str, index: int, source: str) -> None:
    low = getattr(route, f"min_{measure}")
    high = getattr(route, f"max_{measure}")
    if low is not None and high is not None and low > high:
        key = format_key("watch", "routes", index, f"min_{measure}")
        raise ConfigError(
            f"{source}: key {key!r}: min_{measure} {low} is above max_{measure} "
            f"{high}, so the route never matches; swap or correct them"
        )


def _known_categories(settings: Settings, names: Collection[str]) -> set[str]:
    """Return the shipped categories, plus the model's when ``names`` needs them.

    ``model.json`` is read only when some name is not a shipped category,
    because a model trained by the user may add categories. When it cannot be
    read, every name is taken as known, because classifying then fails with
    the model error, which is the one to fix first.
    """
    from docflow.core.models import CATEGORIES

    known = set(CATEGORIES)
    if all(name in known for name in names):
        return known
    from docflow.core.classify._model import read_metadata, resolve_model_dir

    try:
        metadata = read_metadata(resolve_model_dir(settings))
    except ModelError:
        return known | set(names)
    return known | {str(name) for name in metadata.get("categories", [])}


def _warn_dropped_rules(source: str, dropped: list[str]) -> None:
    """Log once per source the shipped categories that configured rules left out."""
    if not dropped or source in _warned_sources:
        return
    _warned_sources.add(source)
    log.warning(
        "%s: its [classification.rules.*] tables replace all shipped rules, so "
        "these categories have no rules now: %s; copy their tables from the "
        "shipped rules (%s) to keep them",
        source,
        ", ".join(dropped),
        _shipped_rules_path(),
    )


def _shipped_rules_path() -> str:
    from docflow.core.config import SHIPPED_RULES

    return str(SHIPPED_RULES)
