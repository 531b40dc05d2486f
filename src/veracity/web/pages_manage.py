"""The pages for looking after things: cancel a job, delete a report, remove a collection, import fact-checks, and
read a stored evidence document with the sentence a report cites highlighted. Forms post here and are answered
with a redirect or the page they came from, with a message."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse

from veracity.errors import VeracityError
from veracity.web.api import evidence_store
from veracity.web.manage import FactCheckFormat, import_factchecks, remove_corpus
from veracity.web.pages import _collections, page
from veracity.web.security import same_origin
from veracity.web.templating import web_words

router = APIRouter(include_in_schema=False)
Guarded = [Depends(same_origin)]


@router.post("/jobs/{job_id}/cancel", dependencies=Guarded)
def cancel_job_form(request: Request, job_id: str) -> RedirectResponse:
    if request.app.state.store.cancel(job_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no job {job_id}")
    request.app.state.workers.progress.cancel(job_id)
    return RedirectResponse(request.url_for("job_page", job_id=job_id), status.HTTP_303_SEE_OTHER)


@router.post("/reports/{report_id}/delete", dependencies=Guarded)
def delete_report_form(request: Request, report_id: str) -> RedirectResponse:
    if not request.app.state.store.delete(report_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no report {report_id}")
    return RedirectResponse(str(request.url_for("history")) + "?deleted=1", status.HTTP_303_SEE_OTHER)


def _collections_page(request: Request, *, error: str | None = None, message: str | None = None,
                      status_code: int = 200) -> HTMLResponse:  # fmt: skip
    return page(request, "collections.html.j2", status_code, collections=_collections(request), q="", hits=[],
                error=error, message=message)  # fmt: skip


@router.post("/collections/{name}/remove", dependencies=Guarded)
def remove_collection_form(request: Request, name: str) -> HTMLResponse:
    try:
        remove_corpus(name, request)
    except HTTPException as exc:
        return _collections_page(request, error=str(exc.detail), status_code=exc.status_code)
    except VeracityError as exc:
        return _collections_page(request, error=web_words(str(exc)), status_code=422)
    return _collections_page(request, message=f"Removed the collection {name}.")


@router.post("/collections/factchecks", dependencies=Guarded)
async def import_factchecks_form(
    request: Request,
    name: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    format: Annotated[FactCheckFormat, Form()] = "auto",
) -> HTMLResponse:
    try:
        result = await import_factchecks(name.strip(), request, file, format)
    except HTTPException as exc:  # the upload rate (429), a file over the size limit (413)
        return _collections_page(request, error=str(exc.detail), status_code=exc.status_code)
    except VeracityError as exc:  # a malformed file, a bad name, a corpus of that name
        return _collections_page(request, error=web_words(str(exc)), status_code=422)
    message = (f"{name}: {result.added} fact-checks added, {result.replaced} updated, {result.unchanged} unchanged. "
               "Tick it under “Match claims against prior fact-checks” on the Analyze page.")  # fmt: skip
    return _collections_page(request, message=message)


@router.get("/collections/{name}/documents/{document_id}", response_class=HTMLResponse)
def document_page(
    request: Request,
    name: str,
    document_id: int,
    start: Annotated[int | None, Query(ge=0)] = None,
    end: Annotated[int | None, Query(ge=0)] = None,
) -> HTMLResponse:
    """A stored document; `start`/`end` (character offsets, as a report's evidence gives them) are highlighted."""
    from veracity.web.documents import highlight, load_document

    doc = load_document(evidence_store(request), name, document_id)
    if doc is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no document {document_id} in a collection named {name!r}")
    return page(request, "document.html.j2", doc=doc, text=highlight(doc.text, start, end))
