"""The verifier: does an evidence sentence entail, contradict or say nothing about a claim?

A MiniLM cross-encoder (int8 ONNX) reads "[CLS] claim [SEP] evidence [SEP]" and returns probabilities of
entailment / neutral / contradiction. Trained here: verify/train_nli.py; card: models/nli-minilm.json.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from veracity.errors import ModelUnavailable

NLI_NAME = "nli-minilm"
LABELS = ("entailment", "neutral", "contradiction")
MAX_TOKENS = 128
BATCH_SIZE = 16


class NliModel:
    def __init__(self, model_dir: Path | None = None, threads: int = 2) -> None:
        from veracity.claims.encoder import load_tokenizer, onnx_session

        folder = Path(model_dir or str(resources.files("veracity.models")))
        path = folder / f"{NLI_NAME}.onnx"
        if not path.is_file():
            raise ModelUnavailable(f"verifier model missing: {path} (train it: veracity train nli)")
        self.session = onnx_session(path, threads)
        self.tokenizer = load_tokenizer(MAX_TOKENS)
        card = folder / f"{NLI_NAME}.json"
        self.card = json.loads(card.read_text()) if card.is_file() else {}

    def predict(self, pairs: list[tuple[str, str]], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """[n, 3] probabilities (entailment, neutral, contradiction) for (claim, evidence) pairs, in order."""
        out = np.zeros((len(pairs), 3), dtype=np.float32)
        order = np.argsort([len(c) + len(e) for c, e in pairs], kind="stable")
        for k in range(0, len(pairs), batch_size):
            idx = order[k : k + batch_size]
            enc = self.tokenizer.encode_batch([pairs[i] for i in idx])
            feeds = {"input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                     "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64)}  # fmt: skip
            logits = self.session.run(None, feeds)[0]
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
            out[idx] = e / e.sum(axis=1, keepdims=True)
        return out


@cache
def get_nli_model() -> NliModel:
    return NliModel()
