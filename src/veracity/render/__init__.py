"""Render a Report as JSON, Markdown or a standalone HTML page."""

from __future__ import annotations

from enum import StrEnum

from veracity.render.html import to_html
from veracity.render.markdown import to_markdown
from veracity.schema import Report


class Format(StrEnum):
    md = "md"
    json = "json"
    html = "html"


def to_json(report: Report) -> str:
    return report.model_dump_json(indent=2)


def render(report: Report, fmt: Format | str) -> str:
    fmt = Format(fmt)
    return {Format.md: to_markdown, Format.json: to_json, Format.html: to_html}[fmt](report)


__all__ = ["Format", "render", "to_html", "to_json", "to_markdown"]
