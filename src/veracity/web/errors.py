"""Errors as a person or a client sees them: HTML error pages for the pages (JSON `ErrorOut` stays the API's), the
error answers OpenAPI documents, and messages in the web app's own words (no command-line flags)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from veracity.errors import FetchError, NetworkError
from veracity.web.models import ErrorOut
from veracity.web.templating import page, web_words


def address_not_found(exc: NetworkError, url: str) -> FetchError:
    """A URL given for analysis whose host does not resolve (or cannot be reached) when it is submitted: the
    client's to correct, so a 4xx (a FetchError: 422) that keeps the network failure's code (V210), not a 5xx."""
    error = FetchError(str(exc).removesuffix(f": {exc.url}"), url=url)
    error.code = exc.code
    return error


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


# Documented on every /v1 route, and on the routes that queue analyses or take files.
COMMON = {401: _error("a token is required (`Authorization: Bearer TOKEN`) or was wrong"),
          422: _error("the request is malformed, or its input cannot be analysed (`code` says why: V100 input, "
                      "V200/V210 a URL that is refused or cannot be reached, V400 a malformed file)")}  # fmt: skip
SUBMIT = {413: _error("the request body is over the server's size limit"),
          429: _error("over the per-client rate limit (`Retry-After` says when to try again)")}  # fmt: skip
NOT_FOUND = {404: _error("no such job, report, collection or document")}

# Command-line advice that older reports and some library messages carry, in the web app's words.
def wants_html(request: Request) -> bool:
    """A page (not the API, not the docs) asked for by a browser."""
    path = request.url.path
    if path.startswith(("/v1/", "/docs", "/redoc", "/openapi.json", "/static")):
        return False
    return "text/html" in request.headers.get("accept", "") or request.method != "GET"


def install(app: FastAPI) -> None:
    """HTTP errors (404, 405, ...) as an HTML page when a browser asked for a page; the API's stay JSON."""
    from fastapi.exception_handlers import http_exception_handler

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_html(request) and exc.status_code >= 400:
            return error_page(request, exc.status_code, str(exc.detail), headers=exc.headers)
        return await http_exception_handler(request, exc)


_TITLES = {404: "Not found", 405: "Not allowed", 409: "Conflict", 413: "Too large", 422: "Cannot do that",
           429: "Too many requests"}  # fmt: skip


def error_page(request: Request, status: int, detail: str, headers: dict | None = None) -> Response:
    title = _TITLES.get(status, "Something went wrong")
    response = page(request, "error.html.j2", status, title=title, detail=web_words(detail), status=status)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
