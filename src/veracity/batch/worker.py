"""What a worker does with one chunk of inputs: analyse each with the process's one `Analyzer`, write the part.

The same function runs in the driver (one worker), in a local process pool and on Dask workers, so every mode
writes the same rows. Only configuration travels to a worker (a `Job`); models load once per worker process, on
its first chunk. Heavy imports stay inside functions: a pool's initializer must set thread limits before numpy
and onnxruntime are imported.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from veracity.batch.inputs import Item
from veracity.options import AnalyzeOptions

if TYPE_CHECKING:
    from veracity.ingest.fetch import FetchPolicy
    from veracity.pipeline import Analyzer
    from veracity.schema import Report

# URL lists: attempts per URL on a timeout, a dropped connection or a 5xx answer, with exponential back-off.
FETCH_ATTEMPTS = 3
FETCH_BACKOFF_S = 1.0
_BLAS_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Job:
    """Everything a worker needs besides the chunk: where to write and how to analyse."""

    out: str
    options: AnalyzeOptions
    threads: int | None = None  # ONNX threads per worker process (None: the models' own default)
    write_json: bool = False
    fetch_policy: FetchPolicy | None = None  # None: public addresses only (tests pass a loopback policy)
    fetch_backoff_s: float = FETCH_BACKOFF_S


@dataclass(frozen=True)
class ChunkResult:
    part: str
    articles: int
    errors: int
    words: int
    seconds: float
    pid: int
    peak_rss_mb: float


def init_worker(threads: int) -> None:
    """Pool initializer: cap native thread pools before numpy/onnxruntime load, and die with the driver (Linux),
    so a killed batch leaves no worker that could still commit a part while a re-run starts."""
    for name in _BLAS_THREAD_VARIABLES:
        os.environ[name] = str(threads)
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: workers end when the pool's pipe closes
        pass


@cache
def _analyzer(options: AnalyzeOptions, threads: int | None) -> Analyzer:
    from veracity.pipeline import Analyzer
    from veracity.runtime import limit_onnx_threads

    limit_onnx_threads(threads)
    return Analyzer(options=options)


def _transient(exc: BaseException) -> bool:
    from veracity.errors import FetchError

    if not isinstance(exc, FetchError):
        return False
    return (exc.status is not None and exc.status >= 500) or exc.message.startswith(
        ("timed out", "connection failed", "download failed")
    )


def fetch(url: str, policy: FetchPolicy | None, backoff_s: float = FETCH_BACKOFF_S):
    """The safe fetcher, retried on transient failures (refusals and 4xx are final)."""
    import tenacity

    from veracity.ingest.fetch import FetchPolicy, fetch_url

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(FETCH_ATTEMPTS),
        wait=tenacity.wait_exponential(multiplier=backoff_s, max=30 * backoff_s),
        retry=tenacity.retry_if_exception(_transient),
        reraise=True,
    )
    return retrying(fetch_url, url, policy or FetchPolicy())  # policy None: public addresses only


def analyze_item(analyzer: Analyzer, item: Item, job: Job) -> Report:
    if item.kind == "file":
        return analyzer(path=item.payload)
    if item.kind == "text":
        return analyzer(text=str(item.payload), url=item.url)
    if item.kind == "bytes":
        return analyzer(item.payload, url=item.url)
    if item.kind == "url":
        from dataclasses import replace

        from veracity.ingest import document_from_bytes
        from veracity.ingest.fetch import FetchPolicy

        t0 = time.perf_counter()
        max_bytes = job.options.max_bytes
        policy = replace(job.fetch_policy or FetchPolicy(), max_bytes=max_bytes)
        fetched = fetch(str(item.payload), policy, job.fetch_backoff_s)
        t1 = time.perf_counter()
        document = document_from_bytes(fetched.content, url=fetched.url, charset=fetched.charset,
                                       max_bytes=max_bytes)  # fmt: skip
        t2 = time.perf_counter()
        report = analyzer(document)
        report.timings_ms = {"fetch": round((t1 - t0) * 1000, 2), "ingest": round((t2 - t1) * 1000, 2),
                             **report.timings_ms}  # fmt: skip
        return report
    raise ValueError(f"unknown item kind {item.kind!r}")


def process_chunk(chunk: list[Item], job: Job) -> ChunkResult:
    """Analyse a chunk and write its part; one bad input becomes an `errors` row and the chunk goes on."""
    from veracity.batch.parts import Dataset, part_name
    from veracity.batch.tables import article_rows, empty_rows, error_row
    from veracity.errors import FetchError, StageError, VeracityError

    started = time.perf_counter()
    dataset = Dataset(job.out)
    part = part_name(item.key for item in chunk)
    rows = empty_rows()
    analyzer = None
    words = 0
    for item in chunk:
        if item.kind == "error":
            rows["errors"].append(error_row(item, None, stage="read", message=str(item.payload)))
            continue
        try:
            analyzer = analyzer or _analyzer(job.options, job.threads)
            report = analyze_item(analyzer, item, job)
        except StageError as exc:
            rows["errors"].append(error_row(item, exc, stage=exc.stage))
            continue
        except FetchError as exc:
            rows["errors"].append(error_row(item, exc, stage="fetch"))
            continue
        except VeracityError as exc:
            rows["errors"].append(error_row(item, exc, stage="ingest"))
            continue
        except Exception as exc:  # a crash outside the stages: record it with its type, go on with the batch
            rows["errors"].append(error_row(item, exc, stage="batch", message=f"{type(exc).__name__}: {exc}"))
            continue
        json_file = None
        if job.write_json:
            name = f"json/{part_name([item.key])[5:]}.json"
            json_file = dataset.write_text(name, report.model_dump_json(indent=1))
        new = article_rows(item, report, stages=analyzer.stage_names, json_file=json_file)
        for table, table_rows in new.items():
            rows[table].extend(table_rows)
        words += new["articles"][0]["words"]
    dataset.write_part(part, rows)
    return ChunkResult(
        part=part, articles=len(rows["articles"]), errors=len(rows["errors"]), words=words,
        seconds=time.perf_counter() - started, pid=os.getpid(),
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )  # fmt: skip
