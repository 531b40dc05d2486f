"""HTML limits checked before extraction, and a flat, linear text extraction for pages beyond them.

Measured (issue 15): one element with 100,000 attributes did not parse in 60 s (libxml2 compares every new
attribute with the ones before it); more than 256 nested elements are cut by libxml2, so 20,000 nested levels
kept 254 of 20,000 paragraphs and 100,000 levels kept no text at all. One linear regex pass measures the page;
attributes are dropped from over-attributed tags, and a page too deep or too large for the tree is read by
`flat_text`, which keeps block boundaries but needs no tree.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

# libxml2's own limit is 256 levels; real pages stay under ~60.
MAX_HTML_DEPTH = 200
# Attributes on one element; real pages have fewer than ~30 (data-* heavy widgets included).
MAX_TAG_ATTRIBUTES = 64
# Elements per page: trafilatura takes ~5 s per 20,000 on 2 cores, so a larger page gets the flat reading.
MAX_HTML_TAGS = 100_000

# `[^<>]*` (not `[^>]*`): a stray '<' ends the candidate, so '<a<a<a...' stays linear.
_TAG = re.compile(r"<(/?)([A-Za-z][\w:.-]*)([^<>]*)>")
_ATTRIBUTE = re.compile(r"[^\s=/]+\s*=")
# Elements that never nest (void) or whose end tag is optional, so they do not deepen the page.
_FLAT = frozenset(
    "area base br col embed hr img input link meta param source track wbr p li dt dd tr td th option".split()
)
_SKIPPED = "script style noscript template svg head nav footer aside form".split()
_SKIP_OPEN = re.compile(rf"<({'|'.join(_SKIPPED)})\b[^<>]*>|<!--", re.I)
_CLOSE = {name: re.compile(rf"</{name}\b[^<>]*>", re.I) for name in _SKIPPED} | {"--": re.compile("-->")}
_BLOCK = re.compile(
    r"</?(p|div|br|li|ul|ol|h[1-6]|article|section|main|blockquote|pre|tr|table|dd|dt|header|figure)\b[^<>]*>", re.I
)
_ANY_TAG = re.compile(r"</?[A-Za-z!?/][^<>]*>")
_TITLE = re.compile(r"<title\b[^<>]*>([^<]*)</title", re.I)


@dataclass(frozen=True)
class HtmlShape:
    tags: int
    depth: int
    max_attributes: int

    @property
    def needs_flat_reading(self) -> bool:
        return self.depth > MAX_HTML_DEPTH or self.tags > MAX_HTML_TAGS


def measure(html: str) -> HtmlShape:
    """Element count, nesting depth (elements with optional end tags not counted) and most attributes on one."""
    tags = depth = deepest = most = 0
    for m in _TAG.finditer(html):
        tags += 1
        name = m.group(2).lower()
        if m.group(1):
            depth = max(depth - 1, 0) if name not in _FLAT else depth
            continue
        attrs = m.group(3)
        if attrs:
            most = max(most, len(_ATTRIBUTE.findall(attrs)))
        if name not in _FLAT and not attrs.endswith("/"):
            depth += 1
            deepest = max(deepest, depth)
    return HtmlShape(tags=tags, depth=deepest, max_attributes=most)


def drop_excess_attributes(html: str) -> str:
    """Tags with more than MAX_TAG_ATTRIBUTES attributes lose all of them (they hold no article text)."""

    def bare(m: re.Match[str]) -> str:
        if m.group(1) or len(_ATTRIBUTE.findall(m.group(3))) <= MAX_TAG_ATTRIBUTES:
            return m.group(0)
        return f"<{m.group(2)}>"

    return _TAG.sub(bare, html)


def _without_skipped(html: str) -> str:
    """`html` without scripts, styles, navigation and comments. A loop with `find`, not a lazy regex: an unclosed
    `<script>` repeated 100,000 times would make `<script>.*?</script>` quadratic."""
    out, at = [], 0
    while (m := _SKIP_OPEN.search(html, at)) is not None:
        out.append(html[at : m.start()])
        close = _CLOSE["--"] if m.group(0) == "<!--" else _CLOSE[m.group(1).lower()]
        end = close.search(html, m.end())
        if end is None:  # never closed: browsers treat the rest as its content too
            return " ".join(out)
        at = end.end()
        out.append(" ")
    out.append(html[at:])
    return "".join(out)


def flat_text(html: str) -> tuple[str | None, str]:
    """(title, text) read without a tree: scripts, styles and navigation cut, block tags as paragraph breaks."""
    title = _TITLE.search(html)
    body = _BLOCK.sub("\n\n", _without_skipped(html))
    body = _ANY_TAG.sub("", body)
    text = html_lib.unescape(body)
    text = "\n\n".join(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())
    return (html_lib.unescape(title.group(1)).strip() or None) if title else None, text
