"""Moved to `veracity.runtime` (the shared model runtime). These names stay importable for verify/, which is being
rewritten on main; import them from `veracity.runtime` in new code."""

from veracity.runtime import (  # noqa: F401
    BATCH_SIZE,
    ENCODER_FILE,
    MAX_TOKENS,
    SMALL_BATCH,
    TOKENIZER_FILE,
    SentenceEncoder,
    default_onnx_path,
    get_encoder,
    load_tokenizer,
    onnx_session,
)
from veracity.runtime import tokenized_batches as length_sorted_batches  # noqa: F401
