"""Run the persuasion tagger (ONNX) over texts: SI spans with a technique and score each."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from veracity.claims.encoder import SMALL_BATCH
from veracity.persuasion.data import TECHNIQUES, LabelledSpan
from veracity.persuasion.scoring import si_scores
from veracity.persuasion.units import MAX_TOKENS, SpanRule, Unit, make_units, spans_from_tokens

TAGGER_NAME = "persuasion-minilm-tagger"
RULE_GRID = [
    SpanRule(low, high, gap)
    for low in (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
    for high in (0.4, 0.5, 0.6, 0.7, 0.8)
    for gap in (1, 3, 5)
    if high >= low
]


@cache
def raw_tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(resources.files("veracity.models").joinpath("minilm-tokenizer.json")))
    tok.no_padding()
    tok.no_truncation()
    return tok


class OnnxPersuasionTagger:
    def __init__(
        self, onnx_path: Path, *, rule: SpanRule | None = None, max_tokens: int = MAX_TOKENS, threads: int = 2
    ) -> None:
        from veracity.claims.encoder import onnx_session

        self.session = onnx_session(onnx_path, threads)
        self.rule = rule or SpanRule()
        self.max_tokens = max_tokens

    def token_probs(self, units: list[Unit], batch_size: int = SMALL_BATCH) -> list[np.ndarray]:
        out: list[np.ndarray] = [np.empty(0)] * len(units)
        order = sorted(range(len(units)), key=lambda i: len(units[i].ids))
        for k in range(0, len(order), batch_size):
            idx = order[k : k + batch_size]
            width = max(len(units[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for r, i in enumerate(idx):
                ids[r, : len(units[i].ids)] = units[i].ids
                mask[r, : len(units[i].ids)] = 1
            logits = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            for r, i in enumerate(idx):
                out[i] = 1 / (1 + np.exp(-logits[r, : len(units[i].ids)]))
        return out

    def score_articles(self, articles: dict[str, str]) -> list[tuple[Unit, np.ndarray]]:
        units = [u for a, text in articles.items() for u in make_units(a, text, raw_tokenizer(), self.max_tokens)]
        return list(zip(units, self.token_probs(units), strict=True))

    def spans(
        self, scored: list[tuple[Unit, np.ndarray]], texts: dict[str, str], rule: SpanRule | None = None
    ) -> list[LabelledSpan]:
        out = []
        for unit, probs in scored:
            for start, end, score in spans_from_tokens(unit, probs[:, 0], rule or self.rule):
                # a span never starts or ends inside a word ("hensive and")
                start, end = _word_bounds(texts[unit.article_id], start, end)
                inside = [j for j, (s, e) in enumerate(unit.offsets) if s < end and start < e and e > s]
                technique = TECHNIQUES[int(probs[inside, 1:].mean(axis=0).argmax())]
                out.append(LabelledSpan(unit.article_id, start, end, technique, round(score, 4)))
        return out

    def tune_rule(self, articles: dict[str, str], gold: list[LabelledSpan]) -> tuple[SpanRule, float]:
        """The span rule with the best SI F1 on `articles` (ties: the one nearest 0.5/0.5, gap 1)."""
        scored = self.score_articles(articles)
        results = [
            (si_scores(self.spans(scored, articles, r), gold).f1, -abs(r.low - 0.5) - abs(r.high - 0.5) - r.max_gap, k)
            for k, r in enumerate(RULE_GRID)
        ]
        f1, _, k = max(results)
        return RULE_GRID[k], f1

    def classify_spans(self, articles: dict[str, str], spans: list[LabelledSpan]) -> list[LabelledSpan]:
        """TC: a technique for each given span, from the mean technique probabilities of its tokens."""
        scored = self.score_articles(articles)
        by_article: dict[str, list[tuple[Unit, np.ndarray]]] = {}
        for unit, probs in scored:
            by_article.setdefault(unit.article_id, []).append((unit, probs))
        out = []
        for span in spans:
            rows = [
                probs[j, 1:]
                for unit, probs in by_article.get(span.article_id, [])
                for j, (s, e) in enumerate(unit.offsets)
                if e > s and s < span.end and span.start < e
            ]
            mean = np.mean(rows, axis=0) if rows else np.zeros(len(TECHNIQUES))
            out.append(LabelledSpan(span.article_id, span.start, span.end, TECHNIQUES[int(mean.argmax())]))
        return out


@cache
def get_tagger() -> OnnxPersuasionTagger:
    import json

    from veracity.errors import ModelUnavailable

    directory = Path(str(resources.files("veracity.models")))
    card = directory / f"{TAGGER_NAME}.json"
    if not card.is_file():
        raise ModelUnavailable(f"persuasion model not found in {directory} (train it: veracity train persuasion)")
    meta = json.loads(card.read_text())
    rule = SpanRule(**meta["span_rule"])
    path = directory / f"{TAGGER_NAME}.onnx"
    return OnnxPersuasionTagger(path, rule=rule, max_tokens=meta.get("max_tokens", MAX_TOKENS))


def predict_spans(tagger: OnnxPersuasionTagger, article_id: str, text: str) -> list[LabelledSpan]:
    return tagger.spans(tagger.score_articles({article_id: text}), {article_id: text})


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end
