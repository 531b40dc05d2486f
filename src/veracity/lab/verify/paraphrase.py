"""More honest training pairs: paraphrases that must be entailed, off-topic sentences that must be neutral, and
date/place edits that must not be entailed (training material for the verifier; see lab/verify/perturb.py for the
first set of edits).

    synonym      "70 instructors and six aircraft" -> "70 trainers and six jets"         entailment
    numeral      "six jets" / "1,200 people"        -> "6 jets" / "1200 people"            entailment
    hedge        "triple to about 210"             -> "roughly triple, to 210"             entailment
    period       "in mid-2001"                     -> "in late 2001"                       contradiction
    place        "fighting in Mosul"               -> "fighting in Aleppo"                 not entailed
    off-topic    a sentence of the same article that names the same entity but tells another event (another
                 year, or no content word in common)                                         neutral

The verifier read such paraphrases as contradictions and same-topic sentences about other events as denials;
these pairs teach it otherwise. Every generator takes parsed sentences and is exact by construction.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from veracity.lab.verify.perturb import CONTRADICTION, ENTAILMENT, NEUTRAL, NOT_ENTAILMENT, GeneratedPair, _replace
from veracity.nlp.numbers import format_number, is_number_token, parse_number

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

# Counted nouns news writers use interchangeably for the same people or things (plural forms).
SYNONYM_GROUPS = (
    ("instructors", "trainers", "advisers", "advisors", "mentors"),
    ("troops", "soldiers", "troopers", "service members"),
    ("aircraft", "jets", "warplanes", "planes"),
    ("people", "persons", "individuals"),
    ("vehicles", "cars"),
    ("ships", "vessels"),
    ("kids", "children"),
    ("lawmakers", "legislators"),
    ("physicians", "doctors"),
)
_SYNONYM = {w: g for g in SYNONYM_GROUPS for w in g}
_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()
_ROUGH = ("about", "roughly", "around", "approximately")
_PERIODS = ("early", "mid", "late")
_PERIOD = re.compile(r"\b(early|mid|late)[- ]((?:19|20)\d\d)\b", re.IGNORECASE)
_FUNCTION = frozenset("the a an of in on at to for and or but with by from as is are was were be been has have had "
                      "that this it its their they he she said says will would".split())  # fmt: skip


def synonym_edits(sent: Span, rng: random.Random) -> Iterator[GeneratedPair]:
    """A counted noun ("70 instructors") swapped for a synonym: the same fact in other words."""
    for tok in sent:
        group = _SYNONYM.get(tok.lower_)
        if group is None or not any(c.dep_ == "nummod" or c.like_num for c in tok.children):
            continue
        new = rng.choice([w for w in group if w != tok.lower_])
        yield GeneratedPair(_replace(sent, tok.idx, tok.idx + len(tok.text), new), sent.text, ENTAILMENT, "synonym")


def numeral_edits(sent: Span, rng: random.Random) -> Iterator[GeneratedPair]:
    """A number written another way: "six" <-> "6", "1,200" -> "1200"."""
    for tok in sent:
        if not tok.like_num or not is_number_token(tok) or tok.dep_ != "nummod":
            continue
        value = parse_number(tok.text)
        if value is None or value < 2:
            continue
        if tok.lower_ in _WORDS:
            new = format_number(value)
        elif float(value).is_integer() and value <= 12:
            new = _WORDS[int(value)]
        elif "," in tok.text:
            new = tok.text.replace(",", "")
        elif float(value).is_integer() and value >= 1000:
            new = f"{int(value):,}"
        else:
            continue
        yield GeneratedPair(_replace(sent, tok.idx, tok.idx + len(tok.text), new), sent.text, ENTAILMENT, "numeral")


def hedge_edits(sent: Span, rng: random.Random) -> Iterator[GeneratedPair]:
    """A round hedge added to a number or a multiplier ("about 210", "roughly triple"), or one swapped for
    another: vaguer or equally vague wording of the same figure is entailed."""
    for tok in sent:
        prev = sent.doc[tok.i - 1] if tok.i > sent.start else None
        countable = tok.like_num and tok.dep_ == "nummod" and is_number_token(tok)
        if not (countable or tok.lemma_ in ("double", "triple", "quadruple", "halve")):
            continue
        if prev is not None and prev.lower_ in _ROUGH:
            new = rng.choice([h for h in _ROUGH if h != prev.lower_])
            claim = _replace(sent, prev.idx, prev.idx + len(prev.text), new)
        elif prev is None or prev.lower_ not in ("than", "least", "to", "up", "nearly", "almost", "over", "under"):
            claim = _replace(sent, tok.idx, tok.idx, f"{rng.choice(_ROUGH)} ")
        else:
            continue
        yield GeneratedPair(claim, sent.text, ENTAILMENT, "hedge")


def period_edits(sent: Span, rng: random.Random) -> Iterator[GeneratedPair]:
    """"mid-2001" -> "late 2001": another part of the same year is a different time."""
    for m in _PERIOD.finditer(sent.text):
        new = rng.choice([p for p in _PERIODS if p != m.group(1).lower()])
        start = sent.start_char + m.start()
        yield GeneratedPair(_replace(sent, start, start + len(m.group(0)), f"{new} {m.group(2)}" if new != "mid"
                                     else f"mid-{m.group(2)}"), sent.text, CONTRADICTION, "period")  # fmt: skip


def place_edits(sent: Span, places: list[str], rng: random.Random) -> Iterator[GeneratedPair]:
    """The place an event happened ("in Mosul") swapped for another place of the article. Not entailed; only
    "not entailed", as one place may contain the other ("in Mosul" -> "in Iraq" is still true)."""
    for ent in sent.ents:
        after_preposition = ent.start > sent.start and sent.doc[ent.start - 1].lower_ in ("in", "at", "near")
        if ent.text not in places or not after_preposition:
            continue
        others = [p for p in places if p.lower() != ent.text.lower() and p not in sent.text]
        if others:
            claim = _replace(sent, ent.start_char, ent.end_char, rng.choice(others))
            yield GeneratedPair(claim, sent.text, NOT_ENTAILMENT, "place")


def _content(sent: Span) -> set[str]:
    return {t.lemma_.lower() for t in sent if t.is_alpha and t.lower_ not in _FUNCTION and not t.is_stop}


def _years(sent: Span) -> set[str]:
    return set(re.findall(r"\b(?:19|20)\d\d\b", sent.text))


def off_topic_pairs(sents: list[Span], rng: random.Random, limit: int) -> Iterator[GeneratedPair]:
    """Sentences of one article that share a named entity but tell another event: each names a different year, or
    they have at most one content word besides the entity in common. Neutral: about the same subject, yet
    neither says anything of the other's claim."""
    by_entity: dict[str, list[Span]] = {}
    for s in sents:
        for e in {e.text for e in s.ents if e.label_ in ("PERSON", "ORG", "GPE", "NORP")}:
            by_entity.setdefault(e, []).append(s)
    made = 0
    for entity, group in sorted(by_entity.items()):
        rng.shuffle(group)
        for a, b in zip(group, group[1:], strict=False):
            if made >= limit:
                return
            ya, yb = _years(a), _years(b)
            other_year = bool(ya and yb and not ya & yb)
            shared = (_content(a) & _content(b)) - {w.lower() for w in entity.split()}
            if other_year or len(shared) <= 1:
                made += 1
                yield GeneratedPair(a.text, b.text, NEUTRAL, "off-topic")


def generate_honest_pairs(docs: Iterable[Doc], seed: int = 0, per_sentence: int = 1,
                          off_topic_per_doc: int = 3) -> Iterator[GeneratedPair]:  # fmt: skip
    """Paraphrase, date and place pairs (at most `per_sentence` per sentence) and off-topic neutrals from parsed
    articles; sentences of 8-45 words only."""
    rng = random.Random(seed)
    for doc in docs:
        sents = [s for s in doc.sents if 8 <= len(s) <= 45 and not s.text.count('"') % 2]
        places = sorted({e.text for e in doc.ents if e.label_ == "GPE" and all(t.pos_ == "PROPN" for t in e)})
        for sent in sents:
            candidates = [*synonym_edits(sent, rng), *numeral_edits(sent, rng), *hedge_edits(sent, rng),
                          *period_edits(sent, rng), *place_edits(sent, places, rng)]  # fmt: skip
            candidates = [p for p in candidates if p.claim.strip() != p.evidence.strip()]
            rng.shuffle(candidates)
            yield from candidates[:per_sentence]
        yield from off_topic_pairs(sents, rng, off_topic_per_doc)
