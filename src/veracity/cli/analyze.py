"""`veracity analyze` and `veracity schema`."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from veracity._version import __version__
from veracity.cli.common import (
    Home,
    LLMCache,
    LLMModel,
    LLMTimeout,
    LLMUrl,
    LLMUse,
    PersuasionTagger,
    Verifier,
    app,
    llm_options,
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
    url: Annotated[
        str | None, typer.Option(help="Original address of a local file (decides the outlet rating).")
    ] = None,
    max_mb: Annotated[float, typer.Option(help="Refuse inputs larger than this many megabytes.")] = DEFAULT_MAX_MB,
    timeout: Annotated[
        float, typer.Option(help="Stop the analysis with an error (exit 5) after this many seconds.")
    ] = DEFAULT_TIMEOUT_S,
    corpus: Annotated[list[str] | None, typer.Option(help="Search this corpus for evidence (repeatable).")] = None,
    factchecks: Annotated[
        list[str] | None, typer.Option(help="Match claims against these prior fact-checks (repeatable).")
    ] = None,
    persuasion: Annotated[
        bool, typer.Option(help="Mark propaganda technique spans (SemEval-2020 task 11 models; experimental).")
    ] = False,
    persuasion_tagger: PersuasionTagger = "fast",
    claim_threshold: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Check-worthiness from which a sentence is a claim (default: the model's)"),
    ] = None,
    claim_budget: Annotated[
        float | None,
        typer.Option(min=1.0, max=1000.0, help="Check only this many claims per 1,000 words, most check-worthy "
                     "first (default: every sentence over the threshold).")  # fmt: skip
    ] = None,
    all_claims: Annotated[bool, typer.Option(help="Check every sentence over the threshold (the default; "
                                             "overrides --claim-budget).")] = False,  # fmt: skip
    verifier: Verifier = "fast",
    home: Home = None,
    publisher: Annotated[
        str | None, typer.Option(help="--format claimreview: the reviewing organisation (ClaimReview author).")
    ] = None,
    report_url: Annotated[
        str | None, typer.Option(help="--format claimreview: where the report is published (each review's url).")
    ] = None,
    llm_url: LLMUrl = None,
    llm_model: LLMModel = None,
    llm_use: LLMUse = None,
    llm_timeout: LLMTimeout = DEFAULT_LLM_TIMEOUT_S,
    llm_cache: LLMCache = True,
) -> None:
    """Analyze one article and print its credibility report (with --corpus, an optional LLM: see --llm-url)."""
    from veracity import AnalyzeOptions, analyze
    from veracity.render import render

    def build() -> str:
        options = AnalyzeOptions(corpora=corpus or (), factchecks=factchecks or (), persuasion=persuasion,
                                 persuasion_tagger=persuasion_tagger,
                                 claim_threshold=claim_threshold, claim_budget=None if all_claims else claim_budget,
                                 max_mb=max_mb, timeout=timeout, url=url, home=home, verifier=verifier,
                                 **llm_options(llm_url, llm_model, llm_use, llm_timeout, llm_cache))  # fmt: skip
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
