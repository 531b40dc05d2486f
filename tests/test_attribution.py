"""Attribution rules: single patterns, and a pinned quality floor on the labelled set."""

from __future__ import annotations

from pathlib import Path

import pytest

from veracity.lab.attribution.evaluate import (
    evaluate,
    gold_anonymous,
    load_gold,
    predict_attribution,
    predict_speaker,
    speakers_match,
)

GOLD = Path(__file__).parent / "data" / "attribution_gold.jsonl"
HELD_OUT = Path(__file__).parent / "data" / "attribution_heldout.jsonl"
# Measured 0.926 / 0.926 (docs/BENCHMARKS.md); the floor leaves room for noise, not for regressions.
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


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("An unnamed official told reporters the deal was off.", "unnamed official"),
        ("A person familiar with the plans said the launch had been delayed.", "person familiar with the plans"),
        ("Two officials who declined to be identified said the strike was imminent.", "officials"),
        ("Pentagon officials, speaking on condition of anonymity, said the drone was American.", "Pentagon officials"),
        ("Sources said the striker would sign on Friday.", "sources"),
        ("It was rumoured that the band would reunite.", "unnamed sources"),
    ],
)
def test_unnamed_sources_are_flagged_anonymous(text, speaker):
    attribution = predict_attribution(text)
    assert attribution.anonymous and attribution.speaker_type == "anonymous"
    assert speakers_match(attribution.speaker, speaker), attribution.speaker


@pytest.mark.parametrize(
    "text",
    [
        "The chairman said a new coach would be named next week.",  # someone else is to be named
        "A spokeswoman for the Metropolitan Police said two men had been arrested.",
        "The Food and Drug Administration said the vaccine was safe.",
    ],
)
def test_named_or_official_speakers_are_not_anonymous(text):
    assert not predict_attribution(text).anonymous


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("According to the Office for National Statistics, wages rose 6%.", "Office for National Statistics"),
        ("The Food and Drug Administration said the vaccine was safe.", "Food and Drug Administration"),
        ("Figures from the Department for Transport show that road deaths fell.", "Department for Transport"),
        (
            "A spokeswoman for the Metropolitan Police said two men had been arrested.",
            "spokeswoman for the Metropolitan Police",
        ),
    ],
)
def test_organisation_names_are_kept_whole(text, speaker):
    assert predict_speaker(text) == speaker


@pytest.mark.parametrize(
    "text",
    [
        "No group has claimed responsibility for the bombing.",
        "This shows that the government lied.",
        "The king ruled the country for forty years.",
        "I understand that you are upset.",
    ],
)
def test_new_cues_stay_out_of_the_authors_voice(text):
    assert predict_speaker(text) == "author"


def test_a_quoted_no_does_not_cancel_the_reply():
    assert predict_speaker("“Not at all,” the minister replied.") == "minister"


def test_it_said_refers_to_the_named_subject_before():
    context = "The National Grid published its winter outlook on Thursday."
    assert predict_speaker("It said the risk of blackouts was low.", context) == "National Grid"


def test_summary_counts_anonymous_statements():
    from veracity.attribution import AttributionStage
    from veracity.nlp import NLPStage
    from veracity.schema import Document, Report
    from veracity.summary import SummaryStage

    text = "An anonymous official said the talks had stalled. The minister said they would go on."
    report = SummaryStage()(AttributionStage()(NLPStage()(Report(document=Document(text=text)))))
    assert report.summary.n_anonymous == 1 and report.summary.n_attributed == 2


def test_held_out_set_meets_the_pinned_floor():
    """Written before the fixes (baseline 0.721 / 0.667); the fixes were prompted by its errors, so this floor
    guards against regressions, it is no estimate for unseen text (docs/BENCHMARKS.md)."""
    scores = evaluate(load_gold(HELD_OUT))
    assert scores.n >= 60
    assert scores.precision >= PRECISION_FLOOR, scores.errors
    assert scores.recall >= RECALL_FLOOR, scores.errors
    assert scores.anonymous_prf.recall >= RECALL_FLOOR, scores.errors
