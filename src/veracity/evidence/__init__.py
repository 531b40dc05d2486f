"""The `evidence` stage: for every claim, passages and matching prior fact-checks from each evidence source.

    Analyzer(options=AnalyzeOptions(corpora=["iraq"], factchecks=["snopes"]))

The sources (evidence/sources.py) are the user's corpora and fact-check collections (evidence/collection_sources.py)
and whatever else registered; their findings are listed in registration order.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from veracity.evidence import collection_sources  # noqa: F401  (registers the built-in sources)
from veracity.evidence.sources import EvidenceSource, sources_for
from veracity.options import AnalyzeOptions
from veracity.registry import stage
from veracity.schema import Report


class EvidenceStage:
    name = "evidence"
    requires = frozenset({"claims"})
    assigns = frozenset({"claims[].evidence", "claims[].factchecks"})

    def __init__(
        self,
        *,
        sources: Sequence[EvidenceSource] | None = None,
        corpora: Sequence[str] = (),
        factchecks: Sequence[str] = (),
        home: Path | None = None,
    ) -> None:
        """`sources`, or those the collection names ask for (`EvidenceStage(corpora=["iraq"])`)."""
        if sources is None:
            sources = sources_for(AnalyzeOptions(corpora=tuple(corpora), factchecks=tuple(factchecks), home=home))
        self.sources = list(sources)

    def __call__(self, report: Report) -> Report:
        if not report.claims or not self.sources:
            return report
        for source in self.sources:
            for claim, found in zip(report.claims, source.find(report.claims), strict=True):
                claim.evidence += found.passages
                claim.factchecks += found.factchecks
        return report


stage("evidence")(EvidenceStage)
