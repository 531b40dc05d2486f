"""What Google's fact-check markup guidelines require of a ClaimReview (and recommend for its itemReviewed Claim),
as a checker the ClaimReview tests share."""

from __future__ import annotations

from urllib.parse import urlsplit


def problems(review: dict, known: tuple[str, ...] = ("author", "datePublished", "appearance")) -> list[str]:
    out = []
    if review.get("@context") != "https://schema.org" or review.get("@type") != "ClaimReview":
        out.append("not a schema.org ClaimReview")
    if not isinstance(review.get("claimReviewed"), str) or not review["claimReviewed"].strip():
        out.append("claimReviewed missing")
    if not isinstance(review.get("author"), dict) or not review["author"].get("name"):
        out.append("author (the reviewing organisation) missing")
    url = review.get("url", "")
    if urlsplit(url).scheme not in ("http", "https", "urn"):
        out.append(f"url is not an address: {url!r}")
    rating = review.get("reviewRating") or {}
    if rating.get("@type") != "Rating" or not rating.get("alternateName"):
        out.append("reviewRating.alternateName missing")
    if "ratingValue" in rating and not rating.get("worstRating", 0) <= rating["ratingValue"] <= rating.get(
        "bestRating", 0
    ):
        out.append("ratingValue outside worstRating..bestRating")
    item = review.get("itemReviewed") or {}
    if item.get("@type") != "Claim":
        out.append("itemReviewed is not a Claim")
    for field in known:  # recommended: required here whenever the report knows them
        if field not in item:
            out.append(f"itemReviewed.{field} missing")
    if not str(review.get("datePublished", ""))[:4].isdigit():
        out.append("datePublished missing")
    return out
