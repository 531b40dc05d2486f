"""The web pages' Jinja2 environment (autoescaped) and the rewording of command-line advice for the web app; the
ground floor of the web package (pages and error pages both render through it)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from veracity.render.view import safe_url

HERE = Path(__file__).parent

_CLI_HINTS = [
    (re.compile(r"\s*\((?:see:? )?(?:--[\w-]+|veracity [^)]*)\)"), ""),
    (re.compile(r";?\s*see --[\w-]+"), ""),
    (re.compile(r"\s*\(add a corpus or fact-checks: veracity analyze[^)]*\)"),
     " (choose evidence collections or fact-checks to get verdicts)"),
    (re.compile(r"give the article's address with --url"), "give the article's original address to rate its outlet"),
    (re.compile(r"give --format \(([^)]*)\)"), r"choose its format (\1)"),
    (re.compile(r"--url\b"), "the article's address"),
]


def web_words(message: str) -> str:
    """A message without command-line flags or commands ('see --max-mb', '(see: veracity corpus list)')."""
    for pattern, replacement in _CLI_HINTS:
        message = pattern.sub(replacement, message)
    return message



@cache
def templates() -> Jinja2Templates:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every template is HTML: everything from an article or a user is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["web_words"] = web_words  # stored reports' command-line advice, in the web app's words
    env.filters["plural"] = lambda n, noun: f"{n} {noun if n == 1 else noun + 's'}"
    return Jinja2Templates(env=env)


def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    return templates().TemplateResponse(request, name, context, status_code=status_code)
