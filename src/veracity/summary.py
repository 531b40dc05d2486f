"""The `summary` stage: article-level counts and the claims a reader should look at first."""

from __future__ import annotations

from veracity.pipeline import stage
from veracity.schema import Report

TOP_CLAIMS = 5


class SummaryStage:
    name = "summary"
    requires = frozenset({"sentences"})
    assigns = frozenset({"summary"})

    def __call__(self, report: Report) -> Report:
        attributions = [s.attribution for s in report.sentences if s.attribution is not None]
        summary = report.summary
        summary.n_sentences = len(report.sentences)
        summary.n_claims = len(report.claims)
        summary.n_attributed = sum(a.speaker_type != "author" for a in attributions)
        summary.n_anonymous = sum(a.anonymous for a in attributions)
        summary.n_hedged = sum(bool(a.hedges) for a in attributions)
        ranked = sorted(report.claims, key=lambda c: -c.checkworthiness)
        summary.top_claims = [c.id for c in ranked[:TOP_CLAIMS]]
        return report


stage("summary")(SummaryStage)
