"""The persuasion stage with the shipped models (opt-in: not in the default pipeline yet, see issue 5)."""

from __future__ import annotations

from conftest import EXAMPLE
from veracity.persuasion.spans import TECHNIQUES


def test_spans_round_trip_to_the_text_and_never_cut_words():
    from veracity.ingest import load_document
    from veracity.pipeline import Analyzer

    text = (
        "The corrupt, treasonous elites are destroying our great nation and lying to every patriot.\n"
        "Only a fool would believe the fake news media, who hate you and everything you stand for!\n"
    )
    analyzer = Analyzer(["nlp", "persuasion", "summary"])
    for document in (load_document(text.encode()), load_document(str(EXAMPLE))):
        report = analyzer(document)
        body = report.document.text
        for span in report.spans:
            assert body[span.start : span.end] == span.text and span.technique in TECHNIQUES and 0 <= span.score <= 1
            assert not (span.start > 0 and body[span.start - 1].isalnum() and body[span.start].isalnum())
            assert not (span.end < len(body) and body[span.end - 1].isalnum() and body[span.end].isalnum())
        assert report.summary.persuasion_density is not None  # the summary computes it from the spans
    assert analyzer(load_document(text.encode())).spans  # this text is loaded throughout
