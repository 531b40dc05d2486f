"""The `attribution` stage: who asserts each sentence, by which cue, quoted or reported, with hedges."""

from __future__ import annotations

from veracity.attribution.rules import attribute
from veracity.nlp import parse
from veracity.registry import stage
from veracity.schema import Report


class AttributionStage:
    name = "attribution"
    requires = frozenset({"sentences"})
    assigns = frozenset({"sentences[].attribution"})

    def __call__(self, report: Report) -> Report:
        doc = parse(report)
        # Keyed by where the sentence's text starts (after leading whitespace, as `Sentence.start` is): a miss
        # falls back to `char_span`, which scans the tokens, so misses on every sentence were quadratic.
        by_start = {s.start_char + len(s.text) - len(s.text.lstrip()): s for s in doc.sents}
        done, prev_sents = [], []
        for sentence in report.sentences:
            sent = by_start.get(sentence.start) or doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
            sentence.attribution = attribute(sent, done, prev_sents)
            done.append(sentence.attribution)
            prev_sents.append(sent)
        return report


stage("attribution")(AttributionStage)
