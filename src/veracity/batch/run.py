"""The batch driver: collect inputs, skip those already written, hand chunks to workers, show progress.

    inputs ─► Items ─► minus done (articles ∪ errors) ─► chunks ─► workers: process_chunk ─► parts under DIR

Workers are the driver itself (`workers=1`), a local process pool (`workers=N`), a Dask `LocalCluster`
(`dask="local"`) or an existing Dask cluster (`dask="tcp://HOST:8786"`): the same `process_chunk` in every case.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from veracity.batch.inputs import Item, TableColumns, collect_items
from veracity.batch.worker import ChunkResult, Job, init_worker, process_chunk
from veracity.errors import InputError, ModelUnavailable
from veracity.options import AnalyzeOptions

DEFAULT_CHUNK_SIZE = 16  # inputs per part: small enough to lose little on a crash, large enough for few files
# The first chunks grow 1, 2, 4, ... up to the chunk size, so the first part is on disk as soon as the models have
# loaded and one article is analysed (~5-10 s), not after a whole chunk (16 articles took 43-48 s on 2 busy cores).
FIRST_CHUNK_SIZE = 1
INSTALL_HINT = "pip install 'veracity[batch]'"


class BatchConfig(BaseModel):
    """A batch run, as the CLI's flags describe it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    inputs: list[Path] = Field(default_factory=list, description="files and folders (recursive), tables, WARCs")
    out: str = Field(description="output folder (a local path or any fsspec URL)")
    url_lists: list[Path] = Field(default_factory=list, description="text files of URLs, one a line")
    feeds: list[str] = Field(default_factory=list, description="RSS/Atom feeds (files or URLs): their entries' links")
    text_column: str | None = None
    id_column: str | None = None
    url_column: str | None = None
    title_column: str | None = None
    options: AnalyzeOptions = Field(default_factory=AnalyzeOptions)
    workers: int | None = Field(default=None, ge=1, description="worker processes (default: 1; for a LocalCluster, "
                                                                "one per core)")  # fmt: skip
    dask: str | None = Field(default=None, description="'local' or the address of a Dask scheduler")
    limit: int | None = Field(default=None, ge=1)
    chunk_size: int = Field(default=DEFAULT_CHUNK_SIZE, ge=1)
    write_json: bool = False
    fetch_policy: Any = None  # veracity.ingest.fetch.FetchPolicy; tests allow a 127.0.0.1 server with it
    fetch_backoff_s: float = 1.0

    @property
    def columns(self) -> TableColumns:
        return TableColumns(text=self.text_column, id=self.id_column, url=self.url_column, title=self.title_column)


class BatchSummary(BaseModel):
    inputs: int = 0
    skipped: int = 0
    articles: int = 0
    errors: int = 0
    words: int = 0
    seconds: float = 0.0
    out: str = ""
    workers: dict[int, float] = Field(default_factory=dict, description="peak RSS (MB) per worker process id")

    @property
    def all_failed(self) -> bool:
        """Every input of this run failed (nothing analysed, nothing left from an earlier run)."""
        return self.errors > 0 and self.articles == 0 and self.skipped == 0

    @property
    def line(self) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        return (f"batch: {self.inputs} inputs: {self.articles} analysed, {self.errors} errors, {self.skipped} "
                f"already done; {self.seconds:.1f} s ({rate:.2f} articles/s) -> {self.out}")  # fmt: skip


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def threads_per_worker(workers: int) -> int:
    """ONNX threads per worker so that N workers share the cores instead of oversubscribing them."""
    return max(1, available_cores() // workers)


def make_chunks(items: list[Item], size: int) -> list[list[Item]]:
    """Chunks in input order, the first ones small (1, 2, 4, ... then `size`: early results on disk); URLs are
    grouped by host (one host per chunk), so holding back a host's next chunk while one is in flight keeps one
    fetch per host at a time."""
    chunks = _ramped([i for i in items if i.kind != "url"], size)
    by_host: OrderedDict[str, list[Item]] = OrderedDict()
    for item in items:
        if item.kind == "url":
            by_host.setdefault(item.host or "", []).append(item)
    for host_items in by_host.values():
        chunks += _ramped(host_items, size)
    return chunks


def _ramped(items: list[Item], size: int) -> list[list[Item]]:
    chunks, at, step = [], 0, min(FIRST_CHUNK_SIZE, size)
    while at < len(items):
        chunks.append(items[at : at + step])
        at += step
        step = min(step * 2, size)
    return chunks


def _chunk_host(chunk: list[Item]) -> str | None:
    return chunk[0].host


def _require_extras() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ModelUnavailable(f"veracity batch needs pyarrow: {INSTALL_HINT}") from None


class _InProcess:
    """The driver as its only worker (no pool): futures that are done when submitted."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # surfaced by future.result() in the loop, like a pool's
            future.set_exception(exc)
        return future


@contextmanager
def _executor(config: BatchConfig) -> Iterator[tuple[Any, Callable, int, int | None]]:
    """(submit-able executor, wait function, slots, ONNX threads per worker) for the configured mode."""
    workers = config.workers or (available_cores() if config.dask == "local" else 1)
    if config.dask is None and workers == 1:
        yield _InProcess(), wait_futures, 1, threads_per_worker(1)
        return
    if config.dask is None:
        import multiprocessing

        threads = threads_per_worker(workers)
        # spawn: a fresh interpreter per worker (no forked copies of the driver's threads or open files)
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=init_worker, initargs=(threads,)) as pool:  # fmt: skip
            yield pool, wait_futures, workers, threads
        return
    try:
        from distributed import Client, LocalCluster
        from distributed import wait as wait_dask
    except ImportError:
        raise ModelUnavailable(f"--dask needs dask.distributed: {INSTALL_HINT}") from None
    if config.dask == "local":
        threads = threads_per_worker(workers)
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=40) as cluster, Client(cluster) as client:  # fmt: skip
            yield _DaskExecutor(client), wait_dask, workers, threads
        return
    with Client(config.dask) as client:
        # A remote worker runs one task per thread: start workers with --nthreads 1 (one process per core).
        slots = max(1, sum(client.nthreads().values()))
        yield _DaskExecutor(client), wait_dask, slots, 1


class _DaskExecutor:
    def __init__(self, client: Any) -> None:
        self.client = client

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)  # every chunk runs, even one equal to an earlier one


def pending_items(items: list[Item], done: set[tuple[str, str]]) -> list[Item]:
    """Items not yet written, each key once."""
    seen = set(done)
    out = []
    for item in items:
        if item.key not in seen:
            seen.add(item.key)
            out.append(item)
    return out


def run_batch(config: BatchConfig, *, on_progress: Callable[[ChunkResult, int], None] | None = None,
              on_start: Callable[[int, int], None] | None = None) -> BatchSummary:  # fmt: skip
    """Run a batch; `on_start(total, skipped)` and `on_progress(result, inputs in it)` report as it goes."""
    _require_extras()
    from veracity.batch.parts import Dataset

    if not config.inputs and not config.url_lists and not config.feeds:
        raise InputError("give at least one input (a file, folder, table, WARC), --urls FILE or --feed URL|FILE")
    started = time.perf_counter()
    items = collect_items(config.inputs, columns=config.columns, url_lists=config.url_lists, feeds=config.feeds,
                          limit=config.limit, fetch_policy=config.fetch_policy)  # fmt: skip
    dataset = Dataset(config.out)
    try:
        dataset.prepare()
        pending = pending_items(items, dataset.done_keys())
    except OSError as exc:
        raise InputError(f"cannot use the output folder {config.out}: {exc}") from None
    summary = BatchSummary(inputs=len(items), skipped=len(items) - len(pending), out=config.out)
    if on_start:
        on_start(len(items), summary.skipped)
    queue = make_chunks(pending, config.chunk_size)
    if not queue:
        summary.seconds = time.perf_counter() - started
        return summary
    with _executor(config) as (executor, wait, slots, threads):
        job = Job(out=config.out, options=config.options, threads=threads, write_json=config.write_json,
                  fetch_policy=config.fetch_policy, fetch_backoff_s=config.fetch_backoff_s)  # fmt: skip
        in_flight: dict[Any, tuple[int, str | None]] = {}
        busy_hosts: set[str] = set()
        while queue or in_flight:
            # Keep every slot busy plus one chunk queued each, never two chunks of one host at once.
            while len(in_flight) < 2 * slots:
                at = next((k for k, c in enumerate(queue) if _chunk_host(c) not in busy_hosts), None)
                if at is None:
                    break
                chunk = queue.pop(at)
                host = _chunk_host(chunk)
                if host is not None:
                    busy_hosts.add(host)
                in_flight[executor.submit(process_chunk, chunk, job)] = (len(chunk), host)
            done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            for future in done:
                n, host = in_flight.pop(future)
                busy_hosts.discard(host)  # type: ignore[arg-type]
                try:
                    result: ChunkResult = future.result()
                except OSError as exc:  # the output went away or filled up: stop, the parts written so far stay
                    raise InputError(f"cannot write to {config.out}: {exc}") from None
                summary.articles += result.articles
                summary.errors += result.errors
                summary.words += result.words
                summary.workers[result.pid] = max(summary.workers.get(result.pid, 0.0), result.peak_rss_mb)
                if on_progress:
                    on_progress(result, n)
    summary.seconds = time.perf_counter() - started
    return summary
