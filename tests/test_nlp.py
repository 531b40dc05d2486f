from __future__ import annotations

import pytest

from veracity.nlp.dates import resolve_date
from veracity.nlp.numbers import parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("70", 70),
        ("six", 6),
        ("1,200", 1200),
        ("twenty-five", 25),
        ("2.5 million", 2_500_000),
        ("a dozen", 12),
        ("two hundred thousand", 200_000),
        ("several", None),
        ("a", None),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2014", "2014"),
        ("January 2002", "2002-01"),
        ("May 5, 2016", "2016-05-05"),
        ("3 March 2020", "2020-03-03"),
        ("May", None),
        ("the previous year", None),
        ("the 1990s", None),
        ("2016-11-03", "2016-11-03"),
    ],
)
def test_resolve_date(text, iso):
    assert resolve_date(text) == iso


def test_quantities_skip_years_names_and_the_pronoun_one(analyzer):
    from veracity.schema import Document

    report = analyzer(
        Document(text="This reminds one of 2001, when Joint Task Force 2 sent 300 soldiers and $5 million.")
    )
    quantities = [(q.text, q.value, q.unit) for s in report.sentences for q in s.quantities]
    assert quantities == [("300 soldiers", 300, "soldiers"), ("$5 million", 5_000_000, "USD")]
