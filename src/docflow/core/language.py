"""Guess the language of a document offline by counting frequent words.

Languages written in Latin or Cyrillic letters are distinguished by their
most frequent words: the seven docflow judges text in (en, fr, de, nl, pl,
es, it) and twelve it only recognises (pt, sv, da, nb, fi, tr, cs, ro, hu,
ru, uk, bg), so that the classifier can name them as untrained. A
word listed for several languages (``de``, ``la``, ``in``) counts for each of
them by a share, so names and short phrases from another language weigh less
than its exclusive words. Single letters are
ignored: in tables and codes they are rarely words. A few scripts that
belong to one language are recognised from their code points instead. The
guess is None when the text is too short or two languages score too close.
"""

from __future__ import annotations

import re
from collections import Counter

from docflow.core._wordlists import FREQUENT_WORDS, OTHER_FREQUENT_WORDS

__all__ = ["TESSERACT_LANGUAGES", "detect_language", "tokenize_words"]

#: ISO 639-1 code to the tesseract language pack of the same language.
TESSERACT_LANGUAGES = {
    "en": "eng",
    "fr": "fra",
    "de": "deu",
    "nl": "nld",
    "pl": "pol",
    "es": "spa",
    "it": "ita",
}

#: Characters of text read; more does not change the guess.
SAMPLE_CHARS = 50_000
#: Weighted frequent-word hits the best language needs, absolute and per word.
MIN_HITS = 4.0
MIN_HIT_SHARE = 0.02
#: The best language must score this many times the runner-up.
MIN_MARGIN = 1.3

_BELOW_GREEK = re.compile(r"[\u0000-\u036f]+")
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

_SCRIPTS = (
    ("ja", ((0x3040, 0x30FF),)),  # hiragana and katakana; checked before Han
    ("ko", ((0xAC00, 0xD7AF), (0x1100, 0x11FF))),
    ("zh", ((0x4E00, 0x9FFF), (0x3400, 0x4DBF))),
    ("he", ((0x0590, 0x05FF),)),
    ("ar", ((0x0600, 0x06FF),)),
    ("el", ((0x0370, 0x03FF),)),
)


def _character_class(ranges: tuple[tuple[int, int], ...]) -> re.Pattern[str]:
    spans = "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges)
    return re.compile(f"[{spans}]")


#: The letters of each script in _SCRIPTS, as a character class to count them.
_SCRIPT_LETTERS = tuple((code, _character_class(ranges)) for code, ranges in _SCRIPTS)


def tokenize_words(text: str) -> list[str]:
    """Split ``text`` into lower-case words of letters (digits excluded)."""
    if "\u0130" in text:
        # "İ" lower-cases to "i" plus a combining dot, which is no letter and
        # would split the word, so this text is lower-cased word by word.
        return [match.group(0).lower() for match in _WORD.finditer(text)]
    # Lower-casing keeps every other character's length and letter class.
    return _WORD.findall(text.lower())


#: Maximum number of texts whose words ``remember_words`` keeps.
_RECENT_TEXTS = 32
_recent_words: dict[str, list[str]] = {}


def remember_words(text: str, words: list[str]) -> None:
    """Keep ``words``, which must equal ``tokenize_words(text)``, for reuse.

    ``judge_text`` splits every page into words while extraction reads it,
    and ``detect_language`` then reads the same pages joined by form feeds.
    It takes the words of each remembered page from here instead of
    splitting the text again. The oldest texts are dropped first, and texts
    longer than ``SAMPLE_CHARS`` are not kept.
    """
    if len(text) > SAMPLE_CHARS:
        return
    if len(_recent_words) >= _RECENT_TEXTS:
        try:
            del _recent_words[next(iter(_recent_words))]
        except (KeyError, RuntimeError, StopIteration):
            # Another thread changed the dictionary first, which is harmless.
            pass
    _recent_words[text] = words


def _sample_words(sample: str) -> list[str]:
    """Return ``tokenize_words(sample)``, reusing the words of remembered texts.

    No word spans a form feed. Lower-casing keeps every character's length
    and letter class except "İ" (checked over every code point with CPython
    3.11), and both paths of ``tokenize_words`` lower that word by word. So
    the words of the parts between form feeds, in order, are the words of
    the whole sample.
    """
    if not _recent_words:
        return tokenize_words(sample)
    words: list[str] = []
    for part in sample.split("\f"):
        known = _recent_words.get(part)
        words += known if known is not None else tokenize_words(part)
    return words


def detect_language(text: str) -> str | None:
    """Return the ISO 639-1 code of the main language of ``text``, or None."""
    sample = text[:SAMPLE_CHARS]
    script = _detect_script(sample)
    if script is not None:
        return script
    words = [word for word in _sample_words(sample) if len(word) > 1]
    if not words:
        return None
    counts = Counter(words)
    scores = dict.fromkeys(_WORD_LISTS, 0.0)
    for word, count in counts.items():
        languages = _WORD_LANGUAGES.get(word)
        if languages:
            for code in languages:
                scores[code] += count / len(languages)
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, best_score), (_, second_score) = ranked[0], ranked[1]
    if best_score < MIN_HITS or best_score / len(words) < MIN_HIT_SHARE:
        return None
    if best_score < MIN_MARGIN * second_score:
        return None
    return best


#: Every language recognised by its words: those docflow judges text in, then
#: those it only recognises, so the classifier can name them as untrained.
_WORD_LISTS = {**FREQUENT_WORDS, **OTHER_FREQUENT_WORDS}


def _index_words() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for code, words in _WORD_LISTS.items():
        for word in words:
            index.setdefault(word, []).append(code)
    return {word: tuple(codes) for word, codes in index.items()}


_WORD_LANGUAGES = _index_words()


def _detect_script(sample: str) -> str | None:
    head = sample[:5000]
    # Latin and its extensions end below U+0370; most text never gets further.
    others = "".join(filter(str.isalpha, _BELOW_GREEK.sub("", head)))
    if not others:
        return None
    letters = len(others) + _count_ascii_letters(head)
    if len(others) < 0.1 * letters:
        return None
    for code, script in _SCRIPT_LETTERS:
        inside = len(script.findall(others))
        if code == "ja" and inside / letters > 0.1:
            return code
        if inside / letters > 0.5:
            return code
    return None


def _count_ascii_letters(text: str) -> int:
    # UTF-8 encodes every other character in bytes of 0x80 and above, so
    # deleting the letter bytes leaves the count as the length difference.
    encoded = text.encode("utf-8", "surrogatepass")
    return len(encoded) - len(encoded.translate(None, _ASCII_LETTERS))
