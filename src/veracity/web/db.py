"""Stored reports and analysis jobs, in the same database as the evidence collections (SQLite in $VERACITY_HOME by
default, PostgreSQL with $VERACITY_DB_URL), through the evidence store's engine set-up.

A job row holds everything needed to run it again (the input and the options), so jobs still queued when the
server stops run after it starts again; jobs that were running then are queued again (see `requeue_running`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from uuid import uuid4

from sqlalchemy import (
    DateTime,
    Engine,
    Index,
    LargeBinary,
    String,
    Text,
    delete,
    func,
    inspect,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from veracity.home import database_url, make_engine, veracity_home
from veracity.schema import Report

JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
MAX_ATTEMPTS = 3  # workers that may take one job (each crash of the server while running it costs one)


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    # Aware timestamps on PostgreSQL (timestamptz); SQLite stores them as text either way.
    type_annotation_map = {datetime: DateTime(timezone=True)}


class ReportRow(Base):
    __tablename__ = "web_reports"
    __table_args__ = (Index("ix_web_reports_created", "created_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    title: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    n_claims: Mapped[int] = mapped_column(default=0)
    verdict_counts: Mapped[str] = mapped_column(Text, default="{}")  # JSON, for the history page without the body
    body: Mapped[str] = mapped_column(Text)  # the Report as JSON: the schema is the storage format


class JobRow(Base):
    __tablename__ = "web_jobs"
    __table_args__ = (Index("ix_web_jobs_status", "status", "created_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    created_at: Mapped[datetime] = mapped_column(default=_now)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    kind: Mapped[str] = mapped_column(String(10))  # text | url | upload
    text: Mapped[str | None] = mapped_column(Text)  # the article text, or the URL
    data: Mapped[bytes | None] = mapped_column(LargeBinary)  # an uploaded file
    options: Mapped[str] = mapped_column(Text, default="{}")  # JSON of the request's analyze options
    report_id: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")  # times a worker took it


def _report_row(report: Report) -> ReportRow:
    return ReportRow(
        id=report.id, created_at=report.analyzed_at, title=report.document.title, url=report.document.url,
        n_claims=len(report.claims), verdict_counts=json.dumps(report.summary.verdict_counts),
        body=report.model_dump_json(),
    )  # fmt: skip


@dataclass(frozen=True)
class ReportSummary:
    id: str
    created_at: datetime
    title: str | None
    url: str | None
    n_claims: int
    verdict_counts: dict[str, int]


class ReportStore:
    """Reports and jobs. One per server; its methods are safe to call from several threads (a session per call)."""

    def __init__(self, home: Path | None = None, url: str | None = None) -> None:
        self.home = veracity_home(home)
        self.engine: Engine = make_engine(database_url(self.home, url))
        Base.metadata.create_all(self.engine)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """Columns added since a database was created (create_all makes tables, never columns)."""
        present = {c["name"] for c in inspect(self.engine).get_columns(JobRow.__tablename__)}
        if "attempts" not in present:
            with self.engine.begin() as conn:
                conn.execute(text(f"ALTER TABLE {JobRow.__tablename__} ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0"))

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # reports

    def save(self, report: Report) -> None:
        with self.session() as s, s.begin():
            s.merge(_report_row(report))

    def get(self, report_id: str) -> Report | None:
        with self.session() as s:
            body = s.scalar(select(ReportRow.body).where(ReportRow.id == report_id))
        return None if body is None else Report.model_validate_json(body)

    def list(
        self, *, offset: int = 0, limit: int = 20, q: str | None = None, verdict: str | None = None
    ) -> tuple[int, list[ReportSummary]]:
        """(total, one page of reports, newest first) without reading their bodies. `q`: words in the title or
        address (case-insensitive); `verdict`: reports with at least one claim of that verdict ('unchecked': none
        checked)."""
        where = []
        if q and q.strip():
            where.append(or_(ReportRow.title.icontains(q.strip(), autoescape=True),
                             ReportRow.url.icontains(q.strip(), autoescape=True)))  # fmt: skip
        if verdict == "unchecked":
            where.append(ReportRow.verdict_counts == "{}")
        elif verdict:
            where.append(ReportRow.verdict_counts.contains(json.dumps(verdict), autoescape=True))
        with self.session() as s:
            total = s.scalar(select(func.count()).select_from(ReportRow).where(*where)) or 0
            rows = s.execute(
                select(ReportRow.id, ReportRow.created_at, ReportRow.title, ReportRow.url, ReportRow.n_claims,
                       ReportRow.verdict_counts)
                .where(*where)
                .order_by(ReportRow.created_at.desc(), ReportRow.id)
                .offset(offset).limit(limit)
            ).all()  # fmt: skip
        # SQLite hands timestamps back without their zone; they were written in UTC.
        return total, [ReportSummary(r[0], r[1] if r[1].tzinfo else r[1].replace(tzinfo=UTC), *r[2:5], json.loads(r[5]))
                       for r in rows]  # fmt: skip

    def delete(self, report_id: str) -> bool:
        """Delete a stored report; False when there was none."""
        with self.session() as s, s.begin():
            return bool(s.execute(delete(ReportRow).where(ReportRow.id == report_id)).rowcount)

    # jobs

    def submit(self, *, kind: str, text: str | None = None, data: bytes | None = None, options: dict) -> JobRow:
        row = JobRow(id=uuid4().hex, kind=kind, text=text, data=data, options=json.dumps(options), status="queued")
        with self.session() as s, s.begin():
            s.add(row)
        return row

    def job(self, job_id: str) -> JobRow | None:
        with self.session() as s:
            return s.get(JobRow, job_id)

    def claim_next(self) -> JobRow | None:
        """Take the oldest queued job and mark it running. The conditional update makes two workers (threads or
        processes) never take the same job: only the one whose update changed the row runs it."""
        for _ in range(5):
            with self.session() as s, s.begin():
                job_id = s.scalar(
                    select(JobRow.id).where(JobRow.status == "queued").order_by(JobRow.created_at, JobRow.id).limit(1)
                )
                if job_id is None:
                    return None
                taken = s.execute(
                    update(JobRow).where(JobRow.id == job_id, JobRow.status == "queued")
                    .values(status="running", started_at=_now(), attempts=JobRow.attempts + 1)
                ).rowcount  # fmt: skip
                if taken:
                    return s.get(JobRow, job_id)
        return None

    def finish(self, job_id: str, report: Report) -> bool:
        """Store the report and mark the job done, in one transaction; False when the job is no longer running
        (it timed out meanwhile): then nothing is stored."""
        with self.session() as s, s.begin():
            done = s.execute(
                update(JobRow).where(JobRow.id == job_id, JobRow.status == "running")
                .values(status="done", finished_at=_now(), report_id=report.id, data=None)
            ).rowcount  # fmt: skip
            if done:
                s.merge(_report_row(report))
        return bool(done)

    def fail(self, job_id: str, error: str, code: str = "V000") -> None:
        with self.session() as s, s.begin():
            s.execute(
                update(JobRow).where(JobRow.id == job_id, JobRow.status.in_(("queued", "running")))
                .values(status="failed", finished_at=_now(), error=error, error_code=code, data=None)
            )  # fmt: skip

    def requeue_running(self, max_attempts: int = MAX_ATTEMPTS) -> tuple[int, int]:
        """At start-up: jobs left running by a server that stopped go back to the queue (one server per database),
        unless `max_attempts` workers already took them: a job that crashed the server that often (an out-of-memory
        kill, say) fails instead of looping. Returns (requeued, failed)."""
        crashed = (
            f"the server stopped {max_attempts} times while running this job (a crash or an out-of-memory kill?); "
            "it is not tried again"
        )
        with self.session() as s, s.begin():
            failed = s.execute(
                update(JobRow).where(JobRow.status == "running", JobRow.attempts >= max_attempts)
                .values(status="failed", finished_at=_now(), error=crashed, error_code="V500", data=None)
            ).rowcount  # fmt: skip
            requeued = s.execute(
                update(JobRow).where(JobRow.status == "running").values(status="queued", started_at=None)
            ).rowcount
        return requeued, failed

    def expire(self, older_than: datetime) -> int:
        """Fail the running jobs started before `older_than` (the analysis timeout)."""
        with self.session() as s, s.begin():
            return s.execute(
                update(JobRow).where(JobRow.status == "running", JobRow.started_at < older_than)
                .values(status="failed", finished_at=_now(), error="the analysis timed out", error_code="V700",
                        data=None)
            ).rowcount  # fmt: skip

    def cancel(self, job_id: str) -> JobRow | None:
        """Mark a queued or running job cancelled (a running one stops at its next stage; its result is dropped).
        Returns the job as it is now (unchanged when it had already ended), or None when there is no such job."""
        with self.session() as s, s.begin():
            s.execute(
                update(JobRow).where(JobRow.id == job_id, JobRow.status.in_(("queued", "running")))
                .values(status="cancelled", finished_at=_now(), error="cancelled", error_code="V900", data=None)
            )  # fmt: skip
        return self.job(job_id)

    def queued(self) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(JobRow).where(JobRow.status == "queued")) or 0
