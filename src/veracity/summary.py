"""The `summary` stage: article-level counts and the claims a reader should look at first, all computed from the
report the earlier stages filled (no other stage writes into `report.summary`, except the claims threshold)."""

from __future__ import annotations

from collections import Counter

from veracity.registry import stage, was_assigned
from veracity.schema import VERDICT_LABELS, Report

TOP_CLAIMS = 5


class SummaryStage:
    name = "summary"
    requires = frozenset({"sentences"})
    assigns = frozenset({"summary"})

    def __call__(self, report: Report) -> Report:
        attributions = [s.attribution for s in report.sentences if s.attribution is not None]
        summary = report.summary
        summary.verdict_counts = verdict_counts(report)
        if was_assigned(report, "spans"):
            summary.persuasion_density, summary.technique_counts = persuasion_density(report)
        summary.n_sentences = len(report.sentences)
        summary.n_claims = len(report.claims)
        summary.n_attributed = sum(a.speaker_type != "author" for a in attributions)
        summary.n_anonymous = sum(a.anonymous for a in attributions)
        summary.n_hedged = sum(bool(a.hedges) for a in attributions)
        ranked = sorted(report.claims, key=lambda c: -c.checkworthiness)
        summary.top_claims = [c.id for c in ranked[:TOP_CLAIMS]]
        summary.assessment = assessment(report)
        return report


def plural(n: int, noun: str) -> str:
    """'1 claim', '2 claims'."""
    return f"{n} {noun if n == 1 else noun + 's'}"


def verdict_counts(report: Report) -> dict[str, int]:
    """Claims per verdict label, in the order the claims first reach each label."""
    counts: dict[str, int] = {}
    for c in report.claims:
        if c.verdict is not None:
            counts[c.verdict.label] = counts.get(c.verdict.label, 0) + 1
    return counts


def persuasion_density(report: Report) -> tuple[float, dict[str, int]]:
    """Share of the text's characters inside technique spans, and spans per technique (most frequent first)."""
    from veracity.persuasion.spans import merge_intervals

    covered = sum(e - s for s, e in merge_intervals([(s.start, s.end) for s in report.spans]))
    density = round(covered / max(len(report.document.text), 1), 4)
    return density, dict(Counter(s.technique for s in report.spans).most_common())


def assessment(report: Report) -> list[str]:
    """A few sentences a reader can check, never one opaque score: what the evidence says about the claims, how
    the outlet is rated and by whom, how much of the text uses persuasion techniques, how claims are sourced."""
    s, lines = report.summary, []
    if s.verdict_counts:
        n = sum(s.verdict_counts.values())
        parts = [f"{s.verdict_counts[k]} {k.replace('_', ' ')}" for k in VERDICT_LABELS if s.verdict_counts.get(k)]
        more = s.n_over_threshold - n
        verb = "passes" if more == 1 else "pass"
        scope = f" (the most check-worthy; {plural(more, 'more sentence')} {verb} the threshold)" if more > 0 else ""
        lines.append(f"Of {plural(n, 'check-worthy claim')} checked against the evidence{scope}: {', '.join(parts)}.")
        tentative = sum(1 for c in report.claims if c.verdict is not None and c.verdict.tentative)
        if tentative:
            lines.append(f"{tentative} of these verdict{'s are' if tentative > 1 else ' is'} tentative: the evidence "
                         "leans one way without clearing the bar for a confident verdict.")  # fmt: skip
        if s.verdict_counts.get("refuted"):
            lines.append("Refuted claims are listed with the passages or fact-checks that contradict them.")
    elif s.n_claims:
        found = ("1 check-worthy claim was found; it was not checked" if s.n_claims == 1
                 else f"{s.n_claims} check-worthy claims were found; none was checked")  # fmt: skip
        lines.append(f"{found} against evidence (choose evidence collections or fact-checks to get verdicts).")
    src = report.source
    if src is not None and src.score is not None:
        lines.append(f"The outlet ({src.domain}) is rated {src.label} in reliability (score {src.score:.2f} of 1; "
                     "Lin et al. 2023 aggregate of expert ratings).")  # fmt: skip
    elif src is not None:
        lines.append("The outlet is not in the reliability ratings; judge it by its claims.")
    if s.persuasion_density is not None:
        top = ", ".join(t.replace("_", " ").lower() for t in list(s.technique_counts)[:3])
        level = "high" if s.persuasion_density >= 0.15 else "moderate" if s.persuasion_density >= 0.05 else "low"
        detail = f" (mostly {top})" if top else ""
        lines.append(f"Persuasion techniques cover {s.persuasion_density:.0%} of the text{detail}: {level}.")
    if s.n_claims and s.n_anonymous:
        lines.append(f"{s.n_anonymous} statement{'s rest' if s.n_anonymous > 1 else ' rests'} on anonymous sources.")
    return lines


stage("summary")(SummaryStage)
