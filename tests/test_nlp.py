from __future__ import annotations

import math
from datetime import date

import pytest

from veracity.nlp.dates import DateRange, date_range, granularity, resolve_date
from veracity.nlp.numbers import currency_code, hedge_range, parse_number
from veracity.nlp.relative import publication_date, resolve


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


# Thursday 3 November 2016: the example article's publication date.
PUBLISHED = date(2016, 11, 3)


@pytest.mark.parametrize(
    ("text", "tense", "value", "grain"),
    [
        ("yesterday", None, "2016-11-02", "day"),
        ("today", None, "2016-11-03", "day"),
        ("Tuesday", "past", "2016-11-01", "day"),  # "met on Tuesday": the Tuesday before
        ("Tuesday", "future", "2016-11-08", "day"),  # "will meet on Tuesday": the one after
        ("Thursday", "past", "2016-11-03", "day"),  # the publication day itself
        ("last Thursday", None, "2016-10-27", "day"),
        ("this week", None, "2016-W44", "week"),
        ("three weeks ago", None, "2016-W41", "week"),
        ("next month", None, "2016-12", "month"),
        ("a month ago", None, "2016-10", "month"),
        ("May", None, "2016-05", "month"),
        ("May", "future", "2017-05", "month"),  # "will be held in May", written in November
        ("next May", None, "2017-05", "month"),
        ("last November", None, "2015-11", "month"),
        ("March 3", "past", "2016-03-03", "day"),
        ("mid-May", None, "2016-05-10/2016-05-21", "part_of_month"),
        ("early next month", None, "2016-12-01/2016-12-12", "part_of_month"),
        ("last summer", None, "2016-06/2016-08", "season"),
        ("this winter", None, "2016-12/2017-02", "season"),
        ("next spring", None, "2017-03/2017-05", "season"),
        ("late last year", None, "2015-08/2015-12", "part_of_year"),
        ("earlier this year", None, "2016-01/2016-11", "part_of_year"),
        ("last year", None, "2015", "year"),
        ("two years ago", None, "2014", "year"),
    ],
)
def test_relative_dates_resolve_against_the_publication_date(text, tense, value, grain):
    found = resolve(text, PUBLISHED, tense)
    assert found is not None and (found.value, found.granularity, found.relative) == (value, grain, True)


def test_the_publication_month_decides_the_year_of_a_bare_month():
    assert resolve("December", date(2017, 2, 3), "past").value == "2016-12"
    assert resolve("December", date(2017, 2, 3), "future").value == "2017-12"


@pytest.mark.parametrize(
    ("text", "value", "grain"),
    [
        ("2016-11-03", "2016-11-03", "day"),
        ("May 5, 2016", "2016-05-05", "day"),
        ("January 2002", "2002-01", "month"),
        ("mid-May 2016", "2016-05-10/2016-05-21", "part_of_month"),
        ("the summer of 2016", "2016-06/2016-08", "season"),
        ("mid-2001", "2001-04/2001-09", "part_of_year"),
        ("the first half of 2015", "2015-01/2015-06", "part_of_year"),
        ("2014", "2014", "year"),
    ],
)
def test_explicit_dates_need_no_publication_date(text, value, grain):
    found = resolve(text)
    assert found is not None and (found.value, found.granularity, found.relative) == (value, grain, False)
    assert granularity(text) == grain


@pytest.mark.parametrize("text", ["last year", "Tuesday", "in May", "yesterday", "the summer"])
def test_relative_dates_stay_open_without_a_publication_date(text):
    assert resolve(text) is None


@pytest.mark.parametrize("text", ["the previous year", "the following day", "recently", "the 1990s", "a decade"])
def test_anaphoric_and_vague_dates_are_not_resolved(text):
    assert resolve(text, PUBLISHED, "past") is None


@pytest.mark.parametrize(
    ("published", "expected"), [("2016-11-03T08:00:00Z", PUBLISHED), ("3 Nov 2016", None), (None, None)]
)
def test_publication_date(published, expected):
    assert publication_date(published) == expected


def test_date_mentions_carry_resolved_date_granularity_and_tense():
    from veracity.nlp import NLPStage
    from veracity.schema import Document, Report

    text = (
        "The talks resumed on Tuesday. The election will be held in May. Troops arrived last year. "
        "Canada deployed forces in mid-2001. Prices rose the previous year."
    )
    report = NLPStage()(Report(document=Document(text=text, published="2016-11-03")))
    dates = {d.text: d for s in report.sentences for d in s.dates}
    assert (dates["Tuesday"].resolved, dates["Tuesday"].granularity) == ("2016-11-01", "day")
    assert dates["May"].resolved == "2017-05" and dates["May"].relative and dates["May"].iso is None
    assert (dates["last year"].resolved, dates["last year"].granularity) == ("2015", "year")
    mid = dates["mid-2001"]
    assert (mid.iso, mid.resolved, mid.granularity, mid.relative) == ("2001", "2001-04/2001-09", "part_of_year", False)
    assert dates["the previous year"].resolved is None and dates["the previous year"].granularity is None
    undated = NLPStage()(Report(document=Document(text="The talks resumed on Tuesday.")))
    assert undated.sentences[0].dates[0].resolved is None
