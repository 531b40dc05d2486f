"""`veracity eval persuasion`: SI and TC scores of the shipped tagger on PTC-format folders."""

from __future__ import annotations

from pathlib import Path

from veracity.errors import InputError
from veracity.metrics import PRF
from veracity.persuasion.data import LabelledSpan, read_articles, read_labels
from veracity.persuasion.scoring import si_scores, tc_scores


def evaluate_folders(
    articles_dir: Path, si_dir: Path, tc_dir: Path, predictions_out: Path | None = None
) -> tuple[PRF, PRF]:
    from veracity.persuasion.predict import get_tagger
    from veracity.persuasion.technique import get_technique_classifier

    if predictions_out is not None:
        _check_writable(predictions_out)  # before minutes of tagging, not after
    articles = read_articles(articles_dir)
    si_gold = read_labels(si_dir, with_technique=False, articles=articles)
    tc_gold = read_labels(tc_dir, with_technique=True, articles=articles)
    tagger = get_tagger()
    classifier = get_technique_classifier()
    predicted = classifier.label(articles, tagger.spans(tagger.score_articles(articles), articles))
    classified = classifier.label(articles, tc_gold)
    if predictions_out is not None:
        write_predictions(predictions_out, predicted, classified)
    return si_scores(predicted, si_gold), tc_scores(classified, tc_gold)


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
