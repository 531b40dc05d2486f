"""Serving the app on uvicorn with a deadline on request headers (uvicorn has none: a client that trickles one
header byte every few seconds held a connection open for ever). Bodies are timed by `security.BodySizeLimit`."""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

_TIMEOUT_ANSWER = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


def guarded_protocol(header_timeout: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol, closing a connection whose request headers are not all in after `header_timeout`
    seconds (counted from the first byte of each request, or from the connection when nothing came yet)."""

    class HeaderDeadlineProtocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            waiting = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
            if waiting and self._header_timer is None:
                self._arm()
            elif not waiting:
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._header_timer = self.loop.call_later(header_timeout, self._headers_too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_too_slow(self) -> None:
            self._header_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.write(_TIMEOUT_ANSWER)
                self.transport.close()

    return HeaderDeadlineProtocol


def uvicorn_config(app, *, host: str, port: int, header_timeout: float, log_level: str = "info"):
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, log_level=log_level, server_header=False,
                          http=guarded_protocol(header_timeout))  # fmt: skip


def serve(app, *, host: str, port: int, header_timeout: float) -> None:
    """Run the app until interrupted (one process: the worker pool and the loaded models live in it)."""
    import uvicorn

    uvicorn.Server(uvicorn_config(app, host=host, port=port, header_timeout=header_timeout)).run()
