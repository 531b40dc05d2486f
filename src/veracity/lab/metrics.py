"""Precision, recall and F1 from counts, for the measures sklearn.metrics cannot take as label arrays: matches
judged by a rule (attribution speakers), multisets of spans (persuasion TC) and partial-overlap credit (SI).
Plain label arrays (check-worthiness) go to sklearn.metrics instead."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float

    @classmethod
    def of_counts(cls, correct: float, predicted: float, gold: float) -> PRF:
        """`correct` of `predicted` predictions and of `gold` gold items; 0 where a denominator is 0."""
        return cls(correct / predicted if predicted else 0.0, correct / gold if gold else 0.0)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall; 0 when both are 0."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0
