"""Evidence sources: where the evidence for a claim comes from, behind one small interface.

A source turns claims into candidates with their provenance: passages (the verdict stage reads them sentence by
sentence) and prior fact-checks (weighed by their published rating). The user's corpora and fact-check collections
are the two built-in sources (evidence/collection_sources.py); another one — a search API, a Wikipedia dump — is a
module with a class that has `find` and one registration line:

    @evidence_source("wikipedia")
    def wikipedia(options: AnalyzeOptions) -> WikipediaSource | None:
        return WikipediaSource(...) if "wikipedia" in options.evidence_sources else None

and is asked for with `AnalyzeOptions(evidence_sources=["wikipedia"])` (`--evidence-source wikipedia`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from veracity.errors import InputError
from veracity.options import AnalyzeOptions
from veracity.schema import Claim, Evidence, FactCheckMatch


@dataclass
class Found:
    """What one source found for one claim, best first."""

    passages: list[Evidence] = field(default_factory=list)
    factchecks: list[FactCheckMatch] = field(default_factory=list)


@runtime_checkable
class EvidenceSource(Protocol):
    """Finds evidence for claims: one `Found` per claim, in the claims' order. A passage's `collection` names where
    it came from (a collection, or the source's own name); its `url`, `title` and `published` are its provenance."""

    name: str

    def find(self, claims: Sequence[Claim]) -> list[Found]: ...


SourceFactory = Callable[[AnalyzeOptions], EvidenceSource | None]
_FACTORIES: dict[str, SourceFactory] = {}


def evidence_source(name: str) -> Callable[[SourceFactory], SourceFactory]:
    """Register a source under `name`: its factory gets the options and returns the source, or None when these
    options do not ask for it. Sources are asked in registration order; their findings are listed in that order."""

    def register(factory: SourceFactory) -> SourceFactory:
        _FACTORIES[name] = factory
        return factory

    return register


def registered_sources() -> list[str]:
    return list(_FACTORIES)


def check_source_names(names: Sequence[str]) -> None:
    """InputError naming the unknown ones, unless every name is a registered source."""
    unknown = [n for n in names if n not in _FACTORIES]
    if unknown:
        raise InputError(f"unknown evidence source(s) {unknown}; known: {registered_sources()}")


def sources_for(options: AnalyzeOptions) -> list[EvidenceSource]:
    """The sources these options ask for (an unknown name in `evidence_sources` is an InputError)."""
    check_source_names(options.evidence_sources)
    sources = []
    for name, factory in _FACTORIES.items():
        source = factory(options)
        if source is not None:
            if not isinstance(source, EvidenceSource):
                raise TypeError(f"evidence source {name!r} has no `name` and `find(claims)`: {source!r}")
            sources.append(source)
    return sources
