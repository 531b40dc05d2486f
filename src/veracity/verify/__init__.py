"""The `verdict` stage: every sentence of the retrieved passages read against each claim, a verdict per claim.

Runs after `evidence`. The passages' sentences (each once, however many overlapping passages hold it; never
the article's own text) and matching fact-checks go to verify/check.py; the verdict records the sentences that
decided it and the related ones, a verdict per sub-claim, and reasons that cite passages by their number in
the claim's evidence list.

With an LLM configured for verdicts, the local verdict is made first (it ranks the sentences and is the fallback),
then the LLM judges each sub-claim from the most related sentences (verify/judge.py); `decider` says who decided.
"""

from __future__ import annotations

import re
from pathlib import Path

from veracity.errors import InputError
from veracity.llm import LLMClient, LLMConfig
from veracity.registry import stage
from veracity.schema import Claim, ContentVerdict, EvidenceSentence, Report, Subclaim, Verdict

MIN_SELF_COPY = 60  # characters: a passage this long found verbatim in the article is the article itself


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _norm_url(url: str | None) -> str:
    return re.sub(r"^https?://(www\.)?|/+$", "", (url or "").strip().lower())


def candidate_sentences(claim: Claim, report: Report) -> list[tuple[int, int, int, str]]:
    """(evidence index, start, end, text) of every distinct sentence in the claim's passages, in retrieval order.
    Offsets index the passage's document when its position is stored, else the passage."""
    from veracity.evidence.passages import passage_sentences

    article, article_url = _norm(report.document.text), _norm_url(report.document.url)
    seen, out = set(), []
    for i, ev in enumerate(claim.evidence):
        if article_url and _norm_url(ev.url) == article_url:
            continue
        body = _norm(ev.text)
        if len(body) >= MIN_SELF_COPY and body in article:
            continue
        base = ev.start or 0
        for a, b, text in passage_sentences(ev.text):
            key = (ev.document_id, base + a) if ev.document_id is not None else _norm(text)
            if key not in seen:
                seen.add(key)
                out.append((i, base + a, base + b, text))
    return out


class VerdictStage:
    name = "verdict"
    requires = frozenset({"claims[].evidence", "claims[].factchecks"})
    assigns = frozenset({"claims[].verdict", "llm"})

    def __init__(self, *, llm: LLMConfig | None = None, verifier: str = "fast", home: Path | None = None) -> None:
        self.client = LLMClient(llm) if llm is not None else None
        self.verifier = verifier
        self.home = home  # where the evidence collections' indexes keep their sentence vectors
        self._stored: dict[str, object] = {}

    def stored_vectors(self, claims: list[Claim], candidates) -> dict:
        """{sentence: vector} of the candidate sentences whose shared-encoder vectors the collection indexes hold
        (evidence/sentences.py): the relatedness gate then encodes only the claims and what is missing."""
        from veracity.evidence.indexes import StoredSentences, index_folder
        from veracity.options import veracity_home
        from veracity.runtime import get_encoder

        wanted: dict[str, list[str]] = {}
        for claim, (sents, _) in zip(claims, candidates, strict=True):
            for i, _, _, text in sents:
                wanted.setdefault(claim.evidence[i].collection, []).append(text)
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
        from veracity.verify.check import Signal, check_claims
        from veracity.verify.nli import get_nli_model
        from veracity.verify.ratings import POLARITY_PROBS, rating_polarity

        todo, items, candidates = [], [], []
        for claim in report.claims:
            sents = candidate_sentences(claim, report)
            signals = [
                Signal(
                    f"fact-check {k} ({f.publisher or f.collection}, rated {f.rating!r})", f.claim, POLARITY_PROBS[p]
                )  # fmt: skip
                for k, f in enumerate(claim.factchecks, 1)
                if (p := rating_polarity(f.rating)) is not None
            ]
            if not sents and not signals:
                claim.verdict = Verdict(label="not_enough_evidence", confidence=1.0,
                                        reasons=["no evidence was retrieved for this claim"])  # fmt: skip
                continue
            todo.append(claim)
            candidates.append((sents, signals))
            items.append((claim.text, [s[3] for s in sents], signals))
        checks = check_claims(items, get_nli_model(self.verifier), get_aggregator(self.verifier),
                              known_vectors=self.stored_vectors(todo, candidates)) if items else []  # fmt: skip
        for claim, (sents, signals), check in zip(todo, candidates, checks, strict=True):
            claim.verdict = _verdict(check, sents, signals)
        if self.client is not None and todo:
            from veracity.verify.llm_verdict import ask_llm

            ask_llm(self.client, report, todo, candidates, checks)
        return report


def _verdict(check, sents, signals) -> Verdict:
    from veracity.verify.check import evidence_ref

    content_ks = check.content.decisive if check.content is not None else []
    parts_ks = [k for p in check.parts for k in p.decisive]
    shown = list(dict.fromkeys(check.decisive + content_ks + check.context + parts_ks))
    sentences = []
    for k in shown:
        r = check.sentences[k]
        if k >= len(sents):
            continue  # a fact-check: cited by name, not a sentence of a passage
        i, start, end, text = sents[k]
        sentences.append(EvidenceSentence(
            evidence_i=i, text=text, start=start, end=end, entailment=round(float(r.probs[0]), 4),
            neutral=round(float(r.probs[1]), 4), contradiction=round(float(r.probs[2]), 4),
            role="decisive" if k in check.decisive else "context", mismatches=r.mismatches,
            relatedness=round(float(check.cosine[k]), 4) if k < len(check.cosine) else None,
        ))  # fmt: skip
    index = {k: n for n, k in enumerate(k for k in shown if k < len(sents))}
    reasons = []
    for k in check.decisive:
        r, ref = check.sentences[k], evidence_ref(k, sents, signals)
        quote = f" “{' '.join(sents[k][3].split())}”" if k < len(sents) else ""  # a reason is one line
        if check.label in ("supported", "disputed") and r.probs[0] >= r.probs[2]:
            reasons.append(f"{ref} supports the claim (P={r.probs[0]:.2f}):{quote}".rstrip(":"))
        elif r.probs[2] > r.probs[0]:
            reasons.append(f"{ref} contradicts the claim (P={r.probs[2]:.2f}):{quote}".rstrip(":"))
        reasons += [f"{ref}: {m}" for m in r.mismatches]
    for k in check.context:  # a detail that disagrees is worth a reader's look whatever the verdict
        ref = evidence_ref(k, sents, signals)
        reasons += [f"{ref} disagrees on a detail: {m}" for m in check.sentences[k].mismatches]
    for p in check.parts:
        if p.label != check.label:
            reasons.append(f"part “{p.part.text}” is {p.label.replace('_', ' ')} on its own")
    if check.label == "not_enough_evidence":
        e = max((float(r.probs[0]) for r in check.sentences), default=0.0)
        c = max((float(r.probs[2]) for r in check.sentences), default=0.0)
        lean = f"; the evidence leans {check.leaning.replace('_', ' ')}, below the bar for a verdict" if (
            check.leaning) else ""  # fmt: skip
        reasons.insert(0, f"no sentence clearly supports or refutes the claim (best support {e:.2f}, best "
                          f"contradiction {c:.2f}; {len(check.read)} related of {len(sents)} read{lean})")  # fmt: skip
    content = None
    if check.content is not None:  # reported speech: the label says whether it was said; this, whether it is true
        said = check.content
        content = ContentVerdict(
            label=said.label, confidence=round(said.confidence, 3),
            cited=list(dict.fromkeys(evidence_ref(k, sents, signals) for k in said.decisive)),
            reasons=[f"what was said is {said.label.replace('_', ' ')}" + (
                f", see {', '.join(evidence_ref(k, sents, signals) for k in said.decisive)}" if said.decisive else "")],
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
        cited=list(dict.fromkeys(evidence_ref(k, sents, signals) for k in check.decisive)),
        sentences=sentences, subclaims=subclaims, mismatches=check.mismatches, examined=len(check.read),
        tentative=check.tentative, leaning=check.leaning, content=content,
    )  # fmt: skip


stage("verdict")(VerdictStage)
