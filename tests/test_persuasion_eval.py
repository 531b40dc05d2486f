"""`veracity eval persuasion` end to end with a stand-in tagger whose predictions are known."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from veracity.cli import app
from veracity.persuasion import predict, technique
from veracity.persuasion.data import LabelledSpan

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
    monkeypatch.setattr(predict, "get_tagger", lambda: StandInTagger())
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
