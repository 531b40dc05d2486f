"""Check claims against evidence sentences: the one function the verdict stage and `veracity eval
verification` share.

    claim ─► split_claim ─► units (core, parts, attribution)
    claim × sentences ─► relatedness gate (embedding cosine, shared names): only related sentences are read
    units × related sentences ─► verifier (entail / neutral / contradict)   (parts read only the sentences most
                                                                              related to the core: TOP_FOR_PARTS)
    core × related sentences ─► consistency checks (numbers, dates, scope, negation …)
    features ─► aggregator ─► precision thresholds ─► verdict, decisive sentences, a verdict per sub-claim

Reported speech ("X said Y", "according to X, Y") gets two judgements: the content (is Y true: the core read
against every related sentence) and the attribution (did X say it: the whole claim read against the related
sentences that themselves report speech). The claim's label is the attribution's; the content's stands beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from veracity.verify.aggregate import RELATED, VERDICTS, Aggregator, UnitScores, claim_features
from veracity.verify.candidates import Signal
from veracity.verify.mismatch import DENIALS
from veracity.verify.parsing import parse_many
from veracity.verify.relatedness import RelatednessGate, cosines
from veracity.verify.reported import names_a_speaker, reports_speech
from veracity.verify.subclaims import Part, split_claim

# Related sentences the verifier reads per claim, most similar first. Ten, not sixteen: every verdict of the demo
# (19 claims, examples/corpus-iraq) came out the same, and the verdict stage of a 1,000-word article took a third
# less time (314 -> 214 verifier pairs); at eight, one verdict changed.
MAX_READ = 10
TOP_FOR_PARTS = 4  # at most this many sentences each part is read against
TOP_FOR_CHECKS = 5  # sentences the consistency checks compare with the core
DECISIVE = 0.5
CONFIDENT = 0.75  # below this probability a verdict is shown as tentative (unless the aggregator's card says)
NEUTRAL = np.array([0.0, 1.0, 0.0], dtype=np.float32)


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
class Judgement:
    """A label for one reading of a claim (the content of reported speech, or the claim as written)."""

    label: str
    confidence: float
    probabilities: dict[str, float]
    decisive: list[int]
    leaning: str | None = None  # what a withheld verdict ("not_enough_evidence") leaned to
    tentative: bool = False


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
    cosine: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))  # claim vs each sentence
    read: list[int] = field(default_factory=list)  # the sentences that passed the gate and were read
    leaning: str | None = None
    tentative: bool = False
    content: Judgement | None = None  # reported speech: the verdict on what was said


def check_claims(items: list[tuple[str, list[str], list[Signal]]], nli, aggregator: Aggregator,
                 mismatches=None, gate: RelatednessGate | None = None, encoder=None,
                 known_vectors: dict[str, np.ndarray] | None = None) -> list[ClaimCheck]:  # fmt: skip
    """One ClaimCheck per (claim, evidence sentences, signals). `nli` has `predict(pairs) -> [n, 3]`;
    `mismatches(claim, sentence) -> list` of consistency conflicts (default: verify.consistency); `gate` and
    `encoder` decide which sentences are related enough to be read (default: the shipped ones);
    `known_vectors`: sentence vectors by that encoder already at hand (the collection index stores them)."""
    spacy_checks = mismatches is None
    if mismatches is None:
        from veracity.verify.consistency import find_mismatches as mismatches
    if gate is None:
        from veracity.verify.relatedness import get_gate

        gate = get_gate()
    if encoder is None:
        from veracity.runtime import get_encoder

        encoder = get_encoder()
    parse_many(" ".join(claim.split()) for claim, _, _ in items)
    units = [_units(claim) for claim, _, _ in items]
    similarity = cosines(encoder, [u[0].text for u in units], [sents for _, sents, _ in items], known_vectors)
    # The verifier reads one pair per run (verify/nli.py): a pair's probabilities never depend on the other pairs of
    # this claim or of the article.
    unit_probs, checked, reads = [], [], []  # checked: the sentences the consistency checks compare with each core
    for u, (_, sents, signals), cos in zip(units, items, similarity, strict=True):
        related = gate.related(cos, u[0].text, sents)
        read = [int(k) for k in np.argsort(-cos, kind="stable") if related[k]][:MAX_READ]
        core = np.tile(NEUTRAL, (len(sents), 1))
        if read:
            core[read] = _predict(nli, [(u[0].text, sents[k]) for k in read])
        fixed = np.array([s.probs for s in signals], dtype=np.float32).reshape(-1, 3)
        probs = [np.vstack([core, fixed])] + [np.tile(NEUTRAL, (len(core) + len(fixed), 1)) for _ in u[1:]]
        was_read = set(read)
        order = [k for k in by_relatedness(core) if k in was_read]
        checked.append(order[:TOP_FOR_CHECKS])
        # Parts read the sentences most related to the core, and only related ones: an unrelated sentence says
        # nothing about a part either (and reading it is most of the verdict stage's time). The attribution reads
        # the sentences that report speech: only they can say whether someone said something.
        near = [k for k in order[:TOP_FOR_PARTS] if 1 - core[k, 1] >= RELATED]
        todo = [(j, k) for j, part in enumerate(u[1:], 1) for k in
                ([k for k in read if reports_speech(sents[k])] if part.role == "attribution" else near)]  # fmt: skip
        extra = _predict(nli, [(u[j].text, sents[k]) for j, k in todo])
        for n, (j, k) in enumerate(todo):
            probs[j][k] = extra[n]
        unit_probs.append(probs)
        reads.append(read)
    if spacy_checks:  # parse in one batch what the checks will compare: each core and its most related sentences
        parse_many(text for u, (_, sents, _), ks in zip(units, items, checked, strict=True)
                   for text in [u[0].text] + [sents[k] for k in ks])  # fmt: skip
    out = []
    for (claim, sents, signals), u, probs, ks, cos, read in zip(items, units, unit_probs, checked, similarity, reads,
                                                                 strict=True):  # fmt: skip
        check = _decide(claim, sents, signals, u, probs, ks, aggregator, mismatches)
        check.cosine, check.read = cos, read
        out.append(check)
    return out


def _units(claim: str) -> list[Part]:
    """The claim's core, parts and — only when it names a speaker whose statement can be checked — attribution
    ("Many experts believe Y" is a claim about Y)."""
    units = split_claim(claim) or [Part(claim, "core")]
    return [u for u in units if u.role != "attribution" or names_a_speaker(claim, units[0].text)]


def _predict(nli, pairs: list[tuple[str, str]]) -> np.ndarray:
    return nli.predict(pairs) if pairs else np.zeros((0, 3), dtype=np.float32)


def by_relatedness(probs: np.ndarray) -> list[int]:
    """Sentence indices, most related first (P(entail) + P(contradict) = 1 - P(neutral))."""
    return [int(k) for k in np.argsort(-(1 - probs[:, 1]), kind="stable")] if len(probs) else []


def _decide(claim, sents, signals, units: list[Part], unit_probs: list[np.ndarray], checked: list[int],
            aggregator: Aggregator, mismatches) -> ClaimCheck:  # fmt: skip
    core = unit_probs[0]
    results = [SentenceResult(k, core[k]) for k in range(len(core))]
    weight = {"mismatch": 0.0, "denial": 0.0}
    for k in checked:
        found = [m for m in mismatches(units[0].text, sents[k]) if m.kind != "modality"]
        if found:
            results[k].mismatches = [m.reason for m in found]
        for feature, hit in (("mismatch", any(m.kind not in DENIALS for m in found)),
                             ("denial", any(m.kind in DENIALS for m in found))):  # fmt: skip
            if hit:  # weighted by how related the sentence is (at least 0.25: the checks compared it)
                weight[feature] = max(weight[feature], 0.25, float(1 - core[k, 1]))
    scores = [UnitScores(p.role, pr) for p, pr in zip(units, unit_probs, strict=True)]
    features = claim_features(scores, weight["mismatch"], weight["denial"])
    content = judge(aggregator, features, core, results)
    parts, said = [], None
    for part, pr in zip(units[1:], unit_probs[1:], strict=True):
        j = judge(aggregator, claim_features([UnitScores("core", pr)], 0.0), pr, None)
        parts.append(PartResult(part, j.label, j.confidence, j.decisive))
        if part.role == "attribution":
            said = j
    main = said or content
    context = [k for k in by_relatedness(core) if k not in main.decisive and 1 - core[k, 1] >= RELATED][:3]
    context += [r.k for r in results if r.mismatches and r.k not in main.decisive and r.k not in context]
    return ClaimCheck(
        label=main.label, confidence=main.confidence, probabilities=main.probabilities, sentences=results,
        decisive=main.decisive, context=context, parts=parts,
        mismatches=[m for r in results for m in r.mismatches], features=features, leaning=main.leaning,
        tentative=main.tentative, content=content if said is not None else None,
    )  # fmt: skip


def decide(probs: np.ndarray, thresholds: dict[str, float]) -> tuple[str, str | None]:
    """(label, leaning): the most probable verdict if its probability reaches its threshold (chosen on validation
    for precision, train_verdict.py), else "not_enough_evidence" leaning to it."""
    best = VERDICTS[int(probs.argmax())]
    if best != "not_enough_evidence" and float(probs.max()) < thresholds.get(best, 0.0):
        return "not_enough_evidence", best
    return best, None


def judge(aggregator: Aggregator, features: np.ndarray, probs: np.ndarray, results) -> Judgement:
    """The verdict of one unit from its features, its decisive sentences, and whether it is tentative."""
    p = aggregator.probabilities(features)[0]
    label, leaning = decide(p, aggregator.thresholds)
    decisive = _decisive(label, probs, results)
    # A sentence that disagrees on a detail (a date, a number) cannot be the one that supports the claim.
    if label == "supported" and results is not None and decisive and all(results[k].mismatches for k in decisive):
        label, leaning, decisive = "not_enough_evidence", "refuted", []
    confident = aggregator.thresholds.get("confident", CONFIDENT)
    tentative = leaning is not None or (label != "not_enough_evidence" and float(p.max()) < confident)
    return Judgement(label, float(p.max()), {v: round(float(x), 4) for v, x in zip(VERDICTS, p, strict=True)},
                     decisive, leaning, tentative)  # fmt: skip


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
