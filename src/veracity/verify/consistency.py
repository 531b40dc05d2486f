"""Consistency checks between a claim and an evidence passage: the mismatches a similarity model misses.

Every check is conservative: it reports a mismatch only when both texts talk about the same thing (the same counted
noun, the same kind of date, the same role, the same predicate) and disagree on it. A passage that is silent on the
point is "not enough info", never a mismatch.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, Literal

from veracity.nlp import get_spacy
from veracity.nlp.dates import resolve_date
from veracity.nlp.numbers import parse_number

if TYPE_CHECKING:
    from collections.abc import Iterator

    from spacy.tokens import Doc, Span, Token

MismatchKind = Literal["number", "date", "entity", "negation", "modality"]


@dataclass(frozen=True)
class Mismatch:
    kind: MismatchKind
    claim: str  # the claim's phrase, e.g. "70 instructors"
    evidence: str  # the evidence's phrase, e.g. "69 instructors"
    reason: str  # one readable sentence: "the claim says 70 instructors, the evidence says 69"


def find_mismatches(claim: str, evidence: str) -> list[Mismatch]:
    """The reasons to doubt that `evidence` supports `claim`, by kind; [] when nothing comparable disagrees."""
    if not claim.strip() or not evidence.strip():
        return []
    c, e = get_spacy().pipe([claim, evidence])
    checks = (_number_mismatches, _date_mismatches, _entity_mismatches, _predicate_mismatches)
    found = [m for check in checks for m in check(c, e)]
    return list(dict.fromkeys(found))  # the same pair can be reached twice (e.g. two identical sentences)


# --- who does what: shared by the checks ---------------------------------------------------------------------------

_SKIP_LEMMAS = {"be", "have", "do"}  # too general to identify an event


def _lemmas(heads: list[Token]) -> frozenset[str]:
    """Nouns of each head's own phrase ("coal" and "power" in "coal-fired power", not a possessor or a relative
    clause); pronouns are left out because "it" in two texts need not be the same thing."""
    out: set[str] = set()
    for head in heads:
        for tok in head.subtree:
            up = tok
            while up != head and up.dep_ in ("compound", "amod", "npadvmod", "nmod"):
                up = up.head
            if up == head and (tok == head or tok.pos_ in ("NOUN", "PROPN")) and tok.pos_ != "PRON":
                out.add(tok.lemma_.lower())
    return frozenset(out)


def _arguments(verb: Token) -> frozenset[str]:
    """Subject and object: "company" and "profit" in "the company tripled its profits"."""
    return _lemmas([c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")])


def _subject_of(verb: Token) -> list[Token]:
    """The doer: the subject or a passive's agent; for "Canada plans to send" and "Canada is expected to send",
    the subject of the governing verb."""
    tok = verb
    for _ in range(3):
        found = [c for c in tok.children if c.dep_ == "nsubj" or (c.dep_ == "nsubjpass" and tok != verb)]
        found += [g for c in tok.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        if found or tok.dep_ not in ("xcomp", "conj", "acomp") or tok.head == tok:
            return found
        tok = tok.head
    return []


# --- numbers -------------------------------------------------------------------------------------------------------

_NUMERIC_LABELS = {"", "CARDINAL", "QUANTITY", "MONEY", "PERCENT"}  # "": a number the NER left untagged
_SCALES = {"hundred", "thousand", "million", "billion", "trillion", "dozen"}
_CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP", "dollar": "USD", "euro": "EUR", "pound": "GBP"}
_APPROX, _AT_LEAST, _AT_MOST = (0.9, 1.1), (1.0, math.inf), (0.0, 1.0)
# A hedge turns the stated value into a range, as (low, high) factors of it.
_HEDGES = {
    **dict.fromkeys(["about", "around", "approximately", "roughly", "some", "nearly", "almost", "close to"], _APPROX),
    **dict.fromkeys(["an estimated", "estimated", "an approximate", "circa"], _APPROX),
    **dict.fromkeys(["more than", "over", "at least", "upwards of", "in excess of"], _AT_LEAST),
    **dict.fromkeys(["less than", "fewer than", "under", "up to", "at most", "as many as", "no more than"], _AT_MOST),
}
_FACTORS = {"halve": 0.5, "double": 2, "triple": 3, "treble": 3, "quadruple": 4}


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


def _is_number(tok: Token) -> bool:
    if tok.ent_type_ not in _NUMERIC_LABELS or (tok.lower_ == "one" and tok.dep_ != "nummod"):
        return False  # a date or duration, part of a name ("Joint Task Force 2"), an ordinal, the pronoun "one"
    return tok.like_num or tok.lower_ in _SCALES


def _quantity(doc: Doc, start: int, end: int) -> _Quantity | None:
    """doc[start:end] with what it counts: "70 instructors", "5%", "$2 billion"; None if it counts nothing known."""
    value = parse_number(doc[start:end].text)
    if value is None:
        return None
    first = start - 1 if start > 0 and doc[start - 1].text in _CURRENCIES else start
    unit, number_end = _CURRENCIES.get(doc[first].text, ""), end
    nxt = [t.lower_ for t in doc[end : end + 2]]
    if not unit and nxt[:1] in (["%"], ["percent"]):
        unit, number_end = "percent", end + 1
    elif not unit and nxt == ["per", "cent"]:
        unit, number_end = "percent", end + 2
    phrase_end, head = number_end, doc[end - 1].head
    if not unit and head.i >= end and head.pos_ in ("NOUN", "PROPN") and head.i - end <= 3:
        unit, phrase_end = _CURRENCIES.get(head.lemma_.lower(), head.lemma_.lower()), head.i + 1
    if not unit:
        return None  # a bare number: we cannot tell what it counts, so it is not comparable
    hedge_start, low, high = _range(doc, first, value)
    # "1.2 million" is rounded to its last written digit: allow half of that digit either way.
    tol, lead = 0.0, parse_number(doc[start].text)
    if end - start > 1 and doc[end - 1].lower_ in _SCALES - {"dozen", "hundred"} and lead:
        tol = 0.5 * 10 ** -len(doc[start].text.partition(".")[2]) * value / lead
    verb = doc[phrase_end - 1]
    for _ in range(4):  # "announced the deployment of 70 instructors": climb to "announced"
        if verb.pos_ in ("VERB", "AUX") or verb.head == verb:
            break
        verb = verb.head
    lemma = verb.lemma_.lower() if verb.pos_ in ("VERB", "AUX") else ""
    subject = _lemmas([t for t in _subject_of(verb) if not hedge_start <= t.i < phrase_end])
    phrase, number = doc[hedge_start:phrase_end].text, doc[hedge_start:number_end].text
    return _Quantity(phrase, number, unit, lemma, subject, value, low - tol, high + tol)


def _range(doc: Doc, first: int, value: float) -> tuple[int, float, float]:
    """Where the number phrase starts, and the values it allows: a hedge or a range ("60 to 80 people") widens it."""
    if first >= 2 and doc[first - 1].lower_ in ("to", "-", "and", "or"):
        low = parse_number(doc[first - 2].text)
        if low is not None and low < value:
            return first - 3 if first >= 3 and doc[first - 3].lower_ in ("between", "from") else first - 2, low, value
    for n in (3, 2, 1):
        if first - n >= 0 and (words := doc[first - n : first].text.lower()) in _HEDGES:
            low_f, high_f = _HEDGES[words]
            return first - n, value * low_f, math.inf if high_f == math.inf else value * high_f
    return first, value, value


def _quantities(doc: Doc) -> list[_Quantity]:
    runs = [list(run) for is_number, run in groupby(doc, key=_is_number) if is_number]
    return [q for run in runs if (q := _quantity(doc, run[0].i, run[-1].i + 1))]


def _same_context(a: _Quantity, b: _Quantity) -> bool:
    """Same predicate and subject where both give one: "unemployment rose to 5%" vs "inflation rose to 7%" differ."""
    same_verb = a.verb == b.verb or not a.verb or not b.verb
    return same_verb and bool(a.subject & b.subject or not a.subject or not b.subject)


def _number_mismatches(claim: Doc, evidence: Doc) -> Iterator[Mismatch]:
    ev_quantities = _quantities(evidence)
    for q in _quantities(claim):
        # The same thing counted: same unit, and same predicate and subject where both give one.
        same_unit = [e for e in ev_quantities if e.unit == q.unit and _same_context(e, q)]
        if not same_unit or any(e.low <= q.high and q.low <= e.high for e in same_unit):
            continue  # nothing counts the same thing, or one of the counts agrees
        e = min(same_unit, key=lambda e: abs(e.value - q.value))
        yield Mismatch("number", q.phrase, e.phrase, f"the claim says {q.phrase}, the evidence says {e.number}")
    # "tripled" vs "doubled": only when the two verbs share an argument ("profits").
    ev_factors = [(t, _arguments(t)) for t in evidence if t.lemma_ in _FACTORS]
    for c in (t for t in claim if t.lemma_ in _FACTORS):
        same = [e for e, args in ev_factors if args & _arguments(c)]
        if same and all(_FACTORS[e.lemma_] != _FACTORS[c.lemma_] for e in same):
            yield Mismatch("number", c.text, same[0].text, f"the claim says {c.text}, the evidence says {same[0].text}")


# --- dates ---------------------------------------------------------------------------------------------------------

_PLACEHOLDER_YEAR = "1900"
# Only dates that place an event in time are compared: "since 1900" and "since 1993" can both be true.
_POINT_PREPS = {"in", "on", "at", "during"}


@dataclass(frozen=True)
class _Date:
    text: str
    parts: tuple[str | None, str | None, str | None]  # year, month, day
    anchor: str  # the word the date is attached to: "announce" in "announced ... in 2014"


def _dates(doc: Doc) -> list[_Date]:
    out = []
    for ent in (e for e in doc.ents if e.label_ == "DATE"):
        prep = ent.root.head if ent.root.dep_ == "pobj" else None
        anchor = (prep or ent.root).head.lemma_.lower()
        if (prep is not None and prep.lower_ not in _POINT_PREPS) or anchor in _SKIP_LEMMAS:
            continue  # a range ("since 2014") or a date that is itself the topic ("2016 was the hottest year")
        iso = resolve_date(ent.text)
        if iso is None and not re.search(r"\d{4}", ent.text):
            # resolve_date needs a year to place a month or a day; a placeholder year lets it read "March 5".
            placed = resolve_date(f"{ent.text} {_PLACEHOLDER_YEAR}")
            iso = placed.replace(_PLACEHOLDER_YEAR, "", 1) if placed and placed != _PLACEHOLDER_YEAR else None
        if iso is not None:  # None: relative or vague ("last year", "Monday"), nothing to compare
            year, month, day = [*iso.split("-"), None, None][:3]
            out.append(_Date(ent.text, (year or None, month, day), anchor))
    return out


def _date_mismatches(claim: Doc, evidence: Doc) -> Iterator[Mismatch]:
    ev_dates = _dates(evidence)
    for d in _dates(claim):
        # Comparable: both give a year or both give a month. Compatible: no part that both give differs.
        comparable = [e for e in ev_dates if any(x and y for x, y in zip(d.parts[:2], e.parts[:2], strict=True))]
        if any(all(not x or not y or x == y for x, y in zip(d.parts, e.parts, strict=True)) for e in comparable):
            continue  # one of the evidence's dates fits
        # Of several dates ("elected in 2006 ... announced in 2014") only the one on the same word is the same kind.
        same_kind = [e for e in comparable if e.anchor == d.anchor]
        if same_kind:
            e = same_kind[0]
            yield Mismatch("date", d.text, e.text, f"the claim says {d.text}, the evidence says {e.text}")


# --- named entities ------------------------------------------------------------------------------------------------

_NAME_LABELS = {"PERSON", "GPE", "ORG"}
# Passages quote several sources for one fact: "NOAA said" does not contradict "NASA said".
_SPEECH_VERBS = {"say", "tell", "add", "note", "write", "accord", "report", "state"}


def _name_keys(span: Span) -> set[str]:
    """Ways a name can recur: in full, by its last word ("Trudeau"), as an acronym ("UN"), without dots ("US")."""
    words = [t for t in span if t.lower_ != "the"]
    keys = {" ".join(t.lower_ for t in words).replace(".", ""), words[-1].lower_.replace(".", "")} if words else set()
    initials = "".join(t.text[0] for t in words if t.is_title)
    return keys | ({initials.lower()} if len(initials) > 1 else set())


def _mentions(doc: Doc, span: Span) -> bool:
    keys = _name_keys(span)
    words = {t.lower_.replace(".", "") for t in doc}
    return span.text.lower() in doc.text.lower() or any(keys & _name_keys(e) for e in doc.ents) or bool(keys & words)


def _role(tok: Token) -> tuple[str, str]:
    """A token's grammatical slot: (relation, governing lemma); a passive agent counts as the subject."""
    while tok.dep_ == "conj" and tok.head != tok:
        tok = tok.head
    if tok.dep_ == "pobj":
        prep = tok.head
        if prep.dep_ == "agent":
            return "nsubj", prep.head.lemma_
        return f"pobj:{prep.lower_}", prep.head.lemma_
    return ("dobj" if tok.dep_ == "nsubjpass" else tok.dep_), tok.head.lemma_


def _entity_mismatches(claim: Doc, evidence: Doc) -> Iterator[Mismatch]:
    for c in (e for e in claim.ents if e.label_ in _NAME_LABELS and not _mentions(evidence, e)):
        role = _role(c.root)
        if role[1] in _SPEECH_VERBS:
            continue
        for e in evidence.ents:
            if e.label_ == c.label_ and _role(e.root) == role and not _mentions(claim, e):
                reason = f"the claim names {c.text}, the evidence names {e.text} in the same role"
                yield Mismatch("entity", c.text, e.text, reason)
                break


# --- negation and modality -----------------------------------------------------------------------------------------

_NEGATING = {"deny", "refuse", "fail", "reject", "refute"}  # "denied that X", "refused to X" negate X
_CONDITIONAL = {"if", "unless", "whether"}
_MODALS = {"may", "might", "could"}  # not "would": "said it would" is reported speech, not a hedge
_HEDGING = {"expect", "plan", "intend", "hope", "aim", "consider", "propose", "seek", "want", "likely", "possible"}


@dataclass(frozen=True)
class _Predicate:
    lemma: str
    phrase: str
    negated: bool
    hedged: bool
    subject: frozenset[str]
    objects: frozenset[str]


def _clause_head(pred: Token) -> Token:
    """In "is not safe" the copula carries the negation and auxiliaries of an adjective or noun predicate."""
    return pred.head if pred.dep_ in ("acomp", "attr") else pred


def _predicate(pred: Token) -> _Predicate:
    head = _clause_head(pred)
    kids = list(head.children)
    shown = [pred, head, *(c for c in kids if c.dep_ in ("aux", "auxpass", "neg", "prt"))]
    no_det = [g for c in kids if c.dep_ in ("nsubj", "nsubjpass", "dobj") for g in c.children if g.lower_ == "no"]
    negated = any(c.dep_ == "neg" for c in kids) or bool(no_det)  # "did not send", "never sent", "no troops were sent"
    hedged = any(c.dep_ == "aux" and c.lower_ in _MODALS for c in kids)
    objects = [c for c in kids if c.dep_ in ("dobj", "nsubjpass", "attr") and c != pred]
    shown += no_det
    # Walk up governing clauses: "denied that Canada sent", "is expected to send", "plans to send".
    tok = head
    while tok.dep_ in ("ccomp", "xcomp", "pcomp", "conj") and tok.head != tok:
        dep, tok = tok.dep_, tok.head
        if dep == "conj":
            continue  # a coordinated verb is a sibling, not a governor
        if tok.lemma_ in _NEGATING:
            negated, shown = not negated, [*shown, tok]
        elif dep == "xcomp" and tok.lemma_ in _HEDGING:
            hedged, shown = True, [*shown, tok, *(c for c in tok.children if c.dep_ in ("aux", "auxpass"))]
    start, end = min(t.i for t in shown), max(t.i for t in shown)
    phrase = pred.doc[start : end + 1].text
    return _Predicate(pred.lemma_.lower(), phrase, negated, hedged, _lemmas(_subject_of(head)), _lemmas(objects))


def _predicates(doc: Doc) -> list[_Predicate]:
    out = []
    for t in doc:
        verb = t.pos_ == "VERB" and t.lemma_ not in _SKIP_LEMMAS and t.dep_ not in ("amod", "compound")
        copular = t.dep_ in ("acomp", "attr") and t.head.lemma_ == "be" and t.pos_ in ("ADJ", "NOUN")
        # "If Canada does not send troops, ..." asserts nothing about sending.
        conditional = any(c.dep_ == "mark" and c.lower_ in _CONDITIONAL for c in _clause_head(t).children)
        if (verb or copular) and not conditional:
            out.append(_predicate(t))
    return out


def _same_event(a: _Predicate, b: _Predicate) -> bool:
    """Same predicate, and the subjects and the objects overlap wherever both texts give them (at least one does)."""
    if a.lemma != b.lemma:
        return False
    subject = bool(a.subject & b.subject) if a.subject and b.subject else None
    objects = bool(a.objects & b.objects) if a.objects and b.objects else None
    return subject is not False and objects is not False and bool(subject or objects)


def _predicate_mismatches(claim: Doc, evidence: Doc) -> Iterator[Mismatch]:
    ev_preds = _predicates(evidence)
    for c in _predicates(claim):
        same = [e for e in ev_preds if _same_event(c, e)]
        agreeing = [e for e in same if e.negated == c.negated]
        if same and not agreeing:
            reason = f'the claim says "{c.phrase}", the evidence says the opposite: "{same[0].phrase}"'
            yield Mismatch("negation", c.phrase, same[0].phrase, reason)
        elif agreeing and not c.hedged and all(e.hedged for e in agreeing):
            reason = f'the claim is certain ("{c.phrase}"), the evidence only hedges ("{agreeing[0].phrase}")'
            yield Mismatch("modality", c.phrase, agreeing[0].phrase, reason)
