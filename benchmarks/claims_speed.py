"""Speed of the check-worthiness scorer: sentences/s on 2 cores, and the claims stage on the example article.

    .venv/bin/python benchmarks/claims_speed.py [--data ../shared/data/checkworthiness/ct24/dev.tsv]

The last line is the headline figure `sentences_per_s=NNN`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/checkworthiness/ct24/dev.tsv")
    parser.add_argument("--example", type=Path, default=ROOT / "examples/globalresearch-canada-iraq-mosul.txt")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from veracity import Analyzer
    from veracity.claims.data import read_ct24
    from veracity.claims.model import get_scorer

    scorer = get_scorer()
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
    print(f"sentences_per_s={rate:.0f}")


if __name__ == "__main__":
    main()
