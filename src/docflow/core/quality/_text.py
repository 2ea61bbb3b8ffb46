"""Text measures for quality checks: headings, running text, repeated lines
and repeated phrases."""

from __future__ import annotations

import operator
import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from docflow.core._wordlists import FREQUENT_WORDS

_ATX_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S")
_NAMED_HEADING = re.compile(
    r"^\s*(?:chapter|section|part|article|appendix|kapitel|chapitre|"
    r"abschnitt|artikel|capítulo|capitolo|hoofdstuk)\b[\s\dIVXLC.:]*\S*",
    re.IGNORECASE,
)
_NUMBERED_HEADING = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+[A-Z][^.!?]{0,70}$")
_MAX_HEADING_WORDS = 10
_MAX_HEADING_CHARS = 100
_MIN_CAPITALS_HEADING = 6  # letters; shorter capitalised lines are names
_MAX_COLON_HEADING_WORDS = 4

_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

MIN_REPEAT_CHARS = 20  # shorter lines (page numbers, labels) repeat legitimately

# Fewer distinct words than this in a text of quality.readability_min_words
# words or more means one word or a few repeated, not language.
MIN_DISTINCT_WORDS = 10

# measure_phrase_repetition tries every phrase length up to this many words.
SHORT_PHRASE_WORDS = 30
# Longer phrase lengths tried: the most frequent distances, above
# SHORT_PHRASE_WORDS, from a word to its previous occurrence on the same page.
# A word that occurs once in a sentence or paragraph repeated back to back
# recurs exactly one copy later, so the copy length is usually the most
# frequent. On the 722 labeled documents below, these lengths found the
# largest share over all lengths wherever that share exceeded 0.07.
LONG_PHRASE_CANDIDATES = 3
# A text is one phrase repeated when more than this share of its words equal
# the word one phrase length before them. Of 722 labeled documents of 13
# kinds, sample_docs included, none exceeded 0.48 (a table of layoff notices
# whose lines without numbers repeat "Layoff Permanent"), and none exceeded
# 0.21 at a phrase length above SHORT_PHRASE_WORDS. "Hello world" repeated by
# a PDF whose form XObjects draw themselves has 0.83.
MAX_PHRASE_REPEAT_SHARE = 0.6
# Text of fewer words is not judged, because a short exclamation such as
# "Thank you, thank you, thank you!" (6 words, share 0.67) is language.
MIN_PHRASE_TEXT_WORDS = 20
# Tokens searched for a repeated phrase. Text that is one phrase repeated is
# so from its start. The largest shares of the 715 labeled documents are the
# same over their first 2,000 tokens as over 20,000, which take ten times as
# long: 61 ms against 6 ms on War and Peace.
PHRASE_SAMPLE_TOKENS = 2_000
_MAX_PHRASE_SHOWN_CHARS = 60

# A text under quality.min_document_chars is short but complete when it has
# this many words and a full sentence, a greeting or a closing ("Hi Tom, the
# meeting moved to 3 pm. Kim").
MIN_COMPLETE_WORDS = 5
# A text layer or native file of one page was read whole, so this many words
# on it are the whole document, not the remains of a failed capture.
MIN_WHOLE_PAGE_WORDS = 10
_SENTENCE_END = re.compile(r"\w[.!?。！？](?=\s|$)")
_GREETING_OR_CLOSING = re.compile(
    r"^\W*(?:hi|hello|hey|dear|thanks|thank you|cheers|regards|best regards|"
    r"kind regards|sincerely|yours|bonjour|hallo|liebe|lieber|sehr geehrte|"
    r"hola|ciao|geachte|beste|groeten|dzień dobry|pozdrawiam)\b",
    re.IGNORECASE | re.MULTILINE,
)

# Cell separators of a table written as text: CSV with commas, semicolons
# or tabs, Markdown pipes, and runs of two or more spaces between columns
# (receipts and layout-preserved text).
_CELL_SEPARATORS = {
    "semicolon": re.compile(";"),
    "tab": re.compile("\t"),
    "comma": re.compile(","),
    "pipe": re.compile(r"\|"),
    "spaces": re.compile(r"(?<=\S)[ \t]{2,}(?=\S)"),
}
# A text is a table when at least this many of its lines, and this share of
# its non-blank lines, have one separator the same number of times. Their
# cells must average at most this many characters, and this share of them or
# more must have a digit. Prose lines with commas have cells of a clause, and
# few of those have a digit.
MIN_TABLE_ROWS = 5
MIN_TABLE_ROW_SHARE = 0.6
MAX_TABLE_CELL_CHARS = 24
MIN_TABLE_NUMBER_SHARE = 0.25
# Lines read to find a table. A table is one from its first rows, and reading
# every line of War and Peace (3 MB) took 0.16 s against 0.016 s with this
# limit (perf_counter, 2 shared CPUs).
_TABLE_SAMPLE_LINES = 2_000

# An amount with two decimals ("3.50", "1,234.00", "1.234,00"), as on a
# receipt line. Section numbers ("2.3.59") and dates ("01.17.2023") are not.
_AMOUNT = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:[.,]\d{3})+|\d+)[.,]\d{2}(?![.,]?\d)")
# Text is a list of amounts (a receipt, an invoice, a statement) when
# MIN_TABLE_ROWS or more, and this share, of its non-blank lines have one.
# Read with OCR off, the invoices, receipts and bank statements of 53 labeled
# text documents had shares of 0.14 to 0.30, and contracts, letters, minutes,
# resumes, forms and papers 0.08 or less (a paper page with a table of
# figures). A receipt whose amounts have no decimals stays below.
MIN_AMOUNT_LINE_SHARE = 0.1

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_LETTER = re.compile(r"[^\W\d_]")
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
_TOKEN = re.compile(r"\S+")
_DIGIT = re.compile(r"\d")
_FILL_IN = re.compile(r"_{3,}|\.{4,}|…{2,}")
# Share of a line's tokens that must be frequent words for it to be prose.
# On sample documents, contracts, papers and minutes had 84-99% of their
# tokens in such lines and a 16-page table of layoff notices had 14%.
_MIN_FREQUENT_SHARE = 0.15


def _is_heading_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > _MAX_HEADING_CHARS:
        return False
    # Counting spaces is cheaper than splitting, and most prose lines stop here.
    if stripped.count(" ") >= _MAX_HEADING_WORDS:
        return False
    if _ATX_HEADING.match(line) or _NAMED_HEADING.match(stripped):
        return True
    if _NUMBERED_HEADING.match(stripped):
        return True
    # A short line in capitals ("TERMS OF SERVICE"), or in title case ending
    # in a colon ("Work Experience:").
    if _is_in_capitals(stripped):
        return True
    if not stripped.endswith(":"):
        return False
    words = stripped.split()
    return len(words) <= _MAX_COLON_HEADING_WORDS and all(
        word[0].isupper() for word in words if word[0].isalpha()
    )


def _is_in_capitals(text: str) -> bool:
    """Return whether ``text`` has enough letters, all of them capitals."""
    if text.isascii():
        # Only A-Z and a-z are letters in ASCII, so bytes.translate counts them.
        encoded = text.encode("ascii")
        letters = len(encoded) - len(encoded.translate(None, _ASCII_LETTERS))
        return letters >= _MIN_CAPITALS_HEADING and text.upper() == text
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= _MIN_CAPITALS_HEADING and all(c.isupper() for c in letters)


def count_text_headings(texts: list[str]) -> int:
    """Count lines that read as headings in plain text or Markdown.

    Used only when extraction reported no headings, so a .txt or .md file is
    not judged to lack structure that it visibly has.
    """
    return sum(
        1 for text in texts for line in text.splitlines() if _is_heading_line(line)
    )


def count_prose_words(texts: list[str], language: str) -> int:
    """Count the whitespace tokens in lines that read as running text.

    A line is running text when at least 15% of its tokens are frequent words
    of ``language`` (articles, prepositions, pronouns). Table rows, form
    fields and lists of names have almost none. For a language without a word
    list every token counts.
    """
    frequent = FREQUENT_WORDS.get(language)
    if frequent is None:
        return sum(len(text.split()) for text in texts)
    prose = 0
    for text in texts:
        for line in text.splitlines():
            tokens = len(line.split())
            if not tokens:
                continue
            words = _WORD.findall(line.lower())
            known = sum(map(frequent.__contains__, words))
            if known and known >= _MIN_FREQUENT_SHARE * tokens:
                prose += tokens
    return prose


def reads_as_complete(texts: list[str], whole_page: bool) -> bool:
    """Return whether a short text reads as a whole document.

    It does with ``MIN_COMPLETE_WORDS`` words and a full sentence, a greeting
    or a closing, or with ``MIN_WHOLE_PAGE_WORDS`` words when ``whole_page``
    is true, that is when its one page was read from a text layer or file.
    """
    text = "\n".join(texts)
    # Whitespace tokens with a letter, so that a base64 line is one word.
    words = sum(1 for token in text.split() if _LETTER.search(token))
    if whole_page and words >= MIN_WHOLE_PAGE_WORDS:
        return True
    if words < MIN_COMPLETE_WORDS:
        return False
    return bool(_SENTENCE_END.search(text) or _GREETING_OR_CLOSING.search(text))


@dataclass(frozen=True)
class TableShape:
    """The rows of a text that share one cell separator."""

    rows: int
    lines: int
    separator: str


def find_table(texts: list[str]) -> TableShape | None:
    """Return the table shape of ``texts``, or None when they are not a table.

    Only the first ``_TABLE_SAMPLE_LINES`` non-blank lines are read. For each
    separator the most frequent count per line is found, and the lines with
    that count are the rows. The separator with the most rows wins when they
    are ``MIN_TABLE_ROWS`` or more, ``MIN_TABLE_ROW_SHARE`` of the lines or
    more, and their cells average at most ``MAX_TABLE_CELL_CHARS`` characters
    and ``MIN_TABLE_NUMBER_SHARE`` of them have a digit.
    """
    lines = [line for text in texts for line in text.splitlines() if line.strip()]
    lines = lines[:_TABLE_SAMPLE_LINES]
    best: TableShape | None = None
    for name, separator in _CELL_SEPARATORS.items():
        counts = Counter(len(separator.findall(line)) for line in lines)
        counts.pop(0, None)
        if not counts:
            continue
        count, rows = counts.most_common(1)[0]
        if rows < MIN_TABLE_ROWS or rows < MIN_TABLE_ROW_SHARE * len(lines):
            continue
        cells = [
            cell.strip()
            for line in lines
            if len(separator.findall(line)) == count
            for cell in separator.split(line.strip())
        ]
        if sum(map(len, cells)) > MAX_TABLE_CELL_CHARS * len(cells):
            continue
        numbers = sum(1 for cell in cells if _DIGIT.search(cell))
        if numbers < MIN_TABLE_NUMBER_SHARE * len(cells):
            continue
        if best is None or rows > best.rows:
            best = TableShape(rows, len(lines), name)
    return best


def count_amount_lines(texts: list[str]) -> tuple[int, int]:
    """Count the first ``_TABLE_SAMPLE_LINES`` non-blank lines of ``texts``
    and those of them that have an amount with two decimals."""
    lines = [line for text in texts for line in text.splitlines() if line.strip()]
    lines = lines[:_TABLE_SAMPLE_LINES]
    return sum(1 for line in lines if _AMOUNT.search(line)), len(lines)


def is_amount_list(amount_lines: int, lines: int) -> bool:
    """Return whether text with ``amount_lines`` of its ``lines`` carrying an
    amount is a receipt, invoice or statement."""
    return (
        amount_lines >= MIN_TABLE_ROWS and amount_lines >= MIN_AMOUNT_LINE_SHARE * lines
    )


def measure_repeated_share(texts: list[str]) -> tuple[float, int]:
    """Return the share of characters in lines that repeat an earlier line,
    and the number of lines compared.

    Only lines of at least 20 characters count, compared after collapsing
    whitespace and case, so short page numbers, labels and running headers
    weigh little.
    """
    seen: set[str] = set()
    total = 0
    repeated = 0
    compared = 0
    for text in texts:
        for line in text.splitlines():
            key = " ".join(line.split()).lower()
            if len(key) < MIN_REPEAT_CHARS:
                continue
            total += len(key)
            compared += 1
            if key in seen:
                repeated += len(key)
            else:
                seen.add(key)
    return (repeated / total if total else 0.0), compared


@dataclass(frozen=True)
class WordCounts:
    """Whitespace tokens of a text: all of them, those with a letter or a digit,
    and those with a letter (words)."""

    tokens: int
    alphanumeric_tokens: int
    words: int
    distinct_words: int


def count_words(texts: list[str], max_tokens: int) -> WordCounts:
    """Count tokens, alphanumeric tokens, words (tokens with a letter) and
    distinct words in the first ``max_tokens`` whitespace tokens of ``texts``.

    A word is keyed by its first run of letters, lowercased, so "Total:" and
    "total" are one word.
    """
    tokens = 0
    alphanumeric = 0
    words = 0
    distinct: set[str] = set()
    for text in texts:
        # finditer, not split, so a long page is not copied when counting stops.
        for token in _TOKEN.finditer(text):
            if tokens == max_tokens:
                return WordCounts(tokens, alphanumeric, words, len(distinct))
            tokens += 1
            match = _WORD.search(token.group())
            if match is not None:
                alphanumeric += 1
                words += 1
                distinct.add(match.group().lower())
            elif _DIGIT.search(token.group()):
                alphanumeric += 1
    return WordCounts(tokens, alphanumeric, words, len(distinct))


@dataclass(frozen=True)
class PhraseRepetition:
    """The phrase whose back-to-back repeats cover the largest share of a text.

    ``words`` counts the words compared. ``share`` is the share of them that
    equal the word ``phrase_words`` places before, 0.0 when no word does.
    ``phrase`` is the first copy in the longest run of repeats, as written,
    shortened to 60 characters. ``words_read`` counts the tokens read, words
    or not, so it reaches PHRASE_SAMPLE_TOKENS when the text was cut there.
    """

    words: int
    share: float
    phrase_words: int
    phrase: str
    words_read: int = 0


def measure_phrase_repetition(texts: list[str], max_tokens: int) -> PhraseRepetition:
    """Measure how much of the first ``max_tokens`` tokens repeat one phrase.

    At most PHRASE_SAMPLE_TOKENS tokens are read, whatever ``max_tokens`` is,
    and lines with a digit or a blank to fill in are skipped.

    Only tokens with a letter count as words, compared lowercased without
    punctuation at their ends, so "world." repeats "World" but two URLs
    differ. Line breaks are ignored, because a phrase repeated once per line
    is as repetitive as one repeated along a line. For each phrase length
    tried, the share of words equal to the word that many places before is
    counted, and the largest share wins. The lengths tried are 1 to
    ``SHORT_PHRASE_WORDS`` words and the ``LONG_PHRASE_CANDIDATES`` lengths
    that ``_long_phrase_lengths`` proposes, so the cost grows linearly with
    the tokens read. A longer phrase counts only within one page, because a
    page that repeats the one before is a copy (an invoice and its
    duplicate), which the repeated-line check judges.
    """
    words, pages, tokens = _read_phrase_words(
        texts, min(max_tokens, PHRASE_SAMPLE_TOKENS)
    )
    keys = [word.lower() for word in words]
    # A word keyed with its page equals no word of another page.
    page_keys = list(zip(pages, keys, strict=True))

    best_share, best_length = 0.0, 0
    lengths = [*range(1, min(SHORT_PHRASE_WORDS, len(keys) - 1) + 1)]
    lengths += _long_phrase_lengths(page_keys)
    for length in lengths:
        compared = keys if length <= SHORT_PHRASE_WORDS else page_keys
        matches = sum(map(operator.eq, compared[length:], compared[:-length]))
        if matches / len(keys) > best_share:
            best_share, best_length = matches / len(keys), length
    if not best_length:
        return PhraseRepetition(len(words), 0.0, 0, "", tokens)
    compared = keys if best_length <= SHORT_PHRASE_WORDS else page_keys
    start = _start_of_longest_run(compared, best_length)
    phrase = " ".join(words[start - best_length : start])
    if len(phrase) > _MAX_PHRASE_SHOWN_CHARS:
        phrase = phrase[: _MAX_PHRASE_SHOWN_CHARS - 3].rstrip() + "..."
    return PhraseRepetition(len(words), best_share, best_length, phrase, tokens)


def _read_phrase_words(
    texts: list[str], max_tokens: int
) -> tuple[list[str], list[int], int]:
    """Return the words of the first ``max_tokens`` tokens of ``texts`` that
    measure_phrase_repetition compares, the index of each word's text, and
    the number of tokens read."""
    words: list[str] = []
    pages: list[int] = []
    tokens = 0
    for page, text in enumerate(texts):
        for line in text.splitlines():
            if _DIGIT.search(line) or _FILL_IN.search(line):
                # Rows of a statement, payslip or schedule repeat their labels
                # ("Card payment", "Regular hours") by design, and so do the
                # fields of a form ("Name: ____"). Such rows have a number or
                # a blank to fill in, so those lines are left out.
                continue
            for token in _TOKEN.finditer(line):
                if tokens == max_tokens:
                    # Return at the limit: scanning the remaining lines of War
                    # and Peace (3 MB) took 0.3 s, against 14 ms for the whole
                    # measure with this return (timeit, 2 shared CPUs).
                    return words, pages, tokens
                tokens += 1
                if _LETTER.search(token.group()):
                    words.append(_EDGE_PUNCTUATION.sub("", token.group()))
                    pages.append(page)
    return words, pages, tokens


def _long_phrase_lengths(keys: Sequence[Hashable]) -> list[int]:
    """Return the most frequent distances above ``SHORT_PHRASE_WORDS`` from a
    key to its previous occurrence, at most ``LONG_PHRASE_CANDIDATES``."""
    previous: dict[Hashable, int] = {}
    distances: Counter[int] = Counter()
    for index, key in enumerate(keys):
        seen = previous.get(key)
        if seen is not None and index - seen > SHORT_PHRASE_WORDS:
            distances[index - seen] += 1
        previous[key] = index
    return [length for length, _ in distances.most_common(LONG_PHRASE_CANDIDATES)]


def _start_of_longest_run(keys: Sequence[Hashable], length: int) -> int:
    """Return the first index of the longest run of words that each equal the
    word ``length`` places before."""
    best_start, best_run = length, 0
    start, run = length, 0
    for index in range(length, len(keys)):
        if keys[index] == keys[index - length]:
            if run == 0:
                start = index
            run += 1
            if run > best_run:
                best_start, best_run = start, run
        else:
            run = 0
    return best_start
