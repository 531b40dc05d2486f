"""The API routes for looking after jobs, reports and collections: cancel a job, delete a report or export its claims
as CSV, remove a collection, import fact-checks, read a stored evidence document."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, Response, UploadFile, status

from veracity.web.api import Store, evidence_store, get_job, load_report, upload_name
from veracity.web.documents import load_document
from veracity.web.errors import COMMON, NOT_FOUND, SUBMIT
from veracity.web.models import AddOut, DocumentOut, JobOut
from veracity.web.security import same_origin

router = APIRouter(prefix="/v1", responses=COMMON)
FactCheckFormat = Literal["auto", "vclaims", "liar", "claimreview"]


@router.post("/jobs/{job_id}/cancel", response_model=JobOut, responses=NOT_FOUND,
             dependencies=[Depends(same_origin)])  # fmt: skip
def cancel_job(job_id: str, request: Request, store: Store) -> JobOut:
    """Cancel a queued or running job: it ends as `cancelled` (a running analysis stops before its next stage and
    its result is dropped). A job that already ended is returned unchanged."""
    job = store.cancel(job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no job {job_id}")
    request.app.state.workers.progress.cancel(job_id)
    return get_job(job_id, store, request)


# Before the API's `/reports/{report_id}` (which would take "abc.csv" for an id): this router is included first.
@router.get("/reports/{report_id}.csv", responses={200: {"content": {"text/csv": {}}}} | NOT_FOUND)
def report_csv(report_id: str, store: Store) -> Response:
    """The report's claims as CSV, one row per claim in reading order (`number` as on the report page)."""
    from veracity.render.table import claims_csv

    report = load_report(store, report_id)
    headers = {"Content-Disposition": f'attachment; filename="veracity-{report_id}-claims.csv"'}
    return Response(claims_csv(report), media_type="text/csv; charset=utf-8", headers=headers)


@router.delete("/reports/{report_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND,
               dependencies=[Depends(same_origin)])  # fmt: skip
def delete_report(report_id: str, store: Store) -> Response:
    """Delete a stored report (its job, if still kept, then points nowhere)."""
    if not store.delete(report_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no report {report_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/corpora/{name}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND,
               dependencies=[Depends(same_origin)])  # fmt: skip
def remove_corpus(name: str, request: Request) -> Response:
    """Remove a collection (corpus or fact-checks): its documents, indexes and uploaded files."""
    from veracity.evidence.collections import remove_collection

    store = evidence_store(request)
    if name not in store.names():
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no collection named {name!r}")
    remove_collection(store, name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/factchecks/{name}", response_model=AddOut, dependencies=[Depends(same_origin)], responses=SUBMIT)
async def import_factchecks(
    name: str,
    request: Request,
    file: Annotated[UploadFile, File(description="CheckThat!/Snopes vclaims JSONL, LIAR TSV or ClaimReview JSON-LD")],
    format: Annotated[FactCheckFormat, Form(description="the file's format (auto: told by its content)")] = "auto",
) -> AddOut:
    """Import prior fact-checks into collection `name` (kind factchecks; created if new, updated in place)."""
    from starlette.concurrency import run_in_threadpool

    from veracity.errors import VeracityError
    from veracity.evidence.collections import import_factchecks as import_file
    from veracity.evidence.locks import check_name

    request.app.state.upload_limiter(request)
    check_name(name)
    filename = upload_name(file.filename)
    store = evidence_store(request)
    existed = name in store.names()
    with tempfile.TemporaryDirectory(prefix="veracity-factchecks-") as folder:
        path = Path(folder) / filename
        path.write_bytes(await file.read())
        try:
            result = await run_in_threadpool(import_file, store, name, path, fmt=format)
        except VeracityError as exc:
            exc.message = exc.message.replace(f"{folder}/", "")  # the file's name, not the server's temporary path
            if not existed and name in store.names():  # a file that could not be read leaves no empty collection
                from veracity.evidence.collections import remove_collection

                await run_in_threadpool(remove_collection, store, name)
            raise
    return AddOut.model_validate(result, from_attributes=True)


@router.get("/corpora/{name}/documents/{document_id}", response_model=DocumentOut, responses=NOT_FOUND)
def get_document(name: str, document_id: int, request: Request) -> DocumentOut:
    """A stored document (as evidence links cite it: `start`/`end` offsets index its `text`)."""
    doc = load_document(evidence_store(request), name, document_id)
    if doc is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no document {document_id} in a collection named {name!r}")
    return DocumentOut.model_validate(doc, from_attributes=True)
