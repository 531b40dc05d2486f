"""ClaimReview export: the required fields, the rating scale, the round trip through the importer, the CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from claimreview_rules import problems
from veracity.cli import app
from veracity.evidence.factchecks import read_factchecks
from veracity.render import Format, render
from veracity.render.claimreview import claim_reviews
from webfakes import hostile_report


def test_one_review_per_claim_with_a_verdict_with_every_required_field():
    report = hostile_report()
    reviews = claim_reviews(report, publisher="Newsroom Checks", report_url="https://checks.example/reports/r1")
    assert len(reviews) == 1  # the second claim has no verdict
    review = reviews[0]
    assert problems(review) == []
    assert review["url"] == "https://checks.example/reports/r1#claim-c0"
    assert review["author"] == {"@type": "Organization", "name": "Newsroom Checks"}
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": report.claims[0].speaker}
    assert review["itemReviewed"]["appearance"]["url"] == "https://example.org/story"
    assert review["reviewRating"] | {} == {"@type": "Rating", "alternateName": "Refuted by the evidence",
                                           "ratingValue": 1, "worstRating": 1, "bestRating": 5}  # fmt: skip


def test_not_enough_evidence_has_words_but_no_number_and_the_article_voice_is_its_author():
    report = hostile_report()
    claim = report.claims[0]
    claim.verdict.label, claim.speaker = "not_enough_evidence", "author"
    review = claim_reviews(report)[0]
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Not enough evidence"}
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": report.document.author}
    assert review["url"].startswith("urn:veracity:report:") and problems(review) == []


def test_the_export_reimports_through_the_claimreview_importer(tmp_path):
    report = hostile_report()
    path = tmp_path / "out.claimreview.json"
    path.write_text(render(report, Format.claimreview, publisher="Desk", report_url="https://x.example/r"))
    (doc,) = read_factchecks(path)
    assert (doc.claim, doc.rating, doc.publisher, doc.url) == (
        report.claims[0].text, "Refuted by the evidence", "Desk", "https://x.example/r#claim-c0",
    )  # fmt: skip


def test_cli_writes_claimreview_with_the_publisher_and_report_url(tmp_path, monkeypatch):
    monkeypatch.setattr("veracity.pipeline.analyze", lambda *args, **kwargs: hostile_report())  # no models needed
    article = tmp_path / "a.txt"
    article.write_text("The minister said 200 soldiers would stay.\n")
    args = [
        "analyze",
        str(article),
        "--format",
        "claimreview",
        "--publisher",
        "Desk",
        "--report-url",
        "https://d.example/r",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    (review,) = json.loads(result.stdout)
    assert review["author"]["name"] == "Desk" and review["url"] == "https://d.example/r#claim-c0"
    assert problems(review) == []


PAYLOAD = "</script><script>alert(1)</script>"


def _report_with_payload():
    report = hostile_report()
    claim = report.claims[0]
    claim.text = f"The minister said {PAYLOAD} 200 soldiers stay \u2028 & more."
    claim.speaker = f"Minister {PAYLOAD}"
    return report


def _assert_inert(exported: str, claim_text: str) -> None:
    assert not any(c in exported for c in "<>&\u2028\u2029"), exported
    assert "\\u003c/script\\u003e" in exported
    assert json.loads(exported)[0]["claimReviewed"] == claim_text  # the same value once parsed


def test_claimreview_json_ld_cannot_end_the_script_element_it_is_embedded_in(monkeypatch, tmp_path):
    report = _report_with_payload()
    _assert_inert(render(report, Format.claimreview), report.claims[0].text)
    monkeypatch.setattr("veracity.pipeline.analyze", lambda *args, **kwargs: report)
    article = tmp_path / "a.txt"
    article.write_text("The minister said 200 soldiers would stay.\n")
    result = CliRunner().invoke(app, ["analyze", str(article), "--format", "claimreview"])
    assert result.exit_code == 0, result.output
    _assert_inert(result.stdout, report.claims[0].text)


def test_the_api_claimreview_export_is_escaped_too(tmp_path):
    from fastapi.testclient import TestClient

    from veracity.web.app import create_app
    from veracity.web.security import Settings

    report = _report_with_payload()

    class Fake:
        def __init__(self, options=None) -> None:
            pass

        def __call__(self, *args, **kwargs):
            return report

    settings = Settings(home=tmp_path, extra_hosts=("testserver",))
    with TestClient(create_app(settings, analyzer_factory=Fake, warm_up=False)) as client:
        client.app.state.store.save(report)
        answer = client.get(f"/v1/reports/{report.id}.claimreview.json")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/ld+json")
    _assert_inert(answer.text, report.claims[0].text)
