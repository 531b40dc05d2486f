"""MiniLM sentence embeddings on onnxruntime: dynamic padding, length-sorted batches, mean pooling."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from veracity.errors import ModelUnavailable

MAX_TOKENS = 128
BATCH_SIZE = 32
# With int8 MiniLM on 2 cores, 8 sequences a run is ~1.5-2x faster than 32. Activations are quantised per batch, so
# outputs shift slightly with the batch: the evidence and stance models keep the 32 their reported scores were
# measured with; the claims scorer and the persuasion models, re-measured at 8, use SMALL_BATCH.
SMALL_BATCH = 8
TOKENIZER_FILE = "minilm-tokenizer.json"
ENCODER_FILE = "minilm-l6-int8.onnx"


def default_onnx_path() -> Path:
    """The shipped all-MiniLM-L6-v2 int8 export (claims/export_encoder.py)."""
    path = Path(str(resources.files("veracity.models").joinpath(ENCODER_FILE)))
    if not path.is_file():
        raise ModelUnavailable(f"sentence encoder missing: {path} (build it: veracity train encoder)")
    return path


def load_tokenizer(max_tokens: int = MAX_TOKENS, tokenizer_path: Path | None = None):
    from tokenizers import Tokenizer

    path = tokenizer_path or Path(str(resources.files("veracity.models").joinpath(TOKENIZER_FILE)))
    tokenizer = Tokenizer.from_file(str(path))
    # The shipped tokenizer pads every input to 128 tokens; pad to the batch's longest instead.
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_tokens)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer


def onnx_session(path: Path, threads: int = 2):
    import onnxruntime as ort

    if not Path(path).is_file():
        raise ModelUnavailable(f"ONNX model not found: {path}")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def length_sorted_batches(tokenizer, session, texts: list[str], batch_size: int = BATCH_SIZE):
    """Yield (indices, feeds, attention_mask) over batches of similar length: little padding, fast."""
    names = {i.name for i in session.get_inputs()}
    order = np.argsort([len(t) for t in texts], kind="stable")
    for k in range(0, len(texts), batch_size):
        idx = order[k : k + batch_size]
        enc = tokenizer.encode_batch([texts[i] for i in idx])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        yield idx, feeds, mask


class SentenceEncoder:
    """Encode sentences to L2-normalised 384-d vectors. One instance per process (see `get_encoder`)."""

    def __init__(self, *, onnx_path: Path | None = None, tokenizer_path: Path | None = None, threads: int = 2) -> None:
        self.tokenizer = load_tokenizer(MAX_TOKENS, tokenizer_path)
        path = Path(onnx_path or default_onnx_path())
        self.name = path.name  # indexes record which encoder made their vectors
        self.session = onnx_session(path, threads)

    def token_states(self, texts: list[str], batch_size: int = BATCH_SIZE) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text: the last layer's token vectors [n, 384] and each token's (start, end) characters in the text
        ((0, 0) for [CLS]/[SEP]); for pooling over a part of a text in its context."""
        out: list[tuple[np.ndarray, np.ndarray]] = [(np.empty(0), np.empty(0))] * len(texts)
        for idx, feeds, mask in length_sorted_batches(self.tokenizer, self.session, texts, batch_size):
            hidden = self.session.run(None, feeds)[0]
            encodings = self.tokenizer.encode_batch([texts[i] for i in idx])
            for row, i in enumerate(idx):
                n = int(mask[row].sum())
                out[i] = hidden[row, :n], np.array(encodings[row].offsets[:n]).reshape(n, 2)
        return out

    def encode(self, texts: list[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for idx, feeds, mask in length_sorted_batches(self.tokenizer, self.session, texts, batch_size):
            hidden = self.session.run(None, feeds)[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            vectors = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
            out[idx] = vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return out


@cache
def get_encoder() -> SentenceEncoder:
    return SentenceEncoder()
