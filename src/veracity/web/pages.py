"""The web pages: server-rendered Jinja2 templates (autoescaped) over the same store and job queue as the API.

Forms post back here and are answered with a redirect (post/redirect/get); a job page refreshes itself until the
report is ready. The only script (static/app.js) adds keyboard shortcuts; every page works without it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from veracity.errors import VeracityError
from veracity.render.view import safe_url
from veracity.web.api import add_to_corpus, evidence_store, load_report, rate_limit, search, submit
from veracity.web.models import Options
from veracity.web.security import same_origin

HERE = Path(__file__).parent
router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20


@cache
def templates() -> Jinja2Templates:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every template is HTML: everything from an article or a user is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    return Jinja2Templates(env=env)


def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    return templates().TemplateResponse(request, name, context, status_code=status_code)


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    return page(request, "index.html.j2", error=None, corpora=_collections(request))


@router.post("/analyze", dependencies=[Depends(rate_limit), Depends(same_origin)])
async def analyze_form(
    request: Request,
    text: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
    original_url: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
    persuasion: Annotated[bool, Form()] = False,
    corpora: Annotated[list[str] | None, Form()] = None,
):
    """The form: a file, else a URL, else the pasted text. Errors show on the form again (422)."""
    try:
        options = Options(persuasion=persuasion, corpora=[c for c in corpora or [] if c],
                          original_url=original_url.strip() or None)  # fmt: skip
        data = await file.read() if file is not None and file.filename else b""
        if data:
            job = submit(request, kind="upload", data=data, options=options)
        elif url.strip():
            job = submit(request, kind="url", text=url.strip(), options=options)
        else:
            job = submit(request, kind="text", text=text, options=options)
    except (VeracityError, ValueError) as exc:
        message = str(exc) if isinstance(exc, VeracityError) else "check the options: " + str(exc).splitlines()[0]
        return page(request, "index.html.j2", 422, error=message, corpora=_collections(request))
    return RedirectResponse(request.url_for("job_page", job_id=job.id), status.HTTP_303_SEE_OTHER)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str):
    job = request.app.state.store.job(job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no job {job_id}")
    if job.status == "done":
        return RedirectResponse(request.url_for("report_page", report_id=job.report_id), status.HTTP_303_SEE_OTHER)
    return page(request, "job.html.j2", job=job)


@router.get("/reports", response_class=HTMLResponse)
def history(request: Request, page_number: Annotated[int, Query(alias="page", ge=1)] = 1) -> HTMLResponse:
    total, rows = request.app.state.store.list(offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    return page(request, "history.html.j2", rows=rows, total=total, page=page_number, pages=pages)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, report_id: str) -> HTMLResponse:
    from veracity.web.view import build_page

    report = load_report(request.app.state.store, report_id)
    return page(request, "report.html.j2", report=report, page=build_page(report))


@router.get("/collections", response_class=HTMLResponse)
def collections_page(
    request: Request,
    q: Annotated[str, Query(max_length=2000)] = "",
    collection: Annotated[list[str] | None, Query()] = None,
) -> HTMLResponse:
    hits, error = [], None
    if q.strip():
        try:
            hits = search(request, q=q, collection=[c for c in collection or [] if c] or None, k=10)
        except VeracityError as exc:
            error = str(exc)
    return page(request, "collections.html.j2", collections=_collections(request), q=q, hits=hits, error=error)


@router.post("/collections/add", dependencies=[Depends(same_origin)])
async def collections_add(request: Request, name: Annotated[str, Form()], files: Annotated[list[UploadFile], File()]):
    try:
        result = await add_to_corpus(name.strip(), request, files)
    except (VeracityError, HTTPException) as exc:  # a bad name or file name (422), a quota (413), the rate (429)
        code, error = (exc.status_code, exc.detail) if isinstance(exc, HTTPException) else (422, str(exc))
        return page(request, "collections.html.j2", code, collections=_collections(request), q="", hits=[],
                    error=error)  # fmt: skip
    message = f"{name}: {result.added} added, {result.replaced} replaced, {result.unchanged} unchanged"
    if result.skipped:
        message += f"; skipped: {'; '.join(result.skipped)}"
    return page(request, "collections.html.j2", collections=_collections(request), q="", hits=[], error=None,
                message=message)  # fmt: skip


def _collections(request: Request):
    store = evidence_store(request)
    return [store.info(n) for n in store.names()]
