"""The FastAPI application: `create_app(Settings(...))` wires the store, the worker pool, the API and the pages.

veracity serve                      # http://127.0.0.1:8000/ (pages), /v1/... (API), /docs (OpenAPI)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.middleware.trustedhost import TrustedHostMiddleware

from veracity._version import __version__
from veracity.errors import VeracityError
from veracity.ingest.fetch import FetchPolicy
from veracity.web.db import ReportStore
from veracity.web.jobs import AnalyzerFactory, Workers
from veracity.web.security import BodySizeLimit, RateLimiter, Settings, require_token

# Errors the client can act on are 4xx; a missing model is the server's (503); a failed stage is a bug (500).
STATUS = {"InputError": 422, "FetchError": 422, "DataFormatError": 422, "ContractError": 422,
          "NetworkError": 502, "ModelUnavailable": 503, "CollectionBusy": 503, "StageError": 500}  # fmt: skip


def create_app(
    settings: Settings | None = None,
    *,
    analyzer_factory: AnalyzerFactory | None = None,
    warm_up: bool = True,
    fetch_policy: FetchPolicy | None = None,
) -> FastAPI:
    """The app for `settings`. Tests pass `analyzer_factory` (a fake), `warm_up=False` and a `fetch_policy` that
    lets the worker fetch from their own server on 127.0.0.1."""
    from veracity.web import api, errors, manage, pages, pages_manage

    settings = settings or Settings()
    fetch_policy = fetch_policy or FetchPolicy()
    store = ReportStore(settings.home, settings.db_url)
    extra = {"analyzer_factory": analyzer_factory} if analyzer_factory else {}
    workers = Workers(store, workers=settings.workers, timeout=settings.timeout, base_options=settings.base_options(),
                      fetch_policy=fetch_policy, **extra)  # fmt: skip

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        workers.start(warm_up=warm_up)
        try:
            yield
        finally:
            workers.stop()

    app = FastAPIOffline(
        title="veracity",
        version=__version__,
        description="Check news articles: claims, verdicts against your evidence, persuasion techniques. "
        "`POST /v1/analyze` queues an analysis; poll `GET /v1/jobs/{id}`; read `GET /v1/reports/{id}`.",
        lifespan=lifespan,
        dependencies=[Depends(require_token)],
    )
    app.state.settings, app.state.store, app.state.workers = settings, store, workers
    app.state.rate_limiter = RateLimiter(settings.rate_limit)
    app.state.upload_limiter = RateLimiter(settings.upload_rate_limit, what="uploads")
    app.state.fetch_policy = fetch_policy
    app.state.evidence = None

    @app.exception_handler(VeracityError)
    async def veracity_error(request: Request, exc: VeracityError) -> JSONResponse:
        status = next((STATUS[c.__name__] for c in type(exc).__mro__ if c.__name__ in STATUS), 500)
        return JSONResponse({"detail": str(exc), "code": exc.code}, status_code=status)

    errors.install(app)  # HTML error pages for the pages

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        # No inline script or style may run on our pages, whatever slipped through escaping (the API docs, which
        # use an inline script, keep the default).
        if not request.url.path.startswith(("/docs", "/redoc")):
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Evidence links leave no trace of the report's address; our own forms keep their Origin header.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    app.include_router(manage.router)  # first: its /v1/reports/{id}.csv before the API's /v1/reports/{id}
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(pages_manage.router)
    pages.mount_static(app)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)  # DNS rebinding
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_bytes, timeout=settings.body_timeout)
    return app
