"""Debate-grouped cross-validation of the check-worthiness fine-tuning recipe (training extra).

    veracity train checkworthiness --finetune --cv-folds 5

CT24 has no debate column, but its Sentence_ids run through the debates in order (dev's ids interleave with
train's: the same debates). So train and dev are pooled, the sorted ids are cut into k contiguous folds, and each
cut is moved to the widest id gap near it, the likeliest debate boundary. Each fold is held out in turn and the
shipped recipe runs on the others: the latest 8 % of their ids are its validation set (best epoch, temperature,
threshold), the rest are fitted; the held-out fold is scored once. Reported: each fold's F1 at its own threshold,
their mean and standard deviation, and the pooled out-of-fold F1, ROC AUC and average precision; then each fold's F1
at the threshold the *other* folds' out-of-fold probabilities choose (`other_folds_thresholds`) — the rule a model
trained on all folds follows (`--threshold-from-cv`), since a run's own validation slice of the latest debates
chose thresholds that drifted by up to 0.4 from each fold's best. Scores come from
the fp32 torch model (int8 cost the shipped model 0.008 validation F1). A finished fold is saved, so an interrupted
run resumes with the next one (and within a fold, after its last finished epoch).
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from veracity.errors import DataFormatError, InputError
from veracity.lab.claims.data import LabelledSentences, read_ct24, split_by_id, take
from veracity.lab.claims.evaluate import BinaryScores, best_threshold
from veracity.lab.claims.finetune import (
    CV_SUMMARY,
    FinetuneConfig,
    _encode,
    _logits,
    _tokenizer,
    fit_best_epoch,
    fit_temperature,
    new_net,
)
from veracity.lab.claims.finetune_distil import (
    TEACHER_FILE,
    TeacherLabels,
    fold_teacher,
    student_targets,
    unlabelled_sentences,
)
from veracity.lab.training import require_torch
from veracity.runtime import sigmoid

VALIDATION_SHARE = 0.08  # the shipped model validated on the latest 7.7 % of train (ids >= 31839)


def debate_folds(ids: list[int], k: int, search: int = 300) -> np.ndarray:
    """Fold number (0..k-1) of each row: contiguous runs of Sentence_ids, cut at the widest id gap within `search`
    rows of each 1/k quantile (a debate boundary, where the ids jump)."""
    if k < 2:
        raise InputError("cross-validation needs at least 2 folds")
    order = np.argsort(ids, kind="stable")
    sorted_ids = np.asarray(ids)[order]
    n = len(sorted_ids)
    if n < 2 * k:
        raise DataFormatError(f"{n} sentences are too few for {k} folds")
    gaps = np.diff(sorted_ids)  # gaps[i] lies between sorted rows i and i + 1
    cuts = []
    for q in range(1, k):
        target = q * n // k
        lo = max(target - search, cuts[-1] + 1 if cuts else 1)
        hi = min(target + search, n - 1)
        window = gaps[lo - 1 : hi]
        cuts.append(lo + int(np.argmax(window)))  # first row of the next fold
    fold_of_sorted = np.searchsorted(np.asarray(cuts), np.arange(n), side="right")
    folds = np.empty(n, dtype=int)
    folds[order] = fold_of_sorted
    return folds


def _latest(data: LabelledSentences, share: float) -> tuple[LabelledSentences, LabelledSentences]:
    """(earlier rows, the latest `share` of the ids): the recipe's validation set of later debates."""
    ids = sorted(int(i) for i in data.ids)
    return split_by_id(data, ids[len(ids) - max(1, round(share * len(ids)))])


def _run_fold(torch, tok, fit: LabelledSentences, held_out: LabelledSentences, config, work_dir: Path, log,
              teacher: TeacherLabels | None, unlabelled: list[str]) -> dict:  # fmt: skip
    """Fit on `fit` (its latest ids validate), score `held_out`. A student learns from `teacher`'s probabilities
    (and the unlabelled sentences); any other run is a teacher: it scores the held-out and training rows and the
    unlabelled sentences for a later student (`TEACHER_FILE`)."""
    train, validation = _latest(fit, VALIDATION_SHARE)
    log(f"fitting on {len(train.texts)}, validating on {len(validation.texts)}, scoring {len(held_out.texts)}")
    train_ids, val_ids = _encode(tok, train.texts), _encode(tok, validation.texts)
    targets = train.labels.astype(np.float32)
    if teacher is not None:
        targets = student_targets(teacher, train, len(unlabelled), config.distil_weight)
        train_ids = train_ids + _encode(tok, unlabelled)
    torch.manual_seed(config.seed)
    random.seed(config.seed)
    net = new_net(torch, config)
    history = fit_best_epoch(torch, net, train_ids, targets, val_ids, validation.labels, config, work_dir, log)
    val_logits = _logits(torch, net, val_ids)
    temperature = fit_temperature(val_logits, validation.labels)
    threshold = best_threshold(validation.labels, sigmoid(val_logits / temperature))
    # a teacher also scores its training rows and the unlabelled sentences, in the same pass as the held-out ones
    extra = [*fit.texts, *unlabelled] if teacher is None else []
    scored = sigmoid(_logits(torch, net, _encode(tok, [*held_out.texts, *extra])) / temperature)
    proba = scored[: len(held_out.texts)]
    if teacher is None:
        rows = [*held_out.ids, *fit.ids]
        TeacherLabels(dict(zip(rows, scored[: len(rows)].tolist(), strict=True)),
                      scored[len(rows):]).save(work_dir / TEACHER_FILE)  # fmt: skip
    scores = BinaryScores.of(held_out.labels, proba >= threshold)
    return {
        "ids": [int(i) for i in held_out.ids],
        "proba": [round(float(p), 5) for p in proba],
        "temperature": temperature,
        "threshold": threshold,
        "best_epoch": max(history, key=lambda h: h["validation_f1"])["epoch"],
        "history": history,
        "scores": scores.as_dict(),
    }


def calibration(gold: np.ndarray, proba: np.ndarray, threshold: float, bins: int = 10) -> dict:
    """How a fold's probabilities and chosen threshold carry over to it: the binary expected calibration error
    (10 equal-width bins of P(yes)), the Brier score, the mean predicted vs the true rate of "yes", and the
    threshold that would have been best on the fold itself against the one chosen on validation (the drift)."""
    from sklearn.metrics import brier_score_loss

    y, p = np.asarray(gold, dtype=float), np.asarray(proba, dtype=float)
    which = np.minimum((p * bins).astype(int), bins - 1)
    ece = sum(abs(p[which == b].mean() - y[which == b].mean()) * np.mean(which == b)
              for b in range(bins) if np.any(which == b))  # fmt: skip
    oracle = best_threshold(gold, p)
    return {"ece": round(float(ece), 4), "brier": round(float(brier_score_loss(y, p)), 4),
            "predicted_rate": round(float(p.mean()), 4), "true_rate": round(float(y.mean()), 4),
            "threshold": threshold, "oracle_threshold": oracle,
            "oracle_f1": round(BinaryScores.of(gold, p >= oracle).f1, 4)}  # fmt: skip


def cross_validate_finetune(
    data_dir: Path, work_dir: Path, folds: int = 5, config: FinetuneConfig | None = None, log=print,
    shared: Path | None = None,
) -> dict:  # fmt: skip
    """Run the grouped cross-validation; returns (and writes to `work_dir/grouped_cv.json`) the summary.
    `shared` is the data folder the unlabelled sentences come from (`config.unlabelled` of them)."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    torch = require_torch()
    config = config or FinetuneConfig()
    torch.set_num_threads(config.threads)
    train, dev = read_ct24(data_dir / "train.tsv"), read_ct24(data_dir / "dev.tsv")
    pool = LabelledSentences(
        ids=train.ids + dev.ids, texts=train.texts + dev.texts, labels=np.concatenate([train.labels, dev.labels])
    )
    fold_of = debate_folds([int(i) for i in pool.ids], folds)
    tok = _tokenizer(config.max_tokens, config.base)
    unlabelled = unlabelled_sentences(shared or data_dir.parents[1], config.unlabelled, config.seed)
    started = time.perf_counter()
    results, gold = [], []
    for k in range(folds):
        fold_dir = work_dir / f"fold{k + 1}"
        fold_dir.mkdir(parents=True, exist_ok=True)
        done = fold_dir / "result.json"
        held = np.flatnonzero(fold_of == k)
        held_ids = [int(pool.ids[i]) for i in held]
        gold.append(pool.labels[held])
        log(f"fold {k + 1}/{folds}: Sentence_id {min(held_ids)}..{max(held_ids)}, {len(held)} sentences")
        if not done.is_file():
            teacher = fold_teacher(Path(config.teacher), k + 1) if config.teacher else None
            result = _run_fold(torch, tok, take(pool, np.flatnonzero(fold_of != k)), take(pool, held), config,
                               fold_dir, log, teacher, unlabelled)  # fmt: skip
            done.write_text(json.dumps(result) + "\n", encoding="utf-8")
            for checkpoint in fold_dir.glob("*.pt"):  # 360 MB a fold; the result is all that is kept
                checkpoint.unlink()
        results.append(json.loads(done.read_text(encoding="utf-8")))
        log(f"fold {k + 1}: f1={results[-1]['scores']['f1']:.4f}")
    gold = np.concatenate(gold)
    proba = np.concatenate([r["proba"] for r in results])
    decided = np.concatenate([np.asarray(r["proba"]) >= r["threshold"] for r in results])
    f1s = np.array([r["scores"]["f1"] for r in results])
    fold_gold = np.split(gold, np.cumsum([len(r["proba"]) for r in results])[:-1])
    calibrated = [calibration(g, r["proba"], r["threshold"]) for g, r in zip(fold_gold, results, strict=True)]
    fold_proba = [np.asarray(r["proba"]) for r in results]
    others = other_folds_thresholds(fold_gold, fold_proba)
    other_f1s = np.array([BinaryScores.of(g, p >= t).f1 for g, p, t in zip(fold_gold, fold_proba, others, strict=True)])
    summary = {
        "folds": folds,
        "grouping": "contiguous Sentence_id runs of CT24 train + dev, cut at the widest id gap near each quantile",
        "per_fold": [
            {k: r[k] for k in ("temperature", "threshold", "best_epoch", "scores")}
            | {"sentences": len(r["ids"]), "first_id": min(r["ids"]), "last_id": max(r["ids"])}
            for r in results
        ],
        "f1_mean": round(float(f1s.mean()), 4),
        "f1_sd": round(float(f1s.std(ddof=1)), 4),
        "pooled": BinaryScores.of(gold, decided).as_dict(),
        "roc_auc": round(float(roc_auc_score(gold, proba)), 4),
        "average_precision": round(float(average_precision_score(gold, proba)), 4),
        # calibration across folds: does a threshold and temperature chosen on earlier debates hold on later ones
        "calibration": {"per_fold": calibrated,
                        "ece_mean": round(float(np.mean([c["ece"] for c in calibrated])), 4),
                        "threshold_drift_max": round(max(abs(c["threshold"] - c["oracle_threshold"])
                                                         for c in calibrated), 4)},  # fmt: skip
        "other_folds_threshold": {
            "per_fold": [{"threshold": t, "f1": round(float(f), 4)} for t, f in zip(others, other_f1s, strict=True)],
            "f1_mean": round(float(other_f1s.mean()), 4),
            "f1_sd": round(float(other_f1s.std(ddof=1)), 4),
        },
        "pooled_threshold": best_threshold(gold, proba),  # for a model trained the same way on all folds
        "config": asdict(config),
        "seconds_this_run": round(time.perf_counter() - started, 1),
    }
    (work_dir / CV_SUMMARY).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def other_folds_thresholds(fold_gold: list[np.ndarray], fold_proba: list[np.ndarray]) -> list[float]:
    """Per held-out fold, the F1-best threshold on the other folds' out-of-fold probabilities, pooled: honest for that
    fold (its labels never set it) and drawn from four folds of debates instead of one validation slice."""
    k = range(len(fold_gold))
    return [best_threshold(np.concatenate([fold_gold[j] for j in k if j != i]),
                           np.concatenate([fold_proba[j] for j in k if j != i])) for i in k]  # fmt: skip

