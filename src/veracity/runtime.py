"""The shared model runtime (ground floor: imported by stages, imports no stage).

Model files and cards by name, ONNX sessions, the MiniLM tokenizer, the one length-sorted batching function,
small maths (sigmoid, softmax) and the MiniLM sentence encoder that several stages share. Everything heavy
(onnxruntime, tokenizers) is imported inside the functions that use it, and models load once per process.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from veracity.errors import ModelUnavailable

MODELS_PACKAGE = "veracity.models"
MAX_TOKENS = 128
BATCH_SIZE = 32
# With int8 MiniLM on 2 cores, 8 sequences a run is ~1.5-2x faster than 32. Activations are quantised per batch, so
# outputs shift slightly with the batch: the evidence and stance models keep the 32 their reported scores were
# measured with; the claims scorer and the persuasion models, re-measured at 8, use SMALL_BATCH.
SMALL_BATCH = 8
TOKENIZER_FILE = "minilm-tokenizer.json"
ENCODER_FILE = "minilm-l6-int8.onnx"


# -- model files and cards ---------------------------------------------------------------------------------------
def models_dir() -> Path:
    """The folder of shipped models (src/veracity/models)."""
    return Path(str(resources.files(MODELS_PACKAGE)))


def model_path(name: str) -> Path:
    """A shipped model file by name, e.g. model_path("minilm-l6-int8.onnx"). The file may not exist."""
    return models_dir() / name


def model_card(name: str) -> dict[str, Any] | None:
    """The JSON card of a shipped model (`name` without suffix), or None when the model is not shipped."""
    path = model_path(f"{name}.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


# A process-wide ceiling on ONNX threads per session. Batch workers lower it (`limit_onnx_threads`) so N worker
# processes share the cores instead of each spinning up 2 threads; None = whatever the caller asks for.
_onnx_thread_limit: int | None = None


def limit_onnx_threads(threads: int | None) -> None:
    """Cap the intra-op threads of every ONNX session created from now on in this process (None lifts the cap)."""
    global _onnx_thread_limit
    _onnx_thread_limit = None if threads is None else max(1, int(threads))


def onnxruntime():
    """onnxruntime, with its telemetry off. At import it writes a device id and an events database under
    ~/.cache/Microsoft/DeveloperTools/.onnxruntime (measured with 1.31.1; nothing was sent) unless
    ORT_DISABLE_TELEMETRY is set then: it is set here (a user's own value is kept) before the first import."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    import onnxruntime as ort

    ort.disable_telemetry_events()
    return ort


def onnx_threads(threads: int) -> int:
    """`threads`, within the process-wide limit (batch workers set one per worker)."""
    return threads if _onnx_thread_limit is None else min(threads, _onnx_thread_limit)


def onnx_session(path: Path | str, threads: int = 2):
    ort = onnxruntime()
    if not Path(path).is_file():
        raise ModelUnavailable(f"ONNX model not found: {path}")
    options = ort.SessionOptions()
    options.intra_op_num_threads = onnx_threads(threads)
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


# -- tokenizers --------------------------------------------------------------------------------------------------
def load_tokenizer(max_tokens: int = MAX_TOKENS, tokenizer_path: Path | None = None):
    """The MiniLM tokenizer, truncating at `max_tokens` and padding to the batch's longest input."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_path or model_path(TOKENIZER_FILE)))
    # The shipped tokenizer pads every input to 128 tokens; pad to the batch's longest instead.
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_tokens)
    pad = "[PAD]" if tokenizer.token_to_id("[PAD]") is not None else "<pad>"  # BERT-style or MPNet-style vocab
    tokenizer.enable_padding(pad_id=tokenizer.token_to_id(pad), pad_token=pad)
    return tokenizer


@cache
def raw_tokenizer(tokenizer_path: Path | None = None):
    """The MiniLM tokenizer (or the one at `tokenizer_path`) without padding or truncation (callers cut their own
    windows)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_path or model_path(TOKENIZER_FILE)))
    tok.no_padding()
    tok.no_truncation()
    return tok


# -- batching and maths ------------------------------------------------------------------------------------------
def length_sorted(lengths: Sequence[int], batch_size: int) -> Iterator[np.ndarray]:
    """Indices in batches of similar length (shortest first, stable): little padding, fast. The one place that
    decides batch composition, which int8 models are sensitive to."""
    order = np.argsort(lengths, kind="stable")
    for k in range(0, len(order), batch_size):
        yield order[k : k + batch_size]


def tokenized_batches(tokenizer, session, texts: Sequence[Any], batch_size: int = BATCH_SIZE, lengths=None):
    """Yield (indices, feeds, attention_mask) over length-sorted batches of `texts` (strings or (a, b) pairs),
    sorted by `lengths` (default: characters)."""
    names = {i.name for i in session.get_inputs()}
    for idx in length_sorted(lengths if lengths is not None else [len(t) for t in texts], batch_size):
        enc = tokenizer.encode_batch([texts[i] for i in idx])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        yield idx, feeds, mask


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    z = np.exp(x - x.max(axis=axis, keepdims=True))
    return z / z.sum(axis=axis, keepdims=True)


# -- the shared sentence encoder ---------------------------------------------------------------------------------
def default_onnx_path() -> Path:
    """The shipped all-MiniLM-L6-v2 int8 export (lab/claims/export_encoder.py)."""
    path = model_path(ENCODER_FILE)
    if not path.is_file():
        raise ModelUnavailable(f"sentence encoder missing: {path} (build it: veracity train encoder)")
    return path


class SentenceEncoder:
    """Encode sentences to L2-normalised vectors (384-d: the shipped MiniLM; any mean-pooled encoder exported the
    same way, e.g. MPNet's 768-d). One instance per process (see `get_encoder`)."""

    def __init__(self, *, onnx_path: Path | None = None, tokenizer_path: Path | None = None, threads: int = 2) -> None:
        self.tokenizer = load_tokenizer(MAX_TOKENS, tokenizer_path)
        path = Path(onnx_path or default_onnx_path())
        self.name = path.name  # indexes record which encoder made their vectors
        self.session = onnx_session(path, threads)
        width = self.session.get_outputs()[0].shape[-1]
        self.width = width if isinstance(width, int) else 384  # 384: MiniLM; 768: MPNet-base

    def token_states(self, texts: list[str], batch_size: int = BATCH_SIZE) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text: the last layer's token vectors [n, width] and each token's (start, end) characters in the text
        ((0, 0) for [CLS]/[SEP]); for pooling over a part of a text in its context."""
        out: list[tuple[np.ndarray, np.ndarray]] = [(np.empty(0), np.empty(0))] * len(texts)
        for idx, feeds, mask in tokenized_batches(self.tokenizer, self.session, texts, batch_size):
            hidden = self.session.run(None, feeds)[0]
            encodings = self.tokenizer.encode_batch([texts[i] for i in idx])
            for row, i in enumerate(idx):
                n = int(mask[row].sum())
                out[i] = hidden[row, :n], np.array(encodings[row].offsets[:n]).reshape(n, 2)
        return out

    def encode(self, texts: list[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        out = np.zeros((len(texts), self.width), dtype=np.float32)
        for idx, feeds, mask in tokenized_batches(self.tokenizer, self.session, texts, batch_size):
            hidden = self.session.run(None, feeds)[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            vectors = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
            out[idx] = vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return out


@cache
def get_encoder() -> SentenceEncoder:
    return SentenceEncoder()
