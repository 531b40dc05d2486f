"""The `claims` stage: score every sentence for check-worthiness; the best ones over the threshold become claims.

A news article has many checkable sentences (19 of the example's 23 pass the calibrated threshold), so the list
is a budget, ranked: the `budget` most check-worthy per 1,000 words (never fewer than `budget` per article), plus
any sentence scoring at least KEEP_ABOVE, with near-duplicate sentences (a repeated quote) listed once.
"""

from __future__ import annotations

import re

from veracity.claims.normalize import claim_kind, normalize_claim
from veracity.registry import stage
from veracity.schema import Claim, Report, Sentence

DEFAULT_BUDGET = 10.0  # claims per 1,000 words
KEEP_ABOVE = 0.97  # so clear that it is listed whatever the budget
DUPLICATE = 0.8  # word-set overlap (Jaccard) from which two sentences say the same thing


def claim_budget(n_words: int, budget: float) -> int:
    return max(round(budget), round(budget * n_words / 1000))


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


def _same(a: frozenset[str], b: frozenset[str]) -> bool:
    """Near-identical wording with the same numbers ("sent 200 troops" and "sent 300 troops" are two claims)."""
    numbers = {w for w in a | b if any(ch.isdigit() for ch in w)}
    return bool(a) and numbers <= (a & b) and len(a & b) / len(a | b) >= DUPLICATE


def distinct(sentences: list[Sentence]) -> list[Sentence]:
    """Drop sentences that repeat an earlier one; give them in priority order."""
    kept: list[tuple[Sentence, frozenset[str]]] = []
    for s in sentences:
        w = _words(s.text)
        if not any(_same(w, k) for _, k in kept):
            kept.append((s, w))
    return [s for s, _ in kept]


class ClaimsStage:
    name = "claims"
    requires = frozenset({"sentences", "sentences[].attribution"})  # a claim's speaker comes from its attribution
    assigns = frozenset({"claims", "sentences[].checkworthiness", "summary.claim_threshold",
                         "summary.n_over_threshold"})  # fmt: skip

    def __init__(self, *, threshold: float | None = None, budget: float | None = DEFAULT_BUDGET) -> None:
        self.threshold = threshold  # None: the model's own, tuned on CheckThat! dev
        self.budget = budget  # None: every sentence over the threshold

    def __call__(self, report: Report) -> Report:
        from veracity.claims.model import get_scorer

        model = get_scorer()
        threshold = model.threshold if self.threshold is None else self.threshold
        sentences = report.sentences
        proba = model.predict_proba([s.text for s in sentences]) if sentences else []
        for sentence, p in zip(sentences, proba, strict=True):
            sentence.checkworthiness = round(float(p), 4)
        over = sorted((s for s in sentences if s.checkworthiness >= threshold), key=lambda s: (-s.checkworthiness, s.i))
        chosen = distinct(over)
        if self.budget is not None:
            n = claim_budget(len(report.document.text.split()), self.budget)
            chosen = [s for k, s in enumerate(chosen) if k < n or s.checkworthiness >= KEEP_ABOVE]
        report.claims = [_claim(s) for s in chosen]
        for number, claim in enumerate(sorted(report.claims, key=lambda c: c.sentence_i), 1):
            claim.number = number  # reading order: "claim 3" is the same claim in every format
        report.summary.claim_threshold = threshold
        report.summary.n_over_threshold = len(over)
        return report


def _claim(sentence: Sentence) -> Claim:
    a = sentence.attribution
    return Claim(id=f"c{sentence.i}", sentence_i=sentence.i, text=sentence.text, normalized=normalize_claim(sentence),
                 checkworthiness=sentence.checkworthiness, kind=claim_kind(sentence),
                 speaker=a.speaker if a else None)  # fmt: skip


stage("claims")(ClaimsStage)
