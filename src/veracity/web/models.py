"""The API's request and response models. Reports themselves are `veracity.schema.Report`, unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

from veracity.web.db import JobRow, JobStatus, ReportSummary
from veracity.web.progress import Step, elapsed_seconds


class Options(BaseModel):
    """The analyze options a client may set (the rest — home, size limit — are the server's)."""

    corpora: list[str] = Field(default_factory=list, description="evidence collections to search for every claim")
    factchecks: list[str] = Field(default_factory=list, description="fact-check collections to match claims against")
    persuasion: bool = Field(default=False, description="mark propaganda technique spans (experimental)")
    claim_threshold: float | None = Field(default=None, ge=0, le=1, description="None: the model's calibrated one")
    claim_budget: float | None = Field(default=10.0, ge=1, le=1000, description="claims per 1,000 words; None: all")
    original_url: str | None = Field(
        default=None, pattern=r"(?i)^https?://", description="where pasted text or an upload was published (rating)"
    )
    published: date | None = Field(default=None, description="the article's publication date, when the page does "
                                   "not give it (or gives it wrong): relative dates such as 'Tuesday' count from it")

    def analyze_options(self) -> dict[str, Any]:
        """As `AnalyzeOptions` keyword arguments (stored with the job as JSON), plus `published` for the document."""
        options = self.model_dump(include={"corpora", "factchecks", "persuasion", "claim_threshold", "claim_budget"})
        dated = {"published": self.published.isoformat()} if self.published else {}
        return options | {"url": self.original_url} | dated


class AnalyzeRequest(Options):
    """Exactly one of `text` (plain text or HTML), `html` or `url` (fetched; public addresses only)."""

    text: str | None = None
    html: str | None = None
    url: str | None = Field(default=None, description="an http(s) address to fetch")

    @model_validator(mode="after")
    def _one_source(self) -> AnalyzeRequest:
        given = [k for k in ("text", "html", "url") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of text, html or url (got {', '.join(given) or 'none'})")
        return self


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class JobOut(BaseModel):
    id: str
    status: JobStatus
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    report_id: str | None = None
    error: str | None = Field(default=None, description="why it failed, in one line")
    error_code: str | None = Field(default=None, description="veracity's stable error code (V100 input, V200 fetch…)")
    stage: str | None = Field(default=None, description="while running: the stage at work ('fetch', 'read', "
                              "'nlp', 'claims', 'evidence', 'verdict', ...)")  # fmt: skip
    stage_number: int | None = Field(default=None, description="its position among `stage_count` (0: before them)")
    stage_count: int | None = None
    activity: str | None = Field(default=None, description="what the running stage does, in words")
    elapsed_seconds: float = Field(default=0.0, description="since the job was queued (until it ended)")

    _zones = field_validator("created_at", "started_at", "finished_at")(_utc)

    @classmethod
    def of(cls, row: JobRow, step: Step | None = None) -> JobOut:
        out = cls.model_validate(row, from_attributes=True)
        out.elapsed_seconds = elapsed_seconds(row.created_at, row.finished_at)
        if step is not None and row.status == "running":
            out.stage, out.stage_number, out.stage_count = step.stage, step.number, step.count
            out.activity = step.words
        return out


class ErrorOut(BaseModel):
    """Every error answer: what went wrong in one line, and veracity's error code when it has one."""

    detail: str | list[Any] = Field(description="the reason (for a malformed request: pydantic's list of errors)")
    code: str | None = Field(default=None, description="V100 input, V200 fetch, V210 network, V300 model, ...")


class DocumentOut(BaseModel):
    """A stored evidence document, its text put back together from its passages."""

    id: int
    collection: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    claim: str | None = Field(default=None, description="fact-checks: the claim as the fact-checker worded it")
    rating: str | None = None
    publisher: str | None = None
    name: str | None = Field(default=None, description="the file (and record) it came from, without server paths")
    text: str = Field(description="what was stored: the passages at their offsets (white space between them "
                      "as single spaces or line breaks)")  # fmt: skip


class ReportPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[ReportSummary]


class AddOut(BaseModel):
    added: int
    replaced: int
    unchanged: int
    skipped: list[str]
    passages_embedded: int


class HitOut(BaseModel):
    collection: str
    score: float
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    claim: str | None = None
    rating: str | None = None
    publisher: str | None = None


class Health(BaseModel):
    status: str = "ok"
    ready: bool = Field(description="models loaded (the first analysis will not wait for them)")
    queued: int
    workers: int
    database: str = Field(description="sqlite or postgresql")
    version: str
