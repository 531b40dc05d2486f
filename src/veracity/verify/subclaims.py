"""Split a claim into the parts a fact-checker checks one by one, from its spaCy parse.

    "Trudeau said that Canada will send 70 instructors"  -> core "Canada will send 70 instructors"
                                                            + attribution (the whole sentence: did he say it?)
    "According to NATO, the troops left in May"           -> core "the troops left in May" + attribution
    "Canada ended air strikes and tripled its trainers"   -> parts "Canada ended air strikes",
                                                                  "Canada tripled its trainers"
    "… 200 troopers who now are engaged in combat"       -> parts "… 200 troopers", "200 troopers now are
                                                                  engaged in combat"

A claim that does not split is its own core. At most MAX_PARTS parts; parts under MIN_WORDS words are dropped
(a fragment is not checkable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from veracity.verify.parsing import parse

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

MAX_PARTS = 4
MIN_WORDS = 4
REPORTING = frozenset(
    "say tell claim report announce confirm state insist argue add allege assert declare deny reveal write "
    "suggest warn note explain admit acknowledge believe think estimate predict promise remind notice recall stress "
    "emphasize emphasise".split()
)
_RELATIVIZERS = frozenset("who which that".split())


@dataclass(frozen=True)
class Part:
    text: str
    role: str  # core | part | attribution


def split_claim(text: str) -> list[Part]:
    """The core (first), coordinated or relative-clause parts, and the attribution when the claim reports speech."""
    text = " ".join(text.split())
    if not text:
        return []
    doc = parse(text)
    sent = next(iter(doc.sents))
    core_tokens, attributed = _content(sent)
    core = _join(core_tokens)
    out = [Part(core or text, "core")]
    pieces = _coordinated(core_tokens) or _relative(core_tokens)
    out += [Part(p, "part") for p in pieces if len(p.split()) >= MIN_WORDS and p != core][:MAX_PARTS]
    if attributed and core and core != text:
        out.append(Part(text, "attribution"))
    return out


def _join(tokens: list[Token]) -> str:
    text = re.sub(r"\s+([.,;:!?])", r"\1", "".join(t.text_with_ws for t in tokens)).strip(" ,;:")
    return text[:1].upper() + text[1:] if text else ""


def _content(sent: Span) -> tuple[list[Token], bool]:
    """The reported content of "X said (that) Y" / "Y, X said" / "According to X, Y"; else the whole sentence."""
    root = sent.root
    if root.lemma_.lower() in REPORTING:
        comp = [c for c in root.children if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX")]
        if comp:
            tokens = [t for t in comp[0].subtree if not (t.dep_ == "mark" and t.head == comp[0])]
            framing = any(c.dep_ in ("expl", "nsubjpass", "nsubj") and c.lower_ == "it" for c in root.children)
            return tokens, not framing  # "It should be noted that Y" asserts Y; nobody else said it
    for prep in (c for c in root.children if c.dep_ == "prep" and c.lower_ == "according"):
        drop = {t.i for t in prep.subtree}
        tokens = [t for t in sent if t.i not in drop and not (t.is_punct and t.i == max(drop) + 1)]
        return tokens, True
    return [t for t in sent if not t.is_space], False


def _coordinated(tokens: list[Token]) -> list[str]:
    """ "S V1 O1 and V2 O2" -> "S V1 O1", "S V2 O2" (the subject is shared when the second verb has none)."""
    if not tokens:
        return []
    keep = {t.i for t in tokens}
    head = next((t for t in tokens if t.head.i not in keep or t.head == t), None)
    if head is None or head.pos_ not in ("VERB", "AUX"):
        return []
    conjs = [c for c in head.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and c.i in keep]
    if not conjs:
        return []
    subject = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
    subject_tokens = [t for s in subject for t in s.subtree]
    aux = [c for c in head.children if c.dep_ in ("aux", "auxpass", "neg")]  # "will send … and train": "will" shared
    drop_all = {t.i for c in conjs for t in c.subtree} | {c.i for c in head.children if c.dep_ in ("cc", "punct")}
    first = [t for t in tokens if t.i not in drop_all or t.i < head.i]
    parts = [_join(first)]
    for c in conjs:
        own = [t for t in c.subtree if not (t.dep_ == "conj" and t.head == c and t.pos_ in ("VERB", "AUX"))]
        own_subject = any(t.dep_ in ("nsubj", "nsubjpass") and t.head == c for t in own)
        own_aux = any(t.dep_ in ("aux", "auxpass") and t.head == c for t in own)
        prefix = [] if own_subject else subject_tokens + ([] if own_aux else aux)
        parts.append(_join(sorted(set(prefix), key=lambda t: t.i) + [t for t in own if t.dep_ != "cc"]))
    return parts


def _relative(tokens: list[Token]) -> list[str]:
    """ "… 200 troopers in Iraq who are engaged in combat" -> the sentence without the relative clause, and
    "200 troopers are engaged in combat" (only for a relative pronoun that is the clause's subject)."""
    keep = {t.i for t in tokens}
    for tok in tokens:
        if tok.dep_ != "relcl" or tok.pos_ not in ("VERB", "AUX"):
            continue
        rel = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in _RELATIVIZERS]
        if not rel:
            continue
        clause = {t.i for t in tok.subtree}
        noun = tok.head
        phrase = [t for t in noun.subtree if t.i not in clause and t.i <= noun.i and t.dep_ not in ("det", "poss")]
        main = [t for t in tokens if t.i not in clause]
        if main and main[-1].is_punct and main[-1].text == ",":
            main = main[:-1]
        second = phrase + [t for t in tok.subtree if t.i != rel[0].i and t.i in keep]
        return [_join(main), _join(second)]
    return []
