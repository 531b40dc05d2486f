"""A prior fact-check's published rating ("Pants on Fire!", "Mostly true", "Mixture") read as a verdict."""

from __future__ import annotations

import re

_FALSE = re.compile(r"\b(false|fake|pants|incorrect|wrong|misleading|miscaptioned|scam|hoax|not true|baseless|"
                    r"fabricated|distorts|inaccurate|unfounded|debunked|satire|no evidence)\b", re.I)  # fmt: skip
_TRUE = re.compile(r"^\s*(true|correct|accurate|mostly[ -]true|mostly[ -]correct|confirmed|legit)\b", re.I)
_MIXED = re.compile(r"\b(half[ -]true|mixture|mixed|partly|partially|half[ -]false|disputed|unproven)\b", re.I)


def rating_polarity(rating: str | None) -> str | None:
    """'supported', 'refuted', 'disputed' or None (unknown) for a fact-checker's published rating."""
    if not rating:
        return None
    if _MIXED.search(rating):
        return "disputed"
    if _TRUE.search(rating) and not _FALSE.search(rating.replace("mostly false", "")):
        return "supported"
    if _FALSE.search(rating) or rating.strip().lower() in {"barely-true", "barely true", "mostly false"}:
        return "refuted"
    return None


# A matching fact-check counts like a very clear evidence sentence: (entailment, neutral, contradiction).
POLARITY_PROBS = {"supported": (0.95, 0.05, 0.0), "refuted": (0.0, 0.05, 0.95), "disputed": (0.6, 0.0, 0.6)}
