"""The `verdict` stage: stance of each evidence passage, consistency checks, and a verdict per claim.

Runs after `evidence`; a claim without evidence or fact-checks gets `not_enough_evidence` with that reason.
"""

from __future__ import annotations

from veracity.registry import stage
from veracity.schema import Report, Verdict

STANCE_NAMES = {"agree": "supports", "disagree": "refutes", "discuss": "discusses", "unrelated": "unrelated"}


class VerdictStage:
    name = "verdict"
    requires = frozenset({"claims[].evidence", "claims[].factchecks"})
    assigns = frozenset({"claims[].verdict", "claims[].evidence[].stance", "claims[].evidence[].stance_score",
                         "summary.verdict_counts"})  # fmt: skip

    def __call__(self, report: Report) -> Report:
        from veracity.verify.stance import get_stance_model
        from veracity.verify.verdict import FACTCHECK_WEIGHT, EvidenceSignal, decide, get_calibration, rating_polarity
        from veracity.verify.verification import passage_signals

        calibration = get_calibration()
        pairs = [(c.text, e.text) for c in report.claims for e in c.evidence]
        results = iter(get_stance_model().predict(pairs) if pairs else [])
        for claim in report.claims:
            refs = [(f"passage {k + 1}", e.text) for k, e in enumerate(claim.evidence)]
            stances = [next(results) for _ in refs]
            for ev, r in zip(claim.evidence, stances, strict=True):
                ev.stance = STANCE_NAMES[r.label]
                ev.stance_score = round(r.related * max(r.agree, r.disagree, r.discuss) if r.label != "unrelated"
                                        else 1 - r.related, 4)  # fmt: skip
            signals = passage_signals(claim.text, refs, stances)
            for k, f in enumerate(claim.factchecks, 1):
                polarity = rating_polarity(f.rating)
                if polarity is None:
                    continue
                who = f"fact-check {k} ({f.publisher or f.collection}, rated {f.rating!r})"
                support = FACTCHECK_WEIGHT if polarity in ("supported", "disputed") else 0.0
                refute = FACTCHECK_WEIGHT if polarity in ("refuted", "disputed") else 0.0
                signals.append(EvidenceSignal(who, support, refute))
            if not signals:
                claim.verdict = Verdict(label="not_enough_evidence", confidence=1.0,
                                        reasons=["no evidence was retrieved for this claim"])  # fmt: skip
                continue
            result = decide(signals, calibration)
            mismatches = [m for s in signals for m in s.mismatches]
            claim.verdict = Verdict(label=result.label, confidence=round(result.confidence, 3), reasons=result.reasons,
                                    cited=result.cited, mismatches=mismatches)  # fmt: skip
        counts: dict[str, int] = {}
        for c in report.claims:
            if c.verdict is not None:
                counts[c.verdict.label] = counts.get(c.verdict.label, 0) + 1
        report.summary.verdict_counts = counts
        return report


stage("verdict")(VerdictStage)
