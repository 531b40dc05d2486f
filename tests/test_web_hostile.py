"""The web server against hostile clients and pages (issue 28): stuck fetches, crash loops, oversized chunked
bodies, slow requests, upload names, quotas and rates. Fake analyzer (no models); real sockets on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from hostile_server import hostile_server
from test_web import wait
from veracity.ingest.fetch import FetchPolicy
from veracity.web.app import create_app
from veracity.web.security import Settings
from webfakes import FakeAnalyzer

LOOPBACK = FetchPolicy(address_allowed=lambda ip: ip.is_loopback)
TEXT = b"The minister said on Tuesday that 200 soldiers would stay in Iraq until 2019.\n"


def make_app(home, **settings):
    settings = Settings(home=home, extra_hosts=("testserver",), **settings)
    return create_app(settings, analyzer_factory=FakeAnalyzer, warm_up=False, fetch_policy=LOOPBACK)


def test_a_hostile_url_times_out_and_frees_the_only_worker(tmp_path):
    with hostile_server() as server, TestClient(make_app(tmp_path / "h", timeout=2.0, workers=1)) as c:
        stuck = c.post("/v1/analyze", json={"url": f"{server.url}/trickle-headers"}).json()["id"]
        plain = c.post("/v1/analyze", json={"text": "Officials said 200 soldiers stay."}).json()["id"]
        t0 = time.monotonic()
        assert wait(c, stuck, timeout=15)["status"] == "failed"
        assert wait(c, plain, timeout=15)["status"] == "done"
        assert time.monotonic() - t0 < 8  # the fetch ended by the job's deadline; the worker went on


def test_a_url_job_is_fetched_by_the_worker(tmp_path):
    with hostile_server() as server, TestClient(make_app(tmp_path / "h")) as c:
        job = wait(c, c.post("/v1/analyze", json={"url": f"{server.url}/gzip"}).json()["id"])
        assert job["status"] == "done", job


def test_a_job_that_crashed_the_server_three_times_fails_instead_of_looping(tmp_path):
    home = tmp_path / "home"
    first = TestClient(make_app(home))  # no `with`: the worker pool never runs; the test plays the crashed server
    job = first.post("/v1/analyze", json={"text": "Queued before the crashes."}).json()["id"]
    store = first.app.state.store
    for crash in range(3):
        assert store.claim_next().id == job  # a worker takes it ... and the server is killed
        if crash < 2:
            assert store.requeue_running() == (1, 0)  # the next start queues it again
    with TestClient(make_app(home)) as second:
        failed = wait(second, job)
    assert failed["status"] == "failed" and "stopped 3 times while running this job" in failed["error"]


def test_a_jobs_table_from_before_the_attempt_counter_gains_it(tmp_path):
    from sqlalchemy import text

    from veracity.web.db import ReportStore

    store = ReportStore(tmp_path)
    with store.engine.begin() as conn:
        conn.execute(text("ALTER TABLE web_jobs DROP COLUMN attempts"))
    store.engine.dispose()
    again = ReportStore(tmp_path)
    job = again.submit(kind="text", text="x", options={})
    assert again.claim_next().attempts == 1 and job.id


def test_an_oversized_chunked_body_gets_413_on_every_route(tmp_path):
    def chunks():
        for _ in range(12):
            yield b"x" * (1024 * 1024)

    multipart = {"content-type": "multipart/form-data; boundary=b"}
    with TestClient(make_app(tmp_path / "h")) as c:
        for path, headers in [("/v1/analyze", {"content-type": "application/json"}), ("/analyze", multipart),
                              ("/v1/corpora/notes/documents", multipart), ("/collections/add", multipart)]:  # fmt: skip
            response = c.post(path, content=chunks(), headers=headers)
            assert response.status_code == 413 and "limit" in response.json()["detail"], (path, response.text)


def _names(c) -> list[str]:
    return [x["name"] for x in c.get("/v1/corpora").json()]


def test_a_300_character_file_name_is_a_clear_422_and_leaves_no_collection(tmp_path):
    home = tmp_path / "h"
    long_name = "a" * 296 + ".txt"
    with TestClient(make_app(home)) as c:
        answer = c.post("/v1/corpora/notes/documents", files={"files": (long_name, TEXT, "text/plain")})
        assert answer.status_code == 422 and "100 characters at most" in answer.json()["detail"]
        form = c.post("/collections/add", data={"name": "notes"}, files={"files": (long_name, TEXT, "text/plain")})
        assert form.status_code == 422 and "100 characters at most" in form.text
        assert _names(c) == [] and not (home / "uploads" / "notes").exists()


def test_unreadable_uploads_leave_no_collection_and_no_server_path_in_the_answer(tmp_path):
    home = tmp_path / "h"
    with TestClient(make_app(home)) as c:
        png = {"files": ("pic.txt", b"\x89PNG\r\n\x1a\n....", "text/plain")}
        answer = c.post("/v1/corpora/notes/documents", files=png)
        assert answer.status_code == 200, answer.text
        assert answer.json()["added"] == 0 and answer.json()["skipped"] == [
            "pic.txt: input is a PNG image, not an article (expected text or HTML)"
        ]
        assert str(tmp_path) not in answer.text
        assert _names(c) == [] and not (home / "uploads" / "notes").exists()


def test_uploads_have_a_count_and_a_size_quota_per_collection(tmp_path):
    with TestClient(make_app(tmp_path / "h", upload_quota_files=2, upload_quota_mb=0.01)) as c:
        three = [("files", (f"{k}.txt", TEXT, "text/plain")) for k in range(3)]
        answer = c.post("/v1/corpora/notes/documents", files=three)
        assert answer.status_code == 413 and "2 uploaded files at most" in answer.json()["detail"]
        big = c.post("/v1/corpora/notes/documents", files={"files": ("big.txt", b"word " * 4000, "text/plain")})
        assert big.status_code == 413 and "0.01 MB" in big.json()["detail"]
        assert _names(c) == []


def test_uploads_are_rate_limited_per_client(tmp_path):
    with TestClient(make_app(tmp_path / "h", upload_rate_limit=1)) as c:
        bad = {"files": ("a" * 200 + ".txt", TEXT, "text/plain")}  # refused after the rate check: no model loads
        assert c.post("/v1/corpora/notes/documents", files=bad).status_code == 422
        second = c.post("/v1/corpora/notes/documents", files=bad)
        assert second.status_code == 429 and "uploads a minute" in second.json()["detail"]


@contextmanager
def serving(app, *, header_timeout: float):
    import uvicorn

    from veracity.web.server import uvicorn_config

    server = uvicorn.Server(uvicorn_config(app, host="127.0.0.1", port=0, header_timeout=header_timeout,
                                           log_level="warning"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)


def _answer_within(sock: socket.socket, seconds: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and how long that took."""
    t0 = time.monotonic()
    sock.settimeout(seconds)
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    return data, time.monotonic() - t0


@pytest.fixture
def live(tmp_path):
    app = make_app(tmp_path / "h", body_timeout=1.0)
    with serving(app, header_timeout=1.0) as port:
        yield port


def _one_response(s: socket.socket) -> bytes:
    """One whole HTTP/1.1 response (headers and a Content-Length body), however the segments arrive."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = int(next(line.split(b":")[1] for line in lines if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += s.recv(65536)
    return head + b"\r\n\r\n" + body


def test_the_guarded_server_answers_ordinary_requests_with_keep_alive(live):
    with socket.create_connection(("127.0.0.1", live)) as s:
        s.settimeout(10)
        for _ in range(2):
            s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            reply = _one_response(s)
            assert reply.startswith(b"HTTP/1.1 200"), reply


@pytest.mark.parametrize("trickle", [b"", b"GET /v1/health HTTP/1.1\r\nX-Slow: "], ids=["silent", "trickled headers"])
def test_slow_request_headers_are_cut_off(live, trickle):
    with socket.create_connection(("127.0.0.1", live)) as s:
        s.sendall(trickle)
        t0 = time.monotonic()
        closed = False
        while time.monotonic() - t0 < 10 and not closed:
            try:
                if trickle:
                    s.sendall(b"a")
                s.settimeout(0.3)
                closed = s.recv(4096) != b"" or True
            except TimeoutError:
                continue
            except OSError:
                closed = True
        assert closed and time.monotonic() - t0 < 4


def test_a_slow_request_body_gets_408(live):
    with socket.create_connection(("127.0.0.1", live)) as s:
        s.sendall(b"POST /v1/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 1000\r\n\r\n{\"text\": \"")  # fmt: skip
        reply, seconds = _answer_within(s, 10)
    assert reply.startswith(b"HTTP/1.1 408") and b"took over 1 s" in reply and seconds < 4
