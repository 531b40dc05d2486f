"""Command line: a thin shell over `veracity.analyze` and the train/eval functions. Heavy imports stay lazy."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from veracity import __version__
from veracity.render import Format

app = typer.Typer(
    help="Check news articles: clean text, check-worthy claims, who says what, outlet reliability.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(
    help="Score a model on a labelled file; the last line is the headline metric.", no_args_is_help=True
)
train_app = typer.Typer(help="Train a model from the data sets.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")

T = TypeVar("T")
# Exit codes: 2 bad input (also Typer's usage errors), 3 a model is missing, 1 a stage failed.
_EXIT_CODES = {"InputError": 2, "FetchError": 2, "DataFormatError": 2, "ModelUnavailable": 3, "StageError": 1}


def _run(fn: Callable[[], T]) -> T:
    """Call `fn`; turn veracity errors into one line on stderr and an exit code, never a traceback."""
    from veracity.errors import VeracityError

    try:
        return fn()
    except VeracityError as exc:
        typer.echo(f"veracity: error: {exc}", err=True)
        raise typer.Exit(_EXIT_CODES.get(type(exc).__name__, 1)) from None
    except KeyboardInterrupt:
        typer.echo("veracity: interrupted", err=True)
        raise typer.Exit(130) from None


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


@app.command("analyze")
def analyze_cmd(
    source: Annotated[str, typer.Argument(help="Article file (text or HTML), '-' for stdin, or an http(s) URL.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.md,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the report here instead of stdout.")] = None,
    url: Annotated[
        str | None, typer.Option(help="Original address of a local file (decides the outlet rating).")
    ] = None,
    max_mb: Annotated[float, typer.Option(help="Refuse inputs larger than this many megabytes.")] = 10.0,
) -> None:
    """Analyze one article and print its credibility report."""
    from veracity.errors import InputError
    from veracity.ingest import load_document
    from veracity.pipeline import Analyzer
    from veracity.render import render

    def run() -> str:
        if url is not None and not url.lower().startswith(("http://", "https://")):
            raise InputError(f"--url must be an http(s) address, not {url!r}")
        document = load_document(source, url=url, max_bytes=int(max_mb * 1024 * 1024))
        return render(Analyzer()(document), fmt)

    text = _run(run)
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


@eval_app.command("checkworthiness")
def eval_checkworthiness(
    data: Annotated[Path, typer.Option(help="CT24-format TSV: Sentence_id, Text, class_label (Yes/No).")],
    threshold: Annotated[float | None, typer.Option(help="Decision threshold (default: the model's).")] = None,
) -> None:
    """Precision, recall, accuracy and confusion matrix of the Yes class; last line f1=..."""
    from veracity.claims.evaluate import evaluate_file

    scores, t = _run(lambda: evaluate_file(data, threshold))
    typer.echo(f"sentences={scores.tp + scores.fp + scores.fn + scores.tn} threshold={t:.2f}")
    typer.echo(f"confusion: tp={scores.tp} fp={scores.fp} fn={scores.fn} tn={scores.tn}")
    typer.echo(f"precision={scores.precision:.3f} recall={scores.recall:.3f} accuracy={scores.accuracy:.3f}")
    typer.echo(f"f1={scores.f1:.3f}")


@eval_app.command("attribution")
def eval_attribution(
    data: Annotated[Path, typer.Option(help="JSONL of labelled sentences (see tests/data/attribution_gold.jsonl).")],
    show_errors: Annotated[bool, typer.Option(help="List the sentences the rules got wrong.")] = False,
) -> None:
    """Speaker-detection precision and recall; last line f1=..."""
    from veracity.attribution.evaluate import evaluate, load_gold
    from veracity.errors import DataFormatError

    def run():
        if not data.is_file():
            raise DataFormatError(f"no such file: {data}")
        return evaluate(load_gold(data))

    s = _run(run)
    if show_errors:
        for line in s.errors:
            typer.echo(f"  {line}")
    typer.echo(f"sentences={s.n} gold_attributed={s.gold_attributed} predicted_attributed={s.predicted_attributed}")
    typer.echo(f"precision={s.precision:.3f} recall={s.recall:.3f} accuracy={s.accuracy:.3f}")
    typer.echo(f"f1={s.f1:.3f}")


@eval_app.command("persuasion")
def eval_persuasion(
    articles: Annotated[Path, typer.Option(help="Folder of article<ID>.txt files.")],
    si_labels: Annotated[Path, typer.Option(help="Folder of SI .labels files (ID start end).")],
    tc_labels: Annotated[Path, typer.Option(help="Folder of TC .labels files (ID technique start end).")],
    predictions_out: Annotated[Path | None, typer.Option(help="Write predictions in the task's formats.")] = None,
) -> None:
    """SI precision/recall/F1 (partial-overlap credit) and TC micro-F1; last line si_f1=... tc_f1=..."""
    from veracity.persuasion.evaluate import evaluate_folders

    si, tc = _run(lambda: evaluate_folders(articles, si_labels, tc_labels, predictions_out))
    typer.echo(f"SI precision={si.precision:.3f} recall={si.recall:.3f} f1={si.f1:.3f}")
    typer.echo(f"TC micro precision={tc.precision:.3f} recall={tc.recall:.3f} f1={tc.f1:.3f}")
    typer.echo(f"si_f1={si.f1:.3f} tc_f1={tc.f1:.3f}")


@train_app.command("persuasion")
def train_persuasion_cmd(
    data_dir: Annotated[
        Path, typer.Option(help="PTC folder (train-articles, train-labels-si, train-labels-tc).")
    ] = Path("../shared/data/propaganda/ptc"),
    out_dir: Annotated[Path, typer.Option(help="Where to write the model.")] = Path("models"),
    cache_dir: Annotated[Path, typer.Option(help="Checkpoints.")] = Path(".cache/persuasion"),
    epochs: Annotated[int, typer.Option(help="Epochs.")] = 6,
    techniques_only: Annotated[bool, typer.Option(help="Only refit the technique classifier (no PyTorch).")] = False,
) -> None:
    """Train the propaganda span tagger (needs `make train-env`), then the technique classifier."""
    from veracity.persuasion.technique import train_techniques

    if not techniques_only:
        from veracity.persuasion.train import TaggerConfig, train_persuasion

        card = _run(lambda: train_persuasion(data_dir, out_dir, cache_dir, TaggerConfig(epochs=epochs), log=typer.echo))
        typer.echo(f"tagger: held-out si_f1={card['test']['si_f1']:.3f}")
    model = _run(lambda: train_techniques(data_dir, out_dir, log=typer.echo))
    typer.echo(f"tc_f1={model.card['test_tc_f1']:.3f}")


@train_app.command("checkworthiness")
def train_checkworthiness_cmd(
    data_dir: Annotated[Path, typer.Option(help="Folder with CT24 train.tsv, dev.tsv (and dev-test.tsv).")] = Path(
        "../shared/data/checkworthiness/ct24"
    ),
    out_dir: Annotated[Path, typer.Option(help="Where to write the model.")] = Path("models"),
    cache_dir: Annotated[Path, typer.Option(help="Embedding cache and fine-tuning checkpoints.")] = Path(".cache"),
    finetune: Annotated[bool, typer.Option(help="Fine-tune MiniLM and export ONNX (needs `make train-env`).")] = False,
    epochs: Annotated[int, typer.Option(help="Fine-tuning epochs.")] = 3,
) -> None:
    """Fit the check-worthiness classifier (hyper-parameters and threshold chosen on dev); last line is dev f1."""
    if finetune:
        from veracity.claims.finetune import FinetuneConfig, finetune_checkworthiness

        card = _run(
            lambda: finetune_checkworthiness(
                data_dir, out_dir, cache_dir / "finetune", FinetuneConfig(epochs=epochs), log=typer.echo
            )
        )
        typer.echo(f"f1={card['validation_scores']['f1']:.3f}")
        return
    from veracity.claims.train import train_checkworthiness

    model = _run(lambda: train_checkworthiness(data_dir, out_dir, cache_dir / "embeddings", log=typer.echo))
    typer.echo(f"f1={model.card['dev']['f1']:.3f}")
