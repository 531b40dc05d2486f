"""Markdown report: templates/report.md.j2 over the shared view model (render/view.py)."""

from __future__ import annotations

from veracity.render.view import render_template
from veracity.schema import Report


def to_markdown(report: Report) -> str:
    return render_template("report.md.j2", report)
