"""The `persuasion` stage: propaganda technique spans (SemEval-2020 task 11) with offsets into the text.

A token tagger (lab/persuasion/train.py; MiniLM, or on request MPNet-base) marks tokens inside propaganda; runs of
marked tokens become spans, and the technique classifier (persuasion/technique.py) labels each span.
"""

from __future__ import annotations

from veracity.options import PERSUASION_TAGGERS
from veracity.registry import stage
from veracity.schema import Report, TechniqueSpan


class PersuasionStage:
    name = "persuasion"
    requires = frozenset({"document.text"})
    assigns = frozenset({"spans"})

    def __init__(self, tagger: str = "fast") -> None:
        if tagger not in PERSUASION_TAGGERS:
            raise ValueError(f"persuasion tagger is one of {', '.join(PERSUASION_TAGGERS)}, not {tagger!r}")
        self.tagger = tagger

    def __call__(self, report: Report) -> Report:
        from veracity.nlp.bounds import analysed_end
        from veracity.persuasion.predict import get_tagger
        from veracity.persuasion.technique import get_technique_classifier

        text = report.document.text[: analysed_end(report.document.text)]  # the part the other stages analyse
        found = get_technique_classifier().label_text(text, get_tagger(self.tagger).tag(text))
        report.spans = [
            TechniqueSpan(text=text[s.start : s.end], start=s.start, end=s.end, technique=s.technique, score=s.score)
            for s in found
        ]
        return report


stage("persuasion")(PersuasionStage)
