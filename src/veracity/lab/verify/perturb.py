"""Claim/evidence pairs generated from real news sentences, labelled exactly by construction.

The original sentence is the evidence; the claim is an edited copy:

    number      "killed 20 people"       -> "killed 40 people"           contradiction
    date        "in 2014" / "in May"     -> "in 2016" / "in August"      contradiction
    direction   "rose" / "more"          -> "fell" / "fewer"             contradiction
    negation    "was sent"               -> "was not sent"               contradiction
    quantifier  "some soldiers"          -> "all soldiers"               not entailed (neutral or contradiction)
    entity      "Trudeau said"           -> "Harper said"                not entailed
    role        "Iraq attacked Iran"     -> "Iran attacked Iraq"         not entailed
    deletion    "the new Canadian base"  -> "the Canadian base"          entailed (a detail dropped)
    addition    the reverse of deletion: the claim says more than the evidence    neutral

Edits that are only "not entailed" (both could be true, or only one) get the partial label `not_entailment`,
which training treats as "neutral or contradiction". Deletions are skipped in negated or downward sentences
("no", "never", "without"), where dropping a word reverses entailment, and never drop words that change the
meaning ("only", "former", "allegedly", …).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from veracity.nlp.numbers import format_number, parse_number

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

ENTAILMENT, NEUTRAL, CONTRADICTION, NOT_ENTAILMENT = "entailment", "neutral", "contradiction", "not_entailment"
MONTHS = ("January February March April May June July August September October November December").split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
OPPOSITES = {
    "rose": "fell", "increased": "decreased", "raised": "lowered", "more": "fewer", "higher": "lower",
    "larger": "smaller", "won": "lost", "accepted": "rejected", "approved": "rejected", "allowed": "banned",
    "supported": "opposed", "before": "after", "above": "below", "gained": "lost", "expanded": "reduced",
    "increase": "decrease", "rise": "fall", "majority": "minority", "confirmed": "denied", "began": "ended",
}  # fmt: skip
OPPOSITES |= {v: k for k, v in list(OPPOSITES.items()) if v not in OPPOSITES}
# quantifier swaps whose result is not entailed by the original
QUANTIFIERS = {"some": "all", "many": "all", "several": "all", "few": "many", "most": "all", "often": "always",
               "sometimes": "always", "partly": "entirely", "part": "all"}  # fmt: skip
_KEEP_WORDS = frozenset(
    "not n't never no only just almost nearly hardly barely scarcely allegedly reportedly supposedly apparently "
    "former ex alleged fake false would-be so-called potential possible likely unlikely probably perhaps maybe "
    "previous next first last non anti pseudo extra additional another further more".split()
)
_DOWNWARD = frozenset("not n't never no without none nobody nothing neither nor few rarely seldom unless if".split())
_VAGUE_SUBJECT = frozenset("some many several few most a an one".split())  # "some X were not…" need not contradict
_SYMMETRIC = frozenset("meet talk marry agree negotiate clash fight join compete debate speak resemble".split())
_AUX_NEGATABLE = frozenset(
    "is are was were has have had will would can could should may might must does do did".split()
)


@dataclass(frozen=True)
class GeneratedPair:
    claim: str
    evidence: str
    label: str  # entailment | neutral | contradiction | not_entailment
    edit: str  # number | date | direction | negation | quantifier | entity | role | deletion | addition


def _replace(sent: Span, start: int, end: int, new: str) -> str:
    """The sentence with characters [start, end) (document offsets) replaced by `new`."""
    base = sent.start_char
    return sent.text[: start - base] + new + sent.text[end - base :]


def _other_number(value: float, rng: random.Random) -> float:
    if value >= 1900 and value <= 2100 and float(value).is_integer():
        return value + rng.choice([-3, -2, -1, 1, 2, 5])
    factor = rng.choice([0.5, 2, 3, 1.5, 0.25, 10])
    new = value * factor if value > 1 else value + rng.choice([2, 5])
    new = round(new) if float(value).is_integer() else round(new, 1)
    return new if new != value else value + 1


def number_edits(sent: Span, rng: random.Random) -> Iterator[GeneratedPair]:
    for tok in sent:
        if tok.like_num and tok.ent_type_ not in ("DATE", "TIME", "ORDINAL") and tok.i + 1 < sent.end:
            value = parse_number(tok.text)
            if value is None or value == 0:
                continue
            before = sent.doc[max(tok.i - 2, sent.start) : tok.i].text.lower()
            vague = any(w in before for w in ("more than", "at least", "over", "up to", "about", "nearly", "almost",
                                              "around", "some", "less than", "fewer than", "under"))  # fmt: skip
            new = format_number(_other_number(value, rng))
            claim = _replace(sent, tok.idx, tok.idx + len(tok.text), new)
            yield GeneratedPair(claim, sent.text, NOT_ENTAILMENT if vague else CONTRADICTION, "number")


def date_edits(sent: Span, rng: random.Random) -> Iterator[GeneratedPair]:
    for tok in sent:
        if tok.ent_type_ != "DATE":
            continue
        if re.fullmatch(r"(19|20)\d\d", tok.text):
            new = str(int(tok.text) + rng.choice([-3, -2, -1, 1, 2, 4]))
        elif tok.text in MONTHS:
            new = rng.choice([m for m in MONTHS if m != tok.text])
        elif tok.text in WEEKDAYS:
            new = rng.choice([d for d in WEEKDAYS if d != tok.text])
        else:
            continue
        yield GeneratedPair(_replace(sent, tok.idx, tok.idx + len(tok.text), new), sent.text, CONTRADICTION, "date")


def direction_edits(sent: Span, rng: random.Random) -> Iterator[GeneratedPair]:
    for tok in sent:
        new = OPPOSITES.get(tok.lower_)
        if new is None or (tok.lower_ in ("before", "after") and tok.dep_ != "prep"):
            continue
        new = new.capitalize() if tok.text[0].isupper() else new
        yield GeneratedPair(_replace(sent, tok.idx, tok.idx + len(tok.text), new), sent.text, CONTRADICTION,
                            "direction")  # fmt: skip


def negation_edits(sent: Span, rng: random.Random) -> Iterator[GeneratedPair]:
    negs = [t for t in sent if t.dep_ == "neg"]
    if negs:  # drop the negation: "was not sent" -> "was sent"
        t = negs[0]
        if t.lower_ == "n't":
            return
        claim = _replace(sent, t.idx - 1 if t.idx > sent.start_char else t.idx, t.idx + len(t.text), "")
        yield GeneratedPair(claim, sent.text, CONTRADICTION, "negation")
        return
    root = sent.root
    subject = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    label = CONTRADICTION
    if subject and any(t.lower_ in _VAGUE_SUBJECT for t in subject[0].subtree):
        label = NOT_ENTAILMENT
    aux = [c for c in root.children if c.dep_ in ("aux", "auxpass") and c.lower_ in _AUX_NEGATABLE]
    if root.lower_ in _AUX_NEGATABLE and root.pos_ == "AUX":
        aux = [root]
    if aux:
        a = aux[0]
        yield GeneratedPair(_replace(sent, a.idx, a.idx + len(a.text), a.text + " not"), sent.text, label,
                            "negation")  # fmt: skip


def quantifier_edits(sent: Span, rng: random.Random) -> Iterator[GeneratedPair]:
    for tok in sent:
        new = QUANTIFIERS.get(tok.lower_)
        if new is None or tok.dep_ not in ("det", "amod", "advmod", "nsubj", "dobj", "pobj"):
            continue
        new = new.capitalize() if tok.text[0].isupper() else new
        yield GeneratedPair(_replace(sent, tok.idx, tok.idx + len(tok.text), new), sent.text, NOT_ENTAILMENT,
                            "quantifier")  # fmt: skip


def entity_edits(sent: Span, pool: dict[str, list[str]], rng: random.Random) -> Iterator[GeneratedPair]:
    for ent in sent.ents:
        others = [e for e in pool.get(ent.label_, []) if e.lower() != ent.text.lower() and e not in sent.text]
        kinds = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC")
        if ent.label_ in kinds and others and ent.root.dep_ != "compound":
            new = rng.choice(others)
            yield GeneratedPair(_replace(sent, ent.start_char, ent.end_char, new), sent.text, NOT_ENTAILMENT,
                                "entity")  # fmt: skip


def role_edits(sent: Span, rng: random.Random) -> Iterator[GeneratedPair]:
    root = sent.root
    if root.pos_ != "VERB" or root.lemma_ in _SYMMETRIC:
        return
    subj = [c for c in root.children if c.dep_ == "nsubj" and c.ent_type_]
    obj = [c for c in root.children if c.dep_ == "dobj" and c.ent_type_]
    if not subj or not obj:
        return
    s, o = _ent_span(subj[0]), _ent_span(obj[0])
    if s is None or o is None or s.text.lower() == o.text.lower():
        return
    base = sent.start_char
    text = sent.text
    claim = (text[: s.start_char - base] + o.text + text[s.end_char - base : o.start_char - base] + s.text
             + text[o.end_char - base :])  # fmt: skip
    yield GeneratedPair(claim, text, NOT_ENTAILMENT, "role")


def _ent_span(tok: Token) -> Span | None:
    return next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)


def deletion_edits(sent: Span, rng: random.Random) -> Iterator[GeneratedPair]:
    """Drop one modifier (adjective, adverb, a noun's prepositional phrase, an apposition): the shorter claim is
    entailed; swapped (claim = full sentence, evidence = shortened), the claim says more: neutral."""
    if any(t.lower_ in _DOWNWARD for t in sent):
        return
    for tok in sent:
        after_article = tok.i > sent.start and tok.doc[tok.i - 1].lower_ in ("a", "an")
        if tok.dep_ in ("amod", "advmod") and tok.head.pos_ in ("NOUN", "VERB") and not list(tok.children):
            if after_article:
                continue
            span = (tok.idx, tok.idx + len(tok.text))
        elif tok.dep_ == "prep" and tok.head.pos_ == "NOUN" or tok.dep_ == "appos":
            sub = list(tok.subtree)
            span = (sub[0].idx, sub[-1].idx + len(sub[-1].text))
        else:
            continue
        words = {t.lower_ for t in sent.doc[sent.start :] if span[0] <= t.idx < span[1]}
        if words & _KEEP_WORDS or tok.like_num or tok.ent_type_ in ("DATE", "CARDINAL"):
            continue
        short = re.sub(r"\s+([,.;:])", r"\1", re.sub(r"\s{2,}", " ", _replace(sent, *span, ""))).strip()
        short = re.sub(r",\s*,", ",", short)
        if len(short.split()) >= 5:
            yield GeneratedPair(short, sent.text, ENTAILMENT, "deletion")
            yield GeneratedPair(sent.text, short, NEUTRAL, "addition")


def generate_pairs(docs: Iterable[Doc], seed: int = 0, per_sentence: int = 2) -> Iterator[GeneratedPair]:
    """Edited pairs from parsed articles: at most `per_sentence` per sentence, edit kinds drawn at random among
    those that apply. Sentences of 8-45 words only (headlines and fragments make poor claims)."""
    rng = random.Random(seed)
    for doc in docs:
        pool: dict[str, list[str]] = {}
        for ent in doc.ents:
            pool.setdefault(ent.label_, []).append(ent.text)
        for sent in doc.sents:
            if not 8 <= len(sent) <= 45 or sent.text.count('"') % 2:
                continue
            candidates = [
                *number_edits(sent, rng), *date_edits(sent, rng), *direction_edits(sent, rng),
                *negation_edits(sent, rng), *quantifier_edits(sent, rng), *entity_edits(sent, pool, rng),
                *role_edits(sent, rng), *deletion_edits(sent, rng),
            ]  # fmt: skip
            candidates = [p for p in candidates if p.claim.strip() != p.evidence.strip()]
            rng.shuffle(candidates)
            yield from candidates[:per_sentence]
