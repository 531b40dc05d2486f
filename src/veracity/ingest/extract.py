"""Text or HTML to a clean `Document`: main text, title, author, date, site name, language."""

from __future__ import annotations

import re
from functools import cache

from veracity.errors import InputError
from veracity.ingest.boilerplate import strip_boilerplate
from veracity.ingest.byline import take_byline
from veracity.ingest.htmlshape import MAX_TAG_ATTRIBUTES, drop_excess_attributes, flat_text, measure
from veracity.schema import Document

_HTML_START = re.compile(r"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html|<head|<body)", re.I | re.S)
_HTML_TAGS = re.compile(r"</?(p|div|br|span|a|h[1-6]|article|section|body)\b[^>]*>", re.I)
# A first line this short, without a sentence-final period, reads as a headline.
_MAX_HEADLINE_WORDS = 25
# Lines of a hard-wrapped paragraph are at least this long (except its last).
_WRAP_MIN_CHARS = 50
_MIN_TEXT_CHARS = 20
# The publication date comes from the page's metadata, <time> elements and the URL only (htmldate without its
# "extensive" search): a year in the body ("until 2019") is not when the article was published, and every
# relative date ("Tuesday") would be resolved against the wrong day.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


def looks_like_html(text: str) -> bool:
    head = text[:5000]
    return bool(_HTML_START.search(head)) or len(_HTML_TAGS.findall(head)) >= 5


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").replace("\u200b", "")
    return re.sub(r"[ \t]+", " ", text)


def paragraphs(text: str) -> list[str]:
    """Split text into paragraphs: blank lines separate them; single line breaks do too, unless the lines
    are hard-wrapped prose (then they are joined)."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        wrapped = len(lines) > 1 and all(
            len(ln) >= _WRAP_MIN_CHARS and not ln.endswith((".", "?", "!", ":", "”", '"')) for ln in lines[:-1]
        )
        out.extend([" ".join(lines)] if wrapped else lines)
    return out


def _is_headline(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= _MAX_HEADLINE_WORDS
        and line[0].isupper()
        and (not line.endswith(".") or line.endswith("..."))
        and not line.endswith((":", ","))
    )


def document_from_text(text: str, *, url: str | None = None) -> Document:
    paras = paragraphs(_normalise(text))
    if not paras:
        raise InputError("input is empty (no text after removing whitespace)")
    # The byline first: "By Jane Doe" on the first line would read as a headline.
    author, paras, byline = take_byline(paras)
    title = None
    # Only a first paragraph followed by more text can be a headline; a one-paragraph input is all body.
    if len(paras) > 1 and _is_headline(paras[0]):
        title, paras = paras[0], paras[1:]
    body, removed = strip_boilerplate("\n\n".join(paras))
    doc = Document(
        url=url, title=title, author=author, text=body, removed_boilerplate=byline + removed, input_format="text"
    )
    return _finish(doc)


def _body(paras: list[str]) -> tuple[str | None, str, list[str]]:
    """(author from a byline or author box, clean text, removed pieces): the author is read first, since
    boilerplate removal cuts author boxes."""
    author, paras, byline = take_byline(paras)
    body, removed = strip_boilerplate("\n\n".join(paras))
    return author, body, byline + removed


def document_from_html(html: str, *, url: str | None = None) -> Document:
    import trafilatura

    shape = measure(html)
    if shape.needs_flat_reading:
        return _flat_document(html, url=url)
    if shape.max_attributes > MAX_TAG_ATTRIBUTES:
        html = drop_excess_attributes(html)
    from datetime import date

    extracted = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False, include_images=False,
        date_extraction_params=_DATE_PARAMS | {"max_date": date.today().isoformat()},
    )  # fmt: skip
    if extracted is None or not (extracted.text or "").strip():
        raise InputError("no article text found in the HTML page")
    title = _clean(extracted.title)
    author, body, removed = _body(_without_title(paragraphs(_normalise(extracted.text)), title))
    doc = Document(
        url=url or extracted.url,
        title=title,
        author=_clean(extracted.author) or author,
        published=extracted.date,
        site_name=_clean(extracted.sitename),
        text=body,
        removed_boilerplate=removed,
        input_format="html",
    )
    return _finish(doc)


def _without_title(paras: list[str], title: str | None) -> list[str]:
    """The paragraphs without a leading copy of the title (the page's <h1>): a headline is not the first sentence
    of the text, and without a final period the sentence splitter would join the two."""
    if title and paras and _folded(paras[0]) == _folded(title) and len(paras) > 1:
        return paras[1:]
    return paras


def _folded(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _flat_document(html: str, *, url: str | None) -> Document:
    """A page too deep or too large for a tree: its text with paragraph breaks, title from <title>."""
    title, text = flat_text(html)
    if not text.strip():
        raise InputError("no article text found in the HTML page")
    author, body, removed = _body(_without_title(paragraphs(_normalise(text)), _clean(title)))
    doc = Document(
        url=url, title=_clean(title), author=author, text=body, removed_boilerplate=removed, input_format="html"
    )
    return _finish(doc)


def _clean(value: str | None) -> str | None:
    value = _normalise(value).strip() if value else None
    return value or None


def _finish(doc: Document) -> Document:
    if len(doc.text.strip()) < _MIN_TEXT_CHARS:
        raise InputError(f"too little article text ({len(doc.text.strip())} characters) to analyze")
    doc.language, doc.language_confidence = detect_language(doc.text)
    return doc


@cache
def _language_identifier():
    import py3langid
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    path = f"{py3langid.__path__[0]}/{MODEL_FILE}"
    return LanguageIdentifier.from_modelpath(path, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    lang, prob = _language_identifier().classify(text[:5000])
    return lang, round(float(prob), 3)
