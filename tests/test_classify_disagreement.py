"""Rules or key facts that contradict the model lower its confidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from docflow.core.classify import classify_document
from docflow.core.classify._classify import (
    DISAGREEMENT_CONFIDENCE,
    find_disagreement,
)
from docflow.core.config import Settings
from docflow.core.models import ExtractedDocument, Fact, Page

LETTER = (
    "Dear Ms. Jones,\n"
    "Thank you for your letter of 3 May about the garden wall between our houses.\n"
    "I agree that we should repair it together before the winter.\n"
    "Yours sincerely,\n"
    "Ann Lee\n"
)


def _settings(tmp_path: Path, **classification: object) -> Settings:
    classification.setdefault("rules", {})
    return Settings.model_validate(
        {
            "store": {"cache_dir": str(tmp_path / "cache")},
            "classification": classification,
        }
    )


def _text_document(text: str) -> ExtractedDocument:
    return ExtractedDocument(
        path="inline.txt",
        detected_type="text",
        pages=[Page(number=1, method="native", chars=len(text), text=text)],
    )


def _facts(*kinds: str) -> list[Fact]:
    return [Fact(kind=kind, value="1") for kind in kinds]


def test_disagreeing_rules_make_unknown(tmp_path: Path) -> None:
    plain = classify_document(_text_document(LETTER), _settings(tmp_path))
    rules = {"receipt": {"keywords": {"sincerely": 1.0, "dear": 1.0}}}
    settings = _settings(tmp_path, rules=rules)

    result = classify_document(_text_document(LETTER), settings)

    assert plain.category == "letter"
    assert plain.confidence > DISAGREEMENT_CONFIDENCE
    assert result.category == "unknown"
    assert result.confidence == pytest.approx(DISAGREEMENT_CONFIDENCE)
    assert result.metadata.runners_up[0].category == "letter"
    assert result.evidence[0].term.startswith("rules point to receipt")
    assert result.evidence[0].weight == 2.0


def test_low_threshold_keeps_disagreeing_guess(tmp_path: Path) -> None:
    rules = {"receipt": {"keywords": {"sincerely": 1.0, "dear": 1.0}}}
    settings = _settings(tmp_path, rules=rules, confidence_threshold=0.2)

    result = classify_document(_text_document(LETTER), settings)

    assert result.category == "letter"
    assert result.confidence < settings.classification.review_threshold


def test_agreeing_rules_keep_confidence(tmp_path: Path) -> None:
    plain = classify_document(_text_document(LETTER), _settings(tmp_path))
    rules = {"letter": {"keywords": {"sincerely": 1.0, "dear": 1.0}}}

    result = classify_document(_text_document(LETTER), _settings(tmp_path, rules=rules))

    assert result.confidence >= plain.confidence
    assert not any("rules point to" in item.term for item in result.evidence)


def test_weak_rival_rule_is_ignored() -> None:
    assert find_disagreement("letter", {"receipt": 1.0}, []) is None


def test_rival_rule_needs_a_lead() -> None:
    scores = {"receipt": 2.0, "letter": 1.5}
    assert find_disagreement("letter", scores, []) is None


@pytest.mark.parametrize("second", ["tax", "due_date"])
def test_invoice_facts_on_a_letter_disagree(second: str) -> None:
    evidence = find_disagreement("letter", {}, _facts("total", second))
    assert evidence is not None
    assert evidence.source == "rule"
    assert second in evidence.term
    assert "letter" in evidence.term


@pytest.mark.parametrize(
    ("category", "kinds"),
    [
        ("invoice", ("total", "tax", "due_date")),
        ("receipt", ("total", "tax")),
        # A category the user added, such as a tax return, may state both.
        ("tax_return", ("total", "tax", "due_date")),
        ("letter", ("total",)),
        ("letter", ("tax", "due_date", "document_date")),
    ],
)
def test_facts_that_fit_do_not_disagree(category: str, kinds: tuple[str, ...]) -> None:
    assert find_disagreement(category, {}, _facts(*kinds)) is None


def test_rival_rule_terms_named(tmp_path: Path) -> None:
    rules = {"receipt": {"keywords": {"sincerely": 1.0, "dear": 1.0}}}

    result = classify_document(_text_document(LETTER), _settings(tmp_path, rules=rules))

    term = result.evidence[0].term
    assert "'sincerely'" in term
    assert "'dear'" in term


def test_under_threshold_says_so(tmp_path: Path) -> None:
    settings = _settings(tmp_path, confidence_threshold=1.0, review_threshold=1.0)

    result = classify_document(_text_document(LETTER), settings)

    assert result.category == "unknown"
    assert result.evidence[0].term.startswith("confidence ")
    assert "under classification.confidence_threshold 1" in result.evidence[0].term


def test_own_rules_count_though_rival_leads(tmp_path: Path) -> None:
    rules = {
        "letter": {"keywords": {"sincerely": 0.5}},
        "receipt": {"keywords": {"dear": 1.0}},
    }

    result = classify_document(_text_document(LETTER), _settings(tmp_path, rules=rules))

    assert result.category == "letter"
    assert result.processing_method == "model+rules"
