"""`veracity batch`: a thin shell over `veracity.batch.run_batch` (parse flags, run, print the summary)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from veracity.cli.common import (
    AllClaims,
    ClaimBudget,
    ClaimThreshold,
    Corpora,
    EvidenceSources,
    Factchecks,
    Home,
    LLMCache,
    LLMModel,
    LLMTimeout,
    LLMUrl,
    LLMUse,
    MaxMB,
    Persuasion,
    PersuasionTagger,
    Stages,
    Timeout,
    Verifier,
    analyze_options,
    app,
    run,
)
from veracity.llm import DEFAULT_TIMEOUT_S as DEFAULT_LLM_TIMEOUT_S
from veracity.options import DEFAULT_BUDGET, DEFAULT_MAX_MB, DEFAULT_TIMEOUT_S


@app.command("batch")
def batch_cmd(
    out: Annotated[str, typer.Option("--out", "-o", help="Output folder (local path or fsspec URL).")],
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(help="Article files, folders (recursive), CSV/TSV/JSONL/Parquet tables, WARC files."),
    ] = None,
    urls: Annotated[list[Path] | None, typer.Option(help="A text file of URLs, one a line (repeatable).")] = None,
    feed: Annotated[
        list[str] | None, typer.Option(help="An RSS/Atom feed (URL or file): each entry's link (repeatable).")
    ] = None,
    text_column: Annotated[str | None, typer.Option(help="Tables: the column holding the article.")] = None,
    id_column: Annotated[str | None, typer.Option(help="Tables: a column of stable row ids.")] = None,
    url_column: Annotated[str | None, typer.Option(help="Tables: the article's original address.")] = None,
    title_column: Annotated[str | None, typer.Option(help="Tables: the article's title.")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default 1; with --dask local, one per core).")
    ] = None,
    dask: Annotated[
        str | None, typer.Option(help="'local' for a LocalCluster, or a scheduler address (tcp://HOST:8786).")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N inputs (in the order given).")] = None,
    chunk_size: Annotated[int, typer.Option(min=1, help="Inputs per part file (and per task).")] = 16,
    json_reports: Annotated[bool, typer.Option("--json", help="Also write each JSON report under OUT/json.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar: only the summary line.")] = False,
    # The analysis: parameters named after the AnalyzeOptions fields (analyze_options reads them); each input's
    # original address comes from --url-column.
    corpora: Corpora = None,
    factchecks: Factchecks = None,
    evidence_sources: EvidenceSources = None,
    persuasion: Persuasion = False,
    persuasion_tagger: PersuasionTagger = "fast",
    claim_threshold: ClaimThreshold = None,
    claim_budget: ClaimBudget = DEFAULT_BUDGET,
    all_claims: AllClaims = False,
    verifier: Verifier = "fast",
    max_mb: MaxMB = DEFAULT_MAX_MB,
    timeout: Timeout = DEFAULT_TIMEOUT_S,
    home: Home = None,
    stages: Stages = None,
    llm_url: LLMUrl = None,
    llm_model: LLMModel = None,
    llm_uses: LLMUse = None,
    llm_timeout: LLMTimeout = DEFAULT_LLM_TIMEOUT_S,
    llm_cache: LLMCache = True,
) -> None:
    """Analyze many articles into a Parquet dataset (articles, claims, evidence, spans, errors); re-running the same
    command resumes. Exit 0 with a summary line; 1 only when every input failed."""
    flags = dict(locals())  # first: exactly the parameters

    def go():
        from veracity.batch import BatchConfig
        from veracity.batch.progress import run_with_progress

        options = analyze_options(flags)
        config = BatchConfig(inputs=inputs or [], out=out, url_lists=urls or [], feeds=feed or [],
                             text_column=text_column, id_column=id_column, url_column=url_column,
                             title_column=title_column, options=options,
                             workers=workers, dask=dask, limit=limit, chunk_size=chunk_size,
                             write_json=json_reports)  # fmt: skip
        return run_with_progress(config, quiet=quiet)

    summary = run(go)
    typer.echo(summary.line)
    if summary.all_failed:
        raise typer.Exit(1)
