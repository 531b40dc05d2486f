"""The REST API under /v1: a thin shell that queues analyses, serves stored reports, searches collections."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, Response, UploadFile, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse
from pydantic import ValidationError

from veracity._version import __version__
from veracity.errors import InputError, VeracityError
from veracity.evidence.store import CollectionInfo
from veracity.options import DEFAULT_BUDGET
from veracity.schema import VERDICT_LABELS, Report
from veracity.web.charts import UNCHECKED
from veracity.web.db import ReportStore
from veracity.web.errors import COMMON, NOT_FOUND, SUBMIT, address_not_found
from veracity.web.models import (
    AddOut,
    AnalyzeRequest,
    Health,
    HitOut,
    JobOut,
    Options,
    ReportPage,
    option_form,
)
from veracity.web.security import same_origin

router = APIRouter(prefix="/v1", responses=COMMON)


def get_store(request: Request) -> ReportStore:
    return request.app.state.store


def rate_limit(request: Request) -> None:
    request.app.state.rate_limiter(request)


Store = Annotated[ReportStore, Depends(get_store)]
Verdicts = Literal[(*VERDICT_LABELS, UNCHECKED)]  # type: ignore[valid-type]
Limited = [Depends(rate_limit), Depends(same_origin)]


def submit(request: Request, *, kind: str, options: Options, text: str | None = None, data: bytes | None = None):
    """Queue one analysis (shared by the API and the form): a URL is checked now, so a refused address is a 422
    at once rather than a failed job later."""
    check_collections(request, [*options.corpora, *options.factchecks])
    if kind == "url":
        from veracity.errors import NetworkError
        from veracity.ingest.fetch import check_url

        try:
            check_url(text or "", request.app.state.fetch_policy)
        except NetworkError as exc:  # no such host: the address is the client's to correct (4xx, code V210)
            raise address_not_found(exc, text or "") from None
    if kind != "url" and not (text or data or b"").strip():
        raise InputError("input is empty")
    store: ReportStore = request.app.state.store
    job = store.submit(kind=kind, text=text, data=data, options=options.analyze_options())
    request.app.state.workers.notify()
    return job


def check_collections(request: Request, names: list[str]) -> None:
    """An analysis may name only collections that exist: an unknown one is a 422 when it is submitted, not a
    failed job later."""
    if not names:
        return
    from veracity.evidence.locks import check_name

    existing = set(evidence_store(request).names())
    for name in names:
        if check_name(name) not in existing:
            raise InputError(f"no evidence collection named {name!r}")


def public_base(request: Request) -> str:
    """Where users reach this server: `--public-url` when set, else the address the request came to."""
    return (request.app.state.settings.public_url or str(request.base_url)).rstrip("/")


@router.post("/analyze", status_code=status.HTTP_202_ACCEPTED, dependencies=Limited, response_model=JobOut,
             responses=SUBMIT)  # fmt: skip
def analyze(body: AnalyzeRequest, request: Request, response: Response) -> JobOut:
    """Queue an analysis of pasted text, HTML or a URL; poll `GET /v1/jobs/{id}` until it is done."""
    if body.url is not None:
        job = submit(request, kind="url", text=body.url, options=body)
    else:
        job = submit(request, kind="text", text=body.text if body.text is not None else body.html, options=body)
    response.headers["Location"] = str(request.url_for("get_job", job_id=job.id))
    return JobOut.of(job)


@router.post("/analyze/upload", status_code=status.HTTP_202_ACCEPTED, dependencies=Limited, response_model=JobOut,
             responses=SUBMIT)  # fmt: skip
async def analyze_upload(
    request: Request,
    response: Response,
    file: Annotated[UploadFile, File(description="an article file: text or HTML")],
    persuasion: Annotated[bool, option_form("persuasion")] = False,
    persuasion_tagger: Annotated[str, option_form("persuasion_tagger")] = "fast",
    corpora: Annotated[list[str] | None, option_form("corpora")] = None,
    factchecks: Annotated[list[str] | None, option_form("factchecks")] = None,
    evidence_sources: Annotated[list[str] | None, option_form("evidence_sources")] = None,
    claim_threshold: Annotated[float | None, option_form("claim_threshold")] = None,
    claim_budget: Annotated[float | None, option_form("claim_budget")] = DEFAULT_BUDGET,
    verifier: Annotated[str, option_form("verifier")] = "fast",
    stages: Annotated[list[str] | None, option_form("stages")] = None,
    original_url: Annotated[str | None, option_form("url", pattern=r"(?i)^https?://")] = None,
    published: Annotated[date | None, Form(description="the article's publication date (YYYY-MM-DD)")] = None,
) -> JobOut:
    """Queue an analysis of an uploaded file (the request is capped at the server's size limit: 413 over it); the
    form fields are the JSON endpoint's options."""
    try:
        options = Options(persuasion=persuasion, persuasion_tagger=persuasion_tagger, corpora=corpora or [],
                          factchecks=factchecks or [], evidence_sources=evidence_sources or [],
                          claim_threshold=claim_threshold, claim_budget=claim_budget, verifier=verifier,
                          stages=stages or None, original_url=original_url or None, published=published)  # fmt: skip
    except ValidationError as exc:  # e.g. a tagger or verifier name outside the choices
        raise RequestValidationError(exc.errors(include_url=False, include_context=False)) from None
    data = await file.read()
    job = submit(request, kind="upload", data=data, options=options)
    response.headers["Location"] = str(request.url_for("get_job", job_id=job.id))
    return JobOut.of(job)


@router.get("/jobs/{job_id}", response_model=JobOut, responses=NOT_FOUND)
def get_job(job_id: str, store: Store, request: Request) -> JobOut:
    """queued, running (with the `stage` at work), done (then `report_id` is set), failed (then `error` says why)
    or cancelled; `elapsed_seconds` since it was queued."""
    job = store.job(job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no job {job_id}")
    return JobOut.of(job, request.app.state.workers.progress.get(job_id))


@router.get("/reports", response_model=ReportPage)
def list_reports(
    store: Store,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    q: Annotated[str | None, Query(max_length=200, description="words in the title or address")] = None,
    verdict: Annotated[Verdicts | None, Query(description="reports with a claim of this verdict")] = None,
) -> ReportPage:
    """Stored reports, newest first, one page at a time; `q` and `verdict` filter them."""
    total, rows = store.list(offset=offset, limit=limit, q=q, verdict=verdict)
    return ReportPage(total=total, offset=offset, limit=limit, items=rows)


def load_report(store: ReportStore, report_id: str) -> Report:
    report = store.get(report_id)
    if report is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no report {report_id}")
    return report


# The suffixed routes come first: `{report_id}` alone would also match "abc.md".
@router.get("/reports/{report_id}.md", response_class=PlainTextResponse, responses=NOT_FOUND)
def report_markdown(report_id: str, store: Store, request: Request) -> PlainTextResponse:
    """The Markdown report; evidence sentences link to their stored documents on this server."""
    from veracity.render import render

    text = render(load_report(store, report_id), "md", documents_url=public_base(request))
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")


@router.get("/reports/{report_id}.html", response_class=HTMLResponse, responses=NOT_FOUND)
def report_html(report_id: str, store: Store, request: Request) -> HTMLResponse:
    """The standalone HTML report (no scripts), as `veracity analyze --format html` writes it, under its own
    Content-Security-Policy (its inline stylesheet allowed by hash); evidence links to this server's documents."""
    from veracity.render import render
    from veracity.render.style import report_csp

    page = render(load_report(store, report_id), "html", documents_url=public_base(request))
    return HTMLResponse(page, headers={"Content-Security-Policy": report_csp(header=True)})


@router.get("/reports/{report_id}.claimreview.json",
            responses={200: {"content": {"application/ld+json": {}}}} | NOT_FOUND)  # fmt: skip
def report_claimreview(report_id: str, request: Request, store: Store) -> Response:
    """schema.org ClaimReview JSON-LD, one per claim with a verdict; each `url` is the claim on the report page.
    `<`, `>`, `&`, U+2028/2029 are \\u-escaped: the answer can be pasted into `<script type="application/ld+json">`."""
    from veracity.render.claimreview import to_claimreview

    report = load_report(store, report_id)
    settings = request.app.state.settings
    page = (f"{public_base(request)}/reports/{report_id}" if settings.public_url
            else str(request.url_for("report_page", report_id=report_id)))  # fmt: skip
    body = to_claimreview(report, publisher=request.app.state.settings.publisher, report_url=page)
    return Response(body, media_type="application/ld+json")


@router.get("/reports/{report_id}", response_model=Report, responses=NOT_FOUND)
def get_report(report_id: str, store: Store) -> Report:
    return load_report(store, report_id)


def evidence_store(request: Request):
    from veracity.evidence.store import Store as EvidenceStore

    state = request.app.state
    if getattr(state, "evidence", None) is None:
        state.evidence = EvidenceStore(state.settings.home, state.settings.db_url)
    return state.evidence


@router.get("/corpora", response_model=list[CollectionInfo])
def list_corpora(request: Request) -> list[CollectionInfo]:
    """Evidence collections: corpora and fact-checks."""
    store = evidence_store(request)
    return [store.info(n) for n in store.names()]


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_FILENAME = 100  # characters of an uploaded file's stored name


def upload_name(filename: str | None) -> str:
    """Only the base name, with safe characters: an upload can never write outside its folder."""
    name = _SAFE_NAME.sub("_", Path(filename or "upload.txt").name).lstrip(".") or "upload.txt"
    if len(name) > MAX_FILENAME:
        raise InputError(f"file names may be {MAX_FILENAME} characters at most ({name[:20]}… has {len(name)})")
    return name


def _check_quota(folder: Path, incoming: dict[str, int], settings) -> None:
    """The collection's uploads after this request (a file uploaded again replaces the earlier one) must stay within
    the server's quotas: 413 otherwise, before anything is written."""
    kept = {p.name: p.stat().st_size for p in folder.iterdir() if p.is_file()} if folder.is_dir() else {}
    after = kept | incoming
    too_large = status.HTTP_413_CONTENT_TOO_LARGE
    if len(after) > settings.upload_quota_files:
        raise HTTPException(too_large, f"a collection holds {settings.upload_quota_files:,} uploaded files at most")
    if sum(after.values()) > settings.upload_quota_mb * 1024 * 1024:
        raise HTTPException(too_large, f"a collection holds {settings.upload_quota_mb:g} MB of uploaded files at most")


def _public(message: str, folder: Path, home: Path) -> str:
    """A message about uploaded files as a client may see it: file names, never the server's paths."""
    for prefix in (folder.resolve(), folder):
        message = message.replace(f"{prefix}{os.sep}", "")
    for prefix in (home.resolve(), home):
        message = message.replace(str(prefix), "$VERACITY_HOME")
    return message


@router.post("/corpora/{name}/documents", response_model=AddOut, dependencies=[Depends(same_origin)])
async def add_to_corpus(name: str, request: Request, files: Annotated[list[UploadFile], File()]) -> AddOut:
    """Add files (text, Markdown, HTML, JSONL, CSV, WARC) to corpus `name` (created if new). A file uploaded again
    under the same name replaces the earlier one. Rate-limited per client; each collection's uploads have a count
    and a size quota (413)."""
    from starlette.concurrency import run_in_threadpool

    from veracity.evidence.collections import UPLOADS, add_documents
    from veracity.evidence.locks import check_name

    settings = request.app.state.settings
    request.app.state.upload_limiter(request)
    check_name(name)  # names and files are checked before anything is written
    contents = {upload_name(upload.filename): await upload.read() for upload in files}
    store = evidence_store(request)
    if name in store.names():
        store.collection(name, "corpus")  # a fact-check collection takes no files
    folder = store.home / UPLOADS / name
    _check_quota(folder, {n: len(data) for n, data in contents.items()}, settings)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, data in contents.items():
        path = folder / filename
        if not path.exists():
            written.append(path)
        path.write_bytes(data)
    try:
        result = await run_in_threadpool(add_documents, store, name, [folder / n for n in contents])
    except VeracityError as exc:
        _discard(written, folder)
        exc.message = _public(exc.message, folder, store.home)
        raise
    _discard([p for p in written if any(s.startswith(f"{p}:") for s in result.skipped)], folder)
    result.skipped = [_public(s, folder, store.home) for s in result.skipped]
    return AddOut.model_validate(result, from_attributes=True)


def _discard(paths: list[Path], folder: Path) -> None:
    """Files this request wrote that were not stored: they count toward no quota and are not kept."""
    for path in paths:
        path.unlink(missing_ok=True)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


@router.get("/search", response_model=list[HitOut])
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="the query, e.g. a claim")],
    collection: Annotated[list[str] | None, Query(description="collections to search (default: all)")] = None,
    k: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[HitOut]:
    """Hybrid search (BM25 + MiniLM) over corpora and fact-checks."""
    from veracity.evidence.rerank import get_reranker
    from veracity.evidence.search import Searcher

    store = evidence_store(request)
    names = collection or store.names()
    if not names:
        return []
    check_collections(request, names)  # an unknown name is a 422, not an empty answer
    hits = Searcher(store, reranker=get_reranker()).search(q, names, k)
    return [HitOut.model_validate(h, from_attributes=True) for h in hits]


@router.get("/health", response_model=Health)
def health(request: Request, store: Store) -> Health:
    state = request.app.state
    return Health(ready=state.workers.ready.is_set(), queued=store.queued(), workers=state.workers.n,
                  database=store.engine.dialect.name, version=__version__)  # fmt: skip
