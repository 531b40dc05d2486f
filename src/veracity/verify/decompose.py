"""The `decompose` stage (only with an LLM configured): each claim made to stand on its own, split into the facts
it is made of, and the questions a fact-checker would search for — the questions join the evidence search.

    claim + its paragraph, title, outlet, date ─► LLM ─► Decomposition(standalone, subclaims, questions)

Each use is switchable (`llm_uses`): "decompose" rewrites and splits, "questions" asks the questions; with only
one of them the answer's other half is not asked for. A claim whose request fails keeps no decomposition (the
local sub-claim split applies) and the report says so.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from veracity.llm import LLMClient, LLMConfig, LLMFailure, ask_until, usage_of
from veracity.registry import stage
from veracity.schema import Claim, Decomposition, Report

MAX_SUBCLAIMS = 4
MAX_QUESTIONS = 6  # per claim, over all its sub-claims: each is one more search
CONTEXT_BEFORE, CONTEXT_AFTER = 3, 1  # sentences around the claim shown for resolving "he", "the plan", ...
MAX_CONTEXT_CHARS = 2000
MAX_TEXT_CHARS = 400

SYSTEM = ("You help a fact-checker prepare claims from news articles. You never judge whether a claim is true. "
          "Reply with one JSON object only.")  # fmt: skip


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PartWithQuestions(_Strict):
    text: str
    questions: list[str]


class Decomposed(_Strict):
    """The answer when "decompose" is on (questions per part when "questions" is on too, else empty lists)."""

    standalone: str
    subclaims: list[PartWithQuestions]


class Questions(_Strict):
    """The answer when only "questions" is on."""

    questions: list[str]


def context_of(claim: Claim, report: Report) -> str:
    """The claim's sentence with a few around it, the claim marked, at most MAX_CONTEXT_CHARS."""
    sentences = report.sentences
    i = claim.sentence_i
    if not 0 <= i < len(sentences):
        return claim.text
    shown = []
    for s in sentences[max(0, i - CONTEXT_BEFORE) : i + CONTEXT_AFTER + 1]:
        shown.append(f"[[{s.text}]]" if s.i == i else s.text)
    text = " ".join(" ".join(shown).split())
    return text if len(text) <= MAX_CONTEXT_CHARS else claim.text


def prompt(claim: Claim, report: Report, uses: frozenset[str]) -> list[dict]:
    doc = report.document
    about = ", ".join(x for x in (doc.site_name or doc.domain, doc.published and f"published {doc.published}") if x)
    lines = [f'Article: "{doc.title or "untitled"}"' + (f" ({about})" if about else ""),
             f"Context, the claim's sentence in [[double brackets]]: {context_of(claim, report)}",
             f"Claim: {claim.text}", f"Asserted by: {claim.speaker or 'the article'}", ""]  # fmt: skip
    if "decompose" in uses:
        lines += [
            '1. "standalone": the claim rewritten to stand on its own. Replace pronouns, "the government", '
            '"last year" and the like with what they refer to in the context; keep its meaning, numbers and hedges; '
            "add nothing the context does not say. Keep who asserts it only if the claim is about what was said.",
            f'2. "subclaims": the standalone claim split into at most {MAX_SUBCLAIMS} facts that can each be checked '
            "on their own, each a full sentence that stands on its own (one sub-claim if the claim is one fact).",
        ]
        if "questions" in uses:
            lines.append('3. For each sub-claim, "questions": up to 2 short questions a fact-checker would search '
                         "for to verify it (names, numbers and dates in full).")  # fmt: skip
        else:
            lines.append('3. Leave every "questions" list empty.')
        lines.append('JSON: {"standalone": "...", "subclaims": [{"text": "...", "questions": ["..."]}]}')
    else:
        lines += [f'"questions": up to {MAX_QUESTIONS // 2} short questions a fact-checker would search for to '
                  "verify the claim (names, numbers and dates in full).", 'JSON: {"questions": ["..."]}']  # fmt: skip
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n".join(lines)}]


def _check_decomposed(answer: Decomposed) -> None:
    if not answer.standalone.strip():
        raise ValueError('"standalone" is empty')
    if not [p for p in answer.subclaims if p.text.strip()]:
        raise ValueError('"subclaims" has no sub-claim')


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT_CHARS else text[: MAX_TEXT_CHARS - 1] + "…"


def decompose(client: LLMClient, claim: Claim, report: Report, usage, until: float | None) -> Decomposition:
    """Ask the LLM; raises LLMFailure."""
    uses = client.config.uses
    messages = prompt(claim, report, uses)
    if "decompose" in uses:
        got = client.ask(messages, Decomposed, check=_check_decomposed, usage=usage, until=until)
        parts = [p for p in got.subclaims if p.text.strip()][:MAX_SUBCLAIMS]
        questions = [q for p in parts for q in p.questions] if "questions" in uses else []
        standalone, subclaims = _clip(got.standalone), [_clip(p.text) for p in parts]
    else:
        questions = client.ask(messages, Questions, usage=usage, until=until).questions
        standalone, subclaims = claim.text, []
    questions = list(dict.fromkeys(_clip(q) for q in questions if q.strip()))[:MAX_QUESTIONS]
    return Decomposition(standalone=standalone, subclaims=subclaims, questions=questions,
                         decider=client.config.decider)  # fmt: skip


def decompose_text(client: LLMClient, text: str, usage=None, until: float | None = None) -> Decomposition:
    """A claim without its article (a benchmark's claim): decomposed from its own words."""
    from veracity.schema import Document

    claim = Claim(id="c", sentence_i=-1, text=text, normalized=text, checkworthiness=1.0, kind="other")
    return decompose(client, claim, Report(document=Document(text=text)), usage, until)


class DecomposeStage:
    name = "decompose"
    requires = frozenset({"claims"})
    assigns = frozenset({"claims[].decomposition", "llm"})

    def __init__(self, *, llm: LLMConfig) -> None:
        self.client = LLMClient(llm)

    def __call__(self, report: Report) -> Report:
        if not report.claims:
            return report
        usage = usage_of(report, self.client)
        until = ask_until(report)

        results = self.client.map(lambda claim: decompose(self.client, claim, report, usage, until), report.claims)
        failures = [str(r) for r in results if isinstance(r, LLMFailure)]
        for claim, result in zip(report.claims, results, strict=True):
            claim.decomposition = None if isinstance(result, LLMFailure) else result
        if failures:
            report.warnings.append(
                f"LLM {self.client.config.model}: {len(failures)} of {len(results)} claims not decomposed "
                f"({failures[0]}); the local sub-claim split was used for them"
            )
        return report


stage("decompose")(DecomposeStage)
