"""`veracity train …`: fit or export the models (most need `make train-env`: PyTorch stays out of inference)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from veracity.cli.common import (
    MODELS,
    SHARED_DATA,
    CheckThat22Dir,
    Epochs,
    OutDir,
    Verifier,
    run,
    train_app,
)


@train_app.command("persuasion")
def train_persuasion_cmd(
    data_dir: Annotated[
        Path, typer.Option(help="PTC folder (train-articles, train-labels-si, train-labels-tc).")
    ] = SHARED_DATA / "propaganda/ptc",
    out_dir: OutDir = MODELS,
    cache_dir: Annotated[Path, typer.Option(help="Checkpoints.")] = Path(".cache/persuasion"),
    epochs: Epochs = 6,
    techniques_only: Annotated[bool, typer.Option(help="Only refit the technique classifier (no PyTorch).")] = False,
    refit_from: Annotated[
        Path | None,
        typer.Option(help="Model card of a selection run: refit on fit + validation with its epochs and span rule."),
    ] = None,
    unlabelled: Annotated[
        list[Path] | None,
        typer.Option(
            help="Unlabelled news (files or folders) for self-training, labelled by the shipped tagger or --teacher."
        ),  # fmt: skip
    ] = None,
    base: Annotated[str, typer.Option(help="Encoder: minilm (shipped) or mpnet (the teacher).")] = "minilm",
    freeze_layers: Annotated[int, typer.Option(min=0, help="Lowest encoder layers kept fixed.")] = 0,
    teacher: Annotated[
        Path | None, typer.Option(help="Distil: the teacher tagger's folder (ONNX and card); it labels --unlabelled.")
    ] = None,
    lr: Annotated[float, typer.Option(min=0, help="Peak learning rate.")] = 6e-5,
) -> None:
    """Train the propaganda span tagger (needs `make train-env`), then the technique classifier."""
    from veracity.lab.persuasion.train_technique import train_techniques

    if not techniques_only:
        from veracity.lab.persuasion.train import TaggerConfig, read_selection_card, train_persuasion

        selection = run(lambda: read_selection_card(refit_from)) if refit_from else None
        config = TaggerConfig(epochs=epochs, base=base, freeze_layers=freeze_layers, lr=lr)
        work_dir = cache_dir / ("student" if teacher else base)  # each recipe its own checkpoints
        card = run(lambda: train_persuasion(data_dir, out_dir, work_dir, config, log=typer.echo, refit_from=selection,
                                            unlabelled=unlabelled, teacher=teacher))  # fmt: skip
        typer.echo(f"tagger: held-out si_f1={card['test']['si_f1']:.3f}")
    model = run(lambda: train_techniques(data_dir, out_dir, log=typer.echo, base=base))
    typer.echo(f"tc_f1={model.card['test_tc_f1']:.3f}")


@train_app.command("checkworthiness")
def train_checkworthiness_cmd(
    data_dir: Annotated[
        Path, typer.Option(help="Folder with CT24 train.tsv, dev.tsv (and dev-test.tsv).")
    ] = SHARED_DATA / "checkworthiness/ct24",
    out_dir: OutDir = MODELS,
    cache_dir: Annotated[Path, typer.Option(help="Embedding cache and fine-tuning checkpoints.")] = Path(".cache"),
    finetune: Annotated[bool, typer.Option(help="Fine-tune MiniLM and export ONNX (needs `make train-env`).")] = False,
    epochs: Annotated[int, typer.Option(help="Fine-tuning epochs.")] = 3,
    cv_folds: Annotated[
        int,
        typer.Option(
            min=0,
            help="With --finetune: instead of training the shipped model, estimate the recipe by debate-grouped "
            "cross-validation over train + dev with this many folds (last line: mean fold f1).",
        ),
    ] = 0,
    base: Annotated[str, typer.Option(help="With --finetune: encoder, minilm (shipped) or mpnet (the teacher).")] = (
        "minilm"
    ),
    freeze_layers: Annotated[int, typer.Option(min=0, help="Lowest encoder layers kept fixed.")] = 0,
    lr: Annotated[float, typer.Option(min=0, help="Peak learning rate.")] = 5e-5,
    unlabelled: Annotated[
        int, typer.Option(min=0, help="Unlabelled sentences a teacher scores and a student learns from.")
    ] = 0,
    teacher: Annotated[
        Path | None, typer.Option(help="Distil: the folder of the teacher's --cv-folds run (its fold probabilities).")
    ] = None,
    distil_weight: Annotated[float, typer.Option(min=0, max=1, help="Distil: the teacher's share of a target.")] = 0.5,
    threshold_from_cv: Annotated[
        Path | None,
        typer.Option(help="With --finetune: the threshold the recipe's finished --cv-folds run (its folder) chose."),
    ] = None,
) -> None:
    """Fit the check-worthiness classifier (hyper-parameters and threshold chosen on dev); last line is dev f1."""
    if finetune:
        from veracity.lab.claims.finetune import FinetuneConfig

        config = FinetuneConfig(epochs=epochs, lr=lr, base=base, freeze_layers=freeze_layers, unlabelled=unlabelled,
                                teacher=str(teacher) if teacher else None, distil_weight=distil_weight)  # fmt: skip
        # each recipe its own checkpoints: the MiniLM model, the MPNet teacher, the distilled student
        tag = "-student" if teacher else ("" if base == "minilm" else f"-{base}")
    if finetune and cv_folds:
        from veracity.lab.claims.finetune_cv import cross_validate_finetune

        summary = run(lambda: cross_validate_finetune(data_dir, cache_dir / f"finetune-cv{tag}", cv_folds, config,
                                                      log=typer.echo, shared=SHARED_DATA))  # fmt: skip
        pooled = summary["pooled"]
        typer.echo(
            f"pooled out-of-fold: precision {pooled['precision']:.3f} recall {pooled['recall']:.3f} "
            f"f1 {pooled['f1']:.3f}; roc_auc {summary['roc_auc']:.3f} average_precision "
            f"{summary['average_precision']:.3f}; per fold sd {summary['f1_sd']:.3f}"
        )
        drift = summary["calibration"]
        pairs = ", ".join("{threshold:.2f}/{oracle_threshold:.2f}".format(**c) for c in drift["per_fold"])
        typer.echo(f"calibration across folds: ECE mean {drift['ece_mean']:.3f}; threshold chosen on validation / "
                   f"best on the fold: {pairs}")  # fmt: skip
        others = summary["other_folds_threshold"]
        pairs = ", ".join("{threshold:.2f}/{f1:.3f}".format(**f) for f in others["per_fold"])
        typer.echo(f"own validation threshold: f1 mean {summary['f1_mean']:.3f} ± {summary['f1_sd']:.3f}")
        typer.echo(f"threshold from the other folds (threshold/f1 per fold): {pairs}; f1 mean {others['f1_mean']:.3f}"
                   f" ± {others['f1_sd']:.3f}; for a model on all folds (--threshold-from-cv): "
                   f"{summary['pooled_threshold']:.2f}")  # fmt: skip
        typer.echo(f"f1={others['f1_mean']:.3f}")
        return
    if finetune:
        from veracity.lab.claims.finetune import finetune_checkworthiness
        card = run(lambda: finetune_checkworthiness(data_dir, out_dir, cache_dir / f"finetune{tag}", config,
                                                    log=typer.echo, shared=SHARED_DATA,
                                                    threshold_from_cv=threshold_from_cv))  # fmt: skip
        typer.echo(f"f1={card['validation_scores']['f1']:.3f}")
        return
    from veracity.lab.claims.train import train_checkworthiness

    model = run(lambda: train_checkworthiness(data_dir, out_dir, cache_dir / "embeddings", log=typer.echo))
    typer.echo(f"f1={model.card['dev']['f1']:.3f}")


@train_app.command("encoder")
def train_encoder_cmd(
    out_dir: OutDir = MODELS,
) -> None:
    """Export the shared all-MiniLM-L6-v2 sentence encoder to int8 ONNX (needs `make train-env`)."""
    from veracity.lab.claims.export_encoder import export_encoder

    card = run(lambda: export_encoder(out_dir, log=typer.echo))
    typer.echo(f"cosine_min={card['cosine_to_fp32']['min']:.4f}")


@train_app.command("reranker")
def train_reranker_cmd(
    data_dir: CheckThat22Dir = SHARED_DATA / "factchecks/snopes-ct22",
    out_dir: OutDir = MODELS,
    cache_dir: Annotated[Path, typer.Option(help="Index of the verified claims and checkpoints.")] = Path(
        ".cache/reranker"
    ),
    epochs: Epochs = 2,
) -> None:
    """Train the fact-check re-ranker (cross-encoder; needs `make train-env`); last line is dev MAP@5."""
    from veracity.lab.evidence.train_reranker import RerankerConfig, train_reranker

    card = run(lambda: train_reranker(data_dir, out_dir, cache_dir, RerankerConfig(epochs=epochs), log=typer.echo))
    typer.echo(f"map5={card['dev_map5_reranked_int8']:.4f}")


@train_app.command("nli")
def train_nli_cmd(
    data_dir: Annotated[
        Path, typer.Option(help="The verification folder (SNLI, FEVER-RTE, COVID-Fact, …).")
    ] = SHARED_DATA / "verification",
    news: Annotated[
        list[Path] | None, typer.Option(help="News files or folders whose sentences are edited into pairs.")
    ] = None,
    out_dir: OutDir = MODELS,
    cache_dir: Annotated[Path, typer.Option(help="Tokenised data and resumable checkpoints.")] = Path(".cache/nli"),
    epochs: Epochs = 2,
    in_domain_repeat: Annotated[
        int, typer.Option(min=1, help="Times each fact-verification pair appears per epoch.")
    ] = 1,
    cross_claim_neutrals: Annotated[
        int, typer.Option(min=0, help="Claims read against another claim's evidence (neutral), per source.")
    ] = 0,
    base: Annotated[str, typer.Option(help="Encoder: minilm (the shipped student) or mpnet (the teacher).")] = "minilm",
    freeze_layers: Annotated[int, typer.Option(min=0, help="Lowest encoder layers kept fixed.")] = 0,
    cap_per_source: Annotated[int, typer.Option(min=0, help="Training pairs per source at most (0: all).")] = 0,
    max_tokens: Annotated[int, typer.Option(min=16, max=512, help="Tokens per claim+evidence pair.")] = 128,
    name: Annotated[str, typer.Option(help="Model file name (<name>.onnx, <name>.json).")] = "nli-minilm",
    lr: Annotated[float, typer.Option(min=0, help="Peak learning rate.")] = 4e-5,
    teacher: Annotated[
        Path | None, typer.Option(help="Distil: a folder with the teacher's int8 ONNX (e.g. nli-mpnet.onnx).")
    ] = None,
    unlabelled: Annotated[int, typer.Option(min=0, help="Distil: unlabelled in-domain pairs to add.")] = 0,
    adapt_epochs: Annotated[
        int | None,
        typer.Option(
            min=0, help="Stage-2 epochs on the fact-verification sets (default: 1 unless --in-domain-repeat > 1)."
        ),  # fmt: skip
    ] = None,
) -> None:
    """Train the claim/evidence verifier (needs `make train-env`); last line is the validation mean accuracy."""
    from veracity.lab.verify.train_nli import NliConfig, train_nli

    # Mixing the fact-verification pairs in from the start replaces the stage-2 adaptation.
    config = NliConfig(epochs=epochs, in_domain_repeat=in_domain_repeat, cross_claim_neutrals=cross_claim_neutrals,
                       adapt_epochs=(0 if in_domain_repeat > 1 else 1) if adapt_epochs is None else adapt_epochs,
                       base=base, freeze_layers=freeze_layers, cap_per_source=cap_per_source,
                       max_tokens=max_tokens, name=name, lr=lr, unlabelled=unlabelled,
                       teacher=str(teacher) if teacher else None)  # fmt: skip
    card = run(lambda: train_nli(data_dir, news or [], out_dir, cache_dir, config, log=typer.echo))
    scores = card["validation_int8"]
    typer.echo(f"validation_accuracy={sum(scores.values()) / len(scores):.4f}")


@train_app.command("relatedness")
def train_relatedness_cmd(
    data_dir: Annotated[
        Path, typer.Option(help="The verification folder (Climate-FEVER, Fool Me Twice, HealthVer, COVID-Fact).")
    ] = SHARED_DATA / "verification",
    news: Annotated[list[Path] | None, typer.Option(help="News files or folders for off-topic pairs.")] = None,
    out_dir: OutDir = MODELS,
    keep: Annotated[float, typer.Option(min=0.5, max=1.0, help="Share of related pairs the gate must keep.")] = 0.97,
) -> None:
    """Choose the relatedness gate's thresholds on validation pairs; last line is the unrelated share rejected."""
    from veracity.lab.verify.train_relatedness import train_relatedness

    card = run(lambda: train_relatedness(data_dir, news or [], out_dir, keep, log=typer.echo))
    typer.echo(f"related_kept={card['related_kept']:.4f}")
    typer.echo(f"unrelated_rejected={card['unrelated_rejected']:.4f}")


@train_app.command("verdict")
def train_verdict_cmd(
    data_dir: Annotated[
        Path, typer.Option(help="The verification folder (its validation parts are used).")
    ] = SHARED_DATA / "verification",
    news: Annotated[list[Path] | None, typer.Option(help="News files or folders for edited-sentence claims.")] = None,
    out_dir: OutDir = MODELS,
    verifier: Verifier = "fast",
) -> None:
    """Fit the verdict aggregation on material the verifier never saw (no PyTorch); last line is the CV macro-F1."""
    from veracity.lab.verify.train_verdict import fit_aggregator

    cache = Path(".cache/verdict")
    aggregator = run(lambda: fit_aggregator(data_dir, news or [], out_dir, log=typer.echo, cache=cache,
                                            verifier=verifier))  # fmt: skip
    typer.echo(f"cv_macro_f1={aggregator.card['cv_macro_f1_mean_over_sources']:.4f}")


@train_app.command("retriever")
def train_retriever_cmd(
    data_dir: CheckThat22Dir = SHARED_DATA / "factchecks/snopes-ct22",
    out_dir: OutDir = MODELS,
    cache_dir: Annotated[Path, typer.Option(help="Per-epoch exports.")] = Path(".cache/retriever"),
    epochs: Epochs = 3,
) -> None:
    """Fine-tune the retrieval encoder on claim ↔ fact-check pairs (needs `make train-env`); last line dev MAP@5."""
    from veracity.lab.evidence.train_retriever import RetrieverConfig, train_retriever

    card = run(lambda: train_retriever(data_dir, out_dir, cache_dir, RetrieverConfig(epochs=epochs), log=typer.echo))
    typer.echo(f"map5={card['dev_map5']:.4f}")
