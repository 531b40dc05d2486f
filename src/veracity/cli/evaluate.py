"""`veracity eval …`: the trained models scored on labelled data; each prints its headline metric last."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from veracity.cli.common import (
    Home,
    LLMCache,
    LLMModel,
    LLMTimeout,
    LLMUrl,
    LLMUse,
    PersuasionTagger,
    Verifier,
    eval_app,
    llm_options,
    run,
)
from veracity.llm import DEFAULT_TIMEOUT_S as DEFAULT_LLM_TIMEOUT_S


def _print_scores(s) -> None:
    typer.echo("confusion (rows gold, columns predicted): " + " ".join(s.labels))
    for label, row in zip(s.labels, s.confusion, strict=True):
        typer.echo(f"  {label:<20} " + " ".join(f"{n:>6}" for n in row))
    typer.echo(" ".join(f"f1_{k}={v:.3f}" for k, v in s.per_class_f1.items()))
    if s.per_class_precision is not None:
        typer.echo(" ".join(f"precision_{k}={v:.3f}" for k, v in s.per_class_precision.items()))
        typer.echo(" ".join(f"recall_{k}={v:.3f}" for k, v in s.per_class_recall.items()))
    if "refuted" in s.labels and "supported" in s.labels:  # the worst error: a true claim called false
        row, col = s.labels.index("supported"), s.labels.index("refuted")
        called = sum(r[col] for r in s.confusion)
        typer.echo(f"refuted_precision={s.per_class_precision['refuted']:.3f} (of {called} called refuted; true "
                   f"claims called refuted: {s.confusion[row][col]} of {sum(s.confusion[row])})")  # fmt: skip
    extra = "" if s.ece is None else f" ece={s.ece:.3f}" + ("" if s.auroc is None else f" auroc_correct={s.auroc:.3f}")
    typer.echo(f"n={s.n} accuracy={s.accuracy:.3f}{extra}")
    typer.echo(f"macro_f1={s.macro_f1:.3f}")


_FORMAT_HELP = "climate-fever, averitec, fm2 or healthver (default: detected from the file)."
_PART_HELP = ("Which claims: default (the shared Climate-FEVER file: its report part; any other file: all), all, "
              "train, validation or report (the splits in lab/verify/datasets.py).")  # fmt: skip


@eval_app.command("checkworthiness")
def eval_checkworthiness(
    data: Annotated[Path, typer.Option(help="CT24-format TSV: Sentence_id, Text, class_label (Yes/No).")],
    threshold: Annotated[float | None, typer.Option(help="Decision threshold (default: the model's).")] = None,
) -> None:
    """Precision, recall, accuracy and confusion matrix of the Yes class; last line f1=..."""
    from veracity.lab.claims.evaluate import evaluate_file

    scores, t = run(lambda: evaluate_file(data, threshold))
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
    from veracity.errors import DataFormatError
    from veracity.lab.attribution.evaluate import evaluate, load_gold

    def score():
        if not data.is_file():
            raise DataFormatError(f"no such file: {data}")
        return evaluate(load_gold(data))

    s = run(score)
    if show_errors:
        for line in s.errors:
            typer.echo(f"  {line}")
    typer.echo(f"sentences={s.n} gold_attributed={s.gold_attributed} predicted_attributed={s.predicted_attributed}")
    typer.echo(f"precision={s.precision:.3f} recall={s.recall:.3f} accuracy={s.accuracy:.3f}")
    anon = s.anonymous_prf
    typer.echo(
        f"anonymous: gold={s.anonymous_gold} flagged={s.anonymous_predicted} "
        f"precision={anon.precision:.3f} recall={anon.recall:.3f}"
    )
    typer.echo(f"f1={s.f1:.3f}")


@eval_app.command("persuasion")
def eval_persuasion(
    articles: Annotated[Path, typer.Option(help="Folder of article<ID>.txt files.")],
    si_labels: Annotated[Path, typer.Option(help="Folder of SI .labels files (ID start end).")],
    tc_labels: Annotated[Path, typer.Option(help="Folder of TC .labels files (ID technique start end).")],
    predictions_out: Annotated[Path | None, typer.Option(help="Write predictions in the task's formats.")] = None,
    part: Annotated[
        str,
        typer.Option(help="all, or the training's fit / validation / test articles (for PTC's train folder)."),
    ] = "all",
    model_dir: Annotated[
        Path | None,
        typer.Option(help="Folder with one persuasion-*-tagger (e.g. a teacher's --out-dir); default: shipped."),
    ] = None,
    persuasion_tagger: PersuasionTagger = "fast",
) -> None:
    """SI precision/recall/F1 (partial-overlap credit) and TC micro-F1; last line si_f1=... tc_f1=..."""
    from veracity.lab.persuasion.evaluate import evaluate_folders

    si, tc = run(lambda: evaluate_folders(articles, si_labels, tc_labels, predictions_out, part=part,
                                          model_dir=model_dir, tagger=persuasion_tagger))  # fmt: skip
    typer.echo(f"SI precision={si.precision:.3f} recall={si.recall:.3f} f1={si.f1:.3f}")
    typer.echo(f"TC micro precision={tc.precision:.3f} recall={tc.recall:.3f} f1={tc.f1:.3f}")
    typer.echo(f"si_f1={si.f1:.3f} tc_f1={tc.f1:.3f}")


@eval_app.command("verification")
def eval_verification(
    data: Annotated[Path, typer.Option(help="Climate-FEVER or FM2 JSONL, AVeriTeC JSON, or HealthVer CSV.")],
    format: Annotated[str | None, typer.Option("--format", help=_FORMAT_HELP)] = None,
    part: Annotated[str, typer.Option(help=_PART_HELP)] = "default",
    restrict_labels: Annotated[
        bool, typer.Option(help="Choose each verdict among the labels the file uses (e.g. FM2: supported/refuted).")
    ] = False,
    llm_url: LLMUrl = None,
    llm_model: LLMModel = None,
    llm_use: LLMUse = None,
    llm_timeout: LLMTimeout = DEFAULT_LLM_TIMEOUT_S,
    llm_cache: LLMCache = True,
    home: Home = None,
    verifier: Verifier = "fast",
) -> None:
    """Claim verdicts from each claim's evidence: per-class F1, confusion, accuracy, ECE; last line macro_f1=...
    With --llm-url the LLM decides as in a report (its sub-claims with --llm-use decompose)."""
    from veracity.errors import InputError
    from veracity.lab.verify.datasets import FORMATS
    from veracity.lab.verify.evaluate import PARTS, evaluate_verification
    from veracity.options import AnalyzeOptions

    def go():
        if part not in PARTS:
            raise InputError(f"--part is one of {', '.join(PARTS)}")
        if format is not None and format not in FORMATS[:4]:
            raise InputError(f"--format is one of {', '.join(FORMATS[:4])}")
        llm = AnalyzeOptions(home=home, **llm_options(llm_url, llm_model, llm_use, llm_timeout, llm_cache)).llm
        return evaluate_verification(data, format, part, restrict_labels, llm=llm, log=typer.echo, verifier=verifier)

    s, which = run(go)
    typer.echo(f"part={which}" + (" labels=restricted to the file's" if restrict_labels else ""))
    _print_scores(s)


@eval_app.command("nli")
def eval_nli(
    data: Annotated[Path, typer.Option(help="SNLI/FEVER-RTE JSONL or any verification file (pairs with labels).")],
    format: Annotated[str | None, typer.Option("--format", help="As for verification, or snli, fever-rte.")] = None,
    part: Annotated[str, typer.Option(help=_PART_HELP)] = "default",
    verifier: Verifier = "fast",
) -> None:
    """The verifier pair by pair: per-class F1, confusion, accuracy; last line macro_f1=..."""
    from veracity.errors import InputError
    from veracity.lab.verify.datasets import FORMATS
    from veracity.lab.verify.evaluate import PARTS, evaluate_nli

    def go():
        if part not in PARTS:
            raise InputError(f"--part is one of {', '.join(PARTS)}")
        if format is not None and format not in FORMATS:
            raise InputError(f"--format is one of {', '.join(FORMATS)}")
        return evaluate_nli(data, format, part, verifier=verifier)

    _print_scores(run(go))


@eval_app.command("claim-matching")
def eval_claim_matching(
    vclaims: Annotated[Path, typer.Option(help="Verified claims, vclaims.jsonl (CheckThat! 2022 task 2A).")],
    queries: Annotated[Path, typer.Option(help="Queries TSV: id <TAB> text.")],
    qrels: Annotated[Path, typer.Option(help="Qrels TSV: query_id 0 vclaim_id 1.")],
    rerank: Annotated[bool, typer.Option(help="Re-rank with the cross-encoder when installed.")] = True,
    home: Home = None,
) -> None:
    """MAP@1, MAP@5 and MRR of fact-check retrieval; last line map5=..."""
    from veracity.lab.evidence.matching import evaluate_claim_matching

    s = run(lambda: evaluate_claim_matching(vclaims, queries, qrels, home=home, rerank=rerank, log=typer.echo))
    typer.echo(f"queries={s.queries} map1={s.map1:.4f} mrr={s.mrr:.4f} recall@100={s.recall_at_100:.4f}")
    typer.echo(f"map5={s.map5:.4f}")
