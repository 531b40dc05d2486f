"""A hostile report for the web tests: every string a page shows carries a script or a dangerous link, and a fake
analyzer that returns it at once (no models)."""

from __future__ import annotations

import time

from veracity.errors import InputError
from veracity.schema import (
    Attribution,
    Claim,
    Document,
    Evidence,
    EvidenceSentence,
    FactCheckMatch,
    Report,
    Sentence,
    SourceRating,
    Summary,
    TechniqueSpan,
    Verdict,
)

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
LINK = "javascript:window.__xss=3"
MD_LINK = "[click](javascript:window.__xss=4)"


def hostile_report(text: str = "") -> Report:
    first = f"The minister {XSS} said 200 soldiers would stay in Iraq."
    second = f"Critics say the plan is a disaster {MD_LINK}."
    body = f"{first} {second}"
    s2 = len(first) + 1
    doc = Document(title=f"Title {XSS}", author=f"Author {XSS}", url="https://example.org/story", domain="example.org",
                   site_name=f"Site {XSS}", published="2016-10-20", text=body)  # fmt: skip
    attribution = Attribution(speaker=f"Minister {XSS}", speaker_type="person", mode="reported_speech", cue="said",
                              hedges=[f"may {XSS}"])  # fmt: skip
    evidence = Evidence(passage_id=1, collection="iraq", text=f"Evidence {XSS}", title=f"Doc {XSS}", url=LINK,
                        source=f"file {XSS}", score=0.9, bm25=1.0, cosine=0.8)  # fmt: skip
    good = Evidence(passage_id=2, collection="iraq", text="Safe text.", title="Safe doc",
                    url="https://example.org/evidence", score=0.8, bm25=1.0, cosine=0.7)  # fmt: skip
    verdict = Verdict(
        label="refuted", confidence=0.81, reasons=[f"passage 1 contradicts {XSS}"],
        sentences=[EvidenceSentence(evidence_i=0, text=f"Not 200 {XSS}", start=0, end=10, entailment=0.01,
                                    neutral=0.1, contradiction=0.89, role="decisive"),
                   EvidenceSentence(evidence_i=1, text="About 210 trainers.", start=0, end=10, entailment=0.1,
                                    neutral=0.8, contradiction=0.1, role="context")],
    )  # fmt: skip
    claims = [
        Claim(id="c0", sentence_i=0, text=first, normalized=first, checkworthiness=0.93, kind="numeric",
              speaker=attribution.speaker, evidence=[evidence, good], verdict=verdict,
              factchecks=[FactCheckMatch(collection="fc", claim=f"FC {XSS}", rating=f"False {XSS}",
                                         publisher=f"Pub {XSS}", url=LINK, score=0.7)]),
        Claim(id="c1", sentence_i=1, text=second, normalized=second, checkworthiness=0.6, kind="other"),
    ]  # fmt: skip
    spans = [TechniqueSpan(text="a disaster", start=body.index("a disaster"), end=body.index("a disaster") + 10,
                           technique="Loaded_Language", score=0.8),
             TechniqueSpan(text="Critics", start=s2, end=s2 + 7, technique="Doubt", score=0.6)]  # fmt: skip
    return Report(
        document=doc,
        sentences=[
            Sentence(i=0, text=first, start=0, end=len(first), attribution=attribution),
            Sentence(i=1, text=second, start=s2, end=len(body)),
        ],  # fmt: skip
        claims=claims,
        spans=spans,
        source=SourceRating(domain="example.org", score=0.2, label="low", found_by="url", provenance=f"Lin {XSS}"),
        summary=Summary(
            n_sentences=2,
            n_claims=2,
            verdict_counts={"refuted": 1},
            assessment=[f"Assess {XSS}"],
            technique_counts={"Loaded_Language": 1, "Doubt": 1},
            persuasion_density=0.1,
        ),  # fmt: skip
        warnings=[f"Warn {XSS}"],
    )


class FakeAnalyzer:
    """Stands in for `Analyzer`: returns the hostile report; text starting with 'FAIL' raises, 'SLOW' sleeps."""

    def __init__(self, options=None) -> None:
        self.options = options

    def __call__(self, source=None, *, text=None, path=None, url=None) -> Report:
        content = text if text is not None else source
        published = None
        if isinstance(content, Document):  # a URL job (the worker fetched the page), or a date given with the job
            content, published = content.text, content.published
        if isinstance(content, bytes):
            content = content.decode()
        if content.startswith("FAIL"):
            raise InputError("input contains only whitespace")
        if content.startswith("SLOW"):
            time.sleep(float(content.split()[1]))
        report = hostile_report(content)
        if published:
            report.document.published = published
        return report
