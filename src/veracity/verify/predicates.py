"""Predicate consistency: one text denies what the other asserts (negation), only hedges it (modality), says it went
the other way ("rose" vs "fell": direction), or says "never" where the other counts the times (scope).

A predicate is a verb or an adjective/noun after "be", and also a noun that names an act with what it is about ("a
promise to put an end to ..."), so that "the campaign included a promise to ..." meets "did not promise to ...".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from veracity.verify.mismatch import SKIP_LEMMAS, Mismatch, overlap, phrase_lemmas, subject_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from spacy.tokens import Doc, Token

_NEGATING = {"deny", "refuse", "fail", "reject", "refute"}  # "denied that X", "refused to X" negate X
_CONDITIONAL = {"if", "unless", "whether"}
_MODALS = {"may", "might", "could"}  # not "would": "said it would" is reported speech, not a hedge
_HEDGING = {"expect", "plan", "intend", "hope", "aim", "consider", "propose", "seek", "want", "likely", "possible"}
_UP = {"rise", "increase", "grow", "climb", "jump", "soar", "surge", "gain", "rocket", "swell", "raise", "boost"}
_DOWN = {"fall", "decrease", "decline", "drop", "shrink", "sink", "plunge", "slump", "dip", "tumble", "cut", "reduce",
         "lower", "slash", "contract"}  # fmt: skip
_LIGHT_NOUNS = {"end", "stop", "halt", "decision", "promise"}
_FREQUENCY = {"once", "twice", "thrice", "again", "repeatedly", "times", "often", "regularly"}  # "sent troops twice"


@dataclass(frozen=True)
class _Predicate:
    lemma: str
    phrase: str
    negated: bool
    hedged: bool
    subject: frozenset[str]
    objects: frozenset[str]
    content: frozenset[str] = frozenset()  # nouns of what it is about, for a noun predicate ("promise to end ...")
    nominal: bool = False
    never: bool = False  # negated by "never"
    frequency: str = ""  # "twice" in "has sent troops twice"
    when: frozenset[str] = frozenset()  # the dates on it: "in 2015"
    asserted: bool = True  # False under a negated verb that is not a denial: "did not say that ..."


def _clause_head(pred: Token) -> Token:
    """In "is not safe" the copula carries the negation and auxiliaries of an adjective or noun predicate."""
    return pred.head if pred.dep_ in ("acomp", "attr") else pred


def _dates_on(verb: Token) -> frozenset[str]:
    kids = [c for c in verb.children if c.dep_ in ("prep", "npadvmod")]
    return frozenset(t.text.lower() for c in kids for t in c.subtree if t.ent_type_ == "DATE")


def _frequency(verb: Token) -> str:
    for c in verb.children:
        if c.lower_ in _FREQUENCY or (c.dep_ == "npadvmod" and c.lemma_ == "time"):  # "twice", "three times"
            return c.doc[min(t.i for t in c.subtree) : max(t.i for t in c.subtree) + 1].text
    return ""


def _predicate(pred: Token) -> _Predicate:
    head = _clause_head(pred)
    kids = list(head.children)
    shown = [pred, head, *(c for c in kids if c.dep_ in ("aux", "auxpass", "neg", "prt"))]
    # "no troops were sent", "is no longer available": a "no" below the predicate's own words negates it too
    no_words = [g for c in kids if c.dep_ in ("nsubj", "nsubjpass", "dobj") for g in c.children if g.lower_ == "no"]
    no_words += [g for c in kids if c.dep_ == "advmod" for g in c.children if g.dep_ == "neg"]
    negated = any(c.dep_ == "neg" for c in kids) or bool(no_words)  # "did not send", "never sent"
    never = any(c.dep_ == "neg" and c.lower_ == "never" for c in kids)
    hedged = any(c.dep_ == "aux" and c.lower_ in _MODALS for c in kids)
    objects = [c for c in kids if c.dep_ in ("dobj", "nsubjpass", "attr") and c != pred]
    shown += no_words
    # Walk up governing clauses: "denied that Canada sent", "is expected to send", "plans to send".
    tok, asserted = head, True
    while tok.dep_ in ("ccomp", "xcomp", "pcomp", "conj") and tok.head != tok:
        dep, tok = tok.dep_, tok.head
        if dep == "conj":
            continue  # a coordinated verb is a sibling, not a governor
        if tok.lemma_ in _NEGATING:
            negated, shown = not negated, [*shown, tok]
        elif any(c.dep_ == "neg" for c in tok.children):
            asserted = False  # "he was not saying that X", "would not agree that X": X is neither said nor denied
        elif dep == "xcomp" and tok.lemma_ in _HEDGING:
            hedged, shown = True, [*shown, tok, *(c for c in tok.children if c.dep_ in ("aux", "auxpass"))]
    start, end = min(t.i for t in shown), max(t.i for t in shown)
    return _Predicate(
        pred.lemma_.lower(), pred.doc[start : end + 1].text, negated, hedged, phrase_lemmas(subject_of(head)),
        phrase_lemmas(objects), _content(head), never=never, frequency=_frequency(head), when=_dates_on(head),
        asserted=asserted,
    )  # fmt: skip


def _content(tok: Token) -> frozenset[str]:
    """The nouns and verbs of what a predicate is about: its object and complement clauses ("end", "involvement",
    "iraq" in "a promise to put an end to all military involvement in Iraq"; a light "put" is left out)."""
    parts = [c for c in tok.children if c.dep_ in ("dobj", "xcomp", "ccomp", "acl", "prep")]
    words = [t for c in parts for t in c.subtree if t.pos_ in ("NOUN", "PROPN", "VERB")]
    return frozenset(t.lemma_.lower() for t in words if not (t.pos_ == "VERB" and _light(t)))


def _light(verb: Token) -> bool:
    """ "put" in "put an end to": the noun carries the meaning."""
    return verb.lemma_ in ("put", "bring", "make") and any(
        c.dep_ == "dobj" and c.lemma_ in _LIGHT_NOUNS for c in verb.children
    )


def _nominal(noun: Token) -> _Predicate | None:
    """A noun that names an act with an infinitive: "a promise to end ...", "no plan to send ..."."""
    comp = next((c for c in noun.children if c.dep_ in ("acl", "xcomp") and c.pos_ == "VERB"), None)
    if comp is None or not any(c.dep_ == "aux" and c.lower_ == "to" for c in comp.children):
        return None
    gov = noun.head
    negated = any(c.lower_ == "no" for c in noun.children) or any(c.dep_ == "neg" for c in gov.children)
    obj = [c.i for c in comp.children if c.dep_ == "dobj"]
    phrase = noun.doc[noun.i : max([comp.i, *obj]) + 1].text  # "promise to put an end"
    return _Predicate(noun.lemma_.lower(), phrase, negated, False, frozenset(), frozenset(), _content(noun), True)


def _predicates(doc: Doc) -> list[_Predicate]:
    out = []
    for t in doc:
        verb = t.pos_ == "VERB" and t.lemma_ not in SKIP_LEMMAS and t.dep_ not in ("amod", "compound")
        copular = t.dep_ in ("acomp", "attr") and t.head.lemma_ == "be" and t.pos_ in ("ADJ", "NOUN")
        # "If Canada does not send troops, ..." asserts nothing about sending.
        conditional = any(c.dep_ == "mark" and c.lower_ in _CONDITIONAL for c in _clause_head(t).children)
        # "a plan to send troops" asserts no sending: the noun predicate ("plan") stands for it.
        infinitive = t.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children)
        if conditional or infinitive:
            continue
        if (verb or copular) and (predicate := _predicate(t)).asserted:
            out.append(predicate)
        if t.pos_ == "NOUN" and (nominal := _nominal(t)):
            out.append(nominal)
    return out


def _same_event(a: _Predicate, b: _Predicate, lemma: bool = True) -> bool:
    """Same predicate, and the subjects and the objects overlap wherever both texts give them (at least one does);
    for a noun predicate, what one text says it is about is all in the other ("promise to end ... involvement")."""
    if lemma and a.lemma != b.lemma:
        return False
    if a.nominal or b.nominal:
        small, large = sorted((a.content, b.content), key=len)
        return bool(small) and small <= large
    subject, objects = overlap(a.subject, b.subject), overlap(a.objects, b.objects)
    return subject is not False and objects is not False and bool(subject or objects)


def _other_time(a: _Predicate, b: _Predicate) -> bool:
    """Both say when, and not the same: "rose in 2015" and "fell in 2016" can both be true."""
    return bool(a.when and b.when and not a.when & b.when)


def _direction(lemma: str) -> int:
    return 1 if lemma in _UP else -1 if lemma in _DOWN else 0


def predicate_mismatches(claim: Doc, evidence: Doc) -> Iterator[Mismatch]:
    ev_preds = _predicates(evidence)
    for c in _predicates(claim):
        same = [e for e in ev_preds if _same_event(c, e)]
        agreeing = [e for e in same if e.negated == c.negated]
        if same and not agreeing:
            e = same[0]
            if (c.never and e.frequency) or (e.never and c.frequency):  # "never sent" vs "sent ... twice"
                ev = f"{e.phrase} ... {e.frequency}" if e.frequency else e.phrase
                cl = f"{c.phrase} ... {c.frequency}" if c.frequency else c.phrase
                yield Mismatch("scope", c.phrase, e.phrase, f'the claim says "{cl}", the evidence says "{ev}"')
                continue
            reason = f'the claim says "{c.phrase}", the evidence says the opposite: "{e.phrase}"'
            yield Mismatch("negation", c.phrase, e.phrase, reason)
        elif agreeing and not c.hedged and all(e.hedged for e in agreeing):
            reason = f'the claim is certain ("{c.phrase}"), the evidence only hedges ("{agreeing[0].phrase}")'
            yield Mismatch("modality", c.phrase, agreeing[0].phrase, reason)
        elif not same and (way := _direction(c.lemma)) and not c.nominal:
            # "unemployment rose" vs "unemployment fell": the same subject and object, the other way, at the same time.
            other = [e for e in ev_preds if _direction(e.lemma) == -way and e.negated == c.negated]
            other = [e for e in other if _same_event(c, e, lemma=False) and not _other_time(c, e)]
            if other and not any(_direction(e.lemma) == way and _same_event(c, e, lemma=False) for e in ev_preds):
                e = other[0]
                reason = f'the claim says "{c.phrase}", the evidence says the opposite way: "{e.phrase}"'
                yield Mismatch("direction", c.phrase, e.phrase, reason)
