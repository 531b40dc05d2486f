"""A standalone HTML page: templates/report.html.j2 (autoescaped) over the shared view model (render/view.py).

The page carries its CSS inline (templates/report.css), so it is one file that opens anywhere, and its own
Content-Security-Policy, which allows that one stylesheet by its SHA-256 hash and nothing else: no script, no
other style, no request anywhere. The web app sends the same policy as a header when it serves the page.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib.resources import files

from veracity.render.view import render_template
from veracity.schema import Report


@cache
def report_css() -> str:
    return files("veracity.render").joinpath("templates/report.css").read_text(encoding="utf-8")


def report_csp(*, header: bool = False) -> str:
    """The page's policy: its inline stylesheet by hash, nothing else. `header` adds what a <meta>
    policy cannot say (frame-ancestors)."""
    digest = base64.b64encode(hashlib.sha256(report_css().encode("utf-8")).digest()).decode("ascii")
    policy = f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    return policy + ("; frame-ancestors 'none'" if header else "")


def to_html(report: Report, *, documents_url: str | None = None) -> str:
    return render_template("report.html.j2", report, documents_url=documents_url)
