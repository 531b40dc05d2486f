"""The whole flow on one screen, and the one front door `analyze()`.

    article ─► ingest.load_source ─► Document ─► Analyzer([nlp, attribution, claims, (decompose,) (evidence,
                                                           verdict,) (persuasion,) source, summary]) ─► Report

(the `source` stage rates the outlet: it fills `Report.source`; evidence comes from evidence sources,
evidence/sources.py).

`decompose` runs only when an LLM is configured (sub-claims and search questions); the verdict stage then asks it
too. Without one, nothing is sent anywhere.

Stages register themselves in `veracity.registry` (they never import this module); the Analyzer imports the
built-in stage modules, builds the stages from `AnalyzeOptions` and checks their contracts once, when built.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Iterable, Iterator
from typing import IO, Any

from veracity.budget import Deadline, alarm
from veracity.errors import StageError, VeracityError
from veracity.options import AnalyzeOptions
from veracity.registry import Stage, check_pipeline, factory, registered, stage
from veracity.schema import Document, Report

__all__ = ["DEFAULT_STAGES", "AnalyzeOptions", "Analyzer", "ArticleInput", "analyze", "stage", "stages_for"]

DEFAULT_STAGES = ("nlp", "attribution", "claims", "source", "summary")
# The modules whose import registers the built-in stages.
BUILTIN_STAGE_MODULES = (
    "veracity.nlp",
    "veracity.attribution",
    "veracity.claims",
    "veracity.persuasion",
    "veracity.outlets",
    "veracity.evidence",
    "veracity.verify",
    "veracity.verify.decompose",
    "veracity.summary",
)

ArticleInput = str | os.PathLike[str] | bytes | bytearray | IO[Any]


def register_builtin_stages() -> None:
    """Idempotent: importing a stage module runs its registration; heavy libraries load lazily inside stages."""
    for module in BUILTIN_STAGE_MODULES:
        importlib.import_module(module)


def stage_name_error(names: Iterable[str]) -> str | None:
    """What is wrong with these stage names (None: every one is registered). Order is the Analyzer's to check."""
    register_builtin_stages()
    unknown = [n for n in names if n not in registered()]
    return f"unknown stage(s) {unknown}; known: {sorted(registered())}" if unknown else None


def stages_for(*, persuasion: bool = False, evidence: bool = False, decompose: bool = False) -> list[str]:
    """The default stages, plus persuasion (opt-in until its models meet issue 5's bar), evidence and verdicts
    (after claims) when collections are given, and the LLM's decomposition before evidence when asked for."""
    names = list(DEFAULT_STAGES)
    if persuasion:
        names.insert(names.index("source"), "persuasion")
    if evidence:
        at = names.index("claims") + 1
        names[at:at] = ["decompose", "evidence", "verdict"] if decompose else ["evidence", "verdict"]
    return names


def _plans_with_llm(options: AnalyzeOptions) -> bool:
    llm = options.llm
    return llm is not None and bool(llm.uses & {"decompose", "questions"})


def stage_config(options: AnalyzeOptions) -> dict[str, dict[str, Any]]:
    """Per-stage keyword arguments implied by the options."""
    config: dict[str, dict[str, Any]] = {}
    if options.evidence:
        from veracity.evidence.sources import sources_for

        config["evidence"] = {"sources": sources_for(options)}
        config["verdict"] = {"verifier": options.verifier, "home": options.home}
        if (llm := options.llm) is not None:
            config["decompose"] = {"llm": llm}
            config["verdict"]["llm"] = llm if "verdict" in llm.uses else None
    config["claims"] = {"threshold": options.claim_threshold, "budget": options.claim_budget}
    config["persuasion"] = {"tagger": options.persuasion_tagger}
    return config


class Analyzer:
    """Runs stages over reports. Build it once (from options, or from explicit stage names and config) and reuse
    it: models load on first use and stay loaded.

        analyzer = Analyzer(options=AnalyzeOptions(corpora=("iraq",)))
        for report in analyzer.pipe(["a.txt", "b.html", b"<html>..."]): ...
    """

    def __init__(
        self,
        stages: Iterable[str] | None = None,
        config: dict[str, dict[str, Any]] | None = None,
        *,
        options: AnalyzeOptions | None = None,
    ) -> None:
        register_builtin_stages()
        self.options = options or AnalyzeOptions()
        if stages is None:
            stages = self.options.stages or stages_for(persuasion=self.options.persuasion,
                                                       evidence=self.options.evidence,
                                                       decompose=_plans_with_llm(self.options))  # fmt: skip
        names = list(stages)
        if config is None:
            config = {k: v for k, v in stage_config(self.options).items() if k in names}
        if error := stage_name_error([*names, *config]):
            raise ValueError(error)
        self.stages: list[Stage] = [factory(n)(**config.get(n, {})) for n in names]
        self.assigned = check_pipeline(self.stages)

    @property
    def stage_names(self) -> list[str]:
        return [s.name for s in self.stages]

    def __call__(
        self,
        source: ArticleInput | Document | None = None,
        *,
        text: str | None = None,
        path: str | os.PathLike[str] | None = None,
        url: str | None = None,
    ) -> Report:
        """Analyze one source (see `analyze`) or an already ingested `Document`, within `options.timeout`."""
        deadline = Deadline(self.options.timeout)
        if isinstance(source, Document):
            return self.run(source, deadline=deadline)
        from veracity.ingest import load_source

        if url is not None:
            AnalyzeOptions(url=url)  # validates it
        t0 = time.perf_counter()
        with alarm(deadline, "ingest"):
            document = load_source(source, text=text, path=path, url=url or self.options.url,
                                   max_bytes=self.options.max_bytes)  # fmt: skip
        deadline.check("ingest")
        ingest_ms = (time.perf_counter() - t0) * 1000
        report = self.run(document, deadline=deadline)
        report.timings_ms = {"ingest": round(ingest_ms, 2), **report.timings_ms}
        return report

    def run(self, document: Document, *, deadline: Deadline | None = None) -> Report:
        """Run the stages over an ingested document; each stage starts only while `deadline` has time left."""
        deadline = deadline or Deadline(self.options.timeout)
        report = Report(document=document)
        report.cache["deadline"] = deadline
        if document.language and document.language != "en":
            report.warnings.append(
                f"language detected as {document.language!r}: the models are English-only, results may be poor"
            )
        assigned: set[str] = {"document"}
        report.cache["assigned"] = assigned
        for s in self.stages:
            t0 = time.perf_counter()
            deadline.check(f"stage {s.name!r}")
            try:
                with alarm(deadline, f"stage {s.name!r}"):
                    out = s(report)
                deadline.check(f"stage {s.name!r}")  # in case a library swallowed the alarm's exception
            except VeracityError:
                raise
            except Exception as exc:  # a bug or a model failure: name the stage that broke
                raise StageError(s.name, exc) from exc
            if not isinstance(out, Report):
                raise StageError(s.name, TypeError(f"returned {type(out).__name__}, not Report"))
            report = out
            assigned |= s.assigns
            report.timings_ms[s.name] = round((time.perf_counter() - t0) * 1000, 2)
        return report

    def pipe(self, sources: Iterable[ArticleInput | Document]) -> Iterator[Report]:
        """Analyze many sources with the same stages and models, one report each, in order."""
        for source in sources:
            yield self(source)


def analyze(
    source: ArticleInput | None = None,
    *,
    text: str | None = None,
    path: str | os.PathLike[str] | None = None,
    options: AnalyzeOptions | None = None,
    analyzer: Analyzer | None = None,
    **overrides: Any,
) -> Report:
    """Analyze one article and return its Report: the one front door (the CLI and benchmarks call it too).

    `source` is a path (str or Path), an http(s) URL, '-' for stdin, the article text or HTML itself, bytes, or a
    file object. A string names a file when such a file exists or it is one line ending in a file suffix
    (.txt, .html, .md, ...); `text=` or `path=` say which when that is ambiguous.

    `options` (an `AnalyzeOptions`) or keyword overrides (`corpora=["iraq"]`, `url=...`, `persuasion=True`, ...)
    say how. Pass `analyzer=` to reuse one Analyzer (and its loaded models) across calls; its options then apply,
    and only `url=` may vary per call.
    """
    if analyzer is not None:
        url = overrides.pop("url", None)
        if options is not None or overrides:
            raise TypeError("with analyzer=, give the options to the Analyzer (only url= may vary per call)")
        return analyzer(source, text=text, path=path, url=url)
    options = (options or AnalyzeOptions()).replace(**overrides) if overrides else options
    return Analyzer(options=options)(source, text=text, path=path)
