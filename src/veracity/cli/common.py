"""Shared pieces of the command line: the Typer apps and the error-to-exit-code wrapper."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from veracity.cli.startup import interrupts_end_quietly

if TYPE_CHECKING:
    from veracity.options import AnalyzeOptions


class CommandLine(typer.Typer):
    """The `veracity` app: builds its click command inside the quiet start-up window. (Typer's own `__call__` only
    adds its pretty exception hook, which this app turns off.)"""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with interrupts_end_quietly():
            command = typer.main.get_command(self)
        return command(*args, **kwargs)


app = CommandLine(
    help="Check news articles: clean text, check-worthy claims, who says what, persuasion, evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(
    help="Score a model on a labelled file; the last line is the headline metric.", no_args_is_help=True
)
train_app = typer.Typer(help="Train a model from the data sets.", no_args_is_help=True)
corpus_app = typer.Typer(help="Your own documents, searched as evidence for every claim.", no_args_is_help=True)
factchecks_app = typer.Typer(help="Prior fact-checks (Snopes/CheckThat!, LIAR, ClaimReview).", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")
app.add_typer(corpus_app, name="corpus")
app.add_typer(factchecks_app, name="factchecks")

# Options several commands share (typer reads the help from the Annotated alias). Those of an AnalyzeOptions field
# are made from veracity.options.OPTION_TABLE (flag, help, bounds), so `analyze`, `batch`, `serve` and the web's
# request model cannot drift apart.


def option(name: str, *, help: str | None = None, **extra: Any) -> Any:
    """The `typer.Option` of AnalyzeOptions field `name`: its flag, help and bounds from OPTION_TABLE (a switch gets
    its --no- form too). `help` replaces the table's where a command means something narrower (serve's --max-mb)."""
    from veracity.options import OPTION_TABLE, AnalyzeOptions

    spec = OPTION_TABLE[name]
    if spec.flag is None:
        raise ValueError(f"{name} has no flag (it is read from ${spec.env} only)")
    switch = isinstance(AnalyzeOptions.__dataclass_fields__[name].default, bool)
    bounds = {k: v for k, v in (("min", spec.min), ("max", spec.max)) if v is not None}
    text = help or spec.help + (" Repeatable." if spec.many else "")
    return typer.Option(f"{spec.flag}/--no-{spec.flag[2:]}" if switch else spec.flag, help=text, envvar=spec.env,
                        **bounds, **extra)  # fmt: skip


Home = Annotated[Path | None, option("home")]
OutDir = Annotated[Path, typer.Option(help="Where to write the model.")]
Verifier = Annotated[str, option("verifier")]
PersuasionTagger = Annotated[str, option("persuasion_tagger")]
Epochs = Annotated[int, typer.Option(help="Epochs.")]
CheckThat22Dir = Annotated[Path, typer.Option(help="CheckThat! 2022 2A folder (vclaims.jsonl, queries, qrels).")]
# What `analyze` and `batch` analyse with (the parameter names are the fields': `analyze_options` reads them).
Corpora = Annotated[list[str] | None, option("corpora")]
Factchecks = Annotated[list[str] | None, option("factchecks")]
EvidenceSources = Annotated[list[str] | None, option("evidence_sources")]
Persuasion = Annotated[bool, option("persuasion")]
ClaimThreshold = Annotated[float | None, option("claim_threshold")]
ClaimBudget = Annotated[float | None, option("claim_budget")]
AllClaims = Annotated[bool, typer.Option(help="Check every sentence over the threshold (overrides --claim-budget).")]
MaxMB = Annotated[float, option("max_mb")]
Timeout = Annotated[float, option("timeout")]
Stages = Annotated[list[str] | None, option("stages")]
# The optional LLM (off unless a URL is given; the API key only from $VERACITY_LLM_API_KEY, never a flag).
LLMUrl = Annotated[str | None, option("llm_url")]
LLMModel = Annotated[str | None, option("llm_model")]
LLMUse = Annotated[list[str] | None, option("llm_uses")]
LLMTimeout = Annotated[float, option("llm_timeout")]
LLMCache = Annotated[bool, option("llm_cache")]


def llm_options(url: str | None, model: str | None, uses: list[str] | None, timeout: float, cache: bool) -> dict:
    """AnalyzeOptions keywords for the LLM flags (empty when no URL: nothing is configured)."""
    import os

    from veracity.llm import USES
    from veracity.options import OPTION_TABLE

    if not url and not model:
        return {}
    key = os.environ.get(OPTION_TABLE["llm_api_key"].env or "") or None  # never a flag: see the table
    return {"llm_url": url, "llm_model": model, "llm_api_key": key,
            "llm_uses": tuple(uses or USES), "llm_timeout": timeout, "llm_cache": cache}  # fmt: skip


def analyze_options(flags: Mapping[str, Any]) -> AnalyzeOptions:
    """The AnalyzeOptions of `analyze` and `batch` from their parameters (pass `locals()`: they are named after the
    fields). An unset flag keeps the field's default; --all-claims lifts the budget; the LLM flags count only with
    --llm-url; --stage is checked here, before any input is read (batch's workers would each fail on it)."""
    from veracity.options import OPTION_TABLE, AnalyzeOptions

    values = {name: flags[name] for name in OPTION_TABLE
              if name in flags and not name.startswith("llm_") and flags[name] not in (None, [], ())}  # fmt: skip
    if flags.get("all_claims"):
        values["claim_budget"] = None
    llm = llm_options(flags["llm_url"], flags["llm_model"], flags["llm_uses"], flags["llm_timeout"],
                      flags["llm_cache"])  # fmt: skip
    options = AnalyzeOptions(**values, **llm)
    if options.stages is not None:
        _check_stages(options)
    return options


def _check_stages(options: AnalyzeOptions) -> None:
    """Known stage names, each after the stages it needs (a pipeline is cheap to build: models load on first use).
    Either mistake is the user's input (exit 2), not a broken stage."""
    from veracity.errors import InputError
    from veracity.pipeline import Analyzer

    try:
        Analyzer(options=options)
    except ValueError as exc:  # an unknown name, or a stage before those it needs (ContractError)
        raise InputError(f"--stage: {exc}") from None


MODELS = Path("models")
SHARED_DATA = Path("../shared/data")

T = TypeVar("T")
# Exit codes: 2 bad input (also Typer's usage errors), 3 a model is missing, 4 the network failed (DNS, refused,
# timed out: trying again may help), 5 the analysis ran out of its --timeout, 1 a stage failed.
_EXIT_CODES = {"InputError": 2, "FetchError": 2, "DataFormatError": 2, "StoreError": 2, "ModelUnavailable": 3,
               "NetworkError": 4, "AnalysisTimeout": 5, "StageError": 1}  # fmt: skip


def run(fn: Callable[[], T]) -> T:
    """Call `fn`; turn veracity errors into one line on stderr and an exit code, never a traceback."""
    from veracity.errors import VeracityError

    try:
        return fn()
    except VeracityError as exc:
        typer.echo(f"veracity: error: {exc}", err=True)
        code = next((_EXIT_CODES[c.__name__] for c in type(exc).__mro__ if c.__name__ in _EXIT_CODES), 1)
        raise typer.Exit(code) from None
    except KeyboardInterrupt:
        typer.echo("veracity: interrupted", err=True)
        raise typer.Exit(130) from None
    except (UnicodeError, csv.Error, RecursionError) as exc:
        # A data file a reader did not check (the readers name file and line; this is the net under them).
        typer.echo(f"veracity: error: malformed data file ({type(exc).__name__}: {exc})", err=True)
        raise typer.Exit(2) from None
