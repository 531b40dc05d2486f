"""schema.org `ClaimReview` JSON-LD: one review per claim that has a verdict, with the fields Google's fact-check
markup guidelines require (`claimReviewed`, `reviewRating.alternateName`, `url`, `author`; `itemReviewed` a
`Claim` with its `author`, `appearance` and `datePublished`).

Rating scale (`reviewRating`): 1 = refuted, 3 = disputed, 5 = supported (`worstRating` 1, `bestRating` 5). A claim
with not enough evidence gets the words only ("Not enough evidence"), no number: it was not rated on the scale.
The importer in evidence/factchecks.py reads this output back (`veracity factchecks import`).
"""

from __future__ import annotations

from typing import Any

from veracity.render.escape import json_for_html
from veracity.render.view import claim_numbers
from veracity.schema import Claim, Report

DEFAULT_PUBLISHER = "veracity (automated check)"
RATING_SCALE = {"refuted": 1, "disputed": 3, "supported": 5}
WORST, BEST = 1, 5
_ALTERNATE_NAME = {
    "supported": "Supported by the evidence",
    "refuted": "Refuted by the evidence",
    "disputed": "Disputed: the evidence disagrees",
    "not_enough_evidence": "Not enough evidence",
}


def claim_reviews(
    report: Report, *, publisher: str = DEFAULT_PUBLISHER, publisher_url: str | None = None,
    report_url: str | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """One ClaimReview per claim with a verdict, most check-worthy first.

    `report_url` is where the report is published (the web app's report page); each review's `url` is that page
    with the claim's anchor. Without it the reviews carry a `urn:veracity:` identifier instead, which a search
    engine will not accept: publish the report and pass its address.
    """
    base = report_url or f"urn:veracity:report:{report.id}"
    organisation = {"@type": "Organization", "name": publisher} | ({"url": publisher_url} if publisher_url else {})
    reviewed = sorted((c for c in report.claims if c.verdict is not None), key=lambda c: -c.checkworthiness)
    numbers = claim_numbers(report)  # `position`: the claim's number on the report page, in Markdown and HTML
    return [_review(report, c, organisation, base) | {"position": numbers[c.id]} for c in reviewed]


def _review(report: Report, claim: Claim, organisation: dict, base: str) -> dict[str, Any]:
    doc, verdict = report.document, claim.verdict
    assert verdict is not None
    name = _ALTERNATE_NAME[verdict.label]
    if verdict.leaning:
        name += f" (leans {verdict.leaning.replace('_', ' ')})"
    elif verdict.tentative:
        name = f"Tentatively: {name[0].lower()}{name[1:]}"
    if verdict.content is not None:  # reported speech: the rating is of whether it was said
        name = f"Said: {name[0].lower()}{name[1:]}; what was said: {verdict.content.label.replace('_', ' ')}"
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": name}
    if verdict.label in RATING_SCALE:
        rating |= {"ratingValue": RATING_SCALE[verdict.label], "worstRating": WORST, "bestRating": BEST}
    item: dict[str, Any] = {"@type": "Claim"}
    author = _claim_author(report, claim)
    if author:
        item["author"] = author
    if doc.published:
        item["datePublished"] = doc.published
    if doc.url:
        item["appearance"] = {"@type": "CreativeWork", "url": doc.url} | ({"headline": doc.title} if doc.title else {})
    separator = "&" if "#" in base else "#"
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{base}{separator}claim-{claim.id}",
        "claimReviewed": claim.text,
        "itemReviewed": item,
        "author": organisation,
        "datePublished": report.analyzed_at.date().isoformat(),
        "reviewRating": rating,
        "reviewBody": " ".join(verdict.reasons),
    }


def _claim_author(report: Report, claim: Claim) -> dict[str, str] | None:
    """Who made the claim: its speaker; in the article's own voice, the article's author, else its outlet."""
    doc = report.document
    attribution = report.sentences[claim.sentence_i].attribution if claim.sentence_i < len(report.sentences) else None
    if claim.speaker and claim.speaker != "author" and attribution is not None:
        kind = "Person" if attribution.speaker_type in ("person", "official") else "Organization"
        return {"@type": kind, "name": claim.speaker}
    if doc.author:
        return {"@type": "Person", "name": doc.author}
    outlet = doc.site_name or doc.domain
    return {"@type": "Organization", "name": outlet} if outlet else None


def to_claimreview(report: Report, **kwargs: Any) -> str:
    """The reviews as one JSON-LD array (an empty array when no claim has a verdict: run with evidence), safe to
    embed in `<script type="application/ld+json">`."""
    return json_for_html(claim_reviews(report, **kwargs), indent=2)
