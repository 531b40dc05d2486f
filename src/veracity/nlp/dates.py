"""Resolve date mentions to ISO 8601 where the text pins them down ("January 2002" -> "2002-01")."""

from __future__ import annotations

import re

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)s?\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY = re.compile(r"\b([12]\d|3[01]|0?[1-9])(st|nd|rd|th)?\b")


def resolve_date(text: str) -> str | None:
    """ISO date, year-month or year for an explicit date; None for relative or vague ones ("last year")."""
    low = text.lower()
    if m := _ISO.search(low):
        return m.group(0)
    year = _YEAR.search(low)
    if not year or low.strip().endswith(f"{year.group(1)}s"):
        return None  # no year, or a decade ("the 1990s")
    month = next((_MONTHS[w] for w in re.findall(r"[a-z]+", low) if w in _MONTHS), None)
    if month is None:
        return year.group(1)
    rest = low.replace(year.group(0), " ")
    day = _DAY.search(rest)
    if day:
        return f"{year.group(1)}-{month:02d}-{int(day.group(1)):02d}"
    return f"{year.group(1)}-{month:02d}"
