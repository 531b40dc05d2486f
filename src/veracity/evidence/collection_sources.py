"""The two built-in evidence sources, both over the user's collections (evidence/store.py): corpus search (passages
of `veracity corpus add` documents) and fact-check matching (`veracity factchecks import` reviews).

A fact-check collection is matched as prior fact-checks, never read as evidence passages, whichever list names it:
a claim about a doughnut flier must not "refute" a claim about soldiers. When an LLM decomposed a claim (the
`decompose` stage), its standalone wording and questions are searched too and the result lists fused by reciprocal
rank: the claim's own hits first among equals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from veracity.evidence.sources import Found, evidence_source
from veracity.options import AnalyzeOptions
from veracity.schema import Claim, Evidence, FactCheckMatch

# The verifier reads every sentence of these passages: enough that a short denial ranked low still gets read.
EVIDENCE_PER_CLAIM = 20
FACTCHECKS_PER_CLAIM = 3
# Without the re-ranker a fact-check is shown when its hybrid score reaches this (CheckThat! dev: the right
# fact-check scores above it for most queries, the best wrong one for few).
MIN_MATCH_SCORE = 0.6


class _Collections:
    """The named collections of one kind, searched together. The store opens on first use (an unknown name is an
    InputError then), so building a pipeline touches no database."""

    def __init__(self, names: Sequence[str], home: Path | None, k: int) -> None:
        self.names, self.home, self.k = list(dict.fromkeys(names)), home, k
        self._searcher = None
        self._mine: list[str] = []

    def searcher(self):
        if self._searcher is None:
            from veracity.evidence.rerank import get_reranker
            from veracity.evidence.search import Searcher
            from veracity.evidence.store import Store

            store = Store(self.home)
            self._mine = self.pick({n: store.collection(n).kind for n in self.names})
            self._searcher = Searcher(store, reranker=get_reranker())
        return self._searcher

    def pick(self, kinds: dict[str, str]) -> list[str]:
        """The collections this source searches, of the names given and their kinds."""
        raise NotImplementedError

    def hits(self, claims: Sequence[Claim], *, questions: bool) -> list[list]:
        searcher = self.searcher()  # first: it picks the collections by their kind
        if not self._mine:
            return [[] for _ in claims]
        return _search(searcher, [_queries(c, questions=questions) for c in claims], self._mine, self.k)


class CorpusSource(_Collections):
    """Passages from the user's corpora."""

    name = "corpora"

    def pick(self, kinds: dict[str, str]) -> list[str]:
        return [n for n, kind in kinds.items() if kind != "factchecks"]

    def find(self, claims: Sequence[Claim]) -> list[Found]:
        return [Found(passages=[_evidence(h) for h in hits]) for hits in self.hits(claims, questions=True)]


class FactCheckSource(_Collections):
    """Prior fact-checks that address the claim (matched on the claim and its standalone wording)."""

    name = "factchecks"

    def __init__(self, factchecks: Sequence[str], corpora: Sequence[str], home: Path | None, k: int) -> None:
        super().__init__([*factchecks, *corpora], home, k)
        self.asked = set(factchecks)

    def pick(self, kinds: dict[str, str]) -> list[str]:
        return [n for n, kind in kinds.items() if n in self.asked or kind == "factchecks"]

    def find(self, claims: Sequence[Claim]) -> list[Found]:
        found = self.hits(claims, questions=False)
        return [Found(factchecks=[_factcheck(h) for h in hits if _is_match(h)]) for hits in found]


@evidence_source("corpora")
def corpus_source(options: AnalyzeOptions) -> CorpusSource | None:
    return CorpusSource(options.corpora, options.home, EVIDENCE_PER_CLAIM) if options.corpora else None


@evidence_source("factchecks")
def factcheck_source(options: AnalyzeOptions) -> FactCheckSource | None:
    # The corpora too: a fact-check collection named there is matched here (and skipped by the corpus search).
    if not (options.factchecks or options.corpora):
        return None
    return FactCheckSource(options.factchecks, options.corpora, options.home, FACTCHECKS_PER_CLAIM)


def _queries(claim: Claim, *, questions: bool) -> list[str]:
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
