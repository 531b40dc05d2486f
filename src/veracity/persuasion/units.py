"""Cut text into encoder-sized units with character offsets, and label their tokens from gold spans."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from veracity.persuasion.spans import TECHNIQUES, LabelledSpan

MAX_TOKENS = 128


@dataclass
class Unit:
    """A window of one paragraph: token ids and each token's (start, end) in the article."""

    article_id: str
    ids: list[int]
    offsets: list[tuple[int, int]]  # absolute character offsets; (0, 0) for [CLS]/[SEP]


def special_ids(tokenizer) -> tuple[int, int]:
    """The ids the tokenizer's own template puts around a text: [CLS]/[SEP] for MiniLM, <s>/</s> for MPNet (whose
    vocabulary also has an ordinary "[CLS]" token, so looking the names up would pick the wrong ids)."""
    enc = tokenizer.encode("", add_special_tokens=True)
    first, last = [i for i, m in zip(enc.ids, enc.attention_mask, strict=True) if m]
    return first, last


def make_units(article_id: str, text: str, tokenizer, max_tokens: int = MAX_TOKENS) -> list[Unit]:
    """Paragraphs (lines) of `text`, each cut into windows of at most `max_tokens` wordpieces."""
    units = []
    cls_id, sep_id = special_ids(tokenizer)
    for match in re.finditer(r"[^\n]+", text):
        if not match.group().strip():
            continue
        enc = tokenizer.encode(match.group(), add_special_tokens=False)
        base = match.start()
        for k in range(0, len(enc.ids), max_tokens - 2):
            ids = enc.ids[k : k + max_tokens - 2]
            offs = [(base + s, base + e) for s, e in enc.offsets[k : k + max_tokens - 2]]
            units.append(Unit(article_id, [cls_id, *ids, sep_id], [(0, 0), *offs, (0, 0)]))
    return units


def token_labels(unit: Unit, spans: list[LabelledSpan]) -> np.ndarray:
    """[tokens, 1 + 14]: column 0 = inside any span (SI), then one column per technique (TC)."""
    labels = np.zeros((len(unit.ids), 1 + len(TECHNIQUES)), dtype=np.float32)
    for j, (s, e) in enumerate(unit.offsets):
        if e <= s:
            continue
        for span in spans:
            if span.start < e and s < span.end:
                labels[j, 0] = 1
                if span.technique:
                    labels[j, 1 + TECHNIQUES.index(span.technique)] = 1
    return labels


@dataclass(frozen=True)
class SpanRule:
    """How token probabilities become spans (hysteresis): runs of tokens at or above `low`, bridging gaps of up
    to `max_gap` tokens, kept when some token in the run reaches `high`."""

    low: float = 0.5
    high: float = 0.5
    max_gap: int = 1


def spans_from_tokens(unit: Unit, probs: np.ndarray, rule: SpanRule) -> list[tuple[int, int, float]]:
    """Token "inside" probabilities of one unit -> (start, end, mean probability) character spans."""
    out, run = [], []
    gap = 0
    for j, p in enumerate(probs):
        if unit.offsets[j][1] <= unit.offsets[j][0]:
            continue
        if p >= rule.low:
            run.append(j)
            gap = 0
        elif run:
            gap += 1
            if gap > rule.max_gap:
                out.append(run)
                run, gap = [], 0
    if run:
        out.append(run)
    kept = [r for r in out if probs[r].max() >= rule.high]
    return [(unit.offsets[r[0]][0], unit.offsets[r[-1]][1], float(probs[r].mean())) for r in kept]
