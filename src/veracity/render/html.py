"""A standalone HTML page: templates/report.html.j2 (autoescaped) over the shared view model (render/view.py)."""

from __future__ import annotations

from veracity.render.view import render_template
from veracity.schema import Report


def to_html(report: Report) -> str:
    return render_template("report.html.j2", report)
