"""Score the check-worthiness model on a CT24-format TSV: precision, recall, accuracy, confusion, F1 (Yes)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from veracity.claims.data import read_ct24
from veracity.metrics import f1_score


@dataclass(frozen=True)
class BinaryScores:
    tp: int
    fp: int
    fn: int
    tn: int

    @classmethod
    def of(cls, gold: np.ndarray, predicted: np.ndarray) -> BinaryScores:
        gold, predicted = np.asarray(gold, bool), np.asarray(predicted, bool)
        return cls(
            tp=int((gold & predicted).sum()),
            fp=int((~gold & predicted).sum()),
            fn=int((gold & ~predicted).sum()),
            tn=int((~gold & ~predicted).sum()),
        )

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return f1_score(self.precision, self.recall)

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / max(self.tp + self.fp + self.fn + self.tn, 1)

    def as_dict(self) -> dict[str, float]:
        return {
            **asdict(self),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "accuracy": round(self.accuracy, 4),
        }


def best_threshold(gold: np.ndarray, proba: np.ndarray) -> float:
    """The threshold (0.05-0.95, step 0.01) that maximises F1 of the Yes class; ties go to the lower one."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    scores = [BinaryScores.of(gold, proba >= t).f1 for t in grid]
    return float(grid[int(np.argmax(scores))])


def evaluate_file(path: Path, threshold: float | None = None) -> tuple[BinaryScores, float]:
    from veracity.claims.model import get_scorer

    data = read_ct24(path)
    model = get_scorer()
    t = model.threshold if threshold is None else threshold
    proba = model.predict_proba(data.texts)
    return BinaryScores.of(data.labels, proba >= t), t
