"""The one view model that both templates (templates/report.md.j2, templates/report.html.j2) read.

Plain dataclasses computed once from a Report: what to show and in which order. Text stays raw here; each
template escapes every value it prints for its own format (HTML: Jinja2 autoescape; Markdown: render/escape.py
as the environment's `finalize`). Links carry a URL only when it is http(s), so no template can emit a
javascript: or data: link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

    from veracity.schema import Claim, Report

_LABEL_TEXT = {"low": "LOW reliability", "mixed": "MIXED reliability", "high": "HIGH reliability", "unrated": "unrated"}


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s); None for anything else (javascript:, data:, file paths)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def words(label: str) -> str:
    return label.replace("_", " ")


def ranked_claims(report: Report) -> list[Claim]:
    return sorted(report.claims, key=lambda c: (-c.checkworthiness, c.sentence_i))


def claim_numbers(report: Report) -> dict[str, int]:
    """Claim id -> its number in reading order (1, 2, …), the one numbering every format shows: the stored
    `Claim.number` (set by the claims stage), else counted the same way for reports stored before it existed."""
    ordered = sorted(report.claims, key=lambda c: c.sentence_i)
    if all(c.number is not None for c in ordered):
        return {c.id: c.number for c in ordered}  # type: ignore[misc]
    return {c.id: n for n, c in enumerate(ordered, 1)}


def document_link(base: str, collection: str, document_id: int, start: int | None = None,
                  end: int | None = None) -> str:  # fmt: skip
    """The web app's page of a stored evidence document (under `base`, '' for a link on the same server), with
    the cited sentence's offsets so the page highlights it."""
    from urllib.parse import quote

    url = f"{base.rstrip('/')}/collections/{quote(collection, safe='')}/documents/{document_id}"
    return url + (f"?start={start}&end={end}#cited" if start is not None and end is not None else "")


@dataclass(frozen=True)
class Link:
    text: str
    url: str | None  # http(s) only


@dataclass(frozen=True)
class MetaItem:
    label: str
    value: str


@dataclass(frozen=True)
class SourceView:
    outlet: str
    label: str  # low | mixed | high | unrated
    label_text: str  # "LOW reliability"
    score: float | None
    provenance: str


@dataclass(frozen=True)
class SubclaimView:
    role: str
    text: str
    label: str  # in words
    confidence: float


@dataclass(frozen=True)
class VerdictView:
    label: str  # as in the schema (a CSS class in HTML)
    label_text: str  # in words, with "tentative" or what a withheld verdict leaned to
    confidence: float
    decider: str
    reasons: list[str]
    subclaims: list[SubclaimView]
    tentative: bool = False  # shown apart from a confident verdict in every format
    content: str | None = None  # reported speech: "what was said: refuted (passage 3)"


@dataclass(frozen=True)
class FactCheckView:
    score: float
    rating: str | None
    publisher: str | None
    link: Link  # the fact-checker's wording of the claim


@dataclass(frozen=True)
class EvidenceSentenceView:
    role: str  # decisive | context
    passage: int  # 1-based number of its passage in the claim's evidence
    link: Link  # the passage's title (else its collection) and URL
    where: str  # collection, date, and the source when there is neither a URL nor a document page
    entailment: float
    contradiction: float
    text: str  # white space folded
    document: str | None = None  # the stored document's page with this sentence highlighted (web app only)

    @property
    def document_link(self) -> Link | None:
        """The document page as a link a standalone report can carry (an absolute http(s) address only)."""
        url = safe_url(self.document)
        return Link("the document, sentence highlighted", url) if url else None


@dataclass(frozen=True)
class ClaimView:
    number: int  # reading order, 1-based: the same in every format
    sentence_i: int
    score: float
    kind: str
    speaker: str
    text: str
    verdict: VerdictView | None
    factchecks: list[FactCheckView]
    sentences: list[EvidenceSentenceView]  # the verdict's decisive and related evidence sentences
    examined: int  # evidence sentences the verifier read
    passages: int  # passages retrieved
    standalone: str | None = None  # the LLM's rewording, when it differs from the claim
    questions: list[str] = field(default_factory=list)  # the LLM's search questions

    @property
    def has_evidence(self) -> bool:
        return bool(self.passages or self.factchecks)


@dataclass(frozen=True)
class AttributedView:
    speaker: str
    speaker_type: str
    mode: str
    cue: str | None
    hedges: list[str]
    text: str


@dataclass(frozen=True)
class HedgedView:
    hedges: list[str]
    text: str


@dataclass(frozen=True)
class SpanView:
    technique: str  # in words
    score: float
    text: str


@dataclass(frozen=True)
class Segment:
    """A piece of the article text; `technique` is set ("Loaded Language (0.80)") inside a technique span."""

    text: str
    technique: str | None = None


@dataclass(frozen=True)
class Counts:
    sentences: int
    claims: int
    claim_threshold: float | None
    over_threshold: int
    attributed: int
    anonymous: int
    hedged: int


@dataclass(frozen=True)
class ReportView:
    title: str | None
    meta: list[MetaItem]
    source: SourceView | None
    warnings: list[str]
    assessment: list[str]
    counts: Counts
    claims: list[ClaimView]  # most check-worthy first
    attributed: list[AttributedView]
    hedged: list[HedgedView]  # hedged sentences in the author's voice
    persuasion_density: float
    technique_counts: list[tuple[str, int]]
    spans: list[SpanView]
    article: list[Segment]  # the text with technique spans marked; empty when there are no spans
    numbers: list[str]
    removed_boilerplate: int = 0
    evidence_claims: list[ClaimView] = field(default_factory=list)  # the claims with evidence or fact-checks
    llm: str | None = None  # what the LLM was asked and what it cost, one line


def build_view(report: Report, *, documents_url: str | None = None) -> ReportView:
    """`documents_url`: where the web app serves stored evidence documents ('' on the same server); given, every
    evidence sentence links to its document with the sentence highlighted, instead of naming a server path."""
    doc, src, summary = report.document, report.source, report.summary
    meta = [
        MetaItem(label, value)
        for label, value in (
            ("Author", doc.author),
            ("Published", doc.published),
            ("Outlet", doc.domain or doc.site_name),
            ("URL", doc.url),
        )
        if value
    ]
    source = None
    if src is not None:
        outlet = src.domain or "unknown outlet"
        source = SourceView(outlet, src.label, _LABEL_TEXT[src.label], src.score, src.provenance)
    numbers = claim_numbers(report)
    claims = [_claim_view(c, numbers[c.id], documents_url) for c in ranked_claims(report)]
    attributed = [
        AttributedView(a.speaker, a.speaker_type, a.mode, a.cue, a.hedges, s.text)
        for s in report.sentences
        if (a := s.attribution) and a.speaker_type != "author"
    ]
    hedged = [
        HedgedView(a.hedges, s.text)
        for s in report.sentences
        if (a := s.attribution) and a.speaker_type == "author" and a.hedges
    ]
    return ReportView(
        title=doc.title,
        meta=meta,
        source=source,
        warnings=list(report.warnings),
        assessment=list(summary.assessment),
        counts=Counts(
            summary.n_sentences,
            summary.n_claims,
            summary.claim_threshold,
            summary.n_over_threshold,
            summary.n_attributed,
            summary.n_anonymous,
            summary.n_hedged,
        ),
        claims=claims,
        evidence_claims=[c for c in claims if c.has_evidence],
        attributed=attributed,
        hedged=hedged,
        persuasion_density=summary.persuasion_density or 0.0,
        technique_counts=[(words(t), n) for t, n in summary.technique_counts.items()],
        spans=[SpanView(words(s.technique), s.score, s.text) for s in report.spans],
        article=_segments(report) if report.spans else [],
        numbers=[q.text for s in report.sentences for q in s.quantities],
        removed_boilerplate=len(doc.removed_boilerplate),
        llm=_llm_line(report),
    )


def _llm_line(report: Report) -> str | None:
    u = report.llm
    if u is None:
        return None
    return (f"{u.model}: {u.requests} requests, {u.cached} answers from the cache, {u.failed} failed; "
            f"{u.prompt_tokens:,} prompt + {u.completion_tokens:,} completion tokens; {u.seconds:.1f} s")  # fmt: skip


def verdict_words(v) -> str:
    """'supported', 'supported (tentative)', 'not enough evidence (leans refuted)'; for reported speech the label
    says what it judges: 'said: supported'."""
    text = words(v.label)
    if v.leaning:
        text += f" (leans {words(v.leaning)})"
    elif v.tentative:
        text += " (tentative)"
    return f"said: {text}" if v.content is not None else text


def _content_words(v) -> str | None:
    if v.content is None:
        return None
    cited = f" ({', '.join(v.content.cited)})" if v.content.cited else ""
    return f"what was said: {words(v.content.label)}{cited}"


def _claim_view(claim: Claim, number: int, documents_url: str | None = None) -> ClaimView:
    v = claim.verdict
    verdict = None
    if v is not None:
        subclaims = [SubclaimView(p.role, p.text, words(p.label), p.confidence) for p in v.subclaims]
        verdict = VerdictView(v.label, verdict_words(v), v.confidence, v.decider, list(v.reasons), subclaims,
                              v.tentative, _content_words(v))  # fmt: skip
    sentences = []
    for s in v.sentences if v is not None else []:
        ev = claim.evidence[s.evidence_i]
        document = None
        if documents_url is not None and ev.document_id is not None:
            known = ev.start is not None  # else the sentence's offsets count from its passage, not the document
            document = document_link(documents_url, ev.collection, ev.document_id, s.start if known else None,
                                     s.end if known else None)  # fmt: skip
        path = ev.source if not ev.url and document is None else None
        where = ", ".join(x for x in (ev.collection, ev.published, path) if x)
        link = Link(ev.title or ev.collection, safe_url(ev.url))
        text = " ".join(s.text.split())
        passage = s.evidence_i + 1
        sentences.append(EvidenceSentenceView(s.role, passage, link, where, s.entailment, s.contradiction, text,
                                              document))  # fmt: skip
    return ClaimView(
        number=number,
        sentence_i=claim.sentence_i,
        score=claim.checkworthiness,
        kind=claim.kind,
        speaker=claim.speaker or "",
        text=claim.text,
        verdict=verdict,
        factchecks=[
            FactCheckView(f.score, f.rating, f.publisher, Link(f.claim, safe_url(f.url))) for f in claim.factchecks
        ],
        sentences=sentences,
        examined=v.examined if v is not None else 0,
        passages=len(claim.evidence),
        standalone=plan.standalone if (plan := claim.decomposition) and plan.standalone != claim.text else None,
        questions=list(plan.questions) if plan else [],
    )


def _segments(report: Report) -> list[Segment]:
    """The article text cut at technique spans; of overlapping spans the first one is shown."""
    text, out, at = report.document.text, [], 0
    for span in sorted(report.spans, key=lambda s: (s.start, -s.end)):
        if span.start < at:
            continue
        label = f"{words(span.technique)} ({span.score:.2f})"
        out += [Segment(text[at : span.start]), Segment(text[span.start : span.end], label)]
        at = span.end
    out.append(Segment(text[at:]))
    return out


@cache
def environment(*, html: bool) -> jinja2.Environment:
    """The Jinja2 environment for the package's templates: every printed value escaped, by autoescape for HTML and
    by `md_text` for Markdown; terminal controls stripped in both."""
    import jinja2

    from veracity.render.escape import html_text, md_link, md_text

    env = jinja2.Environment(
        finalize=html_text if html else md_text,
        loader=jinja2.PackageLoader("veracity.render", "templates"),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md_link"] = md_link
    return env


def render_template(name: str, report: Report, *, documents_url: str | None = None) -> str:
    view = build_view(report, documents_url=documents_url)
    html = name.endswith(".html.j2")
    extra = {}
    if html:  # the inline stylesheet and the policy that allows it by its hash
        from markupsafe import Markup

        from veracity.render.style import report_csp, report_css

        extra = {"css": Markup(report_css()), "csp": report_csp()}
    return environment(html=html).get_template(name).render(view=view, **extra)
