from __future__ import annotations

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
    assert "[Safe <b>one</b>](<https://example.org/a?x=1&y=2>)" in md
    assert "javascript:" not in md and "data:" not in md and ": Script one" in md
    assert "| A \\| claim |" in md


def test_markdown_and_html_are_rendered_from_the_same_view_model():
    from veracity.render.view import build_view

    view = build_view(_report_with_links())
    assert [f.link.url for f in view.claims[0].factchecks] == ["https://example.org/a?x=1&y=2", None, None]
