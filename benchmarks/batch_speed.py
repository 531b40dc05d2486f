"""Throughput of `veracity batch` with 1 and 2 workers on the FakeNewsCorpus sample (default stages, no evidence).

    .venv/bin/python benchmarks/batch_speed.py [--data PATH] [--workers 1,2] [--limit N] [--json-out PATH]

Each run writes a fresh Parquet dataset (a temporary folder) through `run_batch`, exactly as `veracity batch`
does, and is timed end to end: start-up, model loading in every worker, analysis and writing. Prints articles/s,
words/s, articles/s per core and peak RSS per worker process, and the machine. The last line is the headline
`articles_per_s_per_core=N.NN` of the run with the most workers. Nothing else should run on the machine meanwhile.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from machine import describe, machine_line

from veracity.batch import BatchConfig, run_batch
from veracity.batch.run import available_cores

ROOT = Path(__file__).resolve().parents[1]


def one_run(data: Path, workers: int, limit: int | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="batch-speed-") as out:
        config = BatchConfig(inputs=[data], out=out, text_column="content", id_column="id", url_column="url",
                             title_column="title", workers=workers, limit=limit)  # fmt: skip
        summary = run_batch(config)
    cores = min(workers, available_cores())
    rate = summary.articles / summary.seconds
    return {
        "workers": workers,
        "inputs": summary.inputs,
        "articles": summary.articles,
        "errors": summary.errors,
        "words": summary.words,
        "seconds": round(summary.seconds, 2),
        "articles_per_s": round(rate, 3),
        "words_per_s": round(summary.words / summary.seconds, 1),
        "articles_per_s_per_core": round(rate / cores, 3),
        "peak_rss_mb_per_worker": sorted(round(v, 1) for v in summary.workers.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", default="../shared/data/articles/fakenewscorpus_sample.csv")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts to run")
    parser.add_argument("--limit", type=int, default=None, help="at most this many articles")
    parser.add_argument("--json-out", default=None)
    args = parser.parse_args()
    data = Path(args.data) if Path(args.data).is_absolute() else ROOT / args.data
    if not data.is_file():
        sys.exit(f"no such file: {data}")
    machine = describe()
    print(machine_line(machine))
    runs = []
    for workers in [int(w) for w in args.workers.split(",")]:
        result = one_run(data, workers, args.limit)
        runs.append(result)
        print(f"workers={workers}: {result['articles']} articles ({result['errors']} errors), {result['words']:,} "
              f"words in {result['seconds']} s: {result['articles_per_s']} articles/s, {result['words_per_s']} "
              f"words/s, {result['articles_per_s_per_core']} articles/s per core; peak RSS per worker "
              f"{result['peak_rss_mb_per_worker']} MB")  # fmt: skip
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"machine": machine, "runs": runs}, indent=2) + "\n")
    print(f"articles_per_s_per_core={runs[-1]['articles_per_s_per_core']:.2f}")


if __name__ == "__main__":
    main()
