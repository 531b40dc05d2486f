"""Train the technique classifier (persuasion/technique.py) on PTC's technique-labelled spans.

`veracity train persuasion --techniques-only --data-dir ../shared/data/propaganda/ptc`
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import numpy as np

from veracity.persuasion.data import TECHNIQUES, ptc_parts, read_articles, read_labels
from veracity.persuasion.technique import C_GRID, MODEL_NAME, TechniqueClassifier, span_features


def train_techniques(data_dir: Path, out_dir: Path, log=print) -> TechniqueClassifier:
    """C chosen on the validation articles; refit on fit + validation; scored once on the held-out test split."""
    started = time.perf_counter()
    articles = read_articles(data_dir / "train-articles")
    spans = read_labels(data_dir / "train-labels-tc", with_technique=True, articles=articles)
    parts = ptc_parts(list(articles))
    fit_ids, val_ids = parts["fit"], parts["validation"]
    X = span_features(articles, spans)
    y = np.array([TECHNIQUES.index(s.technique) for s in spans])
    part = np.array([0 if s.article_id in fit_ids else 1 if s.article_id in val_ids else 2 for s in spans])
    scores = {}
    for C in C_GRID:
        scores[C] = float(
            (TechniqueClassifier(C=C).fit(X[part == 0], y[part == 0]).predict(X[part == 1]) == y[part == 1]).mean()
        )
        log(f"C={C}: validation TC micro-F1 {scores[C]:.4f}")
    best_c = max(scores, key=scores.get)
    model = TechniqueClassifier(C=best_c).fit(X[part < 2], y[part < 2])
    test_f1 = float((model.predict(X[part == 2]) == y[part == 2]).mean())
    log(f"held-out test TC micro-F1 {test_f1:.4f} (C={best_c})")
    model.card = {
        "name": MODEL_NAME, "validation_tc_f1": round(scores[best_c], 4), "test_tc_f1": round(test_f1, 4),
        "train_spans": int((part < 2).sum()), "test_spans": int((part == 2).sum()),
        "train_seconds": round(time.perf_counter() - started, 1), "trained_on": date.today().isoformat(),
        "command": "veracity train persuasion --techniques-only --data-dir ../shared/data/propaganda/ptc",
    }  # fmt: skip
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(out_dir)
    return model
