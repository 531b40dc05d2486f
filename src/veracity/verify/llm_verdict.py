"""The verdict stage's LLM step: each claim's parts judged by the LLM (verify/judge.py), its answer turned into the
claim's `Verdict` with `decider="llm:<model>"`; a claim the LLM could not judge keeps its local verdict, which then
says why.

The parts are the LLM's own sub-claims when the `decompose` stage made them, else the claim (its standalone
wording when there is one). The verifier ranks the sentences for each part; the ranking is local, the judgement
the LLM's, and the reasons name both.
"""

from __future__ import annotations

import re

import numpy as np

from veracity.llm import LLMClient, LLMFailure, ask_until, usage_of
from veracity.schema import Claim, EvidenceSentence, Report, Subclaim, Verdict
from veracity.verify.candidates import ClaimCandidates, SentenceCandidate
from veracity.verify.judge import ClaimJudgement, Item, judge_claim, sentence_id, signal_id


def parts_of(claim: Claim) -> list[str]:
    plan = claim.decomposition
    if plan is None:
        return [claim.text]
    return plan.subclaims or [plan.standalone]


def ask_llm(client: LLMClient, report: Report, claims: list[Claim], candidates: list[ClaimCandidates],
            checks: list) -> None:
    """Replace each claim's local verdict with the LLM's, or add to it why the LLM did not decide."""
    from veracity.verify.nli import get_nli_model

    nli = get_nli_model()
    jobs = []
    for claim, found, check in zip(claims, candidates, checks, strict=True):
        texts = found.texts
        core = np.array([r.probs for r in check.sentences[: len(texts)]], dtype=np.float32).reshape(-1, 3)
        # The verifier already read the claim itself against every sentence; other wordings are read here.
        parts = parts_of(claim)
        probs = [core if part == claim.text else _read(nli, part, texts) for part in parts]
        items = [Item(signal_id(j), f"{sig.ref}: “{sig.text}”") for j, sig in enumerate(found.signals)]
        jobs.append((parts, texts, probs, items))
    usage, until = usage_of(report, client), ask_until(report)

    results = client.map(lambda job: judge_claim(client, *job, usage=usage, until=until), jobs)
    failed = []
    for claim, found, check, result in zip(claims, candidates, checks, results, strict=True):
        if isinstance(result, LLMFailure):
            failed.append(str(result))
            claim.verdict.reasons.insert(0, f"the LLM ({client.config.model}) did not decide: {result}; the local "
                                            "verifier decided")  # fmt: skip
        else:
            claim.verdict = llm_verdict(result, claim.verdict, check, found, client.config.decider)
    if failed:
        report.warnings.append(f"LLM {client.config.model}: {len(failed)} of {len(claims)} verdicts fell back to the "
                               f"local verifier ({failed[0]})")  # fmt: skip


def _read(nli, part: str, texts: list[str]) -> np.ndarray:
    return nli.predict([(part, t) for t in texts]) if texts else np.zeros((0, 3), dtype=np.float32)


def llm_verdict(judged: ClaimJudgement, local: Verdict, check, found: ClaimCandidates, decider: str) -> Verdict:
    """The claim's verdict as the LLM gave it: the sentences it was shown (decisive = cited), one sub-claim per
    part, the local verdict kept in the reasons and `probabilities`."""
    n = len(found.sentences)
    by_id = {sentence_id(k): k for k in range(n)} | {signal_id(j): n + j for j in range(len(found.signals))}
    cited = list(dict.fromkeys(by_id[i] for p in judged.parts for i in p.cited))
    shown = cited + [by_id[i] for p in judged.parts for i in p.given if by_id[i] not in cited]
    shown = [k for k in dict.fromkeys(shown) if found.is_sentence(k)]  # fact-checks: cited by name, not as sentences
    sentences = [_sentence(found.sentences[k], k in cited, check.sentences[k]) for k in shown]
    index = {k: n for n, k in enumerate(shown)}
    role = "core" if len(judged.parts) == 1 else "part"
    subclaims = [Subclaim(text=p.text, role=role, label=p.label, confidence=round(p.confidence, 3),
                          sentences=[index[by_id[i]] for i in p.cited if by_id[i] in index])
                 for p in judged.parts]  # fmt: skip
    refs = lambda ids: ", ".join(found.ref(by_id[i]) for i in ids) or "no evidence"  # noqa: E731
    reasons = []
    for p in judged.parts:
        why = f"{_readable(p.rationale, by_id, found)} ({refs(p.cited)})"
        reasons.append(why if len(judged.parts) == 1 else f"part “{p.text}” is {p.label.replace('_', ' ')}: {why}")
    reasons.append(f"the local verifier alone: {local.label.replace('_', ' ')} ({local.confidence:.2f})")
    return Verdict(
        label=judged.label, confidence=round(judged.confidence, 3), probabilities=local.probabilities,
        reasons=reasons, cited=list(dict.fromkeys(found.ref(k) for k in cited)),
        sentences=sentences, subclaims=subclaims, mismatches=local.mismatches, examined=local.examined,
        decider=decider, rationale=_readable(judged.rationale, by_id, found),
    )  # fmt: skip


def _readable(rationale: str, by_id: dict[str, int], found: ClaimCandidates) -> str:
    """The rationale with the prompt's ids (S4, F1) turned into what the report calls them (passage 2,
    fact-check 1)."""

    def name(m: re.Match) -> str:
        k = by_id.get(m.group(0))
        if k is None:
            return m.group(0)
        return found.ref(k) if found.is_sentence(k) else f"fact-check {k - len(found.sentences) + 1}"

    return re.sub(r"\b[SF]\d+\b", name, rationale)


def _sentence(s: SentenceCandidate, decisive: bool, read) -> EvidenceSentence:
    """`read`: the verifier's SentenceResult for the claim against this sentence."""
    e, n, c = (round(float(p), 4) for p in read.probs)
    return EvidenceSentence(evidence_i=s.evidence_i, text=s.text, start=s.start, end=s.end, entailment=e, neutral=n,
                            contradiction=c, role="decisive" if decisive else "context",
                            mismatches=read.mismatches)  # fmt: skip
