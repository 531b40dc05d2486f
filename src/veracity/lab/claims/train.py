"""Train the check-worthiness model on CT24: `veracity train checkworthiness --data-dir .../ct24`.

Embeddings of each split are cached (keyed by the texts and the encoder file), so re-training with other
hyper-parameters costs seconds. C is chosen, and the decision threshold tuned, on dev only; dev-test is scored
once at the end with everything fixed.
"""

from __future__ import annotations

import hashlib
import time
from datetime import date
from pathlib import Path

import numpy as np

from veracity.claims.model import CheckworthinessModel
from veracity.lab.claims.data import read_ct24
from veracity.lab.claims.evaluate import BinaryScores, best_threshold
from veracity.runtime import default_onnx_path, get_encoder

C_GRID = (0.3, 1.0, 3.0, 10.0)


def cached_embeddings(texts: list[str], cache_dir: Path) -> np.ndarray:
    key = hashlib.sha1("\n".join(texts).encode() + default_onnx_path().name.encode()).hexdigest()[:16]
    path = cache_dir / f"minilm-{key}.npy"
    if path.is_file():
        return np.load(path)
    X = get_encoder().encode(texts)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, X)
    return X


def train_checkworthiness(data_dir: Path, out_dir: Path, cache_dir: Path, log=print) -> CheckworthinessModel:
    started = time.perf_counter()
    train, dev = read_ct24(data_dir / "train.tsv"), read_ct24(data_dir / "dev.tsv")
    log(f"train {len(train.texts)} sentences ({train.labels.mean():.1%} Yes), dev {len(dev.texts)}")
    X_train, X_dev = cached_embeddings(train.texts, cache_dir), cached_embeddings(dev.texts, cache_dir)
    best: tuple[float, CheckworthinessModel] | None = None
    for C in C_GRID:
        model = CheckworthinessModel(C=C).fit(X_train, train.labels)
        proba = model.predict_proba(X_dev)
        model.threshold = best_threshold(dev.labels, proba)
        f1 = BinaryScores.of(dev.labels, proba >= model.threshold).f1
        log(f"C={C:<5} dev threshold={model.threshold:.2f} dev f1={f1:.3f}")
        if best is None or f1 > best[0]:
            best = (f1, model)
    assert best is not None
    model = best[1]
    dev_scores = BinaryScores.of(dev.labels, model.predict(X_dev))
    card = {
        "name": "checkworthiness-minilm-lr",
        "task": "CLEF CheckThat! 2024 task 1 (English): is the sentence check-worthy?",
        "model": "logistic regression on mean-pooled all-MiniLM-L6-v2 embeddings (minilm-l6-int8.onnx)",
        "train_data": f"{data_dir.name}/train.tsv ({len(train.texts)} sentences)",
        "selection": "C and threshold chosen by F1 (Yes) on dev.tsv",
        "dev": dev_scores.as_dict(),
        "trained_on": date.today().isoformat(),
        "command": f"veracity train checkworthiness --data-dir {data_dir}",
        "data_licence": "CheckThat! lab 2024 data, research use",
    }
    if (data_dir / "dev-test.tsv").is_file():
        test = read_ct24(data_dir / "dev-test.tsv")
        card["dev_test"] = BinaryScores.of(
            test.labels, model.predict(cached_embeddings(test.texts, cache_dir))
        ).as_dict()
        log(f"dev-test f1={card['dev_test']['f1']:.3f} (threshold fixed on dev)")
    card["train_seconds"] = round(time.perf_counter() - started, 1)
    model.card = card
    path = model.save(out_dir)
    log(f"saved {path} (C={model.C}, threshold={model.threshold:.2f}, {card['train_seconds']} s)")
    return model
