"""`veracity eval persuasion` end to end with a stand-in tagger whose predictions are known."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from veracity.cli import app
from veracity.persuasion import predict, technique
from veracity.persuasion.spans import LabelledSpan

runner = CliRunner()
ARTICLE = "The corrupt elites lie to you.\nVote now or lose everything forever.\n"


class StandInTagger:
    def score_articles(self, articles):
        return articles

    def spans(self, scored, texts, rule=None):
        return [LabelledSpan("1", 4, 18, "Loaded_Language", 0.9)]  # "corrupt elites"


class StandInClassifier:
    def label(self, articles, spans):
        return [LabelledSpan(s.article_id, s.start, s.end, "Name_Calling,Labeling", s.score) for s in spans]


@pytest.fixture
def ptc(tmp_path, monkeypatch):
    monkeypatch.setattr(predict, "get_tagger", lambda kind="fast": StandInTagger())
    monkeypatch.setattr(technique, "get_technique_classifier", lambda: StandInClassifier())
    for d in ("a", "si", "tc"):
        (tmp_path / d).mkdir()
    (tmp_path / "a" / "article1.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "si" / "article1.labels").write_text("1\t4\t11\n1\t31\t67\n")
    (tmp_path / "tc" / "article1.labels").write_text(
        "1\tName_Calling,Labeling\t4\t18\n1\tAppeal_to_fear-prejudice\t31\t67\n"
    )
    return tmp_path


def test_eval_prints_task_scores_and_writes_predictions(ptc):
    out = ptc / "pred"
    args = ["eval", "persuasion", "--articles", str(ptc / "a"), "--si-labels", str(ptc / "si"),
            "--tc-labels", str(ptc / "tc"), "--predictions-out", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    # SI: one prediction (4-18) overlaps gold 4-11 by 7 chars: P = 7/14, R = (7/7) / 2 gold spans.
    # TC: both gold spans labelled Name_Calling: 1 of 2 right.
    assert result.stdout.strip().splitlines()[-1] == f"si_f1={2 * 0.5 * 0.5 / 1.0:.3f} tc_f1=0.500"
    assert (out / "si-predictions.txt").read_text() == "1\t4\t18\n"
    assert (out / "tc-predictions.txt").read_text().splitlines()[1] == "1\tName_Calling,Labeling\t31\t67"


def test_eval_rejects_malformed_labels(ptc):
    (ptc / "tc" / "article1.labels").write_text("1\tName_Calling,Labeling\t4\n")
    args = ["eval", "persuasion", "--articles", str(ptc / "a"), "--si-labels", str(ptc / "si"),
            "--tc-labels", str(ptc / "tc")]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "expected 4 tab-separated columns" in result.stderr


class EveryArticleTagger(StandInTagger):
    def spans(self, scored, texts, rule=None):
        return [LabelledSpan(a, 4, 18, "Loaded_Language", 0.9) for a in scored]


def test_eval_part_scores_only_that_part_of_the_training_split(ptc, monkeypatch):
    from veracity.lab.persuasion.data import ptc_parts

    monkeypatch.setattr(predict, "get_tagger", lambda kind="fast": EveryArticleTagger())
    ids = [str(n) for n in range(1, 41)]
    for a in ids[1:]:
        (ptc / "a" / f"article{a}.txt").write_text(ARTICLE, encoding="utf-8")
    out = ptc / "pred"
    args = ["eval", "persuasion", "--articles", str(ptc / "a"), "--si-labels", str(ptc / "si"),
            "--tc-labels", str(ptc / "tc"), "--part", "validation", "--predictions-out", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    scored = {line.split("\t")[0] for line in (out / "si-predictions.txt").read_text().splitlines()}
    assert scored == set(ptc_parts(ids)["validation"]) and 0 < len(scored) < 10


@pytest.mark.parametrize("cards", [[], ["persuasion-a-tagger", "persuasion-b-tagger"]])
def test_eval_model_dir_needs_exactly_one_tagger(ptc, cards):
    folder = ptc / "models"
    folder.mkdir()
    for name in cards:
        (folder / f"{name}.json").write_text("{}")
    args = ["eval", "persuasion", "--articles", str(ptc / "a"), "--si-labels", str(ptc / "si"),
            "--tc-labels", str(ptc / "tc"), "--model-dir", str(folder)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "expected one persuasion-*-tagger card" in result.stderr


def test_eval_unknown_part_is_a_clear_error(ptc):
    args = ["eval", "persuasion", "--articles", str(ptc / "a"), "--si-labels", str(ptc / "si"),
            "--tc-labels", str(ptc / "tc"), "--part", "dev"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "unknown part 'dev'" in result.stderr


def test_eval_model_dir_runs_the_folders_tagger_with_its_rule(tmp_path):
    """A tagger under another name in its own folder (as a teacher's --out-dir holds it) is the one scored, with
    its card's span rule."""
    import json
    import shutil

    from veracity.lab.persuasion.evaluate import evaluate_folders, load_models
    from veracity.persuasion.units import SpanRule
    from veracity.runtime import models_dir

    for d in ("a", "si", "tc", "m"):
        (tmp_path / d).mkdir()
    (tmp_path / "a" / "article1.txt").write_text(ARTICLE * 3, encoding="utf-8")
    (tmp_path / "si" / "article1.labels").write_text("1\t4\t18\n")
    (tmp_path / "tc" / "article1.labels").write_text("1\tName_Calling,Labeling\t4\t18\n")
    shipped = models_dir() / predict.TAGGER_NAME
    shutil.copyfile(shipped.with_suffix(".onnx"), tmp_path / "m" / "persuasion-copy-tagger.onnx")
    rule = {"span_rule": {"low": 0.9, "high": 0.99, "max_gap": 1}}
    card = json.loads(shipped.with_suffix(".json").read_text()) | rule
    (tmp_path / "m" / "persuasion-copy-tagger.json").write_text(json.dumps(card))
    tagger, _ = load_models(tmp_path / "m")
    assert tagger.rule == SpanRule(0.9, 0.99, 1) != predict.get_tagger().rule
    si, tc = evaluate_folders(tmp_path / "a", tmp_path / "si", tmp_path / "tc", model_dir=tmp_path / "m")
    assert 0.0 <= si.f1 <= 1.0 and 0.0 <= tc.f1 <= 1.0
