"""A verdict per claim from the stance of its evidence, consistency checks and prior fact-checks.

    support = max over passages of P(related) * P(agree),  refute = the same with P(disagree)
    a related passage with a number/date/entity/negation mismatch counts as refuting evidence too
    a matching prior fact-check's rating (False, Mostly true, …) counts as strong evidence
    both >= t  -> disputed;  support >= t -> supported;  refute >= t -> refuted;  else not_enough_evidence

The threshold t and the confidence mapping (logistic: deciding score and label -> "this verdict is right") are
fitted on the Climate-FEVER calibration claims (`veracity train verdict`), which the stance model never saw; the
reported part stays untouched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

VERDICTS = ("supported", "refuted", "disputed", "not_enough_evidence")
CALIBRATION_NAME = "verdict-calibration"
MISMATCH_WEIGHT = 0.6  # refute credit of a related passage whose numbers/dates/entities disagree with the claim
FACTCHECK_WEIGHT = 0.9
_FALSE = re.compile(r"\b(false|fake|pants|incorrect|wrong|misleading|miscaptioned|scam|hoax|not true|baseless|"
                    r"fabricated|distorts|inaccurate|unfounded|debunked|satire|no evidence)\b", re.I)  # fmt: skip
_TRUE = re.compile(r"^\s*(true|correct|accurate|mostly[ -]true|mostly[ -]correct|confirmed|legit)\b", re.I)
_MIXED = re.compile(r"\b(half[ -]true|mixture|mixed|partly|partially|half[ -]false|disputed|unproven)\b", re.I)


def rating_polarity(rating: str | None) -> str | None:
    """'supported', 'refuted', 'disputed' or None (unknown) for a fact-checker's published rating."""
    if not rating:
        return None
    if _MIXED.search(rating):
        return "disputed"
    if _TRUE.search(rating) and not _FALSE.search(rating.replace("mostly false", "")):
        return "supported"
    if _FALSE.search(rating) or rating.strip().lower() in {"barely-true", "barely true", "mostly false"}:
        return "refuted"
    return None


@dataclass
class EvidenceSignal:
    """What one passage or fact-check says about a claim."""

    ref: str  # how the reasons cite it, e.g. "passage 2" or "fact-check by Snopes"
    support: float
    refute: float
    reasons: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)  # number/date/entity/negation conflicts with the claim


@dataclass(frozen=True)
class VerdictCalibration:
    """confidence = sigmoid(slope * deciding score + offset[label]): each verdict label has its own base rate of
    being right, and a wider margin should mean more confidence (the fitted slope says how much it does)."""

    threshold: float = 0.5
    slope: float = 4.0
    offsets: dict[str, float] = field(default_factory=lambda: dict.fromkeys(VERDICTS, -1.0))
    card: dict = field(default_factory=dict)

    def confidence(self, label: str, deciding: float) -> float:
        return float(1 / (1 + np.exp(-(self.slope * deciding + self.offsets[label]))))


@dataclass(frozen=True)
class VerdictResult:
    label: str
    confidence: float
    support: float
    refute: float
    deciding: float  # the score the confidence is mapped from (margin of the winning side)
    reasons: list[str]
    cited: list[str]  # refs of the signals that decided it


def decide(signals: list[EvidenceSignal], calibration: VerdictCalibration) -> VerdictResult:
    t = calibration.threshold
    support = max((s.support for s in signals), default=0.0)
    refute = max((s.refute for s in signals), default=0.0)
    if support >= t and refute >= t:
        label, deciding = "disputed", min(support, refute)
    elif support >= t:
        label, deciding = "supported", support - refute
    elif refute >= t:
        label, deciding = "refuted", refute - support
    else:
        label, deciding = "not_enough_evidence", t - max(support, refute)
    reasons, cited = [], []
    for s in signals:
        supports = label in ("supported", "disputed") and s.support >= t
        refutes = label in ("refuted", "disputed") and s.refute >= t
        if supports or refutes:
            cited.append(s)
            if supports:
                reasons.append(f"{s.ref} supports the claim (P={s.support:.2f})")
            if refutes:
                reasons.append(f"{s.ref} contradicts the claim (P={s.refute:.2f})")
            reasons += s.reasons
    if label == "not_enough_evidence":
        reasons = [f"no passage clearly supports or refutes the claim (best support {support:.2f}, "
                   f"best refutation {refute:.2f}; {len(signals)} examined)"]  # fmt: skip
    confidence = calibration.confidence(label, deciding)
    return VerdictResult(label, confidence, support, refute, deciding, reasons, [s.ref for s in cited])


@cache
def get_calibration() -> VerdictCalibration:
    path = Path(str(resources.files("veracity.models"))) / f"{CALIBRATION_NAME}.json"
    if not path.is_file():
        return VerdictCalibration(card={"note": "uncalibrated defaults"})
    card = json.loads(path.read_text())
    return VerdictCalibration(card["threshold"], card["slope"], card["offsets"], card)
