"""Readability statistics counted once per text, and the formulas derived from them.

textstat 0.7.13 recounts words, sentences and syllables for every formula it is
asked for, imports nltk and scipy (1.0-1.5 s on a 2-core machine, measured by
bench/bench_readability.py), and looks English words up in
NLTK's cmudict, which it downloads with ``nltk.download`` on the first English
call. That download fails without network and must never run inside docflow.
This module therefore never imports textstat. It tokenises the way textstat
0.7.13 does (so the formulas agree with textstat on prose when textstat is
also limited to pyphen), counts syllables with pyphen only, and computes every
formula from one :class:`TextStatistics`.

Differences from textstat 0.7.13, on purpose:

- Syllables always come from pyphen hyphenation points plus one, never from
  cmudict, so English counts differ slightly from textstat with cmudict.
- Sentences also end at blank lines and before Markdown block markers (``#``,
  ``-``, ``*``, ``+``, ``|``, ``>``, ``1.``), so headings and list items
  without a full stop do not merge into one long "sentence". On prose whose
  paragraphs end with a full stop the count equals textstat's (on War and
  Peace, whose chapter headings have no full stop, it is within 2%).
- Sentences also end at a line break that cuts a line short of the text
  width, or between two table rows of mostly numbers, so table rows, form
  fields and list items without a full stop do not merge into one long
  "sentence".
- URLs, e-mail addresses, host names, file names and paths are left out of
  every count (see ``is_non_word_token``). textstat counts each as one long
  word with many syllables, so a list of links makes a plain mail read as
  very hard.
- Long texts are sampled: only the first ``max_words`` words are analysed.
- The grade-level formulas (``ENGLISH_ONLY_FORMULAS``) are None for every
  language but English. textstat computes them with the English constants
  for any language.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "FLESCH_VARIANTS",
    "ENGLISH_ONLY_FORMULAS",
    "FORMULAS",
    "FleschVariant",
    "TextStatistics",
    "compute_readability",
    "count_text_statistics",
    "count_word_syllables",
    "describe_left_out_formulas",
    "format_readability_summary",
    "is_non_word_token",
    "normalize_language",
    "summarize_readability",
]

log = logging.getLogger(__name__)


class FleschVariant(NamedTuple):
    """Constants of a Flesch reading ease formula: base - a * ASL - b * ASW.

    ASL is words per sentence and ASW syllables per word. Every variant reads
    on the same 0 (very hard) to 100 (very easy) scale.
    """

    name: str
    base: float
    sentence_length_weight: float
    syllables_per_word_weight: float


#: Flesch variants by ISO 639-1 code; the constants are those of textstat 0.7.13.
FLESCH_VARIANTS: dict[str, FleschVariant] = {
    "en": FleschVariant("Flesch reading ease", 206.835, 1.015, 84.6),
    "de": FleschVariant("Amstad (German Flesch)", 180.0, 1.0, 58.5),
    "fr": FleschVariant("Kandel-Moles (French Flesch)", 207.0, 1.015, 73.6),
    "es": FleschVariant("Fernández Huerta (Spanish Flesch)", 206.84, 1.02, 60.0),
    "nl": FleschVariant("Douma (Dutch Flesch)", 206.835, 0.93, 77.0),
    "it": FleschVariant("Flesch-Vacca (Italian Flesch)", 217.0, 1.3, 60.0),
}

# pyphen dictionary per language; en_US is the one textstat uses for English.
_PYPHEN_DICTIONARIES = {
    "en": "en_US",
    "de": "de_DE",
    "fr": "fr",
    "es": "es",
    "nl": "nl_NL",
    "it": "it_IT",
    "pl": "pl_PL",
    "pt": "pt_PT",
}

# Tesseract and ISO 639-2 codes that extraction may report, to ISO 639-1.
_LANGUAGE_ALIASES = {
    "eng": "en",
    "deu": "de",
    "ger": "de",
    "fra": "fr",
    "fre": "fr",
    "spa": "es",
    "nld": "nl",
    "dut": "nl",
    "ita": "it",
    "pol": "pl",
    "por": "pt",
}

# Gunning fog counts words of 3+ syllables as complex (textstat: 4 for Polish).
_COMPLEX_SYLLABLES = {"pl": 4}
_LONG_WORD_LETTERS = 6  # a "long word" has more letters than this
_MIN_SENTENCE_WORDS = 3  # textstat ignores shorter fragments when counting
# A wrapped line with its next word reaches at least this share of the width.
_FILLED_LINE_SHARE = 0.85
# A line whose cells are more than this share numbers is a table row.
_NUMBER_ROW_SHARE = 0.5
_DIGIT = re.compile(r"\d")

# Tokenisation copied in behaviour from textstat 0.7.13 (remove_punctuation,
# list_words, count_sentences) so the counts agree with it.
_CONTRACTION_ENDINGS = r"[tsd]|ve|ll|re"
_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?!" + _CONTRACTION_ENDINGS + ")")
_PUNCTUATION_KEEP_APOSTROPHE = re.compile(r"[^\w\s\']")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")
_NON_SPACE_RUN = re.compile(r"\S+")
# A block ends at a blank line or before a line that starts a Markdown block.
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n\s*|\n(?=[ \t]*(?:[#*+|>-]|\d+[.)]\s))")

# Tokens that may be a URL, e-mail address, host, file name or path. Only
# tokens with "://", "@", a slash, a backslash or an inner dot can pass
# is_non_word_token.
# The lookbehind starts a match only at a token's first character, which
# halved the scan time on prose against a pattern that may start anywhere.
_NON_WORD_CANDIDATE = re.compile(r"(?<!\S)\S*?(?:://|@|[/\\]|\.[^\W\d_])\S*")
_INNER_DOT = re.compile(r"\.[^\W\d_]")
_ADDRESS_PUNCTUATION = "()[]<>{},;:'\"“”‘’"
_SENTENCE_END = ".!?"
_EMAIL_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^\W\d_]{2,}")
#: Suffixes that make a dotted token a host name or a file name.
_HOST_AND_FILE_SUFFIXES = frozenset(
    (
        "com org net edu gov int mil io co info biz eu uk us de fr nl es it pl "
        "pt ch at be ca au cn jp ru in re "
        "pdf doc docx odt rtf txt md rst html htm xml json csv tsv xls xlsx "
        "ppt pptx png jpg jpeg gif tif tiff svg zip gz tar eml msg py js ts "
        "java cpp go rs sh yml yaml toml ini cfg log exe dll"
    ).split()
)


@dataclass(frozen=True)
class TextStatistics:
    """Counts over the analysed text, from which every formula is derived."""

    language: str
    words: int
    sentences: int
    syllables: int
    polysyllables: int
    complex_words: int
    long_words: int
    letters: int
    characters: int
    tokens: int
    long_sentences: int
    max_sentence_words: int
    total_words: int
    sampled: bool
    #: URLs, e-mail addresses, host names, file names and paths left out.
    non_word_tokens: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return the counts as a plain dict for result metrics."""
        return asdict(self)


def normalize_language(language: str | None) -> str | None:
    """Return the ISO 639-1 code for ``en``, ``en_US``, ``en-GB`` or ``eng``."""
    if not language:
        return None
    root = re.split(r"[_\-+]", language.strip().lower(), maxsplit=1)[0]
    return _LANGUAGE_ALIASES.get(root, root) or None


@functools.lru_cache(maxsize=16)
def _load_hyphenator(language: str) -> Any:
    import pyphen

    name = _PYPHEN_DICTIONARIES.get(language) or pyphen.language_fallback(language)
    if not name:
        return None
    return pyphen.Pyphen(lang=name)


#: Maximum length of a word given to pyphen. Real words, long German
#: compounds included, are shorter. pyphen took 16 s for one 2,000,000-letter
#: token, so longer tokens count vowel groups instead.
MAX_HYPHENATED_CHARS = 80
_VOWEL_GROUP = re.compile(r"[aeiouyàâäáãåæéèêëíìîïóòôöõøœúùûüý]+")


@functools.lru_cache(maxsize=200_000)
def count_word_syllables(word: str, language: str) -> int:
    """Count the syllables of one lower-case word: pyphen hyphenation points + 1.

    A token longer than ``MAX_HYPHENATED_CHARS`` (a URL, a run of one letter)
    counts its vowel groups instead, at least one.
    """
    if len(word) > MAX_HYPHENATED_CHARS:
        return max(1, len(_VOWEL_GROUP.findall(word)))
    hyphenator = _load_hyphenator(language)
    if hyphenator is None:
        return 1
    return len(hyphenator.positions(word)) + 1


@functools.lru_cache(maxsize=4)
def _load_easy_words(language: str) -> frozenset[str]:
    """Load textstat's Dale-Chall easy-word list, which Gunning fog exempts.

    The list is read from textstat's installed data files; ``find_spec`` locates
    the package without importing it. Only English and Spanish lists exist in
    textstat 0.7.13; other languages get no exemptions.
    """
    if language not in ("en", "es"):
        return frozenset()
    spec = importlib.util.find_spec("textstat")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(spec.submodule_search_locations[0]) / "resources" / language
    try:
        lines = (path / "easy_words.txt").read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        log.warning("textstat easy-word list not readable (%s); fog counts differ", exc)
        return frozenset()
    return frozenset(line.strip() for line in lines)


def is_non_word_token(token: str) -> bool:
    """Return whether ``token`` is a URL, e-mail address, host, file name or path.

    Such tokens are real text but not words of a sentence, so the readability
    counts leave them out. Dates (``10/10/2022``), fractions and pairs such
    as ``and/or`` or ``km/h`` stay words, because a path needs a letter and
    two slashes, a leading ``/``, ``~/`` or ``./``, or a backslash.
    """
    core = token.strip(_ADDRESS_PUNCTUATION).rstrip(_SENTENCE_END)
    core = core.strip(_ADDRESS_PUNCTUATION)
    lowered = core.lower()
    if "://" in lowered or lowered.startswith("www."):
        return True
    if "@" in core:
        return _EMAIL_ADDRESS.fullmatch(core) is not None
    has_letter = any(char.isalpha() for char in core)
    if not has_letter:
        return False
    if "\\" in core or core.count("/") >= 2:
        return True
    if core.startswith(("/", "~/", "./")) and len(core) > 2:
        return True
    # The suffix must be lower case: "end.It" is a missing space, not a host.
    stem, dot, suffix = core.rpartition(".")
    return bool(dot and stem) and suffix in _HOST_AND_FILE_SUFFIXES


def _drop_non_word_tokens(block: str) -> tuple[str, int]:
    """Return ``block`` without its non-word tokens, and how many were dropped.

    A dropped token leaves its trailing sentence punctuation, so a sentence
    that ends with a URL still ends there. Whitespace stays as it was.
    """
    if not any(mark in block for mark in "/@\\") and not _INNER_DOT.search(block):
        return block, 0  # no candidate: the common case, found without a Python call
    dropped = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal dropped
        token = match.group(0)
        if not is_non_word_token(token):
            return token
        dropped += 1
        return token[len(token.rstrip(_SENTENCE_END)) :]

    return _NON_WORD_CANDIDATE.sub(replace, block), dropped


def _list_words(text: str) -> list[str]:
    text = _NONCONTRACTION_APOSTROPHE.sub("", text)
    return _PUNCTUATION_KEEP_APOSTROPHE.sub("", text).split()


def _truncate_words(text: str, max_words: int) -> tuple[str, int, bool]:
    """Return the first ``max_words`` whitespace tokens of ``text``, the token
    count of the whole text and whether it was cut."""
    tokens = len(text.split())
    if tokens < max_words:
        return text, tokens, False
    end = 0
    count = 0
    for count, match in enumerate(_NON_SPACE_RUN.finditer(text), start=1):
        if count == max_words:
            end = match.end()
            break
    else:
        return text, count, False
    total = count + len(text[end:].split())
    return text[:end], total, True


def _split_at_hard_line_breaks(block: str) -> list[str]:
    """Split ``block`` at line breaks that end a line short of the text width.

    Wrapped prose fills each line until the next word no longer fits. A line
    that had room for the first word of the next line was ended on purpose.
    Such a line is a table row, a form field, a list item or a heading, so
    its break ends a sentence even without a full stop. The width is the 90th
    percentile of the line lengths, less a margin for proportional fonts,
    so a few wide lines do not make every wrapped line look short.

    A row of mostly numbers followed by another such row ends a sentence
    even when it fills the width. In a plain-text table every row can be as
    long as the others, so the width is a row's length and each row seems
    to be wrapped.

    A short line still continues when it ends with a comma or hyphen, or the
    next line starts in lower case: two PDF columns read side by side give
    wide lines that make the lines of one column look short.
    """
    lines = block.split("\n")
    if len(lines) < 2:
        return [block]
    lengths = [len(line.rstrip()) for line in lines]
    ordered = sorted(lengths)
    width = ordered[min(len(ordered) - 1, len(ordered) * 9 // 10)]
    filled = _FILLED_LINE_SHARE * width
    segments = []
    start = 0
    for index in range(len(lines) - 1):
        next_line = lines[index + 1].lstrip()
        next_word = next_line.split(maxsplit=1)[0] if next_line else ""
        if lengths[index] + 1 + len(next_word) >= filled and not (
            _is_number_row(lines[index]) and _is_number_row(lines[index + 1])
        ):
            continue
        if next_word[:1].islower() or lines[index].rstrip().endswith((",", "-")):
            continue
        segments.append("\n".join(lines[start : index + 1]))
        start = index + 1
    segments.append("\n".join(lines[start:]))
    return segments


def _is_number_row(line: str) -> bool:
    """Return whether ``line`` has two or more cells and most are numbers.

    A number cell has a digit and no letter: ``2019``, ``12.5``, ``€12.00``,
    ``1,234`` or ``31/12/2017``. A cell that ends with a comma, semicolon or
    colon is part of a sentence, so its line is no row.
    """
    if _DIGIT.search(line) is None:
        return False  # most lines of prose, found without a Python loop
    cells = line.split()
    if len(cells) < 2 or any(cell.endswith((",", ";", ":")) for cell in cells):
        return False
    numbers = sum(
        1
        for cell in cells
        if _DIGIT.search(cell) and not any(char.isalpha() for char in cell)
    )
    return numbers > len(cells) * _NUMBER_ROW_SHARE


class _WordMeasures(NamedTuple):
    letters: int
    long_word: bool
    syllables: int
    polysyllabic: bool
    complex_word: bool


@functools.lru_cache(maxsize=65_536)
def _measure_word(word: str, language: str) -> _WordMeasures:
    """Measure one word as the readability totals count it."""
    bare = word.replace("'", "")
    lower = word.lower()
    syllables = count_word_syllables(lower, language)
    threshold = _COMPLEX_SYLLABLES.get(language, 3)
    complex_word = syllables >= threshold and lower not in _load_easy_words(language)
    return _WordMeasures(
        letters=len(bare),
        long_word=len(bare) > _LONG_WORD_LETTERS,
        syllables=syllables,
        polysyllabic=syllables >= 3,
        complex_word=complex_word,
    )


class _Counter:
    """Running totals over the blocks of text fed to it."""

    def __init__(
        self, language: str, long_sentence_words: int, paragraph_lines: bool
    ) -> None:
        self.language = language
        self.long_sentence_words = long_sentence_words
        self.paragraph_lines = paragraph_lines
        self.totals = dict.fromkeys(
            (
                "words sentences syllables polysyllables complex_words long_words "
                "letters characters tokens long_sentences max_sentence_words "
                "non_word_tokens"
            ).split(),
            0,
        )
        self.word_counts: Counter[str] = Counter()

    def add_block(self, block: str) -> None:
        totals = self.totals
        block, dropped = _drop_non_word_tokens(block)
        totals["non_word_tokens"] += dropped
        words = _list_words(block)
        totals["words"] += len(words)
        tokens = block.split()
        totals["tokens"] += len(tokens)
        # Characters other than whitespace. str.split splits at the same
        # str.isspace characters that the regex \s matches.
        totals["characters"] += len("".join(tokens))
        # Word measures are sums over words, so each distinct word is
        # measured once in add_words_counted.
        self.word_counts.update(words)
        self._add_sentences(block)

    def add_words_counted(self) -> None:
        """Add the measures of the words of every block so far to the totals."""
        totals = self.totals
        letters = long_words = syllables = polysyllables = complex_words = 0
        for word, count in self.word_counts.items():
            measures = _measure_word(word, self.language)
            letters += measures.letters * count
            long_words += measures.long_word * count
            syllables += measures.syllables * count
            polysyllables += measures.polysyllabic * count
            complex_words += measures.complex_word * count
        totals["letters"] += letters
        totals["long_words"] += long_words
        totals["syllables"] += syllables
        totals["polysyllables"] += polysyllables
        totals["complex_words"] += complex_words
        self.word_counts.clear()

    def _add_sentences(self, block: str) -> None:
        totals = self.totals
        if self.paragraph_lines:
            segments = block.split("\n")
        else:
            segments = _split_at_hard_line_breaks(block)
        sentences = [
            sentence for segment in segments for sentence in _SENTENCE.findall(segment)
        ]
        for sentence in sentences:
            length = len(_list_words(sentence))
            if length < _MIN_SENTENCE_WORDS:
                continue
            totals["sentences"] += 1
            totals["max_sentence_words"] = max(totals["max_sentence_words"], length)
            if length > self.long_sentence_words:
                totals["long_sentences"] += 1


def count_text_statistics(
    texts: Iterable[str],
    language: str,
    *,
    max_words: int,
    long_sentence_words: int = 45,
    paragraph_lines: bool = False,
) -> TextStatistics:
    """Count words, sentences, syllables and the rest over ``texts`` in one pass.

    ``texts`` are read in order (one per page) until ``max_words`` whitespace
    tokens have been analysed; the rest is only counted towards
    ``total_words``. Sentences never span two texts. A text with words has at
    least one sentence, as in textstat.

    Sentences end at line breaks that cut a line short of the text width
    (see ``_split_at_hard_line_breaks``), or at every line break when
    ``paragraph_lines`` is true because each line is a whole paragraph.
    """
    counter = _Counter(language, long_sentence_words, paragraph_lines)
    budget = max_words
    total_words = 0
    sampled = False
    for text in texts:
        if budget <= 0:
            total_words += len(text.split())
            sampled = True
            continue
        analysed, words_in_text, cut = _truncate_words(text, budget)
        total_words += words_in_text
        sampled = sampled or cut
        budget -= min(words_in_text, budget)
        for block in _BLOCK_BREAK.split(analysed):
            if block.strip():
                counter.add_block(block)
    counter.add_words_counted()
    totals = counter.totals
    if totals["words"] and not totals["sentences"]:
        totals["sentences"] = 1
    return TextStatistics(
        language=language, total_words=total_words, sampled=sampled, **totals
    )


# Names of the formulas compute_readability returns, in its order.
FORMULAS = (
    "flesch_reading_ease",
    "flesch_kincaid_grade",
    "gunning_fog",
    "smog_index",
    "coleman_liau_index",
    "automated_readability_index",
)

#: Formulas whose constants were fitted to English text and US school grades.
#: Syllables, word length and sentence length differ between languages, so
#: on other languages they contradict the language's own Flesch variant (an
#: Italian mail that Flesch-Vacca rates 75, easy, got Flesch-Kincaid 13.5).
#: Gunning fog also exempts words on an English easy-word list. docflow has
#: no validated adaptation of any of them for another language.
ENGLISH_ONLY_FORMULAS = (
    "flesch_kincaid_grade",
    "gunning_fog",
    "smog_index",
    "coleman_liau_index",
    "automated_readability_index",
)


def describe_left_out_formulas(language: str | None) -> str | None:
    """Return a note naming the formulas left out for ``language``, and why.

    English gets every formula, so its note is None.
    """
    if normalize_language(language) == "en":
        return None
    names = ", ".join(ENGLISH_ONLY_FORMULAS)
    return (
        f"{names} are left out (null) for language {language!r}: they are "
        "English formulas that give US school grades, and docflow has no "
        "validated adaptation of them for other languages"
    )


def compute_readability(stats: TextStatistics) -> dict[str, float | None]:
    """Derive every readability formula from ``stats``, as textstat 0.7.13 does.

    ``flesch_reading_ease`` uses the variant for ``stats.language`` and is
    None when the language has no Flesch variant. The grade-level formulas
    (``ENGLISH_ONLY_FORMULAS``) are None unless the language is English. All
    values are None when the text has no words.
    """
    if not stats.words or not stats.sentences:
        return dict.fromkeys(FORMULAS, None)

    words_per_sentence = stats.words / stats.sentences
    syllables_per_word = stats.syllables / stats.words
    variant = FLESCH_VARIANTS.get(stats.language)
    reading_ease = None
    if variant is not None:
        reading_ease = (
            variant.base
            - variant.sentence_length_weight * words_per_sentence
            - variant.syllables_per_word_weight * syllables_per_word
        )
    if stats.language != "en":
        values = dict.fromkeys(FORMULAS, None)
        values["flesch_reading_ease"] = _round(reading_ease)
        return values
    letters_per_100 = 100 * stats.letters / stats.words
    sentences_per_100 = 100 * stats.sentences / stats.words
    values = {
        "flesch_reading_ease": reading_ease,
        "flesch_kincaid_grade": 0.39 * words_per_sentence
        + 11.8 * syllables_per_word
        - 15.59,
        "gunning_fog": 0.4
        * (words_per_sentence + 100 * stats.complex_words / stats.words),
        "smog_index": 1.043 * math.sqrt(30 * stats.polysyllables / stats.sentences)
        + 3.1291,
        "coleman_liau_index": 0.058 * letters_per_100
        - 0.296 * sentences_per_100
        - 15.8,
        "automated_readability_index": 4.71 * stats.characters / stats.tokens
        + 0.5 * words_per_sentence
        - 21.43,
    }
    return {name: _round(value) for name, value in values.items()}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def summarize_readability(
    metrics: dict[str, Any], score: float | None, target: float
) -> dict[str, Any]:
    """Gather the readability metrics of a quality result and explain its score.

    ``metrics`` and ``score`` come from a stored quality result and
    ``target`` is ``quality.readability_target`` in the current settings.
    ``explanation`` splits the reading ease into the points lost to sentence
    length and to word length, so a low score without an issue (short
    resume lines full of long words) shows its cause. It is None when the
    text was not scored. ``notes`` gives why readability was not scored and
    which formulas were left out.
    """
    words = metrics.get("words") or 0
    sentences = metrics.get("sentences") or 0
    language = metrics.get("language")
    reading_ease = metrics.get("flesch_reading_ease")
    summary: dict[str, Any] = {
        "formula": metrics.get("readability_formula"),
        "language": language,
        "language_source": metrics.get("language_source"),
        "flesch_reading_ease": reading_ease,
        "words": metrics.get("words"),
        "sentences": metrics.get("sentences"),
        "words_per_sentence": metrics.get("words_per_sentence"),
        "syllables_per_word": (
            round(metrics.get("syllables", 0) / words, 2) if words else None
        ),
        "long_sentences": metrics.get("long_sentences"),
        "sampled": metrics.get("readability_sampled"),
        "grade_levels": {name: metrics.get(name) for name in ENGLISH_ONLY_FORMULAS},
        "explanation": None,
        "notes": [],
    }
    variant = FLESCH_VARIANTS.get(language or "")
    scored = score is not None and reading_ease is not None
    if scored and variant is not None and words and sentences:
        summary["explanation"] = _explain_score(
            variant,
            words / sentences,
            (metrics.get("syllables") or 0) / words,
            score,
            target,
            metrics.get("long_sentences") or 0,
        )
    stored_note = metrics.get("readability_note")
    if stored_note and metrics.get("readability_applicable") is False:
        summary["notes"].append(f"not scored: {stored_note}")
    elif stored_note:
        summary["notes"].append(stored_note)
    grades_missing = all(metrics.get(name) is None for name in ENGLISH_ONLY_FORMULAS)
    left_out = describe_left_out_formulas(language)
    if (
        reading_ease is not None
        and grades_missing
        and left_out not in (None, stored_note)
    ):
        summary["notes"].append(left_out)
    return summary


def _explain_score(
    variant: FleschVariant,
    words_per_sentence: float,
    syllables_per_word: float,
    score: float,
    target: float,
    long_sentences: int,
) -> str:
    sentence_points = variant.sentence_length_weight * words_per_sentence
    word_points = variant.syllables_per_word_weight * syllables_per_word
    reading_ease = variant.base - sentence_points - word_points
    text = (
        f"{variant.name} {reading_ease:.1f} = {variant.base:g} "
        f"- {sentence_points:.1f} for {words_per_sentence:.1f} words per sentence "
        f"- {word_points:.1f} for {syllables_per_word:.2f} syllables per word. "
        f"The score is 100 x {reading_ease:.1f} / {target:g} "
        "(quality.readability_target), capped to 0-100"
    )
    expected = min(100.0, max(0.0, 100.0 * reading_ease / target))
    if abs(expected - score) < 0.05:
        return text + "."
    if score < expected and long_sentences:
        return text + f", minus {expected - score:.1f} for long sentences."
    return (
        text + f". The stored score {score:.1f} differs, because it was computed "
        "with another quality.readability_target."
    )


def format_readability_summary(summary: dict[str, Any]) -> str:
    """Format the language, formula and key metrics of ``summarize_readability``."""
    source = summary["language_source"]
    parts = [
        f"language {summary['language'] or 'unknown'}"
        + (f" ({source})" if source else ""),
        f"formula {summary['formula'] or 'none'}",
    ]
    if summary["flesch_reading_ease"] is not None:
        parts.append(f"reading ease {summary['flesch_reading_ease']:.1f}")
    words_per_sentence = _words_per_sentence(summary)
    if words_per_sentence is not None:
        parts.append(f"{words_per_sentence:.1f} words per sentence")
    if summary["syllables_per_word"] is not None:
        parts.append(f"{summary['syllables_per_word']:.2f} syllables per word")
    grade = summary["grade_levels"]["flesch_kincaid_grade"]
    if grade is not None:
        parts.append(f"Flesch-Kincaid grade {grade:.1f}")
    return ", ".join(parts)


def _words_per_sentence(summary: dict[str, Any]) -> float | None:
    """Return the mean sentence length from the counts, else the stored mean.

    The stored mean is rounded to two decimals, so 12.4545 is stored as
    12.45, which formats as 12.4. The explanation formats the mean from the
    counts (12.5), and one report must not show both.
    """
    words, sentences = summary["words"], summary["sentences"]
    if words and sentences:
        return float(words / sentences)
    return summary["words_per_sentence"]
