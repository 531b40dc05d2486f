from __future__ import annotations

import dataclasses

import pytest

from veracity.verify.consistency import Mismatch, find_mismatches


def phrases(claim: str, evidence: str, kind: str) -> list[tuple[str, str]]:
    """The (claim phrase, evidence phrase) of every mismatch of one kind."""
    return [(m.claim, m.evidence) for m in find_mismatches(claim, evidence) if m.kind == kind]


# --- numbers ---------------------------------------------------------------------------------------------------------


def test_number_mismatch_on_the_same_counted_noun():
    claim = "Canada will send 70 military instructors to northern Iraq."
    evidence = "Canada is sending 69 military instructors and three helicopters to northern Iraq, officials said."
    [m] = [m for m in find_mismatches(claim, evidence) if m.kind == "number"]
    assert (m.claim, m.evidence) == ("70 military instructors", "69 military instructors")
    assert m.reason == "the claim says 70 military instructors, the evidence says 69"


def test_numbers_counting_different_things_are_not_compared():
    claim = "Canada will send 70 instructors to Iraq."
    evidence = "Canada is sending 3 helicopters to Iraq."
    assert phrases(claim, evidence, "number") == []


@pytest.mark.parametrize(
    ("claim", "evidence", "expected"),
    [
        ("Canada will send about 70 instructors to Iraq.", "Canada is sending 69 instructors to Iraq.", []),
        ("More than 60 people were killed in the attack.", "The attack killed 69 people.", []),
        (
            "More than 80 people were killed in the attack.",
            "The attack killed 69 people.",
            [("More than 80 people", "69 people")],
        ),
        (
            "Canada will send up to 70 instructors to Iraq.",
            "Canada will send 80 instructors to Iraq.",
            [("up to 70 instructors", "80 instructors")],
        ),
        ("Canada will send 70 instructors to Iraq.", "Canada will send fewer than 100 instructors to Iraq.", []),
        ("The attack killed 70 people.", "The attack killed 60 to 80 people.", []),
        ("The attack killed 90 people.", "The attack killed 60 to 80 people.", [("90 people", "60 to 80 people")]),
    ],
)
def test_hedged_numbers_are_ranges(claim, evidence, expected):
    assert phrases(claim, evidence, "number") == expected


@pytest.mark.parametrize(
    ("claim", "evidence", "expected"),
    [
        ("Unemployment rose to 5% last year.", "Unemployment rose to 7 percent last year.", [("5%", "7 percent")]),
        ("Unemployment rose to 7% last year.", "Unemployment rose to 7 per cent last year.", []),
        # same unit, different subject: not the same thing measured
        ("Unemployment rose to 5% last year.", "Inflation rose to 7% last year.", []),
    ],
)
def test_percentages(claim, evidence, expected):
    assert phrases(claim, evidence, "number") == expected


@pytest.mark.parametrize(
    ("claim", "evidence", "expected"),
    [
        ("Seventy instructors arrived in Erbil on Monday.", "70 instructors arrived in Erbil on Monday.", []),
        ("Two dozen soldiers were wounded in the blast.", "24 soldiers were wounded in the blast.", []),
        ("The city has 1.2 million residents.", "The city has 1,200,000 residents.", []),
        ("The city has 1.2 million residents.", "The city has 1,183,000 residents.", []),  # rounded
        (
            "The city has 1.2 million residents.",
            "The city has 900,000 residents.",
            [("1.2 million residents", "900,000 residents")],
        ),
    ],
)
def test_number_words_and_rounding(claim, evidence, expected):
    assert phrases(claim, evidence, "number") == expected


def test_multipliers():
    assert phrases("The company tripled its profits.", "The company's profits doubled last year.", "number") == [
        ("tripled", "doubled")
    ]
    assert phrases("The company doubled its profits.", "The company's profits doubled last year.", "number") == []
    # different things doubled
    assert phrases("The company tripled its profits.", "The city doubled its budget.", "number") == []


# --- dates -----------------------------------------------------------------------------------------------------------


def test_year_mismatch():
    [m] = [m for m in find_mismatches("Canada sent troops to Iraq in 2016.", "Canada sent troops to Iraq in 2014.")]
    assert (m.kind, m.claim, m.evidence) == ("date", "2016", "2014")
    assert m.reason == "the claim says 2016, the evidence says 2014"


@pytest.mark.parametrize(
    ("claim", "evidence", "expected"),
    [
        (
            "Trudeau announced the deployment on March 3.",
            "The deployment was announced on March 5, 2016.",
            [("March 3", "March 5, 2016")],
        ),
        ("Trudeau announced the deployment on March 3, 2016.", "The deployment was announced in March 2016.", []),
        ("Trudeau announced the deployment in 2016.", "The deployment was announced on March 5, 2016.", []),
    ],
)
def test_day_and_month(claim, evidence, expected):
    assert phrases(claim, evidence, "date") == expected


@pytest.mark.parametrize(
    ("claim", "evidence", "expected"),
    [
        # unrelated years only
        ("The mission began in 2016.", "The treaty was signed in 1990 and renewed in 2005.", []),
        # several years, one of them matches
        (
            "Harper announced the mission in 2014.",
            "Harper, who was elected in 2006, announced the mission in 2014.",
            [],
        ),
        # several years, none matches, one is on the same verb
        (
            "Harper announced the mission in 2016.",
            "Harper, who was elected in 2006, announced the mission in 2014.",
            [("2016", "2014")],
        ),
        # ranges: "since 1900" and "since 1993" can both be true
        ("Sea levels have risen since 1900.", "Sea levels have risen 3 mm a year since 1993.", []),
        # relative dates are not resolved
        ("The minister resigned last year.", "The minister resigned in 2014.", []),
    ],
)
def test_dates_of_a_different_kind_are_not_compared(claim, evidence, expected):
    assert phrases(claim, evidence, "date") == expected


# --- named entities --------------------------------------------------------------------------------------------------


def test_entity_in_the_same_role():
    claim = "Prime Minister Justin Trudeau announced the deployment of special forces."
    evidence = "Prime Minister Stephen Harper announced the deployment of special forces."
    [m] = [m for m in find_mismatches(claim, evidence) if m.kind == "entity"]
    assert (m.claim, m.evidence) == ("Justin Trudeau", "Stephen Harper")
    assert "Justin Trudeau" in m.reason and "Stephen Harper" in m.reason


@pytest.mark.parametrize(
    ("claim", "evidence", "expected"),
    [
        # a passive agent is the subject
        (
            "The deployment was announced by Justin Trudeau.",
            "Stephen Harper announced the deployment.",
            [("Justin Trudeau", "Stephen Harper")],
        ),
        (
            "Police arrested the suspect in Toronto.",
            "Police arrested the suspect in Montreal on Tuesday.",
            [("Toronto", "Montreal")],
        ),
        # the same person by surname
        ("Prime Minister Justin Trudeau announced the deployment.", "Trudeau announced the deployment on Monday.", []),
        # the evidence does not name anyone: not enough info, not a mismatch
        ("Prime Minister Justin Trudeau announced the deployment.", "The deployment was announced on Monday.", []),
        # another person in another role
        ("Justin Trudeau announced the deployment.", "Stephen Harper criticised the deployment.", []),
        # passages quote several sources for one fact
        ("NASA said 2016 was the hottest year on record.", "NOAA said 2016 was the hottest year on record.", []),
    ],
)
def test_entities(claim, evidence, expected):
    assert phrases(claim, evidence, "entity") == expected


# --- negation --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("evidence", "evidence_phrase"),
    [
        ("Canada never sent troops to Mosul.", "never sent"),
        ("Canada did not send troops to Mosul, the ministry said.", "did not send"),
        ("The minister denied that Canada sent troops to Mosul.", "denied that Canada sent"),
        ("No troops were sent to Mosul.", "No troops were sent"),
    ],
)
def test_negated_evidence(evidence, evidence_phrase):
    assert phrases("Canada sent troops to Mosul.", evidence, "negation") == [("sent", evidence_phrase)]


@pytest.mark.parametrize(
    ("claim", "evidence", "expected"),
    [
        ("Canada did not send troops to Mosul.", "Canada sent 200 troops to Mosul.", [("did not send", "sent")]),
        ("The vaccine is safe for children.", "The vaccine is not safe for children.", [("is safe", "is not safe")]),
        ("Ottawa refused to send troops to Mosul.", "Ottawa sent troops to Mosul.", [("refused to send", "sent")]),
        # the evidence negates a different verb
        ("Canada sent troops to Mosul.", "Canada sent troops but did not deploy them to Mosul.", []),
        # the evidence negates the same verb for a different subject
        ("Canada sent troops to Syria.", "Russia did not send troops to Syria.", []),
        # ... and asserts it for the claim's subject
        (
            "The US did not send troops to Syria.",
            "Russia did not send troops, but the US sent 2,000 troops to Syria.",
            [("did not send", "sent")],
        ),
        ("Canada sent troops to Mosul.", "Canada sent troops to Mosul in 2016.", []),
        # a condition is not an assertion
        ("Canada sent troops to Mosul.", "If Canada does not send troops to Mosul, the offensive will stall.", []),
    ],
)
def test_negation(claim, evidence, expected):
    assert phrases(claim, evidence, "negation") == expected


# --- modality --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("evidence", "evidence_phrase"),
    [
        ("Canada may send troops to Mosul.", "may send"),
        ("Canada could send troops to Mosul.", "could send"),
        ("Canada is expected to send troops to Mosul.", "is expected to send"),
        ("Canada plans to send troops to Mosul.", "plans to send"),
    ],
)
def test_hedged_evidence(evidence, evidence_phrase):
    [m] = find_mismatches("Canada will send troops to Mosul.", evidence)
    assert (m.kind, m.claim, m.evidence) == ("modality", "will send", evidence_phrase)


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        ("Canada will send troops to Mosul.", "Canada will send troops to Mosul next month."),
        # "would" in reported speech is not a hedge
        ("Canada will send troops to Mosul.", "Prime Minister Justin Trudeau said Canada would send troops to Mosul."),
        # a hedged claim is not contradicted by hedged evidence
        ("Canada may send troops to Mosul.", "Canada plans to send troops to Mosul."),
        # the evidence is certain about it somewhere
        ("Canada will send troops to Mosul.", "Canada sent troops to Mosul in 2016, but may send more next year."),
    ],
)
def test_no_modality_mismatch(claim, evidence):
    assert phrases(claim, evidence, "modality") == []


# --- the whole ------------------------------------------------------------------------------------------------------


def test_consistent_pair_has_no_mismatches():
    claim = "Canada will send 70 instructors to Iraq in 2016, Prime Minister Justin Trudeau announced."
    evidence = "In 2016, Trudeau announced that Canada will send about 70 military instructors to Iraq."
    assert find_mismatches(claim, evidence) == []


def test_several_kinds_at_once():
    claim = "Canada will send 70 instructors to Iraq."
    evidence = "Canada is expected to send 69 instructors to Iraq."
    assert [m.kind for m in find_mismatches(claim, evidence)] == ["number", "modality"]


def test_empty_texts_and_frozen_result():
    assert find_mismatches("", "Canada sent troops.") == []
    assert find_mismatches("Canada sent troops.", "  ") == []
    m = Mismatch("number", "70", "69", "the claim says 70, the evidence says 69")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.kind = "date"  # type: ignore[misc]
