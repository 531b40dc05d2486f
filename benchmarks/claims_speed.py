"""Speed of the check-worthiness scorer: sentences/s on 2 cores, and the claims stage on the example article and on
news articles of 800–1,200 words.

    .venv/bin/python benchmarks/claims_speed.py [--data ../shared/data/checkworthiness/ct24/dev.tsv]
        [--articles ../shared/data/articles/fakenewscorpus_sample.csv] [--model-dir FOLDER]

`--model-dir` times the fine-tuned model in that folder (e.g. a teacher, `checkworthiness-minilm-ft.onnx` + card +
its tokenizer) instead of the shipped one. The last line is the headline figure `sentences_per_s=NNN`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from machine import machine_line
from persuasion_speed import load_texts
from timing import percentile

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/checkworthiness/ct24/dev.tsv")
    parser.add_argument("--example", type=Path, default=ROOT / "examples/globalresearch-canada-iraq-mosul.txt")
    parser.add_argument("--articles", type=Path, default=ROOT.parent / "shared/data/articles/fakenewscorpus_sample.csv")
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from veracity import Analyzer
    from veracity.claims import model as claims_model
    from veracity.lab.claims.data import read_ct24
    from veracity.schema import Document

    if args.model_dir is not None:  # the claims stage asks claims.model.get_scorer for its scorer
        scorer = claims_model.OnnxCheckworthiness.load(args.model_dir)
        claims_model.get_scorer = lambda: scorer
    scorer = claims_model.get_scorer()
    print(machine_line())
    texts = read_ct24(args.data).texts
    scorer.predict_proba(texts[:64])  # warm-up
    runs = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        scorer.predict_proba(texts)
        runs.append(time.perf_counter() - t0)
    rate = len(texts) / statistics.median(runs)

    analyzer = Analyzer()
    analyzer(path=args.example)
    claims_ms, total_ms = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        report = analyzer(path=args.example)
        total_ms.append((time.perf_counter() - t0) * 1000)
        claims_ms.append(report.timings_ms["claims"])
    words = len(report.document.text.split())
    print(f"scorer: {type(scorer).__name__} ({scorer.card.get('name', '')})")
    median_s = statistics.median(runs)
    print(f"{len(texts)} sentences from {args.data.name}: median {median_s:.2f} s over {args.repeat} runs")
    print(
        f"example: {len(report.sentences)} sentences, {words} words; claims stage median "
        f"{statistics.median(claims_ms):.1f} ms of {statistics.median(total_ms):.1f} ms end to end "
        f"({100 * statistics.median(claims_ms) / statistics.median(total_ms):.0f}%)"
    )
    news = load_texts(args.articles, None, 800, 1200)
    if news:
        stage_ms = []
        for text in news:
            document = Document(text=text)
            stage_ms.append(statistics.median(analyzer(document).timings_ms["claims"] for _ in range(3)))
        print(f"{len(news)} articles of 800-1,200 words from {args.articles.name}: claims stage p50 "
              f"{percentile(stage_ms, 0.5):.0f} ms, p95 {percentile(stage_ms, 0.95):.0f} ms")  # fmt: skip
    print(f"sentences_per_s={rate:.0f}")


if __name__ == "__main__":
    main()
