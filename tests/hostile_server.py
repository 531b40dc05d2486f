"""A hostile HTTP server on 127.0.0.1 for the fetch tests and benchmarks/fuzz.py: it trickles, stalls, redirects
slowly and sends compression bombs. Every handler stops when the client goes away or after `MAX_S`."""

from __future__ import annotations

import gzip
import socket
import socketserver
import threading
import time
from contextlib import contextmanager

from bombs import stacked_gzip_bomb

ARTICLE = b"<html><body><h1>Headline</h1>" + b"<p>The mayor said the bridge would reopen in May.</p>" * 20 + b"</body>"
MAX_S = 120.0  # no handler lives longer, whatever the client does
TRICKLE_S = 0.2
REDIRECT_S = 3.0  # six hops take 18 s: past the default 15 s deadline


def _response(status: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    fields = {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body)), **(headers or {})}
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "Connection: close\r\n"
    return head.encode() + b"\r\n" + body


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.settimeout(MAX_S)
        request = b""
        try:
            while b"\r\n\r\n" not in request and len(request) < 65536:
                data = conn.recv(4096)
                if not data:
                    return
                request += data
            path = request.split(b" ", 2)[1].decode("latin-1")
            self.server.paths.append(path)  # type: ignore[attr-defined]
            self.route(conn, path)
        except OSError:  # the client gave up: that is the point
            return

    def route(self, conn: socket.socket, path: str) -> None:
        if path == "/article":
            conn.sendall(_response("200 OK", ARTICLE))
        elif path == "/gzip":
            conn.sendall(_response("200 OK", gzip.compress(ARTICLE), {"Content-Encoding": "gzip"}))
        elif path == "/brotli":
            conn.sendall(_response("200 OK", b"\x1b\x00", {"Content-Encoding": "br"}))
        elif path == "/bomb":
            conn.sendall(_response("200 OK", bomb(), {"Content-Encoding": "gzip, gzip"}))
        elif path == "/trickle-headers":
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            self.trickle(conn, b"X")
        elif path == "/trickle-body":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000000\r\n\r\n<p>")
            self.trickle(conn, b"a")
        elif path == "/silent":
            self.wait_for_close(conn)
        elif path.startswith("/slow-redirect/"):
            n = int(path.rsplit("/", 1)[1])
            time.sleep(REDIRECT_S)
            target = f"/slow-redirect/{n + 1}" if n < 5 else "/article"
            conn.sendall(_response("302 Found", headers={"Location": target}))
        else:
            conn.sendall(_response("404 Not Found", b"nope"))

    def trickle(self, conn: socket.socket, byte: bytes) -> None:
        end = time.monotonic() + MAX_S
        while time.monotonic() < end:
            conn.sendall(byte)
            time.sleep(TRICKLE_S)

    def wait_for_close(self, conn: socket.socket) -> None:
        while conn.recv(4096):
            pass


_BOMB: list[bytes] = []


def bomb() -> bytes:
    """`gzip, gzip` of 1 GB of zeros (2.5 KB), built once."""
    if not _BOMB:
        _BOMB.append(stacked_gzip_bomb())
    return _BOMB[0]


class HostileServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.paths: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def hostile_server():
    bomb()  # built before serving: building it inside a request would eat the client's deadline
    server = HostileServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
