"""Score the check-worthiness model on a CT24-format TSV: precision, recall, accuracy, confusion, F1 (Yes)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from veracity.lab.claims.data import read_ct24


@dataclass(frozen=True)
class BinaryScores:
    """Confusion counts and measures of the Yes class, all from sklearn.metrics (0 where undefined)."""

    tp: int
    fp: int
    fn: int
    tn: int
    precision: float
    recall: float
    f1: float
    accuracy: float

    @classmethod
    def of(cls, gold: np.ndarray, predicted: np.ndarray) -> BinaryScores:
        gold, predicted = np.asarray(gold, bool), np.asarray(predicted, bool)
        tn, fp, fn, tp = (int(n) for n in confusion_matrix(gold, predicted, labels=[False, True]).ravel())
        precision, recall, f1, _ = precision_recall_fscore_support(gold, predicted, average="binary", zero_division=0.0)
        return cls(tp, fp, fn, tn, float(precision), float(recall), float(f1), accuracy_score(gold, predicted))

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def best_threshold(gold: np.ndarray, proba: np.ndarray) -> float:
    """The threshold (0.05-0.95, step 0.01) that maximises F1 of the Yes class; ties go to the lower one."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    gold = np.asarray(gold, bool)
    scores = [f1_score(gold, proba >= t, zero_division=0.0) for t in grid]
    return float(grid[int(np.argmax(scores))])


def evaluate_file(path: Path, threshold: float | None = None) -> tuple[BinaryScores, float]:
    from veracity.claims.model import get_scorer

    data = read_ct24(path)
    model = get_scorer()
    t = model.threshold if threshold is None else threshold
    proba = model.predict_proba(data.texts)
    return BinaryScores.of(data.labels, proba >= t), t
