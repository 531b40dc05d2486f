"""The standalone HTML report's stylesheet and the content-security policy that allows it by its hash."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib.resources import files


@cache
def report_css() -> str:
    return files("veracity.render").joinpath("templates/report.css").read_text(encoding="utf-8")


def report_csp(*, header: bool = False) -> str:
    """The page's policy: its inline stylesheet by hash, nothing else. `header` adds what a <meta>
    policy cannot say (frame-ancestors)."""
    digest = base64.b64encode(hashlib.sha256(report_css().encode("utf-8")).digest()).decode("ascii")
    policy = f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    return policy + ("; frame-ancestors 'none'" if header else "")
