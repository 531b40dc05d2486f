"""What a running job is doing, and stopping it: the stage it is in (for the job API and page) and cancellation.

Kept in memory, beside the worker pool (one server per database: the pool that runs a job is the one asked about
it). A worker wraps its analyzer's stages for the length of one job (`Progress.tracking`): before each stage the
wrapper records the stage and stops the job if it was cancelled, so a cancelled analysis ends at the next stage
boundary instead of running on. The job's row says `cancelled` at once; its late result, if any, is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from veracity.errors import VeracityError


class JobCancelled(VeracityError):
    """The job was cancelled while it ran (it stops before its next stage)."""

    code = "V900"


# What each stage does, in a reader's words (the job page and the job API's `activity`).
STAGE_WORDS = {
    "fetch": "fetching the page", "read": "reading the article", "nlp": "finding sentences, names, numbers and dates",
    "attribution": "finding who says what", "claims": "scoring how check-worthy each sentence is",
    "source": "looking up the outlet's rating", "persuasion": "marking persuasion techniques",
    "decompose": "splitting claims into checkable facts (LLM)", "evidence": "searching the evidence",
    "verdict": "weighing the evidence for each claim", "summary": "writing the assessment",
}  # fmt: skip


@dataclass(frozen=True)
class Step:
    stage: str  # a stage name ("claims"), or "fetch" / "read" before the stages
    number: int  # 1-based position among `count`; 0 before the stages
    count: int

    @property
    def words(self) -> str:
        return STAGE_WORDS.get(self.stage, self.stage)


class Progress:
    """Job id -> the step it is at; the set of jobs cancelled while running. Safe to use from several threads."""

    def __init__(self) -> None:
        self._steps: dict[str, Step] = {}
        self._cancelled: set[str] = set()
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Step | None:
        with self._lock:
            return self._steps.get(job_id)

    def set(self, job_id: str, step: Step) -> None:
        with self._lock:
            self._steps[job_id] = step

    def cancel(self, job_id: str) -> None:
        with self._lock:
            self._cancelled.add(job_id)

    def check(self, job_id: str) -> None:
        with self._lock:
            if job_id in self._cancelled:
                raise JobCancelled("the analysis was cancelled")

    def clear(self, job_id: str) -> None:
        with self._lock:
            self._steps.pop(job_id, None)
            self._cancelled.discard(job_id)

    @contextmanager
    def tracking(self, job_id: str, analyzer: Any) -> Iterator[None]:
        """While the block runs, the analyzer's stages report here (an analyzer without a `stages` list, such as a
        test's fake, only gets the first step)."""
        self.set(job_id, Step("read", 0, 0))
        stages = getattr(analyzer, "stages", None)
        tracked = isinstance(stages, list)
        if tracked:
            analyzer.stages = [_Tracked(s, Step(s.name, k, len(stages)), self, job_id)
                               for k, s in enumerate(stages, 1)]  # fmt: skip
        try:
            yield
        finally:
            if tracked:
                analyzer.stages = stages
            self.clear(job_id)


class _Tracked:
    """A stage that records its step and honours a cancellation before it runs; otherwise the stage itself."""

    def __init__(self, stage: Callable, step: Step, progress: Progress, job_id: str) -> None:
        self._stage, self._step, self._progress, self._job_id = stage, step, progress, job_id

    def __call__(self, report: Any) -> Any:
        self._progress.check(self._job_id)
        self._progress.set(self._job_id, self._step)
        return self._stage(report)

    def __getattr__(self, name: str) -> Any:  # name, requires, assigns, ...
        return getattr(self._stage, name)


def elapsed_seconds(since: Any, until: Any = None) -> float:
    """Seconds from `since` to `until` (a datetime; None: now), never negative."""

    def aware(value):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value

    end = aware(until) if until is not None else datetime.now(UTC)
    return max(0.0, round((end - aware(since)).total_seconds(), 1))
