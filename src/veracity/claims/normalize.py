"""Claim kind and normalised claim text (numbers as digits, dates as ISO, plain quotes, no lead-in adverbs)."""

from __future__ import annotations

import re

from veracity.nlp.numbers import format_number
from veracity.schema import ClaimKind, Sentence

_CAUSAL = re.compile(
    r"\b(because|due to|caused?|causing|led to|leads? to|lead to|result(s|ed)? in|as a result|therefore|"
    r"thanks to|responsible for|blamed? .{1,40} for|owing to|triggered|so that)\b",
    re.I,
)
_PREDICTION = re.compile(
    r"\b(will|won[’']t|going to|is expected to|are expected to|forecasts?|predicts?|projected to|"
    r"is set to|are set to|by 20\d\d)\b",
    re.I,
)
_LEAD_IN = re.compile(
    r"^(?:(?:then|later|now|eventually|however|meanwhile|moreover|furthermore|first of all|in his turn|"
    r"in her turn|once again|along with this|initially|also|still|yet|so|and|but)\s*,?\s*)+",
    re.I,
)
# A focus adverb left at the front once the lead-in is gone ("Then, only in January 2002, …"): the author's emphasis,
# not part of what is claimed, and capitalised it read as a different claim ("Only in 2002-01, …").
_FOCUS = re.compile(r"^(?:only|just|even)\s+(?=(?:in|on|at|after|before|since|until|when|by)\b)", re.I)
# Only dates made of day, month and year words are rewritten; "mid-2001" or "early May" keep their words.
_PLAIN_DATE = re.compile(
    r"(?:(?:on|in)\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?[A-Za-z]+\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?\d{4}|\d{4}-\d{2}-\d{2}"
)
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})


def claim_kind(sentence: Sentence) -> ClaimKind:
    a = sentence.attribution
    if a is not None and a.mode == "direct_quote":
        return "quote"
    if any(q.value is not None for q in sentence.quantities):
        return "numeric"
    if _CAUSAL.search(sentence.text):
        return "causal"
    if _PREDICTION.search(sentence.text):
        return "prediction"
    return "other"


def normalize_claim(sentence: Sentence) -> str:
    """Rewrite numbers and dates in canonical form, by offset, right to left so offsets stay valid."""
    text, base = sentence.text, sentence.start
    edits: list[tuple[int, int, str]] = []
    for q in sentence.quantities:
        if q.value is not None:
            number = format_number(q.value)
            rest = q.text.split(maxsplit=_number_words(q.text))[-1] if q.unit and q.text.endswith(q.unit) else ""
            edits.append((q.start - base, q.end - base, f"{number} {rest}".strip() if rest else number))
    for d in sentence.dates:
        if d.iso and _PLAIN_DATE.fullmatch(d.text.strip()):
            edits.append((d.start - base, d.end - base, d.iso))
    for start, end, new in sorted(edits, reverse=True):
        if 0 <= start < end <= len(text):
            text = text[:start] + new + text[end:]
    text = _FOCUS.sub("", _LEAD_IN.sub("", text.translate(_QUOTES)).strip())
    text = re.sub(r"\s+", " ", text)
    return text[:1].upper() + text[1:]


def _number_words(quantity_text: str) -> int:
    """How many leading words of a quantity ('six military aircraft') are the number ('six' -> 1)."""
    from veracity.nlp.numbers import parse_number

    words = quantity_text.split()
    n = 0
    while n < len(words) and parse_number(" ".join(words[: n + 1])) is not None:
        n += 1
    return max(n, 1)
