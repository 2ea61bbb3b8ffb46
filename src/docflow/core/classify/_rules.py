"""Keyword and pattern rules from ``classification.rules``, and how they join the model.

A rule table maps a category to weighted keywords (whole words or phrases,
case-insensitive) and weighted regular expressions (case-insensitive,
multi-line). Each keyword or pattern counts once per document however often
it occurs, so a long document does not outvote a short one, and a keyword
inside a longer one that fired ("sincerely" in "yours sincerely") does not
count. A category's rule score is the sum of the weights that fired; weights
may be negative.

The positive rule scores become a distribution over categories, which is
mixed into the model's probabilities with weight ``rule_weight × strength``.
Strength grows with the total weight that fired and reaches 1 at
``RULE_SATURATION``, so one weak keyword nudges the result while several
strong ones move it by the full ``rule_weight``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docflow.core._prefilter import fold_case, may_contain, required_literals
from docflow.errors import ConfigError

if TYPE_CHECKING:
    from docflow.core.config import RuleSettings

__all__ = ["RULE_SATURATION", "RuleHit", "combine_scores", "score_rules"]

#: Total fired weight at which the rules get the full ``rule_weight``.
RULE_SATURATION = 3.0


@dataclass(frozen=True)
class RuleHit:
    """One keyword or pattern that matched, for the evidence list."""

    category: str
    term: str
    weight: float
    kind: str  # "keyword" or "pattern"


#: A compiled rule and the literals a text needs before it can match.
_Compiled = tuple[re.Pattern[str], frozenset[str] | None]


@functools.lru_cache(maxsize=4096)
def _compile_keyword(term: str) -> _Compiled:
    """Compile a keyword, with its whole phrase in folded case as the literal.

    The phrase is tested against the folded text with every whitespace run
    collapsed to one space (see ``score_rules``), because the pattern joins
    the words with ``\\s+``. A term containing U+0307, which folding drops,
    falls back to the literals of the pattern.
    """
    words = [re.escape(word) for word in term.split()]
    source = r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"
    phrase = " ".join(fold_case(term).split())
    if phrase and "\u0307" not in term:
        literals = frozenset({phrase})
    else:
        # These literals lie inside one word, so collapsing keeps them.
        literals = required_literals(source, re.IGNORECASE)
    return re.compile(source, re.IGNORECASE), literals


@functools.lru_cache(maxsize=4096)
def _compile_pattern(category: str, pattern: str) -> _Compiled:
    flags = re.IGNORECASE | re.MULTILINE
    try:
        compiled = re.compile(pattern, flags)
    except re.error as exc:
        raise ConfigError(
            f"classification.rules.{category}.patterns: invalid regular expression "
            f"{pattern!r}: {exc}; fix or remove it in docflow.toml"
        ) from exc
    return compiled, required_literals(pattern, flags)


@functools.lru_cache(maxsize=256)
def _keyword_plan(
    keywords: tuple[tuple[str, float], ...],
) -> tuple[tuple[str, float, str | None, _Compiled], ...]:
    """Compile a category's keywords once per process, blank ones left out.

    Each keyword comes with its single literal when it has exactly one, so
    ``score_rules`` can rule most keywords out with one substring test.
    """
    plan = []
    for term, weight in keywords:
        if not term.strip():
            continue
        compiled = _compile_keyword(term.strip())
        literals = compiled[1]
        phrase = next(iter(literals)) if literals and len(literals) == 1 else None
        plan.append((term, weight, phrase, compiled))
    return tuple(plan)


def _matches(compiled: _Compiled, text: str, folded: str) -> bool:
    pattern, literals = compiled
    # Most rules name words the text lacks: a substring test rules them out
    # before the case-insensitive search, which is far slower.
    return may_contain(folded, literals) and pattern.search(text) is not None


def _shown(matched: str, pattern: str) -> str:
    """Return the text a pattern matched, on one line and at most 60 characters."""
    text = " ".join(matched.split())
    if not text:
        return pattern
    return text if len(text) <= 60 else text[:59] + "…"


def score_rules(
    text: str, rules: Mapping[str, RuleSettings]
) -> tuple[dict[str, float], list[RuleHit]]:
    """Return each category's rule score and the keywords and patterns that fired."""
    scores: dict[str, float] = {}
    hits: list[RuleHit] = []
    folded = fold_case(text)
    # Keyword phrases are looked up with single spaces between their words.
    collapsed = " ".join(folded.split())
    for category, rule in rules.items():
        fired = [
            RuleHit(category, term, weight, "keyword")
            for term, weight, phrase, compiled in _keyword_plan(
                tuple(rule.keywords.items())
            )
            if (phrase is None or phrase in collapsed)
            and _matches(compiled, text, collapsed)
        ]
        if fired:
            hits += _outermost(fired)
        for pattern, weight in rule.patterns.items():
            compiled, literals = _compile_pattern(category, pattern)
            if not may_contain(folded, literals):
                continue
            match = compiled.search(text)
            if match is not None:
                # A reviewer reads the text that matched, not the expression.
                hits.append(
                    RuleHit(category, _shown(match[0], pattern), weight, "pattern")
                )
    for hit in hits:
        scores[hit.category] = scores.get(hit.category, 0.0) + hit.weight
    return scores, hits


def _outermost(fired: list[RuleHit]) -> list[RuleHit]:
    """Drop each keyword whose words lie inside a longer keyword that also fired.

    "sincerely" adds nothing to "yours sincerely": counting both made one
    closing phrase weigh as much as two independent signs of a letter.
    """
    phrases = [f" {' '.join(fold_case(hit.term).split())} " for hit in fired]
    return [
        hit
        for hit, phrase in zip(fired, phrases, strict=True)
        if not any(phrase != other and phrase in other for other in phrases)
    ]


def combine_scores(
    model_scores: Mapping[str, float],
    rule_scores: Mapping[str, float],
    rule_weight: float,
) -> dict[str, float]:
    """Mix model probabilities with the rule distribution; the result sums to 1."""
    positive = {name: score for name, score in rule_scores.items() if score > 0}
    total = sum(positive.values())
    combined = {name: float(score) for name, score in model_scores.items()}
    if total <= 0 or rule_weight <= 0:
        return combined
    mix = rule_weight * min(1.0, total / RULE_SATURATION)
    for name in set(combined) | set(positive):
        model_part = combined.get(name, 0.0) * (1.0 - mix)
        combined[name] = model_part + mix * positive.get(name, 0.0) / total
    return combined
