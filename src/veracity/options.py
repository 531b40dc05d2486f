"""`AnalyzeOptions`: everything that decides how an article is analysed, folded once into a frozen object, and
`OPTION_TABLE`: how each field is reached from `veracity analyze`, `veracity batch` and the web, with the bounds
every one of them applies (the CLI flags and the web's request model are made from it: bounds are written once).

Ground floor: a plain dataclass (no pydantic, no typer), so front ends can build it without importing the models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

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
class OptionSpec:
    """How the front ends reach one `AnalyzeOptions` field, and its numeric bounds (inclusive; None: unbounded)."""

    flag: str | None  # the `analyze` and `batch` flag; None: no flag (set from `env` only)
    help: str  # the flag's help and the web field's description
    min: float | None = None
    max: float | None = None
    unit: str = ""  # named in the error message ("seconds")
    many: bool = False  # a list: the flag repeats, the request field is a list
    # "request": each web request may set it (as `web_name`, else the field's name); "server": `veracity serve`
    # sets it for every analysis (its flag `web_name`, else `flag`; or `env`).
    web: Literal["request", "server"] = "request"
    web_name: str | None = None
    batch_flag: str | None = None  # batch's way to it, when not `flag`
    env: str | None = None  # an environment variable that sets it (in every front end)

    @property
    def bounded(self) -> bool:
        return self.min is not None or self.max is not None

    def check(self, name: str, value: float) -> None:
        """InputError unless `value` is a finite number within the bounds."""
        ok = isinstance(value, int | float) and math.isfinite(value)
        if not (ok and (self.min is None or value >= self.min) and (self.max is None or value <= self.max)):
            if self.min is not None and self.max is not None:
                allowed = f"between {self.min:g} and {self.max:g}{' ' + self.unit if self.unit else ''}"
            else:  # say "finite": infinity is "at least 0.1" too
                limit = f"at least {self.min:g}" if self.min is not None else f"at most {self.max:g}"
                allowed = f"a finite number{' of ' + self.unit if self.unit else ''}, {limit}"
            raise InputError(f"{name} must be {allowed}, not {value!r}")


_LLM_ONLY = "With --llm-url only."
OPTION_TABLE: dict[str, OptionSpec] = {
    "corpora": OptionSpec(flag="--corpus", many=True,
                          help="Search this evidence collection for every claim (`veracity corpus add`)."),
    "factchecks": OptionSpec(flag="--factchecks", many=True, help="Match claims against this fact-check "
                             "collection (`veracity factchecks import`)."),
    "evidence_sources": OptionSpec(flag="--evidence-source", many=True, help="Also search this evidence source, "
                                   "by the name it registered under (a search API, a dump)."),
    "persuasion": OptionSpec(flag="--persuasion",
                             help="Mark propaganda technique spans (SemEval-2020 task 11 models; experimental)."),
    "persuasion_tagger": OptionSpec(flag="--persuasion-tagger", help="The propaganda span tagger: fast (MiniLM) or "
                                    "accurate (MPNet-base: the persuasion stage takes ~2.8x as long; "
                                    "models/README.md). In analyze and batch: with --persuasion."),
    "claim_threshold": OptionSpec(flag="--claim-threshold", min=0.0, max=1.0, help="Check-worthiness from which a "
                                  "sentence is a claim (unset: the model's calibrated threshold)."),
    "claim_budget": OptionSpec(flag="--claim-budget", min=1.0, max=1000.0, unit="claims per 1,000 words",
                               help="Check only this many claims per 1,000 words (never fewer per article), most "
                               "check-worthy first (unset: every sentence over the threshold)."),
    "verifier": OptionSpec(flag="--verifier", help="fast (the shipped MiniLM student) or accurate (the MPNet-base "
                           "teacher, ~6x slower)."),
    # Sizes and seconds must be positive: their floors lie below any real use (the bounds are inclusive, the one
    # kind every front end can state: typer's min, pydantic's ge).
    "max_mb": OptionSpec(flag="--max-mb", min=0.001, unit="megabytes", web="server",
                         help="Refuse inputs larger than this many megabytes."),
    "timeout": OptionSpec(flag="--timeout", min=0.1, unit="seconds", web="server",
                          help="Stop the analysis with an error (exit 5) after this many seconds."),
    # One article's address; batch reads one per input from a column, the web request calls it original_url.
    "url": OptionSpec(flag="--url", batch_flag="--url-column", web_name="original_url",
                      help="The original address of a local file or of pasted text (decides the outlet rating)."),
    "home": OptionSpec(flag="--home", web="server",
                       help="Where collections live (default: $VERACITY_HOME or the user data dir)."),
    "stages": OptionSpec(flag="--stage", many=True, help="Run exactly these stages, in this order, instead of "
                         "those the other options imply (e.g. nlp, attribution, claims)."),
    "llm_url": OptionSpec(flag="--llm-url", env="VERACITY_LLM_URL", web="server",
                          help="An OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1 (llama.cpp) or "
                          "http://127.0.0.1:11434/v1 (Ollama). Unset: no LLM, nothing is sent anywhere."),
    "llm_model": OptionSpec(flag="--llm-model", env="VERACITY_LLM_MODEL", web="server",
                            help="The model name the server knows."),
    # A secret: never a flag (it would show in `ps` and shell histories), never stored in reports or the cache.
    "llm_api_key": OptionSpec(flag=None, env="VERACITY_LLM_API_KEY", web="server",
                              help="Sent to the LLM server as a bearer token."),
    "llm_uses": OptionSpec(flag="--llm-use", many=True, web="server", help="What the LLM does: decompose, "
                           f"questions, verdict (default: all three). {_LLM_ONLY}"),
    "llm_timeout": OptionSpec(flag="--llm-timeout", min=0.1, unit="seconds", web="server",
                              help=f"Seconds per LLM request before the local models decide. {_LLM_ONLY}"),
    "llm_cache": OptionSpec(flag="--llm-cache", web="server",
                            help=f"Keep valid LLM answers in <home>/llm-cache.sqlite3. {_LLM_ONLY}"),
}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AnalyzeOptions:
    """How to analyse. Variants come from `options.replace(...)`; an options object is never mutated. What each
    field means, its bounds and its flags: `OPTION_TABLE`. In short:

    corpora, factchecks, evidence_sources: where evidence for the claims is searched (none: no evidence stages)
    persuasion, persuasion_tagger: mark propaganda technique spans, with the fast or the accurate tagger
    claim_threshold, claim_budget: which sentences become claims (None: the model's threshold; every claim)
    verifier:        "fast" (the shipped MiniLM student) or "accurate" (the MPNet-base teacher, when installed)
    max_mb, timeout: refuse larger inputs; stop with `AnalysisTimeout` after this many seconds (None = no limit)
    url:             the original address of a local file or text (decides the outlet rating)
    home:            where collections live (default: $VERACITY_HOME or the user data dir)
    stages:          run exactly these stages instead of the ones the options above imply
    llm_*:           an optional OpenAI-compatible server (None = no LLM, nothing sent); the key is never shown
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
        for name, spec in OPTION_TABLE.items():
            value = getattr(self, name)
            if spec.many:
                if isinstance(value, str):
                    raise TypeError(f"{name} must be a list of names, not the string {value!r}")
                if value is not None:
                    object.__setattr__(self, name, tuple(value))
            elif spec.bounded and value is not None:
                spec.check(name, value)
        if self.home is not None:
            object.__setattr__(self, "home", Path(self.home))
        if self.url is not None and not _is_http_url(self.url):
            raise InputError(f"--url must be an http(s) address with a host, not {self.url!r}")
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
