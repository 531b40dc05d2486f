"""The `evidence` stage: passages from the user's corpora and matching prior fact-checks for every claim.

Analyzer([..., "claims", "evidence", ...], config={"evidence": {"corpora": ["iraq"], "factchecks": ["snopes"]}})

When an LLM decomposed a claim (the `decompose` stage), its standalone wording and questions are searched too and
the result lists fused by reciprocal rank: the claim's own hits first among equals.
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
            kinds = {name: store.collection(name).kind for name in [*self.corpora, *self.factchecks]}
            # A fact-check collection is matched as prior fact-checks, never read as evidence passages: a claim
            # about a doughnut flier must not "refute" a claim about soldiers. Whichever list names it.
            self.factchecks = list(dict.fromkeys(
                [*self.factchecks, *(n for n in self.corpora if kinds[n] == "factchecks")]))  # fmt: skip
            self.corpora = [n for n in self.corpora if kinds[n] != "factchecks"]
            self._searcher = Searcher(store, reranker=get_reranker())
        return self._searcher

    def __call__(self, report: Report) -> Report:
        if not report.claims or not (self.corpora or self.factchecks):
            return report
        searcher = self.searcher()  # first, as it moves fact-check collections out of `corpora`
        if self.corpora:
            found = _search(searcher, [_queries(c, questions=True) for c in report.claims], self.corpora, self.k)
            for claim, hits in zip(report.claims, found, strict=True):
                claim.evidence = [_evidence(h) for h in hits]
        if self.factchecks:
            queries = [_queries(c, questions=False) for c in report.claims]
            for claim, hits in zip(report.claims, _search(searcher, queries, self.factchecks, FACTCHECKS_PER_CLAIM),
                                   strict=True):  # fmt: skip
                claim.factchecks = [_factcheck(h) for h in hits if _is_match(h)]
        return report


def _queries(claim, *, questions: bool) -> list[str]:
    """The claim, then (when an LLM decomposed it) its standalone wording and its questions."""
    plan = claim.decomposition
    extra = [plan.standalone, *(plan.questions if questions else [])] if plan else []
    return list(dict.fromkeys(q for q in [claim.text, *extra] if q.strip()))


def _search(searcher, queries: list[list[str]], collections: list[str], k: int) -> list[list]:
    """Every claim's queries in one batch; a claim with several queries gets their hits fused (RRF), k at most."""
    flat = [q for qs in queries for q in qs]
    results = iter(searcher.search_many(flat, collections, k))
    out = []
    for qs in queries:
        lists = [next(results) for _ in qs]
        out.append(lists[0] if len(lists) == 1 else _fuse(lists, k))
    return out


def _fuse(lists: list[list], k: int, c: int = 60) -> list:
    """Reciprocal rank fusion (Cormack et al. 2009) over hit lists, keyed by collection and passage."""
    scores: dict[tuple, float] = {}
    first: dict[tuple, object] = {}
    for hits in lists:
        for rank, hit in enumerate(hits):
            key = (hit.collection, hit.passage_id)
            scores[key] = scores.get(key, 0.0) + 1.0 / (c + rank + 1)
            first.setdefault(key, hit)
    order = sorted(scores, key=lambda key: -scores[key])  # stable: ties keep the claim's own order
    return [first[key] for key in order[:k]]


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
