"""Stance scoring (FNC-1), verdict rules, fact-check ratings, calibration error, and the verdict stage."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from veracity.cli import app
from veracity.verify.fnc import read_bodies, read_stances, score_stances, split_by_body
from veracity.verify.stance import StanceResult
from veracity.verify.verdict import EvidenceSignal, VerdictCalibration, decide, rating_polarity
from veracity.verify.verification import expected_calibration_error, passage_signals, score_verdicts

runner = CliRunner()


def test_fnc_score_weights_relatedness_and_exact_labels():
    gold = ["agree", "unrelated", "discuss", "disagree"]
    # perfect: 3 related x 1.0 + 1 unrelated x 0.25 = 3.25 of 3.25
    assert score_stances(gold, gold).fnc_score == 100.0
    # related/unrelated right everywhere, two related labels wrong: 0.25*3 + 0.75*1 + 0.25 = 1.75 of 3.25
    s = score_stances(gold, ["discuss", "unrelated", "discuss", "agree"])
    assert s.fnc_score == pytest.approx(100 * 1.75 / 3.25)
    assert s.confusion[0, 2] == 1 and s.per_class_f1["unrelated"] == 1.0
    # calling a related pair unrelated loses everything for it
    assert score_stances(["agree"], ["unrelated"]).fnc_score == 0.0


def test_split_by_body_keeps_every_body_on_one_side(tmp_path):
    from veracity.verify.fnc import StancePair

    pairs = [StancePair(f"h{i}", str(i % 40), "unrelated") for i in range(400)]
    train, held = split_by_body(pairs)
    assert {p.body_id for p in train}.isdisjoint({p.body_id for p in held}) and held
    assert split_by_body(pairs) == (train, held)  # stable


def test_fnc_readers_reject_bad_files(tmp_path):
    from veracity.errors import DataFormatError

    (tmp_path / "b.csv").write_text('Body ID,articleBody\n1,"Some body text."\n')
    (tmp_path / "s.csv").write_text("Headline,Body ID,Stance\nA headline,2,agree\n")
    with pytest.raises(DataFormatError, match="body 2 is not in the bodies file"):
        read_stances(tmp_path / "s.csv", read_bodies(tmp_path / "b.csv"))
    (tmp_path / "s.csv").write_text("Headline,Body ID,Stance\nA headline,1,agrees\n")
    with pytest.raises(DataFormatError, match="unknown stance"):
        read_stances(tmp_path / "s.csv")
    (tmp_path / "x.csv").write_text("title,id\n")
    with pytest.raises(DataFormatError, match="missing column"):
        read_bodies(tmp_path / "x.csv")


@pytest.mark.parametrize(
    ("rating", "polarity"),
    [("False", "refuted"), ("Pants on Fire!", "refuted"), ("mostly-true", "supported"), ("True", "supported"),
     ("half-true", "disputed"), ("Mixture", "disputed"), ("Mostly False", "refuted"), ("barely-true", "refuted"),
     ("Misleading", "refuted"), ("Unrated", None), (None, None)],
)  # fmt: skip
def test_rating_polarity(rating, polarity):
    assert rating_polarity(rating) == polarity


def test_decide_supported_refuted_disputed_and_abstains():
    cal = VerdictCalibration(threshold=0.5)
    support = EvidenceSignal("passage 1", 0.8, 0.05)
    refute = EvidenceSignal("passage 2", 0.1, 0.7, ["passage 2: the claim says 70, the evidence says 69"])
    weak = EvidenceSignal("passage 3", 0.3, 0.2)
    assert decide([support, weak], cal).label == "supported"
    result = decide([refute, weak], cal)
    assert (result.label, result.cited) == ("refuted", ["passage 2"])
    assert result.reasons == [
        "passage 2 contradicts the claim (P=0.70)",
        "passage 2: the claim says 70, the evidence says 69",
    ]
    assert decide([support, refute], cal).label == "disputed"
    abstain = decide([weak], cal)
    assert abstain.label == "not_enough_evidence" and "no passage clearly" in abstain.reasons[0]
    # a clearer win gets more confidence
    assert (
        decide([EvidenceSignal("p", 0.95, 0.0)], cal).confidence
        > decide([EvidenceSignal("p", 0.6, 0.0)], cal).confidence
    )


def test_a_numeric_mismatch_turns_a_related_passage_into_refuting_evidence():
    related_discuss = StanceResult("discuss", related=0.9, agree=0.2, disagree=0.1, discuss=0.7)
    (signal,) = passage_signals(
        "The government sent 70 instructors to Iraq in 2014.",
        [("passage 1", "In 2014 the government sent 69 instructors to Iraq.")],
        [related_discuss],
    )
    assert signal.refute >= 0.5 and signal.mismatches and "70" in signal.mismatches[0]


def test_expected_calibration_error_and_verdict_scores():
    assert expected_calibration_error(np.array([0.9, 0.9]), np.array([1.0, 1.0])) == pytest.approx(0.1)
    gold = ["supported", "refuted", "supported", "not_enough_evidence"]
    predicted = ["supported", "supported", "supported", "not_enough_evidence"]
    s = score_verdicts(gold, predicted, [0.8, 0.6, 0.7, 0.9])
    assert s.accuracy == 0.75 and s.per_class_f1["refuted"] == 0.0 and 0 < s.macro_f1 < 1
    assert s.majority_macro_f1 == pytest.approx((2 * 0.5 / 1.5) / 4)


class StandInStance:
    """Agrees with passages that contain the claim's first word, ignores the rest."""

    def predict(self, pairs):
        return [
            StanceResult("agree", 0.95, 0.9, 0.05, 0.05)
            if claim.split()[0].lower() in passage.lower()
            else StanceResult("unrelated", 0.1, 0.34, 0.33, 0.33)
            for claim, passage in pairs
        ]


def test_verdict_stage_with_a_stand_in_stance_model(monkeypatch):
    from veracity.schema import Claim, Document, Evidence, FactCheckMatch, Report
    from veracity.verify import VerdictStage, stance, verdict

    monkeypatch.setattr(stance, "get_stance_model", lambda: StandInStance())
    monkeypatch.setattr(verdict, "get_calibration", lambda: VerdictCalibration(threshold=0.5))
    ev = [Evidence(passage_id=1, collection="c", text="Canadian troops trained Kurdish forces.", score=0.8, bm25=1.0,
                   cosine=0.7)]  # fmt: skip
    check = FactCheckMatch(collection="f", claim="Liberals promised to end all involvement", rating="False", score=0.9)
    report = Report(document=Document(text="x"), claims=[
        Claim(id="c1", sentence_i=0, text="Canadian troops trained Kurdish forces.", normalized="", checkworthiness=0.9,
              kind="other", evidence=ev),
        Claim(id="c2", sentence_i=1, text="Liberals promised to end all involvement.", normalized="",
              checkworthiness=0.8, kind="other", factchecks=[check]),
        Claim(id="c3", sentence_i=2, text="Nothing to see.", normalized="", checkworthiness=0.7, kind="other"),
    ])  # fmt: skip
    report = VerdictStage()(report)
    labels = [c.verdict.label for c in report.claims]
    assert labels == ["supported", "refuted", "not_enough_evidence"]
    assert report.claims[0].evidence[0].stance == "supports"
    assert "rated 'False'" in report.claims[1].verdict.reasons[0]
    assert report.summary.verdict_counts == {"supported": 1, "refuted": 1, "not_enough_evidence": 1}


def test_eval_verification_rejects_a_bad_file(tmp_path):
    bad = tmp_path / "cf.jsonl"
    bad.write_text(json.dumps({"claim": "x"}) + "\n")
    result = runner.invoke(app, ["eval", "verification", "--data", str(bad)])
    assert result.exit_code == 2 and "expected a Climate-FEVER claim" in result.stderr
