"""Date consistency: the claim and the evidence place the same event in stretches of time that do not meet.

"mid-2001" (about April to September) and "December 2001" disagree; "2016" and "May 2016" do not (one contains the
other); "May" and "August 2016" disagree on the month even though the claim gives no year.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from veracity.nlp.dates import DateRange, date_range, granularity
from veracity.verify.mismatch import SKIP_LEMMAS, Mismatch, same_verb

if TYPE_CHECKING:
    from collections.abc import Iterator

    from spacy.tokens import Doc

# Dates whose words do not say which months they cover: the reason spells out the months that were compared.
_FUZZY = {"season", "part_of_year"}
# Only dates that place an event in time are compared: "since 1900" and "since 1993" can both be true.
_POINT_PREPS = {"in", "on", "at", "during"}


@dataclass(frozen=True)
class _Date:
    text: str
    range: DateRange
    anchor: str  # the word the date is attached to: "announce" in "announced ... in 2014"
    on_verb: bool  # the parse attaches it to a verb (not to a noun, as in a misparsed "deployed X, forces, in 2001")


def _dates(doc: Doc) -> list[_Date]:
    out = []
    for ent in (e for e in doc.ents if e.label_ == "DATE"):
        root = ent.root
        prep = root.head if root.dep_ == "pobj" or (root.dep_ == "conj" and root.head.pos_ == "ADP") else None
        while prep is not None and prep.dep_ == "conj" and prep.head.pos_ == "ADP":
            prep = prep.head  # "in 2002 and in 2016": both hang on the first "in"
        anchor = (prep or ent.root).head
        if (prep is not None and prep.lower_ not in _POINT_PREPS) or anchor.lemma_.lower() in SKIP_LEMMAS:
            continue  # a range ("since 2014") or a date that is itself the topic ("2016 was the hottest year")
        found = date_range(ent.text)
        if found is not None:  # None: relative or vague ("last year", "Monday"), nothing to compare
            out.append(_Date(ent.text, found, same_verb(anchor.lemma_.lower()), anchor.pos_ in ("VERB", "AUX")))
    return out


def _agree(a: DateRange, b: DateRange) -> bool | None:
    """Whether two dates can be the same time; None if they cannot be compared (a year against a month without one)."""
    if a.year is not None and b.year is not None:
        return a.year * 12 + a.start < b.year * 12 + b.end and b.year * 12 + b.start < a.year * 12 + a.end
    if a.within_year and b.within_year:  # "March 3" vs "March 5, 2016": compare within the year
        return a.start < b.end and b.start < a.end
    return None


def date_mismatches(claim: Doc, evidence: Doc) -> Iterator[Mismatch]:
    ev_dates, c_dates = _dates(evidence), _dates(claim)
    claim_verbs = {same_verb(t.lemma_.lower()) for t in claim if t.pos_ == "VERB"}
    for d in c_dates:
        comparable = [(e, ok) for e in ev_dates if (ok := _agree(d.range, e.range)) is not None]
        # Of several dates ("elected in 2006 ... announced in 2014") only the one on the same word is the same kind;
        # a date of another kind ("after the September 11 attacks") neither confirms nor contradicts it.
        same_kind = [(e, ok) for e, ok in comparable if e.anchor == d.anchor]
        if not same_kind and not d.on_verb:
            # The parse hung the claim's date on a noun: take the evidence's date on a verb the claim also uses, if no
            # other date of the claim is on that verb ("deployed ..., elite special forces, in mid-2001").
            taken = {o.anchor for o in c_dates}
            same_kind = [(e, ok) for e, ok in comparable if e.on_verb and e.anchor in claim_verbs - taken]
        if same_kind and not any(ok for _, ok in same_kind):
            e = same_kind[0][0]
            yield Mismatch("date", d.text, e.text, f"the claim says {_shown(d)}, the evidence says {_shown(e)}")


def _shown(d: _Date) -> str:
    """The date as written, with the months it was taken to cover when its words leave them open: "mid-2001
    (about April to September 2001)". The comparison itself is unchanged; the reader sees what it compared."""
    if d.range.year is None or granularity(d.text) not in _FUZZY:
        return d.text
    first, last = d.range.year * 12 + math.floor(d.range.start), d.range.year * 12 + math.ceil(d.range.end) - 1
    (y1, m1), (y2, m2) = divmod(first, 12), divmod(last, 12)
    start = calendar.month_name[m1 + 1] + ("" if y1 == y2 else f" {y1}")
    return f"{d.text} (about {start} to {calendar.month_name[m2 + 1]} {y2})"
