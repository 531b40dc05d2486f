"""Time the persuasion stage alone on news articles of about 1,000 words (issue 5: ≤ 300 ms on 2 cores).

    .venv/bin/python benchmarks/persuasion_speed.py [--data CSV] [--ptc DIR] [--min-words 700] [--max-words 1300]
        [--tagger fast|accurate | --model-dir FOLDER]

Articles come from the FakeNewsCorpus sample (`content` column) and, when given, a folder of PTC articles. One
untimed analysis loads the models; each article is then analysed by the front door with only that stage
(`Analyzer(options=AnalyzeOptions(stages=("persuasion",)))`) `--repeat` times (median). `--tagger accurate` times
the shipped MPNet-base tagger (`analyze --persuasion-tagger accurate`); `--model-dir` the tagger (and technique
classifier, if it has one) in that folder, e.g. a teacher's. Prints p50/p95 ms per article and per 1,000 words,
the tagger's and the technique classifier's shares, and last the headline `p50_ms_per_1000_words=NNN`.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

from machine import machine_line
from timing import percentile

from veracity.lab.persuasion.data import read_articles
from veracity.lab.persuasion.evaluate import load_models
from veracity.options import PERSUASION_TAGGERS, AnalyzeOptions
from veracity.persuasion import predict, technique
from veracity.pipeline import Analyzer
from veracity.schema import Document


def load_texts(csv_path: Path | None, ptc_dir: Path | None, min_words: int, max_words: int) -> list[str]:
    texts: list[str] = []
    if csv_path and csv_path.is_file():
        csv.field_size_limit(sys.maxsize)
        with csv_path.open(newline="", encoding="utf-8") as f:
            texts += [row.get("content") or "" for row in csv.DictReader(f)]
    if ptc_dir and ptc_dir.is_dir():
        texts += list(read_articles(ptc_dir).values())
    return [t for t in texts if min_words <= len(t.split()) <= max_words]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/articles/fakenewscorpus_sample.csv"))
    parser.add_argument("--ptc", type=Path, default=Path("../shared/data/propaganda/ptc/train-articles"))
    parser.add_argument("--min-words", type=int, default=700)
    parser.add_argument("--max-words", type=int, default=1300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--tagger", choices=PERSUASION_TAGGERS, default="fast")
    args = parser.parse_args()
    texts = load_texts(args.data, args.ptc, args.min_words, args.max_words)
    if not texts:
        sys.exit(f"no articles of {args.min_words}-{args.max_words} words in {args.data} or {args.ptc}")
    print(machine_line())
    tagger, classifier = load_models(args.model_dir, args.tagger)
    # the persuasion stage asks these two functions for its models
    predict.get_tagger, technique.get_technique_classifier = (lambda kind="fast": tagger), (lambda: classifier)
    analyzer = Analyzer(options=AnalyzeOptions(stages=("persuasion",), persuasion_tagger=args.tagger))
    analyzer(Document(text=texts[0]))  # load the models (untimed)
    per_article, per_1000, tagger_ms, technique_ms = [], [], [], []
    for text in texts:
        document = Document(text=text)
        runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            analyzer(document)
            runs.append((time.perf_counter() - started) * 1000)
        ms = statistics.median(runs)
        per_article.append(ms)
        per_1000.append(ms * 1000 / len(text.split()))
        # the two parts, timed once more
        started = time.perf_counter()
        spans = tagger.spans(tagger.score_articles({"a": text}), {"a": text})
        middle = time.perf_counter()
        classifier.label({"a": text}, spans)
        tagger_ms.append((middle - started) * 1000)
        technique_ms.append((time.perf_counter() - middle) * 1000)
    words = [len(t.split()) for t in texts]
    print(f"{len(texts)} articles of {args.min_words}-{args.max_words} words (median {statistics.median(words):.0f})")
    p50, p95 = percentile(per_article, 0.5), percentile(per_article, 0.95)
    print(f"persuasion stage per article: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    parts = statistics.median(tagger_ms), statistics.median(technique_ms)
    print(f"  tagger p50 {parts[0]:.0f} ms, technique classifier p50 {parts[1]:.0f} ms")
    print(f"per 1,000 words: p50 {percentile(per_1000, 0.5):.0f} ms, p95 {percentile(per_1000, 0.95):.0f} ms")
    print(f"p50_ms_per_1000_words={percentile(per_1000, 0.5):.0f}")


if __name__ == "__main__":
    main()
