"""Number consistency: the same thing counted differently, a different increase, the same amount in another currency.

A quantity is read with what it counts ("70 instructors", "5%", "$2 billion") and its role: a count ("sent 69
advisers"), an increase ("an extra 200 troopers", "raised by 140") or a new total ("tripled ... to about 210", "from
69 to 210"), from which the increase it implies follows (about 140). Like is compared with like: counts with counts,
increases with the increase given or implied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, Literal

from veracity.nlp.numbers import SCALE_WORDS, currency_code, format_number, hedge_range, is_number_token, parse_number
from veracity.verify.mismatch import Mismatch, arguments, phrase_lemmas, same_verb, subject_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from spacy.tokens import Doc, Token

_FACTORS = {"halve": 0.5, "double": 2, "triple": 3, "treble": 3, "quadruple": 4}
# Counted nouns that name the same people: "troops" and "soldiers"; "trainers" and "instructors".
_SYNONYMS = {
    **dict.fromkeys("troop soldier trooper serviceman servicemember paratrooper commando".split(), "soldier"),
    **dict.fromkeys("trainer instructor adviser advisor mentor".split(), "trainer"),
    **dict.fromkeys("aircraft jet warplane plane fighter bomber".split(), "aircraft"),
}
# ... and the wider kind: an increase in "troopers" is one in "trainers" or in "personnel"; a count is not (the
# trainers are a part of the personnel).
_KINDS = {**_SYNONYMS, **dict.fromkeys([k for k, v in _SYNONYMS.items() if v in ("soldier", "trainer")]
                                       + ["personnel", "force"], "military personnel")}  # fmt: skip
_INCREMENT_WORDS = {"extra", "additional", "more", "another", "further"}  # "an extra 200 troopers", "200 more troops"
_TOTAL_NOUNS = {"number", "total", "count", "strength", "size", "contingent", "complement"}  # "the number of trainers"
_GROW_VERBS = {"increase", "raise", "boost", "expand", "grow", "rise", "bolster", "augment"}  # "raised by 140"
_ROUGH = {"roughly", "about", "around", "approximately", "nearly", "almost", "some"}  # "roughly triple"

Role = Literal["count", "increment", "total"]


@dataclass(frozen=True)
class _Quantity:
    phrase: str  # "about 70 instructors"
    number: str  # the phrase without the counted noun: "about 70"
    unit: str  # what is counted, as a lemma: "instructor", "percent", "USD"
    verb: str  # the predicate it hangs on: "send" in "will send 70 instructors"
    subject: frozenset[str]  # that predicate's subject: "unemployment" in "unemployment rose to 5%"
    value: float
    low: float
    high: float
    role: Role = "count"
    implied: tuple[float, float] | None = None  # for a total with a baseline: the range of the increase it implies
    how: str = ""  # how the increase is implied: "triple ... to about 210"

    def kind(self, broad: bool) -> str:
        """What it counts, up to synonyms ("soldier" for "troops"), or up to the wider kind ("military personnel")."""
        return (_KINDS if broad else _SYNONYMS).get(self.unit, self.unit)


def _governing_verb(tok: Token) -> Token:
    """The verb a phrase hangs on: "announced the deployment of 70 instructors" -> "announced"."""
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX") or tok.head == tok:
            break
        tok = tok.head
    return tok


def _counted_by_verb(verb: Token) -> Token | None:
    """What a "to 210" counts: "trainers" in "triple the number of trainers ... to 210" or "the number of trainers
    rose to 210"; the noun itself in "raise troops to 830"."""
    for noun in (c for c in verb.children if c.dep_ in ("dobj", "nsubj", "nsubjpass") and c.pos_ == "NOUN"):
        if noun.lemma_.lower() not in _TOTAL_NOUNS:
            return noun
        for of in (p for p in noun.children if p.dep_ == "prep" and p.lower_ == "of"):
            return next((g for g in of.children if g.dep_ == "pobj"), None)
    return None


def _bare_target(doc: Doc, end: int) -> tuple[Token, Token] | None:
    """(verb, counted noun) for a number with no noun of its own that is where a count goes: "... to about 210"."""
    prep = doc[end - 1].head
    if doc[end - 1].dep_ != "pobj" or prep.lower_ != "to":
        return None
    verb = prep
    while verb.pos_ == "ADP" and verb.head != verb:  # "from 69 to 210": "to" hangs on "from"
        verb = verb.head
    noun = _counted_by_verb(verb) if verb.pos_ == "VERB" else None
    return (verb, noun) if noun is not None else None


def _quantity(doc: Doc, start: int, end: int) -> _Quantity | None:
    """doc[start:end] with what it counts: "70 instructors", "5%", "$2 billion"; None if it counts nothing known."""
    value = parse_number(doc[start:end].text)
    if value is None:
        return None
    first = start - 1 if start > 0 and doc[start - 1].text in ("$", "€", "£") else start
    unit, number_end = currency_code(doc[first].text) or "", end
    nxt = [t.lower_ for t in doc[end : end + 2]]
    if not unit and nxt[:1] in (["%"], ["percent"]):
        unit, number_end = "percent", end + 1
    elif not unit and nxt == ["per", "cent"]:
        unit, number_end = "percent", end + 2
    phrase_end, head, target = number_end, doc[end - 1].head, None
    if not unit and head.i >= end and head.pos_ in ("NOUN", "PROPN") and head.i - end <= 3:
        unit, phrase_end = currency_code(head.lemma_) or head.lemma_.lower(), head.i + 1
    elif not unit and (target := _bare_target(doc, end)):
        unit = target[1].lemma_.lower()
    if not unit:
        return None  # a bare number: we cannot tell what it counts, so it is not comparable
    hedge_start, low, high = _range(doc, first, value, ranged=target is None)  # "from 69 to 210" is a change
    # "1.2 million" is rounded to its last written digit: allow half of that digit either way.
    tol, lead = 0.0, parse_number(doc[start].text)
    if end - start > 1 and doc[end - 1].lower_ in SCALE_WORDS - {"dozen", "hundred"} and lead:
        tol = 0.5 * 10 ** -len(doc[start].text.partition(".")[2]) * value / lead
    verb = target[0] if target else _governing_verb(doc[phrase_end - 1])
    lemma = verb.lemma_.lower() if verb.pos_ in ("VERB", "AUX") else ""
    subject = phrase_lemmas([t for t in subject_of(verb) if not hedge_start <= t.i < phrase_end])
    phrase, number = doc[hedge_start:phrase_end].text, doc[hedge_start:number_end].text
    q = _Quantity(phrase, number, unit, lemma, subject, value, low - tol, high + tol)
    if target:
        return _as_total(q, verb, target[1].text, (low - tol, high + tol))
    noun = doc[phrase_end - 1]
    marks = [c for c in noun.children if c.lemma_.lower() in _INCREMENT_WORDS and not start <= c.i < end]
    by = doc[end - 1].head if doc[end - 1].dep_ == "nummod" else doc[end - 1]  # "raised ... by 140 (trainers)"
    grown = by.dep_ == "pobj" and by.head.lower_ == "by" and lemma in _GROW_VERBS
    if marks or grown:
        first_word = min([hedge_start, *(m.i for m in marks), *([by.head.i] if grown else [])])
        phrase = doc[first_word:phrase_end].text  # "extra 200 troopers", "by 140 trainers"
        return _Quantity(**{**q.__dict__, "phrase": phrase, "role": "increment"})
    return q


def _as_total(q: _Quantity, verb: Token, noun: str, total: tuple[float, float]) -> _Quantity:
    """A new total ("to about 210"), with the increase it implies when the text gives where it started: "from 69",
    or a factor ("triple ... to about 210": about 140 more)."""
    implied, how = None, ""
    start = next((g for p in verb.subtree if p.lower_ == "from" for g in p.children if g.dep_ == "pobj"), None)
    base = parse_number(start.text) if start is not None else None
    if base is not None:
        # The claim may round the difference (140 for 210 - 69): allow 5% either way.
        implied, how = ((total[0] - base) * 0.95, (total[1] - base) * 1.05), f"{noun} from {start.text} to {q.number}"
    elif verb.lemma_.lower() in _FACTORS and _FACTORS[verb.lemma_.lower()] > 1:
        f = _FACTORS[verb.lemma_.lower()]
        rough = any(c.lower_ in _ROUGH for c in verb.children)
        f_low, f_high = (f * 0.85, f * 1.15) if rough else (f, f)
        implied = (total[0] * (1 - 1 / f_low), total[1] * (1 - 1 / f_high))
        how = f"{'roughly ' if rough else ''}{verb.text} the {noun} to {q.number}"
    return _Quantity(**{**q.__dict__, "role": "total", "implied": implied, "how": how})


def _range(doc: Doc, first: int, value: float, ranged: bool = True) -> tuple[int, float, float]:
    """Where the number phrase starts, and the values it allows: a hedge or a range ("60 to 80 people") widens it."""
    if ranged and first >= 2 and doc[first - 1].lower_ in ("to", "-", "and", "or"):
        low = parse_number(doc[first - 2].text)
        if low is not None and low < value:
            return first - 3 if first >= 3 and doc[first - 3].lower_ in ("between", "from") else first - 2, low, value
    for n in (3, 2, 1):
        if first - n >= 0 and (hedged := hedge_range(doc[first - n : first].text, value)):
            return first - n, *hedged
    return first, value, value


def quantities(doc: Doc) -> list[_Quantity]:
    runs = [list(run) for is_number, run in groupby(doc, key=is_number_token) if is_number]
    return [q for run in runs if (q := _quantity(doc, run[0].i, run[-1].i + 1))]


def _same_context(a: _Quantity, b: _Quantity) -> bool:
    """Same predicate and subject where both give one: "unemployment rose to 5%" vs "inflation rose to 7%" differ."""
    va, vb = same_verb(a.verb), same_verb(b.verb)
    verb_agrees = va == vb or not a.verb or not b.verb
    return verb_agrees and bool(a.subject & b.subject or not a.subject or not b.subject)


ROUNDING = 0.02  # "70 instructors" for 69: reporters round; a count within 2 % is the same count, not a wrong detail


def _fits(a: tuple[float, float], b: tuple[float, float], slack: float = 0.0) -> bool:
    return a[0] * (1 - slack) <= b[1] * (1 + slack) and b[0] * (1 - slack) <= a[1] * (1 + slack)


def _alike(q: _Quantity, found: list[_Quantity], claim: list[_Quantity], broad: bool) -> list[_Quantity]:
    """The evidence's quantities that count what q counts: the same noun; else a synonym (or, if `broad`, the same kind
    of thing) when the claim counts only one noun of that kind."""
    same = [e for e in found if e.unit == q.unit]
    key = q.kind(broad)
    if same or key == q.unit or len({c.unit for c in claim if c.kind(broad) == key}) > 1:
        return same
    return [e for e in found if e.kind(broad) == key]


def number_mismatches(claim: Doc, evidence: Doc) -> Iterator[Mismatch]:
    ev_all, c_all = quantities(evidence), quantities(claim)
    ev = [e for e in ev_all if e.role != "increment"]
    for q in (c for c in c_all if c.role != "increment"):
        # The same thing counted, with the same predicate and subject where both give one.
        same = [e for e in _alike(q, ev, c_all, broad=False) if _same_context(e, q)]
        if not same or any(_fits((e.low, e.high), (q.low, q.high), ROUNDING) for e in same):
            if not same and q.unit in ("USD", "EUR", "GBP", "CAD"):
                yield from _currency_mismatch(q, ev)
            continue  # nothing counts the same thing, or one of the counts agrees
        e = min(same, key=lambda e: abs(e.value - q.value))
        yield Mismatch("number", q.phrase, e.phrase, f"the claim says {q.phrase}, the evidence says {e.number}")
    yield from _increment_mismatches([c for c in c_all if c.role == "increment"], ev_all, c_all)
    # "tripled" vs "doubled": only when the two verbs share an argument ("profits").
    ev_factors = [(t, arguments(t)) for t in evidence if t.lemma_ in _FACTORS]
    for c in (t for t in claim if t.lemma_ in _FACTORS):
        same_f = [e for e, args in ev_factors if args & arguments(c)]
        if same_f and all(_FACTORS[e.lemma_] != _FACTORS[c.lemma_] for e in same_f):
            e = same_f[0]
            yield Mismatch("number", c.text, e.text, f"the claim says {c.text}, the evidence says {e.text}")


def _increment_mismatches(increments: list[_Quantity], ev: list[_Quantity], c_all: list[_Quantity]):
    for q in increments:
        alike = [e for e in _alike(q, ev, c_all, broad=True) if _same_context(e, q) or e.role != "count"]
        given = [e for e in alike if e.role == "increment"]
        implied = [e for e in alike if e.implied is not None]
        if given:
            if not any(_fits((e.low, e.high), (q.low, q.high)) for e in given):
                e = given[0]
                yield Mismatch("increment", q.phrase, e.phrase, f"the claim says {q.phrase}, the evidence {e.phrase}")
        elif implied:
            if not any(_fits(e.implied, (q.low, q.high)) for e in implied if e.implied):
                e = implied[0]
                lo, hi = e.implied or (0.0, 0.0)
                about = format_number(_round2((lo + hi) / 2))
                reason = f"the claim says {q.phrase}, the evidence implies an increase of about {about} ({e.how})"
                yield Mismatch("increment", q.phrase, e.phrase, reason)
        else:
            # Only totals: an increase larger than the whole the evidence gives cannot be part of it.
            smaller = [e for e in alike if e.high < q.low]
            if smaller and len(smaller) == len(alike):
                e = smaller[0]
                reason = f"the claim says {q.phrase}, the evidence gives a total of only {e.phrase}, not an increase"
                yield Mismatch("increment", q.phrase, e.phrase, reason)


def _round2(x: float) -> float:
    """Two significant digits, as an implied figure deserves: 139.3 -> 140."""
    return round(x, 1 - math.floor(math.log10(abs(x)))) if x else 0.0


def _currency_mismatch(q: _Quantity, ev: list[_Quantity]) -> Iterator[Mismatch]:
    """The same amount of another currency, said of the same thing: "$2 billion" vs "€2 billion"."""
    other = [e for e in ev if e.unit != q.unit and e.unit in ("USD", "EUR", "GBP", "CAD") and _same_context(e, q)]
    for e in other:
        if _fits((e.low, e.high), (q.low, q.high)) and not math.isinf(e.high):
            yield Mismatch("unit", q.phrase, e.phrase, f"the claim says {q.phrase}, the evidence says {e.phrase}")
            return
