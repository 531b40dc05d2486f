"""The `claims` stage: score every sentence for check-worthiness; the ones over the threshold become claims."""

from __future__ import annotations

from veracity.claims.normalize import claim_kind, normalize_claim
from veracity.registry import stage
from veracity.schema import Claim, Report


class ClaimsStage:
    name = "claims"
    requires = frozenset({"sentences", "sentences[].attribution"})  # a claim's speaker comes from its attribution
    assigns = frozenset({"claims", "sentences[].checkworthiness", "summary.claim_threshold"})

    def __init__(self, *, threshold: float | None = None) -> None:
        self.threshold = threshold  # None: the model's own, tuned on CheckThat! dev

    def __call__(self, report: Report) -> Report:
        from veracity.claims.model import get_scorer

        model = get_scorer()
        threshold = model.threshold if self.threshold is None else self.threshold
        sentences = report.sentences
        proba = model.predict_proba([s.text for s in sentences]) if sentences else []
        report.claims = []
        for sentence, p in zip(sentences, proba, strict=True):
            sentence.checkworthiness = round(float(p), 4)
            if p >= threshold:
                a = sentence.attribution
                report.claims.append(
                    Claim(
                        id=f"c{sentence.i}",
                        sentence_i=sentence.i,
                        text=sentence.text,
                        normalized=normalize_claim(sentence),
                        checkworthiness=sentence.checkworthiness,
                        kind=claim_kind(sentence),
                        speaker=a.speaker if a else None,
                    )
                )
        report.summary.claim_threshold = threshold
        return report


stage("claims")(ClaimsStage)
