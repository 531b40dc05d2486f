"""One claim numbering (issue 29): reading order 1..n, stored in the JSON (`Claim.number`) and shown the same in
Markdown, standalone HTML, ClaimReview (`position`) and the web page."""

from __future__ import annotations

import json
import re

from veracity.render import render
from veracity.render.claimreview import claim_reviews
from veracity.schema import Evidence, Verdict


def _with_verdicts(report):
    report = type(report).model_validate_json(report.model_dump_json())
    for claim in report.claims:
        claim.evidence = [Evidence(passage_id=1, collection="notes", text="Not so.", score=0.5, bm25=1.0, cosine=0.5)]
        claim.verdict = Verdict(label="refuted", confidence=0.9, reasons=["passage 1 contradicts the claim"])
    return report


def test_claims_are_numbered_in_reading_order_in_the_json(example_report):
    claims = json.loads(example_report.model_dump_json())["claims"]
    by_sentence = sorted(claims, key=lambda c: c["sentence_i"])
    assert [c["number"] for c in by_sentence] == list(range(1, len(claims) + 1))
    assert [c["number"] for c in claims] != sorted(c["number"] for c in claims)  # listed by score, not by number


def test_markdown_html_and_claimreview_show_the_same_number_for_each_claim(example_report):
    report = _with_verdicts(example_report)
    number = {c.text: c.number for c in report.claims}
    md = render(report, "md")
    rows = [line.split(" | ") for line in md.splitlines() if re.match(r"\| \d+ \|", line)]
    assert {int(r[0][2:]): r[-1].rstrip(" |").replace("\\", "") for r in rows} == {v: k for k, v in number.items()}
    for claim in report.claims:
        assert f"**Claim {claim.number}:** " in md
    html = render(report, "html")
    for claim in report.claims:
        assert f'id="claim-{claim.number}"><p><strong>Claim {claim.number}:</strong>' in html
    reviews = claim_reviews(report)
    assert {r["claimReviewed"]: r["position"] for r in reviews} == number


def test_a_report_stored_without_numbers_is_numbered_the_same_way(example_report):
    from veracity.render.view import claim_numbers

    old = type(example_report).model_validate_json(example_report.model_dump_json())
    for claim in old.claims:
        claim.number = None
    assert claim_numbers(old) == {c.id: c.number for c in example_report.claims}
