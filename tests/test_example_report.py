"""Acceptance checks on the bundled Global Research article (issue 3, points 2 and 3)."""

from __future__ import annotations

from conftest import EXAMPLE, EXAMPLE_HTML, EXAMPLE_URL

HEADLINE = "Canada is Building up its Military Presence in Iraq. Involved in Mosul Offensive?"


def _sentence(report, fragment):
    matches = [s for s in report.sentences if fragment in s.text]
    assert len(matches) == 1, f"{fragment!r} in {len(matches)} sentences"
    return matches[0]


def test_title_is_the_exact_headline(example_report):
    assert example_report.document.title == HEADLINE


def test_footer_boilerplate_is_moved_out_of_the_text(example_report):
    doc = example_report.document
    for gone in ("Disclaimer", "Articles by", "[email protected]", "For media inquiries", "fair use"):
        assert gone not in doc.text
    removed = " ".join(doc.removed_boilerplate)
    for kept in ("Articles by: Sophie Mangal", "Disclaimer:", "[email protected]", "For media inquiries"):
        assert kept in removed
    assert doc.text.rstrip().endswith("military involvement in Iraq.")


def test_sentences_have_offsets_into_the_text(example_report):
    text = example_report.document.text
    assert len(example_report.sentences) >= 20
    for s in example_report.sentences:
        assert text[s.start : s.end] == s.text


def test_quantities_found_with_what_they_count(example_report):
    found = {(q.value, q.unit) for s in example_report.sentences for q in s.quantities}
    assert {(70, "instructors"), (6, "aircraft"), (200, "troopers")} <= found
    texts = {q.text for s in example_report.sentences for q in s.quantities}
    assert "six military aircraft" in texts


def test_speakers_of_the_key_sentences(example_report):
    r = example_report
    assert _sentence(r, "“substantial” number of clashes").attribution.speaker == "Michael Rouleau"
    spotted = _sentence(r, "Hassan Shami").attribution
    assert spotted.speaker == "Reuters correspondent" and spotted.cue == "spotted"
    assert _sentence(r, "He stated that troopers").attribution.speaker == "Reuters correspondent"
    post = _sentence(r, "The National Post reported").attribution
    assert (post.speaker, post.speaker_type, post.cue) == ("National Post", "outlet", "reported")
    assert _sentence(r, "According to official statements").attribution.mode == "according_to"
    assert _sentence(r, "confirmed by other sources").attribution.anonymous


def test_author_voice_and_hedges(example_report):
    unclear = _sentence(example_report, "It’s unclear").attribution
    assert unclear.speaker == "author" and "it’s unclear" in unclear.hedges
    assert "probably" in _sentence(example_report, "Probably, Rouleau").attribution.hedges


def test_outlet_rated_low_from_the_url(example_report):
    src = example_report.source
    assert (src.domain, src.label, src.found_by) == ("globalresearch.ca", "low", "url")
    assert src.score == 0.176
    assert "Lin et al. 2023" in src.provenance


def test_outlet_found_from_the_footer_without_a_url(analyzer):
    from veracity.ingest import load_document

    report = analyzer(load_document(str(EXAMPLE)))
    assert (report.source.domain, report.source.found_by) == ("globalresearch.ca", "site_name_in_text")


def test_claims_are_scored_and_ranked(example_report):
    r = example_report
    assert all(s.checkworthiness is not None and 0 <= s.checkworthiness <= 1 for s in r.sentences)
    assert r.claims and all(c.checkworthiness >= r.summary.claim_threshold for c in r.claims)
    by_id = {c.id: c for c in r.claims}
    scores = [by_id[i].checkworthiness for i in r.summary.top_claims]
    assert scores == sorted(scores, reverse=True)
    numeric = [c for c in r.claims if "70 instructors" in c.text]
    assert numeric and numeric[0].kind == "numeric" and "6 military aircraft" in numeric[0].normalized


def test_html_page_gives_the_same_main_text(example_report):
    from veracity.ingest import load_document

    html_doc = load_document(str(EXAMPLE_HTML))
    assert html_doc.text == example_report.document.text
    assert html_doc.title == HEADLINE
    assert html_doc.author == "Sophie Mangal"
    assert html_doc.published == "2016-11-03"
    assert "globalresearch.ca" in (html_doc.url or "")


def test_report_json_round_trips(example_report):
    from veracity.schema import Report

    again = Report.model_validate_json(example_report.model_dump_json())
    assert again.claims == example_report.claims
    assert again.document.url == EXAMPLE_URL
