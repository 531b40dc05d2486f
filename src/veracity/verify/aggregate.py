"""From the verifier's reading of every evidence sentence to one verdict: a learned aggregation.

Each claim is summarised by a few numbers (`claim_features`) over its units (the core and its parts, see
subclaims.py) × the evidence sentences: the strongest entailment and contradiction of the core, the weakest-
supported part and the most-contradicted part, how many sentences entail or contradict, both-ways evidence,
whether a related sentence disagrees on a detail, and whether one says the opposite (consistency.py). A
multinomial logistic regression maps them to supported / refuted / disputed / not_enough_evidence; its
probabilities are the confidence. It is fitted by `veracity train verdict` on material the verifier never trained
on (lab/verify/train_verdict.py) and stored as plain numbers in models/verdict-aggregator.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from veracity.errors import ModelUnavailable
from veracity.runtime import models_dir, softmax
from veracity.schema import VERDICT_LABELS

VERDICTS = VERDICT_LABELS  # the classes, in the order of the weight rows
AGGREGATOR_NAME = "verdict-aggregator"
RELATED = 0.3  # a sentence with P(entail) + P(contradict) at least this is "about" the claim
FEATURES = (
    "core_entail", "core_contradict", "core_entail_top3", "core_contradict_top3", "weakest_part_entail",
    "strongest_part_contradict", "n_entail", "n_contradict", "both_ways", "mismatch", "denial",
)  # fmt: skip
# `mismatch`: a related sentence differs on a detail (may mean the sources disagree); `denial`: one says the opposite
# (mismatch.DENIALS), a feature of its own so that it can weigh toward "refuted".
# No feature counts the sentences read: a verdict must not drift with how much unrelated text retrieval brings.


@dataclass(frozen=True)
class UnitScores:
    """The verifier's probabilities for one unit (core, part or attribution) against every sentence: [n, 3]."""

    role: str
    probs: np.ndarray  # columns: entailment, neutral, contradiction


def _top_mean(values: np.ndarray, k: int = 3) -> float:
    return float(np.sort(values)[::-1][:k].mean()) if len(values) else 0.0


def claim_features(units: list[UnitScores], mismatch_weight: float, denial_weight: float = 0.0) -> np.ndarray:
    """The feature vector (FEATURES order) of one claim. `units[0]` is the core; `mismatch_weight` is the
    relatedness of the most related sentence that disagrees with the claim on a detail, `denial_weight` of the most
    related one that says the opposite (0 when none does)."""
    core = units[0].probs
    if len(core) == 0:
        return np.zeros(len(FEATURES), dtype=np.float32)
    parts = [u.probs for u in units[1:] if u.role == "part"] or [core]
    e, c = core[:, 0], core[:, 2]
    return np.array(
        [
            e.max(), c.max(), _top_mean(e), _top_mean(c),
            min(p[:, 0].max() for p in parts), max(p[:, 2].max() for p in parts),
            np.log1p((e > 0.5).sum()), np.log1p((c > 0.5).sum()),
            min(e.max(), max(p[:, 2].max() for p in parts + [core])),
            mismatch_weight, denial_weight,
        ],
        dtype=np.float32,
    )  # fmt: skip


@dataclass(frozen=True)
class Aggregator:
    """Standardised features -> softmax(W x + b) over VERDICTS."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # [len(VERDICTS), len(FEATURES)]
    bias: np.ndarray
    card: dict = field(default_factory=dict)
    temperature: float = 1.0  # > 1 softens over-confident probabilities (fitted on real claims, train_verdict.py)
    # The probability each verdict needs to be given, chosen on validation for precision (train_verdict.py); below
    # it the claim is "not enough evidence". "confident": from here on a verdict is not shown as tentative.
    thresholds: dict[str, float] = field(default_factory=dict)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        x = (np.atleast_2d(features) - self.mean) / self.scale
        return softmax((x @ self.weights.T + self.bias) / self.temperature, axis=1)

    def to_json(self) -> dict:
        return {"features": list(FEATURES), "labels": list(VERDICTS), "mean": self.mean.tolist(),
                "scale": self.scale.tolist(), "weights": self.weights.tolist(), "bias": self.bias.tolist(),
                "temperature": self.temperature, "thresholds": self.thresholds, **self.card}  # fmt: skip

    @classmethod
    def uniform(cls) -> Aggregator:
        """Equal probabilities whatever the features: for computing features before an aggregator exists."""
        n = len(FEATURES)
        return cls(np.zeros(n), np.ones(n), np.zeros((len(VERDICTS), n)), np.zeros(len(VERDICTS)))

    @classmethod
    def from_json(cls, data: dict) -> Aggregator:
        if data.get("features") != list(FEATURES) or data.get("labels") != list(VERDICTS):
            raise ModelUnavailable("verdict aggregator was fitted on other features; refit: veracity train verdict")
        arrays = {k: np.array(data[k], dtype=np.float64) for k in ("mean", "scale", "weights", "bias")}
        card = {k: v for k, v in data.items() if k not in arrays and k not in ("temperature", "thresholds")}
        return cls(**arrays, card=card, temperature=float(data.get("temperature", 1.0)),
                   thresholds={k: float(v) for k, v in data.get("thresholds", {}).items()})  # fmt: skip


def aggregator_path(folder: Path | None = None, verifier: str = "nli-minilm") -> Path:
    """The aggregator fitted on a verifier's readings: verdict-aggregator.json for the shipped student,
    verdict-aggregator-<name>.json for another (its features come from that verifier)."""
    suffix = "" if verifier == "nli-minilm" else f"-{verifier}"
    return Path(folder or models_dir()) / f"{AGGREGATOR_NAME}{suffix}.json"


@cache
def get_aggregator(verifier: str = "fast") -> Aggregator:
    from veracity.verify.nli import verifier_name

    path = aggregator_path(verifier=verifier_name(verifier))
    if not path.is_file():
        raise ModelUnavailable(f"verdict aggregator missing: {path} (fit it: veracity train verdict)")
    return Aggregator.from_json(json.loads(path.read_text(encoding="utf-8")))
