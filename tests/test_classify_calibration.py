"""Calibration and abstention of the shipped model on the fixed evaluation set.

The evaluation set is never trained on, so these checks measure how the
confidence behaves on documents written by other people. The bounds leave
room above the figures in docs/accuracy.md because OCR output can differ
slightly between tesseract versions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docflow.core.classify import classify_document
from docflow.core.classify.metrics import expected_calibration_error
from docflow.core.config import Settings
from docflow.core.models import ClassificationResult

LABELED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "labeled"

pytestmark = pytest.mark.skipif(
    not LABELED.is_dir(), reason=f"evaluation corpus not found at {LABELED}"
)


@pytest.fixture(scope="module")
def results(
    tmp_path_factory: pytest.TempPathFactory,
) -> list[tuple[str, ClassificationResult]]:
    from docflow.core.pipeline import extract_cached, hash_file

    cache_dir = tmp_path_factory.mktemp("extract-cache")
    settings = Settings.model_validate(
        {
            "store": {"cache_dir": str(cache_dir)},
            "classification": {"confidence_threshold": 0.0},
        }
    )
    found = []
    for path in sorted(p for p in LABELED.rglob("*") if p.is_file()):
        content_hash, _ = hash_file(path)
        document = extract_cached(str(path), content_hash, settings)
        truth = path.relative_to(LABELED).parts[0]
        found.append((truth, classify_document(document, settings)))
    return found


def test_evaluation_set_is_complete(
    results: list[tuple[str, ClassificationResult]],
) -> None:
    assert len(results) >= 60
    assert len({truth for truth, _ in results}) == 12


def test_best_guess_accuracy(results: list[tuple[str, ClassificationResult]]) -> None:
    right = sum(truth == result.category for truth, result in results)
    assert right / len(results) >= 0.8


def test_expected_calibration_error(
    results: list[tuple[str, ClassificationResult]],
) -> None:
    confidences = [result.confidence for _, result in results]
    correct = [truth == result.category for truth, result in results]
    assert expected_calibration_error(confidences, correct) <= 0.1


def test_wrong_answers_less_confident(
    results: list[tuple[str, ClassificationResult]],
) -> None:
    right = [r.confidence for truth, r in results if truth == r.category]
    wrong = [r.confidence for truth, r in results if truth != r.category]
    assert wrong
    assert sum(wrong) / len(wrong) < sum(right) / len(right) - 0.1


def test_higher_threshold_abstains_more_errs_no_more(
    results: list[tuple[str, ClassificationResult]],
) -> None:
    def accepted_accuracy(threshold: float) -> tuple[float, float]:
        kept = [(t, r) for t, r in results if r.confidence >= threshold]
        accuracy = sum(t == r.category for t, r in kept) / len(kept)
        return accuracy, 1 - len(kept) / len(results)

    low_accuracy, low_abstention = accepted_accuracy(0.5)
    high_accuracy, high_abstention = accepted_accuracy(0.8)
    assert high_abstention > low_abstention
    # Both can be 1.0 when no best guess at 0.5 or more is wrong.
    assert high_accuracy >= low_accuracy
    assert high_abstention <= 0.35


def test_threshold_turns_guess_into_unknown(tmp_path: Path) -> None:
    from docflow.core.pipeline import extract_cached, hash_file

    path = LABELED / "form" / "pdfjs__issue7403.pdf"
    content_hash, _ = hash_file(path)
    for threshold in (0.3, 0.6, 0.9):
        settings = Settings.model_validate(
            {
                "store": {"cache_dir": str(tmp_path)},
                # The fit check caps this form's confidence; off, the
                # threshold alone decides.
                "classification": {
                    "confidence_threshold": threshold,
                    "min_fit_lead": 0.0,
                },
            }
        )
        result = classify_document(
            extract_cached(str(path), content_hash, settings), settings
        )
        if result.confidence >= threshold:
            assert result.category != "unknown"
        else:
            assert result.category == "unknown"
            assert result.metadata.runners_up[0].score == result.confidence
