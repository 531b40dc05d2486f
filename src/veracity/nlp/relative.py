"""Dates as a stretch of the calendar, with relative ones resolved against the publication date.

"last year", "Tuesday", "next month", "in May", "yesterday", "two weeks ago", "late last year" mean nothing
without a reference point; an article's publication date is one. Rules, not dateparser: the expressions news
uses are few, and rules say how much of the calendar is meant (a day, a month, part of a year), which dateparser's
single datetime does not. Anaphoric dates ("the previous year", "the following day") count from a time the
story sets, not from publication, so they stay unresolved.

Values are ISO 8601: a day "2016-11-01", a week "2016-W44", a month "2016-10", a year "2016", or an interval
"2001-04/2001-09" (a season or part of a year; days for part of a month).
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from veracity.nlp.dates import QUALIFIERS, SEASONS, DateRange, Granularity, range_and_granularity
from veracity.nlp.numbers import parse_number

Tense = Literal["past", "future"]

_DAY_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_UNIT = re.compile(
    r"^(?:(?P<q>early|mid|late|end of|beginning of|start of|earlier|later)\s+)?"
    r"(?P<dir>last|next|this|past|coming)\s+(?P<unit>[a-z]+)$"
)
_AGO = re.compile(r"^(?P<n>[a-z0-9 -]+?)\s+(?P<unit>day|week|month|year)s?\s+ago$")
# "earlier this year" and "later this year" split the year at the publication date.
_AROUND_NOW = {"earlier": (0.0, None), "later": (None, 1.0)}


@dataclass(frozen=True)
class ResolvedDate:
    value: str  # ISO 8601: day, week, month, year or an interval
    granularity: Granularity
    relative: bool  # resolved against the publication date


def resolve(text: str, published: date | None = None, tense: Tense | None = None) -> ResolvedDate | None:
    """The stretch of calendar a date mention names; None when it names none the text pins down ("recently",
    "the 1990s", "the previous year") or, for a relative date, when the publication date is unknown."""
    found = range_and_granularity(text)
    if found is not None and found[0].year is not None:
        rng, grain = found
        return ResolvedDate(_iso(rng.year, rng, grain), grain, relative=False)  # type: ignore[arg-type]
    if published is None:
        return None
    if found is not None:  # a month or day without a year: "in May", "March 3", "mid-May", "last May"
        rng, grain = found
        year = _year_of_month(int(rng.start) + 1, published, tense, _direction(text))
        return ResolvedDate(_iso(year, rng, grain), grain, relative=True)
    return _relative(_clean(text), published, tense)


def _clean(text: str) -> str:
    low = re.sub(r"[\s-]+", " ", text.lower()).strip()
    return re.sub(r"^(?:the|on|in|by|during|since) ", "", low)


def _relative(low: str, base: date, tense: Tense | None) -> ResolvedDate | None:
    if low in _DAY_WORDS:
        return _day(base + timedelta(days=_DAY_WORDS[low]))
    if low in _WEEKDAYS:
        return _day(_weekday(_WEEKDAYS[low], base, tense or "past"))
    if m := _AGO.match(low):
        n = 1 if m["n"] in ("a", "an", "one") else parse_number(m["n"])
        return _ago(int(n), m["unit"], base) if n is not None and n == int(n) else None
    if m := _UNIT.match(low):
        return _unit(m["q"], m["dir"], m["unit"], base)
    if low in SEASONS:
        return _season(low, 0, base, tense)
    return None


def _day(d: date) -> ResolvedDate:
    return ResolvedDate(d.isoformat(), "day", relative=True)


def _weekday(weekday: int, base: date, tense: Tense, strict: bool = False) -> date:
    """The weekday nearest the publication date on the tense's side ("on Tuesday" in a story published on a
    Thursday is two days before); `strict` skips the publication day itself ("last Thursday")."""
    step = -1 if tense == "past" else 1
    d = base + timedelta(days=step) if strict else base
    while d.weekday() != weekday:
        d += timedelta(days=step)
    return d


def _ago(n: int, unit: str, base: date) -> ResolvedDate:
    if unit == "day":
        return _day(base - timedelta(days=n))
    if unit == "week":
        return _week(base - timedelta(weeks=n))
    if unit == "month":
        y, m = divmod(base.year * 12 + base.month - 1 - n, 12)
        return ResolvedDate(f"{y}-{m + 1:02d}", "month", relative=True)
    return ResolvedDate(str(base.year - n), "year", relative=True)


def _week(d: date) -> ResolvedDate:
    year, week, _ = d.isocalendar()
    return ResolvedDate(f"{year}-W{week:02d}", "week", relative=True)


def _unit(qualifier: str | None, direction: str, unit: str, base: date) -> ResolvedDate | None:
    shift = {"last": -1, "past": -1, "next": 1, "coming": 1, "this": 0}[direction]
    if unit in _WEEKDAYS:  # "last Tuesday", "next Friday", "this Monday"
        tense: Tense = "past" if shift < 0 else "future"
        return _day(_weekday(_WEEKDAYS[unit], base, tense, strict=shift != 0))
    if unit in SEASONS:
        return _season(unit, shift, base, None)
    if unit == "week" and qualifier is None:
        return _week(base + timedelta(weeks=shift))
    if unit == "month":
        y, m = divmod(base.year * 12 + base.month - 1 + shift, 12)
        return _part(y, DateRange(y, m, m + 1.0), "month", qualifier, base)
    if unit == "year":
        y = base.year + shift
        return _part(y, DateRange(y, 0.0, 12.0), "year", qualifier, base)
    return None


def _part(year: int, rng: DateRange, grain: Granularity, qualifier: str | None, base: date) -> ResolvedDate:
    """A month or year, or the part of it a qualifier names ("late last year", "earlier this month")."""
    if qualifier is None:
        return ResolvedDate(_iso(year, rng, grain), grain, relative=True)
    span = rng.end - rng.start
    if qualifier in _AROUND_NOW:  # "earlier this year": from its start to the publication date
        now = (base.year - year) * 12 + base.month - 1 + (base.day - 1) / 31
        lo, hi = _AROUND_NOW[qualifier]
        lo, hi = (now - rng.start) / span if lo is None else lo, (now - rng.start) / span if hi is None else hi
    else:
        lo, hi = QUALIFIERS[qualifier.removesuffix(" of")]
    part = DateRange(year, rng.start + lo * span, rng.start + hi * span)
    grain = "part_of_month" if grain == "month" else "part_of_year"
    return ResolvedDate(_iso(year, part, grain), grain, relative=True)


def _season(name: str, shift: int, base: date, tense: Tense | None) -> ResolvedDate:
    """ "this summer" is the publication year's; "last summer" the latest that ended before publication, "next
    summer" the first that starts after it; a bare "the summer" follows the tense."""
    first, last = SEASONS[name]
    start = base.year * 12 + first - 1 - (12 if name == "winter" and base.month <= 2 else 0)
    now = base.year * 12 + base.month - 1
    if shift < 0 or (shift == 0 and tense == "past" and start > now):
        while start + (last - first) >= now:
            start -= 12
    elif shift > 0 or (shift == 0 and tense == "future" and start + (last - first) < now):
        while start <= now:
            start += 12
    year, month = divmod(start, 12)
    rng = DateRange(year, month, month + last - first + 1.0)
    return ResolvedDate(_iso(year, rng, "season"), "season", relative=True)


def _direction(text: str) -> int:
    """-1 for "last May", 1 for "next May", 0 for "May"."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    return -1 if words & {"last", "past"} else 1 if words & {"next", "coming"} else 0


def _year_of_month(month: int, base: date, tense: Tense | None, direction: int = 0) -> int:
    """The year of a month named without one: the publication year's, unless the tense points across it
    ("will be held in May" in November is next May; "resumed in December" in February was last December).
    "last May" is the latest May before the publication month, "next May" the first after it."""
    if direction:
        return base.year - (direction < 0 and month >= base.month) + (direction > 0 and month <= base.month)
    if tense == "past" and month > base.month:
        return base.year - 1
    if tense == "future" and month < base.month:
        return base.year + 1
    return base.year


def _iso(year: int, rng: DateRange, grain: Granularity) -> str:
    """ISO 8601 for a stretch of `year` given in months from its 1 January (see `DateRange`)."""
    if grain == "year":
        return str(year)
    if grain in ("day", "month"):
        y, m = divmod(year * 12 + int(rng.start), 12)
        if grain == "month":
            return f"{y}-{m + 1:02d}"
        return f"{y}-{m + 1:02d}-{round((rng.start - int(rng.start)) * 31) + 1:02d}"
    if grain == "part_of_month":
        return f"{_day_at(year, rng.start, 0)}/{_day_at(year, rng.end, 1)}"
    first, last = year * 12 + math.floor(rng.start + 1e-9), year * 12 + math.ceil(rng.end - 1e-9) - 1
    return f"{first // 12}-{first % 12 + 1:02d}/{last // 12}-{last % 12 + 1:02d}"


def _day_at(year: int, months: float, end: int) -> str:
    """The day `months` into `year` (its last day included when `end`): 4.3 -> 10 May."""
    y, m = divmod(year * 12 + int(months), 12)
    length = calendar.monthrange(y, m + 1)[1]
    day = min(max(int((months - int(months)) * length + (0 if end else 1)), 1), length)
    return date(y, m + 1, day).isoformat()


def publication_date(published: str | None) -> date | None:
    """The article's publication date from `Document.published` ("2016-11-03", "2016-11-03T08:00:00Z")."""
    try:
        return date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None
