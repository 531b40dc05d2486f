"""Batch output a user can look at early (issue 29): the first part is on disk after one article, every table
exists with its schema from the start (DuckDB can query `evidence/*.parquet` without a corpus), and every error
row says when it happened."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from conftest import DATA
from veracity.batch import BatchConfig, run_batch
from veracity.batch.inputs import TableColumns, collect_items
from veracity.batch.parts import EMPTY_PART, Dataset
from veracity.batch.run import DEFAULT_CHUNK_SIZE, make_chunks
from veracity.batch.tables import SCHEMAS

ARTICLES = DATA / "batch" / "articles"


def _folder(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    texts = [p.read_text() for p in sorted(ARTICLES.glob("*.txt")) if p.stat().st_size]
    for k in range(n):
        (folder / f"{k:02d}.txt").write_text(f"Story {k}. " + texts[k % len(texts)])
    return folder


def test_the_first_chunks_grow_from_one_input_to_the_chunk_size(tmp_path):
    items = collect_items([_folder(tmp_path, 40)], columns=TableColumns())
    sizes = [len(c) for c in make_chunks(items, DEFAULT_CHUNK_SIZE)]
    assert sizes == [1, 2, 4, 8, 16, 9] and sum(sizes) == 40


def test_every_table_is_there_with_its_schema_before_any_input_is_written(tmp_path):
    out = tmp_path / "out"
    Dataset(str(out)).prepare()
    for table, schema in SCHEMAS.items():
        part = out / table / f"{EMPTY_PART}.parquet"
        assert pq.read_schema(part).equals(schema) and pq.read_table(part).num_rows == 0
        assert duckdb.sql(f"SELECT count(*) FROM '{out}/{table}/*.parquet'").fetchall() == [(0,)]
    assert Dataset(str(out)).prepare() == 0  # kept by the next run, not taken for an interrupted part
    assert Dataset(str(out)).done_keys() == set()


def test_without_a_corpus_evidence_and_spans_still_query_and_errors_carry_a_time(tmp_path):
    folder = _folder(tmp_path, 2)
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    before = datetime.now(UTC)
    summary = run_batch(BatchConfig(inputs=[folder], out=str(out)))
    assert (summary.articles, summary.errors) == (2, 1)
    assert duckdb.sql(f"SELECT count(*) FROM '{out}/evidence/*.parquet'").fetchall() == [(0,)]
    assert duckdb.sql(f"SELECT count(*) FROM '{out}/spans/*.parquet'").fetchall() == [(0,)]
    failed = duckdb.sql(f"SELECT input_id, failed_at FROM '{out}/errors/*.parquet'").fetchall()
    assert len(failed) == 1 and failed[0][0].endswith("empty.txt")
    assert before <= failed[0][1] <= datetime.now(UTC)


def test_the_first_article_is_on_disk_long_before_the_batch_ends(tmp_path):
    """The default chunking, in a subprocess as a user runs it: the first part holds one article and is written
    while the batch still runs (measured: 5.6 s from the start on 2 cores busy with training, models included)."""
    folder, out = _folder(tmp_path, 12), tmp_path / "out"
    command = [sys.executable, "-c", "from veracity.cli import app; app()", "batch", str(folder), "--out", str(out),
               "--quiet"]  # fmt: skip
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first: list[Path] = []
    try:
        while proc.poll() is None and not first and time.monotonic() - started < 120:
            # oldest first: on a loaded machine the next part may already be there too (names are hashes)
            first = sorted((p for p in (out / "articles").glob("part-*.parquet") if p.stem != EMPTY_PART),
                           key=lambda p: p.stat().st_mtime_ns)  # fmt: skip
            time.sleep(0.05)
        seconds, running = time.monotonic() - started, proc.poll() is None
        assert first, proc.stderr.read().decode() if proc.stderr else "no part written"
        assert pq.read_table(first[0]).num_rows == 1
        assert running, f"the batch ended ({seconds:.1f} s) before its first part appeared"
    finally:
        proc.wait(timeout=300)
