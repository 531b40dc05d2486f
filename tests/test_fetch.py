"""URL fetching against a server on 127.0.0.1 (allowed only through an explicit test policy)."""

from __future__ import annotations

import ipaddress
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from veracity.errors import FetchError, NetworkError
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
        ("2002:7f00:1::", False),  # 6to4 for 127.0.0.1
        ("2002:a00:1::", False),  # 6to4 for 10.0.0.1
        ("2002:808:808::", True),  # 6to4 for 8.8.8.8
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),  # Teredo, client 127.0.0.1
        ("64:ff9b::7f00:1", False),  # NAT64 for 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 for 169.254.169.254
        ("64:ff9b::808:808", True),
        ("64:ff9b:1::808:808", False),  # local-use NAT64
        ("::127.0.0.1", False),  # IPv4-compatible
        ("2606:4700::1111", True),
    ],
)
def test_public_address_check(address, public):
    assert is_public_address(ipaddress.ip_address(address)) is public


def test_only_http_schemes():
    with pytest.raises(FetchError, match="only http and https"):
        fetch_url("file:///etc/passwd")


@pytest.mark.parametrize("url", ["http://[::1", "http://example.org:99999/", "http://[2002:7f00:1::]/"])
def test_malformed_or_embedded_private_urls_are_refused(url):
    with pytest.raises(FetchError) as caught:
        fetch_url(url)
    assert not isinstance(caught.value, NetworkError)


def test_network_failures_are_their_own_error_after_retries(monkeypatch):
    import socket

    calls = []

    def refuse(*args, **kwargs):
        calls.append(1)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    with pytest.raises(NetworkError, match="cannot resolve"):
        fetch_url("http://news.example.org/story")


def test_a_refused_connection_is_retried_then_a_network_error(monkeypatch):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sent = []
    real_send = httpx.Client.send

    def counting_send(self, request, **kwargs):
        sent.append(request.url)
        return real_send(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", counting_send)
    with pytest.raises(NetworkError, match="connection failed"):
        fetch_url(f"http://127.0.0.1:{port}/", LOOPBACK_ONLY)
    assert len(sent) == 3


def test_cli_exit_code_4_for_network_failure(monkeypatch):
    import socket

    from typer.testing import CliRunner

    from veracity.cli import app

    def refuse(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    result = CliRunner().invoke(app, ["analyze", "http://news.example.org/story"])
    assert result.exit_code == 4 and "cannot resolve" in result.output


def test_proxies_come_from_the_environment_only_when_set(monkeypatch):
    from veracity.ingest.fetch import _proxy_mounts

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert _proxy_mounts() is None
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert list(_proxy_mounts()) == ["https://"]
