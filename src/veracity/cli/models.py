"""`veracity eval …` and `veracity train …` for the trained models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from veracity.cli.common import eval_app, run, train_app


@eval_app.command("checkworthiness")
def eval_checkworthiness(
    data: Annotated[Path, typer.Option(help="CT24-format TSV: Sentence_id, Text, class_label (Yes/No).")],
    threshold: Annotated[float | None, typer.Option(help="Decision threshold (default: the model's).")] = None,
) -> None:
    """Precision, recall, accuracy and confusion matrix of the Yes class; last line f1=..."""
    from veracity.claims.evaluate import evaluate_file

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
    from veracity.attribution.evaluate import evaluate, load_gold
    from veracity.errors import DataFormatError

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

    si, tc = run(lambda: evaluate_folders(articles, si_labels, tc_labels, predictions_out))
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
    refit_from: Annotated[
        Path | None,
        typer.Option(help="Model card of a selection run: refit on fit + validation with its epochs and span rule."),
    ] = None,
    unlabelled: Annotated[
        list[Path] | None,
        typer.Option(help="Unlabelled news (files or folders) for self-training, labelled by the shipped tagger."),
    ] = None,
) -> None:
    """Train the propaganda span tagger (needs `make train-env`), then the technique classifier."""
    from veracity.persuasion.train_technique import train_techniques

    if not techniques_only:
        from veracity.persuasion.train import TaggerConfig, read_selection_card, train_persuasion

        selection = run(lambda: read_selection_card(refit_from)) if refit_from else None
        card = run(
            lambda: train_persuasion(
                data_dir,
                out_dir,
                cache_dir,
                TaggerConfig(epochs=epochs),
                log=typer.echo,
                refit_from=selection,
                unlabelled=unlabelled,
            )
        )
        typer.echo(f"tagger: held-out si_f1={card['test']['si_f1']:.3f}")
    model = run(lambda: train_techniques(data_dir, out_dir, log=typer.echo))
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

        card = run(
            lambda: finetune_checkworthiness(
                data_dir, out_dir, cache_dir / "finetune", FinetuneConfig(epochs=epochs), log=typer.echo
            )
        )
        typer.echo(f"f1={card['validation_scores']['f1']:.3f}")
        return
    from veracity.claims.train import train_checkworthiness

    model = run(lambda: train_checkworthiness(data_dir, out_dir, cache_dir / "embeddings", log=typer.echo))
    typer.echo(f"f1={model.card['dev']['f1']:.3f}")


@train_app.command("encoder")
def train_encoder_cmd(
    out_dir: Annotated[Path, typer.Option(help="Where to write the encoder.")] = Path("models"),
) -> None:
    """Export the shared all-MiniLM-L6-v2 sentence encoder to int8 ONNX (needs `make train-env`)."""
    from veracity.claims.export_encoder import export_encoder

    card = run(lambda: export_encoder(out_dir, log=typer.echo))
    typer.echo(f"cosine_min={card['cosine_to_fp32']['min']:.4f}")


@train_app.command("reranker")
def train_reranker_cmd(
    data_dir: Annotated[Path, typer.Option(help="CheckThat! 2022 2A folder (vclaims.jsonl, queries, qrels).")] = Path(
        "../shared/data/factchecks/snopes-ct22"
    ),
    out_dir: Annotated[Path, typer.Option(help="Where to write the model.")] = Path("models"),
    cache_dir: Annotated[Path, typer.Option(help="Index of the verified claims and checkpoints.")] = Path(
        ".cache/reranker"
    ),
    epochs: Annotated[int, typer.Option(help="Epochs.")] = 2,
) -> None:
    """Train the fact-check re-ranker (cross-encoder; needs `make train-env`); last line is dev MAP@5."""
    from veracity.evidence.train_reranker import RerankerConfig, train_reranker

    card = run(lambda: train_reranker(data_dir, out_dir, cache_dir, RerankerConfig(epochs=epochs), log=typer.echo))
    typer.echo(f"map5={card['dev_map5_reranked_int8']:.4f}")


@train_app.command("stance")
def train_stance_cmd(
    data_dir: Annotated[Path, typer.Option(help="FNC-1 folder (train_stances.csv, train_bodies.csv).")] = Path(
        "../shared/data/stance/fnc1"
    ),
    climate_fever: Annotated[
        Path | None, typer.Option(help="Climate-FEVER JSONL: its 'train' part joins the training.")
    ] = None,
    out_dir: Annotated[Path, typer.Option(help="Where to write the model.")] = Path("models"),
    cache_dir: Annotated[Path, typer.Option(help="Embedding cache and checkpoints.")] = Path(".cache/stance"),
    epochs: Annotated[int, typer.Option(help="Epochs.")] = 2,
) -> None:
    """Train the stance model (needs `make train-env`); last line is the held-out FNC score."""
    from veracity.verify.train_stance import StanceConfig, train_stance

    card = run(
        lambda: train_stance(
            data_dir, out_dir, cache_dir, StanceConfig(epochs=epochs), climate_fever=climate_fever, log=typer.echo
        )
    )
    typer.echo(f"fnc_score={card['test']['fnc_score']:.2f}")


@train_app.command("nli")
def train_nli_cmd(
    data_dir: Annotated[Path, typer.Option(help="The verification folder (SNLI, FEVER-RTE, COVID-Fact, FM2, …).")] = Path(
        "../shared/data/verification"
    ),
    news: Annotated[
        list[Path] | None, typer.Option(help="News files or folders whose sentences are edited into pairs.")
    ] = None,
    out_dir: Annotated[Path, typer.Option(help="Where to write the model.")] = Path("models"),
    cache_dir: Annotated[Path, typer.Option(help="Tokenised data and resumable checkpoints.")] = Path(".cache/nli"),
    epochs: Annotated[int, typer.Option(help="Epochs.")] = 2,
) -> None:
    """Train the claim/evidence verifier (needs `make train-env`); last line is the validation mean accuracy."""
    from veracity.verify.train_nli import NliConfig, train_nli

    card = run(lambda: train_nli(data_dir, news or [], out_dir, cache_dir, NliConfig(epochs=epochs), log=typer.echo))
    scores = card["validation_int8"]
    typer.echo(f"validation_accuracy={sum(scores.values()) / len(scores):.4f}")


@train_app.command("verdict")
def train_verdict_cmd(
    climate_fever: Annotated[Path, typer.Option(help="Climate-FEVER JSONL (its 'calibration' part is used).")] = Path(
        "../shared/data/verification/climate-fever/dev.jsonl"
    ),
    out_dir: Annotated[Path, typer.Option(help="Where to write the calibration.")] = Path("models"),
) -> None:
    """Fit the verdict threshold and confidence calibration (seconds; no PyTorch)."""
    from veracity.verify.verification import fit_calibration

    calibration = run(lambda: fit_calibration(climate_fever, out_dir, log=typer.echo))
    typer.echo(f"threshold={calibration.threshold}")


@eval_app.command("stance")
def eval_stance(
    stances: Annotated[Path, typer.Option(help="FNC-1 stances CSV (Headline, Body ID, Stance).")],
    bodies: Annotated[Path, typer.Option(help="FNC-1 bodies CSV (Body ID, articleBody).")],
) -> None:
    """Per-class F1, confusion matrix and the FNC-1 score; last line fnc_score=..."""
    from veracity.errors import DataFormatError
    from veracity.verify.fnc import LABELS, read_bodies, read_stances, score_stances
    from veracity.verify.stance import get_stance_model

    def score():
        texts = read_bodies(bodies)
        pairs = read_stances(stances, texts)
        if any(p.stance is None for p in pairs):
            raise DataFormatError(f"{stances}: every row needs a Stance to be scored")
        predicted = [r.label for r in get_stance_model().predict([(p.headline, texts[p.body_id]) for p in pairs])]
        return score_stances([p.stance for p in pairs], predicted)

    s = run(score)
    typer.echo("confusion (rows gold, columns predicted): " + " ".join(LABELS))
    for label, row in zip(LABELS, s.confusion, strict=True):
        typer.echo(f"  {label:<10} " + " ".join(f"{n:>6}" for n in row))
    typer.echo(" ".join(f"f1_{k}={v:.3f}" for k, v in s.per_class_f1.items()) + f" macro_f1={s.macro_f1:.3f}")
    typer.echo(f"fnc_score={s.fnc_score:.2f}")


@eval_app.command("verification")
def eval_verification(
    data: Annotated[Path, typer.Option(help="Climate-FEVER JSONL.")],
    part: Annotated[str, typer.Option(help="report (untouched), calibration, train, or all.")] = "report",
) -> None:
    """Claim verdicts from the 5 evidence sentences: accuracy, macro-F1, ECE; last line macro_f1=..."""
    from veracity.errors import InputError
    from veracity.verify.verification import evaluate_verification

    def score():
        if part not in ("report", "calibration", "train", "all"):
            raise InputError("--part is report, calibration, train or all")
        return evaluate_verification(data, part)

    s = run(score)
    typer.echo(f"claims={s.n} accuracy={s.accuracy:.3f} ece={s.ece:.3f} majority_macro_f1={s.majority_macro_f1:.3f}")
    typer.echo(" ".join(f"f1_{k}={v:.3f}" for k, v in s.per_class_f1.items()))
    typer.echo(f"macro_f1={s.macro_f1:.3f}")


@train_app.command("retriever")
def train_retriever_cmd(
    data_dir: Annotated[Path, typer.Option(help="CheckThat! 2022 2A folder (vclaims.jsonl, queries, qrels).")] = Path(
        "../shared/data/factchecks/snopes-ct22"
    ),
    out_dir: Annotated[Path, typer.Option(help="Where to write the encoder.")] = Path("models"),
    cache_dir: Annotated[Path, typer.Option(help="Per-epoch exports.")] = Path(".cache/retriever"),
    epochs: Annotated[int, typer.Option(help="Epochs.")] = 3,
) -> None:
    """Fine-tune the retrieval encoder on claim ↔ fact-check pairs (needs `make train-env`); last line dev MAP@5."""
    from veracity.evidence.train_retriever import RetrieverConfig, train_retriever

    card = run(lambda: train_retriever(data_dir, out_dir, cache_dir, RetrieverConfig(epochs=epochs), log=typer.echo))
    typer.echo(f"map5={card['dev_map5']:.4f}")
