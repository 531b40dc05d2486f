"""Who asserts a sentence: dependency rules over the spaCy parse.

Patterns, tried in this order for each sentence:
  1. "according to X" / "as reported by X"        -> X, mode according_to
  2. a reporting verb with a subject ("X said ...") -> X; the outermost such verb wins
  3. a witness/reporting verb in the passive with an agent ("spotted by X") -> X
  4. an agentless reporting passive ("it was announced that ...") -> officials / unnamed sources
  5. otherwise the article's own voice            -> "author"
Pronoun speakers are resolved to the latest compatible speaker or person named in the previous sentences.
Who the speaker head names (phrase, type, anonymous or not) is decided in `speakers.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from veracity.attribution import lexicon as lx
from veracity.attribution.speakers import describe, proper_subject
from veracity.nlp import sentence_ents
from veracity.schema import Attribution, Span

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

_QUOTE = re.compile(r"[“\"«]([^”\"»]+)[”\"»]")
# A quoted stretch this long is a quotation, not a scare-quoted word ("a “substantial” number").
_MIN_QUOTE_WORDS = 4
_PRONOUNS = {"he": "person", "she": "person", "him": "person", "her": "person", "it": "organisation", "they": "any"}


@dataclass
class Cue:
    head: Token  # the speaker's head token
    cue: str
    mode: str
    verb: Token | None = None


def find_hedges(sent: SpacySpan) -> list[str]:
    low = sent.text.lower()
    found = [p for p in lx.HEDGE_PHRASES if p in low]
    for tok in sent:
        if tok.lower_ in lx.HEDGE_WORDS or (tok.lower_ in lx.HEDGE_MODALS and tok.tag_ == "MD"):
            found.append(tok.lower_)
    return list(dict.fromkeys(found))


def _depth(tok: Token) -> int:
    d = 0
    while tok.head.i != tok.i:
        tok, d = tok.head, d + 1
    return d


def _is_reporting_verb(tok: Token) -> bool:
    if tok.pos_ not in ("VERB", "AUX") or tok.dep_ in ("amod", "compound"):
        return False
    lemma, deps = tok.lemma_.lower(), {c.dep_ for c in tok.children}
    if lemma in lx.CLAUSE_VERBS:
        # "the judge ruled that …", "data show that …"; not "this shows that …" (the author's own inference)
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        return "ccomp" in deps and subj is not None and subj.pos_ in ("NOUN", "PROPN")
    if lemma not in lx.REPORTING_VERBS:
        # "it is understood that …": only the passive reports, "I understand that …" does not
        return lemma in lx.AGENTLESS_PASSIVE_CUES and "auxpass" in deps
    # "told residents to stay indoors" is an order, not a report
    return not (tok.lemma_.lower() in lx.ORDER_VERBS and "xcomp" in deps and "ccomp" not in deps)


def _according_to(sent: SpacySpan) -> Cue | None:
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.nbor().lower_ == "to":
            objs = [c for c in tok.nbor().children if c.dep_ == "pobj"]
            if objs and objs[0].lemma_.lower() not in lx.NON_SOURCE_HEADS:
                return Cue(head=objs[0], cue="according to", mode="according_to")
        if tok.lower_ == "as" and tok.i + 2 < len(tok.doc) and tok.nbor().lemma_ == "report":
            by = tok.nbor(2) if tok.nbor(2).lower_ == "by" else None
            objs = [c for c in by.children if c.dep_ == "pobj"] if by else []
            if objs:
                return Cue(head=objs[0], cue="as reported by", mode="according_to")
    return None


def _unasserted(child: Token, quoted: list[tuple[int, int]]) -> bool:
    if any(start <= child.idx < end for start, end in quoted):
        return False  # the “not” of a quoted “Absolutely not.” is what was said
    return child.dep_ == "neg" or child.tag_ == "MD" or (child.dep_ == "mark" and child.lower_ in ("if", "whether"))


def _nobody(subj: Token | None) -> bool:
    """'Nobody has claimed …', 'No group has claimed …': the sentence says no one asserted anything."""
    return subj is not None and (
        subj.lower_ in lx.NEGATIVE_SUBJECTS or any(c.dep_ == "det" and c.lower_ == "no" for c in subj.children)
    )


def _verb_cues(sent: SpacySpan) -> list[Cue]:
    low = sent.text.lower()
    quoted = [(sent.start_char + m.start(), sent.start_char + m.end()) for m in _QUOTE.finditer(sent.text)]
    cues: list[Cue] = []
    for tok in sent:
        if not _is_reporting_verb(tok) or any(p in low for p in lx.NON_REPORTING if tok.lower_ in p):
            continue
        children = list(tok.children)
        if any(_unasserted(c, quoted) for c in children):
            continue  # "won't tell you", "would confirm", "if he says": nobody asserts anything (yet)
        subj = next((c for c in children if c.dep_ == "nsubj"), None)
        if _nobody(subj):
            continue
        agent = next((c for c in children if c.dep_ == "agent"), None)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in children)
        has_content = any(c.dep_ in ("ccomp", "dobj", "xcomp", "parataxis", "prep", "mark") for c in children)
        has_content = has_content or bool(_QUOTE.search(sent.text)) or tok.dep_ in ("parataxis", "ccomp")
        if agent is not None:
            objs = [c for c in agent.children if c.dep_ == "pobj"]
            if objs:
                cues.append(Cue(head=objs[0], cue=tok.text.lower(), mode="reported_speech", verb=tok))
        elif subj is not None and not passive and has_content:
            cues.append(Cue(head=subj, cue=tok.text.lower(), mode="reported_speech", verb=tok))
        elif subj is None and tok.dep_ == "conj" and tok.head.pos_ == "VERB":
            # "X confirmed ... and noticed that ...": the subject is the first verb's.
            first = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
            if first is not None and any(c.dep_ == "ccomp" for c in children):
                cues.append(Cue(head=first, cue=tok.text.lower(), mode="reported_speech", verb=tok))
        elif passive and tok.lemma_.lower() in lx.AGENTLESS_PASSIVE_CUES:
            modal = any(c.dep_ == "aux" and c.tag_ == "MD" for c in children)
            if not modal and any(c.dep_ == "ccomp" for c in children):
                cues.append(Cue(head=tok, cue=tok.text.lower(), mode="reported_speech", verb=None))
        elif subj is None and not passive and any(c.dep_ == "ccomp" for c in children):
            # The small parser sometimes loses the subject of "Name, the minister, insisted ...": take a
            # name that ends right before the verb.
            named = [e for e in sentence_ents(sent) if e.label_ in ("PERSON", "ORG") and 0 <= tok.i - e.end <= 2]
            if named:
                cues.append(Cue(head=named[-1].root, cue=tok.text.lower(), mode="reported_speech", verb=tok))
    return cues


def find_cue(sent: SpacySpan) -> Cue | None:
    cue = _according_to(sent)
    verb_cues = _verb_cues(sent)
    if verb_cues:
        outer = min(verb_cues, key=lambda c: _depth(c.verb or c.head))
        # "According to X, Y said ..." keeps X only when the verb is nested below it.
        if cue is None or _depth(outer.verb or outer.head) <= 1:
            cue = outer
    if cue and _QUOTE.search(sent.text):
        longest = max(len(m.group(1).split()) for m in _QUOTE.finditer(sent.text))
        if longest >= _MIN_QUOTE_WORDS and cue.mode == "reported_speech":
            cue.mode = "direct_quote"
    return cue


def resolve_pronoun(pronoun: str, previous: list[Attribution], prev_sents: list[SpacySpan]) -> tuple[str, str] | None:
    """The latest speaker (or named person) compatible with the pronoun, looking back two sentences."""
    want = _PRONOUNS[pronoun]
    for attribution, sent in zip(reversed(previous[-2:]), reversed(prev_sents[-2:]), strict=False):
        if attribution.speaker_type not in ("author", "unknown") and want in (attribution.speaker_type, "any"):
            return attribution.speaker, attribution.speaker_type
        if want == "person":
            people = [e for e in sentence_ents(sent) if e.label_ == "PERSON"]
            if people:
                return people[-1].text, "person"
        if want == "organisation" and attribution.speaker_type in ("outlet", "official"):
            return attribution.speaker, attribution.speaker_type
        if want == "organisation":
            bodies = [e for e in sentence_ents(sent) if e.label_ == "ORG"]
            if bodies:
                return bodies[-1].text, "organisation"
            if (name := proper_subject(sent)) is not None:
                return name, "organisation"
    return None


def attribute(sent: SpacySpan, previous: list[Attribution], prev_sents: list[SpacySpan]) -> Attribution:
    hedges = find_hedges(sent)
    cue = find_cue(sent)
    if cue is None:
        inherited = _quote_continuation(sent, previous, prev_sents)
        return inherited or Attribution(speaker="author", speaker_type="author", mode="author", hedges=hedges)
    if cue.verb is None and cue.mode == "reported_speech":  # agentless passive
        official = "official" in sent.text.lower()
        return Attribution(
            speaker="officials" if official else "unnamed sources",
            speaker_type="official" if official else "anonymous",
            cue=cue.cue,
            mode="reported_speech",
            hedges=hedges,
            anonymous=not official,
        )
    low = cue.head.lower_
    if low in lx.FIRST_PERSON or _self_reference(cue.head):
        return Attribution(speaker="author", speaker_type="author", mode="author", cue=cue.cue, hedges=hedges)
    if low in _PRONOUNS:
        speaker, kind = resolve_pronoun(low, previous, prev_sents) or (cue.head.text, "unknown")
        span = Span(text=cue.head.text, start=cue.head.idx, end=cue.head.idx + len(cue.head.text))
        anonymous = kind == "anonymous"
    else:
        speaker, kind, span, anonymous = describe(cue.head, sent)
    return Attribution(
        speaker=speaker,
        speaker_type=kind,
        speaker_span=span,
        cue=cue.cue,
        mode=cue.mode,
        hedges=hedges,
        anonymous=anonymous,
    )


def _self_reference(head: Token) -> bool:
    """'This newspaper has argued ...': the outlet speaking in its own voice."""
    return head.lemma_.lower() in lx.SELF_HEADS and any(c.lower_ == "this" for c in head.children)


def _quote_continuation(
    sent: SpacySpan, previous: list[Attribution], prev_sents: list[SpacySpan]
) -> Attribution | None:
    """A sentence that continues a quotation opened in the previous sentence keeps its speaker."""
    if not previous or previous[-1].mode != "direct_quote" or not prev_sents:
        return None
    prev = prev_sents[-1]
    same_paragraph = "\n" not in sent.doc.text[prev.end_char : sent.start_char]
    opens = sent.text.lstrip()[:1] in '“"' or prev.text.count("“") > prev.text.count("”")
    if same_paragraph and opens:
        return previous[-1].model_copy(update={"hedges": find_hedges(sent), "speaker_span": None})
    return None
