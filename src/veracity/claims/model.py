"""Check-worthiness scorers. Both map sentences to calibrated probabilities and carry their threshold.

- `OnnxCheckworthiness`: the fine-tuned MiniLM classifier (lab/claims/finetune.py) on onnxruntime. Preferred.
- `EmbeddingCheckworthiness`: logistic regression (`CheckworthinessModel`) on frozen MiniLM embeddings, the
  first model; learned state ends in `_` (scikit-learn convention) and inference is a dot product.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from veracity.errors import ModelUnavailable
from veracity.runtime import SMALL_BATCH, models_dir, sigmoid

MODEL_NAME = "checkworthiness-minilm-lr"
FINETUNED_NAME = "checkworthiness-minilm-ft"


@dataclass
class CheckworthinessModel:
    C: float = 1.0
    threshold: float = 0.5
    card: dict = field(default_factory=dict)
    coef_: np.ndarray | None = None
    intercept_: float | None = None

    def fit(self, X: np.ndarray, y: np.ndarray) -> CheckworthinessModel:
        from sklearn.linear_model import LogisticRegression

        # No class weighting: the probabilities stay calibrated; the decision threshold is tuned on dev instead.
        lr = LogisticRegression(C=self.C, max_iter=3000, random_state=0).fit(X, y)
        self.coef_, self.intercept_ = lr.coef_[0].astype(np.float32), float(lr.intercept_[0])
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        if self.coef_ is None:
            raise ModelUnavailable("check-worthiness model is not fitted")
        return sigmoid(X @ self.coef_ + self.intercept_)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.predict_proba(X) >= self.threshold

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        np.savez(directory / f"{MODEL_NAME}.npz", coef=self.coef_, intercept=np.float32(self.intercept_))
        card = {**self.card, "C": self.C, "threshold": self.threshold}
        (directory / f"{MODEL_NAME}.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
        return directory / f"{MODEL_NAME}.npz"

    @classmethod
    def load(cls, directory: Path) -> CheckworthinessModel:
        weights, card_path = directory / f"{MODEL_NAME}.npz", directory / f"{MODEL_NAME}.json"
        if not weights.is_file() or not card_path.is_file():
            raise ModelUnavailable(
                f"check-worthiness model not found in {directory} (train it: veracity train checkworthiness)"
            )
        card = json.loads(card_path.read_text(encoding="utf-8"))
        with np.load(weights) as z:
            coef, intercept = z["coef"].astype(np.float32), float(z["intercept"])
        return cls(C=card.get("C", 1.0), threshold=card["threshold"], card=card, coef_=coef, intercept_=intercept)


class OnnxCheckworthiness:
    """A fine-tuned encoder with a one-logit head, exported to ONNX; probability = sigmoid(logit / T)."""

    def __init__(self, *, onnx_path: Path, temperature: float, threshold: float, max_tokens: int = 128,
                 card: dict | None = None, tokenizer_path: Path | None = None) -> None:  # fmt: skip
        from veracity.runtime import load_tokenizer, onnx_session

        self.temperature, self.threshold, self.card = temperature, threshold, card or {}
        self.tokenizer = load_tokenizer(max_tokens, tokenizer_path)  # None: the shipped MiniLM tokenizer
        self.session = onnx_session(onnx_path)

    @classmethod
    def load(cls, directory: Path, name: str = FINETUNED_NAME) -> OnnxCheckworthiness:
        card_path = directory / f"{name}.json"
        if not card_path.is_file():
            raise ModelUnavailable(f"fine-tuned check-worthiness model not found in {directory}")
        card = json.loads(card_path.read_text(encoding="utf-8"))
        own = directory / f"{name}.tokenizer.json"  # a model on another encoder (MPNet) brings its tokenizer
        return cls(
            onnx_path=directory / f"{name}.onnx",
            temperature=card["temperature"],
            threshold=card["threshold"],
            max_tokens=card.get("max_tokens", 128),
            card=card,
            tokenizer_path=own if own.is_file() else None,
        )

    def logits(self, texts: list[str], batch_size: int = SMALL_BATCH) -> np.ndarray:
        from veracity.runtime import tokenized_batches

        out = np.zeros(len(texts), dtype=np.float32)
        for idx, feeds, _ in tokenized_batches(self.tokenizer, self.session, texts, batch_size):
            out[idx] = self.session.run(None, feeds)[0].reshape(-1)
        return out

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return sigmoid(self.logits(texts) / self.temperature)


class EmbeddingCheckworthiness:
    """The logistic regression applied to sentences (embeds them first)."""

    def __init__(self, model: CheckworthinessModel) -> None:
        self.model, self.threshold, self.card = model, model.threshold, model.card

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        from veracity.runtime import get_encoder

        return self.model.predict_proba(get_encoder().encode(texts))


def shipped_models_dir() -> Path:
    return models_dir()


@cache
def get_checkworthiness_model() -> CheckworthinessModel:
    return CheckworthinessModel.load(shipped_models_dir())


@cache
def get_scorer() -> OnnxCheckworthiness | EmbeddingCheckworthiness:
    """The best shipped check-worthiness scorer: the fine-tuned ONNX model if present, else the linear one."""
    directory = shipped_models_dir()
    if (directory / f"{FINETUNED_NAME}.json").is_file():
        return OnnxCheckworthiness.load(directory)
    return EmbeddingCheckworthiness(get_checkworthiness_model())
