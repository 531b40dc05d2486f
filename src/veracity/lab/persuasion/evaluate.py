"""`veracity eval persuasion`: SI and TC scores of a tagger and technique classifier (the shipped ones, or those
in a model folder, e.g. a teacher's) on PTC-format folders, or on one part of the training's article split."""

from __future__ import annotations

from pathlib import Path

from veracity.errors import InputError
from veracity.lab.metrics import PRF
from veracity.lab.persuasion.data import PARTS, LabelledSpan, ptc_parts, read_articles, read_labels
from veracity.lab.persuasion.scoring import si_scores, tc_scores


def evaluate_folders(
    articles_dir: Path,
    si_dir: Path,
    tc_dir: Path,
    predictions_out: Path | None = None,
    *,
    part: str = "all",
    model_dir: Path | None = None,
    tagger: str = "fast",
) -> tuple[PRF, PRF]:
    """SI and TC scores over the articles of `articles_dir` — all, or one of `PARTS` of the training's split
    (`ptc_parts`; for PTC's train folder). `model_dir`: a folder with one `persuasion-*-tagger` (and optionally
    its own technique classifier); default the shipped models, with the `tagger` kind ("fast" or "accurate")."""
    if part != "all" and part not in PARTS:
        raise InputError(f"unknown part {part!r}: choose all, {', '.join(PARTS)}")
    if predictions_out is not None:
        _check_writable(predictions_out)  # before minutes of tagging, not after
    model, classifier = load_models(model_dir, tagger)
    articles = read_articles(articles_dir)
    si_gold = read_labels(si_dir, with_technique=False, articles=articles)
    tc_gold = read_labels(tc_dir, with_technique=True, articles=articles)
    if part != "all":
        keep = set(ptc_parts(list(articles))[part])
        articles = {a: text for a, text in articles.items() if a in keep}
        si_gold = [s for s in si_gold if s.article_id in keep]
        tc_gold = [s for s in tc_gold if s.article_id in keep]
    predicted = classifier.label(articles, model.spans(model.score_articles(articles), articles))
    classified = classifier.label(articles, tc_gold)
    if predictions_out is not None:
        write_predictions(predictions_out, predicted, classified)
    return si_scores(predicted, si_gold), tc_scores(classified, tc_gold)


def load_models(model_dir: Path | None = None, tagger: str = "fast"):
    """(tagger, technique classifier): the shipped ones (the `tagger` kind: "fast" or "accurate"), or the folder's
    tagger (exactly one `persuasion-*-tagger`) with the folder's technique classifier when it has one, else the
    shipped classifier."""
    from veracity.persuasion.predict import get_tagger, load_folder_tagger
    from veracity.persuasion.technique import MODEL_NAME, TechniqueClassifier, get_technique_classifier

    if model_dir is None:
        return get_tagger(tagger), get_technique_classifier()
    if tagger != "fast":
        raise InputError("--model-dir and --persuasion-tagger both choose the tagger: give one of them")
    own = (Path(model_dir) / f"{MODEL_NAME}.json").is_file()
    classifier = TechniqueClassifier.load(Path(model_dir)) if own else get_technique_classifier()
    return load_folder_tagger(Path(model_dir)), classifier


def _check_writable(directory: Path) -> None:
    probe = directory / ".veracity-write-test"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise InputError(f"cannot write predictions to {directory}: {exc.strerror or exc}") from None


def write_predictions(directory: Path, si: list[LabelledSpan], tc: list[LabelledSpan]) -> None:
    """The task's submission formats: `ID start end` (SI) and `ID technique start end` (TC)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "si-predictions.txt").write_text("".join(f"{s.article_id}\t{s.start}\t{s.end}\n" for s in si))
    (directory / "tc-predictions.txt").write_text(
        "".join(f"{s.article_id}\t{s.technique}\t{s.start}\t{s.end}\n" for s in tc)
    )
