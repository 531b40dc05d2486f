"""Hybrid retrieval over evidence collections: BM25 and MiniLM cosine, fused by a weighted sum.

For each collection the top BM25 and top dense passages form the candidates; each candidate's BM25 score is
divided by the query's best BM25 score (so both signals live in [0, 1]) and fused as
    score = w * bm25 / max_bm25 + (1 - w) * cosine,        w = 0.3
(w chosen on the CheckThat! 2022 train-dev queries; docs/BENCHMARKS.md compares it with reciprocal rank fusion).
Cosines come from the retrieval encoder fine-tuned on claim ↔ fact-check pairs when it is shipped. Fact-check
hits may then be re-ranked by a cross-encoder (evidence/rerank.py) when its model is present.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache

import numpy as np

from veracity.errors import CollectionBusy
from veracity.evidence.indexes import CollectionIndex
from veracity.evidence.locks import READ_WAIT_S
from veracity.evidence.store import DocumentMeta, Store

log = logging.getLogger(__name__)

BM25_WEIGHT = 0.3
STALE_WAIT_S = 1.0  # how long a search waits for an add before it searches the index built before it
CANDIDATES = 100
_NOISE = re.compile(r"pic\.twitter\.com/\S+|https?://\S+|www\.\S+")


@dataclass
class Hit(DocumentMeta):
    """A scored passage; its document's fields (DocumentMeta, keyword-only) are filled in by `_describe`."""

    collection: str
    kind: str
    passage_id: int
    score: float
    bm25: float
    cosine: float
    text: str = ""
    key: str = ""  # the document's key: file path (#record) or fact-check id
    document_id: int | None = None
    start: int | None = None  # the passage's offsets in its document's text
    end: int | None = None
    match_probability: float | None = None  # set by the re-ranker on fact-check hits


# The fine-tuned retrieval encoder's file (written by lab/evidence/train_retriever.py).
RETRIEVER_FILE = "retrieval-minilm-int8.onnx"


@cache
def get_retrieval_encoder():
    """The fine-tuned retrieval encoder (lab/evidence/train_retriever.py) when shipped, else the shared encoder."""
    from veracity.runtime import SentenceEncoder, get_encoder, model_path

    path = model_path(RETRIEVER_FILE)
    return SentenceEncoder(onnx_path=path) if path.is_file() else get_encoder()


def clean_query(text: str) -> str:
    """Links carry no words to match; drop them."""
    return " ".join(_NOISE.sub(" ", text).split())


class Searcher:
    """Search one or more collections. Build once and reuse: indexes and the encoder stay loaded."""

    def __init__(self, store: Store, *, bm25_weight: float = BM25_WEIGHT, encoder=None, reranker=None) -> None:
        self.store = store
        self.bm25_weight = bm25_weight
        self.encoder = encoder or get_retrieval_encoder()
        self.reranker = reranker
        self._indexes: dict[str, CollectionIndex] = {}

    def index(self, name: str) -> CollectionIndex:
        """The collection's index, brought up to date first (a no-op when it is; repairs an interrupted add). While
        another command adds to the collection, an index built before is searched as it was (after a short wait);
        without one, a search waits `READ_WAIT_S` at most, then CollectionBusy says so."""
        if name not in self._indexes:
            index = CollectionIndex(self.store, self.store.collection(name))
            built = index.built_revision() is not None
            try:
                # Passages only: sentence vectors are made by `corpus add` (minutes for a large collection, too long
                # for a search or an analysis under a deadline); without them the verdict stage encodes sentences.
                index.sync(self.encoder, wait_s=STALE_WAIT_S if built else READ_WAIT_S)
            except CollectionBusy:
                if not built:
                    raise
                log.warning("collection %r is being updated by another command; searching its index as it was", name)
            self._indexes[name] = index
        return self._indexes[name]

    def search(self, query: str, collections: list[str], k: int = 10) -> list[Hit]:
        return self.search_many([query], collections, k)[0]

    def search_many(self, queries: list[str], collections: list[str], k: int = 10) -> list[list[Hit]]:
        """The top `k` hits over all `collections` for each query (queries are embedded in one batch)."""
        cleaned = [clean_query(q) for q in queries]
        vectors = self.encoder.encode(cleaned) if queries else np.zeros((0, 384), dtype=np.float32)
        results = []
        for query, vector in zip(cleaned, vectors, strict=True):
            hits: list[Hit] = []
            for name in collections:
                hits += self._search_collection(name, query, vector, k)
            hits.sort(key=lambda h: -h.score)
            results.append(self._describe(hits[:k]))
        if self.reranker is not None:
            results = [self.reranker.rerank(q, hits) for q, hits in zip(cleaned, results, strict=True)]
        return results

    def _search_collection(self, name: str, query: str, vector: np.ndarray, k: int) -> list[Hit]:
        index = self.index(name)
        kind = index.collection.kind
        bm25 = index.bm25(query, CANDIDATES)
        dense = index.dense(vector, CANDIDATES)
        dense.update(index.cosines(vector, [i for i in bm25 if i not in dense]))
        top = max(bm25.values(), default=0.0) or 1.0
        w = self.bm25_weight
        hits = [
            Hit(name, kind, i, w * bm25.get(i, 0.0) / top + (1 - w) * cos, bm25.get(i, 0.0), cos)
            for i, cos in dense.items()
        ]
        hits.sort(key=lambda h: -h.score)
        return hits[: max(k, 1)]

    def _describe(self, hits: list[Hit]) -> list[Hit]:
        rows = self.store.passages_with_documents([h.passage_id for h in hits])
        hits = [h for h in hits if h.passage_id in rows]
        for h in hits:
            passage, doc = rows[h.passage_id]
            h.text, h.key, h.document_id, h.start, h.end = passage.text, doc.key, doc.id, passage.start, passage.end
            h.copy_meta(doc)
        return hits
