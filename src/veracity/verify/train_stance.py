"""Train the stance model: `veracity train stance --data-dir ../shared/data/stance/fnc1
[--climate-fever ../shared/data/verification/climate-fever/dev.jsonl]`.

Split (by body, so no body is on both sides): sha1('veracity:<body id>') < 0.15 is the held-out test set whose
FNC score the model card reports; of the rest, sha1('validation:<body id>') < 0.1 chooses the epoch and the
related/unrelated threshold. With --climate-fever, the claims with sha1('veracity:<claim id>') < 0.3 (the
"train" part) add their evidence pairs to the cross-encoder's training (SUPPORTS→agree, REFUTES→disagree,
NOT_ENOUGH_INFO→discuss); 0.3–0.6 is the "calibration" part (verdict threshold and confidence, `veracity train
verdict`), and the last 40 % ("report") stay untouched for `veracity eval verification`.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np

from veracity.training import (
    bucketed_batches,
    build_encoder_head,
    export_onnx_int8,
    pad_batch,
    predict_logits,
    require_torch,
    seed_and_threads,
    train_step,
    warmup_linear_schedule,
)
from veracity.verify.fnc import StancePair, read_bodies, read_stances, score_stances, split_by_body
from veracity.verify.stance import (
    CROSS_LABELS,
    MAX_TOKENS,
    RELATEDNESS_NAME,
    STANCE_NAME,
    StanceModel,
    relatedness_features,
    sentences,
    stance_input,
)

CF_LABELS = {"SUPPORTS": "agree", "REFUTES": "disagree", "NOT_ENOUGH_INFO": "discuss"}


@dataclass(frozen=True)
class StanceConfig:
    epochs: int = 2
    batch_size: int = 16
    lr: float = 4e-5
    warmup: float = 0.06
    seed: int = 11
    threads: int = 2


def climate_fever_part(claim_id: str) -> str:
    """'train' (stance training), 'calibration' (verdict tuning) or 'report' (untouched; eval verification).
    Tuning must not see the stance model's training claims: their stances are overconfident."""
    bucket = int(hashlib.sha1(f"veracity:{claim_id}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "train" if bucket < 0.3 else "calibration" if bucket < 0.6 else "report"


def _embed(texts: list[str], cache_file: Path, log) -> dict[str, np.ndarray]:
    from veracity.claims.encoder import get_encoder

    key = hashlib.sha1("\x1f".join(texts).encode()).hexdigest()[:16]
    if cache_file.is_file():
        with np.load(cache_file) as z:
            if str(z["key"]) == key:
                return dict(zip(texts, z["vectors"], strict=True))
    started = time.perf_counter()
    vectors = get_encoder().encode(texts)
    log(f"embedded {len(texts)} sentences in {time.perf_counter() - started:.0f} s")
    np.savez(cache_file, key=key, vectors=vectors)
    return dict(zip(texts, vectors, strict=True))


def _pair_views(pairs: list[StancePair], bodies: dict[str, str], vec: dict[str, np.ndarray]):
    """(relatedness features, cross-encoder text) of each pair."""
    features, inputs = [], []
    body_sents = {}
    for p in pairs:
        if p.body_id not in body_sents:
            sents = sentences(bodies[p.body_id])
            body_sents[p.body_id] = (sents, np.stack([vec[s] for s in sents]))
        sents, vecs = body_sents[p.body_id]
        features.append(relatedness_features(vec[p.headline], vecs, p.headline, bodies[p.body_id]))
        inputs.append(stance_input(p.headline, sents, vecs, vec[p.headline]))
    return np.stack(features), inputs


def _fit_relatedness(X: np.ndarray, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-6
    lr = LogisticRegression(C=1.0, max_iter=2000).fit((X - mean) / scale, y)
    return mean, scale, lr.coef_[0].astype(np.float32), float(lr.intercept_[0])


def _predict_labels(p_related: np.ndarray, stance_probs: np.ndarray, threshold: float) -> list[str]:
    pairs = zip(p_related, stance_probs, strict=True)
    return [CROSS_LABELS[int(s.argmax())] if r >= threshold else "unrelated" for r, s in pairs]


def train_stance(
    data_dir: Path,
    out_dir: Path,
    work_dir: Path,
    config: StanceConfig | None = None,
    climate_fever: Path | None = None,
    log=print,
) -> dict:
    torch = require_torch()
    from veracity.claims.encoder import load_tokenizer

    config = config or StanceConfig()
    seed_and_threads(torch, config.seed, config.threads)
    started = time.perf_counter()
    work_dir.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    bodies = read_bodies(data_dir / "train_bodies.csv")
    pairs = read_stances(data_dir / "train_stances.csv", bodies)
    rest, test = split_by_body(pairs)
    fit, val = split_by_body(rest, share=0.1, seed="validation")
    log(f"pairs: fit {len(fit)}, validation {len(val)}, held-out test {len(test)} (split by body)")
    texts = list(dict.fromkeys([p.headline for p in pairs] + [s for b in bodies.values() for s in sentences(b)]))
    vec = _embed(texts, work_dir / "fnc-embeddings.npz", log)
    views = {name: _pair_views(part, bodies, vec) for name, part in (("fit", fit), ("val", val), ("test", test))}
    gold = {name: [p.stance for p in part] for name, part in (("fit", fit), ("val", val), ("test", test))}

    # related vs unrelated
    y_fit = np.array([g != "unrelated" for g in gold["fit"]])
    mean, scale, coef, intercept = _fit_relatedness(views["fit"][0], y_fit)
    np.savez(out_dir / f"{RELATEDNESS_NAME}.npz", mean=mean, scale=scale, coef=coef, intercept=intercept)

    def p_related(name: str) -> np.ndarray:
        return 1 / (1 + np.exp(-(((views[name][0] - mean) / scale) @ coef + intercept)))

    y_val = np.array([g != "unrelated" for g in gold["val"]])
    thresholds = np.round(np.arange(0.2, 0.81, 0.05), 2)
    accuracy = {float(t): float(((p_related("val") >= t) == y_val).mean()) for t in thresholds}
    threshold = max(accuracy, key=accuracy.get)
    log(f"related/unrelated validation accuracy {accuracy[threshold]:.4f} at threshold {threshold}")

    # agree / disagree / discuss cross-encoder on related pairs (+ Climate-FEVER "train" evidence)
    train_pairs = [
        (p.headline, t, p.stance) for p, t in zip(fit, views["fit"][1], strict=True) if p.stance != "unrelated"
    ]
    if climate_fever is not None:
        extra = _climate_fever_pairs(climate_fever)
        log(f"+ {len(extra)} Climate-FEVER evidence pairs (train part)")
        train_pairs += extra
    tok = load_tokenizer(MAX_TOKENS)
    tok.no_padding()
    ids = [e.ids for e in tok.encode_batch([(c, t) for c, t, _ in train_pairs])]
    y = torch.tensor([CROSS_LABELS.index(s) for _, _, s in train_pairs])
    counts = np.bincount(y.numpy(), minlength=3)
    weights = torch.tensor((counts.sum() / counts) ** 0.5, dtype=torch.float32)
    weights /= weights.mean()
    log(f"{len(ids)} stance training pairs {dict(zip(CROSS_LABELS, counts.tolist(), strict=True))}, class weights "
        f"{[round(float(w), 2) for w in weights]}")  # fmt: skip
    encoded = {
        name: [e.ids for e in tok.encode_batch(list(zip([p.headline for p in part], views[name][1], strict=True)))]
        for name, part in (("val", val),)
    }
    net = build_encoder_head(torch, len(CROSS_LABELS), pool=True)
    steps = -(-len(ids) // config.batch_size) * config.epochs
    optimizer = torch.optim.AdamW(net.parameters(), lr=config.lr, weight_decay=0.01)
    scheduler = warmup_linear_schedule(torch, optimizer, steps, config.warmup)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    history, best = [], -1.0
    for epoch in range(config.epochs):
        net.train()
        t0, running = time.perf_counter(), 0.0
        for step, idx in enumerate(bucketed_batches(ids, config.batch_size, random.Random(config.seed + epoch)), 1):
            loss = loss_fn(net(*pad_batch(torch, ids, idx)), y[idx])
            running += train_step(torch, net, loss, optimizer, scheduler)
            if step % 100 == 0:
                log(f"epoch {epoch + 1} step {step} loss {running / step:.4f} ({time.perf_counter() - t0:.0f} s)")
        val_probs = _softmax(predict_logits(torch, net, encoded["val"]))
        val_score = score_stances(gold["val"], _predict_labels(p_related("val"), val_probs, threshold))
        history.append({"epoch": epoch + 1, "validation_fnc": round(val_score.fnc_score, 2),
                        "seconds": round(time.perf_counter() - t0, 1)})  # fmt: skip
        log(f"epoch {epoch + 1}: validation FNC score {val_score.fnc_score:.2f}")
        if val_score.fnc_score > best:
            best = val_score.fnc_score
            torch.save(net.state_dict(), work_dir / "best.pt")
    net.load_state_dict(torch.load(work_dir / "best.pt"))
    target = out_dir / f"{STANCE_NAME}.onnx"
    export_onnx_int8(torch, net, pad_batch(torch, ids, [0, 1]), target, {"logits": {0: "batch"}})
    card = {
        "name": STANCE_NAME,
        "task": "FNC-1 stance (agree/disagree/discuss/unrelated) of a passage toward a claim",
        "related_threshold": threshold,
        "history": history,
        "split": "by body: sha1('veracity:<body id>') < 0.15 held-out test; of the rest "
        "sha1('validation:<body id>') < 0.1 validation",
        "train_pairs": len(ids),
        "climate_fever_train_pairs": len(train_pairs) - int((y_fit).sum()),
        "train_seconds": round(time.perf_counter() - started, 1),
        "trained_on": date.today().isoformat(),
        "command": "veracity train stance --data-dir ../shared/data/stance/fnc1 "
        "--climate-fever ../shared/data/verification/climate-fever/dev.jsonl",
        "config": asdict(config),
        "size_bytes": target.stat().st_size,
        "data_licence": "FNC-1 (Apache-2.0 tooling, data from Emergent); Climate-FEVER research use",
    }
    (out_dir / f"{STANCE_NAME}.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    model = StanceModel(out_dir)  # the int8 pipeline as shipped, end to end on the held-out bodies
    predicted = [r.label for r in model.predict([(p.headline, bodies[p.body_id]) for p in test])]
    scores = score_stances(gold["test"], predicted)
    card["test"] = {"fnc_score": round(scores.fnc_score, 2), "macro_f1": round(scores.macro_f1, 4),
                    "per_class_f1": {k: round(v, 4) for k, v in scores.per_class_f1.items()},
                    "confusion": scores.confusion.tolist(), "pairs": len(test)}  # fmt: skip
    (out_dir / f"{STANCE_NAME}.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    log(f"held-out test: fnc_score={scores.fnc_score:.2f} macro_f1={scores.macro_f1:.4f}")
    return card


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _climate_fever_pairs(path: Path) -> list[tuple[str, str, str]]:
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if climate_fever_part(str(row["claim_id"])) != "train":
                continue
            for ev in row["evidences"]:
                out.append((row["claim"], ev["evidence"], CF_LABELS[ev["evidence_label"]]))
    return out
