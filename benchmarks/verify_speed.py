"""Claims checked against a 100,000-passage collection: whole-analysis latency with evidence and verdicts, and the
verifier's pairs/s.

    .venv/bin/python benchmarks/verify_speed.py [--data ../shared/data] [--passages 100000] [--repeat 5] [--home DIR]

The collection is built as evidence_speed.py builds it (shared data sets cut into 2-sentence windows) plus the
demo corpus (examples/corpus-iraq), indexed once in a temporary home (or in --home, reused by later runs: building
takes ~10 minutes). Then the example article (469 words; also once with every claim, no claim budget)
and FakeNewsCorpus articles of 800-1,200 words are analysed through the front door (`Analyzer(options=
AnalyzeOptions(corpora=("bench",)))`: every claim over the threshold checked, as `veracity analyze --corpus` does),
models loaded once and warmed up; the example once more with the batch/server claim budget for comparison.
`--verifier accurate` times the MPNet-base verifier instead. The last line is `p50_ms=...` for the
800-1,200-word articles.
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

from evidence_speed import build
from machine import describe, machine_line

ROOT = Path(__file__).resolve().parents[1]


def verifier_pairs_per_s(n: int = 512, verifier: str = "fast") -> float:
    """Claim/sentence pairs per second through the int8 verifier, in the stage's batches."""
    from veracity.verify.nli import get_nli_model

    claim = "Canada deployed an extra 200 troopers to northern Iraq in 2016."
    sentence = ("In February 2016 the government said it would roughly triple the number of special forces trainers "
                "in northern Iraq, to about 210.")  # fmt: skip
    pairs = [(claim, sentence[: 60 + (k % 60)]) for k in range(n)]
    model = get_nli_model(verifier)
    model.predict(pairs[:32])
    t0 = time.perf_counter()
    model.predict(pairs)
    return n / (time.perf_counter() - t0)


def build_collection(store, data: Path, target: int) -> tuple[int, int]:
    """The shared data sets in 2-sentence windows (as evidence_speed.py builds them) plus the demo corpus."""
    from veracity.evidence.indexes import CollectionIndex
    from veracity.evidence.passages import passages
    from veracity.evidence.readers import iter_files, read_file
    from veracity.evidence.search import get_retrieval_encoder

    t0 = time.perf_counter()
    n_docs, n_passages, _ = build(store, "bench", data, target, 2, 1)
    collection = store.collection("bench")
    for path in iter_files([ROOT / "examples/corpus-iraq"]):
        for doc in read_file(path):
            doc.passages = passages(doc.text)
            store.put(collection, doc)
            n_passages += len(doc.passages)
    from veracity.runtime import get_encoder

    CollectionIndex(store, collection).sync(get_retrieval_encoder(), sentence_encoder=get_encoder())
    print(f"collection: {n_passages} passages from {n_docs} documents + the demo corpus, built and indexed in "
          f"{time.perf_counter() - t0:.0f} s")  # fmt: skip
    return n_docs, n_passages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data")
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--articles", type=int, default=10, help="FakeNewsCorpus articles of 800-1,200 words")
    parser.add_argument("--home", type=Path, help="keep the indexed collection here and reuse it on the next run")
    parser.add_argument("--verifier", default="fast", choices=["fast", "accurate"])
    parser.add_argument("--json-out", type=Path, default=ROOT / "benchmarks/results/verify_speed.json")
    args = parser.parse_args()

    from veracity.evidence.store import Store
    from veracity.ingest import document_from_bytes, load_document
    from veracity.options import DEFAULT_BUDGET, AnalyzeOptions
    from veracity.pipeline import Analyzer

    print(machine_line())
    with tempfile.TemporaryDirectory(prefix="veracity-verify-bench-") as tmp:
        home = args.home or Path(tmp)
        store = Store(home)
        built = home / "bench-built.json"
        if built.is_file():
            n_docs, n_passages = json.loads(built.read_text())
            print(f"collection: {n_passages} passages from {n_docs} documents (reused from {home})")
        else:
            n_docs, n_passages = build_collection(store, args.data, args.passages)
            built.write_text(json.dumps([n_docs, n_passages]))
        options = AnalyzeOptions(corpora=("bench",), home=home, verifier=args.verifier, timeout=None)
        analyzer = Analyzer(options=options)
        example = (ROOT / "examples/globalresearch-canada-iraq-mosul.txt").read_bytes()
        analyzer(load_document(str(ROOT / "examples/globalresearch-canada-iraq-mosul.txt")))  # warm-up
        runs, stage_ms = [], {}
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            report = analyzer(document_from_bytes(example))
            runs.append((time.perf_counter() - t0) * 1000)
            for k, v in report.timings_ms.items():
                stage_ms.setdefault(k, []).append(v)
        words = len(report.document.text.split())
        # The same article with the claim budget of batch and the server (10 per 1,000 words), for comparison.
        budgeted = Analyzer(options=options.replace(claim_budget=DEFAULT_BUDGET))
        all_runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            all_report = budgeted(document_from_bytes(example))
            all_runs.append((time.perf_counter() - t0) * 1000)
        pairs = sum(c.verdict.examined for c in report.claims if c.verdict)
        others = []
        csv.field_size_limit(1 << 30)
        with open(args.data / "articles/fakenewscorpus_sample.csv", encoding="utf-8", newline="") as f:
            texts = [r["content"] for r in csv.DictReader(f) if 800 <= len((r.get("content") or "").split()) <= 1200]
        for text in texts[: args.articles]:
            t0 = time.perf_counter()
            r = analyzer(document_from_bytes(text.encode()))
            others.append(((time.perf_counter() - t0) * 1000, len(r.claims)))
        rate = verifier_pairs_per_s(verifier=args.verifier)
        result = {
            "machine": describe(), "collection_passages": n_passages, "example_words": words,
            "example_claims": len(report.claims), "example_sentences_read": pairs,
            "example_p50_ms": round(statistics.median(runs), 1), "example_runs_ms": [round(x, 1) for x in runs],
            "example_stage_p50_ms": {k: round(statistics.median(v), 1) for k, v in stage_ms.items()},
            "example_budgeted_claims": len(all_report.claims),
            "example_budgeted_p50_ms": round(statistics.median(all_runs), 1), "verifier": args.verifier,
            "fakenews_articles": len(others),
            "fakenews_p50_ms": round(statistics.median([x for x, _ in others]), 1) if others else None,
            "fakenews_claims_p50": statistics.median([n for _, n in others]) if others else None,
            "verifier_pairs_per_s": round(rate, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }  # fmt: skip
        store.engine.dispose()
    print(f"example: {words} words, {result['example_claims']} claims, {pairs} evidence sentences read; "
          f"p50 {result['example_p50_ms']} ms; stages {result['example_stage_p50_ms']}")  # fmt: skip
    print(f"the example with the batch/server claim budget ({result['example_budgeted_claims']} claims): p50 "
          f"{result['example_budgeted_p50_ms']} ms")  # fmt: skip
    print(f"FakeNewsCorpus, {len(others)} articles of 800-1,200 words: p50 {result['fakenews_p50_ms']} ms "
          f"(median {result['fakenews_claims_p50']} claims)")  # fmt: skip
    print(f"verifier: {result['verifier_pairs_per_s']} pairs/s; peak RSS {result['peak_rss_mb']} MB")
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    out = args.json_out if args.verifier == "fast" else args.json_out.with_name("verify_speed_accurate.json")
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"p50_ms={result['fakenews_p50_ms']}")


if __name__ == "__main__":
    main()
