"""Tests for analyze_quality on real documents and on hand-built pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from docflow.core.config import Settings
from docflow.core.extract import extract_document
from docflow.core.models import ExtractedDocument, Page, QualityResult
from docflow.core.quality import analyze_quality
from docflow.core.quality._checks import LOW_READABILITY_SENTENCE_WORDS
from docflow.core.readability import FORMULAS

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not present")

CLEAN_MARKDOWN = CORPUS / "labeled" / "contract" / "ghpol__github-event-terms.md"
MINUTES = CORPUS / "labeled" / "meeting_minutes" / "nodetsc__2015-06-10.md"
WAR_AND_PEACE = CORPUS / "edge" / "unst__book-war-and-peace-1225p.txt"
WHITESPACE_ONLY = CORPUS / "edge" / "unst__fake-text-all-whitespace.txt"
LONG_SENTENCE_LETTER = (
    CORPUS / "labeled" / "letter" / "ghgov__China_2019_2019-11-06-MPS.md"
)
# A formal letter of 27 words per sentence: Flesch reading ease about 30.
HARD_LETTER = (
    CORPUS / "labeled" / "letter" / "ghgov__Spain_2019_2019-10-23-GuardiaCivil.md"
)


def build_text_document(path: Path, **fields) -> ExtractedDocument:
    """Build the document a text or Markdown extractor returns for ``path``."""
    text = path.read_text(encoding="utf-8")
    page = Page(number=1, method="native", chars=len(text), text=text)
    detected = "markdown" if path.suffix == ".md" else "text"
    return ExtractedDocument(
        path=str(path), detected_type=detected, pages=[page], **fields
    )


def issue_codes(result: QualityResult) -> set[str]:
    return {issue.code for issue in result.issues}


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="module")
def clean_result(settings: Settings) -> QualityResult:
    return analyze_quality(build_text_document(CLEAN_MARKDOWN), settings)


def test_clean_contract_has_no_issues(clean_result: QualityResult) -> None:
    assert clean_result.issues == []
    assert clean_result.recommendations == []
    assert clean_result.structure_score == 100.0
    assert clean_result.content_quality_score == 100.0


def test_clean_contract_metrics(clean_result: QualityResult) -> None:
    metrics = clean_result.metrics
    assert metrics["language"] == "en"
    assert metrics["readability_applicable"] is True
    assert metrics["words"] > 1000
    assert 30 < metrics["flesch_reading_ease"] < 60
    assert metrics["headings"] >= 5
    assert metrics["readability_sampled"] is False


def test_whitespace_file_is_empty_document(settings: Settings) -> None:
    result = analyze_quality(build_text_document(WHITESPACE_ONLY), settings)
    assert issue_codes(result) == {"empty_document", "no_words"}
    assert result.overall_score == 0.0
    assert result.content_quality_score == 0.0
    assert result.readability_score is None
    assert result.structure_score is None
    [issue] = [issue for issue in result.issues if issue.code == "empty_document"]
    assert issue.severity == "error"
    # A text file gets no advice about OCR.
    assert "OCR" not in result.recommendations[0]
    assert "intended document" in result.recommendations[0]


def test_empty_scan_advice_depends_on_ocr(settings: Settings) -> None:
    off = build_pdf(Page(number=1, method="none", flags=["ocr_disabled", "empty"]))
    read = build_pdf(Page(number=1, method="ocr", ocr_confidence=0.0, text=""))
    off_advice = [i.recommendation for i in analyze_quality(off, settings).issues]
    read_advice = [i.recommendation for i in analyze_quality(read, settings).issues]
    assert any("enable OCR" in advice for advice in off_advice), off_advice
    assert not any("enable OCR" in advice for advice in read_advice), read_advice


def test_garbage_advice_follows_text_source(settings: Settings) -> None:
    def garbage_advice(method: str) -> str:
        page = Page(number=2, method=method, text=CID_TEXT, ocr_confidence=80.0)
        result = analyze_quality(build_pdf(contract_page(1), page), settings)
        [advice] = [i.recommendation for i in result.issues if i.code == "garbage_text"]
        return advice

    assert "extraction.ocr_languages" in garbage_advice("ocr")
    assert "embedded fonts" in garbage_advice("text_layer")


def test_document_without_pages_is_empty(settings: Settings) -> None:
    document = ExtractedDocument(path="zero.pdf", detected_type="pdf")
    result = analyze_quality(document, settings)
    assert issue_codes(result) == {"empty_document", "no_words"}
    assert "no pages" in result.issues[0].message
    assert result.overall_score == 0.0
    assert result.readability_score is None
    assert result.structure_score is None


def test_war_and_peace_is_sampled(settings: Settings) -> None:
    result = analyze_quality(build_text_document(WAR_AND_PEACE), settings)
    metrics = result.metrics
    assert metrics["readability_sampled"] is True
    assert metrics["words"] <= settings.quality.readability_max_words
    assert metrics["total_words"] > 500_000
    assert result.readability_score > 90
    assert result.issues == []


def war_and_peace_without_headings() -> str:
    """About 17,000 words of War and Peace prose with the heading lines removed."""
    text = WAR_AND_PEACE.read_text(encoding="utf-8")[200_000:300_000]
    lines = text.splitlines()
    return "\n".join(line for line in lines if not line.startswith(("CHAPTER", "BOOK")))


def contract_page(number: int, **fields) -> Page:
    text = CLEAN_MARKDOWN.read_text(encoding="utf-8")
    fields.setdefault("method", "text_layer")
    return Page(number=number, text=text, chars=len(text), **fields)


def build_pdf(*pages: Page, **fields) -> ExtractedDocument:
    return ExtractedDocument(
        path="scan.pdf", detected_type="pdf", language="en", pages=list(pages), **fields
    )


CID_TEXT = "(cid:36)(cid:81)(cid:71) (cid:87)(cid:75)(cid:72) " * 20


# Each builder returns a document that must raise exactly the named code.
TRIGGERS = {
    "empty_document": lambda: build_text_document(WHITESPACE_ONLY),
    "near_empty_document": lambda: build_pdf(
        Page(number=1, method="text_layer", text="John Smith\nSenior Software Engineer")
    ),
    "empty_page": lambda: build_pdf(
        contract_page(1), Page(number=2, method="ocr", ocr_confidence=0.0, text="")
    ),
    "no_text_layer": lambda: build_pdf(
        contract_page(1), Page(number=2, method="none", flags=["ocr_disabled", "empty"])
    ),
    "garbage_text": lambda: build_pdf(
        contract_page(1), Page(number=2, method="text_layer", text=CID_TEXT)
    ),
    "low_ocr_confidence": lambda: build_pdf(
        contract_page(1, method="ocr", ocr_confidence=41.0)
    ),
    "ocr_truncated": lambda: build_pdf(
        contract_page(1, method="ocr", ocr_confidence=91.0),
        Page(number=2, method="none", flags=["ocr_skipped", "empty"]),
    ),
    "long_sentences": lambda: build_text_document(LONG_SENTENCE_LETTER),
    "low_readability": lambda: build_text_document(HARD_LETTER),
    "no_headings_long_document": lambda: ExtractedDocument(
        path="novel.txt",
        detected_type="text",
        pages=[Page(number=1, method="native", text=war_and_peace_without_headings())],
    ),
    "wall_of_text": lambda: ExtractedDocument(
        path="novel.txt",
        detected_type="text",
        pages=[
            Page(
                number=1,
                method="native",
                text=" ".join(war_and_peace_without_headings().split()[:400]),
            )
        ],
    ),
    "repeated_text": lambda: build_pdf(contract_page(1), contract_page(2)),
    "no_words": lambda: build_pdf(
        Page(number=1, method="text_layer", text="!!! ... ??? ,,, ;;; --- *** ...")
    ),
    "few_distinct_words": lambda: build_pdf(
        Page(number=1, method="text_layer", text="buffalo " * 300)
    ),
    "repeated_phrase": lambda: build_pdf(
        Page(number=1, method="text_layer", text="Hello world " * 30)
    ),
    "score_not_applicable": lambda: build_text_document(CLEAN_MARKDOWN, language="pl"),
    "extension_mismatch": lambda: build_text_document(
        CLEAN_MARKDOWN, extension_mismatch=True
    ).model_copy(update={"path": "terms.pdf"}),
}

# Codes that a trigger document raises besides its own.
ALSO_RAISED = {
    "ocr_truncated": {"no_text_layer"},
    "empty_document": {"no_words"},
    "near_empty_document": {"score_not_applicable"},
    "no_words": {"near_empty_document"},
    "few_distinct_words": {"long_sentences", "score_not_applicable"},
    "long_sentences": {"low_readability"},
    "repeated_phrase": {"score_not_applicable"},
}

CLEAN_DOCUMENTS = [CLEAN_MARKDOWN, MINUTES, WAR_AND_PEACE]


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_issue_raised(code: str, settings: Settings) -> None:
    result = analyze_quality(TRIGGERS[code](), settings)
    assert code in issue_codes(result)
    assert issue_codes(result) - {code} <= ALSO_RAISED.get(code, set())


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_issue_has_message_and_advice(code: str, settings: Settings) -> None:
    result = analyze_quality(TRIGGERS[code](), settings)
    issue = next(issue for issue in result.issues if issue.code == code)
    assert issue.message
    assert issue.recommendation
    assert issue.recommendation != issue.message


@pytest.mark.parametrize("path", CLEAN_DOCUMENTS, ids=lambda path: path.stem)
@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_issue_absent_on_clean_document(path: Path, code: str, settings: Settings):
    result = analyze_quality(build_text_document(path), settings)
    assert code not in issue_codes(result)


def test_page_issues_name_their_page(settings: Settings) -> None:
    for code in ("empty_page", "no_text_layer", "garbage_text"):
        result = analyze_quality(TRIGGERS[code](), settings)
        issue = next(issue for issue in result.issues if issue.code == code)
        assert issue.page == 2, code
        assert "Page 2" in issue.message, code


def test_low_ocr_message_names_value_and_threshold(settings: Settings) -> None:
    result = analyze_quality(TRIGGERS["low_ocr_confidence"](), settings)
    issue = result.issues[0]
    assert issue.page == 1
    assert "41" in issue.message
    assert "60" in issue.message
    assert "300 dpi" in issue.recommendation
    assert result.metrics["mean_ocr_confidence"] == 41.0
    assert result.metrics["ocr_share"] == 1.0


def test_high_ocr_confidence_not_flagged(settings: Settings) -> None:
    document = build_pdf(contract_page(1, method="ocr", ocr_confidence=88.0))
    result = analyze_quality(document, settings)
    assert "low_ocr_confidence" not in issue_codes(result)


def test_ocr_confidence_threshold_from_settings() -> None:
    strict = Settings.model_validate({"quality": {"low_ocr_confidence": 95.0}})
    document = build_pdf(contract_page(1, method="ocr", ocr_confidence=88.0))
    result = analyze_quality(document, strict)
    assert "low_ocr_confidence" in issue_codes(result)


def test_garbage_page_left_out_of_readability(settings: Settings) -> None:
    clean = analyze_quality(build_pdf(contract_page(1)), settings)
    mixed = analyze_quality(TRIGGERS["garbage_text"](), settings)
    assert mixed.metrics["words"] == clean.metrics["words"]
    assert mixed.readability_score == clean.readability_score
    assert mixed.metrics["garbage_pages"] == 1
    assert mixed.content_quality_score < clean.content_quality_score


def test_extraction_garbage_flag_respected(settings: Settings) -> None:
    document = build_pdf(contract_page(1, flags=["garbage_text"]))
    result = analyze_quality(document, settings)
    assert issue_codes(result) == {"garbage_text", "score_not_applicable"}
    assert "flagged by extraction" in result.issues[0].message
    assert result.readability_score is None
    assert result.structure_score is None


def test_blank_page_without_images_is_empty(settings: Settings) -> None:
    """A digital page with no text and no images: extraction marks it empty."""
    blank = Page(number=2, method="none", flags=["empty"])
    result = analyze_quality(build_pdf(contract_page(1), blank), settings)
    assert issue_codes(result) == {"empty_page"}


@pytest.mark.parametrize("pages", [1, 3])
def test_blank_document_has_no_empty_page(pages: int, settings: Settings) -> None:
    blank = [Page(number=n, method="ocr", text=" \n") for n in range(1, pages + 1)]
    result = analyze_quality(build_pdf(*blank), settings)
    assert issue_codes(result) == {"empty_document", "no_words"}
    assert len(result.recommendations) == 1
    assert result.metrics["empty_pages"] == pages
    assert result.content_quality_score == 0.0


def test_blank_document_keeps_no_text_layer(settings: Settings) -> None:
    blank = Page(number=1, method="ocr", text="")
    unread = Page(number=2, method="none", flags=["ocr_disabled", "empty"])
    result = analyze_quality(build_pdf(blank, unread), settings)
    assert issue_codes(result) == {"empty_document", "no_text_layer", "no_words"}


def test_short_page_beside_text_is_empty(settings: Settings) -> None:
    folio = Page(number=2, method="text_layer", text="Page 2")
    result = analyze_quality(build_pdf(contract_page(1), folio), settings)
    assert issue_codes(result) == {"empty_page"}
    assert result.issues[0].page == 2


def test_short_pages_without_longer_page_kept(settings: Settings) -> None:
    approved = Page(number=1, method="text_layer", text="Approved.")
    signed = Page(number=2, method="text_layer", text="Signed: J. Smith")
    blank = Page(number=3, method="text_layer", text=" ")
    result = analyze_quality(build_pdf(approved, signed, blank), settings)
    empty = [issue.page for issue in result.issues if issue.code == "empty_page"]
    assert empty == [3]
    assert result.metrics["words"] == 4


def test_no_text_message_names_reason(settings: Settings) -> None:
    result = analyze_quality(TRIGGERS["no_text_layer"](), settings)
    assert "extraction.ocr" in result.issues[0].message
    truncated = analyze_quality(TRIGGERS["ocr_truncated"](), settings)
    issue = next(i for i in truncated.issues if i.code == "ocr_truncated")
    assert "extraction.max_ocr_pages" in issue.message
    assert "from page 2" in issue.message


def test_extension_mismatch_names_real_extension(settings: Settings) -> None:
    result = analyze_quality(TRIGGERS["extension_mismatch"](), settings)
    issue = result.issues[0]
    assert ".pdf" in issue.message
    assert ".md" in issue.recommendation


def test_many_page_issues_are_summarised() -> None:
    settings = Settings.model_validate({"quality": {"max_page_issues": 3}})
    blank = [Page(number=n, method="ocr", text="") for n in range(2, 12)]
    result = analyze_quality(build_pdf(contract_page(1), *blank), settings)
    empty = [issue for issue in result.issues if issue.code == "empty_page"]
    assert [issue.page for issue in empty] == [2, 3, 4, None]
    assert "7 more pages" in empty[-1].message
    assert result.metrics["empty_pages"] == 10


def test_one_recommendation_per_code(settings: Settings) -> None:
    blank = [Page(number=n, method="ocr", text="") for n in (2, 3)]
    no_text = Page(number=4, method="none", flags=["ocr_disabled"])
    document = build_pdf(contract_page(1), *blank, no_text)
    result = analyze_quality(document, settings)
    assert len(result.recommendations) == 2
    assert result.recommendations[0].startswith("Page 4:")
    assert result.recommendations[1].startswith("Pages 2, 3:")


def test_scores_bounded_on_corpus_texts(settings: Settings) -> None:
    paths = sorted((CORPUS / "labeled").glob("*/*.md"))
    paths += sorted((CORPUS / "labeled").glob("*/*.txt"))
    assert paths
    for path in paths:
        result = analyze_quality(build_text_document(path), settings)
        for score in (
            result.overall_score,
            result.readability_score,
            result.structure_score,
            result.content_quality_score,
        ):
            assert score is None or 0.0 <= score <= 100.0, path.name


def test_language_without_formula_not_penalised(settings: Settings) -> None:
    document = build_text_document(CLEAN_MARKDOWN, language="pl")
    result = analyze_quality(document, settings)
    assert result.metrics["readability_applicable"] is False
    assert "pl" in result.metrics["readability_note"]
    assert result.readability_score is None
    assert result.metrics["flesch_kincaid_grade"] is None
    assert result.overall_score == 100.0


def test_short_text_readability_not_applicable() -> None:
    strict = Settings.model_validate({"quality": {"readability_min_words": 5000}})
    result = analyze_quality(build_text_document(CLEAN_MARKDOWN), strict)
    assert result.metrics["readability_applicable"] is False
    assert "quality.readability_min_words" in result.metrics["readability_note"]


def test_german_document_uses_amstad(settings: Settings) -> None:
    document = build_text_document(CLEAN_MARKDOWN, language="deu")
    result = analyze_quality(document, settings)
    assert result.metrics["language"] == "de"
    assert result.metrics["language_source"] == "document"
    assert "Amstad" in result.metrics["readability_formula"]


def test_weights_from_settings(settings: Settings) -> None:
    document = build_text_document(LONG_SENTENCE_LETTER)
    content_only = Settings.model_validate(
        {"quality": {"readability_weight": 0.0, "structure_weight": 0.0}}
    )
    weighted = analyze_quality(document, settings)
    unweighted = analyze_quality(document, content_only)
    assert unweighted.overall_score == unweighted.content_quality_score
    assert weighted.overall_score < unweighted.overall_score


def test_long_sentences_lower_readability(settings: Settings) -> None:
    result = analyze_quality(build_text_document(LONG_SENTENCE_LETTER), settings)
    issue = next(issue for issue in result.issues if issue.code == "long_sentences")
    assert "45 words" in issue.message
    assert "Split sentences over 45 words" in issue.recommendation
    assert result.metrics["long_sentence_share"] > 0.2


def test_extraction_headings_preferred(settings: Settings) -> None:
    document = ExtractedDocument(
        path="novel.docx",
        detected_type="docx",
        headings=[(1, "Book One"), (2, "Chapter 1")],
        pages=[Page(number=1, method="native", text=war_and_peace_without_headings())],
    )
    result = analyze_quality(document, settings)
    assert result.metrics["headings"] == 2
    assert result.metrics["headings_source"] == "extraction"
    assert "no_headings_long_document" not in issue_codes(result)


def test_low_readability_explained(settings: Settings) -> None:
    result = analyze_quality(TRIGGERS["low_readability"](), settings)
    issue = next(issue for issue in result.issues if issue.code == "low_readability")
    assert result.readability_score < settings.quality.review_threshold
    assert "quality.review_threshold" in issue.message
    assert "26.6 words per sentence" in issue.message
    assert "syllables per word" in issue.message
    assert "shorter" in result.recommendations[0]


# Four hard sentences of about 50 words, each followed by a sentence of 8 or 9
# words written twice, so a third of the sentences are long and the Flesch
# part of the score is about 16. The four blocks differ, because one block
# pasted four times is one paragraph repeated (repeated_phrase).
COUNCIL_BLOCKS = [
    (
        "The council members reviewed the annual budget proposal carefully during "
        "their regular meeting on Tuesday evening and decided that the library "
        "renovation, the community garden project, the public swimming pool "
        "repairs and several important improvements to local roads should all "
        "receive additional funding before the winter season begins next year. ",
        "Residents welcomed the decision with considerable enthusiasm yesterday. ",
    ),
    (
        "The planning committee examined the regional transport strategy closely "
        "during their long session on Wednesday afternoon and agreed that the "
        "railway station upgrade, the city cycling network, the old museum "
        "restoration and several urgent repairs to neighbourhood bridges should "
        "each obtain extra resources before the financial quarter closes next "
        "month. ",
        "Commuters applauded the announcement with remarkable optimism afterwards. ",
    ),
    (
        "The school board evaluated the curriculum reform thoroughly during their "
        "quarterly conference on Thursday morning and determined that the science "
        "laboratory expansion, the foreign language programme, the university "
        "scholarship scheme and various significant changes to examination rules "
        "should together acquire further investment before the academic calendar "
        "starts next autumn. ",
        "Teachers celebrated the outcome with understandable satisfaction today. ",
    ),
    (
        "The health authority investigated the hospital waiting lists extensively "
        "during their emergency gathering on Friday evening and announced that "
        "the maternity ward refurbishment, the local pharmacy partnership, the "
        "ambulance fleet replacement and several overdue changes to outpatient "
        "clinics should immediately receive considerable funding before the "
        "influenza season arrives later this year. ",
        "Patients greeted the declaration with obvious relief on Saturday. ",
    ),
]
COUNCIL_TEXT = "".join(long + short * 2 for long, short in COUNCIL_BLOCKS)


def test_low_readability_gives_stored_score(settings: Settings) -> None:
    page = Page(number=1, method="native", chars=len(COUNCIL_TEXT), text=COUNCIL_TEXT)
    document = ExtractedDocument(path="council.txt", detected_type="text", pages=[page])
    result = analyze_quality(document, settings)
    issue = next(issue for issue in result.issues if issue.code == "low_readability")
    assert "long_sentences" in issue_codes(result)
    assert result.readability_score > 0
    assert f"readability score of {result.readability_score:.1f}," in issue.message
    assert "for long sentences (long_sentences)" in issue.message


def test_low_readability_threshold_from_settings() -> None:
    document = TRIGGERS["low_readability"]()
    lenient = Settings.model_validate({"quality": {"review_threshold": 20.0}})
    result = analyze_quality(document, lenient)
    assert "low_readability" not in issue_codes(result)


def test_low_readability_score_has_issue(settings: Settings) -> None:
    """Every readability score under the review threshold has a reason."""
    limit = settings.quality.review_threshold
    paths = sorted((CORPUS / "labeled").glob("*/*.md"))
    paths += sorted((CORPUS / "labeled").glob("*/*.txt"))
    documents = [build_text_document(path) for path in paths]
    documents += [
        extract_document(str(path), settings)
        for path in sorted((CORPUS / "labeled").glob("*/*.docx"))
    ]
    for document in documents:
        result = analyze_quality(document, settings)
        if result.readability_score is None or result.readability_score >= limit:
            continue
        if result.metrics["words_per_sentence"] < LOW_READABILITY_SENTENCE_WORDS:
            # Short items, such as a resume's, get no low_readability.
            continue
        explained = issue_codes(result) & {"low_readability", "long_sentences"}
        assert explained, document.path
        assert result.recommendations, document.path


@pytest.mark.parametrize(
    "relative",
    [
        "labeled/resume/soupb__01-Accountant.pdf",
        "labeled/resume/soupb__01-Office_Coordinator.pdf",
        "labeled/resume/soupb__Mickey01_docx.docx",
        "labeled/resume/soupb__sample_resume.txt",
        "labeled/report/unst__invalid-pdf-structure-pdfminer-one-page.pdf",
    ],
)
def test_short_items_not_low_readability(relative: str, settings: Settings) -> None:
    path = CORPUS / relative
    if path.suffix == ".txt":
        document = build_text_document(path)
    else:
        document = extract_document(str(path), settings)
    result = analyze_quality(document, settings)
    assert result.readability_score < settings.quality.review_threshold
    assert result.metrics["words_per_sentence"] < LOW_READABILITY_SENTENCE_WORDS
    assert "low_readability" not in issue_codes(result)


@pytest.mark.parametrize(
    "relative",
    ["labeled/receipt/i2d__oyo.pdf", "labeled/form/pdfjs__160F-2019.pdf"],
)
def test_table_lines_not_long_sentences(relative: str, settings: Settings) -> None:
    document = extract_document(str(CORPUS / relative), settings)
    result = analyze_quality(document, settings)
    assert "long_sentences" not in issue_codes(result)
    assert result.metrics["max_sentence_words"] <= 60


def test_table_report_needs_no_headings(settings: Settings) -> None:
    path = CORPUS / "labeled" / "report" / "plumb__ca-warn-report.pdf"
    result = analyze_quality(extract_document(str(path), settings), settings)
    assert result.metrics["total_words"] > settings.quality.headings_expected_words
    assert "no_headings_long_document" not in issue_codes(result)
    assert result.structure_score == 100.0


def test_number_table_not_long_sentences(tmp_path: Path, settings: Settings) -> None:
    """Rows of equal width, so every row reaches the text width."""
    rows = ["year region sales units returns margin"]
    rows += [
        f"{2000 + n} {n % 9 + 1} {1000 + 37 * n} {100 + n} {n:02d} 25"
        for n in range(40)
    ]
    path = tmp_path / "sales.txt"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = analyze_quality(extract_document(str(path), settings), settings)
    assert "long_sentences" not in issue_codes(result)
    assert result.metrics["sentences"] == 40
    assert result.metrics["max_sentence_words"] == 12


SHORT_MEMO = """Memo

To: All staff
From: Facilities

The main office will be closed on Friday for carpet cleaning. Please take
your laptops home on Thursday evening and clear your desks of papers. The
kitchen stays open for the cleaning crew. If you need to collect anything on
Friday, call the front desk before noon. Thank you for your help and patience.
"""


def test_short_memo_formulas_null(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "memo.txt"
    path.write_text(SHORT_MEMO, encoding="utf-8")
    result = analyze_quality(extract_document(str(path), settings), settings)
    assert result.metrics["words"] < settings.quality.readability_min_words
    assert result.readability_score is None
    assert result.metrics["readability_applicable"] is False
    assert "quality.readability_min_words" in result.metrics["readability_note"]
    for name in FORMULAS:
        assert name in result.metrics, name
        assert result.metrics[name] is None, name
    assert "score_not_applicable" in issue_codes(result)


def test_scored_text_keeps_formulas(clean_result: QualityResult) -> None:
    assert clean_result.readability_score is not None
    for name in FORMULAS:
        assert isinstance(clean_result.metrics[name], float), name
