"""The article's author from its byline or author box ("By Jane Doe", "Articles by: Sophie Mangal").

Read before boilerplate removal, which cuts author boxes: otherwise a page without author metadata loses the one
place its author is named. Only short paragraphs shaped like a byline count, so "By Christmas Eve, the shops
were empty." is no byline.
"""

from __future__ import annotations

import re

# An author box, anywhere in the article (usually the footer): "Articles by: Sophie Mangal".
_BOX = re.compile(r"^\W{0,3}(?:articles?|posts?|stories)\s+by\s*:\s*(?P<rest>.+)$", re.I)
# A byline near the top: "By Jane Doe", "By JANE DOE, Political Correspondent", "Written by …", "Author: …".
_BYLINE = re.compile(r"^(?:(?:written\s+|words\s+)?by\b\s*:?|author\s*:)\s*(?P<rest>.+)$", re.I)
# Bylines sit in the first paragraphs, before the story starts.
BYLINE_WITHIN = 3
# A byline with a role and outlet ("By Jane Doe and John Smith, BBC News, Washington") stays under this.
_MAX_BYLINE_WORDS = 12
# Lower-case words that may sit inside a name ("Ursula von der Leyen", "Jane Doe and John Smith").
_NAME_PARTICLES = frozenset("de del della di da van von der den le la du bin al and &".split())
# What ends the name: a role, an outlet or a place after a comma, a bar, a dash or a bracket.
_NAME_END = re.compile(r"\s*[,|•–—(/]\s*|\s+-\s+")


def _name(rest: str) -> str | None:
    """The name at the start of `rest`, when it looks like a person's name (2-6 capitalised words)."""
    name = _NAME_END.split(rest.strip(), maxsplit=1)[0].strip().rstrip(".:;")
    words = name.split()
    if not 2 <= len(words) <= 6 or any(ch.isdigit() for ch in name):
        return None
    if words[0].lower() in _NAME_PARTICLES or words[-1].lower() in _NAME_PARTICLES:
        return None
    if not all(w[0].isupper() or w.lower() in _NAME_PARTICLES for w in words):
        return None
    return name


def _byline_name(paragraph: str) -> str | None:
    text = paragraph.strip()
    if len(text.split()) > _MAX_BYLINE_WORDS or text.endswith((".", "!", "?")):
        return None  # a sentence of the story, not a byline
    match = _BYLINE.match(text)
    return _name(match["rest"]) if match else None


def take_byline(paragraphs: list[str]) -> tuple[str | None, list[str], list[str]]:
    """(author, paragraphs left, paragraphs removed). A byline near the top is removed here; an author box is
    left for `strip_boilerplate`, which cuts it with the rest of the footer."""
    for i, paragraph in enumerate(paragraphs):
        box = _BOX.match(paragraph.strip())
        if box and (name := _name(box["rest"])):
            return name, paragraphs, []
        if i < BYLINE_WITHIN and (name := _byline_name(paragraph)):
            return name, paragraphs[:i] + paragraphs[i + 1 :], [paragraph.strip()]
    return None, paragraphs, []
