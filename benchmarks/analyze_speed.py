"""Time the veracity analysis on the bundled example and on the FakeNewsCorpus sample, with models loaded once.

    .venv/bin/python benchmarks/analyze_speed.py [--data PATH] [--limit N] [--json-out PATH]

Prints articles/s, words/s, latency p50/p95 per article and per 1,000 words, each stage's share of the time and
peak RSS. The last line is the headline figure `p50_ms_per_1000_words=NNN`.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import sys
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from machine import describe, machine_line
from timing import percentile

from veracity import AnalyzeOptions, Analyzer, Report
from veracity.errors import StageError, VeracityError
from veracity.pipeline import ArticleInput

ROOT = Path(__file__).resolve().parents[1]


def rnd(value: float | None, ndigits: int = 1) -> float | None:
    return None if value is None else round(value, ndigits)


def timed_run(
    analyzer: Analyzer, source: ArticleInput, url: str | None = None
) -> tuple[float, dict[str, float], Report]:
    """Ingest + analyse once (the front door); returns end-to-end ms, per-stage ms (with 'ingest') and the report."""
    t0 = time.perf_counter()
    report = analyzer(source, url=url)
    total_ms = (time.perf_counter() - t0) * 1000
    return total_ms, dict(report.timings_ms), report


def repo_path(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else ROOT / path


def crash_record(index: int, row: dict[str, str], exc: BaseException) -> dict[str, Any]:
    cause = exc.__cause__ if isinstance(exc, StageError) and exc.__cause__ else exc
    frames = traceback.extract_tb(cause.__traceback__)
    return {
        "row": index,
        "id": row.get("id"),
        "url": row.get("url"),
        "stage": getattr(exc, "stage", None),
        "exception": type(cause).__name__,
        "message": str(cause)[:300],
        "where": [f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames[-4:]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", default="../shared/data/articles/fakenewscorpus_sample.csv")
    parser.add_argument("--example", default="examples/globalresearch-canada-iraq-mosul.txt")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of the example")
    parser.add_argument("--limit", type=int, default=None, help="max articles from --data")
    parser.add_argument("--json-out", default=None, help="write results as JSON here")
    parser.add_argument("--stages", default=None, help="comma-separated stages (default: the default pipeline)")
    args = parser.parse_args()
    data_path, example = repo_path(args.data), str(repo_path(args.example))

    t0 = time.perf_counter()
    analyzer = Analyzer(options=AnalyzeOptions(stages=args.stages.split(",") if args.stages else None))
    t1 = time.perf_counter()
    analyzer(path=example)  # warm-up, not timed below: models load lazily on first use
    t2 = time.perf_counter()

    example_ms: list[float] = []
    example_stages: dict[str, list[float]] = defaultdict(list)
    example_words = 0
    for _ in range(args.repeat):
        ms, stages, report = timed_run(analyzer, Path(example))
        example_ms.append(ms)
        for name, v in stages.items():
            example_stages[name].append(v)
        example_words = len(report.document.text.split())

    csv.field_size_limit(sys.maxsize)
    with data_path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if args.limit is not None:
        rows = rows[: args.limit]

    latencies: list[float] = []
    per_kword: list[float] = []
    stage_per_kword: dict[str, list[float]] = defaultdict(list)
    stage_total: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    crashes: list[dict[str, Any]] = []
    words_total = 0
    started = time.perf_counter()
    for index, row in enumerate(rows):
        raw_url = (row.get("url") or "").strip()
        url = raw_url if raw_url.lower().startswith(("http://", "https://")) else None
        data = (row.get("content") or "").encode("utf-8")
        try:
            ms, stages, report = timed_run(analyzer, data, url)
        except StageError as exc:  # a non-VeracityError raised inside a stage, wrapped by the Analyzer
            crashes.append(crash_record(index, row, exc))
            continue
        except VeracityError as exc:
            skipped[f"{type(exc).__name__}: {exc}"[:80]] += 1
            continue
        except Exception as exc:  # a crash outside the stages (e.g. ingest); record it, go on
            crashes.append(crash_record(index, row, exc))
            continue
        words = len(report.document.text.split())
        latencies.append(ms)
        words_total += words
        stage_total.update(stages)
        if words >= 100:
            per_kword.append(ms / (words / 1000))
            for name, v in stages.items():
                stage_per_kword[name].append(v / (words / 1000))
    wall = time.perf_counter() - started
    stage_sum = sum(stage_total.values()) or 1.0

    result: dict[str, Any] = {
        "machine": describe(),
        "model_load": {
            "analyzer_init_s": round(t1 - t0, 3),
            "first_analysis_s": round(t2 - t1, 3),
            "total_s": round(t2 - t0, 3),
        },
        "example": {
            "path": args.example,
            "words": example_words,
            "repeat": args.repeat,
            "median_ms": rnd(statistics.median(example_ms)) if example_ms else None,
            "stages_median_ms": {k: round(statistics.median(v), 2) for k, v in example_stages.items()},
        },
        "corpus": {
            "path": args.data,
            "rows": len(rows),
            "articles": len(latencies),
            "skipped": sum(skipped.values()),
            "skipped_reasons": dict(skipped),
            "crashed": len(crashes),
            "crashes": crashes,
            "words": words_total,
            "wall_s": round(wall, 2),
            "articles_per_s": round(len(latencies) / wall, 2) if wall else None,
            "words_per_s": round(words_total / wall) if wall else None,
            "p50_ms": rnd(percentile(latencies, 0.5)),
            "p95_ms": rnd(percentile(latencies, 0.95)),
            "articles_ge_100_words": len(per_kword),
            "p50_ms_per_1000_words": rnd(percentile(per_kword, 0.5)),
            "p95_ms_per_1000_words": rnd(percentile(per_kword, 0.95)),
            "stage_share_pct": {k: round(100 * v / stage_sum, 1) for k, v in stage_total.items()},
            "stage_p50_ms_per_1000_words": {k: rnd(percentile(v, 0.5)) for k, v in stage_per_kword.items()},
        },
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print_summary(result)
    if args.json_out:
        out = Path(args.json_out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"results written to {out}")
    print(f"p50_ms_per_1000_words={result['corpus']['p50_ms_per_1000_words']}")


def print_summary(r: dict[str, Any]) -> None:
    m, load, ex, c = r["machine"], r["model_load"], r["example"], r["corpus"]
    print(machine_line(m))
    print(
        f"model load: {load['total_s']:.2f} s (Analyzer() {load['analyzer_init_s']:.2f} s "
        f"+ first analysis {load['first_analysis_s']:.2f} s, excluded from timings)"
    )
    print(f"example {ex['path']}: {ex['words']} words, median {ex['median_ms']} ms over {ex['repeat']} runs")
    print("  stage medians (ms): " + ", ".join(f"{k}={v}" for k, v in ex["stages_median_ms"].items()))
    print(
        f"corpus {c['path']}: {c['rows']} rows, {c['articles']} analysed, {c['skipped']} skipped, "
        f"{c['crashed']} crashed, {c['words']} words in {c['wall_s']} s"
    )
    for reason, n in c["skipped_reasons"].items():
        print(f"  skipped {n}x: {reason}")
    for crash in c["crashes"]:
        print(
            f"  crashed row {crash['row']} (id {crash['id']}, stage {crash['stage']}): "
            f"{crash['exception']}: {crash['message']} [{' <- '.join(reversed(crash['where']))}]"
        )
    print(f"  throughput: {c['articles_per_s']} articles/s, {c['words_per_s']} words/s")
    print(f"  latency per article: p50 {c['p50_ms']} ms, p95 {c['p95_ms']} ms")
    print(
        f"  latency per 1,000 words ({c['articles_ge_100_words']} articles >= 100 words): "
        f"p50 {c['p50_ms_per_1000_words']} ms, p95 {c['p95_ms_per_1000_words']} ms"
    )
    print("  stage share of time: " + ", ".join(f"{k} {v}%" for k, v in c["stage_share_pct"].items()))
    per_stage = c["stage_p50_ms_per_1000_words"].items()
    print("  stage p50 ms per 1,000 words: " + ", ".join(f"{k} {v}" for k, v in per_stage))
    print(f"peak RSS: {r['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
