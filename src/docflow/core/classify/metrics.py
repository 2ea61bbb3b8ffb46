"""Accuracy and calibration measures shared by training and the accuracy benchmark.

Pure Python, so a report can be computed without importing scikit-learn.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

__all__ = [
    "CategoryMetrics",
    "Evaluation",
    "ReliabilityBin",
    "evaluate_predictions",
    "expected_calibration_error",
    "reliability_table",
]


class CategoryMetrics(BaseModel):
    precision: float
    recall: float
    f1: float
    support: int = Field(description="documents of this category in the set")


class ReliabilityBin(BaseModel):
    """Predictions with confidence in [low, high) and the share that were right."""

    low: float
    high: float
    count: int
    mean_confidence: float | None
    accuracy: float | None


class Evaluation(BaseModel):
    """A model's predictions scored against the true labels of one set."""

    model_version: str | None = None
    documents: int
    accuracy: float
    macro_f1: float = Field(
        description="mean F1 over the categories present in the set"
    )
    per_category: dict[str, CategoryMetrics]
    ece: float = Field(description="expected calibration error, 10 equal-width bins")


def _safe_ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def per_category_metrics(
    truth: Sequence[str], predicted: Sequence[str]
) -> dict[str, CategoryMetrics]:
    """Return precision, recall and F1 for each category present in ``truth``."""
    metrics: dict[str, CategoryMetrics] = {}
    for category in sorted(set(truth)):
        true_positive = sum(
            1 for t, p in zip(truth, predicted, strict=True) if t == p == category
        )
        predicted_count = sum(1 for p in predicted if p == category)
        support = sum(1 for t in truth if t == category)
        precision = _safe_ratio(true_positive, predicted_count)
        recall = _safe_ratio(true_positive, support)
        f1 = _safe_ratio(2 * precision * recall, precision + recall)
        metrics[category] = CategoryMetrics(
            precision=round(precision, 4),
            recall=round(recall, 4),
            f1=round(f1, 4),
            support=support,
        )
    return metrics


def reliability_table(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> list[ReliabilityBin]:
    """Group predictions into equal-width confidence bins with their accuracy."""
    table = []
    for index in range(bins):
        low, high = index / bins, (index + 1) / bins
        members = [
            (c, ok)
            for c, ok in zip(confidences, correct, strict=True)
            if low <= c < high or (index == bins - 1 and c == 1.0)
        ]
        table.append(
            ReliabilityBin(
                low=low,
                high=high,
                count=len(members),
                mean_confidence=(
                    round(sum(c for c, _ in members) / len(members), 4)
                    if members
                    else None
                ),
                accuracy=(
                    round(sum(ok for _, ok in members) / len(members), 4)
                    if members
                    else None
                ),
            )
        )
    return table


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> float:
    """Return the count-weighted mean gap between confidence and accuracy per bin."""
    total = len(confidences)
    if not total:
        return 0.0
    gap = 0.0
    for row in reliability_table(confidences, correct, bins):
        if row.count:
            assert row.mean_confidence is not None and row.accuracy is not None
            gap += row.count / total * abs(row.mean_confidence - row.accuracy)
    return round(gap, 4)


def evaluate_predictions(
    truth: Sequence[str],
    predicted: Sequence[str],
    confidences: Sequence[float],
    model_version: str | None = None,
) -> Evaluation:
    """Score predictions (the model's best guesses) against ``truth``."""
    per_category = per_category_metrics(truth, predicted)
    correct = [t == p for t, p in zip(truth, predicted, strict=True)]
    return Evaluation(
        model_version=model_version,
        documents=len(truth),
        accuracy=round(_safe_ratio(sum(correct), len(correct)), 4),
        macro_f1=round(
            _safe_ratio(sum(m.f1 for m in per_category.values()), len(per_category)), 4
        ),
        per_category=per_category,
        ece=expected_calibration_error(confidences, correct),
    )
