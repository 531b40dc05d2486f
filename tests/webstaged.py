"""Fakes for the web tests of issue 29: an analyzer with named stages (so the job API can say which one is at work,
and a cancelled job can stop between two), and a report whose evidence cites a stored document."""

from __future__ import annotations

import time

from veracity.schema import Document, Evidence, EvidenceSentence, Report, Verdict
from webfakes import hostile_report

NOTE = ("Canada's defence minister said the mission would end in 2017.\n\n"
        "In October 2016 Canada had 207 soldiers in northern Iraq. Most of them trained Kurdish forces.")  # fmt: skip
CITED = "In October 2016 Canada had 207 soldiers in northern Iraq."


class SlowStage:
    """Sleeps as long as `durations[name]` says (the 'work'), records that it ran."""

    def __init__(self, name: str, durations: dict[str, float], ran: list[str]) -> None:
        self.name, self.durations, self.ran = name, durations, ran
        self.requires = self.assigns = frozenset()

    def __call__(self, report):
        self.ran.append(self.name)
        time.sleep(self.durations.get(self.name, 0.0))
        return report


class StagedAnalyzer:
    """Stands in for `Analyzer`: its `stages` run in turn (each a SlowStage), then the hostile report is returned.
    The text "STAGES a b c" makes the three stages last a, b, c seconds."""

    ran: list[str] = []  # every stage run, by every instance (the test reads it)

    def __init__(self, options=None) -> None:
        self.options = options
        self.durations: dict[str, float] = {}
        self.stages = [SlowStage(n, self.durations, StagedAnalyzer.ran) for n in ("nlp", "claims", "evidence")]

    def __call__(self, source=None, *, text=None, path=None, url=None) -> Report:
        content = text if text is not None else source
        if isinstance(content, Document):
            content = content.text
        if isinstance(content, bytes):
            content = content.decode()
        words = content.split()
        self.durations.clear()
        if words and words[0] == "STAGES":
            self.durations.update(zip(("nlp", "claims", "evidence"), map(float, words[1:4]), strict=False))
        report = Report(document=Document(text=content))
        for stage in self.stages:
            report = stage(report)
        return hostile_report(content)


def report_citing(document_id: int, collection: str = "notes") -> Report:
    """The hostile report, its first claim's decisive evidence being CITED in stored document `document_id`."""
    report = hostile_report()
    start = NOTE.index(CITED)
    claim = report.claims[0]
    claim.evidence = [Evidence(passage_id=1, collection=collection, text=NOTE, document_id=document_id, start=0,
                               end=len(NOTE), score=0.9, bm25=1.0, cosine=0.8, source="/srv/secret/notes/iraq.md")]
    claim.verdict = Verdict(label="refuted", confidence=0.8, reasons=["passage 1 contradicts the claim"],
                            sentences=[EvidenceSentence(evidence_i=0, text=CITED, start=start, end=start + len(CITED),
                                                        entailment=0.02, neutral=0.1, contradiction=0.88,
                                                        role="decisive")])  # fmt: skip
    return report


class CitingAnalyzer:
    """Returns `report_citing(DOCUMENT_ID)` for any input."""

    document_id = 1

    def __init__(self, options=None) -> None:
        self.options = options

    def __call__(self, source=None, **_kwargs) -> Report:
        return report_citing(CitingAnalyzer.document_id)


def store_note(home, collection: str = "notes") -> int:
    """Store NOTE in a corpus (passages cut as `corpus add` cuts them; no index needed); its document id."""
    from veracity.evidence.passages import passages
    from veracity.evidence.store import SourceDocument, Store

    store = Store(home)
    row = store.collection(collection, "corpus", create=True)
    store.put(row, SourceDocument(key="/srv/secret/notes/iraq.md", text=NOTE, title="Iraq notes",
                                  passages=passages(NOTE)))  # fmt: skip
    from sqlalchemy import select

    from veracity.evidence.store import DocumentRow

    with store.session() as s:
        document_id = s.scalar(select(DocumentRow.id).where(DocumentRow.key == "/srv/secret/notes/iraq.md"))
    store.engine.dispose()
    return document_id
