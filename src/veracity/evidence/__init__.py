"""The `evidence` stage: passages from the user's corpora and matching prior fact-checks for every claim.

Analyzer([..., "claims", "evidence", ...], config={"evidence": {"corpora": ["iraq"], "factchecks": ["snopes"]}})
"""

from __future__ import annotations

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
                claim.evidence = [
                    Evidence(
                        passage_id=h.passage_id,
                        collection=h.collection,
                        text=h.text,
                        document_id=h.document_id,
                        source=h.key or None,
                        start=h.start,
                        end=h.end,
                        title=h.title,
                        url=h.url,
                        published=h.published,
                        score=round(h.score, 4),
                        bm25=round(h.bm25, 3),
                        cosine=round(h.cosine, 4),
                    )  # fmt: skip
                    for h in hits
                ]
        if self.factchecks:
            found = searcher.search_many(texts, self.factchecks, FACTCHECKS_PER_CLAIM)
            for claim, hits in zip(report.claims, found, strict=True):
                claim.factchecks = [
                    FactCheckMatch(
                        collection=h.collection,
                        claim=h.claim or h.text,
                        rating=h.rating,
                        publisher=h.publisher,
                        published=h.published,
                        url=h.url,
                        title=h.title,
                        score=round(h.score, 4),
                    )  # fmt: skip
                    for h in hits
                    if (h.match_probability if h.match_probability is not None else h.score)
                    >= (0.5 if h.match_probability is not None else MIN_MATCH_SCORE)
                ]
        return report


stage("evidence")(EvidenceStage)
