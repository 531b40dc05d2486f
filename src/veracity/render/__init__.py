"""Render a Report as JSON, Markdown, a standalone HTML page or schema.org ClaimReview JSON-LD.

Markdown and HTML are two Jinja2 templates (templates/) over one view model (view.py). The HTML page carries its
CSS inline and its own Content-Security-Policy allowing that one stylesheet by hash (style.py): no script, no
request anywhere; the web app sends the same policy as a header. Light on purpose: the CLI
imports `Format` for `--help`; the view model, Jinja2 and pydantic load when used.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from veracity.schema import Report


class Format(StrEnum):
    md = "md"
    json = "json"
    html = "html"
    claimreview = "claimreview"  # schema.org ClaimReview JSON-LD, one per claim with a verdict


def to_json(report: Report) -> str:
    return report.model_dump_json(indent=2)


def render(report: Report, fmt: Format | str, **options: Any) -> str:
    """`options` go to the ClaimReview export (publisher=, publisher_url=, report_url=); Markdown and HTML take
    `documents_url=` (where the web app serves evidence documents: evidence sentences then link to them)."""
    fmt = Format(fmt)
    if fmt is Format.json:
        return to_json(report)
    if fmt is Format.claimreview:
        from veracity.render.claimreview import to_claimreview

        return to_claimreview(report, **options)
    from veracity.render.view import render_template

    return render_template(f"report.{fmt.value}.j2", report, documents_url=options.get("documents_url"))


__all__ = ["Format", "render", "to_json"]
