"""Run the persuasion tagger (ONNX) over texts: SI spans with a technique and score each."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from veracity.persuasion.spans import TECHNIQUES, LabelledSpan
from veracity.persuasion.units import MAX_TOKENS, SpanRule, Unit, make_units, spans_from_tokens
from veracity.runtime import SMALL_BATCH, length_sorted, models_dir, raw_tokenizer, sigmoid

TAGGER_NAME = "persuasion-minilm-tagger"
# --persuasion-tagger: the MiniLM tagger by default; the MPNet-base one (~6x slower, the one larger opt-in model) on
# request. Both are shipped; models/README.md has their cards.
TAGGERS = {"fast": TAGGER_NAME, "accurate": "persuasion-mpnet-tagger"}


class OnnxPersuasionTagger:
    def __init__(self, onnx_path: Path, *, rule: SpanRule | None = None, max_tokens: int = MAX_TOKENS, threads: int = 2,
                 tokenizer_path: Path | None = None) -> None:  # fmt: skip
        from veracity.runtime import onnx_session

        self.session = onnx_session(onnx_path, threads)
        self.rule = rule or SpanRule()
        self.max_tokens = max_tokens
        self.tokenizer = raw_tokenizer(tokenizer_path)  # None: the shipped MiniLM's

    def token_probs(self, units: list[Unit], batch_size: int = SMALL_BATCH) -> list[np.ndarray]:
        out: list[np.ndarray] = [np.empty(0)] * len(units)
        for idx in length_sorted([len(u.ids) for u in units], batch_size):
            width = max(len(units[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for r, i in enumerate(idx):
                ids[r, : len(units[i].ids)] = units[i].ids
                mask[r, : len(units[i].ids)] = 1
            logits = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            for r, i in enumerate(idx):
                out[i] = sigmoid(logits[r, : len(units[i].ids)])
        return out

    def tag(self, text: str) -> list[LabelledSpan]:
        """The propaganda spans of one text (article id "")."""
        return predict_spans(self, "", text)

    def score_articles(self, articles: dict[str, str]) -> list[tuple[Unit, np.ndarray]]:
        units = [u for a, text in articles.items() for u in make_units(a, text, self.tokenizer, self.max_tokens)]
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


def load_tagger(folder: Path, name: str = TAGGER_NAME) -> OnnxPersuasionTagger:
    """The tagger `name` in `folder` with its card's span rule (and its own tokenizer when it has one: MPNet)."""
    import json

    from veracity.errors import ModelUnavailable

    card = folder / f"{name}.json"
    if not card.is_file():
        raise ModelUnavailable(f"persuasion model {name} not found in {folder} (train it: veracity train persuasion)")
    meta = json.loads(card.read_text(encoding="utf-8"))
    own = folder / f"{name}.tokenizer.json"
    return OnnxPersuasionTagger(folder / f"{name}.onnx", rule=SpanRule(**meta["span_rule"]),
                                max_tokens=meta.get("max_tokens", MAX_TOKENS),
                                tokenizer_path=own if own.is_file() else None)  # fmt: skip


def load_folder_tagger(folder: Path) -> OnnxPersuasionTagger:
    """The one tagger in `folder` (a teacher's or student's --out-dir): exactly one `persuasion-*-tagger` card."""
    from veracity.errors import InputError

    if not Path(folder).is_dir():
        raise InputError(f"no such model folder: {folder}")
    names = sorted(p.stem for p in Path(folder).glob("persuasion-*-tagger.json"))
    if len(names) != 1:
        raise InputError(f"{folder}: expected one persuasion-*-tagger card, found {', '.join(names) or 'none'}")
    return load_tagger(Path(folder), names[0])


@cache
def get_tagger(kind: str = "fast") -> OnnxPersuasionTagger:
    """The shipped tagger of this kind (`TAGGERS`), loaded once."""
    from veracity.errors import InputError

    if kind not in TAGGERS:
        raise InputError(f"--persuasion-tagger is one of {', '.join(TAGGERS)}, not {kind!r}")
    return load_tagger(models_dir(), TAGGERS[kind])


def predict_spans(tagger: OnnxPersuasionTagger, article_id: str, text: str) -> list[LabelledSpan]:
    return tagger.spans(tagger.score_articles({article_id: text}), {article_id: text})


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end
