"""What the batch driver costs as inputs grow (the parts that do not scale out with workers), by simulation.

    .venv/bin/python benchmarks/batch_scale.py [--parts 5000] [--rows-per-part 16] [--folder DIR] [--table CSV]

1. Driver memory per input: `collect_items` over a folder of article files (items hold paths) and over a CSV
   (items hold the text), measured with tracemalloc.
2. Resume scan: `Dataset.prepare()` + `done_keys()` over N synthetic committed parts, as a re-run of a batch of
   N x rows-per-part inputs does before it starts.
Prints one line per figure; the last line is `done_keys_s_per_million_inputs=N.N`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

from machine import machine_line

from veracity.batch.inputs import TableColumns, collect_items
from veracity.batch.parts import Dataset
from veracity.batch.tables import empty_rows

ROOT = Path(__file__).resolve().parents[1]


def item_bytes(inputs: list[Path], columns: TableColumns) -> tuple[int, float]:
    tracemalloc.start()
    items = collect_items(inputs, columns=columns)
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return len(items), current / max(len(items), 1)


def resume_scan(parts: int, rows_per_part: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory(prefix="batch-scale-") as out:
        dataset = Dataset(out)
        dataset.prepare()
        for p in range(parts):
            rows = empty_rows()
            rows["articles"] = [{"input_id": f"/data/articles/{p:07d}/{r:03d}.txt", "content_hash": f"{p:016x}{r:016x}",
                                 "words": 600, "assessment": ["an assessment sentence"] * 3}
                                for r in range(rows_per_part)]  # fmt: skip
            dataset.write_part(f"part-{p:024x}", rows)
        t0 = time.perf_counter()
        dataset.prepare()
        t1 = time.perf_counter()
        keys = dataset.done_keys()
        t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--parts", type=int, default=5000)
    parser.add_argument("--rows-per-part", type=int, default=16)
    parser.add_argument("--folder", default="../shared/data/articles/horne2017")
    parser.add_argument("--table", default="../shared/data/articles/fakenewscorpus_sample.csv")
    args = parser.parse_args()
    print(machine_line())
    folder, table = ROOT / args.folder, ROOT / args.table
    n, per = item_bytes([folder], TableColumns())
    print(f"driver memory per file input: {per:,.0f} bytes ({n} files in {args.folder})")
    n, per = item_bytes([table], TableColumns(text="content", id="id", url="url"))
    print(f"driver memory per table row: {per:,.0f} bytes ({n} rows of {args.table}, text held in memory)")
    prepare_s, scan_s, keys = resume_scan(args.parts, args.rows_per_part)
    print(f"resume scan of {args.parts} parts ({keys:,} inputs): prepare {prepare_s:.2f} s, done_keys {scan_s:.2f} s")
    print(f"done_keys_s_per_million_inputs={scan_s / keys * 1e6:.1f}")


if __name__ == "__main__":
    main()
