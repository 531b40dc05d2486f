"""Hostile servers on 127.0.0.1 (issue 28): one wall-clock deadline per fetch over connect, headers, body, retries
and redirects; content codings inflated with the size cap, stacked ones too."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from bombs import run_measured
from hostile_server import ARTICLE, hostile_server
from veracity.errors import FetchError, NetworkError
from veracity.ingest.fetch import FetchPolicy, fetch_url

ROOT = Path(__file__).resolve().parents[1]
DEADLINE_S = 2.0
POLICY = FetchPolicy(address_allowed=lambda ip: ip.is_loopback, timeout_s=DEADLINE_S)
SLACK_S = 3.0  # thread start-up and a loaded machine (before: 35 s for a silent server, 76 s for slow redirects)


@pytest.fixture(scope="module")
def server():
    with hostile_server() as s:
        yield s


@pytest.mark.parametrize("path", ["/trickle-headers", "/trickle-body", "/silent", "/slow-redirect/0"])
def test_a_fetch_ends_by_its_deadline_whatever_the_server_does(server, path):
    t0 = time.monotonic()
    with pytest.raises(NetworkError, match="timed out"):
        fetch_url(f"{server.url}{path}", POLICY)
    assert time.monotonic() - t0 < DEADLINE_S + SLACK_S


def test_a_silent_server_is_not_tried_again_past_the_deadline(server):
    before = server.paths.count("/silent")
    with pytest.raises(NetworkError):
        fetch_url(f"{server.url}/silent", POLICY)
    assert server.paths.count("/silent") - before == 1  # the one attempt used the whole deadline


def test_gzip_pages_are_inflated(server):
    assert fetch_url(f"{server.url}/gzip", POLICY).content == ARTICLE


def test_an_unread_content_encoding_is_a_clear_refusal(server):
    with pytest.raises(FetchError, match="unsupported content encoding 'br'"):
        fetch_url(f"{server.url}/brotli", POLICY)


def test_a_stacked_gzip_bomb_is_refused_in_bounded_memory(server):
    """`gzip, gzip` of 1 GB in 2.5 KB: refused at the 10 MB cap, counted after inflating, in a process of its own."""
    script = (
        "from veracity.errors import FetchError\n"
        "from veracity.ingest.fetch import FetchPolicy, fetch_url\n"
        "try:\n"
        f"    fetch_url({server.url + '/bomb'!r}, FetchPolicy(address_allowed=lambda ip: ip.is_loopback))\n"
        "except FetchError as exc:\n"
        "    print(exc)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done, peak_mb = run_measured([sys.executable, "-c", script], env=env, timeout=120)
    print(f"stacked gzip bomb: peak RSS {peak_mb:.0f} MB")
    assert done.returncode == 0, done.stderr
    assert "over the 10,485,760-byte limit once decompressed" in done.stdout
    assert peak_mb < 200
