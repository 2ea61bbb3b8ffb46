"""Reasons the pipeline gives for sending a document to the review queue."""

from __future__ import annotations

import errno
import os

import pytest

from docflow.core.config import Settings
from docflow.core.models import (
    ClassificationMetadata,
    ClassificationResult,
    DocumentResult,
    Evidence,
    QualityIssue,
    QualityResult,
    ScoredCategory,
)
from docflow.core.pipeline import _review_status, _under


def classified(category: str, confidence: float, **extra) -> DocumentResult:
    metadata = ClassificationMetadata(
        model_version="m1", runners_up=[ScoredCategory(category="memo", score=0.4)]
    )
    classification = ClassificationResult(
        category=category, confidence=confidence, metadata=metadata, **extra
    )
    return DocumentResult(path="/d/a.pdf", status="ok", classification=classification)


def judged(score: float, garbage_pages: list[int | None]) -> DocumentResult:
    issues = [
        QualityIssue(code="garbage_text", message="unreadable", page=page)
        for page in garbage_pages
    ]
    quality = QualityResult(
        overall_score=score,
        readability_score=score,
        structure_score=score,
        content_quality_score=score,
        issues=issues,
    )
    return DocumentResult(path="/d/a.pdf", status="ok", quality=quality)


def reasons(result: DocumentResult) -> list[str]:
    status, found = _review_status(result, Settings())
    assert (status == "needs_review") == bool(found)
    return found


def test_confident_document_has_no_reasons():
    assert reasons(classified("invoice", 0.95)) == []


def test_low_confidence_reason():
    assert reasons(classified("invoice", 0.77)) == [
        "confidence 0.77 under classification.review_threshold 0.8"
    ]


def test_unknown_names_best_guess():
    assert reasons(classified("unknown", 0.4)) == [
        "category unknown: best guess memo at confidence 0.40, under "
        "classification.confidence_threshold 0.5"
    ]


def test_unknown_gives_abstain_reason():
    abstained = Evidence(term="too little text", weight=0.0, source="rule")
    result = classified("unknown", 0.2, evidence=[abstained])
    assert reasons(result) == ["category unknown: too little text"]


def test_quality_and_garbage_reasons():
    assert reasons(judged(41, [2, 5, None])) == [
        "quality 41 under quality.review_threshold 60",
        "garbage text on pages 2, 5 and more",
    ]
    assert reasons(judged(90, [3])) == ["garbage text on page 3"]


def reason_evidence(term: str, weight: float = 0.0) -> Evidence:
    return Evidence(term=term, weight=weight, source="rule")


def test_unknown_gives_disagreement_reason():
    conflict = reason_evidence(
        "rules point to letter ('dear'), not invoice: sent to review", 2.0
    )
    result = classified("unknown", 0.2, evidence=[conflict])
    assert reasons(result) == [f"category unknown: {conflict.term}"]


def test_unfamiliar_script_goes_to_review():
    # Under a confidence_threshold of 0.2 or less the category stays.
    untrained = reason_evidence(
        "text in zh, a language the model was not trained on (en, fr): sent to review"
    )
    result = classified("receipt", 0.99, evidence=[untrained])
    result.classification.metadata.language = "zh"
    assert reasons(result) == [
        "text in zh, a language the model was not trained on (en, fr)"
    ]


def test_untrained_language_reason_given_once():
    untrained = reason_evidence(
        "text in zh, a language the model was not trained on (en): sent to review"
    )
    result = classified("unknown", 0.2, evidence=[untrained])
    result.classification.metadata.language = "zh"
    assert reasons(result) == [f"category unknown: {untrained.term}"]


def test_trained_language_needs_no_review():
    result = classified("receipt", 0.99)
    result.classification.metadata.language = "pl"
    assert reasons(result) == []


@pytest.mark.parametrize(
    ("value", "threshold", "digits", "expected"),
    [
        (94.9, 95.0, 0, "94.9"),
        (80.2, 95.0, 0, "80"),
        (0.7996, 0.8, 2, "0.7996"),
        (0.45, 0.5, 2, "0.45"),
    ],
)
def test_reason_never_rounds_to_threshold(
    value: float, threshold: float, digits: int, expected: str
) -> None:

    assert _under(value, threshold, digits) == expected


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG])
def test_full_disk_names_working_folders(tmp_path, monkeypatch, code):
    # A named fake: a working file that cannot be written because its disk
    # is full, a fault that depends on where OCR and the cache write.
    from docflow.core import pipeline

    def full_disk(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(tmp_path / "page-1.pgm"))

    monkeypatch.setattr(pipeline, "extract_cached", full_disk)
    document = tmp_path / "scan.txt"
    document.write_text("An invoice.\n")
    settings = Settings.model_validate({"store": {"cache_dir": str(tmp_path / "c")}})

    result = pipeline.process_document(str(document), settings)

    assert result.status == "error"
    assert result.error is not None
    assert result.error.startswith(f"{document}: cannot write a working file (")
    assert "(TMPDIR)" in result.error
    assert "store.cache_dir" in result.error
    assert "unexpected" not in result.error
