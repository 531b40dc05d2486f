"""Fuzz the whole analysis: ≥ 10,000 generated hostile inputs through `Analyzer` (default stages) and all three
renderers, each in a worker process watched from outside, so a hang or a hard crash is caught too.

    .venv/bin/python benchmarks/fuzz.py [--count 10000] [--seed 0] [--workers 2] [--json-out PATH]
                                        [--progress PATH]   # rows as they finish; a rerun resumes from it
    .venv/bin/python benchmarks/fuzz.py --replay SHAPE SEED SIZE      # one input, in-process, with its traceback
    .venv/bin/python benchmarks/fuzz.py --hostile-only                # only the hostile-server cases (~2 min)

Inputs come from tests/fuzz_shapes.py (the shapes of issue 15 plus prose, HTML soup and random bytes), in
encodings from UTF-8 to GBK and UTF-32, sizes log-uniform from 1 byte to 200 KB with 2% up to 10 MB. Each gets
the acceptance budget of issue 15, max(30 s, 10 s per MB), as its `timeout`; a worker that has not answered
30 s after that is killed and the input counted as a hang. Outcomes: report, clear error (a VeracityError, by
class), traceback (any other exception), hang, crash (the worker died). Prints the worst and p99 time, time per
MB (inputs ≥ 100 KB) and peak RSS; the last line is `tracebacks=N hangs=N crashes=N worst_s_per_mb=X hostile=K/N`.

Before the generated inputs come the hostile-server cases of issue 28 (benchmarks/hostile.py: trickled headers and
bodies, a silent server, slow redirects, a `gzip, gzip` bomb, a WARC bomb through `corpus add`, a hostile URL in a
one-worker server); a case that does not go as it must counts as a finding.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import random
import resource
import sys
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

from machine import describe, machine_line
from timing import percentile

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzz_shapes import SHAPES, make  # noqa: E402  (tests/ is not a package)

GRACE_S = 30.0  # beyond the budget before a silent worker counts as hung
BIG_SHARE = 0.02  # inputs drawn from 200 KB - 10 MB


def budget_s(n_bytes: int) -> float:
    return max(30.0, 10.0 * n_bytes / 1_048_576)


def plan(count: int, seed: int) -> list[tuple[str, int, int]]:
    rng = random.Random(seed)
    shapes = sorted(SHAPES)
    out = []
    for i in range(count):
        top = 10_000_000 if rng.random() < BIG_SHARE else 200_000
        low = 200_000 if top > 200_000 else 1
        size = int(math.exp(rng.uniform(math.log(low), math.log(top))))
        out.append((shapes[i % len(shapes)], rng.randrange(2**31), size))
    rng.shuffle(out)
    return out


def analyse(analyzer, data: bytes) -> tuple[str, str]:
    """(outcome, detail) for one input: report, error:<Class>, or traceback. A StageError (exit 1: a stage broke)
    counts as a traceback: it is a bug, not a clear error about the input."""
    from veracity.errors import StageError, VeracityError
    from veracity.render import render

    try:
        report = analyzer(data)
        for fmt in ("md", "html", "json"):
            render(report, fmt)
        return "report", f"{len(report.sentences)} sentences"
    except StageError:
        return "traceback", traceback.format_exc(limit=-8)[-1500:]
    except VeracityError as exc:
        message = str(exc)
        if "\n" in message:
            return "traceback", f"multi-line error: {message[:300]!r}"
        return f"error:{type(exc).__name__}", message[:200]
    except Exception:  # noqa: BLE001 (the point: anything else is a finding)
        return "traceback", traceback.format_exc(limit=6)[-1500:]


def worker(conn) -> None:
    from veracity.options import AnalyzeOptions
    from veracity.pipeline import Analyzer

    analyzers: dict[float, Analyzer] = {}
    warm = Analyzer()  # load the models and the HTML extractor before any input is timed
    warm(text="Warm-up: the minister said the army sent 70 instructors in 2016.")
    warm(b"<html><head><title>Warm-up</title></head><body><p>The minister said the army sent 70 instructors in "
         b"2016 to the region, officials confirmed on Monday.</p></body></html>")  # fmt: skip
    while True:
        task = conn.recv()
        if task is None:
            return
        shape, seed, size = task
        data = make(shape, seed, size)
        budget = budget_s(len(data))
        if budget not in analyzers:
            analyzers[budget] = Analyzer(options=AnalyzeOptions(timeout=budget))
        t0 = time.perf_counter()
        outcome, detail = analyse(analyzers[budget], data)
        seconds = time.perf_counter() - t0
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        conn.send((outcome, detail, seconds, len(data), rss_mb))


class Slot:
    """One worker process and its pipe; replaced after a hang or a crash."""

    def __init__(self, ctx) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker, args=(child,), daemon=True)
        self.proc.start()
        self.task = None
        self.started = 0.0
        self.limit = 0.0
        self.fresh = True  # its first input also loads the models


def run(tasks: list[tuple[str, int, int]], workers: int, log, done=None) -> list[dict]:
    """Outcome rows of `tasks`; each finished row is also passed to `done` (the progress file)."""
    ctx = mp.get_context("spawn")
    slots = [Slot(ctx) for _ in range(workers)]
    pending, results = list(reversed(tasks)), []
    t_start = time.perf_counter()
    while pending or any(s.task for s in slots):
        for i, slot in enumerate(slots):
            if slot.task is None and pending:
                slot.task = pending.pop()
                slot.started = time.perf_counter()
                # sizes count characters: up to 4 bytes each (UTF-32); a fresh worker loads the models first
                slot.limit = budget_s(slot.task[2] * 4) + GRACE_S + (120 if slot.fresh else 0)
                slot.fresh = False
                slot.conn.send(slot.task)
            if slot.task is None:
                continue
            shape, seed, size = slot.task
            row = {"shape": shape, "seed": seed, "size": size}
            if slot.conn.poll(0.05):
                try:
                    outcome, detail, seconds, n_bytes, rss = slot.conn.recv()
                    row |= {"outcome": outcome, "detail": detail, "seconds": seconds, "bytes": n_bytes, "rss_mb": rss}
                except EOFError:
                    row |= {"outcome": "crash", "detail": f"worker exit {slot.proc.exitcode}", "seconds": None}
                    slots[i] = Slot(ctx)
            elif not slot.proc.is_alive():
                row |= {"outcome": "crash", "detail": f"worker exit {slot.proc.exitcode}", "seconds": None}
                slots[i] = Slot(ctx)
            elif time.perf_counter() - slot.started > slot.limit:
                slot.proc.kill()
                row |= {"outcome": "hang", "detail": f"no answer in {slot.limit:.0f} s", "seconds": None}
                slots[i] = Slot(ctx)
            else:
                continue
            slots[i].task = None
            results.append(row)
            if done is not None:
                done(row)
            if row["outcome"] in ("traceback", "hang", "crash"):
                log(f"FINDING {row['outcome']}: --replay {shape} {seed} {size}: {row['detail'][-300:]}")
            if len(results) % 500 == 0:
                rate = len(results) / (time.perf_counter() - t_start)
                log(f"{len(results):,}/{len(tasks):,} inputs, {rate:.1f}/s")
    for slot in slots:
        slot.conn.send(None)
        slot.proc.join(timeout=10)
    return results


def summarise(results: list[dict], wall_s: float) -> dict:
    timed = [r for r in results if r.get("seconds") is not None]
    big = [r for r in timed if r["bytes"] >= 100_000]
    per_mb = [r["seconds"] / (r["bytes"] / 1_048_576) for r in big]
    share = [r["seconds"] / budget_s(r["bytes"]) for r in timed]
    worst = max(timed, key=lambda r: r["seconds"], default=None)
    worst_mb = max(big, key=lambda r: r["seconds"] / r["bytes"], default=None)
    rss = max(timed, key=lambda r: r["rss_mb"], default=None)
    by_shape: dict[str, Counter] = defaultdict(Counter)
    for r in results:
        by_shape[r["shape"]][r["outcome"].split(":")[0]] += 1
    return {
        "machine": describe(),
        "inputs": len(results),
        "wall_s": round(wall_s, 1),
        "outcomes": dict(Counter(r["outcome"] for r in results).most_common()),
        "tracebacks": sum(r["outcome"] == "traceback" for r in results),
        "hangs": sum(r["outcome"] == "hang" for r in results),
        "crashes": sum(r["outcome"] == "crash" for r in results),
        "over_budget": sum(s > 1 for s in share),
        "bytes_max": max((r["bytes"] for r in timed), default=0),
        "inputs_over_100kb": len(big),
        "worst_s": worst and round(worst["seconds"], 2),
        "worst_input": worst and f"{worst['shape']} {worst['seed']} {worst['size']} ({worst['bytes']:,} bytes)",
        "p99_s": round(percentile([r["seconds"] for r in timed], 0.99) or 0, 3),
        "p50_s": round(percentile([r["seconds"] for r in timed], 0.5) or 0, 3),
        "worst_s_per_mb": round(max(per_mb, default=0), 2),
        "worst_s_per_mb_input": worst_mb and f"{worst_mb['shape']} {worst_mb['seed']} {worst_mb['size']}",
        "p99_s_per_mb": round(percentile(per_mb, 0.99) or 0, 2),
        "worst_budget_share": round(max(share, default=0), 3),
        "peak_rss_mb": rss and round(rss["rss_mb"]),
        "by_shape": {k: dict(v) for k, v in sorted(by_shape.items())},
        "findings": [r for r in results if r["outcome"] in ("traceback", "hang", "crash")][:50],
        "slowest_per_budget": sorted(timed, key=lambda r: -r["seconds"] / budget_s(r["bytes"]))[:10],
    }


def _finished(progress: Path, count: int, seed: int) -> list[dict]:
    """The rows a killed run of the same plan already wrote (a torn last line is dropped); [] for another plan."""
    if not progress.is_file():
        return []
    lines = progress.read_text(encoding="utf-8").splitlines()
    try:
        header = json.loads(lines[0]) if lines else {}
    except ValueError:
        header = {}
    if header != {"count": count, "seed": seed}:
        progress.rename(progress.with_suffix(".old.jsonl"))
        return []
    rows = []
    for line in lines[1:]:
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue
    # rewrite whole lines only, so the next row is not appended to a torn one
    progress.write_text("".join(json.dumps(r, default=str) + "\n" for r in [header, *rows]), encoding="utf-8")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json-out", type=Path, default=ROOT / "benchmarks" / "results" / "fuzz.json")
    parser.add_argument("--progress", type=Path, help="rows as they finish (default: next to --json-out)")
    parser.add_argument("--replay", nargs=3, metavar=("SHAPE", "SEED", "SIZE"))
    parser.add_argument("--hostile-only", action="store_true", help="only the hostile-server cases of issue 28")
    args = parser.parse_args()
    if args.replay:
        from veracity.pipeline import Analyzer

        shape, seed, size = args.replay[0], int(args.replay[1]), int(args.replay[2])
        data = make(shape, seed, size)
        analyzer = Analyzer()
        analyzer(text="Warm-up: the minister said the army sent 70 instructors in 2016.")
        t0 = time.perf_counter()
        print(*analyse(analyzer, data), f"{time.perf_counter() - t0:.2f} s, {len(data):,} bytes", sep="\n")
        return
    print(machine_line(), flush=True)
    from hostile import run_cases, summary_line

    hostile = run_cases(lambda row: print(row, flush=True))
    if args.hostile_only:
        print(summary_line(hostile))
        return
    tasks = plan(args.count, args.seed)
    progress = args.progress or args.json_out.with_suffix(".progress.jsonl")
    earlier = _finished(progress, args.count, args.seed)
    seen = {(r["shape"], r["seed"], r["size"]) for r in earlier}
    todo = [t for t in tasks if t not in seen]
    if earlier:
        print(f"resuming: {len(earlier):,} inputs done before ({progress}), {len(todo):,} to go", flush=True)
    progress.parent.mkdir(parents=True, exist_ok=True)
    with progress.open("a", encoding="utf-8") as out:
        if not earlier:
            out.write(json.dumps({"count": args.count, "seed": args.seed}) + "\n")

        def keep(row: dict) -> None:
            out.write(json.dumps(row, default=str) + "\n")
            out.flush()

        t0 = time.perf_counter()
        results = earlier + run(todo, args.workers, lambda m: print(m, flush=True), keep)
    wall = time.perf_counter() - t0 + sum(r.get("seconds") or 0 for r in earlier) / max(1, args.workers)
    summary = summarise(results, wall) | {"count": args.count, "seed": args.seed, "resumed_from": len(earlier),
                                          "hostile": hostile, "hostile_line": summary_line(hostile)}  # fmt: skip
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
    for key in ("inputs", "wall_s", "outcomes", "over_budget", "inputs_over_100kb", "bytes_max", "p50_s", "p99_s",
                "worst_s", "worst_input", "p99_s_per_mb", "worst_s_per_mb", "worst_s_per_mb_input",
                "worst_budget_share", "peak_rss_mb"):  # fmt: skip
        print(f"{key}: {summary[key]}")
    print(summary["hostile_line"])
    print(
        f"tracebacks={summary['tracebacks']} hangs={summary['hangs']} crashes={summary['crashes']} "
        f"worst_s_per_mb={summary['worst_s_per_mb']} hostile={sum(r['ok'] for r in hostile)}/{len(hostile)}"
    )


if __name__ == "__main__":
    main()
