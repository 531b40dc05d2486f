"""Attribution rules: single patterns, and a pinned quality floor on the labelled set."""

from __future__ import annotations

from pathlib import Path

import pytest

from veracity.attribution.evaluate import evaluate, gold_anonymous, load_gold, predict_speaker, speakers_match

GOLD = Path(__file__).parent / "data" / "attribution_gold.jsonl"
# Measured 0.912 / 0.912 (docs/BENCHMARKS.md); the floor leaves room for noise, not for regressions.
PRECISION_FLOOR = 0.88
RECALL_FLOOR = 0.88


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("The mayor told reporters that the bridge would reopen in May.", "mayor"),
        ("According to the World Health Organization, cases rose by 12 percent.", "World Health Organization"),
        ("The vote was confirmed by the electoral commission on Sunday.", "electoral commission"),
        ("Sources close to the investigation said the suspect had fled abroad.", "Sources close to the investigation"),
        ("“We will not retreat,” said Anita Rao, the defence minister.", "Anita Rao"),
        ("The judge told jurors to disregard the remark.", "author"),
        ("The said property was sold in 2019.", "author"),
        ("Reported cases rose 5% in March.", "author"),
        ("The mainstream media won't tell you this.", "author"),
        ("We warned in March that prices would rise.", "author"),
        ("How can you argue with his record?", "author"),
        ("It remains to be seen whether the minister would confirm the appointment.", "author"),
    ],
)
def test_single_patterns(text, speaker):
    assert speakers_match(predict_speaker(text), speaker) or predict_speaker(text) == speaker


def test_pronoun_resolves_to_the_previous_speaker():
    context = "Defence Minister Anita Rao visited the base on Friday."
    assert predict_speaker("She said the troops would stay until spring.", context) == "Anita Rao"


def test_speakers_match_rules():
    assert speakers_match("a Reuters correspondent", "Reuters correspondent")
    assert speakers_match("press service of the regional administration", "regional administration")
    assert not speakers_match("government", "opposition")


def test_labelled_set_meets_the_pinned_floor():
    scores = evaluate(load_gold(GOLD))
    assert scores.n >= 60
    assert scores.precision >= PRECISION_FLOOR, scores.errors
    assert scores.recall >= RECALL_FLOOR, scores.errors


def test_anonymous_label_falls_back_to_the_speaker_type():
    assert gold_anonymous({"speaker": "sources", "speaker_type": "anonymous"})
    assert not gold_anonymous({"speaker": "police", "speaker_type": "official"})
    assert not gold_anonymous({"speaker": "critics", "speaker_type": "anonymous", "anonymous": False})


def test_evaluation_scores_anonymous_flags(tmp_path):
    rows = [
        {"text": "Police said the road was closed.", "speaker": "police", "speaker_type": "official"},
        {"text": "Police said the road was closed.", "speaker": "police", "anonymous": True},
    ]
    scores = evaluate(rows)
    assert (scores.anonymous_gold, scores.anonymous_predicted, scores.anonymous_correct) == (1, 0, 0)
    assert any(e.startswith("anonymous gold=True pred=False") for e in scores.errors)
