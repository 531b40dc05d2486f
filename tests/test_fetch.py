"""URL fetching against a server on 127.0.0.1 (allowed only through an explicit test policy)."""

from __future__ import annotations

import ipaddress
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from veracity.errors import FetchError
from veracity.ingest.fetch import FetchPolicy, fetch_url, is_public_address

ARTICLE = (
    b"<html><body><h1>Headline</h1>" + b"<p>The mayor said the bridge would reopen in May.</p>" * 20 + b"</body></html>"
)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        routes = {
            "/article": (200, "text/html; charset=utf-8", ARTICLE, {}),
            "/to-article": (302, "text/html", b"", {"Location": "/article"}),
            "/to-private": (302, "text/html", b"", {"Location": "http://10.0.0.1/secret"}),
            "/loop": (302, "text/html", b"", {"Location": "/loop"}),
            "/image": (200, "image/png", b"\x89PNG....", {}),
            "/big": (200, "text/plain", b"x" * 5000, {}),
            "/missing": (404, "text/html", b"nope", {}),
        }
        status, ctype, body, headers = routes.get(self.path, routes["/missing"])
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


LOOPBACK_ONLY = FetchPolicy(address_allowed=lambda ip: ip.is_loopback, timeout_s=5)


def test_default_policy_refuses_loopback_before_connecting(server):
    with pytest.raises(FetchError, match="private, loopback or link-local"):
        fetch_url(f"{server}/article")


def test_fetches_html_and_follows_a_redirect(server):
    fetched = fetch_url(f"{server}/to-article", LOOPBACK_ONLY)
    assert fetched.url.endswith("/article") and fetched.content == ARTICLE and fetched.charset == "utf-8"


def test_every_redirect_is_checked_again(server):
    with pytest.raises(FetchError, match=r"\(10\.0\.0\.1\)"):
        fetch_url(f"{server}/to-private", LOOPBACK_ONLY)


@pytest.mark.parametrize(
    ("path", "policy", "message"),
    [
        ("/loop", LOOPBACK_ONLY, "more than 5 redirects"),
        ("/image", LOOPBACK_ONLY, "unsupported content type 'image/png'"),
        ("/big", FetchPolicy(address_allowed=lambda ip: ip.is_loopback, max_bytes=1000), "over the 1,000-byte limit"),
        ("/missing", LOOPBACK_ONLY, "HTTP 404"),
    ],
)
def test_refusals(server, path, policy, message):
    with pytest.raises(FetchError, match=message):
        fetch_url(f"{server}{path}", policy)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("8.8.8.8", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("192.168.1.1", False),
        ("172.16.0.1", False),
        ("169.254.169.254", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),
        ("fc00::1", False),
        ("224.0.0.1", False),
        ("100.64.0.1", False),
    ],
)
def test_public_address_check(address, public):
    assert is_public_address(ipaddress.ip_address(address)) is public


def test_only_http_schemes():
    with pytest.raises(FetchError, match="only http and https"):
        fetch_url("file:///etc/passwd")
