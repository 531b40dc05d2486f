"""Evidence collections at 10k and 100k passages: indexing speed, size on disk, hybrid query latency, memory.

    .venv/bin/python benchmarks/evidence_speed.py [--data ../shared/data] [--sizes 10000 100000]

Documents come from the data sets in ../shared/data (FNC-1 bodies, LIAR statements, the Horne 2017 and
FakeNewsCorpus articles, PTC articles, Climate-FEVER evidence, CT24 debate sentences), in that order, until the
collection holds the wanted number of passages. They are cut as `corpus add` cuts them (2-sentence windows);
when the sets run short of the target, every sentence becomes its own passage instead (the report says so).
Queries: CheckThat! 2022 dev-test tweets. The last line is `p50_ms_at_<largest>=...`.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

from machine import describe, machine_line

ROOT = Path(__file__).resolve().parents[1]


def documents(data: Path):
    """(key, title, text) from the shared data sets."""
    csv.field_size_limit(1 << 30)
    with open(data / "stance/fnc1/train_bodies.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            yield f"fnc:{row['Body ID']}", None, row["articleBody"]
    for split in ("train", "valid"):
        with open(data / f"factchecks/liar/{split}.tsv", encoding="utf-8") as f:
            for line in f:
                cells = line.rstrip("\n").split("\t")
                if len(cells) > 2:
                    yield f"liar:{cells[0]}", None, cells[2]
    for path in sorted((data / "articles/horne2017").rglob("*.txt")):
        yield f"horne:{path.relative_to(data)}", None, path.read_text(encoding="utf-8", errors="replace")
    with open(data / "articles/fakenewscorpus_sample.csv", encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f)):
            yield f"fnc-corpus:{n}", row.get("title"), row.get("content") or ""
    for path in sorted((data / "propaganda/ptc/train-articles").glob("*.txt")):
        yield f"ptc:{path.name}", None, path.read_text(encoding="utf-8")
    with open(data / "verification/climate-fever/dev.jsonl", encoding="utf-8") as f:
        for line in f:
            for ev in json.loads(line)["evidences"]:
                yield f"cf:{ev['evidence_id']}", ev["article"], ev["evidence"]
    with open(data / "checkworthiness/ct24/train.tsv", encoding="utf-8") as f:
        for n, line in enumerate(f):
            cells = line.rstrip("\n").split("\t")
            if n and len(cells) > 1:
                yield f"ct24:{cells[0]}", None, cells[1]


def build(store, name: str, data: Path, target: int, window: int, stride: int):
    from veracity.evidence.passages import passages
    from veracity.evidence.store import SourceDocument

    collection = store.collection(name, "corpus", create=True)
    n_passages = n_docs = 0
    started = time.perf_counter()
    for key, title, text in documents(data):
        cut = passages(text, window=window, stride=stride)[: target - n_passages]
        if not cut or not text.strip():
            continue
        store.put(collection, SourceDocument(key=key, text=text, title=title, passages=cut))
        n_passages += len(cut)
        n_docs += 1
        if n_passages >= target:
            break
    stored = time.perf_counter() - started
    return n_docs, n_passages, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--window", type=int, default=2, help="sentences per passage (corpus add uses 2)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json-out", type=Path, default=ROOT / "benchmarks/results/evidence_speed.json")
    args = parser.parse_args()

    from veracity.evidence.indexes import CollectionIndex
    from veracity.evidence.search import Searcher, get_retrieval_encoder
    from veracity.evidence.store import Store
    from veracity.lab.evidence.matching import read_queries
    from veracity.runtime import get_encoder

    queries = list(read_queries(args.data / "factchecks/snopes-ct22/dev-test_queries.tsv").values())[: args.queries]
    available = sum(1 for _ in documents(args.data))
    print(f"{machine_line()} documents available: {available}")
    results = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="veracity-bench-") as tmp:
            store = Store(Path(tmp))
            window, stride = args.window, max(1, args.window - 1)
            mode = f"{window}-sentence windows"
            n_docs, n_passages, stored_s = build(store, "bench", args.data, size, window, stride)
            if n_passages < size:  # the sets are too small for this size in windows: one passage per sentence
                store.remove("bench")
                window, stride, mode = 1, 1, "single sentences"
                n_docs, n_passages, stored_s = build(store, "bench", args.data, size, window, stride)
            index = CollectionIndex(store, store.collection("bench"))
            t0 = time.perf_counter()
            index.sync(get_retrieval_encoder())
            index_s = time.perf_counter() - t0
            t0 = time.perf_counter()  # the sentence vectors the verdict stage reads, as `corpus add` builds them
            index.sync(get_retrieval_encoder(), sentence_encoder=get_encoder())
            sentence_s = time.perf_counter() - t0
            size_mb = (index.size_bytes() + (Path(tmp) / "veracity.db").stat().st_size) / 1e6
            searcher = Searcher(store)
            for q in queries[:10]:  # warm-up: loads the indexes
                searcher.search(q, ["bench"], k=10)
            latencies = []
            for q in queries:
                t0 = time.perf_counter()
                searcher.search(q, ["bench"], k=10)
                latencies.append((time.perf_counter() - t0) * 1000)
            latencies.sort()
            row = {
                "passages": n_passages, "documents": n_docs, "passage_mode": mode,
                "store_seconds": round(stored_s, 1), "index_seconds": round(index_s, 1),
                "sentence_vector_seconds": round(sentence_s, 1),
                "passages_per_s": round(n_passages / (stored_s + index_s + sentence_s), 1),
                "disk_mb": round(size_mb, 1), "query_p50_ms": round(statistics.median(latencies), 2),
                "query_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2), "queries": len(latencies),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }  # fmt: skip
            results.append(row)
            print(
                f"{n_passages} passages ({mode}, {n_docs} documents): stored in {stored_s:.1f} s, indexed in "
                f"{index_s:.1f} s, sentence vectors in {sentence_s:.1f} s -> {row['passages_per_s']} passages/s; "
                f"{row['disk_mb']} MB on disk; hybrid query "
                f"p50 {row['query_p50_ms']} ms, p95 {row['query_p95_ms']} ms; peak RSS {row['peak_rss_mb']} MB"
            )
            store.engine.dispose()
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps({"machine": describe(), "results": results}, indent=2) + "\n")
    print(f"p50_ms_at_{results[-1]['passages']}={results[-1]['query_p50_ms']}")


if __name__ == "__main__":
    main()
