"""The LLM's verdict (only with an LLM configured and "verdict" in its uses), shared by the verdict stage and
`veracity eval verification --llm-url`.

    sub-claim ─► the evidence sentences the local verifier finds most related to it (MAX_SENTENCES) + fact-checks,
                 numbered S1…, F1…
              ─► LLM ─► label, the ids it relied on (only ids it was given), one-sentence rationale, confidence
    sub-claims ─► claim: refuted if any part is, else disputed if any is, else supported if all are, else not
                  enough evidence

A request that fails, times out or answers invalidly twice raises LLMFailure: the caller keeps the local verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, create_model

from veracity.llm import LLMClient
from veracity.verify.aggregate import VERDICTS
from veracity.verify.check import by_relatedness

MAX_SENTENCES = 8  # per sub-claim: the most related ones; the verifier has read them all
MAX_RATIONALE_CHARS = 300

SYSTEM = ("You are a careful fact-checker. Judge a claim only from the numbered evidence you are given, never from "
          "memory or from what seems likely. Reply with one JSON object only.")  # fmt: skip
LABEL_MEANINGS = {
    "supported": "the evidence shows the claim is true as stated",
    "refuted": "the evidence shows the claim is false, or wrong in a detail that matters (a number, a date, a place, "
    "who did it), or misleading as stated",
    "disputed": "credible evidence given here says both",
    "not_enough_evidence": "the evidence given does not settle it",
}


@cache
def judgement_model(labels: tuple[str, ...]) -> type[BaseModel]:
    """The answer's schema, its label limited to `labels` (e.g. supported/refuted for a two-label benchmark)."""
    return create_model(
        "Judgement",
        __config__=ConfigDict(extra="forbid"),
        label=(Literal[labels], ...),  # type: ignore[valid-type]
        evidence=(list[str], ...),
        rationale=(str, ...),
        confidence=(float, ...),
    )


@dataclass(frozen=True)
class Item:
    """One numbered piece of evidence shown to the LLM."""

    id: str  # S3 = the claim's third candidate sentence; F1 = its first fact-check
    text: str


@dataclass
class PartJudgement:
    text: str
    label: str
    confidence: float
    given: list[str]  # ids shown
    cited: list[str]  # ids relied on (a subset of `given`)
    rationale: str


@dataclass
class ClaimJudgement:
    label: str
    confidence: float
    parts: list[PartJudgement]

    @property
    def rationale(self) -> str:
        return next(p.rationale for p in self.parts if p.label == self.label)


def sentence_id(k: int) -> str:
    return f"S{k + 1}"


def signal_id(j: int) -> str:
    return f"F{j + 1}"


def most_related(probs: np.ndarray, n: int = MAX_SENTENCES) -> list[int]:
    """Indices of the `n` sentences the verifier finds most related; unrelated ones too when fewer are related
    (the verifier may have missed what the LLM sees)."""
    return by_relatedness(probs)[:n]


def prompt(claim: str, items: list[Item], labels: tuple[str, ...]) -> list[dict]:
    evidence = "\n".join(f"[{it.id}] {' '.join(it.text.split())}" for it in items) or "(none)"
    meanings = "\n".join(f"- {lab}: {LABEL_MEANINGS[lab]}" for lab in labels)
    user = (
        f"Claim: {claim}\n\nEvidence:\n{evidence}\n\nLabels:\n{meanings}\n\n"
        f'Reply with {{"label": one of {list(labels)}, "evidence": the ids of the items you relied on (only ids '
        'listed above; an empty list for not_enough_evidence), "rationale": one sentence saying why, citing the '
        'ids, "confidence": the probability from 0 to 1 that your label is right}'
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def _checker(given: list[str]):
    allowed = set(given)

    def check(answer) -> None:
        unknown = [i for i in answer.evidence if i not in allowed]
        if unknown:
            raise ValueError(f"evidence ids {unknown} were not given (given: {', '.join(given) or 'none'})")
        if answer.label != "not_enough_evidence" and not answer.evidence:
            raise ValueError(f"a {answer.label} label must cite the evidence ids it relied on")
        if not 0.0 <= answer.confidence <= 1.0:
            raise ValueError("confidence must be between 0 and 1")
        if not answer.rationale.strip():
            raise ValueError("rationale is empty")

    return check


def judge_part(client: LLMClient, text: str, items: list[Item], labels: tuple[str, ...] = VERDICTS, *,
               usage=None, until: float | None = None) -> PartJudgement:  # fmt: skip
    """One sub-claim judged from `items`; raises LLMFailure."""
    given = [it.id for it in items]
    answer = client.ask(prompt(text, items, labels), judgement_model(labels), check=_checker(given), usage=usage,
                        until=until)  # fmt: skip
    rationale = " ".join(answer.rationale.split())
    if len(rationale) > MAX_RATIONALE_CHARS:
        rationale = rationale[: MAX_RATIONALE_CHARS - 1] + "…"
    cited = [i for i in given if i in set(answer.evidence)]
    return PartJudgement(text, answer.label, float(answer.confidence), given, cited, rationale)


def combine(parts: list[PartJudgement]) -> ClaimJudgement:
    """A claim is refuted when one of its facts is, disputed when one is, supported when all are."""
    labels = [p.label for p in parts]
    for label in ("refuted", "disputed"):
        if label in labels:
            return ClaimJudgement(label, max(p.confidence for p in parts if p.label == label), parts)
    if all(lab == "supported" for lab in labels):
        return ClaimJudgement("supported", min(p.confidence for p in parts), parts)
    unsettled = [p.confidence for p in parts if p.label == "not_enough_evidence"]
    return ClaimJudgement("not_enough_evidence", min(unsettled), parts)


def judge_claim(client: LLMClient, parts: list[str], sentences: list[str], part_probs: list[np.ndarray],
                signals: list[Item] = (), labels: tuple[str, ...] = VERDICTS, *, usage=None,
                until: float | None = None) -> ClaimJudgement:  # fmt: skip
    """Each part judged from its most related sentences (`part_probs[i]`: the verifier's probabilities of part i
    against every sentence) and every signal; raises LLMFailure if any part gets no valid answer."""
    judged = []
    for text, probs in zip(parts, part_probs, strict=True):
        items = [Item(sentence_id(k), sentences[k]) for k in sorted(most_related(probs))] + list(signals)
        judged.append(judge_part(client, text, items, labels, usage=usage, until=until))
    return combine(judged)
