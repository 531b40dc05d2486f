"""`AnalyzeOptions`: everything that decides how an article is analysed, folded once into a frozen object.

Ground floor: a plain dataclass (no pydantic), so front ends can build it without importing the models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from veracity.errors import InputError
from veracity.home import veracity_home
from veracity.llm import DEFAULT_TIMEOUT_S as DEFAULT_LLM_TIMEOUT_S
from veracity.llm import USES as LLM_USES
from veracity.llm import LLMConfig

DEFAULT_MAX_MB = 10.0
DEFAULT_BUDGET = 10.0  # claims per 1,000 words in batch and the server (one article: every claim)
VERIFIERS = ("fast", "accurate")
PERSUASION_TAGGERS = ("fast", "accurate")
# Seconds one analysis may take. Generous: a 10 MB input within every bound (nlp/bounds.py) takes ~30 s on 2 cores.
DEFAULT_TIMEOUT_S = 300.0


@dataclass(frozen=True, kw_only=True)
class AnalyzeOptions:
    """How to analyse. Variants come from `options.replace(...)`; an options object is never mutated.

    corpora:         evidence collections to search for every claim (`veracity corpus add`)
    factchecks:      fact-check collections to match claims against (`veracity factchecks import`)
    evidence_sources: further evidence sources by the name they registered under (veracity.evidence.sources:
                     a search API, a dump); corpora and factchecks are the two built-in ones
    persuasion:      mark propaganda technique spans (experimental)
    persuasion_tagger: "fast" (the shipped MiniLM tagger) or "accurate" (the MPNet-base tagger: ~2.8x the stage);
                     needs persuasion
    claim_threshold: check-worthiness from which a sentence becomes a claim; None = the model's calibrated one
    claim_budget:    claims listed per 1,000 words (never fewer than this per article), most check-worthy first;
                     None (the default for one article) = every sentence over the threshold; batch and the
                     server use 10
    verifier:        "fast" (the shipped MiniLM student) or "accurate" (the MPNet-base teacher, when installed)
    max_mb:          refuse inputs larger than this many megabytes
    timeout:         seconds an analysis may take before it stops with `AnalysisTimeout`; None = no limit
    url:             the original address of a local file or text (decides the outlet rating)
    home:            where collections live (default: $VERACITY_HOME or the user data dir)
    stages:          run exactly these stages instead of the ones the options above imply
    llm_url:         an OpenAI-compatible server (e.g. http://127.0.0.1:8080/v1); None = no LLM, nothing sent
    llm_model:       the model name the server knows (required with llm_url)
    llm_api_key:     sent as a bearer token (never stored in reports or the cache)
    llm_uses:        which of "decompose", "questions", "verdict" the LLM does (with evidence only)
    llm_timeout:     seconds per LLM request before the local models decide instead
    llm_cache:       keep valid LLM answers in <home>/llm-cache.sqlite3 (a re-run sends nothing)
    """

    corpora: tuple[str, ...] = ()
    factchecks: tuple[str, ...] = ()
    evidence_sources: tuple[str, ...] = ()
    persuasion: bool = False
    persuasion_tagger: str = "fast"
    claim_threshold: float | None = None
    claim_budget: float | None = None
    verifier: str = "fast"
    max_mb: float = DEFAULT_MAX_MB
    timeout: float | None = DEFAULT_TIMEOUT_S
    url: str | None = None
    home: Path | None = None
    stages: tuple[str, ...] | None = None
    llm_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    llm_uses: tuple[str, ...] = LLM_USES
    llm_timeout: float = DEFAULT_LLM_TIMEOUT_S
    llm_cache: bool = True

    def __post_init__(self) -> None:
        for name in ("corpora", "factchecks", "evidence_sources", "stages", "llm_uses"):
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
        if self.verifier not in VERIFIERS:
            raise InputError(f"verifier must be one of {', '.join(VERIFIERS)}, not {self.verifier!r}")
        if self.persuasion_tagger not in PERSUASION_TAGGERS:
            raise InputError(f"persuasion_tagger must be one of {', '.join(PERSUASION_TAGGERS)}, "
                             f"not {self.persuasion_tagger!r}")  # fmt: skip
        if self.persuasion_tagger != "fast" and not (self.persuasion or "persuasion" in (self.stages or ())):
            raise InputError("--persuasion-tagger chooses the model of the persuasion stage: add --persuasion")
        self._check_llm()

    def _check_llm(self) -> None:
        if self.llm_url is not None and not _is_http_url(self.llm_url):
            raise InputError(f"--llm-url must be an http(s) address with a host, not {self.llm_url!r}")
        if self.llm_url and not (self.llm_model or "").strip():
            raise InputError("--llm-model is required with --llm-url (llama.cpp's server accepts any name)")
        if self.llm_model and not self.llm_url:
            raise InputError("--llm-model was given without --llm-url: which server should answer?")
        unknown = sorted(set(self.llm_uses) - set(LLM_USES))
        if unknown:
            raise InputError(f"unknown --llm-use {unknown}; known: {list(LLM_USES)}")
        if not (self.llm_timeout > 0 and math.isfinite(self.llm_timeout)):
            raise InputError(f"llm_timeout must be a positive number of seconds, not {self.llm_timeout!r}")

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * 1024 * 1024)

    @property
    def evidence(self) -> bool:
        return bool(self.corpora or self.factchecks or self.evidence_sources)

    @property
    def llm(self) -> LLMConfig | None:
        """The LLM configuration, or None when no LLM is configured (then nothing is ever sent anywhere)."""
        if not self.llm_url or not self.llm_model:
            return None
        return LLMConfig(url=self.llm_url, model=self.llm_model, api_key=self.llm_api_key,
                         uses=frozenset(self.llm_uses), timeout=self.llm_timeout,
                         cache_dir=veracity_home(self.home) if self.llm_cache else None)  # fmt: skip

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
