"""Tests for analyze_quality on real documents and on hand-built pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from docflow.core.config import Settings
from docflow.core.models import ExtractedDocument, Page, QualityResult
from docflow.core.quality import analyze_quality

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not present")

CLEAN_MARKDOWN = CORPUS / "labeled" / "contract" / "ghpol__github-event-terms.md"
MINUTES = CORPUS / "labeled" / "meeting_minutes" / "nodetsc__2015-06-10.md"
WAR_AND_PEACE = CORPUS / "edge" / "unst__book-war-and-peace-1225p.txt"
WHITESPACE_ONLY = CORPUS / "edge" / "unst__fake-text-all-whitespace.txt"
LONG_SENTENCE_LETTER = (
    CORPUS / "labeled" / "letter" / "ghgov__China_2019_2019-11-06-MPS.md"
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
    assert issue_codes(result) == {"empty_document"}
    assert result.overall_score == 0.0
    assert result.issues[0].severity == "error"
    assert "OCR" in result.recommendations[0]


def test_war_and_peace_is_sampled(settings: Settings) -> None:
    result = analyze_quality(build_text_document(WAR_AND_PEACE), settings)
    metrics = result.metrics
    assert metrics["readability_sampled"] is True
    assert metrics["words"] <= settings.quality.readability_max_words
    assert metrics["total_words"] > 500_000
    assert result.readability_score > 90
    assert result.issues == []
