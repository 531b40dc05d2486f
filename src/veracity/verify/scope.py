"""Scope consistency: the claim says "all" where the evidence says "some" (or the reverse), or says a whole ("all
Canadian military involvement") where the evidence, about the same act, names a narrower part of it ("Canada's combat
air mission").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from veracity.verify.mismatch import Mismatch

if TYPE_CHECKING:
    from collections.abc import Iterator

    from spacy.tokens import Doc, Token

_ALL = {"all", "every", "each", "entire", "whole"}
_PART = {"some", "several", "many", "most", "few", "certain", "part"}
_ONLY = {"only", "just", "merely"}
# "put an end to X" is "end X".
_LIGHT = {("put", "end"), ("bring", "end"), ("put", "stop"), ("call", "halt"), ("bring", "halt")}


def _quantifier(noun: Token) -> str:
    """'all' for "all schools" / "the entire mission", 'part' for "some schools", 'only part' for "only some schools"
    or "not all schools", '' when the noun is not quantified."""
    words = {c.lower_ for c in noun.children if c.dep_ in ("det", "predet", "amod", "advmod", "neg", "nummod")}
    if words & {"not", "n't"} and words & _ALL:
        return "only part"
    if words & _ALL:
        return "all"
    if words & _PART:
        return "only part" if words & _ONLY else "part"
    return ""


def _span(noun: Token) -> str:
    """The noun with its determiners and modifiers, without clauses: "all Canadian military involvement"."""
    left = [c for c in noun.lefts]
    start = min([noun.i, *(min(t.i for t in c.subtree) for c in left)])
    return noun.doc[start : noun.i + 1].text


def _act(noun: Token) -> tuple[str, str]:
    """What is done to or by a noun: ("end", "dobj") for "end the mission" and "put an end to the mission"."""
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ == "to" and head.head.pos_ == "VERB":
        verb = head.head
        light = next((c for c in verb.children if c.dep_ == "dobj" and (verb.lemma_, c.lemma_) in _LIGHT), None)
        if light is not None:
            return light.lemma_, "dobj"
    dep = "dobj" if noun.dep_ == "nsubjpass" else noun.dep_
    return (head.lemma_.lower(), dep) if head.pos_ == "VERB" else ("", "")


def scope_mismatches(claim: Doc, evidence: Doc) -> Iterator[Mismatch]:
    ev_nouns = [(t, _quantifier(t), _act(t)) for t in evidence if t.pos_ == "NOUN"]
    for c in (t for t in claim if t.pos_ == "NOUN"):
        cq, act = _quantifier(c), _act(c)
        if not cq or not act[0]:
            continue
        same = [(e, q) for e, q, a in ev_nouns if e.lemma_ == c.lemma_ and a == act]
        # The same noun, of the same act: "all schools closed" vs "only some schools closed".
        clash = [e for e, q in same if (cq == "all" and "part" in q) or (cq == "only part" and q == "all")]
        if clash and not any(q == cq for _, q in same):
            e = clash[0]
            yield Mismatch("scope", _span(c), _span(e), f'the claim says "{_span(c)}", the evidence "{_span(e)}"')
            continue
        # A whole against a narrower part, of the same act: "end all military involvement" vs "end the air mission".
        if cq == "all" and not same:
            narrower = [e for e, q, a in ev_nouns if a == act and act[1] == "dobj" and not q and _qualified(e)]
            if narrower:
                e = narrower[0]
                reason = f'the claim says "{_span(c)}", the evidence only "{_span(e)}"'
                yield Mismatch("scope", _span(c), _span(e), reason)


def _qualified(noun: Token) -> bool:
    """Narrowed by a modifier: "combat air mission", "Canada's training mission"."""
    return any(c.dep_ in ("compound", "amod") for c in noun.children)
