"""The whole flow on one screen: ingest a source into a Document, then run named stages over one Report.

    source ─► ingest.load_document ─► Document ─► Analyzer([nlp, attribution, claims, (evidence, verdict,)
                                                             (persuasion,) source, summary]) ─► Report

A stage is a small object with `name`, `requires`, `assigns` and `__call__(report) -> report`. Stages are
registered by name with `@stage(...)`; the Analyzer checks their order once, when it is built.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from veracity.errors import StageError, VeracityError
from veracity.schema import Document, Report

DEFAULT_STAGES = ("nlp", "attribution", "claims", "source", "summary")


def stages_for(*, persuasion: bool = False, evidence: bool = False) -> list[str]:
    """The default stages, plus persuasion (opt-in until its models meet issue 5's bar) and evidence and verdicts
    (after claims) when collections are given."""
    names = list(DEFAULT_STAGES)
    if persuasion:
        names.insert(names.index("source"), "persuasion")
    if evidence:
        at = names.index("claims") + 1
        names[at:at] = ["evidence", "verdict"]
    return names


class Stage(Protocol):
    name: str
    requires: frozenset[str]
    assigns: frozenset[str]

    def __call__(self, report: Report) -> Report: ...


_REGISTRY: dict[str, Callable[..., Stage]] = {}


def stage(name: str) -> Callable[[Callable[..., Stage]], Callable[..., Stage]]:
    """Register a stage factory under `name`; its keyword arguments come from the Analyzer's `config[name]`.
    Re-registering the same factory is a no-op."""

    def register(factory: Callable[..., Stage]) -> Callable[..., Stage]:
        known = _REGISTRY.get(name)
        if known is not None and known is not factory:
            raise ValueError(f"a different stage is already registered as {name!r}")
        _REGISTRY[name] = factory
        return factory

    return register


def _register_builtin_stages() -> None:
    # Importing the stage modules runs their @stage decorators; heavy libraries load lazily inside them.
    from veracity import attribution, claims, evidence, nlp, persuasion, sources, summary, verify  # noqa: F401


def check_order(stages: Iterable[Stage]) -> None:
    """Fail early if a stage needs something no earlier stage assigns."""
    assigned: set[str] = {"document"}
    for s in stages:
        missing = s.requires - assigned
        if missing:
            raise ValueError(f"stage {s.name!r} requires {sorted(missing)} which no earlier stage assigns")
        assigned |= s.assigns


class Analyzer:
    """Runs stages over reports. Build it once and reuse it: models load on first use and stay loaded."""

    def __init__(self, stages: Iterable[str] = DEFAULT_STAGES, config: dict[str, dict[str, Any]] | None = None) -> None:
        _register_builtin_stages()
        stages, config = list(stages), config or {}
        unknown = [n for n in [*stages, *config] if n not in _REGISTRY]
        if unknown:
            raise ValueError(f"unknown stage(s) {unknown}; known: {sorted(_REGISTRY)}")
        self.stages: list[Stage] = [_REGISTRY[n](**config.get(n, {})) for n in stages]
        check_order(self.stages)

    @property
    def stage_names(self) -> list[str]:
        return [s.name for s in self.stages]

    def __call__(self, document: Document) -> Report:
        report = Report(document=document)
        if document.language and document.language != "en":
            report.warnings.append(
                f"language detected as {document.language!r}: the models are English-only, results may be poor"
            )
        for s in self.stages:
            t0 = time.perf_counter()
            try:
                out = s(report)
            except VeracityError:
                raise
            except Exception as exc:  # a bug or a model failure: name the stage that broke
                raise StageError(s.name, exc) from exc
            if not isinstance(out, Report):
                raise StageError(s.name, TypeError(f"returned {type(out).__name__}, not Report"))
            report = out
            report.timings_ms[s.name] = round((time.perf_counter() - t0) * 1000, 2)
        return report

    def pipe(self, documents: Iterable[Document]) -> Iterator[Report]:
        for doc in documents:
            yield self(doc)


def analyze(source: str | bytes, *, url: str | None = None, analyzer: Analyzer | None = None) -> Report:
    """Analyze one article: a path, '-' for stdin, an http(s) URL, or the raw text/HTML as bytes."""
    from veracity.ingest import load_document

    t0 = time.perf_counter()
    document = load_document(source, url=url)
    ingest_ms = (time.perf_counter() - t0) * 1000
    report = (analyzer or Analyzer())(document)
    report.timings_ms = {"ingest": round(ingest_ms, 2), **report.timings_ms}
    return report
