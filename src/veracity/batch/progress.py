"""Rich progress for a batch on stderr: done / total, articles/s, ETA, errors so far."""

from __future__ import annotations

import time

from veracity.batch.run import BatchConfig, BatchSummary, run_batch
from veracity.batch.worker import ChunkResult


def run_with_progress(config: BatchConfig, *, quiet: bool = False) -> BatchSummary:
    """`run_batch` with a live progress bar (none with `quiet`, e.g. when the output goes to a log)."""
    if quiet:
        return run_batch(config)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.2f} articles/s"), TextColumn("ETA"), TimeRemainingColumn(),
        TextColumn("errors: {task.fields[errors]}"), console=Console(stderr=True), transient=False,
    )  # fmt: skip
    state = {"task": None, "started": time.perf_counter(), "done": 0, "errors": 0}

    def on_start(total: int, skipped: int) -> None:
        description = f"batch ({skipped} already done)" if skipped else "batch"
        state["task"] = progress.add_task(description, total=total - skipped, rate=0.0, errors=0)
        state["started"] = time.perf_counter()

    def on_progress(result: ChunkResult, n: int) -> None:
        state["done"] += n
        state["errors"] += result.errors
        rate = state["done"] / max(time.perf_counter() - state["started"], 1e-9)
        progress.update(state["task"], advance=n, rate=rate, errors=state["errors"])

    with progress:
        return run_batch(config, on_start=on_start, on_progress=on_progress)
