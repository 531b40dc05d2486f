"""Cross-encoder re-ranker for fact-check matches (trained by lab/evidence/train_reranker.py).

The top `depth` fact-check hits of a query are re-scored as
    score = (1 - w) * sigmoid(logit) + w * retrieval score,
with w chosen on the CheckThat! dev queries. Corpus passages keep their retrieval order: the model was trained
to recognise "this fact-check is about this claim", not evidence in general.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from veracity.runtime import BATCH_SIZE, model_card, model_path, sigmoid, tokenized_batches

RERANKER_NAME = "factcheck-reranker-minilm"
MATCH_PROBABILITY = 0.5  # a fact-check is reported under a claim only when the model finds it this likely


def blend(logit: float, retrieval_score: float, retrieval_weight: float) -> float:
    return (1 - retrieval_weight) / (1 + np.exp(-logit)) + retrieval_weight * retrieval_score


class OnnxReranker:
    def __init__(
        self, onnx_path: Path, *, retrieval_weight: float, depth: int = 20, max_tokens: int = 160, threads: int = 2
    ) -> None:
        from veracity.runtime import load_tokenizer, onnx_session

        self.session = onnx_session(onnx_path, threads)
        self.tokenizer = load_tokenizer(max_tokens)
        self.retrieval_weight, self.depth = retrieval_weight, depth

    def logits(self, queries: list[str], texts: list[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        pairs = list(zip(queries, texts, strict=True))
        out = np.zeros(len(pairs), dtype=np.float32)
        lengths = [len(q) + len(t) for q, t in pairs]
        for idx, feeds, _ in tokenized_batches(self.tokenizer, self.session, pairs, batch_size, lengths):
            out[idx] = self.session.run(None, feeds)[0].reshape(-1)
        return out

    def rerank(self, query: str, hits: list) -> list:
        """Re-score the fact-check hits among the first `depth`; sets `match_probability` on them."""
        head = [h for h in hits[: self.depth] if h.kind == "factchecks"]
        if not head:
            return hits
        logits = self.logits([query] * len(head), [h.text for h in head])
        for hit, logit in zip(head, logits, strict=True):
            hit.match_probability = float(sigmoid(logit))
            hit.score = blend(float(logit), hit.score, self.retrieval_weight)
        return sorted(hits, key=lambda h: -h.score)


@cache
def get_reranker() -> OnnxReranker | None:
    """The shipped re-ranker, or None when it is not installed (retrieval then stands on its own)."""
    card = model_card(RERANKER_NAME)
    if card is None:
        return None
    return OnnxReranker(
        model_path(f"{RERANKER_NAME}.onnx"),
        retrieval_weight=card["retrieval_weight"],
        depth=card["depth"],
        max_tokens=card["max_tokens"],
    )
