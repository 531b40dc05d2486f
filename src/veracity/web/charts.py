"""Two small charts for the report page, drawn on the server as inline SVG (no script, no CDN, no inline style: the
colours come from classes in static/app.css, so the page's Content-Security-Policy holds).

- the verdict mix: one bar, a segment per verdict (and one for claims not checked), widths by count;
- the check-worthiness strip: a column per sentence, its height the sentence's score, claims coloured by verdict
  and linked to their panel, with the threshold drawn across.
"""

from __future__ import annotations

from dataclasses import dataclass

from veracity.render.view import words
from veracity.schema import VERDICT_LABELS, Report

UNCHECKED = "unchecked"  # the page's own label for a claim no evidence was given for
VERDICTS = (*((label, words(label)) for label in VERDICT_LABELS), (UNCHECKED, "not checked"))
STRIP_HEIGHT = 40.0
COLUMN, GAP = 3.0, 1.0


@dataclass(frozen=True)
class Segment:
    label: str  # a verdict label, or "unchecked": the CSS class v-<label>
    text: str
    count: int
    x: float  # in a 0-100 wide box
    width: float


@dataclass(frozen=True)
class VerdictMix:
    total: int
    segments: list[Segment]  # verdicts with at least one claim, in VERDICTS order
    words: str  # the chart in words, for screen readers and as its title


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    height: float
    css: str  # "v-<verdict>" for a claim, "over" above the threshold, else "under"
    title: str
    anchor: str | None  # the claim's panel, for a claim


@dataclass(frozen=True)
class Strip:
    width: float
    height: float
    columns: list[Column]
    threshold_y: float | None
    words: str


def verdict_mix(labels: list[str]) -> VerdictMix:
    """`labels`: each claim's verdict label, or "unchecked"."""
    segments, x, total = [], 0.0, len(labels)
    for label, text in VERDICTS:
        count = labels.count(label)
        if count:
            width = 100.0 * count / total
            segments.append(Segment(label, text, count, round(x, 3), round(width, 3)))
            x += width
    words = "; ".join(f"{s.count} {s.text}" for s in segments) or "no claims"
    return VerdictMix(total, segments, f"Verdicts of {total} claim{'' if total == 1 else 's'}: {words}")


def checkworthiness_strip(report: Report, claims: dict[int, tuple[str, str, int]]) -> Strip:
    """`claims`: sentence index -> (verdict label or "unchecked", panel anchor, claim number)."""
    threshold = report.summary.claim_threshold
    columns = []
    for k, s in enumerate(report.sentences):
        score = s.checkworthiness or 0.0
        height = max(0.5, STRIP_HEIGHT * score)
        x = k * (COLUMN + GAP)
        claim = claims.get(s.i)
        if claim is not None:
            label, anchor, number = claim
            css, title = f"v-{label}", f"claim {number}, sentence {k + 1}: check-worthiness {score:.2f}"
        else:
            over = threshold is not None and score >= threshold
            css, title, anchor = ("over" if over else "under"), f"sentence {k + 1}: check-worthiness {score:.2f}", None
        columns.append(Column(round(x, 3), round(STRIP_HEIGHT - height, 3), round(height, 3), css, title, anchor))
    width = max(COLUMN, len(columns) * (COLUMN + GAP) - GAP)
    line = None if threshold is None else round(STRIP_HEIGHT * (1 - threshold), 3)
    over = sum(1 for s in report.sentences if threshold is not None and (s.checkworthiness or 0) >= threshold)
    words = (f"Check-worthiness of {len(columns)} sentences in reading order; {over} over the threshold"
             + (f" ({threshold:.2f})" if threshold is not None else "") + f", {len(claims)} of them claims")
    return Strip(width, STRIP_HEIGHT, columns, line, words)
