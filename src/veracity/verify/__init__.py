"""The `verdict` stage: every sentence of the retrieved passages read against each claim, a verdict per claim.

Runs after `evidence`. The passages' sentences (each once, however many overlapping passages hold it; never
the article's own text) and matching fact-checks go to verify/check.py; the verdict records the sentences that
decided it and the related ones, a verdict per sub-claim, and reasons that cite passages by their number in
the claim's evidence list.

With an LLM configured for verdicts, the local verdict is made first (it ranks the sentences and is the fallback),
then the LLM judges each sub-claim from the most related sentences (verify/judge.py); `decider` says who decided.
"""

from __future__ import annotations

from pathlib import Path

from veracity.errors import InputError
from veracity.llm import LLMClient, LLMConfig
from veracity.registry import stage
from veracity.schema import Claim, ContentVerdict, EvidenceSentence, Report, Subclaim, Verdict
from veracity.verify.candidates import ClaimCandidates, candidate_sentences, claim_candidates

__all__ = ["VerdictStage", "candidate_sentences", "claim_candidates"]


class VerdictStage:
    name = "verdict"
    requires = frozenset({"claims[].evidence", "claims[].factchecks"})
    assigns = frozenset({"claims[].verdict", "llm"})

    def __init__(self, *, llm: LLMConfig | None = None, verifier: str = "fast", home: Path | None = None) -> None:
        self.client = LLMClient(llm) if llm is not None else None
        self.verifier = verifier
        self.home = home  # where the evidence collections' indexes keep their sentence vectors
        self._stored: dict[str, object] = {}

    def stored_vectors(self, claims: list[Claim], candidates: list[ClaimCandidates]) -> dict:
        """{sentence: vector} of the candidate sentences whose shared-encoder vectors the collection indexes hold
        (evidence/sentences.py): the relatedness gate then encodes only the claims and what is missing."""
        from veracity.evidence.indexes import StoredSentences, index_folder
        from veracity.home import veracity_home
        from veracity.runtime import get_encoder

        wanted: dict[str, list[str]] = {}
        for found in candidates:
            for s in found.sentences:
                wanted.setdefault(s.collection, []).append(s.text)
        out, name = {}, get_encoder().name
        for collection, texts in wanted.items():
            if collection not in self._stored:
                try:
                    self._stored[collection] = StoredSentences(index_folder(veracity_home(self.home), collection))
                except InputError:  # not a collection name an index could have
                    self._stored[collection] = None
            if (stored := self._stored[collection]) is not None:
                out.update(stored.get(list(dict.fromkeys(texts)), name))
        return out

    def __call__(self, report: Report) -> Report:
        from veracity.verify.aggregate import get_aggregator
        from veracity.verify.check import check_claims
        from veracity.verify.nli import get_nli_model

        todo, candidates = [], []
        for claim in report.claims:
            found = claim_candidates(claim, report)
            if not found:
                claim.verdict = Verdict(label="not_enough_evidence", confidence=1.0,
                                        reasons=["no evidence was retrieved for this claim"])  # fmt: skip
                continue
            todo.append(claim)
            candidates.append(found)
        items = [(claim.text, found.texts, found.signals) for claim, found in zip(todo, candidates, strict=True)]
        checks = check_claims(items, get_nli_model(self.verifier), get_aggregator(self.verifier),
                              known_vectors=self.stored_vectors(todo, candidates)) if items else []  # fmt: skip
        for claim, found, check in zip(todo, candidates, checks, strict=True):
            claim.verdict = _verdict(check, found)
        if self.client is not None and todo:
            from veracity.verify.llm_verdict import ask_llm

            ask_llm(self.client, report, todo, candidates, checks)
        return report


def _verdict(check, found: ClaimCandidates) -> Verdict:
    content_ks = check.content.decisive if check.content is not None else []
    parts_ks = [k for p in check.parts for k in p.decisive]
    # fact-checks are cited by name, not shown as sentences of a passage
    shown = [k for k in dict.fromkeys(check.decisive + content_ks + check.context + parts_ks) if found.is_sentence(k)]
    sentences = []
    for k in shown:
        r, s = check.sentences[k], found.sentences[k]
        sentences.append(EvidenceSentence(
            evidence_i=s.evidence_i, text=s.text, start=s.start, end=s.end, entailment=round(float(r.probs[0]), 4),
            neutral=round(float(r.probs[1]), 4), contradiction=round(float(r.probs[2]), 4),
            role="decisive" if k in check.decisive else "context", mismatches=r.mismatches,
            relatedness=round(float(check.cosine[k]), 4) if k < len(check.cosine) else None,
        ))  # fmt: skip
    index = {k: n for n, k in enumerate(shown)}
    reasons = []
    for k in check.decisive:
        r, ref = check.sentences[k], found.ref(k)
        quote = f" “{' '.join(found.sentences[k].text.split())}”" if found.is_sentence(k) else ""  # one line
        if check.label in ("supported", "disputed") and r.probs[0] >= r.probs[2]:
            reasons.append(f"{ref} supports the claim (P={r.probs[0]:.2f}):{quote}".rstrip(":"))
        elif r.probs[2] > r.probs[0]:
            reasons.append(f"{ref} contradicts the claim (P={r.probs[2]:.2f}):{quote}".rstrip(":"))
        reasons += [f"{ref}: {m}" for m in r.mismatches]
    for k in check.context:  # a detail that disagrees is worth a reader's look whatever the verdict
        reasons += [f"{found.ref(k)} disagrees on a detail: {m}" for m in check.sentences[k].mismatches]
    for p in check.parts:
        if p.label != check.label:
            reasons.append(f"part “{p.part.text}” is {p.label.replace('_', ' ')} on its own")
    if check.label == "not_enough_evidence":
        e = max((float(r.probs[0]) for r in check.sentences), default=0.0)
        c = max((float(r.probs[2]) for r in check.sentences), default=0.0)
        lean = f"; the evidence leans {check.leaning.replace('_', ' ')}, below the bar for a verdict" if (
            check.leaning) else ""  # fmt: skip
        read = f"{len(check.read)} related of {len(found.sentences)} read"
        reasons.insert(0, f"no sentence clearly supports or refutes the claim (best support {e:.2f}, best "
                          f"contradiction {c:.2f}; {read}{lean})")  # fmt: skip
    content = None
    if check.content is not None:  # reported speech: the label says whether it was said; this, whether it is true
        said = check.content
        content = ContentVerdict(
            label=said.label, confidence=round(said.confidence, 3),
            cited=list(dict.fromkeys(found.ref(k) for k in said.decisive)),
            reasons=[f"what was said is {said.label.replace('_', ' ')}" + (
                f", see {', '.join(found.ref(k) for k in said.decisive)}" if said.decisive else "")],
        )  # fmt: skip
        reasons.insert(0, f"reported speech: the verdict judges whether it was said ({check.label.replace('_', ' ')});"
                          f" {content.reasons[0]}")  # fmt: skip
    subclaims = [
        Subclaim(
            text=p.part.text,
            role=p.part.role,
            label=p.label,
            confidence=round(p.confidence, 3),
            sentences=[index[k] for k in p.decisive if k in index],
        )  # fmt: skip
        for p in check.parts
    ]
    return Verdict(
        label=check.label, confidence=round(check.confidence, 3), probabilities=check.probabilities,
        reasons=list(dict.fromkeys(reasons)),
        cited=list(dict.fromkeys(found.ref(k) for k in check.decisive)),
        sentences=sentences, subclaims=subclaims, mismatches=check.mismatches, examined=len(check.read),
        tentative=check.tentative, leaning=check.leaning, content=content,
    )  # fmt: skip


stage("verdict")(VerdictStage)
