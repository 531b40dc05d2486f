"""What a persuasion span is: the 14 technique names of SemEval-2020 task 11, a labelled span, interval merging.

The product's side of the task; reading the corpus and scoring predictions live in `veracity.lab.persuasion`.
"""

from __future__ import annotations

from dataclasses import dataclass

TECHNIQUES = (
    "Appeal_to_Authority", "Appeal_to_fear-prejudice", "Bandwagon,Reductio_ad_hitlerum", "Black-and-White_Fallacy",
    "Causal_Oversimplification", "Doubt", "Exaggeration,Minimisation", "Flag-Waving", "Loaded_Language",
    "Name_Calling,Labeling", "Repetition", "Slogans", "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)  # fmt: skip


@dataclass(frozen=True)
class LabelledSpan:
    article_id: str
    start: int
    end: int
    technique: str | None = None  # None for SI (span only)
    score: float | None = None  # the tagger's mean "inside" probability, for predictions


def merge_intervals(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching (start, end) intervals merged into one, sorted."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
