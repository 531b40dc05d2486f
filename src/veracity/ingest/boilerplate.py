"""Cut site boilerplate out of plain text: author boxes, disclaimers, copyright and permission notices,
media-contact lines, newsletter/share/donate prompts, and obfuscated e-mail markers.

Works on paragraphs (blocks separated by line breaks), so it serves plain-text input and the text that
trafilatura extracts from HTML alike. A paragraph is cut whole when it *starts* like boilerplate, or when it
is short and boilerplate throughout; the article's own sentences that merely mention copyright stay.
"""

from __future__ import annotations

import re

# Paragraphs that begin like this are footer furniture, whatever follows.
_LEADING = re.compile(
    r"""^\W{0,3}(
        articles?\ by\s*: | about\ the\ authors?\b | (more\ )?by\ the\ same\ author\b | author\ bio\b |
        disclaimer\b | copyright\b | ©|\(c\)\ \d{4} | all\ rights\ reserved |
        for\ media\ inquiries | media\ (contact|inquiries) | press\ contact |
        (please\ )?(share|tweet|email|print)\ (this|on|via)\b | share\ this\b | click\ to\ (share|print|email) |
        follow\ us\ on\b | like\ us\ on\b | join\ us\ on\b |
        (subscribe|sign\ up)\ (to|for)\ (our|the)\b.*newsletter | get\ our\ newsletter |
        (please\ )?(support|donate\ to)\ (our|independent)\b | donate\ (now|today)\b | become\ a\ (member|patron)\b |
        related\ (articles|posts|stories)\s*:? | read\ more\s*: | comments\ are\ closed | leave\ a\ comment |
        this\ article\ was\ (originally\ )?(published|posted)\ (by|on|at)\b | featured\ image\b | image\ credit
    )""",
    re.I | re.X,
)
# Phrases that mark a paragraph as a notice when they appear anywhere in it.
_NOTICE = re.compile(
    r"(grants? permission to (re)?(post|publish|print)|cross-post|fair use|copyrighted material|"
    r"sole responsibility of the author|the views expressed (in this article )?are|"
    r"all rights reserved|reproduced with permission|may not be reproduced)",
    re.I,
)
# Cloudflare (and similar) e-mail obfuscation left in scraped text.
EMAIL_MARKER = re.compile(r"\[\s*email(?:\s|\xa0)*protected\s*\]|\[at\]|\(at\)", re.I)
# A notice paragraph is cut whole only when it is this short or shorter; longer ones lose just the phrase.
_MAX_NOTICE_WORDS = 400
_SHORT_PARAGRAPH_WORDS = 25


def _is_boilerplate(paragraph: str) -> bool:
    text = paragraph.strip()
    if _LEADING.search(text):
        return True
    words = len(text.split())
    if _NOTICE.search(text) and words <= _MAX_NOTICE_WORDS:
        # A notice paragraph usually carries several notice phrases; one phrase in a long paragraph of
        # reporting (e.g. an article *about* fair use) is not enough.
        return len(_NOTICE.findall(text)) >= 2 or words <= _SHORT_PARAGRAPH_WORDS
    return bool(EMAIL_MARKER.search(text)) and words <= _SHORT_PARAGRAPH_WORDS


def strip_boilerplate(text: str) -> tuple[str, list[str]]:
    """Return (clean text, removed pieces). Paragraph breaks in the clean text are kept as blank lines."""
    kept: list[str] = []
    removed: list[str] = []
    for block in re.split(r"\n\s*\n|\n", text):
        paragraph = block.strip()
        if not paragraph:
            continue
        if _is_boilerplate(paragraph):
            removed.append(paragraph)
            continue
        markers = EMAIL_MARKER.findall(paragraph)
        if markers:
            removed.extend(markers)
            paragraph = re.sub(r"\s{2,}", " ", EMAIL_MARKER.sub("", paragraph)).strip()
        kept.append(paragraph)
    return "\n\n".join(kept), removed
