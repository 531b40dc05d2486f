"""`veracity eval claim-matching`: CheckThat! 2022 task 2A — rank verified claims (fact-checks) for each tweet.

Measures as the task's scorer defines them: AP@k = (sum of precision at each relevant rank <= k) / |relevant|,
averaged over queries (MAP@1, MAP@5); MRR over the returned ranking (depth 100).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from veracity.errors import DataFormatError
from veracity.jsonl import read_text

DEPTH = 100


@dataclass(frozen=True)
class MatchingScores:
    queries: int
    map1: float
    map5: float
    mrr: float
    recall_at_100: float


def read_queries(path: Path) -> dict[str, str]:
    out = {}
    for n, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        cells = line.split("\t", 1)
        if len(cells) != 2:
            raise DataFormatError(f"{path}:{n}: expected 'query_id <TAB> text'")
        out[cells[0].strip()] = cells[1]
    return out


def read_qrels(path: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for n, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        cells = line.split()
        if len(cells) != 4:
            raise DataFormatError(f"{path}:{n}: expected 'query_id 0 vclaim_id relevance'")
        if cells[3] != "0":
            out.setdefault(cells[0], set()).add(cells[2])
    return out


def average_precision(ranked: list[str], relevant: set[str], k: int) -> float:
    hits, total = 0, 0.0
    for rank, item in enumerate(ranked[:k], 1):
        if item in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: list[str], relevant: set[str]) -> float:
    return next((1.0 / rank for rank, item in enumerate(ranked, 1) if item in relevant), 0.0)


def score_rankings(rankings: dict[str, list[str]], qrels: dict[str, set[str]]) -> MatchingScores:
    ids = [q for q in qrels if q in rankings]
    if not ids:
        raise DataFormatError("no query in the qrels has a ranking (do the query ids match?)")
    n = len(ids)
    return MatchingScores(
        queries=n,
        map1=sum(average_precision(rankings[q], qrels[q], 1) for q in ids) / n,
        map5=sum(average_precision(rankings[q], qrels[q], 5) for q in ids) / n,
        mrr=sum(reciprocal_rank(rankings[q], qrels[q]) for q in ids) / n,
        recall_at_100=sum(len(set(rankings[q][:DEPTH]) & qrels[q]) / len(qrels[q]) for q in ids) / n,
    )


def evaluate_claim_matching(
    vclaims: Path, queries: Path, qrels: Path, *, home: Path | None = None, rerank: bool = True, log=print
) -> MatchingScores:
    """Import `vclaims` into a fact-check collection (in a temporary home unless `home` is given, where a rerun
    reuses it), rank them for every query, and score against `qrels`."""
    from veracity.evidence.collections import import_factchecks
    from veracity.evidence.rerank import get_reranker
    from veracity.evidence.search import Searcher
    from veracity.evidence.store import Store

    query_texts, relevant = read_queries(queries), read_qrels(qrels)
    with tempfile.TemporaryDirectory(prefix="veracity-eval-") as tmp:
        store = Store(home or Path(tmp))
        result = import_factchecks(store, "claim-matching-eval", vclaims, fmt="vclaims")
        log(f"indexed {result.added + result.replaced + result.unchanged} verified claims in {result.seconds:.1f} s")
        reranker = get_reranker() if rerank else None
        searcher = Searcher(store, reranker=reranker)
        ids = [q for q in relevant if q in query_texts]
        hits = searcher.search_many([query_texts[q] for q in ids], ["claim-matching-eval"], k=DEPTH)
        rankings = {q: [h.key for h in row] for q, row in zip(ids, hits, strict=True)}
        store.engine.dispose()
    return score_rankings(rankings, relevant)
