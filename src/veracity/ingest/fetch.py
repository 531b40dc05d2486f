"""Fetch an article over HTTP(S), refusing anything but public addresses.

Every hop is checked: the host is resolved here, each resolved address must be public, and the request is
sent to that vetted address (Host header and TLS SNI keep the name), so a DNS answer cannot change between
the check and the connection. Redirects are followed by hand and checked the same way. Size, time and
content type are capped.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from veracity._version import __version__
from veracity.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
MAX_REDIRECTS = 5


def is_public_address(ip: IPAddress) -> bool:
    """True for globally routable unicast addresses only."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_loopback)


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


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve host {host!r} ({exc.strerror})", url=host) from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def _vetted_target(url: str, policy: FetchPolicy) -> tuple[str, str, IPAddress]:
    """Check one URL; return (url to connect to, original host, the address used)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError("only http and https URLs can be fetched", url=url)
    if not parts.hostname:
        raise FetchError("URL has no host", url=url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve(parts.hostname, port)
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
    headers = {"User-Agent": f"veracity/{__version__} (+article check)", "Accept": "text/html, text/plain"}
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            target, host, _ip = _vetted_target(url, policy)
            host_header = urlsplit(url).netloc.rsplit("@", 1)[-1]
            request = client.build_request(
                "GET", target, headers={**headers, "Host": host_header}, extensions={"sni_hostname": host}
            )
            try:
                response = client.send(request, stream=True)
            except httpx.TimeoutException:
                raise FetchError(f"timed out after {policy.timeout_s:g} s", url=url) from None
            except httpx.HTTPError as exc:
                raise FetchError(f"connection failed ({type(exc).__name__})", url=url) from None
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


def _read_body(response: httpx.Response, url: str, policy: FetchPolicy, deadline: float) -> Fetched:
    if response.status_code >= 400:
        raise FetchError(f"server answered HTTP {response.status_code}", url=url, status=response.status_code)
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in policy.accepted_types:
        raise FetchError(f"unsupported content type {content_type or 'none'!r} (want HTML or plain text)", url=url)
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchError(f"page is {int(declared):,} bytes, over the {policy.max_bytes:,}-byte limit", url=url)
    body = bytearray()
    try:
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > policy.max_bytes:
                raise FetchError(f"page is over the {policy.max_bytes:,}-byte limit", url=url)
            if time.monotonic() > deadline:
                raise FetchError(f"timed out after {policy.timeout_s:g} s", url=url)
    except httpx.HTTPError as exc:
        raise FetchError(f"download failed ({type(exc).__name__})", url=url) from None
    return Fetched(url=url, content=bytes(body), content_type=content_type, charset=response.charset_encoding)


def check_url(url: str, policy: FetchPolicy | None = None) -> None:
    """Raise FetchError now if `url` would be refused (scheme, no host, a private or loopback address), so a front end
    can answer at once; `fetch_url` checks again, on every hop, when it runs."""
    _vetted_target(url, policy or FetchPolicy())
