"""Train the claim/evidence verifier: `veracity train nli --data-dir ../shared/data/verification
--news ../shared/data/stance/fnc1/train_bodies.csv --news ../shared/data/articles/horne2017 …`.

A MiniLM cross-encoder reads "claim [SEP] evidence sentence" and says entailment / neutral / contradiction.
Material (train parts only; see lab/verify/datasets.py for the splits): SNLI dev+test, FEVER-RTE (entailment vs not:
a partial label), COVID-Fact (claims and their one-word counter-claims, split by source paper), Fool Me Twice,
HealthVer and Climate-FEVER evidence labels, and pairs generated from real news sentences (lab/verify/perturb.py:
changed numbers, dates, entities, quantifiers, negation, roles; dropped details), plus claims paired with a
sentence of another article (neutral). A partial label ("neutral or contradiction") is trained with the
likelihood of the set: -log(p_neutral + p_contradiction). The epoch is chosen on the validation parts (mean of
per-source accuracies); checkpoints every 300 steps make a killed run resumable.
"""

from __future__ import annotations

import json
import pickle
import random
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np

from veracity.lab.training import (
    ENCODERS,
    Checkpoint,
    bucketed_batches,
    build_encoder_head,
    encoder_dir,
    encoder_tokenizer,
    export_onnx_int8,
    pad_batch,
    predict_logits,
    require_torch,
    seed_and_threads,
    train_step,
    warmup_linear_schedule,
)
from veracity.lab.verify.datasets import NLI_LABELS, PARTIAL_LABELS, NliPair
from veracity.lab.verify.nli_data import cap_sources, collect_pairs, cross_claim_neutrals, split_of
from veracity.lab.verify.train_student import UNLABELLED
from veracity.runtime import softmax
from veracity.verify.nli import MAX_TOKENS, NLI_NAME

ALLOWED = {**{k: (k,) for k in NLI_LABELS}, **PARTIAL_LABELS, UNLABELLED: NLI_LABELS}


@dataclass(frozen=True)
class NliConfig:
    epochs: int = 2
    batch_size: int = 16
    lr: float = 4e-5
    warmup: float = 0.06
    seed: int = 13
    threads: int = 2
    generated_per_sentence: int = 2
    max_news_texts: int = 600
    unrelated_pairs: int = 2000
    checkpoint_every: int = 300
    # Fact-verification pairs (IN_DOMAIN) are few next to SNLI/FEVER/generated ones: each appears this many
    # times per epoch, mixed in from the start rather than in a later stage.
    in_domain_repeat: int = 1
    # A claim read against another claim's evidence says nothing about it. SNLI teaches the opposite (a different
    # scene is a "contradiction"), and a verifier trained without these pairs called 47 % of Fool Me Twice claims
    # contradicted by a random other claim's evidence. Pairs per fact-verification source, within a split.
    cross_claim_neutrals: int = 0
    # Stage 2: one short epoch on the fact-verification sets (+ a replay sample of the rest) at a lower rate.
    adapt_epochs: int = 1
    adapt_lr: float = 2e-5
    adapt_replay: int = 4000
    # The encoder: "minilm" (the shipped student) or "mpnet" (MPNet-base, the teacher; training_mpnet.py).
    base: str = "minilm"
    freeze_layers: int = 0
    max_tokens: int = MAX_TOKENS
    # At most this many training pairs per source (0: all), so a 4.5x slower teacher's epoch fits a session.
    cap_per_source: int = 0
    # Paraphrase / off-topic / period / place pairs per news sentence (lab/verify/paraphrase.py).
    honest_per_sentence: int = 1
    name: str = NLI_NAME
    # Distillation: `unlabelled` in-domain pairs (train_student.py) get the teacher's probabilities as targets (its
    # ONNX in the `teacher` folder; fp32, as int8 costs the teacher ~5 points), their KL term weighted
    # `distil_weight`; labelled pairs keep their gold labels.
    teacher: str | None = None
    teacher_name: str = "nli-mpnet"
    unlabelled: int = 0
    distil_weight: float = 0.7


IN_DOMAIN = ("climate-fever", "fm2", "healthver", "covidfact")


def _encode(tok, pairs: list[NliPair]) -> list[list[int]]:
    return [e.ids for e in tok.encode_batch([(p.claim, p.evidence) for p in pairs])]


def _targets(pairs: list[NliPair]) -> np.ndarray:
    """[n, 3] 0/1 masks of the labels each pair may have."""
    mask = np.zeros((len(pairs), len(NLI_LABELS)), dtype=np.float32)
    for i, p in enumerate(pairs):
        for lab in ALLOWED[p.label]:
            mask[i, NLI_LABELS.index(lab)] = 1
    return mask


def set_loss(torch, logits, allowed):
    """-log P(label in allowed set): cross-entropy for exact labels, marginal likelihood for partial ones."""
    logp = torch.log_softmax(logits, dim=-1)
    return -(torch.logsumexp(logp + torch.log(allowed.clamp(min=1e-12)), dim=-1)).mean()


def distil_loss(torch, logits, teacher):
    """KL(teacher || student) over the three labels, mean over the rows that have teacher targets."""
    logp = torch.log_softmax(logits, dim=-1)
    rows = (teacher.sum(-1) > 0).float()
    kl = (teacher * (torch.log(teacher.clamp(min=1e-8)) - logp)).sum(-1)
    return (kl * rows).sum() / rows.sum().clamp(min=1.0)


def teacher_probs(pairs: list[NliPair], config: NliConfig, work_dir: Path, log=print) -> np.ndarray:
    """The teacher's [n, 3] probabilities for `pairs`, cached in work_dir (the teacher pass is the cost)."""
    from veracity.verify.nli import NliModel

    path = work_dir / f"teacher-probs-{len(pairs)}.npy"
    if path.is_file():
        return np.load(path)
    t0 = time.perf_counter()
    model = NliModel(Path(config.teacher), name=config.teacher_name)
    probs = model.predict([(p.claim, p.evidence) for p in pairs], batch_size=32)
    np.save(path, probs)
    log(f"teacher probabilities for {len(pairs)} pairs in {time.perf_counter() - t0:.0f} s")
    return probs


def validation_scores(pairs: list[NliPair], probs: np.ndarray) -> dict[str, float]:
    """Per source: accuracy of the most probable label among those a pair may have (for partial labels, of
    'entailment' vs 'not')."""
    by_source: dict[str, list[bool]] = {}
    for p, pr in zip(pairs, probs, strict=True):
        if p.label in PARTIAL_LABELS:
            right = (pr[0] < pr[1] + pr[2]) == (p.label != "entailment")
        else:
            right = NLI_LABELS[int(pr.argmax())] == p.label
        by_source.setdefault(p.source, []).append(bool(right))
    return {s: round(float(np.mean(v)), 4) for s, v in sorted(by_source.items())}


def export_checkpoint(work_dir: Path, out_dir: Path, which: str = "best.pt") -> Path:
    """Export a checkpoint of a run (the best epoch so far, or the latest `checkpoint.pt`) as the int8 verifier,
    e.g. to try it while the run goes on."""
    torch = require_torch()
    net = build_encoder_head(torch, len(NLI_LABELS), pool=True)
    saved = torch.load(work_dir / which, weights_only=False)
    net.load_state_dict(saved.get("net", saved))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{NLI_NAME}.onnx"
    ids = [[101, 2023, 102, 2003, 102], [101, 2023, 2003, 102, 2023, 102]]
    export_onnx_int8(torch, net, pad_batch(torch, ids, [0, 1]), target, {"logits": {0: "batch"}})
    return target


def _in_domain_mean(scores: dict[str, float]) -> float:
    return float(np.mean([scores[s] for s in IN_DOMAIN if s in scores]))


def _adapt(torch, net, fit, fit_ids, val, val_ids, config: NliConfig, work_dir: Path, log) -> dict:
    """Stage 2: continue on the fact-verification sets' train parts (+ a replay sample of the others, so SNLI and
    the generated edits are not forgotten) for `adapt_epochs` at `adapt_lr`; kept only if the mean validation
    accuracy on those sets improves. Cached in work_dir (adapted.pt + adaptation.json)."""
    done = work_dir / "adaptation.json"
    if done.is_file():
        result = json.loads(done.read_text())
        if result["kept"]:
            net.load_state_dict(torch.load(work_dir / "adapted.pt"))
        log(f"adaptation (cached): {result}")
        return result
    before = validation_scores(val, softmax(predict_logits(torch, net, val_ids)))
    rng = random.Random(config.seed + 100)
    rows = [i for i, p in enumerate(fit) if p.source in IN_DOMAIN]
    others = [i for i, p in enumerate(fit) if p.source not in IN_DOMAIN]
    rows += rng.sample(others, min(config.adapt_replay, len(others)))
    ids = [fit_ids[i] for i in rows]
    allowed = torch.tensor(_targets([fit[i] for i in rows]))
    t0 = time.perf_counter()
    steps = -(-len(ids) // config.batch_size) * config.adapt_epochs
    optimizer = torch.optim.AdamW(net.parameters(), lr=config.adapt_lr, weight_decay=0.01)
    scheduler = warmup_linear_schedule(torch, optimizer, steps, config.warmup)
    saved = {k: v.clone() for k, v in net.state_dict().items()}
    for epoch in range(config.adapt_epochs):
        net.train()
        batches = bucketed_batches(ids, config.batch_size, random.Random(config.seed + 50 + epoch))
        for step, idx in enumerate(batches, 1):
            loss = set_loss(torch, net(*pad_batch(torch, ids, idx)), allowed[idx])
            train_step(torch, net, loss, optimizer, scheduler)
            if step % 100 == 0:
                log(f"adaptation step {step}/{steps} ({time.perf_counter() - t0:.0f} s)")
    after = validation_scores(val, softmax(predict_logits(torch, net, val_ids)))
    kept = _in_domain_mean(after) > _in_domain_mean(before)
    if kept:
        torch.save(net.state_dict(), work_dir / "adapted.pt")
    else:
        net.load_state_dict(saved)
    result = {"pairs": len(ids), "seconds": round(time.perf_counter() - t0, 1), "before": before, "after": after,
              "in_domain_mean_before": round(_in_domain_mean(before), 4),
              "in_domain_mean_after": round(_in_domain_mean(after), 4), "kept": kept}  # fmt: skip
    done.write_text(json.dumps(result, indent=1))
    log(f"adaptation: {result}")
    return result


def train_nli(data_dir: Path, news: list[Path], out_dir: Path, work_dir: Path, config: NliConfig | None = None,
              log=print) -> dict:  # fmt: skip
    torch = require_torch()
    config = config or NliConfig()
    seed_and_threads(torch, config.seed, config.threads)
    started = time.perf_counter()
    work_dir.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = work_dir / "nli-data.pkl"
    if cache.is_file():
        with cache.open("rb") as f:
            fit, val, fit_ids, val_ids = pickle.load(f)
        log(f"cached data: {len(fit)} training, {len(val)} validation pairs")
    else:
        pairs = collect_pairs(data_dir, news, config, log)
        fit = [p for p in pairs if split_of(p) == "train"]
        val = [p for p in pairs if split_of(p) == "validation"]
        if config.cross_claim_neutrals:
            fit += cross_claim_neutrals(fit, config.cross_claim_neutrals, config.seed)
            val += cross_claim_neutrals(val, max(1, config.cross_claim_neutrals // 8), config.seed + 1)
        fit = cap_sources(fit, config.cap_per_source, config.seed)
        val = cap_sources(val, config.cap_per_source // 4, config.seed)
        if config.unlabelled:
            from veracity.lab.verify.train_student import distillation_pairs

            fit += distillation_pairs(data_dir.parent, config.unlabelled, log=log)
        tok = encoder_tokenizer(config.base, config.max_tokens)
        fit_ids, val_ids = _encode(tok, fit), _encode(tok, val)
        with cache.open("wb") as f:
            pickle.dump((fit, val, fit_ids, val_ids), f)
    if config.in_domain_repeat > 1:
        extra = [i for i, p in enumerate(fit) if p.source in IN_DOMAIN] * (config.in_domain_repeat - 1)
        fit, fit_ids = fit + [fit[i] for i in extra], fit_ids + [fit_ids[i] for i in extra]
    counts: dict[str, int] = {}
    for p in fit:
        counts[f"{p.source}/{p.label}"] = counts.get(f"{p.source}/{p.label}", 0) + 1
    log(f"training pairs {len(fit)}: {counts}")
    log(f"validation pairs {len(val)}; mean tokens {np.mean([len(i) for i in fit_ids]):.1f}")
    allowed = torch.tensor(_targets(fit))
    soft = None
    if config.teacher:  # the teacher labels the unlabelled pairs; labelled ones keep their gold labels
        unlabelled = [i for i, p in enumerate(fit) if p.label == UNLABELLED]
        probs = np.zeros((len(fit), len(NLI_LABELS)), dtype=np.float32)
        probs[unlabelled] = teacher_probs([fit[i] for i in unlabelled], config, work_dir, log)
        soft = torch.tensor(probs)
    net = build_encoder_head(torch, len(NLI_LABELS), pool=True, base_dir=encoder_dir(config.base),
                             freeze_layers=config.freeze_layers)  # fmt: skip
    steps_per_epoch = -(-len(fit_ids) // config.batch_size)
    trainable = [p for p in net.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=config.lr, weight_decay=0.01)
    scheduler = warmup_linear_schedule(torch, optimizer, steps_per_epoch * config.epochs, config.warmup)
    state = {"epoch": 0, "step": 0, "history": [], "best": -1.0, "seconds": 0.0}
    checkpoint = Checkpoint(torch, work_dir / "checkpoint.pt")
    if (saved := checkpoint.restore(net, optimizer, scheduler)) is not None:
        state = saved
        log(f"resumed at epoch {state['epoch'] + 1} step {state['step']}")

    def save() -> None:
        state["seconds"] += time.perf_counter() - t_mark
        checkpoint.save(net, optimizer, scheduler, state)

    t_mark = time.perf_counter()
    while state["epoch"] < config.epochs:
        epoch = state["epoch"]
        batches = bucketed_batches(fit_ids, config.batch_size, random.Random(config.seed + epoch))
        net.train()
        t0 = t_mark = time.perf_counter()
        running, first = 0.0, state["step"]
        for step in range(first, len(batches)):
            idx = batches[step]
            logits = net(*pad_batch(torch, fit_ids, idx))
            loss = set_loss(torch, logits, allowed[idx])
            if soft is not None:  # rows without teacher targets (all zeros) add nothing to the KL term
                loss = loss + config.distil_weight * distil_loss(torch, logits, soft[idx])
            running += train_step(torch, net, loss, optimizer, scheduler)
            seen = step + 1 - first
            state["step"] = step + 1
            if state["step"] % 100 == 0:
                log(f"epoch {epoch + 1} step {state['step']}/{len(batches)} loss {running / seen:.4f} "
                    f"({time.perf_counter() - t0:.0f} s)")  # fmt: skip
            if state["step"] % config.checkpoint_every == 0:
                save()
                t_mark = time.perf_counter()
        probs = softmax(predict_logits(torch, net, val_ids))
        scores = validation_scores(val, probs)
        mean = float(np.mean(list(scores.values())))
        state["history"].append({"epoch": epoch + 1, "validation_mean_accuracy": round(mean, 4), **scores})
        log(f"epoch {epoch + 1}: validation {scores} mean {mean:.4f}")
        if mean > state["best"]:
            state["best"] = mean
            torch.save(net.state_dict(), work_dir / "best.pt")
        state["epoch"], state["step"] = epoch + 1, 0
        save()
        t_mark = time.perf_counter()
    net.load_state_dict(torch.load(work_dir / "best.pt"))
    adaptation = _adapt(torch, net, fit, fit_ids, val, val_ids, config, work_dir, log) if config.adapt_epochs else {}
    target = out_dir / f"{config.name}.onnx"
    export_onnx_int8(torch, net, pad_batch(torch, fit_ids, [0, 1]), target, {"logits": {0: "batch"}})
    card = {
        "name": config.name,
        "task": "claim vs evidence sentence: entailment / neutral / contradiction (NLI cross-encoder)",
        "labels": list(NLI_LABELS),
        "base": ENCODERS[config.base] + ", mean pooled + linear head",
        "max_tokens": config.max_tokens,
        "history": state["history"],
        "adaptation": adaptation,
        "train_pairs": counts,
        "validation_pairs": len(val),
        "split": "lab/verify/datasets.py part(): train parts only; SNLI/FEVER-RTE/COVID-Fact/generated keep ~8 % "
        "for validation; FM2/HealthVer/Climate-FEVER report parts are never trained on",
        "train_seconds": round(state["seconds"] + time.perf_counter() - t_mark, 1),
        "wall_seconds_this_run": round(time.perf_counter() - started, 1),
        "trained_on": date.today().isoformat(),
        "machine": "2 CPU cores, torch 2.13.0 CPU",
        "command": "veracity train nli --data-dir ../shared/data/verification --news "
        "../shared/data/stance/fnc1/train_bodies.csv --news ../shared/data/articles/horne2017 --news "
        f"../shared/data/articles/fakenewscorpus_sample.csv --epochs {config.epochs} --in-domain-repeat "
        f"{config.in_domain_repeat} --cross-claim-neutrals {config.cross_claim_neutrals} --base {config.base} "
        f"--freeze-layers {config.freeze_layers} --cap-per-source {config.cap_per_source} --max-tokens "
        f"{config.max_tokens} --name {config.name} --lr {config.lr} --adapt-epochs {config.adapt_epochs}"
        + (f" --teacher {config.teacher} --unlabelled {config.unlabelled}" if config.teacher else ""),
        "config": asdict(config),
        "size_bytes": target.stat().st_size,
        "data_licence": "SNLI CC BY-SA 4.0; FEVER, Fool Me Twice CC BY-SA 3.0; COVID-Fact, HealthVer, "
        "Climate-FEVER research use; news sentences from FNC-1, Horne & Adali 2017, FakeNewsCorpus (research use)",
    }
    from veracity.verify.nli import NliModel

    folder = encoder_dir(config.base)
    if folder is not None:  # the teacher ships with its own tokenizer
        shutil.copyfile(folder / "tokenizer.json", out_dir / f"{config.name}.tokenizer.json")
    int8_model = NliModel(out_dir, name=config.name, max_tokens=config.max_tokens)
    int8 = int8_model.predict([(p.claim, p.evidence) for p in val])
    card["validation_int8"] = validation_scores(val, int8)
    (out_dir / f"{config.name}.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    log(f"int8 validation {card['validation_int8']}")
    return card
