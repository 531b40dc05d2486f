"""A standalone HTML page: templates/report.html.j2 (autoescaped) over the shared view model (render/view.py).

The page carries its CSS inline (templates/report.css), so it is one file that opens anywhere, and its own
Content-Security-Policy, which allows that one stylesheet by its SHA-256 hash and nothing else: no script, no
other style, no request anywhere. The web app sends the same policy as a header when it serves the page.
"""

from __future__ import annotations

from veracity.render.style import report_csp, report_css  # noqa: F401 (re-exported for the web app)
from veracity.render.view import render_template
from veracity.schema import Report


def to_html(report: Report, *, documents_url: str | None = None) -> str:
    return render_template("report.html.j2", report, documents_url=documents_url)
