"""Check-worthiness classifier: logistic regression on MiniLM sentence embeddings.

Learned state ends in `_` (scikit-learn convention). Inference is a dot product, so the shipped artifact is a
small `.npz` of weights plus a JSON model card; scikit-learn is needed only to `fit`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from veracity.errors import ModelUnavailable

MODEL_NAME = "checkworthiness-minilm-lr"


@dataclass
class CheckworthinessModel:
    C: float = 1.0
    threshold: float = 0.5
    card: dict = field(default_factory=dict)
    coef_: np.ndarray | None = None
    intercept_: float | None = None

    def fit(self, X: np.ndarray, y: np.ndarray) -> CheckworthinessModel:
        from sklearn.linear_model import LogisticRegression

        # No class weighting: the probabilities stay calibrated; the decision threshold is tuned on dev instead.
        lr = LogisticRegression(C=self.C, max_iter=3000, random_state=0).fit(X, y)
        self.coef_, self.intercept_ = lr.coef_[0].astype(np.float32), float(lr.intercept_[0])
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        if self.coef_ is None:
            raise ModelUnavailable("check-worthiness model is not fitted")
        return 1.0 / (1.0 + np.exp(-(X @ self.coef_ + self.intercept_)))

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.predict_proba(X) >= self.threshold

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        np.savez(directory / f"{MODEL_NAME}.npz", coef=self.coef_, intercept=np.float32(self.intercept_))
        card = {**self.card, "C": self.C, "threshold": self.threshold}
        (directory / f"{MODEL_NAME}.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
        return directory / f"{MODEL_NAME}.npz"

    @classmethod
    def load(cls, directory: Path) -> CheckworthinessModel:
        weights, card_path = directory / f"{MODEL_NAME}.npz", directory / f"{MODEL_NAME}.json"
        if not weights.is_file() or not card_path.is_file():
            raise ModelUnavailable(
                f"check-worthiness model not found in {directory} (train it: veracity train checkworthiness)"
            )
        card = json.loads(card_path.read_text(encoding="utf-8"))
        with np.load(weights) as z:
            coef, intercept = z["coef"].astype(np.float32), float(z["intercept"])
        return cls(C=card.get("C", 1.0), threshold=card["threshold"], card=card, coef_=coef, intercept_=intercept)


def shipped_models_dir() -> Path:
    return Path(str(resources.files("veracity.models")))


@cache
def get_checkworthiness_model() -> CheckworthinessModel:
    return CheckworthinessModel.load(shipped_models_dir())
