"""Escaping for the text reports: every value a template prints goes through here (Jinja2 `finalize`).

Measured (issue 15): titles, authors, speaker names and evidence titles went into the Markdown report raw, so
a CommonMark renderer showed live `<script>`, `<img onerror>` and `javascript:` links, a newline in a speaker
name broke the list, a `>` in a URL broke the link, and ANSI/OSC escapes from the article reached the terminal.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

# C0 and C1 control characters (ESC starts ANSI/OSC sequences; 0x9b is the one-byte CSI) and the Unicode
# bidirectional overrides, which can make a terminal line read differently from its bytes.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029]+")
# What Markdown (CommonMark + GFM tables/strikethrough) or inline HTML gives meaning to inside a line.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# What could end a <script> element or start markup inside one, and the two characters that end a JavaScript line.
_IN_SCRIPT = {ord(c): f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"}


class Safe(str):
    """Text already made safe for the report format (a URL from `md_url`); printed as it is."""


def strip_controls(text: str) -> str:
    """The text without terminal escape sequences and control characters; line breaks become spaces."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", _ANSI.sub("", text)))


def md_text(value: object) -> str:
    """Any value as inert Markdown on one line: controls stripped, Markdown and HTML characters escaped."""
    if value is None:
        return ""
    if isinstance(value, Safe):
        return value
    text = strip_controls(str(value))
    return "".join(_HTML.get(c, c) for c in _MD_SPECIAL.sub(r"\\\1", text))


def md_url(url: str | None) -> Safe:
    """An http(s) URL for `[text](<url>)`: characters that could end or break the destination percent-encoded."""
    return Safe(quote(strip_controls(url or ""), safe="/:?#[]@!$&'()*+,;=%-._~"))


def md_link(link: object) -> Safe:
    """A view-model `Link` (text, http(s) url or None) as `[text](<url>)`, or as plain text without a URL."""
    text, url = md_text(getattr(link, "text", "")), getattr(link, "url", None)
    return Safe(f"[{text}](<{md_url(url)}>)" if url else text)


def html_text(value: object) -> object:
    """For the HTML report (Jinja2 autoescapes after this): only the terminal controls go. Markup (a macro's
    output) was built from values that came through here already."""
    return strip_controls(value) if isinstance(value, str) and not hasattr(value, "__html__") else value


def json_for_html(value: object, *, indent: int | None = None) -> str:
    """JSON that stays inert inside an HTML `<script>` element (JSON-LD): `<`, `>`, `&`, U+2028 and U+2029 are
    written as \\u escapes, so a claim holding `</script><script>…` cannot end the element. Still valid JSON that
    parses to the same value (those characters only ever occur inside JSON strings)."""
    return json.dumps(value, indent=indent, ensure_ascii=False).translate(_IN_SCRIPT)
