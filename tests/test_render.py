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
