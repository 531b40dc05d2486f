"""Numbers written in digits or words, and the quantities they count ("six military aircraft")."""

from __future__ import annotations

import re

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
