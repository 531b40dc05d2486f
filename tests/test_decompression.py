"""Decompression bombs in evidence files (issue 28): every layer of a WARC record is capped in bytes produced — the
file's gzip, header lines, chunked transfer coding, content codings — and a bomb ends in a clear message."""

from __future__ import annotations

import gzip
import os
import sys
from io import BytesIO
from pathlib import Path

import pytest

from bombs import MB, run_measured, warc_bomb
from veracity.ingest.inflate import InflateError
from veracity.ingest.warc import iter_records, record_body

ROOT = Path(__file__).resolve().parents[1]
PAGE = b"<html><body><h1>Mosul</h1><p>The minister said the army sent 70 instructors to the region.</p></body></html>"


def _record(http_head: bytes, body: bytes, *, gzipped: bool = True) -> bytes:
    payload = http_head + b"\r\n" + body
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>\r\n"
        "WARC-Target-URI: https://news.example/story\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(payload)}\r\n\r\n"
    ).encode()
    record = head + payload + b"\r\n\r\n"
    return gzip.compress(record) if gzipped else record


def _bodies(data: bytes, limit: int = 16 * MB) -> list[bytes]:
    return [record_body(r, limit) for r in iter_records(BytesIO(data)) if r.rec_type == "response"]


def test_chunked_and_gzip_encoded_pages_in_a_warc_are_read():
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (PAGE[:40], PAGE[40:])) + b"0\r\n\r\n"
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
    assert _bodies(_record(head, chunked)) == [PAGE]
    zipped = gzip.compress(PAGE)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
    assert _bodies(_record(head, zipped, gzipped=False)) == [PAGE]


def test_a_gzip_encoded_page_that_inflates_past_the_cap_is_refused():
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
    with pytest.raises(InflateError, match="over") as caught:
        _bodies(_record(head, gzip.compress(b"a" * (2 * MB))), limit=MB)
    assert caught.value.too_large


def test_a_chunk_declaring_a_gigabyte_is_read_in_slices():
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
    body = b"40000000\r\n" + b"a" * (2 * MB)  # the chunk says 1 GB; the record holds 2 MB
    with pytest.raises(InflateError, match="over 1 MB"):
        _bodies(_record(head, body), limit=MB)


def test_a_header_line_bomb_is_cut_and_refused():
    from warcio.exceptions import ArchiveLoadFailed

    line_bomb = gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nX: " + b"a" * (64 * MB), 9)
    with pytest.raises((ArchiveLoadFailed, ValueError)):
        _bodies(line_bomb)


def test_a_warc_bomb_in_corpus_add_is_skipped_with_a_clear_message_in_bounded_memory(tmp_path):
    """The maintainers' case: a 1 MB .warc.gz whose one record inflates to 1 GB, through `veracity corpus add`."""
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(warc_bomb(1024 * MB))
    assert path.stat().st_size < 1.2 * MB
    script = "from veracity.cli import app; app()"
    command = [sys.executable, "-c", script, "corpus", "add", "bomb", str(path), "--home", str(tmp_path / "home")]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("VERACITY_DB_URL", None)
    done, peak_mb = run_measured(command, env=env, timeout=300)
    print(f"WARC bomb: peak RSS {peak_mb:.0f} MB")
    assert done.returncode == 0, done.stderr
    assert "over 16 MB once decompressed" in done.stderr and "1 skipped" in done.stdout
    assert "Traceback" not in done.stderr
    assert peak_mb <= 600
    from veracity.evidence.store import Store

    assert "bomb" not in Store(tmp_path / "home").names()  # nothing stored: no empty collection either


def test_a_warc_bomb_in_a_batch_is_one_error_item(tmp_path):
    from veracity.batch.inputs import warc_items

    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(warc_bomb(64 * MB))
    (item,) = list(warc_items(path))
    assert item.kind == "error" and "over 16 MB" in item.payload
