"""Resolve date mentions to ISO 8601 where the text pins them down ("January 2002" -> "2002-01")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from veracity.schema import DateGranularity as Granularity

MONTHS = {
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
    month = next((MONTHS[w] for w in re.findall(r"[a-z]+", low) if w in MONTHS), None)
    if month is None:
        return year.group(1)
    rest = low.replace(year.group(0), " ")
    day = _DAY.search(rest)
    if day:
        return f"{year.group(1)}-{month:02d}-{int(day.group(1)):02d}"
    return f"{year.group(1)}-{month:02d}"


# --- how much of the calendar a date covers ---------------------------------------------------------------------------

# Parts of a year or a month, as fractions of it; neighbours overlap a little so that "early" and "mid" never clash.
QUALIFIERS = {
    **dict.fromkeys(["early", "beginning", "start"], (0.0, 0.4)),
    **dict.fromkeys(["mid", "middle"], (0.3, 0.7)),
    **dict.fromkeys(["late", "end"], (0.6, 1.0)),
    "first half": (0.0, 0.5),
    "second half": (0.5, 1.0),
}
_QUALIFIER = re.compile(r"\b(first half|second half|early|beginning|start|mid|middle|late|end)\b")
# Northern-hemisphere seasons as (first month, last month); winter runs from December into the next year.
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 14)}
# The same in months from 1 January of a named year: "winter 2016" may be either end of 2016, so all of it.
_SEASON_RANGES = {name: (first - 1, last) for name, (first, last) in SEASONS.items()} | {"winter": (-1, 14)}


@dataclass(frozen=True)
class DateRange:
    """The stretch of time a date mention covers, in months from 1 January of `year`: "December 2001" is
    (2001, 11, 12), "mid-2001" (2001, 3.6, 8.4), "March 3" (None, 2.06, 2.1) when the text gives no year."""

    year: int | None
    start: float
    end: float

    @property
    def within_year(self) -> bool:
        """Narrower than a year: it places the event in a part of it."""
        return self.end - self.start < 12


def date_range(text: str) -> DateRange | None:
    """The stretch of time an explicit date covers, with qualifiers ("early 2002", "mid-May") and seasons ("the summer
    of 2016"); None for relative or vague dates ("last year", "Monday"), decades and a season without a year."""
    found = range_and_granularity(text)
    return found[0] if found else None


def granularity(text: str) -> Granularity | None:
    """How much of the calendar an explicit date names: "May 5, 2016" a day, "mid-2001" a part of the year."""
    found = range_and_granularity(text)
    return found[1] if found else None


def range_and_granularity(text: str) -> tuple[DateRange, Granularity] | None:
    low = text.lower()
    if m := _ISO.search(low):
        year, month, day = (int(g) for g in m.groups())
        return DateRange(year, month - 1 + (day - 1) / 31, month - 1 + day / 31), "day"
    year_m = _YEAR.search(low)
    if year_m and low.strip().endswith(f"{year_m.group(1)}s"):
        return None  # a decade
    year = int(year_m.group(1)) if year_m else None
    words = re.findall(r"[a-z]+", low)
    month = next((MONTHS[w] for w in words if w in MONTHS), None)
    season = next((_SEASON_RANGES[w] for w in words if w in _SEASON_RANGES), None)
    if month is not None:
        start, end, grain = month - 1.0, float(month), "month"
        rest = low.replace(year_m.group(0), " ") if year_m else low
        if day := _DAY.search(rest):
            d = int(day.group(1))
            return DateRange(year, start + (d - 1) / 31, start + d / 31), "day"
    elif season is not None and year is not None:
        (start, end), grain = season, "season"
    elif year is not None:
        start, end, grain = 0.0, 12.0, "year"
    else:
        return None
    if q := _QUALIFIER.search(low):
        lo, hi = QUALIFIERS[q.group(1)]
        start, end = start + lo * (end - start), start + hi * (end - start)
        grain = "part_of_month" if grain == "month" else "part_of_year"
    return DateRange(year, start, end), grain  # type: ignore[return-value]
