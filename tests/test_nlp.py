from __future__ import annotations

import math

import pytest

from veracity.nlp.dates import DateRange, date_range, resolve_date
from veracity.nlp.numbers import currency_code, hedge_range, parse_number


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2001", DateRange(2001, 0, 12)),
        ("December 2001", DateRange(2001, 11, 12)),
        ("mid-2001", DateRange(2001, 3.6, 8.4)),
        ("early 2002", DateRange(2002, 0, 4.8)),
        ("late 2002", DateRange(2002, 7.2, 12)),
        ("the end of 2016", DateRange(2016, 7.2, 12)),
        ("the first half of 2015", DateRange(2015, 0, 6)),
        ("the summer of 2016", DateRange(2016, 5, 8)),
        ("winter 2016", DateRange(2016, -1, 14)),
        ("May", DateRange(None, 4, 5)),
        ("mid-May", DateRange(None, 4.3, 4.7)),
        ("May 5, 2016", DateRange(2016, 4 + 4 / 31, 4 + 5 / 31)),
        ("2016-11-03", DateRange(2016, 10 + 2 / 31, 10 + 3 / 31)),
        ("summer", None),
        ("last year", None),
        ("the 1990s", None),
    ],
)
def test_date_range(text, expected):
    found = date_range(text)
    if expected is None:
        assert found is None
    else:
        assert found is not None and found.year == expected.year
        assert (found.start, found.end) == (pytest.approx(expected.start), pytest.approx(expected.end))


def test_date_range_leaves_resolve_date_alone():
    assert resolve_date("mid-2001") == "2001"
    assert resolve_date("the summer of 2016") == "2016"


def test_currency_and_hedge_tables():
    assert [currency_code(w) for w in ("$", "€", "£", "dollars", "Euro", "pounds", "C$", "troops")] == [
        "USD", "EUR", "GBP", "USD", "EUR", "GBP", "CAD", None
    ]  # fmt: skip
    assert hedge_range("about", 70) == (pytest.approx(63), pytest.approx(77))
    assert hedge_range("more than", 60) == (60, math.inf)
    assert hedge_range("up to", 70) == (0, 70)
    assert hedge_range("exactly", 70) is None


def test_quantities_share_the_currency_table_and_count_dozens(analyzer):
    from veracity.schema import Document

    report = analyzer(Document(text="The fund paid 5 euros to two dozen soldiers and £3 million to the city."))
    quantities = [(q.text, q.value, q.unit) for s in report.sentences for q in s.quantities]
    assert ("£3 million", 3_000_000, "GBP") in quantities
    assert any(text.startswith("two dozen") and value == 24 for text, value, _ in quantities)
