"""The `persuasion` stage: propaganda technique spans (SemEval-2020 task 11) with offsets into the text.

A MiniLM token tagger (persuasion/train.py) marks tokens inside propaganda and scores the 14 techniques; runs
of marked tokens become spans, labelled with the technique their tokens score highest on average.
"""

from __future__ import annotations

from veracity.registry import stage
from veracity.schema import Report, TechniqueSpan


class PersuasionStage:
    name = "persuasion"
    requires = frozenset({"document.text"})
    assigns = frozenset({"spans"})

    def __call__(self, report: Report) -> Report:
        from veracity.nlp.bounds import analysed_end
        from veracity.persuasion.predict import get_tagger
        from veracity.persuasion.technique import get_technique_classifier

        text = report.document.text[: analysed_end(report.document.text)]  # the part the other stages analyse
        found = get_technique_classifier().label_text(text, get_tagger().tag(text))
        report.spans = [
            TechniqueSpan(text=text[s.start : s.end], start=s.start, end=s.end, technique=s.technique, score=s.score)
            for s in found
        ]
        return report


stage("persuasion")(PersuasionStage)
