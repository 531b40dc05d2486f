"""The bounded worker pool: a fixed number of threads take queued jobs from the database and run them.

The queue is the `web_jobs` table, not memory, so queued jobs survive a restart. Models are process-wide
(`functools.cache` getters in the stages), so they load once, when the pool warms up, whatever the number of
workers; each worker keeps its own few `Analyzer`s (one per distinct options) so no stage object is shared
between threads.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from veracity.errors import VeracityError
from veracity.ingest.fetch import FetchPolicy
from veracity.options import DEFAULT_TIMEOUT_S, AnalyzeOptions
from veracity.web.db import MAX_ATTEMPTS, JobRow, ReportStore
from veracity.web.progress import Progress, Step

log = logging.getLogger("veracity.web")

ANALYZERS_PER_WORKER = 4  # distinct option sets kept built per worker (building one is cheap; models are shared)
POLL_SECONDS = 1.0  # a worker also looks for work this often (jobs queued by another process, timeouts)
# Warm-up text: long enough for every default stage to run (and so load its model) once.
WARM_UP_TEXT = "The minister said on Tuesday that 200 soldiers would stay in Iraq until 2019."

AnalyzerFactory = Callable[[AnalyzeOptions], Callable]


def _default_factory(options: AnalyzeOptions):
    from veracity.pipeline import Analyzer

    return Analyzer(options=options)


class Workers:
    """`workers` threads running queued jobs; a job running longer than `timeout` seconds is marked failed.

    Threads cannot be interrupted, so nothing a job does may outlast its timeout by much: a URL is fetched here,
    before the analysis, within the time the job has left (one wall-clock deadline over connect, headers, body,
    retries and redirects: ingest/fetch.py), and the analysis gets the job's budget (`base_options.timeout`,
    checked between stages and in long loops). A hostile server therefore cannot hold the only worker; a late
    result is dropped.
    """

    def __init__(
        self,
        store: ReportStore,
        *,
        workers: int = 1,
        timeout: float = DEFAULT_TIMEOUT_S,
        base_options: AnalyzeOptions | None = None,
        analyzer_factory: AnalyzerFactory = _default_factory,
        fetch_policy: FetchPolicy | None = None,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.store, self.n, self.timeout = store, max(1, workers), timeout
        self.fetch_policy, self.max_attempts = fetch_policy or FetchPolicy(), max_attempts
        # The analysis gets the job's budget (checked between stages and in long loops): one number for both.
        self.base_options = (base_options or AnalyzeOptions()).replace(timeout=timeout)
        self.factory = analyzer_factory
        self.ready = threading.Event()
        self.progress = Progress()  # the stage each running job is at; cancellations
        self._wake = threading.Condition()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self, *, warm_up: bool = True) -> None:
        requeued, failed = self.store.requeue_running(self.max_attempts)
        if requeued:
            log.info("requeued %d job(s) left running by the last server", requeued)
        if failed:
            log.warning("failed %d job(s) that were running at %d crashes in a row", failed, self.max_attempts)
        self._threads = [threading.Thread(target=self._loop, args=(k == 0 and warm_up,), name=f"veracity-worker-{k}",
                                          daemon=True) for k in range(self.n)]  # fmt: skip
        # The timeout is enforced beside the workers: a worker stuck in a long analysis cannot fail its own job.
        self._threads.append(threading.Thread(target=self._watch, name="veracity-timeouts", daemon=True))
        if not warm_up:
            self.ready.set()
        for t in self._threads:
            t.start()

    def stop(self, wait: float = 5.0) -> None:
        self._stop.set()
        self.notify(all_workers=True)
        for t in self._threads:
            t.join(wait)

    def notify(self, *, all_workers: bool = False) -> None:
        with self._wake:
            self._wake.notify_all() if all_workers else self._wake.notify()

    def options_for(self, job: JobRow) -> AnalyzeOptions:
        values = json.loads(job.options)
        values.pop("published", None)  # the document's, not an analyze option (see `dated`)
        return self.base_options.replace(**values)

    def _loop(self, warm_up: bool) -> None:
        analyzers: OrderedDict[AnalyzeOptions, Callable] = OrderedDict()

        def analyzer(options: AnalyzeOptions):
            if options not in analyzers:
                analyzers[options] = self.factory(options)
                while len(analyzers) > ANALYZERS_PER_WORKER:
                    analyzers.popitem(last=False)
            analyzers.move_to_end(options)
            return analyzers[options]

        if warm_up:
            try:
                analyzer(self.base_options)(text=WARM_UP_TEXT)
            except Exception:  # a missing model shows in each job's error; the server still answers
                log.exception("warm-up failed")
            self.ready.set()
        while not self._stop.is_set():
            try:
                job = self.store.claim_next()
            except Exception:  # the database may be briefly unavailable: wait and try again, never die
                log.exception("taking the next job failed")
                self._stop.wait(POLL_SECONDS)
                continue
            if job is None:
                with self._wake:
                    self._wake.wait(POLL_SECONDS)
                continue
            self._run(job, analyzer, time.monotonic())

    def _watch(self) -> None:
        while not self._stop.wait(min(POLL_SECONDS, self.timeout / 4)):
            try:
                self.store.expire(datetime.now(UTC) - timedelta(seconds=self.timeout))
            except Exception:  # the database may be briefly unavailable; try again next round
                log.exception("checking job timeouts failed")

    def _run(self, job: JobRow, analyzer: Callable[[AnalyzeOptions], Callable], started: float) -> None:
        try:
            options = self.options_for(job)
            run = analyzer(options)
            with self.progress.tracking(job.id, run):
                if (published := json.loads(job.options).get("published")) is not None:
                    run = dated(run, published, options)
                if job.kind == "url":
                    self.progress.set(job.id, Step("fetch", 0, 0))
                    report = run(self._fetch(job.text or "", options, started + self.timeout))
                elif job.kind == "upload":
                    report = run(job.data)
                else:
                    report = run(text=job.text)  # never `source=`: pasted text must not be read as a server path
            if not self.store.finish(job.id, report):
                log.info("job %s finished after its timeout; result dropped", job.id)
        except VeracityError as exc:
            self.store.fail(job.id, str(exc), exc.code)
        except Exception as exc:  # a bug: the job fails with its type, the worker goes on
            log.exception("job %s failed", job.id)
            self.store.fail(job.id, f"internal error: {type(exc).__name__}: {exc}", "V500")

    def _fetch(self, url: str, options: AnalyzeOptions, deadline: float):
        """The page at `url` as a Document, fetched (SSRF-safe) by `deadline` at the latest."""
        from veracity.ingest import document_from_bytes
        from veracity.ingest.fetch import fetch_url

        left = max(0.1, deadline - time.monotonic())
        policy = replace(self.fetch_policy, max_bytes=options.max_bytes,
                         timeout_s=min(self.fetch_policy.timeout_s, left))  # fmt: skip
        fetched = fetch_url(url, policy)
        return document_from_bytes(fetched.content, url=options.url or fetched.url, charset=fetched.charset,
                                   max_bytes=options.max_bytes)  # fmt: skip


def dated(run: Callable, published: str, options: AnalyzeOptions) -> Callable:
    """`run` for an article whose publication date the client gave (the page's own, if any, is replaced): relative
    dates such as 'Tuesday' are counted from it. The input is read here, then analysed as a Document."""
    from veracity.ingest import document_from_bytes, document_from_string
    from veracity.schema import Document

    def call(source=None, *, text: str | None = None):
        t0 = time.perf_counter()
        if isinstance(source, Document):
            document = source
        elif text is not None:
            document = document_from_string(text, url=options.url, max_bytes=options.max_bytes)
        else:
            document = document_from_bytes(source, url=options.url, max_bytes=options.max_bytes)
        document.published = published
        read_ms = round((time.perf_counter() - t0) * 1000, 2)
        report = run(document)
        report.timings_ms = {"ingest": read_ms, **report.timings_ms}
        return report

    return call
