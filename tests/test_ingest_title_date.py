"""HTML ingest (issue 29): the publication date comes from the page's metadata, never from a year in the body, and
the page's <h1> is the title, never the start of the first sentence."""

from __future__ import annotations

import pytest

from conftest import DATA, EXAMPLE_HTML
from veracity.ingest import load_document

UNTIL_2019 = DATA / "until-2019.html"


def test_a_year_in_the_body_is_not_the_publication_date():
    doc = load_document(str(UNTIL_2019))
    assert "until 2019" in doc.text
    assert doc.published is None  # no date in the page's metadata, its <time> elements or its URL


def test_the_date_still_comes_from_the_page_metadata_or_the_url():
    assert load_document(str(EXAMPLE_HTML)).published == "2016-11-03"  # article:published_time
    dated = load_document(str(UNTIL_2019), url="https://example.org/2016/10/20/troops-iraq")
    assert dated.published == "2016-10-20"


@pytest.mark.parametrize("path", [UNTIL_2019, EXAMPLE_HTML], ids=["until-2019", "globalresearch"])
def test_the_h1_title_is_not_part_of_the_text(path):
    doc = load_document(str(path))
    assert doc.title and not doc.text.startswith(doc.title)
    assert doc.title not in doc.text.split("\n\n")[0]


def test_the_first_sentence_is_the_first_sentence_of_the_text():
    from veracity.pipeline import Analyzer

    report = Analyzer(stages=["nlp"])(load_document(str(UNTIL_2019)))
    first = report.sentences[0].text
    assert first.startswith("The defence minister said on Tuesday") and "until 2019," in first
    tuesday = next(d for d in report.sentences[0].dates if d.text == "Tuesday")
    assert tuesday.resolved is None  # no publication date known: "Tuesday" is not resolved against a guess
    until = next(d for d in report.sentences[0].dates if d.text == "2019")
    assert until.resolved == "2019" and not until.relative  # a year the text names, read as that year


def test_a_headline_paragraph_without_a_period_is_a_sentence_of_its_own():
    from veracity.pipeline import Analyzer
    from veracity.schema import Document

    text = "Background\n\nThe army has been in Iraq since 2014. It trains Kurdish forces."
    sentences = [s.text for s in Analyzer(stages=["nlp"])(Document(text=text)).sentences]
    assert sentences == ["Background", "The army has been in Iraq since 2014.", "It trains Kurdish forces."]
