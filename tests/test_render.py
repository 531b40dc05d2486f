from __future__ import annotations

import pytest

from veracity.render import render
from veracity.schema import Document


def test_html_escapes_everything_from_the_article(analyzer):
    evil = '<script>alert("x")</script>'
    doc = Document(text=f"The mayor said that {evil} would cost $5 million in 2024.", title=f"Title {evil}")
    page = render(analyzer(doc), "html")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_markdown_lists_claims_most_check_worthy_first(example_report):
    md = render(example_report, "md")
    rows = [line for line in md.splitlines() if line.startswith("| ") and line[2].isdigit()]
    scores = [float(r.split("|")[2]) for r in rows]
    assert scores == sorted(scores, reverse=True) and len(rows) == len(example_report.claims)
    assert md.index("**Source:**") < md.index("## Claims")


def _report_with_links():
    from veracity.schema import Claim, FactCheckMatch, Report

    checks = [
        FactCheckMatch(collection="c", claim="Safe <b>one</b>", url="https://example.org/a?x=1&y=2", score=0.9),
        FactCheckMatch(collection="c", claim="Script one", url="javascript:alert(1)", score=0.8),
        FactCheckMatch(collection="c", claim="Data one", url="data:text/html,<script>x</script>", score=0.7),
    ]
    claim = Claim(id="c0", sentence_i=0, text="A | claim", normalized="", checkworthiness=0.9, kind="other",
                  factchecks=checks)  # fmt: skip
    return Report(document=Document(text="A | claim."), claims=[claim])


def test_html_links_only_http_urls_and_opens_them_without_referrer():
    page = render(_report_with_links(), "html")
    link = '<a href="https://example.org/a?x=1&amp;y=2" rel="noopener noreferrer">Safe &lt;b&gt;one&lt;/b&gt;</a>'
    assert link in page
    assert "javascript:" not in page and "data:" not in page
    assert "Script one" in page and "Data one" in page  # shown as text, without the link


def test_markdown_links_only_http_urls_and_escapes_table_pipes():
    md = render(_report_with_links(), "md")
    assert "[Safe &lt;b&gt;one&lt;/b&gt;](<https://example.org/a?x=1&y=2>)" in md
    assert "javascript:" not in md and "data:" not in md and ": Script one" in md
    assert "| A \\| claim |" in md


def test_markdown_and_html_are_rendered_from_the_same_view_model():
    from veracity.render.view import build_view

    view = build_view(_report_with_links())
    assert [f.link.url for f in view.claims[0].factchecks] == ["https://example.org/a?x=1&y=2", None, None]


EVIL = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "line one\n- injected item",
    "\x1b]0;pwned\x07\x1b[31mred\x1b[0m \x9b2J",
    "pipe | and `code` and *bold* and _under_ and ~~strike~~ \\",
]


def _hostile_report():
    from veracity.schema import Attribution, Claim, Report, Sentence

    evil = " ".join(EVIL)
    text = f"{evil} said the army grew."
    doc = Document(text=text, title=evil, author=evil, site_name=evil, url="https://example.org/a>b c\n)")
    sentence = Sentence(i=0, text=text, start=0, end=len(text), attribution=Attribution(
        speaker=evil, speaker_type="person", cue=evil, mode="reported_speech", hedges=[evil]))  # fmt: skip
    claim = Claim(id="c0", sentence_i=0, text=evil, normalized="", checkworthiness=0.9, kind="other")
    return Report(document=doc, sentences=[sentence], claims=[claim], warnings=[evil])


def test_markdown_escapes_every_field_and_strips_terminal_controls():
    import re

    md = render(_hostile_report(), "md")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", md)  # no ESC, BEL, CSI: nothing reaches the terminal
    assert "<script" not in md and "<img" not in md and not re.search(r"(?<!\\)\]\(javascript:", md)
    assert "\n- injected item" not in md  # a newline in a field cannot start a list item
    assert "pipe \\| and \\`code\\` and \\*bold\\*" in md


def test_markdown_output_renders_to_inert_html():
    """Through a CommonMark renderer (markdown-it, as GitHub-like viewers): no live tag, handler or js link."""
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(render(_hostile_report(), "md"))
    assert "<script" not in html and "<img" not in html and 'href="javascript:' not in html


def test_html_report_strips_terminal_controls_too():
    page = render(_hostile_report(), "html")
    assert "\x1b" not in page and "\x9b" not in page and "&lt;script&gt;" in page
