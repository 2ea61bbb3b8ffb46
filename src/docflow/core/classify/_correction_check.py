"""Check what the corrections from ``docflow label`` do to the training documents.

Corrections are never held out, so the held-out comparison in ``train`` cannot
show a model that the corrections made worse on documents it used to get
right. This check scores the training folder's documents out of fold twice,
with the same stratified folds: once with linear models fitted without the
corrections and once with them. A document that is right without the
corrections and wrong with them is a regression. It is blamed on the
correction of the wrongly predicted category whose text is most similar to it.
The corrections count as harmful when they turn more documents wrong than
right, so a single regression that no improvement offsets rejects the model.

The corrections themselves are scored out of fold too: they are dealt into
folds, and each fold is scored by a model fitted on everything else. A
correction that turns a document wrong, or whose text is the same as or nearly
the same as that of a document or correction of another category, is named
as a contradiction.

Each correction is also scored by one model fitted on the training documents
alone, with no correction at all, so that wrong labels cannot teach one
another. A correction whose guess there is another category with a softmax
score of at least ``DISPUTE_CONFIDENCE`` is named as disputed. A dispute alone
does not reject the model, because a correction exists where a model was wrong.

Every fold reuses the vocabulary fitted on all training samples, as the
confidence map does, so only the linear model is refitted: at most
``3 * max_folds + 1`` fits.

NOTE: a document counts as wrong only when its best guess is another
category. One whose best guess stays right but whose confidence falls, so
that it is classified ``unknown``, is not counted, because the confidence map
and the rules that decide ``unknown`` are not refitted per fold.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from docflow.core.classify.metrics import Evaluation, evaluate_predictions
from docflow.core.plurals import count_noun

if TYPE_CHECKING:
    from docflow.core.classify.train import Sample

__all__ = [
    "Contradiction",
    "CorrectionCheck",
    "CorrectionOutcome",
    "DocumentRegression",
    "DISPUTE_CONFIDENCE",
    "check_corrections",
    "unchecked_reason",
]

log = logging.getLogger(__name__)

#: Cosine similarity of two documents' feature rows at or above which a
#: correction and a document of another category count as the same text.
#: On the 650 documents of sample_docs/train, no two of different categories
#: scored above 0.48, and in tests/test_train.py a copy of a resume with one
#: line added scored 0.99 against the resume.
CONTRADICTION_SIMILARITY = 0.9
#: Softmax score at or above which the model fitted without any correction
#: disputes a correction that it guesses as another category. In
#: tests/test_train.py two resumes labeled email were guessed resume at 0.80
#: and 0.88 by that model, and at 0.57 and 0.60 out of fold with the other
#: wrong label trained in.
DISPUTE_CONFIDENCE = 0.8


class DocumentRegression(BaseModel):
    """A training document that is right without the corrections and wrong with them."""

    source: str
    category: str = Field(description="the document's category in the folder")
    predicted: str = Field(description="the best guess of the model with corrections")
    confidence: float = Field(description="the softmax score of that guess")
    blamed: str | None = Field(
        default=None,
        description="the correction of the predicted category most similar to "
        "the document, or null when no correction has that category",
    )


class CorrectionOutcome(BaseModel):
    """A correction scored by a model fitted without it."""

    source: str = Field(description="file path, or ``text`` and a hash prefix")
    category: str
    predicted: str
    confidence: float


class Contradiction(BaseModel):
    """A correction that disagrees with a training document or another correction."""

    correction: str
    category: str
    other: str = Field(description="the training document or correction")
    other_category: str
    similarity: float = Field(description="cosine similarity of the two feature rows")
    turned_wrong: bool = Field(
        description="the correction is blamed for turning ``other`` wrong"
    )


class CorrectionCheck(BaseModel):
    """The training documents and corrections, each scored out of fold."""

    folds: int
    without_corrections: Evaluation = Field(
        description="the training folder's documents, by models fitted without "
        "the corrections"
    )
    with_corrections: Evaluation = Field(
        description="the same documents in the same folds, by models fitted "
        "with the corrections"
    )
    regressions: list[DocumentRegression] = Field(
        description="documents right without the corrections and wrong with them"
    )
    improvements: int = Field(
        description="documents wrong without the corrections and right with them"
    )
    corrections: Evaluation = Field(
        description="the corrections, each by a model fitted without its fold"
    )
    outcomes: list[CorrectionOutcome]
    contradictions: list[Contradiction]
    disputed: list[CorrectionOutcome] = Field(
        default_factory=list,
        description="corrections that a model fitted on the training documents "
        "alone, without any correction, guesses as another category with a "
        "softmax score of at least DISPUTE_CONFIDENCE; check their labels",
    )

    @property
    def worse(self) -> bool:
        """True when the corrections turn more documents wrong than right.

        There is no tolerance, because one document turned wrong is a model
        that got worse on a document it got right. The rejection names that
        document and the correction blamed, and ``--force`` keeps a
        correction whose label is right anyway.
        """
        return len(self.regressions) > self.improvements


def _describe_sample(sample: Sample) -> str:
    """Return a sample's file path, or ``text <hash>`` for a text correction.

    The text itself stays out of the report. The path is written as
    ``display_path`` writes it, which gives each file its own text.
    """
    from docflow.core.store import display_path

    if sample.source == "text":
        return f"text {sample.key[:12]}"
    return display_path(sample.source)


def unchecked_reason(samples: Sequence[Sample], config: dict[str, Any]) -> str | None:
    """Return why ``check_corrections`` skips the corrections in ``samples``.

    Returns None when the check runs, and when ``samples`` has no correction.
    """
    if not any(sample.correction for sample in samples):
        return None
    documents = _folder_documents(samples)
    if _fold_count(samples, documents, config) >= 2:
        return None
    counts = Counter(samples[index].label for index in documents)
    small = sorted(name for name, count in counts.items() if count < 2)
    return (
        "these categories have fewer than 2 training documents outside the "
        f"held-out split: {', '.join(small)}"
    )


def _folder_documents(samples: Sequence[Sample]) -> list[int]:
    """Return the indexes of the folder's documents that no correction relabels.

    A folder document that was also corrected is left out, because its
    folder label and its correction may differ.
    """
    fixed_keys = {sample.key for sample in samples if sample.correction}
    return [
        index
        for index, sample in enumerate(samples)
        if not sample.correction and sample.key not in fixed_keys
    ]


def _fold_count(
    samples: Sequence[Sample], documents: Sequence[int], config: dict[str, Any]
) -> int:
    """Return the number of stratified folds for ``documents``, below 2 if none fit."""
    counts = Counter(samples[index].label for index in documents)
    return min(config["calibration"]["max_folds"], min(counts.values(), default=0))


def check_corrections(
    matrix: Any,
    samples: Sequence[Sample],
    config: dict[str, Any],
    temperature: float | None,
    on_step: Callable[[str], None] | None = None,
) -> CorrectionCheck | None:
    """Score the training documents with and without the corrections, out of fold.

    ``matrix`` contains the feature rows of ``samples`` in order, and
    ``config`` is the feature configuration whose ``classifier`` and
    ``calibration.max_folds`` apply. Returns None when ``samples`` has no
    correction, or when some category has fewer than two folder documents
    to deal into folds.
    """
    step = on_step or (lambda _: None)
    fixes = [index for index, sample in enumerate(samples) if sample.correction]
    if not fixes:
        return None
    skipped = unchecked_reason(samples, config)
    if skipped is not None:
        log.warning(
            "the corrections are not checked against the training documents, "
            "because %s. Add documents to their subfolders to check them",
            skipped,
        )
        return None
    documents = _folder_documents(samples)
    folds = _fold_count(samples, documents, config)
    scale = temperature or 1.0
    fit = _FoldFitter(matrix, samples, config["classifier"], scale)

    step(f"checking the corrections: {folds} folds over the training documents")
    without, with_fixes = _score_documents(fit, documents, fixes, folds)
    step(
        f"checking the corrections: {count_noun(len(fixes), 'correction')} out of fold"
    )
    outcomes = _score_corrections(fit, documents, fixes, folds)
    # One model without any correction, so wrong labels cannot back each other.
    alone = fit.predict(documents, fixes)

    similarity = _cosine_similarity(matrix)
    regressions = _regressions(
        samples, documents, without, with_fixes, fixes, similarity
    )
    return CorrectionCheck(
        folds=folds,
        without_corrections=_evaluate(samples, documents, without),
        with_corrections=_evaluate(samples, documents, with_fixes),
        regressions=regressions,
        improvements=sum(
            without[row][0] != samples[row].label
            and with_fixes[row][0] == samples[row].label
            for row in documents
        ),
        corrections=_evaluate(samples, fixes, outcomes),
        outcomes=[_outcome(samples[index], outcomes[index]) for index in fixes],
        contradictions=_contradictions(samples, fixes, similarity, regressions),
        disputed=[
            _outcome(samples[index], alone[index])
            for index in fixes
            if alone[index][0] != samples[index].label
            and alone[index][1] >= DISPUTE_CONFIDENCE
        ],
    )


def _outcome(sample: Sample, guess: tuple[str, float]) -> CorrectionOutcome:
    """Return the outcome of the correction ``sample`` from a model's ``guess``."""
    return CorrectionOutcome(
        source=_describe_sample(sample),
        category=sample.label,
        predicted=guess[0],
        confidence=round(guess[1], 4),
    )


class _FoldFitter:
    """The linear model of one feature matrix, refitted on chosen rows per fold."""

    def __init__(
        self,
        matrix: Any,
        samples: Sequence[Sample],
        options: dict[str, Any],
        temperature: float,
    ) -> None:
        import numpy as np

        self.matrix = matrix
        self.labels = np.array([sample.label for sample in samples])
        self.weights = np.array([sample.weight for sample in samples])
        self.options = options
        self.temperature = temperature

    def predict(
        self, train_rows: Sequence[int], test_rows: Sequence[int]
    ) -> dict[int, tuple[str, float]]:
        """Return the best guess and its softmax score for each of ``test_rows``."""
        import numpy as np
        from scipy.special import softmax

        from docflow.core.classify.train import _linear_model

        rows = np.array(train_rows)
        model = _linear_model(self.options)
        model.fit(
            self.matrix[rows], self.labels[rows], sample_weight=self.weights[rows]
        )
        scores = model.decision_function(self.matrix[np.array(test_rows)])
        if scores.ndim == 1:
            scores = np.column_stack([-scores, scores]) / 2
        probabilities = softmax(scores / self.temperature, axis=1)
        classes = [str(name) for name in model.classes_]
        guesses = {}
        for position, row in enumerate(test_rows):
            best = int(probabilities[position].argmax())
            guesses[row] = (classes[best], float(probabilities[position, best]))
        return guesses


def _score_documents(
    fit: _FoldFitter, documents: list[int], fixes: list[int], folds: int
) -> tuple[dict[int, tuple[str, float]], dict[int, tuple[str, float]]]:
    """Return out-of-fold guesses for ``documents`` without and with ``fixes``."""
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(folds, shuffle=True, random_state=0)
    labels = [fit.labels[index] for index in documents]
    without: dict[int, tuple[str, float]] = {}
    with_fixes: dict[int, tuple[str, float]] = {}
    for train_positions, test_positions in splitter.split(labels, labels):
        train_rows = [documents[position] for position in train_positions]
        test_rows = [documents[position] for position in test_positions]
        without.update(fit.predict(train_rows, test_rows))
        with_fixes.update(fit.predict(train_rows + fixes, test_rows))
    return without, with_fixes


def _score_corrections(
    fit: _FoldFitter, documents: list[int], fixes: list[int], folds: int
) -> dict[int, tuple[str, float]]:
    """Return a guess for each correction from a model fitted without its fold.

    With fewer corrections than folds, each correction is its own fold.
    """
    count = min(folds, len(fixes))
    outcomes: dict[int, tuple[str, float]] = {}
    for fold in range(count):
        test_rows = fixes[fold::count]
        train_rows = documents + [row for row in fixes if row not in test_rows]
        outcomes.update(fit.predict(train_rows, test_rows))
    return outcomes


def _evaluate(
    samples: Sequence[Sample], rows: list[int], guesses: dict[int, tuple[str, float]]
) -> Evaluation:
    return evaluate_predictions(
        [samples[row].label for row in rows],
        [guesses[row][0] for row in rows],
        [guesses[row][1] for row in rows],
    )


def _cosine_similarity(matrix: Any) -> Any:
    """Return the dense matrix of cosine similarities between all rows."""
    from sklearn.preprocessing import normalize

    rows = normalize(matrix)
    return (rows @ rows.T).toarray()


def _regressions(
    samples: Sequence[Sample],
    documents: list[int],
    without: dict[int, tuple[str, float]],
    with_fixes: dict[int, tuple[str, float]],
    fixes: list[int],
    similarity: Any,
) -> list[DocumentRegression]:
    """Return the documents the corrections turn wrong, each blaming a correction."""
    found = []
    for row in documents:
        label = samples[row].label
        predicted, confidence = with_fixes[row]
        if without[row][0] != label or predicted == label:
            continue
        suspects = [fix for fix in fixes if samples[fix].label == predicted]
        blamed = max(suspects, key=lambda fix: similarity[row, fix], default=None)
        found.append(
            DocumentRegression(
                source=_describe_sample(samples[row]),
                category=label,
                predicted=predicted,
                confidence=round(confidence, 4),
                blamed=None if blamed is None else _describe_sample(samples[blamed]),
            )
        )
    return found


def _contradictions(
    samples: Sequence[Sample],
    fixes: list[int],
    similarity: Any,
    regressions: list[DocumentRegression],
) -> list[Contradiction]:
    """Return the corrections that disagree with a document or another correction.

    A correction disagrees when it is blamed for a regression, or when a
    sample of another category has the same content hash or a similarity of
    at least ``CONTRADICTION_SIMILARITY``. Two corrections that disagree are
    listed once.
    """
    by_source = {
        _describe_sample(sample): index for index, sample in enumerate(samples)
    }
    found: dict[tuple[int, int], Contradiction] = {}
    for regression in regressions:
        if regression.blamed is None:
            continue
        fix, row = by_source[regression.blamed], by_source[regression.source]
        found[(fix, row)] = _contradiction(samples, fix, row, similarity, True)
    for fix in fixes:
        for row, other in enumerate(samples):
            if other.label == samples[fix].label or (row, fix) in found:
                continue
            same = other.key == samples[fix].key
            if (fix, row) not in found and (
                same or similarity[fix, row] >= CONTRADICTION_SIMILARITY
            ):
                found[(fix, row)] = _contradiction(samples, fix, row, similarity, False)
    return list(found.values())


def _contradiction(
    samples: Sequence[Sample],
    fix: int,
    row: int,
    similarity: Any,
    turned_wrong: bool,
) -> Contradiction:
    return Contradiction(
        correction=_describe_sample(samples[fix]),
        category=samples[fix].label,
        other=_describe_sample(samples[row]),
        other_category=samples[row].label,
        similarity=round(float(similarity[fix, row]), 4),
        turned_wrong=turned_wrong,
    )
