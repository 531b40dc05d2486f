"""Claim-level verification on Climate-FEVER: the verdict from a claim's five evidence sentences.

`veracity train verdict` fits the verdict threshold and confidence mapping on the calibration claims;
`veracity eval verification` scores the untouched ones (or all, with --part all). Labels map SUPPORTS→supported,
REFUTES→refuted, DISPUTED→disputed, NOT_ENOUGH_INFO→not_enough_evidence.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from veracity.errors import DataFormatError
from veracity.verify.verdict import (
    CALIBRATION_NAME,
    MISMATCH_WEIGHT,
    VERDICTS,
    EvidenceSignal,
    VerdictCalibration,
    decide,
)

CF_TO_VERDICT = {"SUPPORTS": "supported", "REFUTES": "refuted", "DISPUTED": "disputed",
                 "NOT_ENOUGH_INFO": "not_enough_evidence"}  # fmt: skip


@dataclass(frozen=True)
class VerificationClaim:
    claim_id: str
    claim: str
    label: str  # a veracity verdict
    evidences: list[str]


def read_climate_fever(path: Path, part: str = "report") -> list[VerificationClaim]:
    from veracity.verify.train_stance import climate_fever_part

    if not path.is_file():
        raise DataFormatError(f"no such file: {path}")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            item = VerificationClaim(str(row["claim_id"]), row["claim"], CF_TO_VERDICT[row["claim_label"]],
                                     [e["evidence"] for e in row["evidences"]])  # fmt: skip
        except (json.JSONDecodeError, KeyError, TypeError):
            raise DataFormatError(f"{path}:{n}: expected a Climate-FEVER claim (claim_id, claim, claim_label, "
                                  "evidences[].evidence)") from None  # fmt: skip
        if part == "all" or climate_fever_part(item.claim_id) == part:
            out.append(item)
    if not out:
        raise DataFormatError(f"{path}: no claims in part {part!r}")
    return out


def passage_signals(claim: str, passages: list[tuple[str, str]], results) -> list[EvidenceSignal]:
    """One signal per (ref, passage text) with its StanceResult; consistency mismatches add refute credit."""
    from veracity.verify.consistency import find_mismatches

    signals = []
    for (ref, text), r in zip(passages, results, strict=True):
        conflicts: list[str] = []
        support, refute = r.support, r.refute
        if r.related >= 0.5:
            mismatches = find_mismatches(claim, text)
            if any(m.kind != "modality" for m in mismatches):  # hedged evidence is weaker, not contrary
                refute = max(refute, MISMATCH_WEIGHT * r.related)
            conflicts = [f"{ref}: {m.reason}" for m in mismatches]
        signals.append(EvidenceSignal(ref, support, refute, conflicts, conflicts))
    return signals


def claim_scores(claims: list[VerificationClaim]) -> list[list[EvidenceSignal]]:
    from veracity.verify.stance import get_stance_model

    model = get_stance_model()
    pairs = [(c.claim, e) for c in claims for e in c.evidences]
    results = iter(model.predict(pairs))
    out = []
    for c in claims:
        refs = [(f"evidence {k + 1}", e) for k, e in enumerate(c.evidences)]
        out.append(passage_signals(c.claim, refs, [next(results) for _ in refs]))
    return out


@dataclass(frozen=True)
class VerificationScores:
    n: int
    accuracy: float
    macro_f1: float
    per_class_f1: dict[str, float]
    majority_macro_f1: float
    ece: float  # expected calibration error of the confidences (10 bins)


def _macro_f1(gold: list[str], predicted: list[str]) -> tuple[float, dict[str, float]]:
    f1 = {}
    for label in VERDICTS:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        f1[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return float(np.mean(list(f1.values()))), f1


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    return float(sum(abs(confidence[which == b].mean() - correct[which == b].mean()) * (which == b).mean()
                     for b in range(bins) if (which == b).any()))  # fmt: skip


def score_verdicts(gold: list[str], predicted: list[str], confidence: list[float]) -> VerificationScores:
    macro, per_class = _macro_f1(gold, predicted)
    majority = max(set(gold), key=gold.count)
    correct = np.array([g == p for g, p in zip(gold, predicted, strict=True)], dtype=float)
    return VerificationScores(
        n=len(gold), accuracy=float(correct.mean()), macro_f1=macro, per_class_f1=per_class,
        majority_macro_f1=_macro_f1(gold, [majority] * len(gold))[0],
        ece=expected_calibration_error(np.array(confidence), correct),
    )  # fmt: skip


def evaluate_verification(path: Path, part: str = "report", calibration: VerdictCalibration | None = None):
    from veracity.verify.verdict import get_calibration

    claims = read_climate_fever(path, part)
    calibration = calibration or get_calibration()
    verdicts = [decide(signals, calibration) for signals in claim_scores(claims)]
    return score_verdicts([c.label for c in claims], [v.label for v in verdicts], [v.confidence for v in verdicts])


def fit_calibration(path: Path, out_dir: Path, log=print) -> VerdictCalibration:
    """Threshold maximising macro-F1 on the calibration claims, then a logistic map from (deciding score, label)
    to the chance the verdict is right."""
    from sklearn.linear_model import LogisticRegression

    started = time.perf_counter()
    claims = read_climate_fever(path, "calibration")
    signals = claim_scores(claims)
    gold = [c.label for c in claims]
    best = None
    for t in np.round(np.arange(0.2, 0.91, 0.05), 2):
        plain = VerdictCalibration(threshold=float(t))
        macro = _macro_f1(gold, [decide(s, plain).label for s in signals])[0]
        if best is None or macro > best[0]:
            best = (macro, float(t))
    threshold = best[1]
    verdicts = [decide(s, VerdictCalibration(threshold=threshold)) for s in signals]
    labels = [v.label for v in verdicts]
    X = np.array([[v.deciding] + [float(v.label == k) for k in VERDICTS] for v in verdicts])
    correct = np.array([v.label == g for v, g in zip(verdicts, gold, strict=True)], dtype=int)
    lr = LogisticRegression(C=1.0, fit_intercept=False).fit(X, correct)
    slope, offsets = float(lr.coef_[0, 0]), {k: float(w) for k, w in zip(VERDICTS, lr.coef_[0, 1:], strict=True)}
    calibration = VerdictCalibration(threshold, slope, offsets)
    confidences = [calibration.confidence(v.label, v.deciding) for v in verdicts]
    scores = score_verdicts(gold, labels, confidences)
    card = {
        "name": CALIBRATION_NAME, "threshold": threshold, "slope": round(slope, 4),
        "offsets": {k: round(v, 4) for k, v in offsets.items()},
        "calibration_claims": len(claims), "calibration_macro_f1": round(scores.macro_f1, 4),
        "calibration_ece": round(scores.ece, 4), "fit_seconds": round(time.perf_counter() - started, 1),
        "fitted_on": date.today().isoformat(),
        "command": "veracity train verdict --climate-fever ../shared/data/verification/climate-fever/dev.jsonl",
    }  # fmt: skip
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{CALIBRATION_NAME}.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    log(f"threshold {threshold}, calibration macro-F1 {scores.macro_f1:.4f}, ECE {scores.ece:.4f}")
    return VerdictCalibration(threshold, slope, offsets, card)
