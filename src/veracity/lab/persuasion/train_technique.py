"""Train the technique classifier (persuasion/technique.py) on PTC's technique-labelled spans.

`veracity train persuasion --techniques-only --data-dir ../shared/data/propaganda/ptc`
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import numpy as np

from veracity.lab.persuasion.data import TECHNIQUES, ptc_parts, read_articles, read_labels
from veracity.persuasion.technique import (
    C_GRID,
    ENCODER_FILE,
    ENCODER_TOKENIZER,
    MODEL_NAME,
    TechniqueClassifier,
    span_features,
)


def train_techniques(data_dir: Path, out_dir: Path, log=print, base: str = "minilm") -> TechniqueClassifier:
    """C chosen on the validation articles; refit on fit + validation; scored once on the held-out test split.
    `base`: the frozen encoder of the features — the shipped MiniLM, or "mpnet" (the teacher: MPNet-base exported
    to int8 ONNX beside the classifier)."""
    started = time.perf_counter()
    articles = read_articles(data_dir / "train-articles")
    spans = read_labels(data_dir / "train-labels-tc", with_technique=True, articles=articles)
    parts = ptc_parts(list(articles))
    fit_ids, val_ids = parts["fit"], parts["validation"]
    out_dir.mkdir(parents=True, exist_ok=True)
    encoder = None if base == "minilm" else export_feature_encoder(base, out_dir, log)
    X = span_features(articles, spans, encoder)
    y = np.array([TECHNIQUES.index(s.technique) for s in spans])
    part = np.array([0 if s.article_id in fit_ids else 1 if s.article_id in val_ids else 2 for s in spans])
    scores = {}
    for C in C_GRID:
        scores[C] = float(
            (TechniqueClassifier(C=C).fit(X[part == 0], y[part == 0]).predict(X[part == 1]) == y[part == 1]).mean()
        )
        log(f"C={C}: validation TC micro-F1 {scores[C]:.4f}")
    best_c = max(scores, key=scores.get)
    model = TechniqueClassifier(C=best_c, encoder=encoder).fit(X[part < 2], y[part < 2])
    test_f1 = float((model.predict(X[part == 2]) == y[part == 2]).mean())
    log(f"held-out test TC micro-F1 {test_f1:.4f} (C={best_c})")
    model.card = {
        "name": MODEL_NAME, "validation_tc_f1": round(scores[best_c], 4), "test_tc_f1": round(test_f1, 4),
        "train_spans": int((part < 2).sum()), "test_spans": int((part == 2).sum()),
        "train_seconds": round(time.perf_counter() - started, 1), "trained_on": date.today().isoformat(),
        "command": "veracity train persuasion --techniques-only --data-dir ../shared/data/propaganda/ptc"
        + ("" if base == "minilm" else f" --base {base}"),
        "encoder": None if encoder is None else ENCODER_FILE,
    }  # fmt: skip
    model.save(out_dir)
    return model


def export_feature_encoder(base: str, out_dir: Path, log=print):
    """Encoder `base` (frozen, mean-pooled like the shipped MiniLM) as int8 ONNX with its tokenizer, beside the
    classifier in `out_dir`; returns it as a `SentenceEncoder`."""
    import shutil

    from veracity.lab.training import encoder_dir, export_onnx_int8, last_hidden_module, require_torch
    from veracity.runtime import SentenceEncoder

    torch = require_torch()
    folder = encoder_dir(base)
    net = last_hidden_module(torch, folder).eval()
    ids = torch.tensor([[0, 2027, 2007, 2], [0, 2027, 2, 1]])
    export_onnx_int8(torch, net, (ids, (ids != 1).long()), out_dir / ENCODER_FILE, {"hidden": {0: "batch", 1: "seq"}})
    shutil.copyfile(folder / "tokenizer.json", out_dir / ENCODER_TOKENIZER)
    log(f"exported {base} features encoder to {out_dir / ENCODER_FILE}")
    return SentenceEncoder(onnx_path=out_dir / ENCODER_FILE, tokenizer_path=out_dir / ENCODER_TOKENIZER)
