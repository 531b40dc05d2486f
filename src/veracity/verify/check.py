"""Check claims against evidence sentences: the one function the verdict stage and `veracity eval
verification` share.

    claim ─► split_claim ─► units (core, parts, attribution)
    units × sentences ─► verifier (entail / neutral / contradict)   (parts read only the sentences most
                                                                      related to the core: TOP_FOR_PARTS)
    core × related sentences ─► consistency checks (numbers, dates, scope, negation …)
    features ─► aggregator ─► verdict, probabilities, decisive sentences, a verdict per sub-claim
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from veracity.verify.aggregate import RELATED, VERDICTS, Aggregator, UnitScores, claim_features
from veracity.verify.parsing import parse_many
from veracity.verify.subclaims import Part, split_claim

TOP_FOR_PARTS = 4  # at most this many sentences each part and the attribution are read against
TOP_FOR_CHECKS = 5  # sentences the consistency checks compare with the core
DECISIVE = 0.5
NEUTRAL = np.array([0.0, 1.0, 0.0], dtype=np.float32)


@dataclass(frozen=True)
class Signal:
    """A piece of evidence that is not a sentence to read: a prior fact-check's published rating, mapped to the
    verifier's three probabilities so the aggregator weighs it like a very clear sentence."""

    ref: str
    text: str
    probs: tuple[float, float, float]


def evidence_ref(k: int, sents, signals) -> str:
    """How reasons name item `k`: "passage 3" for a sentence of the third passage, else the fact-check's ref."""
    return f"passage {sents[k][0] + 1}" if k < len(sents) else signals[k - len(sents)].ref


@dataclass
class SentenceResult:
    k: int  # index into the sentences given (signals follow the sentences)
    probs: np.ndarray  # core vs this sentence
    mismatches: list[str] = field(default_factory=list)


@dataclass
class PartResult:
    part: Part
    label: str
    confidence: float
    decisive: list[int]


@dataclass
class ClaimCheck:
    label: str
    confidence: float
    probabilities: dict[str, float]
    sentences: list[SentenceResult]  # one per sentence given, then one per signal
    decisive: list[int]
    context: list[int]
    parts: list[PartResult]
    mismatches: list[str]
    features: np.ndarray


def check_claims(items: list[tuple[str, list[str], list[Signal]]], nli, aggregator: Aggregator,
                 mismatches=None) -> list[ClaimCheck]:  # fmt: skip
    """One ClaimCheck per (claim, evidence sentences, signals). `nli` has `predict(pairs) -> [n, 3]`;
    `mismatches(claim, sentence) -> list` of consistency conflicts (default: verify.consistency)."""
    spacy_checks = mismatches is None
    if mismatches is None:
        from veracity.verify.consistency import find_mismatches as mismatches
    parse_many(" ".join(claim.split()) for claim, _, _ in items)
    units = [split_claim(claim) or [Part(claim, "core")] for claim, _, _ in items]
    # Each claim's pairs go through the verifier on their own: int8 activations are scaled per batch, so pairs
    # batched with other claims' sentences would make a claim's verdict depend on the rest of the article.
    unit_probs, checked = [], []  # checked: the sentences the consistency checks compare with each core
    for u, (_, sents, signals) in zip(units, items, strict=True):
        core = _predict(nli, [(u[0].text, s) for s in sents])
        fixed = np.array([s.probs for s in signals], dtype=np.float32).reshape(-1, 3)
        probs = [np.vstack([core, fixed])] + [np.tile(NEUTRAL, (len(core) + len(fixed), 1)) for _ in u[1:]]
        order = by_relatedness(core)
        checked.append(order[:TOP_FOR_CHECKS])
        # Parts and attribution read the sentences most related to the core, and only related ones: an unrelated
        # sentence says nothing about a part either (and reading it is most of the verdict stage's time).
        related = [k for k in order[:TOP_FOR_PARTS] if 1 - core[k, 1] >= RELATED]
        extra = _predict(nli, [(part.text, sents[k]) for part in u[1:] for k in related])
        for n, (j, k) in enumerate((j, k) for j in range(1, len(u)) for k in related):
            probs[j][k] = extra[n]
        unit_probs.append(probs)
    if spacy_checks:  # parse in one batch what the checks will compare: each core and its most related sentences
        parse_many(text for u, (_, sents, _), ks in zip(units, items, checked, strict=True)
                   for text in [u[0].text] + [sents[k] for k in ks])  # fmt: skip
    return [
        _decide(claim, sents, signals, u, probs, ks, aggregator, mismatches)
        for (claim, sents, signals), u, probs, ks in zip(items, units, unit_probs, checked, strict=True)
    ]


def _predict(nli, pairs: list[tuple[str, str]]) -> np.ndarray:
    return nli.predict(pairs) if pairs else np.zeros((0, 3), dtype=np.float32)


def by_relatedness(probs: np.ndarray) -> list[int]:
    """Sentence indices, most related first (P(entail) + P(contradict) = 1 - P(neutral))."""
    return [int(k) for k in np.argsort(-(1 - probs[:, 1]), kind="stable")] if len(probs) else []


def _decide(claim, sents, signals, units: list[Part], unit_probs: list[np.ndarray], checked: list[int],
            aggregator: Aggregator, mismatches) -> ClaimCheck:  # fmt: skip
    core = unit_probs[0]
    results = [SentenceResult(k, core[k]) for k in range(len(core))]
    weight = 0.0
    for k in checked:
        found = [m for m in mismatches(units[0].text, sents[k]) if m.kind != "modality"]
        if found:
            results[k].mismatches = [m.reason for m in found]
            weight = max(weight, 0.25, float(1 - core[k, 1]))
    scores = [UnitScores(p.role, pr) for p, pr in zip(units, unit_probs, strict=True)]
    features = claim_features(scores, weight)
    probs = aggregator.probabilities(features)[0]
    label = VERDICTS[int(probs.argmax())]
    decisive = _decisive(label, core, results)
    context = [k for k in by_relatedness(core) if k not in decisive and 1 - core[k, 1] >= RELATED][:3]
    context += [r.k for r in results if r.mismatches and r.k not in decisive and r.k not in context]
    parts = []
    for part, pr in zip(units[1:], unit_probs[1:], strict=True):
        p_probs = aggregator.probabilities(claim_features([UnitScores("core", pr)], 0.0))[0]
        p_label = VERDICTS[int(p_probs.argmax())]
        parts.append(PartResult(part, p_label, float(p_probs.max()), _decisive(p_label, pr, None)))
    return ClaimCheck(
        label=label, confidence=float(probs.max()),
        probabilities={v: round(float(p), 4) for v, p in zip(VERDICTS, probs, strict=True)},
        sentences=results, decisive=decisive, context=context, parts=parts,
        mismatches=[m for r in results for m in r.mismatches], features=features,
    )  # fmt: skip


def _decisive(label: str, probs: np.ndarray, results: list[SentenceResult] | None) -> list[int]:
    """The sentences that make the verdict: the clearest entailing and/or contradicting ones (and, for a refuted
    claim, those that disagree on a detail)."""
    if len(probs) == 0 or label == "not_enough_evidence":
        return []
    out: list[int] = []
    columns = {"supported": [0], "refuted": [2], "disputed": [0, 2]}[label]
    for col in columns:
        order = [int(k) for k in np.argsort(-probs[:, col], kind="stable")]
        strong = [k for k in order if probs[k, col] >= DECISIVE][:2]
        out += strong or order[:1]
    if label in ("refuted", "disputed") and results is not None:
        out += [r.k for r in results if r.mismatches][:2]
    return list(dict.fromkeys(out))
