"""`veracity analyze` and `veracity schema`."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from veracity._version import __version__
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
    option,
    run,
)
from veracity.llm import DEFAULT_TIMEOUT_S as DEFAULT_LLM_TIMEOUT_S
from veracity.options import DEFAULT_MAX_MB, DEFAULT_TIMEOUT_S
from veracity.render import Format


def _version(value: bool) -> None:
    if value:
        typer.echo(f"veracity {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """veracity: a credibility report for a news article."""
    # veracity's notices (a damaged index being rebuilt, …) reach the user as one plain line on stderr; other
    # libraries' log lines do not.
    notices = logging.getLogger("veracity")
    if not notices.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("veracity: %(message)s"))
        notices.addHandler(handler)
        notices.setLevel(logging.WARNING)


@app.command("analyze")
def analyze_cmd(
    source: Annotated[str, typer.Argument(help="Article file (text or HTML), '-' for stdin, or an http(s) URL.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.md,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the report here instead of stdout.")] = None,
    # The analysis: parameters named after the AnalyzeOptions fields (analyze_options reads them).
    url: Annotated[str | None, option("url")] = None,
    max_mb: MaxMB = DEFAULT_MAX_MB,
    timeout: Timeout = DEFAULT_TIMEOUT_S,
    corpora: Corpora = None,
    factchecks: Factchecks = None,
    evidence_sources: EvidenceSources = None,
    persuasion: Persuasion = False,
    persuasion_tagger: PersuasionTagger = "fast",
    claim_threshold: ClaimThreshold = None,
    claim_budget: ClaimBudget = None,
    all_claims: AllClaims = False,
    verifier: Verifier = "fast",
    home: Home = None,
    stages: Stages = None,
    publisher: Annotated[
        str | None, typer.Option(help="--format claimreview: the reviewing organisation (ClaimReview author).")
    ] = None,
    report_url: Annotated[
        str | None, typer.Option(help="--format claimreview: where the report is published (each review's url).")
    ] = None,
    llm_url: LLMUrl = None,
    llm_model: LLMModel = None,
    llm_uses: LLMUse = None,
    llm_timeout: LLMTimeout = DEFAULT_LLM_TIMEOUT_S,
    llm_cache: LLMCache = True,
) -> None:
    """Analyze one article and print its credibility report (with --corpus, an optional LLM: see --llm-url)."""
    flags = dict(locals())  # first: exactly the parameters
    from veracity import analyze
    from veracity.render import render

    def build() -> str:
        options = analyze_options(flags)
        # A local argument is always a file here (never article text), so a typo is "no such file".
        addressed = source == "-" or "://" in source
        report = analyze(source, options=options) if addressed else analyze(path=source, options=options)
        extra = {k: v for k, v in (("publisher", publisher), ("report_url", report_url)) if v}
        return render(report, fmt, **extra)

    text = run(build)
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        typer.echo(f"veracity: error: cannot write {out}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {out}", err=True)


@app.command("schema")
def schema_cmd() -> None:
    """Print the report's JSON Schema."""
    import json

    from veracity.schema import Report

    typer.echo(json.dumps(Report.model_json_schema(), indent=2))
