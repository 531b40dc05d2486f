from __future__ import annotations

import pytest

from veracity.outlets import DomainRatings, get_ratings, label_for, rate_outlet, registered_domain
from veracity.schema import Document, Report


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.globalresearch.ca/a/b", "globalresearch.ca"),
        ("http://news.bbc.co.uk/x", "bbc.co.uk"),
        ("https://edition.cnn.com", "cnn.com"),
        ("apnews.com", "apnews.com"),
    ],
)
def test_registered_domain_handles_subdomains(url, domain):
    assert registered_domain(url) == domain


def test_labels_follow_the_thresholds():
    assert [label_for(x) for x in (0.1, 0.4, 0.69, 0.7, None)] == ["low", "mixed", "mixed", "high", "unrated"]


def test_known_and_unknown_domains():
    ratings = get_ratings()
    assert ratings.lookup("https://www.reuters.com/world")[0] == "reuters.com"
    report = Report(document=Document(text="Some article text here.", url="https://my-own-blog-xyz.com/post"))
    rating = rate_outlet(report, ratings)
    assert rating.label == "unrated" and rating.score is None and "no score is guessed" in rating.provenance


def test_site_name_in_the_footer_needs_more_than_a_generic_word():
    ratings = DomainRatings.load([("globalresearch.ca", 0.18), ("research.news", 0.41)])
    footer = ["The Centre for Research on Globalization grants permission to cross-post Global Research articles"]
    report = Report(document=Document(text="Body.", removed_boilerplate=footer))
    rating = rate_outlet(report, ratings)
    assert (rating.domain, rating.found_by, rating.label) == ("globalresearch.ca", "site_name_in_text", "low")
    report = Report(document=Document(text="Body.", removed_boilerplate=["Research is hard. Copyright 2020."]))
    assert rate_outlet(report, ratings).label == "unrated"


def test_url_wins_over_the_footer():
    ratings = DomainRatings.load([("globalresearch.ca", 0.18), ("reuters.com", 1.0)])
    doc = Document(text="Body.", url="https://www.reuters.com/x", removed_boilerplate=["Global Research articles"])
    assert rate_outlet(Report(document=doc), ratings).domain == "reuters.com"
