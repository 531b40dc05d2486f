"""The speaker behind a head token: the phrase that names it, its type, and whether it is an unnamed source.

"A spokesman for the Department of Health" keeps its "for" phrase, "the Office for National Statistics" its whole
organisation name, and "an anonymous official", "two diplomats briefed on the talks" or "an aide, who asked not
to be identified," are flagged anonymous.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from veracity.attribution import lexicon as lx
from veracity.nlp import sentence_ents
from veracity.schema import Span

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

# Dependents of a speaker head that are not part of its name (clauses, appositions, coordinations).
_CUT_DEPS = {"relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "prep"}

Described = tuple[str, str, Span | None, bool]  # (speaker, speaker_type, span, anonymous)


def _post_modifier(child: Token) -> bool:
    """A dependent after the head that narrows who speaks: "people familiar with the matter", "officials at the
    FAA", "diplomats briefed on the talks". After a comma it only describes them ("the study, published in …")."""
    if child.dep_ == "prep":
        kept = child.lower_ in lx.SPEAKER_PREPS
    elif child.dep_ == "acl":
        kept = child.tag_ == "VBN"
    else:
        kept = child.dep_ == "amod"
    return kept and not child.doc[max(child.left_edge.i - 1, 0)].is_punct


def _phrase(head: Token) -> list[Token]:
    """The speaker phrase: the head with its modifiers before it and its restrictive post-modifiers."""
    keep = [head]
    for child in head.children:
        if (child.i < head.i and child.dep_ not in _CUT_DEPS) or (child.i > head.i and _post_modifier(child)):
            keep.extend(child.subtree)
    return sorted(keep, key=lambda t: t.i)


def _with_organisation(tokens: list[Token], head: Token, sent: SpacySpan) -> list[Token]:
    """Widen the phrase to the whole organisation name the head is part of ("… Prevention and Control")."""
    org = next((e for e in sentence_ents(sent) if e.label_ == "ORG" and e.start <= head.i < e.end), None)
    if org is None:
        return tokens
    return sorted({*tokens, *org}, key=lambda t: t.i)


def _appositive_name(head: Token) -> Token | None:
    """'the finance minister, Carlos Ibáñez,' -> the token of the name given in apposition."""
    for child in head.children:
        if child.dep_ == "appos" and child.ent_type_ in ("PERSON", "ORG"):
            return child
    return None


def _document_owner(head: Token) -> Token | None:
    """Whose document speaks: "Rouleau's statements", "a Reuters tally", "figures from the Department for
    Education", "the report, published by Amnesty International"."""
    owner = next((c for c in head.children if c.dep_ == "poss"), None)
    owner = owner or next((c for c in head.children if c.dep_ == "compound" and c.pos_ == "PROPN"), None)
    if owner is not None:
        return owner
    of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ in ("of", "from", "by")), None)
    if of is None:
        published = next((c for c in head.children if c.dep_ == "acl" and c.tag_ == "VBN"), None)
        of = next((c for c in published.children if c.dep_ == "agent"), None) if published is not None else None
    return next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None


def strip(tokens: list[Token]) -> list[Token]:
    while tokens and (tokens[0].lower_ in lx.DETERMINERS or tokens[0].dep_ in ("det", "poss", "nummod", "case")):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].tag_ == "POS"):
        tokens = tokens[:-1]
    return tokens


def _span(tokens: list[Token]) -> Span:
    doc = tokens[0].doc
    s = doc[tokens[0].i : tokens[-1].i + 1]
    return Span(text=s.text, start=s.start_char, end=s.end_char)


def _is_outlet(text: str) -> bool:
    from veracity.outlets import get_ratings

    low = text.lower().removeprefix("the ")
    # A one-word name must be a known outlet: the ratings also hold domains such as trump.com.
    return low in lx.OUTLET_ALIASES or (" " in low and get_ratings().domain_for_name(low) is not None)


def _unnamed(tokens: list[Token], head: Token, sent: SpacySpan) -> bool:
    """Whether the text marks the speaker as a source who is not named."""
    words = [t.lower_ for t in tokens]
    phrase = " ".join(words)
    own_clause = " ".join(t.lower_ for t in head.subtree)  # "who asked not to be named" hangs on the head
    return (
        bool(lx.ANONYMOUS_MODIFIERS.intersection(words))
        or any(cue in phrase for cue in lx.ANONYMOUS_PHRASE_CUES)
        or any(p in sent.text.lower() for p in lx.ANONYMITY_ANYWHERE)
        or any(p in own_clause for p in lx.ANONYMITY_IN_CLAUSE)
    )


def describe(head: Token, sent: SpacySpan) -> Described:
    """(speaker, speaker_type, span, anonymous) for a speaker head token."""
    named_in_apposition = _appositive_name(head)
    if named_in_apposition is not None:
        return describe(named_in_apposition, sent)
    tokens = _phrase(head)
    lemma = head.lemma_.lower()
    if lemma in lx.DOCUMENT_HEADS and (owner := _document_owner(head)) is not None:
        sp, kind, span, anon = describe(owner, sent)
        if kind == "organisation" and any(t.lower_ in ("official", "officially") for t in tokens):
            kind = "official"
        return sp, kind, span, anon
    tokens = strip(_with_organisation(tokens, head, sent)) or [head]
    span = _span(tokens)
    person = next((e for e in sentence_ents(sent) if e.label_ == "PERSON" and e.start <= head.i < e.end), None)
    if person is not None:
        name = person.text.removesuffix("’s").removesuffix("'s")
        return name, "person", Span(text=name, start=person.start_char, end=person.start_char + len(name)), False
    return _classify(tokens, head, sent, span)


def _classify(tokens: list[Token], head: Token, sent: SpacySpan, span: Span) -> Described:
    lemma = head.lemma_.lower()
    named = any(t.ent_type_ in ("ORG", "GPE", "NORP", "PERSON") for t in tokens)
    # Only a name before or at the head makes the source known: "sources in the Ministry of Defence" are not.
    named_up_front = any(t.ent_type_ in ("ORG", "PERSON") for t in tokens if t.i <= head.i)
    if head.pos_ == "PROPN" and _is_outlet(span.text):
        return span.text, "outlet", span, False
    if lemma in lx.ANONYMOUS_HEADS and not named_up_front:
        return span.text, "anonymous", span, True
    # A person (not a body) with no name of their own: "Pentagon officials, speaking on condition of anonymity".
    unnamed_person = head.pos_ == "NOUN" and lemma not in lx.ORGANISATION_HEADS | lx.OFFICIAL_BODIES
    if unnamed_person and not any(t.ent_type_ == "PERSON" for t in tokens) and _unnamed(tokens, head, sent):
        return span.text, "anonymous", span, True
    if lemma in lx.OFFICIAL_HEADS and not named:
        return span.text, "official", span, False
    if head.pos_ == "NOUN" and lemma not in lx.ORGANISATION_HEADS and lemma not in lx.OFFICIAL_HEADS:
        return span.text, "person", span, False  # a role: "a Reuters correspondent", "the senior engineer"
    if named or head.pos_ in ("PROPN", "NOUN"):
        return span.text, "official" if lemma in lx.OFFICIAL_HEADS else "organisation", span, False
    return span.text, "unknown", span, False


def proper_subject(sent: SpacySpan) -> str | None:
    """The sentence's main subject when it is a name ("The National Grid published …" -> "National Grid"):
    what a following "it said" most likely refers to when the parser tagged no organisation."""
    subj = next((t for t in sent if t.dep_ == "nsubj" and t.head.dep_ == "ROOT" and t.pos_ == "PROPN"), None)
    if subj is None:
        return None
    tokens = strip(sorted([subj, *(c for c in subj.children if c.dep_ == "compound")], key=lambda t: t.i))
    return _span(tokens).text if tokens else None
