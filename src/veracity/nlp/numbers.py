"""Numbers written in digits or words, and the quantities they count ("six military aircraft")."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i >= 2}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12}
_EXTRA = {"dozen": 12, "a": 1, "an": 1, "and": 0, "half": 0.5}
# spaCy entity labels that are numbers rather than names.
NUMERIC_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
_DIGITS = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def parse_number(text: str) -> float | None:
    """'70' -> 70, '1,200' -> 1200, 'six' -> 6, 'twenty-five' -> 25, '2.5 million' -> 2.5e6; None if not a number."""
    words = text.lower().replace("-", " ").replace("$", "").replace("€", "").replace("£", "").split()
    if not words:
        return None
    total, current, seen = 0.0, 0.0, False
    for w in words:
        if _DIGITS.match(w):
            current += float(w.replace(",", ""))
        elif w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w in _SCALES:
            current = (current or 1) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total, current = total + current, 0.0
        elif w in _EXTRA and (w not in ("a", "an", "and") or len(words) > 1):
            if w == "dozen":
                current, seen = (current or 1) * 12, True
            elif w == "half":
                current, seen = current + 0.5, True
            continue
        else:
            return None
        seen = True
    return total + current if seen else None


def format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --- shared by the nlp stage's quantities and the consistency checks --------------------------------------------------

# What a currency symbol or word stands for: "$5 million", "5 million dollars", "£3bn".
CURRENCIES = {
    "$": "USD", "us$": "USD", "c$": "CAD", "€": "EUR", "£": "GBP",
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
}  # fmt: skip
# Words that count when they stand beside digits: "2.5 million", "two dozen".
SCALE_WORDS = frozenset({"hundred", "thousand", "million", "billion", "trillion", "dozen"})
_APPROX, _AT_LEAST, _AT_MOST = (0.9, 1.1), (1.0, math.inf), (0.0, 1.0)
# A hedge turns the stated value into a range, as (low, high) factors of it.
HEDGES = {
    **dict.fromkeys(["about", "around", "approximately", "roughly", "some", "nearly", "almost", "close to"], _APPROX),
    **dict.fromkeys(["an estimated", "estimated", "an approximate", "circa"], _APPROX),
    **dict.fromkeys(["more than", "over", "at least", "upwards of", "in excess of"], _AT_LEAST),
    **dict.fromkeys(["less than", "fewer than", "under", "up to", "at most", "as many as", "no more than"], _AT_MOST),
}


def currency_code(word: str) -> str | None:
    """'$' -> 'USD', 'euros' -> 'EUR'; None for anything else."""
    return CURRENCIES.get(word.lower())


def hedge_range(hedge: str, value: float) -> tuple[float, float] | None:
    """The values a hedged number allows: ('about', 70) -> (63, 77), ('more than', 60) -> (60, inf); None if
    `hedge` is not a hedge."""
    factors = HEDGES.get(hedge.lower())
    if factors is None:
        return None
    return value * factors[0], math.inf if factors[1] == math.inf else value * factors[1]


def is_number_token(tok: Token) -> bool:
    """A token of a number phrase ("70", "seventy", "2.5 million", "two dozen"), not of a date, an ordinal, a name
    ("Joint Task Force 2") or the pronoun "one" ("this reminds one of ...")."""
    if tok.ent_type_ and tok.ent_type_ not in NUMERIC_LABELS:
        return False
    if tok.lower_ == "one" and tok.dep_ != "nummod":
        return False
    return tok.like_num or tok.lower_ in SCALE_WORDS
