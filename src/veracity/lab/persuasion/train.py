"""Train the persuasion tagger on PTC: `veracity train persuasion --data-dir ../shared/data/propaganda/ptc`.

One MiniLM encoder, one linear layer per token with 15 outputs: "inside a propaganda span" (SI) and one
output per technique (TC, multi-label, trained only on tokens inside gold spans). Articles are split by a
stable hash: 20 % held out for the reported scores, and 15 % of the rest for choosing the epoch and the SI
threshold. Exported to ONNX int8 like the check-worthiness model.
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

from veracity.errors import DataFormatError
from veracity.lab.persuasion.data import TECHNIQUES, LabelledSpan, ptc_parts, read_articles, read_labels
from veracity.lab.persuasion.scoring import si_scores, tc_scores
from veracity.lab.training import (
    ENCODERS,
    Checkpoint,
    build_encoder_head,
    encoder_dir,
    require_torch,
    train_step,
    warmup_linear_schedule,
)
from veracity.persuasion.predict import TAGGER_NAME, OnnxPersuasionTagger, predict_spans
from veracity.persuasion.units import SpanRule, make_units, token_labels
from veracity.runtime import raw_tokenizer

# Span rules tried on the validation articles after each epoch (and once more for the int8 export).
RULE_GRID = [
    SpanRule(low, high, gap)
    for low in (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
    for high in (0.4, 0.5, 0.6, 0.7, 0.8)
    for gap in (1, 3, 5)
    if high >= low
]


def tune_rule(
    tagger: OnnxPersuasionTagger, articles: dict[str, str], gold: list[LabelledSpan]
) -> tuple[SpanRule, float]:
    """The span rule with the best SI F1 on `articles` (ties: the one nearest 0.5/0.5, gap 1)."""
    scored = tagger.score_articles(articles)
    results = [
        (si_scores(tagger.spans(scored, articles, r), gold).f1, -abs(r.low - 0.5) - abs(r.high - 0.5) - r.max_gap, k)
        for k, r in enumerate(RULE_GRID)
    ]
    f1, _, k = max(results)
    return RULE_GRID[k], f1


@dataclass(frozen=True)
class TaggerConfig:
    epochs: int = 6
    batch_size: int = 16
    lr: float = 6e-5
    # one line (paragraph) per window; windows of several lines (256 wordpieces, batch 4, lr 5e-5) scored lower on
    # validation (0.396 vs 0.407 after five epochs)
    max_tokens: int = 128
    warmup: float = 0.06
    seed: int = 13
    threads: int = 2
    si_pos_weight: float = 2.0
    # "minilm" (the shipped tagger) or "mpnet" (MPNet-base, the teacher), its lowest layers kept fixed
    base: str = "minilm"
    freeze_layers: int = 0
    checkpoint_every: int = 200  # steps between mid-epoch checkpoints


def tagger_name(config: TaggerConfig) -> str:
    return TAGGER_NAME if config.base == "minilm" else f"persuasion-{config.base}-tagger"


def tokenizer_file(config: TaggerConfig) -> Path | None:
    """The base encoder's tokenizer (None: the shipped MiniLM's)."""
    folder = encoder_dir(config.base)
    return folder / "tokenizer.json" if folder else None


def _pad(torch, units, labels=None):
    width = max(len(u.ids) for u in units)
    ids = torch.zeros((len(units), width), dtype=torch.long)
    mask = torch.zeros((len(units), width), dtype=torch.long)
    y = torch.zeros((len(units), width, 1 + len(TECHNIQUES))) if labels is not None else None
    for r, u in enumerate(units):
        ids[r, : len(u.ids)] = torch.tensor(u.ids)
        mask[r, : len(u.ids)] = 1
        if labels is not None:
            y[r, : len(u.ids)] = torch.from_numpy(labels[r])
    return ids, mask, y


def train_persuasion(
    data_dir: Path,
    out_dir: Path,
    work_dir: Path,
    config: TaggerConfig | None = None,
    log=print,
    *,
    refit_from: dict | None = None,
    unlabelled: list[Path] | None = None,
    teacher: Path | None = None,
) -> dict:
    """Selection run (default): fit on the fit split, pick the epoch and span rule on validation. Refit run
    (`refit_from` = the selection run's model card): same configuration, its best epoch count and span rule, fitted
    on fit + validation. Either way the shipped int8 model is scored once on the held-out test split. With
    `unlabelled` news files, a tagger labels them (soft "inside" targets) as extra training data: the shipped one,
    or the teacher's (`teacher`: a folder with its ONNX and card, e.g. the MPNet tagger) — distillation."""
    torch = require_torch()
    if refit_from is not None:
        config = TaggerConfig(**{**refit_from["config"], "epochs": refit_from["best_epoch"]})
    config = config or TaggerConfig()
    torch.manual_seed(config.seed)
    random.seed(config.seed)
    torch.set_num_threads(config.threads)
    articles = read_articles(data_dir / "train-articles")
    si = read_labels(data_dir / "train-labels-si", with_technique=False, articles=articles)
    tc = read_labels(data_dir / "train-labels-tc", with_technique=True, articles=articles)
    parts = ptc_parts(list(articles))
    fit_ids, val_ids, test_ids = parts["fit"], parts["validation"], parts["test"]
    if refit_from is not None:
        fit_ids, val_ids = sorted(fit_ids + val_ids), []
    log(f"articles: fit {len(fit_ids)}, validation {len(val_ids)}, held-out test {len(test_ids)}")
    tok_file = tokenizer_file(config)
    tok = raw_tokenizer(tok_file)
    by_article: dict[str, list] = {}
    for span in tc:
        by_article.setdefault(span.article_id, []).append(span)
    units = [u for a in fit_ids for u in make_units(a, articles[a], tok, config.max_tokens)]
    labels = [token_labels(u, by_article.get(u.article_id, [])) for u in units]
    n_gold = len(units)
    if unlabelled:
        silver, silver_labels = silver_units(unlabelled, config.max_tokens, log, tokenizer=tok, teacher=teacher)
        units, labels = units + silver, labels + silver_labels
    log(f"{len(units)} training units, {sum(len(u.ids) for u in units)} tokens")
    net = build_encoder_head(torch, 1 + len(TECHNIQUES), pool=False, base_dir=encoder_dir(config.base),
                             freeze_layers=config.freeze_layers)  # fmt: skip
    steps = -(-len(units) // config.batch_size) * config.epochs
    trainable = [p for p in net.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=config.lr, weight_decay=0.01)
    scheduler = warmup_linear_schedule(torch, optimizer, steps, config.warmup)
    pos_weight = torch.tensor(config.si_pos_weight)
    val_articles = {a: articles[a] for a in val_ids}
    si_val = [s for s in si if s.article_id in val_ids]
    work_dir.mkdir(parents=True, exist_ok=True)
    state = {"epoch": 0, "step": 0, "running": 0.0, "seconds": 0.0, "history": [], "best_f1": -1.0}
    # a checkpoint of another configuration or other training units is not resumed from
    checkpoint = Checkpoint(torch, work_dir / "checkpoint.pt", key={"config": asdict(config), "units": len(units)})
    if (saved := checkpoint.restore(net, optimizer, scheduler)) is not None:
        state = saved
        log(f"resumed at epoch {state['epoch'] + 1} step {state['step']}")

    def save() -> None:
        checkpoint.save(net, optimizer, scheduler, state)

    started = time.perf_counter()
    while state["epoch"] < config.epochs:
        epoch = state["epoch"]
        net.train()
        order = list(range(len(units)))
        random.Random(config.seed + epoch).shuffle(order)
        chunks = [sorted(order[k : k + 800], key=lambda i: len(units[i].ids)) for k in range(0, len(order), 800)]
        batches = [c[k : k + config.batch_size] for c in chunks for k in range(0, len(c), config.batch_size)]
        random.Random(config.seed - epoch).shuffle(batches)
        t0 = time.perf_counter() - state["seconds"]
        for step in range(state["step"], len(batches)):
            idx = batches[step]
            ids, mask, y = _pad(torch, [units[i] for i in idx], [labels[i] for i in idx])
            out = net(ids, mask)
            valid = mask.bool()
            si_loss = torch.nn.functional.binary_cross_entropy_with_logits(
                out[..., 0][valid], y[..., 0][valid], pos_weight=pos_weight
            )
            gold_rows = torch.tensor([i < n_gold for i in idx])
            inside = valid & (y[..., 0] > 0) & gold_rows[:, None]  # technique targets exist for gold spans only
            tc_loss = (
                torch.nn.functional.binary_cross_entropy_with_logits(out[..., 1:][inside], y[..., 1:][inside])
                if inside.any()
                else out.sum() * 0
            )
            state["running"] += train_step(torch, net, si_loss + tc_loss, optimizer, scheduler)
            state["step"] = step + 1
            if state["step"] % 100 == 0:
                log(f"epoch {epoch + 1} step {state['step']}/{len(batches)} loss "
                    f"{state['running'] / state['step']:.4f} ({time.perf_counter() - t0:.0f} s)")  # fmt: skip
            if state["step"] % config.checkpoint_every == 0 and state["step"] < len(batches):
                state["seconds"] = time.perf_counter() - t0
                save()
        record = {"epoch": epoch + 1, "seconds": round(time.perf_counter() - t0, 1)}
        if val_articles:
            export_onnx(torch, net, units[:2], work_dir / "epoch.onnx", quantize=False)
            epoch_tagger = OnnxPersuasionTagger(work_dir / "epoch.onnx", max_tokens=config.max_tokens,
                                                tokenizer_path=tok_file)  # fmt: skip
            rule, si_f1 = tune_rule(epoch_tagger, val_articles, si_val)
            record |= {"validation_si_f1": round(si_f1, 4), "span_rule": asdict(rule)}
            log(f"epoch {epoch + 1}: validation SI f1={si_f1:.4f} with {rule}")
        state["history"].append(record)
        if record.get("validation_si_f1", 0.0) > state["best_f1"] or not val_articles:
            state["best_f1"] = record.get("validation_si_f1", 0.0)
            torch.save(net.state_dict(), work_dir / "best.pt")
        state.update(epoch=epoch + 1, step=0, running=0.0, seconds=0.0)
        save()
    history = state["history"]
    net.load_state_dict(torch.load(work_dir / "best.pt"))
    best = max(history, key=lambda h: h.get("validation_si_f1", h["epoch"]))
    out_dir.mkdir(parents=True, exist_ok=True)
    name = tagger_name(config)
    target = out_dir / f"{name}.onnx"
    export_onnx(torch, net, units[:2], target, quantize=True)
    if tok_file is not None:  # a tagger on another encoder ships with its own tokenizer
        shutil.copyfile(tok_file, out_dir / f"{name}.tokenizer.json")
    tagger = OnnxPersuasionTagger(target, max_tokens=config.max_tokens, tokenizer_path=tok_file)
    if val_articles:
        tagger.rule, val_f1 = tune_rule(tagger, val_articles, si_val)  # re-tuned for the int8 weights we ship
        log(f"int8: validation SI f1={val_f1:.4f} with {tagger.rule}")
    else:
        tagger.rule, val_f1 = SpanRule(**refit_from["span_rule"]), None  # validation articles were fitted on
    test_articles = {a: articles[a] for a in test_ids}
    si_test = [s for s in si if s.article_id in test_ids]
    tc_test = [s for s in tc if s.article_id in test_ids]
    predicted = [s for a, text in test_articles.items() for s in predict_spans(tagger, a, text)]
    si_result = si_scores(predicted, si_test)
    tc_result = tc_scores(tagger.classify_spans(test_articles, tc_test), tc_test)
    card = {
        "name": name,
        "task": "SemEval-2020 task 11: propaganda span identification and technique classification",
        "base": ENCODERS[config.base] + ", one linear layer per token",
        "span_rule": asdict(tagger.rule),
        "max_tokens": config.max_tokens,
        "best_epoch": best["epoch"],
        "validation_si_f1_int8": None if val_f1 is None else round(val_f1, 4),
        "history": history,
        # a refit keeps the selection run's record: its validation and held-out scores on fewer training articles
        "selection_run": None
        if refit_from is None
        else {k: refit_from[k] for k in ("best_epoch", "span_rule", "validation_si_f1_int8", "test", "history")},
        "split": "by article hash: sha1('veracity:<id>') < 0.2 held-out test; "
        "of the rest sha1('validation:<id>') < 0.15 validation",
        "test_articles": len(test_ids),
        "test": {
            "si_precision": round(si_result.precision, 4),
            "si_recall": round(si_result.recall, 4),
            "si_f1": round(si_result.f1, 4),
            "tc_micro_f1": round(tc_result.f1, 4),
        },
        "train_seconds": round(sum(h["seconds"] for h in history), 1),
        "wall_seconds_this_run": round(time.perf_counter() - started, 1),
        "trained_on": date.today().isoformat(),
        "command": f"veracity train persuasion --data-dir {data_dir} --epochs {config.epochs}"
        + ("" if refit_from is None else " --refit-from SELECTION_CARD.json")
        + "".join(f" --unlabelled {path}" for path in unlabelled or [])
        + (f" --base {config.base} --freeze-layers {config.freeze_layers}" if config.base != "minilm" else "")
        + (f" --lr {config.lr}" if config.lr != TaggerConfig.lr else "")
        + (f" --teacher {teacher}" if teacher else ""),
        "config": asdict(config),
        "self_training": None
        if not unlabelled
        else {"unlabelled": [str(p) for p in unlabelled], "silver_units": len(units) - n_gold,
              "teacher": str(teacher) if teacher else TAGGER_NAME},
        "size_bytes": target.stat().st_size,
        "data_licence": "PTC (Da San Martino et al. 2020), research use",
    }
    (out_dir / f"{name}.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    log(f"held-out test: si_f1={si_result.f1:.4f} tc_f1={tc_result.f1:.4f}")
    return card


def silver_units(paths: list[Path], max_tokens: int, log=print, *, tokenizer=None, teacher: Path | None = None,
                 ) -> tuple[list, list[np.ndarray]]:  # fmt: skip
    """Self-training / distillation data: units of unlabelled news articles (cut by `tokenizer`, default the
    shipped MiniLM's), their "inside" targets a tagger's token probabilities — the shipped tagger's, or the
    teacher's in folder `teacher`. The teacher reads its own tokens; probabilities pass through the characters
    (`char_transfer`), so it may use another tokenizer. Technique columns stay empty: that loss reads gold spans."""
    from veracity.errors import VeracityError
    from veracity.evidence.readers import iter_files, read_file
    from veracity.persuasion.predict import get_tagger, load_folder_tagger

    texts: dict[str, str] = {}
    for path in iter_files(paths):
        try:
            texts |= {f"{path}#{k}": doc.text for k, doc in enumerate(read_file(path)) if doc.text.strip()}
        except VeracityError as exc:
            log(f"skipped {path}: {exc}")
    tokenizer = tokenizer or raw_tokenizer()
    units = [u for key, text in texts.items() for u in make_units(key, text, tokenizer, max_tokens)]
    if teacher is None:
        tagger, name = get_tagger(), TAGGER_NAME
    else:
        tagger, name = load_folder_tagger(Path(teacher)), f"the tagger in {teacher}"
    inside = char_transfer(tagger.score_articles(texts), texts, units)
    labels = []
    for unit, probs in zip(units, inside, strict=True):
        y = np.zeros((len(unit.ids), 1 + len(TECHNIQUES)), dtype=np.float32)
        y[:, 0] = probs
        labels.append(y)
    log(f"self-training: {len(texts)} unlabelled texts, {len(units)} units labelled by {name}")
    return units, labels


def char_transfer(scored: list, texts: dict[str, str], units: list) -> list[np.ndarray]:
    """Token "inside" probabilities of one tokenisation (`scored`: (unit, probs) pairs) onto the tokens of
    another (`units`): each character takes the probability of the token covering it, each target token the mean
    over its characters; special tokens get 0."""
    chars = {key: np.zeros(len(text), dtype=np.float32) for key, text in texts.items()}
    for unit, probs in scored:
        row = chars[unit.article_id]
        for (s, e), p in zip(unit.offsets, probs[:, 0], strict=True):
            if e > s:
                row[s:e] = p
    return [np.array([chars[u.article_id][s:e].mean() if e > s else 0.0 for s, e in u.offsets], dtype=np.float32)
            for u in units]  # fmt: skip


def read_selection_card(path: Path) -> dict:
    """The model card of a selection run, checked for what a refit needs."""
    try:
        card = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataFormatError(f"{path}: not a readable model card ({exc})") from None
    missing = {"config", "best_epoch", "span_rule", "validation_si_f1_int8", "test", "history"} - set(card)
    if missing or not card.get("history") or card["history"][0].get("validation_si_f1") is None:
        raise DataFormatError(f"{path}: not the card of a selection run (missing {sorted(missing) or 'validation'})")
    return card


def export_onnx(torch, net, units, path: Path, *, quantize: bool) -> None:
    from veracity.lab.training import export_onnx_int8

    ids, mask, _ = _pad(torch, units)
    if quantize:
        export_onnx_int8(torch, net, (ids, mask), path, {"logits": {0: "batch", 1: "seq"}})
        return
    net.eval()
    torch.onnx.export(
        net,
        (ids, mask),
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "seq"},
            "attention_mask": {0: "batch", 1: "seq"},
            "logits": {0: "batch", 1: "seq"},
        },
        opset_version=17,
        dynamo=False,
    )
