"""`AnalyzeOptions`: everything that decides how an article is analysed, folded once into a frozen object.

Ground floor: a plain dataclass (no pydantic), so front ends can build it without importing the models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from veracity.errors import InputError

DEFAULT_MAX_MB = 10.0
# Seconds one analysis may take. Generous: a 10 MB input within every bound (nlp/bounds.py) takes ~30 s on 2 cores.
DEFAULT_TIMEOUT_S = 300.0


@dataclass(frozen=True, kw_only=True)
class AnalyzeOptions:
    """How to analyse. Variants come from `options.replace(...)`; an options object is never mutated.

    corpora:         evidence collections to search for every claim (`veracity corpus add`)
    factchecks:      fact-check collections to match claims against (`veracity factchecks import`)
    persuasion:      mark propaganda technique spans (experimental)
    claim_threshold: check-worthiness from which a sentence becomes a claim; None = the model's calibrated one
    claim_budget:    claims listed per 1,000 words (never fewer than this per article), most check-worthy first;
                     None = every sentence over the threshold
    max_mb:          refuse inputs larger than this many megabytes
    timeout:         seconds an analysis may take before it stops with `AnalysisTimeout`; None = no limit
    url:             the original address of a local file or text (decides the outlet rating)
    home:            where collections live (default: $VERACITY_HOME or the user data dir)
    stages:          run exactly these stages instead of the ones the options above imply
    """

    corpora: tuple[str, ...] = ()
    factchecks: tuple[str, ...] = ()
    persuasion: bool = False
    claim_threshold: float | None = None
    claim_budget: float | None = 10.0
    max_mb: float = DEFAULT_MAX_MB
    timeout: float | None = DEFAULT_TIMEOUT_S
    url: str | None = None
    home: Path | None = None
    stages: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name in ("corpora", "factchecks", "stages"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise TypeError(f"{name} must be a list of names, not the string {value!r}")
            if value is not None:
                object.__setattr__(self, name, tuple(value))
        if self.home is not None:
            object.__setattr__(self, "home", Path(self.home))
        if self.url is not None and not _is_http_url(self.url):
            raise InputError(f"--url must be an http(s) address with a host, not {self.url!r}")
        if not (self.max_mb > 0 and math.isfinite(self.max_mb)):
            raise InputError(f"max_mb must be a positive number, not {self.max_mb!r}")
        if self.timeout is not None and not (self.timeout > 0 and math.isfinite(self.timeout)):
            raise InputError(f"timeout must be a positive number of seconds, not {self.timeout!r}")
        if self.claim_threshold is not None and not 0.0 <= self.claim_threshold <= 1.0:
            raise InputError(f"claim_threshold must be between 0 and 1, not {self.claim_threshold!r}")
        if self.claim_budget is not None and not 1 <= self.claim_budget <= 1000:
            raise InputError(f"claim_budget must be 1-1000 claims per 1,000 words, not {self.claim_budget!r}")

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * 1024 * 1024)

    @property
    def evidence(self) -> bool:
        return bool(self.corpora or self.factchecks)

    def replace(self, **changes: Any) -> AnalyzeOptions:
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise TypeError(f"unknown option(s) {sorted(unknown)}; known: {[f.name for f in fields(self)]}")
        return replace(self, **changes)


def _is_http_url(url: str) -> bool:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a malformed port
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # 'http://[::1' (unbalanced bracket), a port over 65535, ...
        return False
