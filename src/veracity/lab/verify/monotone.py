"""A multinomial logistic regression whose verdicts move the right way: more contradiction never makes
"refuted" less likely or "supported" more likely, more entailment the reverse, evidence both ways never makes
"disputed" less likely, a detail that disagrees never makes "supported" more likely, and a sentence that says the
opposite makes "refuted" the likeliest of the four to grow.

Why: fitted without constraints, the aggregation learned from its training mix (real claims whose refutations the
verifier reads only weakly, generated conflicts that are all strong contradictions) that a *stronger* contradiction
means "disputed" rather than "refuted": on the demo, P(refuted) fell from 0.43 to 0.33 as the contradiction of "The
Liberals did not promise to end all military involvement" rose from 0.5 to 1.0. A constraint is a weight order per
feature: for a contradiction feature, refuted's weight is the largest of the four and supported's the smallest, so
∂P(refuted)/∂x ≥ 0 and ∂P(supported)/∂x ≤ 0 everywhere.

Fitted with scipy's L-BFGS-B on the weighted log-loss + L2 (sklearn's `C` convention) + a quadratic penalty on
order violations, then projected so the orders hold exactly. sklearn-style (`fit`, `predict`,
`decision_function`), so cross-validation utilities work on it.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from veracity.verify.aggregate import FEATURES, VERDICTS

_S, _R, _D = VERDICTS.index("supported"), VERDICTS.index("refuted"), VERDICTS.index("disputed")
_CONTRADICTION = ("core_contradict", "core_contradict_top3", "strongest_part_contradict", "n_contradict")
_ENTAILMENT = ("core_entail", "core_entail_top3", "weakest_part_entail", "n_entail")
# (feature index, class, "max" = that class's weight is the largest for the feature, "min" = the smallest)
ORDERS: tuple[tuple[int, int, str], ...] = (
    *[(FEATURES.index(f), _R, "max") for f in _CONTRADICTION],
    *[(FEATURES.index(f), _S, "min") for f in _CONTRADICTION],
    *[(FEATURES.index(f), _S, "max") for f in _ENTAILMENT],
    *[(FEATURES.index(f), _R, "min") for f in _ENTAILMENT],
    (FEATURES.index("both_ways"), _D, "max"),
    (FEATURES.index("mismatch"), _S, "min"),
    (FEATURES.index("denial"), _R, "max"),
    (FEATURES.index("denial"), _S, "min"),
)
_PENALTY = 1e3


class MonotoneLogisticRegression(ClassifierMixin, BaseEstimator):
    """Multinomial logistic regression over standardised FEATURES (columns in that order, classes 0..3 = VERDICTS)
    with the weight orders of ORDERS."""

    def __init__(self, C: float = 1.0, class_weight: str | None = None, max_iter: int = 3000) -> None:
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter

    def fit(self, X: np.ndarray, y: np.ndarray) -> MonotoneLogisticRegression:
        from scipy.optimize import minimize

        X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
        k, d = len(VERDICTS), X.shape[1]
        counts = np.bincount(y, minlength=k)
        class_w = len(y) / (k * np.maximum(counts, 1)) if self.class_weight == "balanced" else np.ones(k)
        sample_w = class_w[y] / class_w[y].sum()
        onehot = np.eye(k)[y]
        l2 = 1.0 / (self.C * len(y))

        def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
            W, b = params[: k * d].reshape(k, d), params[k * d :]
            z = X @ W.T + b
            log_p = z - np.logaddexp.reduce(z, axis=1, keepdims=True)
            residual = (np.exp(log_p) - onehot) * sample_w[:, None]
            value = -(sample_w * (onehot * log_p).sum(1)).sum() + 0.5 * l2 * (W**2).sum()
            grad_w, grad_b = residual.T @ X + l2 * W, residual.sum(0)
            for j, cls, kind in ORDERS:
                for other in range(k):
                    gap = (W[other, j] - W[cls, j]) if kind == "max" else (W[cls, j] - W[other, j])
                    if other != cls and gap > 0:
                        value += _PENALTY * gap * gap
                        sign = 1.0 if kind == "max" else -1.0
                        grad_w[other, j] += sign * 2 * _PENALTY * gap
                        grad_w[cls, j] -= sign * 2 * _PENALTY * gap
            return value, np.concatenate([grad_w.ravel(), grad_b])

        result = minimize(loss, np.zeros(k * d + k), jac=True, method="L-BFGS-B",
                          options={"maxiter": self.max_iter})  # fmt: skip
        W = result.x[: k * d].reshape(k, d)
        for j, cls, kind in ORDERS:  # the penalty leaves violations of ~1e-4: make the orders exact
            bound = _bound(W[:, j], cls, kind)
            W[cls, j] = max(W[cls, j], bound) if kind == "max" else min(W[cls, j], bound)
        self.coef_, self.intercept_ = W, result.x[k * d :]
        self.classes_ = np.arange(k)
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X, dtype=np.float64) @ self.coef_.T + self.intercept_

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.decision_function(X).argmax(axis=1)


def order_violations(weights: np.ndarray) -> list[str]:
    """The ORDERS a weight matrix [classes, FEATURES] breaks (empty for a monotone aggregation)."""
    out = []
    for j, cls, kind in ORDERS:
        w, bound = weights[cls, j], _bound(weights[:, j], cls, kind)
        if (kind == "max" and w < bound) or (kind == "min" and w > bound):
            out.append(f"{VERDICTS[cls]} is not the {kind} weight of {FEATURES[j]}")
    return out


def _bound(column: np.ndarray, cls: int, kind: str) -> float:
    """What class `cls`'s weight in this feature column must reach ("max": the others' largest) or stay under
    ("min": the others' smallest)."""
    others = np.delete(column, cls)
    return float(others.max() if kind == "max" else others.min())
