"""Garbage-text judgement used until ``docflow.core.textcheck`` is available.

It mirrors the shape of ``textcheck.judge_text`` so the caller does not care
which one answered. Without word lists it cannot measure a dictionary-word
share, so it measures the share of tokens that do not look like words
(letters with inner apostrophes or hyphens, or numbers) instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CID = re.compile(r"\(cid:\d+\)")
_REPLACEMENT = "\ufffd"
# Five or more of one character, except separators that forms and tables use.
_REPEAT_RUN = re.compile(r"([^\s.\-_=*#~])\1{4,}")
_WORD_LIKE = re.compile(
    r"^[\"'(\[«„“‘]*"
    r"(?:[^\W\d_]+(?:['’\-][^\W\d_]+)*|[+\-]?\d[\d.,:/\-]*%?|[€$£¥]\d[\d.,]*)"
    r"[\"')\]»”’.,;:!?%]*$"
)
_MIN_TOKENS = 20  # fewer tokens are too few to judge the non-word share
_MAX_CID_RUNS = 3
_MAX_REPLACEMENT_SHARE = 0.02  # of non-space characters


@dataclass
class FallbackVerdict:
    """Measurements on one text and whether they add up to garbage."""

    word_count: int = 0
    dictionary_word_share: float | None = None
    word_like_share: float = 1.0
    cid_runs: int = 0
    replacement_chars: int = 0
    repeat_char_runs: int = 0
    doubled_char_share: float = 0.0
    is_garbage: bool = False
    reasons: list[str] = field(default_factory=list)


def _is_doubled(token: str) -> bool:
    """Return whether every character appears twice in a row ("TThhee")."""
    return len(token) >= 6 and len(token) % 2 == 0 and token[0::2] == token[1::2]


def judge_text_fallback(text: str, garbage_ratio: float) -> FallbackVerdict:
    """Measure ``text`` and call it garbage when a measure passes its limit.

    ``garbage_ratio`` is the largest share of non-word tokens a real text may
    have (``quality.garbage_ratio``).
    """
    tokens = text.split()
    verdict = FallbackVerdict(word_count=len(tokens))
    verdict.cid_runs = len(_CID.findall(text))
    verdict.replacement_chars = text.count(_REPLACEMENT)
    verdict.repeat_char_runs = len(_REPEAT_RUN.findall(text))
    if tokens:
        word_like = sum(1 for token in tokens if _WORD_LIKE.match(token))
        verdict.word_like_share = word_like / len(tokens)
        doubled = sum(1 for token in tokens if _is_doubled(token))
        verdict.doubled_char_share = doubled / len(tokens)

    non_space = max(1, len(text) - sum(1 for char in text if char.isspace()))
    if verdict.cid_runs >= _MAX_CID_RUNS:
        verdict.reasons.append(f"{verdict.cid_runs} unmapped glyphs shown as (cid:N)")
    if verdict.replacement_chars / non_space > _MAX_REPLACEMENT_SHARE:
        verdict.reasons.append(
            f"{verdict.replacement_chars} U+FFFD replacement characters"
        )
    if len(tokens) >= _MIN_TOKENS:
        non_word_share = 1.0 - verdict.word_like_share
        if non_word_share > garbage_ratio:
            verdict.reasons.append(
                f"{non_word_share:.0%} of tokens are not words "
                f"(limit {garbage_ratio:.0%})"
            )
        if verdict.doubled_char_share > garbage_ratio:
            verdict.reasons.append(
                f"{verdict.doubled_char_share:.0%} of tokens have every "
                "character doubled"
            )
    verdict.is_garbage = bool(verdict.reasons)
    return verdict
