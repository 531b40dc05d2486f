"""What the consistency checks report (`Mismatch`), and the parse-tree helpers they share: who does what."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from spacy.tokens import Token

# number: the same thing counted differs; increment: an increase differs from the one the evidence gives or implies,
# or the evidence gives only a total; unit: the same amount in another currency; date: the same kind of date differs;
# entity: another name in the same role; negation: one text denies what the other asserts; modality: the evidence only
# hedges; direction: "rose" vs "fell"; scope: "all" vs a narrower part, "never" vs a number of times.
MismatchKind = Literal[
    "number", "increment", "unit", "date", "entity", "negation", "modality", "direction", "scope"
]  # fmt: skip
# The kinds that deny the claim ("did not promise" against "a promise", "fell" against "rose"), not a detail.
DENIALS: tuple[MismatchKind, ...] = ("negation", "direction")


@dataclass(frozen=True)
class Mismatch:
    kind: MismatchKind
    claim: str  # the claim's phrase, e.g. "70 instructors"
    evidence: str  # the evidence's phrase, e.g. "69 instructors"
    reason: str  # one readable sentence: "the claim says 70 instructors, the evidence says 69"


SKIP_LEMMAS = {"be", "have", "do"}  # too general to identify an event
# Verbs news uses for one act: "deployed special forces" and "sent its first element" are the same deployment.
SAME_VERB = {
    **dict.fromkeys(["send", "deploy", "dispatch", "despatch", "station", "commit", "post"], "deploy"),
    **dict.fromkeys(["announce", "declare", "reveal", "disclose", "confirm"], "announce"),
    **dict.fromkeys(["join", "enter"], "join"),
    **dict.fromkeys(["withdraw", "pull", "recall"], "withdraw"),
}


def same_verb(lemma: str) -> str:
    """The act a verb lemma names ("send" -> "deploy"); other verbs name themselves."""
    return SAME_VERB.get(lemma, lemma)


# "The number of hot days" is about days: two texts that both count something are not about the same thing.
_MEASURES = {"number", "amount", "rate", "level", "share", "percentage", "proportion", "count", "total", "majority"}


def _measured(head: Token) -> Token:
    """What a measure noun measures ("days" in "the number of hot days"); any other noun is itself."""
    if head.lemma_.lower() in _MEASURES:
        of = [g for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        if of:
            return of[0]
    return head


def phrase_lemmas(heads: list[Token]) -> frozenset[str]:
    """Nouns of each head's own phrase ("coal" and "power" in "coal-fired power", not a possessor or a relative
    clause; "days" for "the number of hot days"); pronouns are left out because "it" in two texts need not be the
    same thing."""
    out: set[str] = set()
    for head in map(_measured, heads):
        for tok in head.subtree:
            up = tok
            while up != head and up.dep_ in ("compound", "amod", "npadvmod", "nmod"):
                up = up.head
            if up == head and (tok == head or tok.pos_ in ("NOUN", "PROPN")) and tok.pos_ != "PRON":
                out.add(tok.lemma_.lower())
    return frozenset(out)


def arguments(verb: Token) -> frozenset[str]:
    """Subject and object: "company" and "profit" in "the company tripled its profits"."""
    return phrase_lemmas([c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")])


def subject_of(verb: Token) -> list[Token]:
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


def overlap(a: frozenset[str], b: frozenset[str]) -> bool | None:
    """Whether two sets of lemmas share one; None when either text does not say."""
    return bool(a & b) if a and b else None
