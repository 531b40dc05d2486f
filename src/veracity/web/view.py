"""The report page's view model: the article text cut into pieces that carry their claim and technique marks.

Built on the shared view model (render/view.py: claims, verdicts, evidence links, outlet rating, assessment) and
adds what only the interactive page shows: where each claim and technique span sits in the article, who says each
sentence (shown, not only on hover), and the two charts (web/charts.py). Claims carry the one numbering every
format shows (reading order). Text stays raw; the template autoescapes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from veracity.persuasion.spans import TECHNIQUES
from veracity.render.view import ClaimView, ReportView, build_view, claim_numbers, words
from veracity.schema import VERDICT_LABELS, Claim, Report
from veracity.web.charts import UNCHECKED, Strip, VerdictMix, checkworthiness_strip, verdict_mix

# A symbol beside each verdict colour (the verdict never rests on colour alone); "•" marks a claim not checked.
VERDICT_MARK = dict(zip(VERDICT_LABELS, "✓✗≠?", strict=True))


@dataclass(frozen=True)
class Piece:
    text: str
    technique: str | None = None  # in words, e.g. "Loaded Language"
    css: str = ""  # "t8": one colour per technique
    score: float = 0.0


@dataclass(frozen=True)
class Panel:
    """One claim: its anchor, its mark in the text and the shared ClaimView for the side panel."""

    anchor: str  # "claim-<id>"
    number: int  # 1-based, in reading order
    verdict: str  # a verdict label, or "unchecked" (no evidence given)
    mark: str  # a symbol beside the colour, so the verdict does not rest on colour alone
    claim: ClaimView
    tentative: bool = False  # a verdict below the confident level, or withheld with a leaning: drawn dashed
    cue: str = ""  # who says it and how, its hedges: shown in the panel


@dataclass(frozen=True)
class SentencePiece:
    """A stretch of the article: a sentence (with its claim and speaker, if any) or the space between two."""

    pieces: list[Piece]
    panel: Panel | None = None
    cue: str = ""  # speaker and hedges, shown on hover


@dataclass(frozen=True)
class Legend:
    technique: str
    css: str
    count: int


@dataclass(frozen=True)
class PageView:
    view: ReportView
    article: list[SentencePiece]
    panels: list[Panel]  # reading order
    legend: list[Legend]
    mix: VerdictMix
    strip: Strip

    @property
    def verdict_legend(self) -> list[tuple[str, str, str]]:
        """(label, words, mark) for every verdict and for a claim not checked."""
        unchecked = (UNCHECKED, "not checked (no evidence given)", "•")
        return [*((v, words(v), VERDICT_MARK[v]) for v in VERDICT_LABELS), unchecked]


def technique_css(technique: str) -> str:
    return f"t{TECHNIQUES.index(technique)}" if technique in TECHNIQUES else "tx"


def build_page(report: Report) -> PageView:
    text = report.document.text
    spans = _non_overlapping(report)
    view = build_view(report, documents_url="")  # evidence links to this server's document pages
    claim_views = {c.sentence_i: c for c in view.claims}
    claims: dict[int, Claim] = {c.sentence_i: c for c in report.claims}
    numbers = claim_numbers(report)
    cues = {s.i: _cue(s) for s in report.sentences}
    panels: dict[int, Panel] = {}
    for i in sorted(claims):
        claim = claims[i]
        verdict = claim.verdict.label if claim.verdict else UNCHECKED
        tentative = bool(claim.verdict and claim.verdict.tentative)
        mark = VERDICT_MARK.get(verdict, "•") + ("~" if tentative else "")
        panels[i] = Panel(f"claim-{claim.id}", numbers[claim.id], verdict, mark, claim_views[i], tentative,
                          cues.get(i, ""))  # fmt: skip
    article, at = [], 0
    for s in report.sentences:
        if s.start > at:
            article.append(SentencePiece(_pieces(text, at, s.start, spans)))
        article.append(SentencePiece(_pieces(text, s.start, s.end, spans), panels.get(s.i), cues[s.i]))
        at = max(at, s.end)
    if at < len(text):
        article.append(SentencePiece(_pieces(text, at, len(text), spans)))
    counts: dict[str, int] = {}
    for span in report.spans:
        counts[span.technique] = counts.get(span.technique, 0) + 1
    legend = [Legend(words(t), technique_css(t), n) for t, n in sorted(counts.items(), key=lambda x: -x[1])]
    ordered = [panels[i] for i in sorted(panels)]
    mix = verdict_mix([p.verdict for p in ordered])
    strip = checkworthiness_strip(report, {i: (p.verdict, p.anchor, p.number) for i, p in panels.items()})
    return PageView(view, article, ordered, legend, mix, strip)


def _non_overlapping(report: Report) -> list[tuple[int, int, str, float]]:
    """Technique spans in text order; of overlapping spans the first one is shown (as in the static report)."""
    out, at = [], 0
    for span in sorted(report.spans, key=lambda s: (s.start, -s.end)):
        if span.start >= at:
            out.append((span.start, span.end, span.technique, span.score))
            at = span.end
    return out


def _pieces(text: str, a: int, b: int, spans: list[tuple[int, int, str, float]]) -> list[Piece]:
    """text[a:b] cut where technique spans begin and end (a span crossing a sentence end is cut there too)."""
    out, at = [], a
    for start, end, technique, score in spans:
        if end <= a or start >= b:
            continue
        start, end = max(start, a), min(end, b)
        if start > at:
            out.append(Piece(text[at:start]))
        out.append(Piece(text[start:end], words(technique), technique_css(technique), score))
        at = end
    if at < b:
        out.append(Piece(text[at:b]))
    return out


def _cue(sentence) -> str:
    a = sentence.attribution
    if a is None:
        return ""
    parts = []
    if a.speaker_type != "author":
        parts.append(f"{a.speaker} ({words(a.speaker_type)}, {words(a.mode)}" + (f", “{a.cue}”)" if a.cue else ")"))
    if a.anonymous:
        parts.append("anonymous source")
    if a.hedges:
        parts.append("hedged: " + ", ".join(a.hedges))
    return "; ".join(parts)
