"""The API's request and response models. Reports themselves are `veracity.schema.Report`, unchanged."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

from veracity.web.db import JobRow, JobStatus, ReportSummary


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

    def analyze_options(self) -> dict[str, Any]:
        """As `AnalyzeOptions` keyword arguments (stored with the job as JSON)."""
        options = self.model_dump(include={"corpora", "factchecks", "persuasion", "claim_threshold", "claim_budget"})
        return options | {"url": self.original_url}


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

    _zones = field_validator("created_at", "started_at", "finished_at")(_utc)

    @classmethod
    def of(cls, row: JobRow) -> JobOut:
        return cls.model_validate(row, from_attributes=True)


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
