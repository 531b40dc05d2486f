"""What the verdict stage reads for a claim: the distinct sentences of its passages, then its fact-checks' ratings.

Item `k` of a claim's candidates is a passage sentence for `k < len(sentences)`, else a fact-check signal: the
verifier's results (verify/check.py) come back in that order, and `ref(k)` / `item(k)` say which is which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from veracity.schema import Claim, Report
from veracity.verify.ratings import POLARITY_PROBS, rating_polarity

MIN_SELF_COPY = 60  # characters: a passage this long found verbatim in the article is the article itself


@dataclass(frozen=True)
class Signal:
    """A piece of evidence that is not a sentence to read: a prior fact-check's published rating, mapped to the
    verifier's three probabilities so the aggregator weighs it like a very clear sentence."""

    ref: str
    text: str
    probs: tuple[float, float, float]


@dataclass(frozen=True)
class SentenceCandidate:
    """A sentence of a retrieved passage, with where it sits and where it came from."""

    text: str
    evidence_i: int  # its passage's index in the claim's `evidence` list
    start: int  # offsets in the passage's document when its position is stored, else in the passage
    end: int
    collection: str  # the collection (or evidence source) the passage came from

    @property
    def ref(self) -> str:
        return f"passage {self.evidence_i + 1}"


@dataclass(frozen=True)
class ClaimCandidates:
    sentences: list[SentenceCandidate]
    signals: list[Signal]

    def __bool__(self) -> bool:
        return bool(self.sentences or self.signals)

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.sentences]

    def is_sentence(self, k: int) -> bool:
        return k < len(self.sentences)

    def item(self, k: int) -> SentenceCandidate | Signal:
        n = len(self.sentences)
        return self.sentences[k] if k < n else self.signals[k - n]

    def ref(self, k: int) -> str:
        """How reasons name item `k`: "passage 3" for a sentence of the third passage, else the fact-check's ref."""
        return self.item(k).ref


def claim_candidates(claim: Claim, report: Report) -> ClaimCandidates:
    return ClaimCandidates(candidate_sentences(claim, report), factcheck_signals(claim))


def candidate_sentences(claim: Claim, report: Report) -> list[SentenceCandidate]:
    """Every distinct sentence of the claim's passages, in retrieval order, never the article's own text."""
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
                out.append(SentenceCandidate(text, i, base + a, base + b, ev.collection))
    return out


def factcheck_signals(claim: Claim) -> list[Signal]:
    """The claim's fact-checks whose published rating has a known polarity, as verifier-like probabilities."""
    return [
        Signal(f"fact-check {k} ({f.publisher or f.collection}, rated {f.rating!r})", f.claim, POLARITY_PROBS[p])
        for k, f in enumerate(claim.factchecks, 1)
        if (p := rating_polarity(f.rating)) is not None
    ]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _norm_url(url: str | None) -> str:
    return re.sub(r"^https?://(www\.)?|/+$", "", (url or "").strip().lower())
