"""The `evidence` stage: passages from the user's corpora and matching prior fact-checks for every claim.

Analyzer([..., "claims", "evidence", ...], config={"evidence": {"corpora": ["iraq"], "factchecks": ["snopes"]}})
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from veracity.registry import stage
from veracity.schema import Evidence, FactCheckMatch, Report

# The verifier reads every sentence of these passages: enough that a short denial ranked low still gets read.
EVIDENCE_PER_CLAIM = 20
FACTCHECKS_PER_CLAIM = 3
# Without the re-ranker a fact-check is shown when its hybrid score reaches this (CheckThat! dev: the right
# fact-check scores above it for most queries, the best wrong one for few).
MIN_MATCH_SCORE = 0.6


class EvidenceStage:
    name = "evidence"
    requires = frozenset({"claims"})
    assigns = frozenset({"claims[].evidence", "claims[].factchecks"})

    def __init__(
        self,
        *,
        corpora: list[str] | None = None,
        factchecks: list[str] | None = None,
        home: Path | None = None,
        k: int = EVIDENCE_PER_CLAIM,
    ) -> None:
        self.corpora, self.factchecks, self.home, self.k = corpora or [], factchecks or [], home, k
        self._searcher = None

    def searcher(self):
        if self._searcher is None:
            from veracity.evidence.rerank import get_reranker
            from veracity.evidence.search import Searcher
            from veracity.evidence.store import Store

            store = Store(self.home)
            for name in [*self.corpora, *self.factchecks]:
                store.collection(name)  # a missing collection is a clear error before any work
            self._searcher = Searcher(store, reranker=get_reranker())
        return self._searcher

    def __call__(self, report: Report) -> Report:
        if not report.claims or not (self.corpora or self.factchecks):
            return report
        texts = [c.text for c in report.claims]
        searcher = self.searcher()
        if self.corpora:
            for claim, hits in zip(report.claims, searcher.search_many(texts, self.corpora, self.k), strict=True):
                claim.evidence = [_evidence(h) for h in hits]
        if self.factchecks:
            found = searcher.search_many(texts, self.factchecks, FACTCHECKS_PER_CLAIM)
            for claim, hits in zip(report.claims, found, strict=True):
                claim.factchecks = [_factcheck(h) for h in hits if _is_match(h)]
        return report


def _evidence(hit) -> Evidence:
    """The hit's fields of the same names (others are ignored), its document key as `source`, scores rounded."""
    fields = {**asdict(hit), "source": hit.key or None}
    return Evidence.model_validate(fields | _rounded(hit, score=4, bm25=3, cosine=4))


def _factcheck(hit) -> FactCheckMatch:
    fields = {**asdict(hit), "claim": hit.claim or hit.text}
    return FactCheckMatch.model_validate(fields | _rounded(hit, score=4))


def _rounded(hit, **digits: int) -> dict[str, float]:
    return {name: round(getattr(hit, name), n) for name, n in digits.items()}


def _is_match(hit) -> bool:
    """The re-ranker's probability decides when it ran (rerank.MATCH_PROBABILITY), else the hybrid score."""
    if hit.match_probability is not None:
        return hit.match_probability >= 0.5
    return hit.score >= MIN_MATCH_SCORE


stage("evidence")(EvidenceStage)
