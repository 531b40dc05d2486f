"""Render a Report as JSON, Markdown or a standalone HTML page.

Light on purpose: the CLI imports `Format` for `--help`; the renderers (and pydantic) load when used.
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


def to_json(report: Report) -> str:
    return report.model_dump_json(indent=2)


def render(report: Report, fmt: Format | str) -> str:
    from veracity.render.html import to_html
    from veracity.render.markdown import to_markdown

    fmt = Format(fmt)
    return {Format.md: to_markdown, Format.json: to_json, Format.html: to_html}[fmt](report)


def __getattr__(name: str) -> Any:
    if name == "to_html":
        from veracity.render.html import to_html

        return to_html
    if name == "to_markdown":
        from veracity.render.markdown import to_markdown

        return to_markdown
    raise AttributeError(name)


__all__ = ["Format", "render", "to_html", "to_json", "to_markdown"]
