"""Show people's corrections (``docflow label``) in stored results.

The store keeps the classifier's result and, apart from it, the labels people
gave. Every view of a result (``docflow results``, ``docflow report``, the HTML
report) should show the corrected category, so this module puts the newest
correction of each document into a copy of its result. The classifier's own
category and confidence stay in ``classification.correction``.

A correction applies to the document it was given for and to every stored
result with the same content hash, the same matching the review queue uses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from docflow.core.models import (
    CategoryCorrection,
    DocumentResult,
    Evidence,
    ReviewStatus,
)
from docflow.core.review import quality_reasons

if TYPE_CHECKING:
    from docflow.core.store import Correction, Store, StoredResult

__all__ = [
    "CorrectionIndex",
    "apply_correction",
    "apply_corrections",
    "corrected_results",
]


def apply_correction(result: DocumentResult, correction: Correction) -> DocumentResult:
    """Return a copy of ``result`` whose category is the one a person gave.

    The confidence becomes 1, ``processing_method`` becomes ``label`` and
    ``classification.correction`` records who labeled it, when, and the
    classifier's category and confidence. The label settles the
    classification only: the classification reasons for review are dropped,
    with the evidence items that sent the classifier's guess to review, and
    the document still needs review when a quality reason remains.
    """
    classification = result.classification
    if classification is None:
        # NOTE: a result without a classification (a failed or quality-only
        # run) has no place for a category, so its correction is not shown.
        return result
    if classification.correction is not None:
        model_category = classification.correction.model_category
        model_confidence = classification.correction.model_confidence
    else:
        model_category = classification.category
        model_confidence = classification.confidence
    corrected = classification.model_copy(
        update={
            "category": correction.category,
            "confidence": 1.0,
            "processing_method": "label",
            "evidence": [
                item for item in classification.evidence if not _routes_to_review(item)
            ],
            "correction": CategoryCorrection(
                labeled_by=correction.labeled_by,
                labeled_at=correction.labeled_at,
                model_category=model_category,
                model_confidence=model_confidence,
            ),
        }
    )
    reasons = quality_reasons(result.review_reasons)
    status = result.review_status
    if status is not None:
        status = ReviewStatus.NEEDS_REVIEW if reasons else ReviewStatus.APPROVED
    return result.model_copy(
        update={
            "classification": corrected,
            "review_status": status,
            "review_reasons": reasons,
        }
    )


def _routes_to_review(item: Evidence) -> bool:
    """Return whether evidence ``item`` is the classifier's reason for review.

    Such an item (too little text, a guess the rules dispute) explains why
    the classifier returned unknown or a capped confidence, which a label
    replaces.
    """
    from docflow.core.classify._classify import (
        MOSTLY_GARBAGE,
        SENT_TO_REVIEW,
        TOO_LITTLE_TEXT,
    )

    if item.source != "rule":
        return False
    return item.term in (TOO_LITTLE_TEXT, MOSTLY_GARBAGE) or item.term.endswith(
        SENT_TO_REVIEW
    )


def apply_corrections(
    rows: Sequence[StoredResult], corrections: Sequence[Correction]
) -> list[StoredResult]:
    """Return ``rows`` with the newest matching correction applied to each."""
    by_document: dict[int, Correction] = {}
    by_content: dict[str, Correction] = {}
    for correction in sorted(corrections, key=lambda item: item.id):
        if correction.document_id is not None:
            by_document[correction.document_id] = correction
        if correction.content_hash is not None:
            by_content[correction.content_hash] = correction
    corrected = []
    for stored in rows:
        matches = [by_document.get(stored.id)]
        if stored.result.content_hash is not None:
            matches.append(by_content.get(stored.result.content_hash))
        found = [item for item in matches if item is not None]
        if found:
            newest = max(found, key=lambda item: item.id)
            result = apply_correction(stored.result, newest)
            stored = dataclasses.replace(stored, result=result)
        corrected.append(stored)
    return corrected


def corrected_results(store: Store, **filters: Any) -> list[StoredResult]:
    """Return ``store.results(**filters)`` with corrections applied.

    A ``category`` filter matches the corrected category, so a document a
    person relabeled from letter to invoice is listed under invoice only.
    """
    corrections = store.corrections()
    if not corrections:
        return store.results(**filters)
    category = filters.pop("category", None)
    limit = filters.pop("limit", None)
    rows = apply_corrections(store.results(**filters), corrections)
    if category is not None:
        rows = [row for row in rows if _category(row.result) == category]
    return rows if limit is None else rows[:limit]


def _category(result: DocumentResult) -> str | None:
    return result.classification.category if result.classification else None


class CorrectionIndex:
    """People's corrections by content hash, to show them on fresh results.

    A processing run stores the classifier's own result. When a person has
    labeled the same content, the run prints the person's category instead,
    as ``docflow results`` does. Build the index once per run: one query.
    """

    def __init__(self, corrections: Sequence[Correction]) -> None:
        self._by_content: dict[str, Correction] = {}
        for correction in sorted(corrections, key=lambda item: item.id):
            if correction.content_hash is not None:
                self._by_content[correction.content_hash] = correction

    def __bool__(self) -> bool:
        return bool(self._by_content)

    def apply(self, result: DocumentResult) -> DocumentResult:
        """Return ``result`` with the newest correction of its content, if any."""
        if result.content_hash is None:
            return result
        correction = self._by_content.get(result.content_hash)
        return result if correction is None else apply_correction(result, correction)
