"""Who may call the server and how much: settings, the bearer-token check, the request-size cap, the rate limit.

No cookies anywhere: the token travels in the `Authorization` header (`Bearer TOKEN`; browsers may send it as the
password of HTTP Basic), so there is no session for another site to ride on. Requests whose `Origin` is another
site are refused all the same (a page elsewhere could otherwise post to a server on 127.0.0.1 without a token).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import HTTPException, Request, status
from fastapi.security import HTTPBasic, HTTPBasicCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from veracity.options import DEFAULT_BUDGET, DEFAULT_MAX_MB, DEFAULT_TIMEOUT_S, AnalyzeOptions
from veracity.render.claimreview import DEFAULT_PUBLISHER


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The server's configuration (the `veracity serve` options), fixed when the app is built."""

    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    no_auth: bool = False
    workers: int = 1
    timeout: float = DEFAULT_TIMEOUT_S  # seconds an analysis may take: its own deadline, and then its job fails
    max_mb: float = DEFAULT_MAX_MB  # request bodies (and so uploads and pasted text) over this get 413
    rate_limit: int = 30  # analyses per client per minute; 0 = no limit
    upload_rate_limit: int = 10  # corpus uploads per client per minute; 0 = no limit
    upload_quota_mb: float = 200.0  # uploaded files kept per collection, in total
    upload_quota_files: int = 1000  # uploaded files kept per collection
    header_timeout: float = 10.0  # seconds a client has to send a request's headers (then the connection closes)
    body_timeout: float = 60.0  # seconds a client has to send a request's body (then 408)
    publisher: str = DEFAULT_PUBLISHER  # the ClaimReview author
    # Where users reach the server (https://checks.example.org, behind a proxy): ClaimReview `url`s and the links in
    # exported reports use it; None: the address each request came to.
    public_url: str | None = None
    home: Path | None = None
    db_url: str | None = None
    extra_hosts: tuple[str, ...] = field(default_factory=tuple)  # Host header values accepted besides the bind host
    llm: dict = field(default_factory=dict, repr=False)  # AnalyzeOptions llm_* keywords (`serve --llm-url`); {} = none

    def __post_init__(self) -> None:
        if not is_loopback(self.host) and not self.token and not self.no_auth:
            raise ValueError(f"binding {self.host} (not loopback) needs --token TOKEN, or --no-auth explicitly")
        if self.token is not None and len(self.token) < 16:
            raise ValueError("the token must be at least 16 characters (try: python -c 'import secrets; "
                             "print(secrets.token_urlsafe())')")  # fmt: skip

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * 1024 * 1024)

    def base_options(self) -> AnalyzeOptions:
        """What every analysis starts from: the fields the server sets (OPTION_TABLE, web="server": home, size
        limit, timeout, LLM) and the server's claim budget; a request's own fields replace the rest. `--timeout` is
        both the job's limit and the analysis' own deadline (`Workers` keeps the two the same)."""
        return AnalyzeOptions(home=self.home, max_mb=self.max_mb, timeout=self.timeout, claim_budget=DEFAULT_BUDGET,
                              **self.llm)  # fmt: skip

    @property
    def allowed_hosts(self) -> list[str]:
        if self.host in ("0.0.0.0", "::"):
            return ["*"]  # every interface: the Host header cannot be known in advance
        return sorted({self.host, "127.0.0.1", "localhost", "[::1]", *self.extra_hosts})


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


_bearer = HTTPBearer(auto_error=False)
_basic = HTTPBasic(auto_error=False, realm="veracity")


async def require_token(request: Request) -> None:
    """Dependency of every route when a token is set: `Authorization: Bearer TOKEN` (or Basic with it as password)."""
    token = request.app.state.settings.token
    if not token:
        return
    given = await _bearer(request)
    secret = given.credentials if given and given.scheme.lower() == "bearer" else None
    if secret is None and request.headers.get("authorization", "").lower().startswith("basic "):
        basic: HTTPBasicCredentials | None = await _basic(request)
        secret = basic.password if basic else None
    if secret is None or not secrets.compare_digest(secret.encode(), token.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "a valid token is required (Authorization: Bearer TOKEN)",
            headers={"WWW-Authenticate": 'Bearer, Basic realm="veracity"'},
        )  # fmt: skip


def same_origin(request: Request) -> None:
    """Dependency of the routes that change something: refuse a browser request sent from another site."""
    origin = request.headers.get("origin")
    if origin is None:  # not a browser, or a same-origin GET
        return
    if origin == "null" and request.headers.get("sec-fetch-site") == "same-origin":
        return  # a browser that hides the origin (e.g. under a no-referrer policy) still says where it came from
    if urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "cross-site requests are refused")


class RateLimiter:
    """At most `per_minute` calls per client in any 60 seconds (a sliding window kept in memory, per process)."""

    def __init__(self, per_minute: int, what: str = "analyses") -> None:
        self.per_minute, self.what = per_minute, what
        self._calls: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> None:
        if self.per_minute <= 0:
            return
        client = request.client.host if request.client else "unknown"
        now = time.monotonic()
        with self._lock:
            calls = self._calls[client]
            while calls and calls[0] <= now - 60:
                calls.popleft()
            if len(calls) >= self.per_minute:
                retry = int(60 - (now - calls[0])) + 1
                raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, f"over {self.per_minute} {self.what} a minute",
                                    headers={"Retry-After": str(retry)})  # fmt: skip
            calls.append(now)


class BodySizeLimit:
    """ASGI middleware: 413 for a request body over `max_bytes`, by its Content-Length or while it streams in (also
    chunked), before any route (or the multipart parser) reads it whole; 408 for a body that takes longer than
    `timeout` seconds to arrive."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = 60.0) -> None:
        self.app, self.max_bytes, self.timeout = app, max_bytes, timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await self._refuse(send, 413, f"request body over the {self.max_bytes:,}-byte limit")
        seen = 0
        started = body_done = False
        refused: _TooLarge | None = None
        deadline = asyncio.get_running_loop().time() + self.timeout

        async def limited_receive() -> Message:
            nonlocal seen, body_done, refused
            if body_done:  # after the body only a disconnect can come: no deadline on waiting for it
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - asyncio.get_running_loop().time()))
            except TimeoutError:
                refused = _TooLarge(408, f"the request body took over {self.timeout:g} s to arrive")
                raise refused from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                body_done = not message.get("more_body", False)
                if seen > self.max_bytes:
                    refused = _TooLarge(413, f"request body over the {self.max_bytes:,}-byte limit")
                    raise refused
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused is not None:  # the route turned our refusal into its own answer (FastAPI: 400): ours wins
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._refuse(send, refused.status_code, refused.detail)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _TooLarge as exc:
            if not started:
                await self._refuse(send, exc.status_code, exc.detail)

    async def _refuse(self, send: Send, status_code: int, detail: str) -> None:
        body = json.dumps({"detail": detail}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                   (b"connection", b"close")]  # fmt: skip
        await send({"type": "http.response.start", "status": status_code, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(StarletteHTTPException):
    """An HTTP error (413 or 408), so that FastAPI's body parsing passes it on (it turns other exceptions into 400)."""
