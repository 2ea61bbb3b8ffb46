"""A document that fits none of the categories comes out unknown.

The softmax that turns the model's raw scores into probabilities keeps only
their differences, so without this check a novel that every category
rejects was classified ``contract`` at 0.95.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docflow.core.classify import classify_document
from docflow.core.classify._classify import DISAGREEMENT_CONFIDENCE, poor_fit
from docflow.core.config import ClassificationSettings, Settings
from docflow.core.models import ExtractedDocument, Page

NOVEL = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "corpus"
    / "edge"
    / "unst__book-war-and-peace-1225p.txt"
)
OPTIONS = ClassificationSettings(min_fit_score=-0.35, min_fit_lead=0.2)


def _settings(tmp_path: Path, **classification: object) -> Settings:
    return Settings.model_validate(
        {
            "store": {"cache_dir": str(tmp_path / "cache")},
            "classification": classification,
        }
    )


def test_low_scores_with_a_small_lead_fit_nothing() -> None:
    evidence = poor_fit([-0.41, -0.59, -0.9], "contract", {}, OPTIONS)

    assert evidence is not None
    assert evidence.term.startswith("fits no category well (model score -0.41")
    assert evidence.term.endswith(
        "lead 0.18, no contract rule matched): sent to review"
    )


@pytest.mark.parametrize(
    ("scores", "rules"),
    [
        ([-0.30, -0.45], {}),  # the best score reaches min_fit_score
        ([-0.40, -0.65], {}),  # the lead reaches min_fit_lead
        ([-0.50, -0.55], {"contract": 0.5}),  # a rule of the best guess fired
        ([-0.50], {}),  # a two-class model has one score column
    ],
)
def test_any_sign_of_fit_keeps_the_guess(
    scores: list[float], rules: dict[str, float]
) -> None:
    assert poor_fit(scores, "contract", rules, OPTIONS) is None


def test_rival_rules_do_not_count_as_fit() -> None:
    assert poor_fit([-0.50, -0.55], "contract", {"invoice": 2.0}, OPTIONS) is not None


def test_zero_lead_turns_the_check_off() -> None:
    off = ClassificationSettings(min_fit_lead=0.0)

    assert poor_fit([-2.0, -2.0], "contract", {}, off) is None


def test_document_of_the_training_kind_still_fits(tmp_path: Path) -> None:
    text = (
        "INVOICE No. 4711\nDate: 2024-03-01\nBill to: Acme Ltd\n"
        "Widget 2 x 10.00 20.00\nSubtotal 20.00\nVAT 20% 4.00\nTotal due 24.00\n"
    )
    document = ExtractedDocument(
        path="inline.txt",
        detected_type="text",
        pages=[Page(number=1, method="native", chars=len(text), text=text)],
    )

    result = classify_document(document, _settings(tmp_path))

    assert result.category == "invoice"
    assert not any("fits no category" in item.term for item in result.evidence)


@pytest.mark.skipif(not NOVEL.is_file(), reason=f"edge corpus file missing: {NOVEL}")
def test_novel_is_unknown_and_goes_to_review(tmp_path: Path) -> None:
    from docflow.core.models import ReviewStatus
    from docflow.core.pipeline import process_document

    checked = process_document(str(NOVEL), _settings(tmp_path), quality=False)
    unchecked = process_document(
        str(NOVEL), _settings(tmp_path, min_fit_lead=0.0), quality=False
    )

    assert checked.classification is not None
    assert unchecked.classification is not None
    # Without the fit check the best guess is still contract. The novel
    # contains no "this agreement" or "hereby", so it is caught as a text
    # about contracts instead.
    assert unchecked.classification.category == "unknown"
    assert unchecked.classification.metadata.runners_up[0].category == "contract"
    assert unchecked.classification.evidence[0].term.startswith("no 'this agreement'")
    assert checked.classification.category == "unknown"
    assert checked.classification.confidence == pytest.approx(DISAGREEMENT_CONFIDENCE)
    assert checked.classification.metadata.runners_up[0].category == "contract"
    assert checked.review_status == ReviewStatus.NEEDS_REVIEW
    assert checked.review_reasons[0].startswith(
        "category unknown: fits no category well"
    )
    assert "fits no category" not in " ".join(checked.classification.keywords)
