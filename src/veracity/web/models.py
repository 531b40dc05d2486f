"""The API's request and response models. Reports themselves are `veracity.schema.Report`, unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from veracity.errors import InputError
from veracity.options import DEFAULT_BUDGET, OPTION_TABLE, PERSUASION_TAGGERS, VERIFIERS, AnalyzeOptions
from veracity.web.db import JobRow, JobStatus, ReportSummary
from veracity.web.progress import Step, elapsed_seconds


def option_field(name: str, **overrides: Any) -> Any:
    """The request field of AnalyzeOptions field `name`: description and bounds from OPTION_TABLE, the default
    AnalyzeOptions' (a list for a tuple); `overrides` where the web differs (the server's claim budget)."""
    spec = OPTION_TABLE[name]
    default = AnalyzeOptions.__dataclass_fields__[name].default
    values: dict[str, Any] = {"default_factory": list} if isinstance(default, tuple) else {"default": default}
    bounds = {k: v for k, v in (("ge", spec.min), ("le", spec.max)) if v is not None}
    if bounds:
        bounds["allow_inf_nan"] = False
    return Field(**(values | {"description": spec.help} | bounds | overrides))


# The fields each request may set (the rest are the server's: `Settings.base_options`).
REQUEST_OPTIONS = [name for name, spec in OPTION_TABLE.items() if spec.web == "request"]


class Options(BaseModel):
    """The analyze options a client may set (the rest — home, size limit, timeout, LLM — are the server's)."""

    corpora: list[str] = option_field("corpora")
    factchecks: list[str] = option_field("factchecks")
    evidence_sources: list[str] = option_field("evidence_sources")
    persuasion: bool = option_field("persuasion")
    persuasion_tagger: Literal[PERSUASION_TAGGERS] = option_field("persuasion_tagger")  # type: ignore[valid-type]
    claim_threshold: float | None = option_field("claim_threshold")
    claim_budget: float | None = option_field("claim_budget", default=DEFAULT_BUDGET, description="Claims checked "
                                              "per 1,000 words (never fewer per article), most check-worthy first; "
                                              "null: every sentence over the threshold.")  # fmt: skip
    verifier: Literal[VERIFIERS] = option_field("verifier")  # type: ignore[valid-type]
    stages: list[str] | None = option_field("stages")
    original_url: str | None = option_field("url", pattern=r"(?i)^https?://")
    published: date | None = Field(default=None, description="the article's publication date, when the page does "
                                   "not give it (or gives it wrong): relative dates such as 'Tuesday' count from it")

    @model_validator(mode="after")
    def _valid_together(self) -> Options:
        """Refused when submitted (a 422, or the form's message), not as a failed job later: fields that contradict
        each other (an accurate tagger without persuasion), an address without a host, an unknown stage."""
        AnalyzeOptions(**self._option_values())  # raises InputError
        if self.stages:
            _check_stage_names(self.stages)
        if self.evidence_sources:
            from veracity.evidence.sources import check_source_names

            check_source_names(self.evidence_sources)
        return self

    def _option_values(self) -> dict[str, Any]:
        return {name: getattr(self, OPTION_TABLE[name].web_name or name) for name in REQUEST_OPTIONS}

    def analyze_options(self) -> dict[str, Any]:
        """As `AnalyzeOptions` keyword arguments (stored with the job as JSON), plus `published` for the document."""
        dated = {"published": self.published.isoformat()} if self.published else {}
        return self._option_values() | dated


def _check_stage_names(names: list[str]) -> None:
    """Only the names: whether the stages can run in this order shows when the job builds them (with the server's
    options), as its error."""
    from veracity.pipeline import stage_name_error

    if error := stage_name_error(names):
        raise InputError(error)


def option_form(name: str, **overrides: Any) -> Any:
    """The multipart form field of AnalyzeOptions field `name` (the upload endpoint): bounds from OPTION_TABLE."""
    from fastapi import Form

    spec = OPTION_TABLE[name]
    bounds = {k: v for k, v in (("ge", spec.min), ("le", spec.max)) if v is not None}
    return Form(**({"description": spec.help} | bounds | overrides))


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
