"""Fake News Challenge stage 1 (FNC-1): headline ↔ body stance. Reading, a split by body, and the task's score.

Files: `*_stances.csv` (Headline, Body ID, Stance) and `*_bodies.csv` (Body ID, articleBody). The FNC score gives
0.25 for every pair whose related/unrelated call is right, and 0.75 more when a related pair's exact label
(agree, disagree, discuss) is right; it is reported as a percentage of the best possible score.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from veracity.errors import DataFormatError

LABELS = ("agree", "disagree", "discuss", "unrelated")
RELATED = LABELS[:3]


@dataclass(frozen=True)
class StancePair:
    headline: str
    body_id: str
    stance: str | None  # None when the file has no Stance column (predict only)


def _rows(path: Path, required: tuple[str, ...]) -> list[dict]:
    if not path.is_file():
        raise DataFormatError(f"no such file: {path}")
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise DataFormatError(f"{path}: missing column(s) {', '.join(missing)} (FNC-1 CSV format)")
        return list(reader)


def read_bodies(path: Path) -> dict[str, str]:
    return {r["Body ID"].strip(): r["articleBody"] for r in _rows(path, ("Body ID", "articleBody"))}


def read_stances(path: Path, bodies: dict[str, str] | None = None) -> list[StancePair]:
    rows = _rows(path, ("Headline", "Body ID"))
    pairs = []
    for n, r in enumerate(rows, 2):
        stance = (r.get("Stance") or "").strip().lower() or None
        if stance is not None and stance not in LABELS:
            raise DataFormatError(f"{path}:{n}: unknown stance {r['Stance']!r} (one of {', '.join(LABELS)})")
        body_id = r["Body ID"].strip()
        if bodies is not None and body_id not in bodies:
            raise DataFormatError(f"{path}:{n}: body {body_id} is not in the bodies file")
        pairs.append(StancePair(r["Headline"], body_id, stance))
    if not pairs:
        raise DataFormatError(f"{path}: no rows")
    return pairs


def split_by_body(pairs: list[StancePair], share: float = 0.15, seed: str = "veracity") -> tuple[list, list]:
    """(train, held-out): a body and all its pairs go to held-out when sha1(seed:body id) falls under `share`."""

    def held_out(body_id: str) -> bool:
        return int(hashlib.sha1(f"{seed}:{body_id}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < share

    return [p for p in pairs if not held_out(p.body_id)], [p for p in pairs if held_out(p.body_id)]


@dataclass(frozen=True)
class StanceScores:
    confusion: np.ndarray  # [gold, predicted] in LABELS order
    fnc_score: float  # % of the maximum
    per_class_f1: dict[str, float]

    @property
    def macro_f1(self) -> float:
        return float(np.mean(list(self.per_class_f1.values())))

    @property
    def accuracy(self) -> float:
        return float(np.trace(self.confusion) / max(self.confusion.sum(), 1))


def score_stances(gold: list[str], predicted: list[str]) -> StanceScores:
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    confusion = np.zeros((4, 4), dtype=int)
    score = best = 0.0
    for g, p in zip(gold, predicted, strict=True):
        confusion[LABELS.index(g), LABELS.index(p)] += 1
        best += 0.25 if g == "unrelated" else 1.0
        if (g == "unrelated") == (p == "unrelated"):
            score += 0.25
            if g != "unrelated" and g == p:
                score += 0.75
    f1 = {}
    for k, label in enumerate(LABELS):
        tp = confusion[k, k]
        precision = tp / max(confusion[:, k].sum(), 1)
        recall = tp / max(confusion[k, :].sum(), 1)
        f1[label] = float(2 * precision * recall / (precision + recall)) if tp else 0.0
    return StanceScores(confusion, 100 * score / best if best else 0.0, f1)
