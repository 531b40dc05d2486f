"""`veracity batch`: every input exactly once in `articles` or `errors`, resume, exit codes, the README query."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import DATA, ROOT
from veracity.batch import BatchConfig, run_batch
from veracity.batch.inputs import TableColumns, collect_items
from veracity.batch.parts import EMPTY_PART, Dataset, part_name
from veracity.batch.run import make_chunks
from veracity.cli import app
from veracity.ingest.fetch import FetchPolicy

BATCH = DATA / "batch"
URLS = DATA / "batch-urls.txt"
FEED = DATA / "batch-feed.xml"
TABLE_FLAGS = ["--text-column", "content", "--id-column", "id", "--url-column", "url", "--title-column", "title"]
runner = CliRunner()


def rows(out: Path, table: str) -> list[dict]:
    parts = sorted((out / table).glob("*.parquet"))
    return [row for p in parts for row in pq.read_table(p).to_pylist()]


def ids(out: Path, table: str) -> list[str]:
    return [r["input_id"] for r in rows(out, table)]


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    """One batch over every kind of fixture input (in-process worker), shared by the assertions below."""
    out = tmp_path_factory.mktemp("batch") / "out"
    result = runner.invoke(app, ["batch", str(BATCH), "--urls", str(URLS), *TABLE_FLAGS, "--out", str(out),
                                 "--chunk-size", "3", "--quiet", "--json"])  # fmt: skip
    return out, result


def test_inputs_are_read_from_folders_tables_warcs_and_url_lists():
    items = collect_items([BATCH], columns=TableColumns(text="content", id="id", url="url"), url_lists=[URLS])
    by_id = {i.input_id: i for i in items}
    assert len(by_id) == len(items) == 14
    assert by_id[f"{BATCH}/table.csv#a1"].url == "https://www.example.com/library"
    assert by_id[f"{BATCH}/table.csv#a3"].url is None  # 'not-a-url' is not an address
    assert by_id[f"{BATCH}/table.csv#a1@row=4"].kind == "error"  # a repeated id is not analysed twice
    assert by_id[f"{BATCH}/table.jsonl#row=2"].kind == "error"  # broken JSON line
    warc = [i for i in items if i.source.endswith(".warc.gz")]
    assert len(warc) == 1 and warc[0].url == "https://news.example.org/harbour"  # the PNG record is skipped
    assert by_id["http://127.0.0.1:9/private-story"].kind == "url"


def test_url_chunks_hold_one_host_each():
    items = collect_items([], columns=TableColumns(), url_lists=[URLS])
    items += collect_items([BATCH / "articles"], columns=TableColumns())
    chunks = make_chunks(items, 2)
    assert all(len({i.host for i in chunk}) == 1 for chunk in chunks)


def test_every_input_lands_once_in_articles_or_errors(full_run):
    out, result = full_run
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"batch: 14 inputs: 7 analysed, 7 errors, 0 already done; .*", result.stdout.strip())
    articles, errors = ids(out, "articles"), ids(out, "errors")
    assert len(articles) + len(errors) == 14 and len(set(articles) | set(errors)) == 14
    assert not set(articles) & set(errors)
    claims = rows(out, "claims")
    assert claims and {c["input_id"] for c in claims} <= set(articles)
    assert all((out / a["json_file"]).is_file() for a in rows(out, "articles"))


def test_bad_inputs_are_errors_with_a_clear_message(full_run):
    out, _ = full_run
    errors = {r["input_id"]: r for r in rows(out, "errors")}
    assert "PNG image" in errors[f"{BATCH}/articles/logo.png"]["message"]
    assert errors[f"{BATCH}/articles/empty.txt"]["message"] == "input is empty"
    assert errors[f"{BATCH}/table.csv#a2"]["stage"] == "ingest"
    assert "not JSON" in errors[f"{BATCH}/table.jsonl#row=2"]["message"]
    refused = errors["http://127.0.0.1:9/private-story"]
    assert refused["stage"] == "fetch" and "private, loopback" in refused["message"]


def test_re_running_skips_everything_already_written(full_run):
    out, _ = full_run
    before = {t: len(rows(out, t)) for t in ("articles", "claims", "errors")}
    result = runner.invoke(app, ["batch", str(BATCH), "--urls", str(URLS), *TABLE_FLAGS, "--out", str(out), "-q"])
    assert result.exit_code == 0 and "0 analysed, 0 errors, 14 already done" in result.stdout
    assert {t: len(rows(out, t)) for t in before} == before


def test_the_readme_duckdb_query_runs_on_the_output(full_run):
    out, _ = full_run
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    query = re.search(r"```sql\n(.*?)```", readme, re.S).group(1).replace("'out/", f"'{out}/")
    result = duckdb.sql(query).fetchall()
    assert sum(r[2] for r in result) == 7  # every analysed article, grouped by outlet
    assert ("example.com", "unrated", 1) in [r[:3] for r in result]


def test_exit_1_only_when_every_input_failed(tmp_path):
    result = runner.invoke(app, ["batch", str(BATCH / "articles" / "empty.txt"), str(BATCH / "articles" / "logo.png"),
                                 "--out", str(tmp_path / "o"), "-q"])  # fmt: skip
    assert result.exit_code == 1 and "0 analysed, 2 errors" in result.stdout


def test_missing_input_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["batch", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "no such file or folder" in result.stderr


def test_an_interrupted_part_is_removed_before_a_run(tmp_path):
    out = tmp_path / "o"
    dataset = Dataset(str(out))
    dataset.prepare()
    (out / "claims" / "part-orphan.parquet").write_bytes(b"half")  # its articles file was never written
    (out / "articles" / "part-x.parquet.tmp").write_bytes(b"half")
    assert dataset.prepare() == 2 and not list(out.rglob("*orphan*")) and not list(out.rglob("*.tmp"))
    assert part_name([("a", "1"), ("b", "2")]) == part_name([("b", "2"), ("a", "1")])


def _articles(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    texts = [p.read_text() for p in sorted((BATCH / "articles").glob("*.txt")) if p.stat().st_size]
    for k in range(n):
        (folder / f"{k:02d}.txt").write_text(f"Story {k}. " + texts[k % len(texts)])
    return folder


def test_a_batch_killed_with_sigkill_and_re_run_writes_every_input_exactly_once(tmp_path):
    folder, out = _articles(tmp_path, 12), tmp_path / "out"
    command = [sys.executable, "-c", "from veracity.cli import app; app()", "batch", str(folder),
               "--out", str(out), "--chunk-size", "1", "--quiet"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import time

        deadline = time.monotonic() + 120
        def written() -> list[Path]:  # parts holding articles (not the empty part every table starts with)
            return [p for p in (out / "articles").glob("*.parquet") if p.stem != EMPTY_PART]

        while not written() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.kill()  # SIGKILL: no cleanup runs
    finally:
        proc.wait()
    written = len(ids(out, "articles"))
    assert 1 <= written < 12, "the batch should have been killed mid-run"
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{12 - written} analysed, 0 errors, {written} already done" in rerun.stdout
    done = ids(out, "articles")
    assert sorted(done) == sorted(str(p) for p in folder.iterdir())  # all twelve, once each
    assert len(ids(out, "claims")) == len({c["claim_key"] for c in rows(out, "claims")})  # no duplicate claims


def _comparable(out: Path) -> dict[str, list]:
    """Every table's rows without what varies run to run (timings, report ids, times)."""
    varying = {"timings_ms", "report_id", "analyzed_at", "json_file", "failed_at"}
    return {t: sorted(repr(sorted((k, v) for k, v in r.items() if k not in varying)) for r in rows(out, t))
            for t in ("articles", "claims", "evidence", "spans", "errors")}  # fmt: skip


def test_dask_local_writes_the_same_rows_as_two_local_workers(tmp_path):
    folder = _articles(tmp_path, 4)
    shutil.copy(BATCH / "articles" / "logo.png", folder / "logo.png")
    base = {"inputs": [folder], "workers": 2, "chunk_size": 2}
    pool = run_batch(BatchConfig(out=str(tmp_path / "pool"), **base))
    dask = run_batch(BatchConfig(out=str(tmp_path / "dask"), dask="local", **base))
    assert (pool.articles, pool.errors) == (dask.articles, dask.errors) == (4, 1)
    assert len(pool.workers) == 2  # two worker processes, not the driver
    assert _comparable(tmp_path / "pool") == _comparable(tmp_path / "dask")


class _Flaky(BaseHTTPRequestHandler):
    """/story: an article; /flaky: 503 on the first request, then the article; /gone: 404."""

    seen: ClassVar[Counter] = Counter()
    ARTICLE = b"<html><body><h1>Dam</h1><p>Engineers said the dam will be repaired by June at a cost of $9 million.</p>"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.seen[self.path] += 1
        status = {"/story": 200, "/flaky": 503 if self.seen["/flaky"] == 1 else 200}.get(self.path, 404)
        body, kind = (self.ARTICLE + b"</body></html>" if status == 200 else b"no"), "text/html; charset=utf-8"
        if self.path == "/feed.xml":
            status, kind = 200, "application/rss+xml"
            story = f"127.0.0.1:{self.server.server_port}/story".encode()
            body = FEED.read_bytes().replace(b"127.0.0.1:9/harbour", story)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_url_lists_are_fetched_safely_with_retries_on_5xx(tmp_path):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        urls = tmp_path / "urls.txt"
        urls.write_text(f"{base}/story\n{base}/flaky\n{base}/gone\n")
        loopback = FetchPolicy(address_allowed=lambda ip: ip.is_loopback, timeout_s=5)
        config = BatchConfig(url_lists=[urls], out=str(tmp_path / "o"), fetch_policy=loopback, fetch_backoff_s=0.01)
        summary = run_batch(config)
        refused = run_batch(config.model_copy(update={"fetch_policy": None, "out": str(tmp_path / "o2")}))
    finally:
        httpd.shutdown()
    assert (summary.articles, summary.errors) == (2, 1)
    assert _Flaky.seen["/flaky"] == 2 and _Flaky.seen["/gone"] == 1  # 5xx retried, 404 final
    assert "HTTP 404" in rows(tmp_path / "o", "errors")[0]["message"]
    assert all(dict(r["timings_ms"])["fetch"] > 0 for r in rows(tmp_path / "o", "articles"))  # a map column
    # Without the test's policy the fetcher refuses the loopback server, before connecting.
    assert (refused.articles, refused.errors) == (0, 3)
    assert sum(_Flaky.seen[p] for p in ("/story", "/flaky", "/gone")) == 4  # nothing more reached the server


def test_feed_entries_are_fetched_as_urls_with_their_title_and_date(tmp_path):
    items = collect_items([], columns=TableColumns(), feeds=[str(FEED)])
    assert [(i.kind, i.title, i.published) for i in items] == [
        ("url", "Harbour expansion approved", "2026-03-03T10:00:00Z"),
        ("url", "School budget", "2026-03-04T08:30:00Z"),
        ("error", None, None),  # an entry without a link
    ]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        feed_url = f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml"
        loopback = FetchPolicy(address_allowed=lambda ip: ip.is_loopback, timeout_s=5)
        summary = run_batch(BatchConfig(feeds=[feed_url], out=str(tmp_path / "o"), fetch_policy=loopback))
    finally:
        httpd.shutdown()
    assert (summary.articles, summary.errors) == (1, 2)  # the served story; port 9 refused; the entry without link
    [article] = rows(tmp_path / "o", "articles")
    assert article["published"] == "2026-03-03T10:00:00Z" and article["input_id"].endswith("/story")


def test_worker_threads_cap_the_onnx_sessions():
    from veracity.batch.run import threads_per_worker
    from veracity.runtime import limit_onnx_threads, model_path, onnx_session

    assert threads_per_worker(1) >= threads_per_worker(2) >= 1
    limit_onnx_threads(1)
    try:
        session = onnx_session(model_path("minilm-l6-int8.onnx"), threads=2)
    finally:
        limit_onnx_threads(None)
    assert session.get_session_options().intra_op_num_threads == 1
