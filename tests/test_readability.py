"""Tests for the readability statistics: offline use and agreement with textstat."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docflow.core import readability
from docflow.core.readability import (
    ENGLISH_ONLY_FORMULAS,
    FLESCH_VARIANTS,
    FORMULAS,
    TextStatistics,
    compute_readability,
    count_text_statistics,
    describe_left_out_formulas,
)

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
WAR_AND_PEACE = CORPUS / "edge" / "unst__book-war-and-peace-1225p.txt"
SPANISH_LETTER = (
    CORPUS / "labeled" / "letter" / "ghgov__Spain_2019_2019-10-23-GuardiaCivil.md"
)
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not present")


# Runs in a child process with every network path it could use replaced by
# one that records the attempt and raises, then reports what happened.
NETWORK_BLOCK = textwrap.dedent(
    """
    import json, socket, sys, urllib.request
    attempts = []
    def refuse(*args, **kwargs):
        attempts.append(repr(args[:2]))
        raise OSError("network blocked by test")
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    urllib.request.urlopen = refuse
    """
)

DOCFLOW_CHILD = NETWORK_BLOCK + textwrap.dedent(
    """
    from docflow.core.config import Settings
    from docflow.core.models import ExtractedDocument, Page
    from docflow.core.quality import analyze_quality
    text = sys.stdin.read()
    document = ExtractedDocument(
        path="offline.txt", detected_type="text", language="en",
        pages=[Page(number=1, method="native", text=text)],
    )
    result = analyze_quality(document, Settings())
    print(json.dumps({
        "attempts": attempts,
        "flesch_reading_ease": result.metrics["flesch_reading_ease"],
        "readability_score": result.readability_score,
        "imported": sorted(
            name for name in ("nltk", "textstat", "scipy") if name in sys.modules
        ),
    }))
    """
)

TEXTSTAT_CHILD = NETWORK_BLOCK + textwrap.dedent(
    """
    import textstat
    try:
        textstat.flesch_reading_ease(sys.stdin.read())
        error = None
    except LookupError as exc:
        error = type(exc).__name__
    print(json.dumps({"attempts": attempts, "error": error}))
    """
)


def run_blocked(script: str, text: str, home: Path) -> dict:
    """Run ``script`` in a child Python with HOME and NLTK_DATA under ``home``."""
    env = dict(os.environ, HOME=str(home), NLTK_DATA=str(home / "nltk_data"))
    completed = subprocess.run(
        [sys.executable, "-c", script],
        input=text,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def prose() -> str:
    if not WAR_AND_PEACE.is_file():
        pytest.skip("corpus not present")
    return WAR_AND_PEACE.read_text(encoding="utf-8")[100_000:130_000]


def test_offline_readability_needs_no_network(prose: str, tmp_path: Path) -> None:
    report = run_blocked(DOCFLOW_CHILD, prose, tmp_path)
    assert report["attempts"] == []
    assert report["imported"] == []
    assert 60 < report["flesch_reading_ease"] < 100
    assert report["readability_score"] > 0
    assert not (tmp_path / "nltk_data").exists()
    assert list(tmp_path.iterdir()) == []


def test_textstat_itself_tries_download(prose: str, tmp_path: Path) -> None:
    """The block above is effective: textstat 0.7.13 hits it on English text."""
    report = run_blocked(TEXTSTAT_CHILD, prose[:2000], tmp_path)
    assert report["attempts"] != []
    assert report["error"] == "LookupError"


@pytest.fixture(scope="module")
def textstat_pyphen_only():
    """textstat limited to pyphen syllables, as docflow counts them.

    The cmudict lookup is replaced by one that finds nothing (textstat then
    falls back to pyphen), and nltk.download by one that raises, so this
    comparison can never reach the network.
    """
    import nltk

    def refuse_download(*args, **kwargs):
        raise RuntimeError("nltk.download called during a docflow test")

    original_download = nltk.download
    nltk.download = refuse_download
    import textstat
    from textstat.backend.counts import _count_syllables

    original_lookup = _count_syllables.get_cmudict
    _count_syllables.get_cmudict = lambda lang: None
    yield textstat
    _count_syllables.get_cmudict = original_lookup
    nltk.download = original_download
    textstat.set_lang("en_US")


@needs_corpus
@pytest.mark.parametrize("offset", [50_000, 900_000, 2_500_000])
def test_formulas_match_textstat_english(textstat_pyphen_only, offset: int) -> None:
    text = WAR_AND_PEACE.read_text(encoding="utf-8")[offset : offset + 40_000]
    textstat = textstat_pyphen_only
    textstat.set_lang("en_US")
    stats = count_text_statistics([text], "en", max_words=10**9)
    ours = compute_readability(stats)
    assert stats.words == textstat.lexicon_count(text)
    assert stats.syllables == textstat.syllable_count(text)
    # Paragraphs without a full stop (chapter titles) end sentences here only.
    assert stats.sentences == pytest.approx(textstat.sentence_count(text), rel=0.02)
    for name in FORMULAS:
        assert ours[name] == pytest.approx(getattr(textstat, name)(text), abs=0.5), name


@needs_corpus
def test_formulas_match_textstat_spanish(textstat_pyphen_only) -> None:
    # Prose lines only: headings without a full stop end sentences here only.
    lines = SPANISH_LETTER.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if line.rstrip().endswith("."))
    textstat = textstat_pyphen_only
    textstat.set_lang("es")
    stats = count_text_statistics([text], "es", max_words=10**9)
    ours = compute_readability(stats)
    assert stats.syllables == textstat.syllable_count(text)
    assert stats.sentences == textstat.sentence_count(text)
    assert ours["flesch_reading_ease"] == pytest.approx(
        textstat.flesch_reading_ease(text), abs=0.05
    )
    assert ours["flesch_reading_ease"] == pytest.approx(
        textstat.fernandez_huerta(text), abs=0.05
    )
    assert ours["gunning_fog"] is None


def make_stats(language: str, **counts: int) -> TextStatistics:
    values = dict(
        words=100,
        sentences=5,
        syllables=150,
        polysyllables=10,
        complex_words=8,
        long_words=20,
        letters=450,
        characters=520,
        tokens=110,
        long_sentences=0,
        max_sentence_words=30,
        total_words=100,
        sampled=False,
    )
    values.update(counts)
    return TextStatistics(language=language, **values)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", 206.835 - 1.015 * 20 - 84.6 * 1.5),
        ("de", 180 - 20 - 58.5 * 1.5),
        ("fr", 207 - 1.015 * 20 - 73.6 * 1.5),
        ("es", 206.84 - 1.02 * 20 - 60 * 1.5),
        ("nl", 206.835 - 0.93 * 20 - 77 * 1.5),
        ("it", 217 - 1.3 * 20 - 60 * 1.5),
    ],
)
def test_flesch_variant_per_language(language: str, expected: float) -> None:
    values = compute_readability(make_stats(language))
    assert values["flesch_reading_ease"] == pytest.approx(expected, abs=0.01)


def test_flesch_variant_names() -> None:
    assert "Amstad" in FLESCH_VARIANTS["de"].name
    assert "Kandel-Moles" in FLESCH_VARIANTS["fr"].name
    assert "Fernández Huerta" in FLESCH_VARIANTS["es"].name
    assert "Douma" in FLESCH_VARIANTS["nl"].name
    assert "Flesch-Vacca" in FLESCH_VARIANTS["it"].name


def test_language_without_flesch_variant() -> None:
    values = compute_readability(make_stats("pl"))
    assert values["flesch_reading_ease"] is None
    assert values["flesch_kincaid_grade"] is None


@pytest.mark.parametrize("language", ["de", "fr", "nl", "it", "es"])
def test_grade_formulas_left_out_non_english(language: str) -> None:
    values = compute_readability(make_stats(language))
    assert values["flesch_reading_ease"] is not None
    for name in ENGLISH_ONLY_FORMULAS:
        assert values[name] is None, name
    note = describe_left_out_formulas(language)
    assert note is not None
    for name in ENGLISH_ONLY_FORMULAS:
        assert name in note, name


def test_italian_text_gets_no_grade_level() -> None:
    text = (
        "Buongiorno, vi inoltro l'ordine di questa settimana. "
        "Il materiale deve arrivare entro venerdì al magazzino. "
        "Per qualsiasi domanda potete chiamare il nostro ufficio acquisti."
    )
    values = compute_readability(count_text_statistics([text], "it", max_words=500))
    assert values["flesch_reading_ease"] is not None
    assert values["flesch_kincaid_grade"] is None
    assert values["gunning_fog"] is None


def test_grade_formulas_kept_english() -> None:
    values = compute_readability(make_stats("en"))
    for name in ENGLISH_ONLY_FORMULAS:
        assert isinstance(values[name], float), name
    assert describe_left_out_formulas("en") is None
    assert describe_left_out_formulas("en_US") is None


def test_no_words_gives_no_values() -> None:
    stats = count_text_statistics(["  \n\t "], "en", max_words=100)
    assert stats.words == 0
    assert stats.sentences == 0
    assert set(compute_readability(stats).values()) == {None}


def test_sampling_stops_at_max_words() -> None:
    pages = ["one two three four five. " * 40, "six seven eight nine ten. " * 40]
    stats = count_text_statistics(pages, "en", max_words=250)
    assert stats.sampled is True
    assert stats.words == 250
    assert stats.total_words == 400


def test_sentences_end_at_markdown_blocks() -> None:
    text = (
        "# Payment terms and conditions\n"
        "- Pay within thirty days of the invoice\n"
        "- Late fees apply after that"
    )
    stats = count_text_statistics([text], "en", max_words=100)
    assert stats.sentences == 3


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "en"), ("en_US", "en"), ("de-AT", "de"), ("fra", "fr"), ("", None)],
)
def test_normalize_language(language: str, expected: str | None) -> None:
    assert readability.normalize_language(language) == expected


def test_syllables_from_hyphenation_points() -> None:
    """pyphen hyphenation points plus one, as textstat counts without cmudict."""
    assert readability.count_word_syllables("information", "en") == 4
    assert readability.count_word_syllables("lesbarkeit", "de") == 3
    assert readability.count_word_syllables("xyzzy", "tlh") == 1


def test_quality_import_stays_light() -> None:
    code = (
        "import sys, docflow.core.quality; "
        "print(sorted(m for m in ('pyphen', 'textstat', 'nltk', 'scipy') "
        "if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert completed.stdout.strip() == "[]"


def test_long_token_skips_hyphenation(monkeypatch):
    def no_hyphenator(language):  # a fake: fails if pyphen would be asked
        raise AssertionError(f"pyphen asked for {language}")

    monkeypatch.setattr(readability, "_load_hyphenator", no_hyphenator)
    readability.count_word_syllables.cache_clear()
    long_token = "ba" * readability.MAX_HYPHENATED_CHARS

    assert readability.count_word_syllables(long_token, "en") == len(long_token) // 2
    assert readability.count_word_syllables("x" * 100_000, "en") == 1
    readability.count_word_syllables.cache_clear()


GITHUB_MAIL = CORPUS / "labeled" / "email" / "unst__email-no-html-content-1.eml"


@needs_corpus
def test_urls_left_out_of_counts() -> None:
    from docflow.core.config import Settings
    from docflow.core.extract import extract_document

    document = extract_document(str(GITHUB_MAIL), Settings())
    stats = count_text_statistics([document.text], "en", max_words=10_000)
    # 63 repository URLs and two e-mail addresses in the headers.
    assert stats.non_word_tokens == 65
    assert stats.syllables / stats.words < 2.0
    assert compute_readability(stats)["flesch_reading_ease"] > 30


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("https://github.com/nf-core/tools/subscription", True),
        ("<email@domain.com>", True),
        ("www.example.org,", True),
        ("example.com.", True),
        ("report.pdf", True),
        ("src/docflow/core/readability.py", True),
        ("C:\\Users\\ana", True),
        ("~/documents", True),
        ("10/10/2022", False),
        ("and/or", False),
        ("e.g.", False),
        ("end.It", False),
        ("@maintainers", False),
        ("3.5", False),
    ],
)
def test_is_non_word_token(token: str, expected: bool) -> None:
    assert readability.is_non_word_token(token) is expected


def test_sentence_ending_in_url_still_ends() -> None:
    text = (
        "Read the full terms at https://example.com/terms/2024. "
        "Then sign the form and send it back to us."
    )
    stats = count_text_statistics([text], "en", max_words=100)
    assert stats.sentences == 2
    assert stats.words == 15
    assert stats.non_word_tokens == 1


RECEIPT_LINES = """Check In
31/12/2017
Booking ID
IBZY2087
Payment Mode
Cash at Hotel
DESCRIPTION RATE AMOUNT
Room Charges Rs 1939 x 1 Night x 1 Room Rs 1939
Grand Total Rs 1939
Payment received by OYO Paid through Cash At Hotel (Rs 1939) Rs 1939
Balance ( if any ) Rs 0
Please Note: Amount payable is inclusive of all taxes at applicable rates and
it must be paid at the hotel before you check out."""


def test_short_lines_end_sentences() -> None:
    stats = count_text_statistics([RECEIPT_LINES], "en", max_words=1000)
    # The two wrapped lines of the note form its longest sentence. The
    # "Payment received" row nearly fills the width, so it joins the next.
    assert stats.max_sentence_words == 24
    assert stats.sentences == 6


def test_number_rows_end_sentences() -> None:
    rows = "\n".join(f"{2000 + n} {1000 + 37 * n} {100 + n} {n:02d}" for n in range(40))
    stats = count_text_statistics([rows], "en", max_words=1000)
    assert len({len(row) for row in rows.splitlines()}) == 1
    assert stats.sentences == 40
    assert stats.max_sentence_words == 4
    assert stats.long_sentences == 0


def test_wrapped_prose_with_numbers_stays_one_sentence() -> None:
    sentence = (
        "Sales rose from 1200 units in 2019 to 1350 in 2020, 1500 in 2021 and "
        "1720 in 2022 2023 2024 as the shop in the market square opened on "
        "Sundays and the new bakery next door drew more people to the street."
    )
    wrapped = textwrap.fill(sentence, width=24)
    stats = count_text_statistics([wrapped], "en", max_words=1000)
    assert stats.sentences == 1
    assert stats.max_sentence_words == len(sentence.split())


def test_wrapped_prose_stays_one_sentence() -> None:
    sentence = (
        "The committee met on Tuesday to review the budget for the coming "
        "year and agreed that the new library should open in the spring, "
        "after the treasurer has reported on the costs of the building, the "
        "books and the staff to the board of the town at its next meeting."
    )
    wrapped = textwrap.fill(sentence, width=60)
    stats = count_text_statistics([wrapped], "en", max_words=1000)
    assert wrapped.count("\n") >= 4
    assert stats.sentences == 1
    assert stats.max_sentence_words == len(sentence.split())


def test_paragraph_lines_end_sentences() -> None:
    bullets = "\n".join(
        f"Installed and updated {count} computer systems across the district"
        for count in range(100, 105)
    )
    joined = count_text_statistics([bullets], "en", max_words=1000)
    split = count_text_statistics([bullets], "en", max_words=1000, paragraph_lines=True)
    assert joined.sentences == 1
    assert split.sentences == 5
