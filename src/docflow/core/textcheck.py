"""Judge whether a piece of extracted text is language or garbage.

PDF text layers go wrong in a few recognisable ways:

- glyph codes without a Unicode mapping come out as ``(cid:12)`` runs or as
  symbol soup;
- a font with a wrong mapping yields words of one repeated letter
  (``Agaaaaa AAAA``);
- UTF-16 text decoded with the wrong byte order turns into CJK-looking
  characters whose two bytes are printable ASCII;
- fake-bold text draws every glyph twice (``HHeelllloo``).

``judge_text`` measures each of these on one page and decides. The PDF
extractor re-runs OCR on pages judged garbage, and quality analysis reports
them.

Words are checked against offline lists of frequent words (``_wordlists``)
and against a letter-shape test that needs no list, so unlisted languages in
Latin script are judged by shape alone.

- a poor OCR text layer from an old scan reads as prose but puts symbols
  inside words (``H^uid``, ``£ug»r``) and spells impossible words
  (``ttsrootj``, ``Gentrsl``).

NOTE: the OCR-noise rule counts only misread words that show their shape.
Misreads that keep the shape of a word ("aomberehip", "lette r") are not
counted: on one such memo a third of the lower-case words were missing from
the English list of pyspellchecker 0.9.1, fewer than on real pages that mix
in a second language, so neither the frequent-word share nor a full
dictionary separates them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from docflow.core._wordlists import FREQUENT_WORDS
from docflow.core.language import remember_words

__all__ = [
    "TextVerdict",
    "dedupe_doubled_chars",
    "judge_text",
    "language_may_matter",
]

_CID = re.compile(r"\(cid:\d+\)")
#: Top-level domains that mark a token as a host name, not a word.
_TLDS = frozenset("com org net edu gov io cn de fr nl pl it es uk eu".split())
#: A dot and a top-level domain, as in a lower-cased host name.
_TLD_SUFFIX = re.compile(r"\.(?:" + "|".join(sorted(_TLDS)) + ")")
#: Punctuation around a URL or address in running text.
_ADDRESS_PUNCTUATION = "()[]<>{},;:'\""
#: Whitespace-separated tokens that may be an address: only these contain
#: the "@", "." or "://" that ``_is_address`` looks for. The first run is
#: possessive because giving back its characters can never match [.@:].
_ADDRESS_CANDIDATE = re.compile(r"(?<!\S)[^\s.@:]*+[.@:]\S*")
_REPEAT_LETTERS = re.compile(r"([^\W\d_])\1{3,}")
_TRIPLE_CHAR = re.compile(r"(.)\1\1")
_WORD_WITH_CASE = re.compile(r"[^\W\d_]+")
#: Byte table that turns every ASCII byte but a letter into a space.
_ASCII_NON_LETTERS_BLANKED = bytes(
    code if chr(code).isascii() and chr(code).isalpha() else 0x20 for code in range(256)
)
#: The words of ``language.tokenize_words``, found before lower-casing.
_WORD_OR_CONTRACTION = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_ALL_FREQUENT = frozenset().union(*FREQUENT_WORDS.values())
#: Latin script with its extensions ends below U+0250 (IPA extensions).
_LATIN_RANGE = re.compile(r"[\u0000-\u024f]+")
_NON_LATIN_LETTER = re.compile(r"[^\W\d_\u0000-\u024f]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_CJK = re.compile(r"[\u3000-\u9fff]")
#: Letters, digits and layout punctuation, skipped when counting symbols.
_ORDINARY = re.compile(r"[A-Za-z0-9.,\-_=*|/:;()\[\]%€$£'\"+#&]+")
_VOWELS = frozenset("aeiouy")
#: Punctuation that is normal in tables, leaders and rules, not a sign of garbage.
_LAYOUT_PUNCTUATION = frozenset(".,-_=*|/:;()[]%€$£'\"+#&")
#: Runs of symbols that OCR of a poor scan puts inside words ("H^uid",
#: "£ug»r"). Markup and code characters (<>{}|\\) and bullets are left out
#: because real text glues them to words.
_OCR_SYMBOLS = re.compile(r"[«»‹›^¬¦¤¢£¥€§¶©®™`*]{1,2}")
#: Consonants that start no word of a judged language when doubled. "ll"
#: starts Spanish and Catalan words, and "mm", "nn" and "ss" start African
#: names ("Mmusi", "Nnamdi", "Ssekandi").
_DOUBLED_START_CONSONANTS = frozenset("bcdfghjkpqrtvwxz")

#: Fewer words than this cannot be judged by word statistics.
MIN_WORDS = 8
#: Share of words of an impossible shape above which text is garbage.
MAX_IMPLAUSIBLE_SHARE = 0.4
#: Share of CJK characters made of two printable ASCII bytes, above which
#: CJK-looking text is UTF-16 read with the wrong byte order or code unit.
MIN_MISREAD_UTF16_SHARE = 0.8
MIN_MISREAD_CJK_CHARS = 8
#: Latin letters needed before a small alphabet counts as garbage; prose of
#: this length uses 15 or more distinct letters.
MIN_DIVERSITY_LETTERS = 150
#: Mean OCR word confidence (0-100) below which unknown words mean garbage.
LOW_OCR_CONFIDENCE = 45.0
#: Share of misread words (a symbol inside, an impossible shape, a doubled
#: consonant at the start) above which prose is a poor OCR text layer.
#: NOTE: set from a small sample. On 580 clean pages of PDFs and text files in
#: many languages, the prose pages stayed at or below 0.03, and the one old
#: OCR layer in the sample, a memo, reached 0.07.
MAX_OCR_NOISE_SHARE = 0.05
#: Share of words from the frequent-word lists of all languages that marks
#: text as prose. Tables of names and codes fall below it, and their odd
#: words come from abbreviations, not from OCR.
MIN_PROSE_WORD_SHARE = 0.2


@dataclass
class TextVerdict:
    """Measurements of one page or document of text, and the judgement."""

    word_count: int = 0
    dictionary_word_share: float = 0.0
    implausible_word_share: float = 0.0
    cid_runs: int = 0
    replacement_chars: int = 0
    repeat_char_runs: int = 0
    misread_utf16_share: float = 0.0
    symbol_share: float = 0.0
    distinct_letters: int = 0
    #: Share of Latin-script words that look misread by OCR: a symbol inside
    #: the word, an impossible shape or a doubled consonant at the start.
    ocr_noise_share: float = 0.0
    #: Latin-script words that the word-shape rules counted; 0 when another
    #: script has more letters.
    judged_words: int = 0
    is_garbage: bool = False
    reasons: list[str] = field(default_factory=list)


def judge_text(
    text: str, language: str | None = None, *, ocr_confidence: float | None = None
) -> TextVerdict:
    """Measure ``text`` and decide whether it is garbage.

    ``language`` is an ISO 639-1 code; with None or an unlisted language the
    dictionary share is computed against all shipped word lists together.
    ``ocr_confidence`` (0-100) is tesseract's mean word confidence when the
    text comes from OCR: a low value with few known words means tesseract
    read a script its language data does not cover.
    """
    verdict = TextVerdict()
    visible = "".join(text.split())
    verdict.cid_runs = len(_CID.findall(text)) if "(cid:" in text else 0
    verdict.replacement_chars = text.count("\ufffd")
    if not visible:
        return verdict

    prose, addresses = _without_addresses(text)
    shaped, words = _split_words(prose)
    # A run of repeated letters lies inside one word of ``shaped`` or inside
    # one blanked address, so runs are counted per word (with a cache) and
    # per address.
    verdict.repeat_char_runs = sum(map(_count_repeat_runs, shaped)) + sum(
        len(_REPEAT_LETTERS.findall(address)) for address in addresses
    )
    if not addresses:
        # ``words`` are split as tokenize_words splits them (see _split_words).
        remember_words(text, words)
    verdict.word_count = len(words)
    frequent = FREQUENT_WORDS.get(language or "", _ALL_FREQUENT)
    if words:
        known = sum(map(frequent.__contains__, words))
        verdict.dictionary_word_share = known / len(words)
    # Words are letters only, so without a letter outside the Latin range
    # every word is Latin.
    all_latin = prose.isascii() or _NON_LATIN_LETTER.search(prose) is None
    latin = shaped if all_latin else [word for word in shaped if _is_latin(word)]
    if latin:
        odd = sum(map(_is_implausible_word, latin))
        verdict.implausible_word_share = odd / len(latin)
        noisy = odd + _count_symbols_in_words(prose)
        verdict.ocr_noise_share = min(1.0, noisy / len(latin))
    verdict.misread_utf16_share = _misread_utf16_share(text)
    verdict.symbol_share = _symbol_share(visible)
    latin_text = "".join(latin)
    verdict.distinct_letters = len(set(latin_text.lower()))

    # Latin words inside text of another script (codes, names, URLs in
    # Chinese) are too few and too odd to judge the page by.
    latin_letters = len(latin_text)
    other_letters = 0
    if not all_latin:
        other_letters = sum(map(str.isalpha, _LATIN_RANGE.sub("", prose)))
    judged_words = len(latin) if latin_letters >= other_letters else 0
    verdict.judged_words = judged_words
    _decide(verdict, text, visible, judged_words)
    _decide_ocr_noise(
        verdict, words, language, judged_words, from_ocr=ocr_confidence is not None
    )
    _decide_ocr(verdict, judged_words, ocr_confidence)
    verdict.is_garbage = bool(verdict.reasons)
    return verdict


def language_may_matter(
    judged_words: int, implausible_word_share: float, ocr_confidence: float | None
) -> bool:
    """Return whether judging with one language's word list could add a reason.

    Only two rules read the dictionary word share, and one language's list is
    part of the combined list used without a language, so the share can only
    drop. Outside the conditions of those two rules a verdict made without a
    language holds for every language.
    """
    if (
        judged_words >= 3 * MIN_WORDS
        and 0.2 < implausible_word_share <= MAX_IMPLAUSIBLE_SHARE
    ):
        return True
    return (
        ocr_confidence is not None
        and judged_words >= MIN_WORDS
        and ocr_confidence < LOW_OCR_CONFIDENCE
    )


def _decide_ocr_noise(
    verdict: TextVerdict,
    words: list[str],
    language: str | None,
    latin_words: int,
    *,
    from_ocr: bool,
) -> None:
    """Add a reason when prose has too many words with symbols or impossible
    shapes.

    Such words are what OCR makes of a poor scan. A text layer can contain
    them too, from a font with a wrong mapping or from OCR by another
    program, so the reason names OCR only for text that tesseract read here.
    """
    if (
        latin_words < 3 * MIN_WORDS
        or verdict.ocr_noise_share <= MAX_OCR_NOISE_SHARE
        or verdict.implausible_word_share > MAX_IMPLAUSIBLE_SHARE
    ):
        return
    # The prose test reads all word lists whatever ``language`` is, so that
    # this rule never depends on the language (see ``language_may_matter``).
    prose_share = verdict.dictionary_word_share
    if language in FREQUENT_WORDS:
        prose_share = sum(map(_ALL_FREQUENT.__contains__, words)) / len(words)
    if prose_share >= MIN_PROSE_WORD_SHARE:
        appearance = "look misread by OCR" if from_ocr else "look garbled"
        verdict.reasons.append(
            f"{verdict.ocr_noise_share:.0%} of words {appearance} "
            "(symbols inside words, impossible letter sequences)"
        )


def _count_symbols_in_words(prose: str) -> int:
    """Return how many OCR symbol runs in ``prose`` sit inside a word: between
    two letters or digits, at least one of them a letter."""
    count = 0
    last = len(prose) - 1
    # Searching for the rare symbols first keeps this cheap on clean text.
    for match in _OCR_SYMBOLS.finditer(prose):
        start, end = match.span()
        if start == 0 or end > last:
            continue
        before, after = prose[start - 1], prose[end]
        if (
            before.isalnum()
            and after.isalnum()
            and (before.isalpha() or after.isalpha())
            and before != "_"
        ):
            count += 1
    return count


def _decide_ocr(
    verdict: TextVerdict, latin_words: int, ocr_confidence: float | None
) -> None:
    if ocr_confidence is None or latin_words < MIN_WORDS:
        return
    if ocr_confidence < LOW_OCR_CONFIDENCE and verdict.dictionary_word_share < 0.15:
        verdict.reasons.append(
            f"OCR confidence {ocr_confidence:.0f} with few known words; the "
            "language or script may be missing from extraction.ocr_languages"
        )


def _decide(verdict: TextVerdict, text: str, visible: str, latin_words: int) -> None:
    reasons = verdict.reasons
    cid_chars = sum(map(len, _CID.findall(text))) if verdict.cid_runs else 0
    if verdict.cid_runs >= 3 and cid_chars > 0.2 * len(visible):
        reasons.append(f"{verdict.cid_runs} (cid:N) glyph codes without a mapping")
    if verdict.replacement_chars > 0.1 * len(visible):
        reasons.append(f"{verdict.replacement_chars} U+FFFD replacement characters")
    if verdict.misread_utf16_share >= MIN_MISREAD_UTF16_SHARE:
        reasons.append("CJK-looking characters that are misread UTF-16 text")
    if latin_words >= MIN_WORDS:
        if verdict.implausible_word_share > MAX_IMPLAUSIBLE_SHARE:
            reasons.append(
                f"{verdict.implausible_word_share:.0%} of words have an impossible "
                "shape (repeated letters, no vowels, mixed case)"
            )
        elif (
            latin_words >= 3 * MIN_WORDS
            and verdict.dictionary_word_share < 0.02
            and verdict.implausible_word_share > 0.2
        ):
            reasons.append("almost no known words and many oddly shaped ones")
    if len(visible) >= 20 and verdict.symbol_share > 0.5:
        reasons.append(f"{verdict.symbol_share:.0%} of characters are symbols")
    if verdict.distinct_letters <= 8:
        letters = len(_LATIN_LETTER.findall(visible))
        # Such text is garbage when its letters form ten distinct words, or one
        # token such as "AAAA..." as long as the limit. Initials alone are not.
        if letters >= MIN_DIVERSITY_LETTERS and (
            _distinct_words(text) >= 10 or _longest_word(text) >= MIN_DIVERSITY_LETTERS
        ):
            reasons.append(
                f"{letters} letters drawn from only {verdict.distinct_letters}"
            )
    if verdict.repeat_char_runs >= 5 and verdict.repeat_char_runs * 20 > latin_words:
        reasons.append(
            f"{verdict.repeat_char_runs} runs of 4 or more identical letters"
        )


def _split_words(prose: str) -> tuple[list[str], list[str]]:
    """Return the letter runs of ``prose`` and its words as ``tokenize_words``
    splits them.

    A word of ``tokenize_words`` is one letter run, or two joined by an
    apostrophe, so both lists come from one regex pass. Lower-casing the
    joined words changes no word boundary (see ``tokenize_words``).
    """
    if "'" not in prose and "’" not in prose:
        if prose.isascii():
            # The only letters of ASCII text are A-Z and a-z, so a byte table
            # that blanks every other byte splits the words faster than the regex.
            spaced = prose.encode("ascii").translate(_ASCII_NON_LETTERS_BLANKED)
            return spaced.decode("ascii").split(), spaced.lower().decode().split()
        shaped = _WORD_WITH_CASE.findall(prose)
        return shaped, "\n".join(shaped).lower().split("\n") if shaped else []
    tokens = _WORD_OR_CONTRACTION.findall(prose)
    if not tokens:
        return [], []
    joined = "\n".join(tokens)
    # A token contains an apostrophe only between two letter runs, so
    # splitting there too gives the letter runs in order.
    shaped = joined.replace("'", "\n").replace("’", "\n").split("\n")
    return shaped, joined.lower().split("\n")


def _longest_word(text: str) -> int:
    return max(map(len, _WORD_WITH_CASE.findall(text)), default=0)


def _distinct_words(text: str) -> int:
    return len({word.lower() for word in _WORD_WITH_CASE.findall(text)})


def _without_addresses(text: str) -> tuple[str, list[str]]:
    """Return ``text`` with its URL, e-mail and host-name tokens blanked out,
    and those tokens.

    Words never span whitespace, so blanking whole tokens leaves the other
    words as they were.
    """
    if not _may_hold_address(text):
        return text, []
    matches = [
        match
        for match in _ADDRESS_CANDIDATE.finditer(text)
        if _is_address(match.group(0))
    ]
    if not matches:
        return text, []
    parts = []
    end = 0
    for match in matches:
        parts.append(text[end : match.start()])
        end = match.end()
    parts.append(text[end:])
    return " ".join(parts), [match.group(0) for match in matches]


def _may_hold_address(text: str) -> bool:
    """Return False only when no token of ``text`` passes ``_is_address``.

    Each test of ``_is_address`` needs a substring that this looks for in
    the whole text at once: "@", "://", "www." or a dot before a listed
    top-level domain.
    """
    if "@" in text or "://" in text:
        return True
    lowered = text.lower()
    return "www." in lowered or _TLD_SUFFIX.search(lowered) is not None


def _is_address(token: str) -> bool:
    """Return True for URLs, e-mail addresses and host names, which are real
    text but not shaped like words. Token by token, so it stays linear."""
    lowered = token.lower().strip(_ADDRESS_PUNCTUATION)
    if "@" in lowered or "://" in lowered or lowered.startswith("www."):
        return True
    stem, dot, suffix = lowered.rstrip(".").rpartition(".")
    return bool(dot and stem) and suffix in _TLDS


def _is_latin(word: str) -> bool:
    return word.isascii() or _LATIN_RANGE.fullmatch(word) is not None


def _base_letters(word: str) -> str:
    if word.isascii():
        return word.lower()  # NFKD leaves ASCII as it is, with no combining marks
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@functools.lru_cache(maxsize=65536)
def _count_repeat_runs(word: str) -> int:
    if len(word) < 4:
        return 0
    return len(_REPEAT_LETTERS.findall(word))


@functools.lru_cache(maxsize=65536)
def _is_implausible_word(word: str) -> bool:
    """Return True for a Latin-script word no language spells this way."""
    if len(word) < 3:
        return False
    base = _base_letters(word)
    if len(set(base)) == 1:
        return True  # "AAA", "aaaa"
    if _TRIPLE_CHAR.search(base):
        return True  # three identical letters in a row
    vowels = sum(map(base.count, _VOWELS))
    if len(base) >= 5 and vowels == 0:
        return True
    if len(base) >= 7 and vowels / len(base) < 0.15:
        return True
    return _starts_with_doubled_consonant(word) or _has_odd_case(word)


def _starts_with_doubled_consonant(word: str) -> bool:
    """Return True for an OCR misread such as "ttsrootj". Upper-case pairs
    start acronyms ("SSN"), so the word must go on in lower case."""
    return (
        len(word) >= 4
        and word[0].lower() == word[1]
        and word[1] in _DOUBLED_START_CONSONANTS
        and word[2] != word[1]
        and word[2].islower()
    )


def _has_odd_case(word: str) -> bool:
    # Accept lower, Title, UPPER and one inner capital (McDonald, iPhone, PhD).
    if word[1:].islower() or word.isupper():
        return False  # no upper-case letter follows a lower-case one
    rises = sum(
        1
        for left, right in zip(word, word[1:], strict=False)
        if left.islower() and right.isupper()
    )
    if rises >= 2:
        return True
    return rises == 1 and len(word) >= 3 and word[-1].isupper() and word[-2].isupper()


def _misread_utf16_share(text: str) -> float:
    if text.isascii():
        return 0.0  # no CJK characters
    cjk = [ord(char) for char in _CJK.findall(text)]
    if len(cjk) < MIN_MISREAD_CJK_CHARS:
        return 0.0
    ascii_pairs = 0
    for point in cjk:
        high, low = point >> 8, point & 0xFF
        # A byte-swapped ASCII letter gives a low byte of 0 ("M" -> U+4D00).
        if 0x20 <= high < 0x7F and (0x20 <= low < 0x7F or low == 0):
            ascii_pairs += 1
    return ascii_pairs / len(cjk)


def _symbol_share(visible: str) -> float:
    symbols = 0
    for char in _ORDINARY.sub("", visible):
        if char.isalnum() or char in _LAYOUT_PUNCTUATION:
            continue
        category = unicodedata.category(char)
        if category[0] in "PS" or category in ("Co", "Cc", "Cn"):
            symbols += 1
    return symbols / len(visible)


def dedupe_doubled_chars(text: str) -> tuple[str, bool]:
    """Undo fake-bold doubling ("HHeelllloo") when most of ``text`` is doubled.

    Only lines whose characters all come in identical pairs are collapsed,
    and only when such lines hold at least 60% of the visible characters.
    Returns the text and whether it changed.
    """
    lines = text.split("\n")
    doubled_chars = 0
    total_chars = 0
    doubled: list[bool] = []
    for line in lines:
        core = line.rstrip("\r")
        size = len(core.strip())
        total_chars += size
        is_doubled = size >= 4 and len(core) % 2 == 0 and core[0::2] == core[1::2]
        doubled.append(is_doubled)
        if is_doubled:
            doubled_chars += size
    if total_chars == 0 or doubled_chars < 0.6 * total_chars:
        return text, False
    fixed = [
        line.rstrip("\r")[0::2] if is_doubled else line
        for line, is_doubled in zip(lines, doubled, strict=True)
    ]
    return "\n".join(fixed), True
