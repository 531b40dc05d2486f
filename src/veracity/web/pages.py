"""The web pages: server-rendered Jinja2 templates (autoescaped) over the same store and job queue as the API.

Forms post back here and are answered with a redirect (post/redirect/get); a form with an error comes back as it
was filled in. A job page follows its job (static/app.js polls the job API, backing off; without scripts the page
refreshes itself every few seconds). The script also adds keyboard shortcuts; every page works without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from veracity.errors import VeracityError
from veracity.render.view import words
from veracity.schema import VERDICT_LABELS
from veracity.web.api import add_to_corpus, evidence_store, load_report, rate_limit, search, submit
from veracity.web.charts import UNCHECKED
from veracity.web.form import AnalyzeForm
from veracity.web.models import JobOut
from veracity.web.security import same_origin
from veracity.web.templating import page, web_words

HERE = Path(__file__).parent
router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
VERDICT_FILTERS = {**{label: words(label) for label in VERDICT_LABELS}, UNCHECKED: "nothing checked"}


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    return form_page(request, AnalyzeForm())


def form_page(request: Request, form: AnalyzeForm, error: str | None = None, status_code: int = 200) -> HTMLResponse:
    """The analyze form, filled in as `form` says; evidence corpora and fact-check collections offered apart."""
    collections = _collections(request)
    return page(request, "index.html.j2", status_code, error=error, form=form,
                corpora=[c for c in collections if c.kind != "factchecks"],
                factcheck_sets=[c for c in collections if c.kind == "factchecks"])  # fmt: skip


@router.post("/analyze", dependencies=[Depends(rate_limit), Depends(same_origin)])
async def analyze_form(
    request: Request,
    text: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
    original_url: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
    persuasion: Annotated[bool, Form()] = False,
    persuasion_tagger: Annotated[str, Form()] = "fast",
    corpora: Annotated[list[str] | None, Form()] = None,
    factchecks: Annotated[list[str] | None, Form()] = None,
    claim_threshold: Annotated[str, Form()] = "",
    claim_budget: Annotated[str, Form()] = "",
    all_claims: Annotated[bool, Form()] = False,
    published: Annotated[str, Form()] = "",
):
    """The form: pasted text, an address or a file (one of them). Errors show on the form again, as it was filled
    in (422)."""
    form = AnalyzeForm(text=text, url=url, original_url=original_url, persuasion=persuasion,
                       persuasion_tagger=persuasion_tagger,
                       corpora=[c for c in corpora or [] if c], factchecks=[c for c in factchecks or [] if c],
                       claim_threshold=claim_threshold, claim_budget=claim_budget, all_claims=all_claims,
                       published=published, filename=file.filename if file is not None and file.filename else "")
    try:
        data = await file.read() if form.filename and file is not None else b""
        kind, source, data = form.source(data)
        job = submit(request, kind=kind, text=source, data=data, options=form.options())
    except (VeracityError, ValueError) as exc:
        message = str(exc) if isinstance(exc, VeracityError) else "check the options: " + str(exc).splitlines()[0]
        return form_page(request, form, web_words(message), 422)
    return RedirectResponse(request.url_for("job_page", job_id=job.id), status.HTTP_303_SEE_OTHER)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str):
    job = request.app.state.store.job(job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no job {job_id}")
    if job.status == "done":
        return RedirectResponse(request.url_for("report_page", report_id=job.report_id), status.HTTP_303_SEE_OTHER)
    out = JobOut.of(job, request.app.state.workers.progress.get(job_id))
    return page(request, "job.html.j2", job=out, error=web_words(job.error or ""))


@router.get("/reports", response_class=HTMLResponse)
def history(
    request: Request,
    page_number: Annotated[int, Query(alias="page", ge=1)] = 1,
    q: Annotated[str, Query(max_length=200)] = "",
    verdict: Annotated[str, Query(max_length=30)] = "",
) -> HTMLResponse:
    """Stored reports, newest first; `q` searches titles and addresses, `verdict` keeps reports with such a claim."""
    verdict = verdict if verdict in VERDICT_FILTERS else ""
    total, rows = request.app.state.store.list(offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE, q=q,
                                               verdict=verdict or None)  # fmt: skip
    pages = max(1, -(-total // PAGE_SIZE))
    query = urlencode({k: v for k, v in (("q", q), ("verdict", verdict)) if v})
    return page(request, "history.html.j2", rows=rows, total=total, page=page_number, pages=pages, q=q,
                verdict=verdict, verdicts=VERDICT_FILTERS, query=f"&{query}" if query else "")  # fmt: skip


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
