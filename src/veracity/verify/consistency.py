"""Consistency checks between a claim and an evidence passage: the mismatches a similarity model misses.

Every check is conservative: it reports a mismatch only when both texts talk about the same thing (the same counted
noun, the same kind of date, the same role, the same predicate) and disagree on it. A passage that is silent on the
point is "not enough info", never a mismatch. The checks live beside this module: numbers and increases in
`quantities`, dates in `dates_check`, negation, modality and direction in `predicates`, "all" vs a part in `scope`;
named entities are here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from veracity.verify.dates_check import date_mismatches
from veracity.verify.mismatch import Mismatch, MismatchKind
from veracity.verify.parsing import parse
from veracity.verify.predicates import predicate_mismatches
from veracity.verify.quantities import number_mismatches
from veracity.verify.scope import scope_mismatches

if TYPE_CHECKING:
    from collections.abc import Iterator

    from spacy.tokens import Doc, Span, Token

__all__ = ["Mismatch", "MismatchKind", "find_mismatches", "parse"]


def find_mismatches(claim: str, evidence: str) -> list[Mismatch]:
    """The reasons to doubt that `evidence` supports `claim`, by kind; [] when nothing comparable disagrees."""
    if not claim.strip() or not evidence.strip():
        return []
    c, e = parse(claim), parse(evidence)
    checks = (number_mismatches, date_mismatches, entity_mismatches, predicate_mismatches, scope_mismatches)
    # Phrases keep the source's line breaks ("special forces\nadvisers"); a reason is one line of the report.
    found = [Mismatch(m.kind, _one_line(m.claim), _one_line(m.evidence), _one_line(m.reason))
             for check in checks for m in check(c, e)]  # fmt: skip
    return list(dict.fromkeys(found))  # the same pair can be reached twice (e.g. two identical sentences)


def _one_line(text: str) -> str:
    return " ".join(text.split())


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


def entity_mismatches(claim: Doc, evidence: Doc) -> Iterator[Mismatch]:
    for c in (e for e in claim.ents if e.label_ in _NAME_LABELS and not _mentions(evidence, e)):
        role = _role(c.root)
        if role[1] in _SPEECH_VERBS:
            continue
        for e in evidence.ents:
            if e.label_ == c.label_ and _role(e.root) == role and not _mentions(claim, e):
                reason = f"the claim names {c.text}, the evidence names {e.text} in the same role"
                yield Mismatch("entity", c.text, e.text, reason)
                break
