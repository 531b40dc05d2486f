"""Stance of a passage toward a claim: supports (agree) / refutes (disagree) / discusses / unrelated.

Two steps, as FNC-1 taught: whether the passage is about the claim at all is nearly a retrieval question, so a
logistic regression over similarity features (MiniLM cosines to the passage's sentences, word and bigram
overlap) decides related vs unrelated; for related pairs a MiniLM cross-encoder reads the claim with the passage
sentences closest to it and picks agree / disagree / discuss. Training: verify/train_stance.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from veracity.claims.encoder import BATCH_SIZE
from veracity.errors import ModelUnavailable
from veracity.evidence.indexes import english_stemmer
from veracity.evidence.passages import sentence_spans

STANCE_NAME = "stance-minilm"
RELATEDNESS_NAME = "stance-relatedness-lr"
CROSS_LABELS = ("agree", "disagree", "discuss")
TOP_SENTENCES = 3
MAX_TOKENS = 128
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP = frozenset(
    "a an the and or but of to in on at for from by with as is are was were be been being it its this that these "
    "those he she they we you i his her their our your has have had do does did not no will would can could may "
    "might must shall should than then there here what which who whom whose when where why how all any both each "
    "few more most other some such only own same so too very just about over after before into out up down off "
    "again further once says said say".split()
)


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)] or [text]


def content_stems(text: str) -> list[str]:
    return english_stemmer().stemWords([w for w in _WORD.findall(text.lower()) if w not in _STOP])


def relatedness_features(claim_vec: np.ndarray, sent_vecs: np.ndarray, claim: str, body: str) -> np.ndarray:
    """Similarity features of one (claim, passage) pair; `sent_vecs` are the passage's sentence embeddings."""
    cos = sent_vecs @ claim_vec
    top = np.sort(cos)[::-1]
    c_words, b_words = content_stems(claim), content_stems(body)
    c_set, b_set = set(c_words), set(b_words)
    c_bigrams = set(zip(c_words, c_words[1:], strict=False))
    b_bigrams = set(zip(b_words, b_words[1:], strict=False))
    overlap = len(c_set & b_set) / max(len(c_set), 1)
    return np.array(
        [
            top[0], top[: 3].mean(), cos[:5].mean(), cos.mean(),
            overlap, len(c_bigrams & b_bigrams) / max(len(c_bigrams), 1),
            len(c_set & b_set) / max(len(c_set | b_set), 1), overlap * top[0],
            np.log1p(len(sent_vecs)),
        ],
        dtype=np.float32,
    )  # fmt: skip


def stance_input(claim: str, sents: list[str], sent_vecs: np.ndarray, claim_vec: np.ndarray) -> str:
    """The passage sentences closest to the claim, in their original order: what the cross-encoder reads."""
    keep = sorted(np.argsort(-(sent_vecs @ claim_vec))[:TOP_SENTENCES])
    return " ".join(sents[i] for i in keep)


@dataclass(frozen=True)
class StanceResult:
    label: str  # agree | disagree | discuss | unrelated
    related: float  # P(related)
    agree: float  # P(agree | related) etc.
    disagree: float
    discuss: float

    @property
    def support(self) -> float:
        return self.related * self.agree

    @property
    def refute(self) -> float:
        return self.related * self.disagree


class StanceModel:
    def __init__(self, directory: Path, threads: int = 2) -> None:
        from veracity.claims.encoder import get_encoder, load_tokenizer, onnx_session

        card_path = directory / f"{STANCE_NAME}.json"
        if not card_path.is_file():
            raise ModelUnavailable(f"stance model not found in {directory} (train it: veracity train stance)")
        self.card = json.loads(card_path.read_text())
        with np.load(directory / f"{RELATEDNESS_NAME}.npz") as z:
            self.mean, self.scale, self.coef, self.intercept = z["mean"], z["scale"], z["coef"], float(z["intercept"])
        self.session = onnx_session(directory / f"{STANCE_NAME}.onnx", threads)
        self.tokenizer = load_tokenizer(MAX_TOKENS)
        self.encoder = get_encoder()
        self.related_threshold = float(self.card.get("related_threshold", 0.5))

    def p_related(self, features: np.ndarray) -> np.ndarray:
        z = ((features - self.mean) / self.scale) @ self.coef + self.intercept
        return 1 / (1 + np.exp(-z))

    def stance_logits(self, claims: list[str], inputs: list[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        out = np.zeros((len(claims), len(CROSS_LABELS)), dtype=np.float32)
        order = np.argsort([len(c) + len(t) for c, t in zip(claims, inputs, strict=True)], kind="stable")
        for k in range(0, len(order), batch_size):
            idx = order[k : k + batch_size]
            enc = self.tokenizer.encode_batch([(claims[i], inputs[i]) for i in idx])
            feeds = {
                "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            }
            out[idx] = self.session.run(None, feeds)[0]
        return out

    def predict(self, pairs: list[tuple[str, str]]) -> list[StanceResult]:
        """Stance of each (claim, passage) pair."""
        if not pairs:
            return []
        claim_texts = list(dict.fromkeys(c for c, _ in pairs))
        passage_sents = {p: sentences(p) for p in dict.fromkeys(p for _, p in pairs)}
        all_sents = list(dict.fromkeys(s for ss in passage_sents.values() for s in ss))
        vectors = self.encoder.encode(claim_texts + all_sents)
        claim_vec = dict(zip(claim_texts, vectors[: len(claim_texts)], strict=True))
        sent_vec = dict(zip(all_sents, vectors[len(claim_texts) :], strict=True))
        features, inputs = [], []
        for claim, passage in pairs:
            sents = passage_sents[passage]
            vecs = np.stack([sent_vec[s] for s in sents])
            features.append(relatedness_features(claim_vec[claim], vecs, claim, passage))
            inputs.append(stance_input(claim, sents, vecs, claim_vec[claim]))
        related = self.p_related(np.stack(features))
        probs = np.full((len(pairs), len(CROSS_LABELS)), 1 / len(CROSS_LABELS), dtype=np.float32)
        keep = np.flatnonzero(related >= self.related_threshold)  # unrelated pairs skip the cross-encoder
        if len(keep):
            logits = self.stance_logits([pairs[i][0] for i in keep], [inputs[i] for i in keep])
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
            probs[keep] = e / e.sum(axis=1, keepdims=True)
        out = []
        for r, p in zip(related, probs, strict=True):
            label = CROSS_LABELS[int(p.argmax())] if r >= self.related_threshold else "unrelated"
            out.append(StanceResult(label, float(r), float(p[0]), float(p[1]), float(p[2])))
        return out


@cache
def get_stance_model() -> StanceModel:
    return StanceModel(Path(str(resources.files("veracity.models"))))
