"""Relatedness before judgement: may an evidence sentence decide a claim's verdict at all?

A sentence is about the claim's event when its sentence embedding is close to the claim's (cosine of the shipped
all-MiniLM-L6-v2 vectors) — at or above `high`, or at or above `low` when both name the same thing (a name, a
number or a year). Word overlap alone is not used: it hid denials worded differently from the claim. Sentences
that fail are never read by the verifier, so they can neither support nor refute (the verifier read "Canada
refused to send troops to Iraq in 2003" as contradicting a claim about advisers in 2016). The thresholds are
chosen on validation pairs by `veracity train relatedness` and stored in models/relatedness.json.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from veracity.errors import ModelUnavailable
from veracity.runtime import models_dir

RELATEDNESS_NAME = "relatedness"
_WORD = re.compile(r"[A-Za-z][\w'’-]*|\d[\d,.]*")
_SMALL = frozenset("the a an in on at of to and or but for by with from as is was were are it its this that he she "
                   "they we i his her their our".split())  # fmt: skip


def anchors(text: str) -> set[str]:
    """What a sentence names: capitalised words not opening it (lower-cased) and numbers ("70", "2016")."""
    out = set()
    for n, m in enumerate(_WORD.finditer(text)):
        word = m.group(0).rstrip(".,")
        if word[:1].isdigit():
            out.add(word.replace(",", ""))
        elif n and word[:1].isupper() and word.lower() not in _SMALL and len(word) > 1:
            out.add(word.lower())
    return out


@dataclass(frozen=True)
class RelatednessGate:
    high: float
    low: float
    card: dict = field(default_factory=dict)

    def related(self, cosine: np.ndarray, claim: str, sentences: list[str]) -> np.ndarray:
        """Boolean mask over `sentences`: which may decide `claim`'s verdict."""
        mine = anchors(claim)
        shared = np.array([bool(mine & anchors(s)) for s in sentences], dtype=bool)
        return (cosine >= self.high) | ((cosine >= self.low) & shared)

    @classmethod
    def from_json(cls, data: dict) -> RelatednessGate:
        return cls(float(data["high"]), float(data["low"]), {k: v for k, v in data.items() if k not in ("high", "low")})


def cosines(encoder, claims: list[str], sentences: list[list[str]],
            known: dict[str, np.ndarray] | None = None) -> list[np.ndarray]:  # fmt: skip
    """Cosine of each claim with each of its sentences; every distinct text is encoded once, except those whose
    vectors are `known` (stored with the collection's index by the same encoder)."""
    known = known or {}
    texts = [t for t in dict.fromkeys([*claims, *(s for group in sentences for s in group)]) if t not in known]
    # One text per run, as the index encodes its sentences: int8 activations are scaled per batch, and a claim's
    # cosines must not depend on the article's other claims (see verify/nli.py BATCH_SIZE).
    vector = dict(zip(texts, encoder.encode(texts, batch_size=1), strict=True)) if texts else {}
    vector.update(known)
    return [np.array([float(vector[c] @ vector[s]) for s in group], dtype=np.float32)
            for c, group in zip(claims, sentences, strict=True)]  # fmt: skip


def gate_path(folder: Path | None = None) -> Path:
    return Path(folder or models_dir()) / f"{RELATEDNESS_NAME}.json"


@cache
def get_gate() -> RelatednessGate:
    path = gate_path()
    if not path.is_file():
        raise ModelUnavailable(f"relatedness thresholds missing: {path} (fit them: veracity train relatedness)")
    return RelatednessGate.from_json(json.loads(path.read_text(encoding="utf-8")))
