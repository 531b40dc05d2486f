"""What one article may cost the parser: limits that keep the work per article about linear in its size.

Measured on 2 cores (issue 15): spaCy's tokenizer strips prefixes and suffixes from a whitespace-free run one
at a time, copying the rest each time, so a run of 16,000 `'s` or `)(` or emoji took 23-30 s (quadratic); the
parser refuses texts over `nlp.max_length` (1,000,000 characters, E088); and prose parses at ~15-30k
characters/s, then costs ~2-6 ms per sentence in the claims model, so a 1 MB article took minutes. The limits
below bound all three; the report says when an article was cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

# The parser sees whitespace-free runs in pieces of at most this many characters (a space replaces every
# MAX_TOKEN_CHARS-th character of a longer run, in the parser's copy only: offsets and the report's text stay
# the original's). 16k-character runs took 25 s; 40-character pieces cost ~4 µs per character at worst.
MAX_TOKEN_CHARS = 40
# Characters of an article that are analysed (~17,000 words, longer than nearly any news article): ~6 s of
# parsing and claim scoring on 2 cores for prose, ~25 s for text of one-character tokens on 2 cores busy with
# training. The rest is kept in `document.text` and a warning says so.
MAX_ANALYSED_CHARS = 100_000
# Tokens analysed per article: the tagger, parser and NER cost ~0.1-0.3 ms per token on 2 cores, the claims
# model ~0.5 ms per token when the cores are busy, and text of one-character tokens ('<<<<', '& & &', names) has
# 3-5x more tokens per character than prose (100k characters of '<' took 31 s to parse; 25,000 tokens of one
# 1 MB line took 30 s with claims). 15,000 tokens is ~60k characters (~10,000 words) of prose.
MAX_ANALYSED_TOKENS = 15_000
# Sentences analysed per article: 100k characters of one-word sentences would otherwise be 30k claim-model calls.
MAX_SENTENCES = 1_000
# A "sentence" without sentence-final punctuation is cut after this many tokens, before the parser runs:
# attribution walks each sentence per reporting verb, so one 5,000-verb sentence was quadratic (94 s).
MAX_SENTENCE_TOKENS = 120
# Pieces handed to spaCy at once, well under its 1,000,000-character `max_length`.
PARSE_CHUNK_CHARS = 50_000

_LONG_RUN = re.compile(rf"\S{{{MAX_TOKEN_CHARS + 1},}}")
# Runs of punctuation or symbols keep their first characters for the parser; the rest read as spaces (one token).
_KEEP_PUNCT = 3
_PUNCT_RUN = re.compile(rf"[^\w\s]{{{_KEEP_PUNCT + 1},}}")
_SENTENCE_END = frozenset({".", "!", "?", "…", "。"})


def analysed_end(text: str) -> int:
    """Where analysis stops: the whole text, or the last paragraph or line break (else space) before the limit."""
    if len(text) <= MAX_ANALYSED_CHARS:
        return len(text)
    for sep in ("\n\n", "\n", " "):
        cut = text.rfind(sep, MAX_ANALYSED_CHARS // 2, MAX_ANALYSED_CHARS)
        if cut > 0:
            return cut + len(sep)
    return MAX_ANALYSED_CHARS


def tokenizer_safe(text: str) -> str:
    """`text` with the same length for the parser: runs of punctuation or symbols ('!!!!', '"<"<', emoji) keep
    their first characters and read as spaces after them, and the remaining long whitespace-free runs are broken
    by a space every MAX_TOKEN_CHARS characters."""

    def blank(match: re.Match[str]) -> str:
        run = match.group()
        return run[:_KEEP_PUNCT] + " " * (len(run) - _KEEP_PUNCT)

    def cut(match: re.Match[str]) -> str:
        chars = list(match.group())
        chars[MAX_TOKEN_CHARS::MAX_TOKEN_CHARS] = " " * len(chars[MAX_TOKEN_CHARS::MAX_TOKEN_CHARS])
        return "".join(chars)

    return _LONG_RUN.sub(cut, _PUNCT_RUN.sub(blank, text))


def chunks(text: str, size: int = PARSE_CHUNK_CHARS) -> Iterator[str]:
    """Consecutive pieces of `text` of at most `size` characters that join back to it exactly; each ends after a
    line break (else a space) when there is one, so no sentence is cut unless a paragraph is longer than `size`."""
    start = 0
    while len(text) - start > size:
        end = start + size
        for sep in ("\n", " "):
            cut = text.rfind(sep, start + size // 2, end)
            if cut > 0:
                end = cut + 1
                break
        yield text[start:end]
        start = end
    if start < len(text):
        yield text[start:]


def bound_sentences(doc: Doc) -> Doc:
    """A spaCy pipeline component (added by `get_spacy`): a sentence starts after MAX_SENTENCE_TOKENS tokens
    without sentence-final punctuation or a line break, and after every paragraph break (a blank line: a headline
    or a subheading without a period is never joined to the sentence below it); the parser keeps boundaries set
    before it runs."""
    run = 0
    paragraph = False
    for tok in doc:
        if run >= MAX_SENTENCE_TOKENS or (paragraph and not tok.is_space):
            tok.is_sent_start = True
            run = 0
        if not tok.is_space or "\n" in tok.text:
            paragraph = tok.is_space and tok.text.count("\n") >= 2
        run = 0 if tok.text in _SENTENCE_END or (tok.is_space and "\n" in tok.text) else run + 1
    return doc
