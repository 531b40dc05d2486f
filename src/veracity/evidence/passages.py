"""Cut a document into passages: windows of whole sentences with character offsets into its text.

Windows of two sentences, one sentence apart, so every sentence is in two passages and a claim that spans a
sentence boundary still finds a passage holding both halves; never longer than `max_words` (a long sentence is a
passage of its own). Two sentences is about as much as a piece of evidence needs (FEVER-style evidence is one or
two sentences), and short passages keep the encoder fast: indexing runs at about twice the passages/s of
three-sentence windows (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import re

# A sentence ends at . ! ? (plus closing quotes/brackets) before whitespace and an upper-case letter, digit or
# opening quote; a paragraph ends at a blank line. A single line break ends a sentence only after a Markdown
# heading: files wrapped at 80 columns break lines mid-sentence. Cheap and good enough for retrieval windows
# (spaCy would cost 10x more).
_BOUNDARY = re.compile(r"""(?<=[.!?])["'”’)\]]*\s+(?=["“‘(\[]?[A-Z0-9])|\n[ \t]*\n\s*|\n\s*""")
_ABBREVIATIONS = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gen|Gov|Lt|Col|St|Jr|Sr|No|U\.S|vs|e\.g|i\.e)\.$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _BOUNDARY.finditer(text):
        before = text[start : m.start()]
        blank_line = m.group().count("\n") >= 2
        if (
            "\n" in m.group()
            and not blank_line
            and not before.lstrip().startswith("#")
            and not before.endswith((".", "!", "?", ":", '"', "”"))
        ):
            continue  # a wrapped line, not the end of a sentence
        if "\n" not in m.group() and _ABBREVIATIONS.search(before):
            continue
        if before.strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return [(a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in spans]


def passages(text: str, *, window: int = 2, stride: int = 1, max_words: int = 80) -> list[tuple[int, int, str]]:
    """(start, end, text) windows of `window` sentences every `stride` sentences, at most `max_words` words."""
    sents = sentence_spans(text)
    out: list[tuple[int, int, str]] = []
    k = 0
    while k < len(sents):
        end_k = k
        words = len(text[sents[k][0] : sents[k][1]].split())
        while end_k + 1 < min(k + window, len(sents)):
            extra = len(text[sents[end_k + 1][0] : sents[end_k + 1][1]].split())
            if words + extra > max_words:
                break
            words += extra
            end_k += 1
        start, end = sents[k][0], sents[end_k][1]
        out.append((start, end, text[start:end]))
        if end_k + 1 >= len(sents):
            break
        k = max(k + 1, min(k + stride, end_k))
    return out


MIN_SENTENCE_WORDS = 3  # shorter pieces ("Reuters.", "(AP)") are not evidence a verifier can read


def passage_sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of the sentences of a passage that the verdict stage reads, offsets into `text`; the
    collection index stores a vector for each of them (evidence/sentences.py), so both must cut alike."""
    out = []
    for a, b in sentence_spans(text) or [(0, len(text))]:
        piece = text[a:b].strip()
        if len(piece.split()) >= MIN_SENTENCE_WORDS:
            out.append((a, b, piece))
    return out
