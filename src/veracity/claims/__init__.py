"""The `claims` stage: score every sentence for check-worthiness; the ones over the threshold become claims."""

from __future__ import annotations

from veracity.claims.normalize import claim_kind, normalize_claim
from veracity.pipeline import stage
from veracity.schema import Claim, Report


class ClaimsStage:
    name = "claims"
    requires = frozenset({"sentences"})
    assigns = frozenset({"claims"})

    def __call__(self, report: Report) -> Report:
        from veracity.claims.model import get_scorer

        model = get_scorer()
        sentences = report.sentences
        proba = model.predict_proba([s.text for s in sentences]) if sentences else []
        report.claims = []
        for sentence, p in zip(sentences, proba, strict=True):
            sentence.checkworthiness = round(float(p), 4)
            if p >= model.threshold:
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
        report.summary.claim_threshold = model.threshold
        return report


stage("claims")(ClaimsStage)
