"""Fetch an article over HTTP(S), refusing anything but public addresses.

Every hop is checked: the host is resolved here, each resolved address must be public (IPv4 addresses embedded
in IPv6 ones, as in 6to4, Teredo, NAT64 and mapped addresses, are checked as IPv4), and the request is sent to
that vetted address (Host header and TLS SNI keep the name), so a DNS answer cannot change between the check
and the connection. Redirects are followed by hand and checked the same way. Size, time and content type are
capped. Network failures (DNS, refused, reset, timeouts, 502/503/504) are `NetworkError`, tried again twice
within the time cap; `HTTP_PROXY`/`HTTPS_PROXY` are used when set.

Time is one wall-clock deadline per fetch (`FetchPolicy.timeout_s`) over DNS, connect, TLS, headers, body, retries
and redirects: every socket operation gets at most the time left (`_DeadlineBackend`), so headers trickled a byte
at a time end by the deadline too. Size counts bytes after decompression: content codings are inflated here, in
slices, with the cap on what they produce (ingest/inflate.py), never by httpx.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpcore
import httpx

from veracity._version import __version__
from veracity.errors import FetchError, NetworkError
from veracity.ingest.inflate import CappedDecoder, InflateError, content_codings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
MAX_REDIRECTS = 5
# Attempts per request when the network fails on the way (not when the server answers 4xx), with these pauses.
ATTEMPTS = 3
_BACKOFF_S = (0.5, 1.5)
_RETRY_STATUS = {502, 503, 504}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: a site's own translator, never public
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to: mapped, 6to4, Teredo (server and client), NAT64, compatible."""
    if ip.ipv4_mapped:
        return [ip.ipv4_mapped]
    if ip.sixtofour:
        return [ip.sixtofour]
    if ip.teredo:
        return list(ip.teredo)
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return []


def is_public_address(ip: IPAddress) -> bool:
    """True for globally routable unicast addresses only; an IPv6 address that embeds IPv4 ones is public only
    when they all are (2002:7f00:1:: is 6to4 for 127.0.0.1)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip in _LOCAL_NAT64:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and (inner := embedded_ipv4(ip)):
        return all(is_public_address(v4) for v4 in inner)
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_loopback)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake gets at most the time left before `deadline`."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self._stream, self._deadline = stream, deadline

    def _left(self, timeout: float | None, error: type[Exception]) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise error("the fetch deadline passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None, timeout: float | None = None):
        stream = self._stream.start_tls(ssl_context, server_hostname, self._left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(stream, self._deadline)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's blocking sockets, each operation bounded by one wall-clock deadline."""

    def __init__(self, deadline: float) -> None:
        self._backend, self._deadline = httpcore.SyncBackend(), deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ConnectTimeout("the fetch deadline passed")
        timeout = left if timeout is None else min(timeout, left)
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover - never used here
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, min(seconds, self._deadline - time.monotonic())))


def _transport(deadline: float, proxy: str | None = None) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(proxy=proxy)
    pool = transport._pool  # httpx builds the httpcore pool; only its network backend is ours
    if not hasattr(pool, "_network_backend"):
        raise AssertionError("httpcore changed: its pool has no _network_backend (pin httpcore or adapt)")
    pool._network_backend = _DeadlineBackend(deadline)
    return transport


def _proxy_mounts(deadline: float = float("inf")) -> dict[str, httpx.HTTPTransport] | None:
    """Transports for HTTP_PROXY / HTTPS_PROXY when set (read explicitly: `trust_env` would also read .netrc)."""
    mounts = {}
    for scheme in ("http", "https"):
        proxy = os.environ.get(f"{scheme.upper()}_PROXY") or os.environ.get(f"{scheme}_proxy")
        if proxy:
            mounts[f"{scheme}://"] = _transport(deadline, proxy)
    return mounts or None


@dataclass(frozen=True)
class FetchPolicy:
    max_bytes: int = 10 * 1024 * 1024
    timeout_s: float = 15.0
    address_allowed: Callable[[IPAddress], bool] = is_public_address
    accepted_types: tuple[str, ...] = ACCEPTED_TYPES  # batch adds the RSS/Atom types to fetch a feed


@dataclass(frozen=True)
class Fetched:
    url: str
    content: bytes
    content_type: str
    charset: str | None


def _resolve(host: str, port: int, deadline: float = float("inf")) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = _getaddrinfo(host, port, deadline)
    except (socket.gaierror, UnicodeError) as exc:
        raise NetworkError(
            f"cannot resolve host {host!r} ({getattr(exc, 'strerror', None) or exc})", url=host
        ) from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def _getaddrinfo(host: str, port: int, deadline: float) -> list:
    """`socket.getaddrinfo`, given up at `deadline` (the resolver cannot be interrupted: a slow answer is left to
    finish in a daemon thread)."""
    if deadline == float("inf"):
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    result: list = []

    def resolve() -> None:
        try:
            result.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            result.append(exc)

    thread = threading.Thread(target=resolve, name="veracity-resolve", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    if not result:
        raise NetworkError(f"resolving {host!r} took past the fetch deadline", url=host)
    if isinstance(result[0], BaseException):
        raise result[0]
    return result[0]


def _vetted_target(url: str, policy: FetchPolicy, deadline: float = float("inf")) -> tuple[str, str, IPAddress]:
    """Check one URL; return (url to connect to, original host, the address used)."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:  # 'http://[::1', a port over 65535
        raise FetchError(f"malformed URL ({exc})", url=url) from None
    if parts.scheme not in ("http", "https"):
        raise FetchError("only http and https URLs can be fetched", url=url)
    if not parts.hostname:
        raise FetchError("URL has no host", url=url)
    addresses = _resolve(parts.hostname, port, deadline)
    refused = [ip for ip in addresses if not policy.address_allowed(ip)]
    if refused or not addresses:
        raise FetchError(f"refusing to fetch a private, loopback or link-local address ({refused[0]})", url=url)
    ip = addresses[0]
    netloc = f"[{ip}]" if ip.version == 6 else str(ip)
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), parts.hostname, ip


def fetch_url(url: str, policy: FetchPolicy | None = None) -> Fetched:
    policy = policy or FetchPolicy()
    deadline = time.monotonic() + policy.timeout_s
    timeout = httpx.Timeout(policy.timeout_s)
    # Only codings inflated here (with the size cap) are offered; httpx would inflate more, uncapped.
    headers = {"User-Agent": f"veracity/{__version__} (+article check)", "Accept": "text/html, text/plain",
               "Accept-Encoding": "gzip, deflate"}  # fmt: skip
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, transport=_transport(deadline),
                      mounts=_proxy_mounts(deadline)) as client:  # fmt: skip
        for _ in range(MAX_REDIRECTS + 1):
            target, host, _ip = _vetted_target(url, policy, deadline)
            host_header = urlsplit(url).netloc.rsplit("@", 1)[-1]
            request = client.build_request(
                "GET", target, headers={**headers, "Host": host_header}, extensions={"sni_hostname": host}
            )
            response = _send(client, request, url, policy, deadline)
            try:
                if response.is_redirect:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError("redirect without a Location header", url=url, status=response.status_code)
                    url = urljoin(url, location)
                    continue
                return _read_body(response, url, policy, deadline)
            finally:
                response.close()
    raise FetchError(f"more than {MAX_REDIRECTS} redirects", url=url)


def _send(
    client: httpx.Client, request: httpx.Request, url: str, policy: FetchPolicy, deadline: float
) -> httpx.Response:
    """Send, trying again after a network failure or a 502/503/504 while attempts and time are left."""
    for attempt in range(ATTEMPTS):
        pause = _BACKOFF_S[min(attempt, 1)]
        try:
            response = client.send(request, stream=True)
        except httpx.TimeoutException:
            if _last(attempt, pause, deadline):
                raise NetworkError(f"timed out after {policy.timeout_s:g} s", url=url) from None
        except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as exc:
            if _last(attempt, pause, deadline):
                raise NetworkError(f"connection failed ({type(exc).__name__}: {exc})", url=url) from None
        except httpx.HTTPError as exc:
            raise FetchError(f"request failed ({type(exc).__name__})", url=url) from None
        else:
            if response.status_code not in _RETRY_STATUS or _last(attempt, pause, deadline):
                return response
            response.close()
        time.sleep(pause)
    raise AssertionError("unreachable: the last attempt returns or raises")


def _last(attempt: int, pause: float, deadline: float) -> bool:
    """No attempt after this one: none left, or no time for the pause and a try (judged after the failure)."""
    return attempt == ATTEMPTS - 1 or time.monotonic() + pause >= deadline


def _read_body(response: httpx.Response, url: str, policy: FetchPolicy, deadline: float) -> Fetched:
    if response.status_code in _RETRY_STATUS:
        raise NetworkError(f"server answered HTTP {response.status_code}", url=url, status=response.status_code)
    if response.status_code >= 400:
        raise FetchError(f"server answered HTTP {response.status_code}", url=url, status=response.status_code)
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in policy.accepted_types:
        raise FetchError(f"unsupported content type {content_type or 'none'!r} (want HTML or plain text)", url=url)
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchError(f"page is {int(declared):,} bytes, over the {policy.max_bytes:,}-byte limit", url=url)
    try:
        decoder = CappedDecoder(content_codings(response.headers.get("content-encoding")), policy.max_bytes)
    except InflateError as exc:
        raise FetchError(str(exc), url=url) from None
    body = bytearray()
    try:
        for chunk in response.iter_raw():
            if time.monotonic() > deadline:
                raise NetworkError(f"timed out after {policy.timeout_s:g} s", url=url)
            body += decoder.feed(chunk)
            if len(body) > policy.max_bytes:
                break
        else:
            body += decoder.finish()
    except InflateError as exc:
        if exc.too_large:
            raise FetchError(f"page is over the {policy.max_bytes:,}-byte limit once decompressed", url=url) from None
        raise FetchError(f"the page's content encoding is broken ({exc})", url=url) from None
    except httpx.TimeoutException:
        raise NetworkError(f"timed out after {policy.timeout_s:g} s", url=url) from None
    except httpx.HTTPError as exc:
        raise NetworkError(f"download failed ({type(exc).__name__})", url=url) from None
    if len(body) > policy.max_bytes:
        raise FetchError(f"page is over the {policy.max_bytes:,}-byte limit", url=url)
    return Fetched(url=url, content=bytes(body), content_type=content_type, charset=response.charset_encoding)


def check_url(url: str, policy: FetchPolicy | None = None) -> None:
    """Raise FetchError now if `url` would be refused (scheme, no host, a private or loopback address), so a front end
    can answer at once; `fetch_url` checks again, on every hop, when it runs."""
    _vetted_target(url, policy or FetchPolicy(), time.monotonic() + (policy or FetchPolicy()).timeout_s)
