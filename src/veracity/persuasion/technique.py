"""Technique classification (TC) for a span: logistic regression on frozen MiniLM embeddings — the span alone, the
span's tokens read in their sentence, the sentence — plus length, repetition and cue-word features. On held-out PTC
articles it beats the tagger's own per-token technique head (0.44 micro-F1) by a wide margin, so it labels every
span the tagger finds.

    veracity train persuasion --techniques-only   (seconds; no PyTorch needed)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from veracity.errors import ModelUnavailable
from veracity.persuasion.spans import TECHNIQUES, LabelledSpan

MODEL_NAME = "persuasion-technique-lr"
C_GRID = (0.3, 1.0, 3.0, 10.0)
# Surface cues of the techniques, as the PTC annotation guidelines describe them; one 0/1 feature each. They add
# ~0.01 micro-F1 on validation and held-out test over the embeddings alone (docs/BENCHMARKS.md).
CUES = {
    "flag_waving": r"\b(america|american|americans|patriot\w*|nation\w*|our country|homeland|flag|freedom|we|our|us)\b",
    "doubt": r"\?|\b(so-called|allegedly|claim\w*|supposed\w*|questionable|really|whether)\b",
    "causal": r"\b(because|due to|therefore|thus|so that|caused|result\w*|leads? to|since)\b",
    "black_and_white": r"\b(either|or|only|no other|nothing but|must|choice)\b",
    "authority": r"\b(said|says|according|expert\w*|professor|dr\.?|official\w*|president|pope|scientist\w*)\b",
    "exaggeration": r"\b(all|every|never|always|most|best|worst|greatest|biggest|huge|massive|totally|absolutely|"
    r"entire\w*|ever)\b|est\b",
    "reductio": r"\b(hitler|nazi\w*|stalin|communis\w*|fascis\w*|everyone|everybody)\b",
    "whataboutism": r"\b(what about|hypocri\w*|double standard|but)\b",
    "fear": r"\b(threat\w*|danger\w*|destroy\w*|kill\w*|death|die|terror\w*|fear\w*|war|attack\w*|invasion|crisis)\b",
    "thought_terminating": r"\b(period|end of story|that's it|enough|simple|just)\b",
}
_CUES = [re.compile(p) for p in CUES.values()]


_SENTENCE_END = re.compile(r"[.!?][\"”’')]*\s+")


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) around text[start:end], never crossing a line break."""
    line_start = text.rfind("\n", 0, start) + 1
    left = max([line_start, *(m.end() for m in _SENTENCE_END.finditer(text, line_start, start))])
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    right = _SENTENCE_END.search(text, end, line_end)
    return left, right.end() if right else line_end


def span_features(articles: dict[str, str], spans: list[LabelledSpan], encoder=None) -> np.ndarray:
    """Per span: its own embedding, the mean of its tokens read in its sentence, the sentence's embedding (one
    encoder pass per distinct sentence and per distinct span text), then length, repetition and cue features.
    `encoder`: a `SentenceEncoder`, default the shipped MiniLM."""
    from veracity.runtime import SMALL_BATCH, get_encoder

    encoder = encoder or get_encoder()
    texts = [articles[s.article_id][s.start : s.end] for s in spans]
    bounds = [_sentence_bounds(articles[s.article_id], s.start, s.end) for s in spans]
    contexts = [articles[s.article_id][a:b] for s, (a, b) in zip(spans, bounds, strict=True)]
    unique = list(dict.fromkeys(contexts))
    states = dict(zip(unique, encoder.token_states(unique, SMALL_BATCH), strict=True))
    in_context, context_mean, extra = [], [], []
    for s, t, context, (left, _) in zip(spans, texts, contexts, bounds, strict=True):
        hidden, offsets = states[context]
        words = offsets[:, 1] > offsets[:, 0]
        words = words if words.any() else np.ones(len(hidden), dtype=bool)
        inside = words & (offsets[:, 0] < s.end - left) & (offsets[:, 1] > s.start - left)
        in_context.append(_normalised(hidden[inside if inside.any() else words].mean(axis=0)))
        context_mean.append(_normalised(hidden[words].mean(axis=0)))
        repeats = articles[s.article_id].lower().count(t.lower().strip()) if t.strip() else 0
        extra.append([np.log1p(len(t)), np.log1p(len(t.split())), float(repeats > 1), np.log1p(repeats),
                      float("!" in t), float(t.strip()[:1] in "\"“"), *_cue_features(t, context)])  # fmt: skip
    return np.hstack(
        [_encode_unique(encoder, texts, SMALL_BATCH), np.array(in_context), np.array(context_mean), np.array(extra)]
    ).astype(np.float32)


def _normalised(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


def _cue_features(span: str, context: str) -> list[float]:
    lower = span.lower()
    return [float(bool(p.search(lower))) for p in _CUES] + [
        sum(c.isupper() for c in span) / max(len(span), 1),
        float(span.strip().endswith("!")),
        float(span.strip().isupper() and len(span) > 3),
        len(span.strip()) / max(len(context.strip()), 1),
    ]


def _encode_unique(encoder, texts: list[str], batch_size: int) -> np.ndarray:
    """Encode each distinct text once (a phrase repeated in an article costs one pass)."""
    unique = list(dict.fromkeys(texts))
    vectors = encoder.encode(unique, batch_size)
    row = {t: k for k, t in enumerate(unique)}
    return vectors[[row[t] for t in texts]]


# A classifier on another encoder's features (the MPNet teacher's) ships that encoder beside it, under these names.
ENCODER_FILE = f"{MODEL_NAME}.encoder.onnx"
ENCODER_TOKENIZER = f"{MODEL_NAME}.encoder.tokenizer.json"


@dataclass
class TechniqueClassifier:
    C: float = 1.0
    card: dict = field(default_factory=dict)
    coef_: np.ndarray | None = None
    intercept_: np.ndarray | None = None
    encoder: object = None  # a SentenceEncoder for the features; None: the shipped MiniLM

    def fit(self, X: np.ndarray, y: np.ndarray) -> TechniqueClassifier:
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=self.C, max_iter=3000, random_state=0).fit(X, y)
        coef = np.zeros((len(TECHNIQUES), X.shape[1]), dtype=np.float32)
        intercept = np.full(len(TECHNIQUES), -1e9, dtype=np.float32)  # classes absent from training never win
        coef[lr.classes_], intercept[lr.classes_] = lr.coef_, lr.intercept_
        self.coef_, self.intercept_ = coef, intercept
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        if self.coef_ is None:
            raise ModelUnavailable("technique classifier is not fitted")
        return (X @ self.coef_.T + self.intercept_).argmax(axis=1)

    def label_text(self, text: str, spans: list[LabelledSpan]) -> list[LabelledSpan]:
        """`label` for the spans of one text (article id "")."""
        return self.label({"": text}, spans)

    def label(self, articles: dict[str, str], spans: list[LabelledSpan]) -> list[LabelledSpan]:
        if not spans:
            return []
        predicted = self.predict(span_features(articles, spans, self.encoder))
        return [
            LabelledSpan(s.article_id, s.start, s.end, TECHNIQUES[k], s.score)
            for s, k in zip(spans, predicted, strict=True)
        ]

    def save(self, directory: Path) -> None:
        np.savez(directory / f"{MODEL_NAME}.npz", coef=self.coef_, intercept=self.intercept_)
        (directory / f"{MODEL_NAME}.json").write_text(json.dumps({**self.card, "C": self.C}, indent=2) + "\n")

    @classmethod
    def load(cls, directory: Path) -> TechniqueClassifier:
        card_path = directory / f"{MODEL_NAME}.json"
        if not card_path.is_file():
            raise ModelUnavailable(f"technique classifier not found in {directory}")
        with np.load(directory / f"{MODEL_NAME}.npz") as z:
            coef, intercept = z["coef"], z["intercept"]
        card = json.loads(card_path.read_text())
        encoder = None
        if card.get("encoder"):  # features of another encoder, kept beside the classifier
            from veracity.runtime import SentenceEncoder

            if not (directory / ENCODER_FILE).is_file():
                raise ModelUnavailable(f"technique classifier in {directory} needs its encoder {ENCODER_FILE}")
            encoder = SentenceEncoder(onnx_path=directory / ENCODER_FILE, tokenizer_path=directory / ENCODER_TOKENIZER)
        return cls(C=card["C"], card=card, coef_=coef, intercept_=intercept, encoder=encoder)


@cache
def get_technique_classifier() -> TechniqueClassifier:
    from veracity.runtime import models_dir

    return TechniqueClassifier.load(models_dir())
