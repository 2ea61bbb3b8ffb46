"""Map the final confidence to the chance that the best guess is right.

The softmax temperature (``train.fit_temperature``) calibrates the linear
model's scores on their own. The confidence a user sees is one step further:
the keyword rules are mixed in (``_rules.combine_scores``), and the best of
the mixed scores is reported. That mix lowers the top score whenever the
rules spread over several categories, whether the guess is right or not.

A confidence map corrects the final number with two parameters, Platt's
logistic map on the log-odds: ``map(c) = sigmoid(slope * logit(c) +
intercept)``. It is fitted on documents scored by models that did not see
their group. With ``sample_docs/train`` a group is one template (one
writer's layout), so the map learns how sure the classifier should be about
a writer it has never met, as a user's documents are. The map keeps the
order of confidences, so it changes no best guess, only which side of the
thresholds a document falls on.

Key facts, the abstention for poor text and the disagreement check are not
part of the fit; they cap the confidence after the map.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["ConfidenceMap", "apply_map", "fit_confidence_map"]

#: Fewer held-out documents than this leave the confidence as it is.
MIN_DOCUMENTS = 50
#: A slope outside these bounds means the fit went wrong, so no map is kept.
SLOPE_RANGE = (0.25, 4.0)
_EDGE = 1e-4

ConfidenceMap = dict[str, float]


def _logit(value: float) -> float:
    value = min(max(value, _EDGE), 1.0 - _EDGE)
    return math.log(value / (1.0 - value))


def apply_map(confidence: float, mapping: ConfidenceMap | None) -> float:
    """Return ``confidence`` through ``mapping`` (unchanged when there is none)."""
    if not mapping:
        return confidence
    z = mapping["slope"] * _logit(confidence) + mapping["intercept"]
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    odds = math.exp(z)
    return odds / (1.0 + odds)


def fit_confidence_map(
    confidences: Sequence[float], correct: Sequence[bool]
) -> ConfidenceMap | None:
    """Fit the slope and intercept that minimise the log loss of the mapped confidences.

    Returns None when there are too few documents, when they are all right
    or all wrong, or when the fitted slope is implausible.
    """
    if len(confidences) < MIN_DOCUMENTS or len(set(correct)) < 2:
        return None
    import numpy as np
    from scipy.optimize import minimize

    x = np.array([_logit(value) for value in confidences])
    y = np.array(correct, dtype=float)

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        z = params[0] * x + params[1]
        # log(1 + e^z) - y z, in a form that stays finite for large |z|
        total = np.logaddexp(0.0, z) - y * z
        p = 0.5 * (1.0 + np.tanh(z / 2.0))
        gradient = np.array([((p - y) * x).sum(), (p - y).sum()])
        return float(total.sum()), gradient

    result = minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    slope, intercept = (float(value) for value in result.x)
    if not result.success or not SLOPE_RANGE[0] <= slope <= SLOPE_RANGE[1]:
        return None
    return {
        "slope": round(slope, 6),
        "intercept": round(intercept, 6),
        "held_out_scores": len(confidences),
    }
