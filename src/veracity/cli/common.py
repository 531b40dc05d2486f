"""Shared pieces of the command line: the Typer apps and the error-to-exit-code wrapper."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from veracity.cli.startup import interrupts_end_quietly


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

# Options several commands share (typer reads the help from the Annotated alias).
Home = Annotated[
    Path | None, typer.Option(help="Where collections live (default: $VERACITY_HOME or the user data dir).")
]
OutDir = Annotated[Path, typer.Option(help="Where to write the model.")]
Verifier = Annotated[
    str, typer.Option(help="fast (the shipped MiniLM student) or accurate (the MPNet-base teacher, ~6x slower).")
]
PersuasionTagger = Annotated[
    str, typer.Option(help="The propaganda span tagger: fast (MiniLM) or accurate (MPNet-base: the persuasion "
                      "stage takes ~2.8x as long; models/README.md). In analyze and batch: with --persuasion.")
]
Epochs = Annotated[int, typer.Option(help="Epochs.")]
CheckThat22Dir = Annotated[Path, typer.Option(help="CheckThat! 2022 2A folder (vclaims.jsonl, queries, qrels).")]
# The optional LLM (off unless a URL is given; the API key only from $VERACITY_LLM_API_KEY, never a flag).
LLMUrl = Annotated[
    str | None,
    typer.Option(envvar="VERACITY_LLM_URL",
                 help="An OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1 (llama.cpp) or "
                 "http://127.0.0.1:11434/v1 (Ollama). Unset: no LLM, nothing is sent anywhere."),
]  # fmt: skip
LLMModel = Annotated[str | None, typer.Option(envvar="VERACITY_LLM_MODEL", help="The model name the server knows.")]
LLMUse = Annotated[
    list[str] | None,
    typer.Option(help="What the LLM does (repeatable): decompose, questions, verdict. Default: all three."),
]
LLMTimeout = Annotated[float, typer.Option(help="Seconds per LLM request before the local models decide.")]
LLMCache = Annotated[bool, typer.Option(help="Keep valid LLM answers in <home>/llm-cache.sqlite3.")]


def llm_options(url: str | None, model: str | None, uses: list[str] | None, timeout: float, cache: bool) -> dict:
    """AnalyzeOptions keywords for the LLM flags (empty when no URL: nothing is configured)."""
    import os

    from veracity.llm import USES

    if not url and not model:
        return {}
    return {"llm_url": url, "llm_model": model, "llm_api_key": os.environ.get("VERACITY_LLM_API_KEY") or None,
            "llm_uses": tuple(uses or USES), "llm_timeout": timeout, "llm_cache": cache}  # fmt: skip


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
