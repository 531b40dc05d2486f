"""Train the fact-check re-ranker: `veracity train reranker --data-dir ../shared/data/factchecks/snopes-ct22`.

A MiniLM cross-encoder reads "claim [SEP] fact-check" and scores whether the fact-check addresses the claim.
Training pairs come from the CheckThat! 2022 task 2A train queries: each query's relevant verified claims, and
as negatives the other top hybrid-retrieval hits (hard negatives: what the retriever confuses). The epoch and
the blend with the retrieval score are chosen on the task's dev queries; dev-test is never touched here.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np

from veracity.evidence.rerank import RERANKER_NAME, OnnxReranker, blend
from veracity.lab.evidence.matching import average_precision, read_qrels, read_queries
from veracity.lab.training import (
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

COLLECTION = "ct22-vclaims"


@dataclass(frozen=True)
class RerankerConfig:
    epochs: int = 2
    batch_size: int = 16
    lr: float = 4e-5
    warmup: float = 0.1
    negatives: int = 7
    candidates: int = 20
    max_tokens: int = 160
    seed: int = 7
    threads: int = 2


def _candidates(store, queries: dict[str, str], depth: int):
    from veracity.evidence.search import Searcher

    searcher = Searcher(store)
    ids = list(queries)
    return dict(zip(ids, searcher.search_many([queries[q] for q in ids], [COLLECTION], k=depth), strict=True))


def _map5(scored: dict[str, list[tuple[str, float]]], qrels: dict[str, set[str]]) -> float:
    total = 0.0
    for q, rows in scored.items():
        ranked = [key for key, _ in sorted(rows, key=lambda r: -r[1])]
        total += average_precision(ranked, qrels[q], 5)
    return total / max(len(scored), 1)


def train_reranker(data_dir: Path, out_dir: Path, work_dir: Path, config: RerankerConfig | None = None, log=print):
    torch = require_torch()
    from veracity.evidence.collections import import_factchecks
    from veracity.evidence.store import Store
    from veracity.runtime import load_tokenizer

    config = config or RerankerConfig()
    seed_and_threads(torch, config.seed, config.threads)
    started = time.perf_counter()
    store = Store(work_dir / "home")
    import_factchecks(store, COLLECTION, data_dir / "vclaims.jsonl", fmt="vclaims")
    texts = {}
    with open(data_dir / "vclaims.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            texts[row["vclaim_id"]] = " ".join(p for p in (row.get("title"), row.get("subtitle"), row["vclaim"]) if p)
    all_queries = read_queries(data_dir / "train-dev_queries.tsv")
    train_rel, dev_rel = read_qrels(data_dir / "train_qrels.tsv"), read_qrels(data_dir / "dev_qrels.tsv")
    train_q = {q: all_queries[q] for q in train_rel if q in all_queries}
    dev_q = {q: all_queries[q] for q in dev_rel if q in all_queries}
    log(f"queries: train {len(train_q)}, dev {len(dev_q)}; retrieving {config.candidates} candidates each")
    train_hits, dev_hits = _candidates(store, train_q, config.candidates), _candidates(store, dev_q, config.candidates)
    tok = load_tokenizer(config.max_tokens)
    tok.no_padding()
    pairs, labels = [], []
    rng = random.Random(config.seed)
    for q, hits in train_hits.items():
        for key in train_rel[q]:
            if key in texts:
                pairs.append((train_q[q], texts[key]))
                labels.append(1.0)
        negatives = [h for h in hits if h.key not in train_rel[q]][: config.negatives * 2]
        for h in rng.sample(negatives, min(config.negatives, len(negatives))):
            pairs.append((train_q[q], h.text))
            labels.append(0.0)
    ids = [e.ids for e in tok.encode_batch(pairs)]
    log(f"{len(ids)} training pairs ({int(sum(labels))} positive)")
    dev_pairs = [(q, h) for q, hits in dev_hits.items() for h in hits]
    dev_ids = [e.ids for e in tok.encode_batch([(dev_q[q], h.text) for q, h in dev_pairs])]
    baseline = _map5({q: [(h.key, h.score) for h in hits] for q, hits in dev_hits.items()}, dev_rel)
    log(f"dev MAP@5 of hybrid retrieval alone: {baseline:.4f}")

    net = build_encoder_head(torch, 1, pool=True)
    steps = -(-len(ids) // config.batch_size) * config.epochs
    optimizer = torch.optim.AdamW(net.parameters(), lr=config.lr, weight_decay=0.01)
    scheduler = warmup_linear_schedule(torch, optimizer, steps, config.warmup)
    y = torch.tensor(labels)
    work_dir.mkdir(parents=True, exist_ok=True)
    history, best = [], -1.0
    for epoch in range(config.epochs):
        net.train()
        t0, running = time.perf_counter(), 0.0
        for step, idx in enumerate(bucketed_batches(ids, config.batch_size, random.Random(config.seed + epoch)), 1):
            logits = net(*pad_batch(torch, ids, idx)).squeeze(-1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y[idx])
            running += train_step(torch, net, loss, optimizer, scheduler)
            if step % 100 == 0:
                log(f"epoch {epoch + 1} step {step} loss {running / step:.4f} ({time.perf_counter() - t0:.0f} s)")
        logits = predict_logits(torch, net, dev_ids)[:, 0]
        weight, score = _best_blend(dev_pairs, logits, dev_rel)
        history.append({"epoch": epoch + 1, "dev_map5": round(score, 4), "retrieval_weight": weight,
                        "seconds": round(time.perf_counter() - t0, 1)})  # fmt: skip
        log(f"epoch {epoch + 1}: dev MAP@5 {score:.4f} (retrieval weight {weight})")
        if score > best:
            best = score
            torch.save(net.state_dict(), work_dir / "best.pt")
    net.load_state_dict(torch.load(work_dir / "best.pt"))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{RERANKER_NAME}.onnx"
    export_onnx_int8(torch, net, pad_batch(torch, ids, [0, 1]), target, {"logit": {0: "batch"}})
    onnx = OnnxReranker(target, retrieval_weight=0.0, max_tokens=config.max_tokens)
    int8_logits = onnx.logits([dev_q[q] for q, _ in dev_pairs], [h.text for _, h in dev_pairs])
    weight, score = _best_blend(dev_pairs, int8_logits, dev_rel)
    log(f"int8: dev MAP@5 {score:.4f} (retrieval weight {weight})")
    card = {
        "name": RERANKER_NAME,
        "task": "CheckThat! 2022 task 2A (English): does this fact-check address this claim?",
        "retrieval_weight": weight,
        "depth": config.candidates,
        "max_tokens": config.max_tokens,
        "dev_map5_hybrid": round(baseline, 4),
        "dev_map5_reranked_int8": round(score, 4),
        "history": history,
        "train_pairs": len(ids),
        "train_seconds": round(time.perf_counter() - started, 1),
        "trained_on": date.today().isoformat(),
        "command": "veracity train reranker --data-dir ../shared/data/factchecks/snopes-ct22",
        "config": asdict(config),
        "size_bytes": target.stat().st_size,
        "data_licence": "CheckThat! 2022 lab data, research use",
    }
    (out_dir / f"{RERANKER_NAME}.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return card


def _best_blend(pairs, logits: np.ndarray, qrels) -> tuple[float, float]:
    """The weight of the retrieval score in the blend that maximises dev MAP@5."""
    results = []
    for weight in (0.0, 0.1, 0.2, 0.3, 0.5):
        scored: dict[str, list[tuple[str, float]]] = {}
        for (q, hit), logit in zip(pairs, logits, strict=True):
            scored.setdefault(q, []).append((hit.key, blend(float(logit), hit.score, weight)))
        results.append((_map5(scored, qrels), -weight, weight))
    score, _, weight = max(results)
    return weight, score
