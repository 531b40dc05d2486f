"""The report schema. Character offsets (`start`, `end`) always index `Document.text`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal
from uuid import uuid4

from pydantic import BaseModel, Field, PrivateAttr

from veracity._version import __version__

SpeakerType = Literal["person", "organisation", "outlet", "official", "anonymous", "author", "unknown"]
AttributionMode = Literal["direct_quote", "reported_speech", "according_to", "author"]
ClaimKind = Literal["numeric", "quote", "causal", "prediction", "other"]
ReliabilityLabel = Literal["low", "mixed", "high", "unrated"]
SentenceRole = Literal["decisive", "context"]
SubclaimRole = Literal["core", "part", "attribution"]
# The verdict labels, defined here only. Their order is the aggregator's classes (verify/aggregate.py) and the
# order every report lists them in.
VERDICT_LABELS = ("supported", "refuted", "disputed", "not_enough_evidence")
VerdictLabel = Literal[VERDICT_LABELS]  # type: ignore[valid-type]  # Literal[("a", "b")] is Literal["a", "b"]
# How much of the calendar a date names: "May 5, 2016" a day, "mid-2001" a part of the year, "the summer" a season.
DateGranularity = Literal["day", "week", "part_of_month", "month", "season", "part_of_year", "year"]


class Span(BaseModel):
    text: str
    start: int
    end: int


class Entity(Span):
    label: str = Field(description="spaCy label: PERSON, ORG, GPE, NORP, DATE, CARDINAL, ...")


class Quantity(Span):
    value: float | None = Field(description="numeric value; None when the number is vague")
    unit: str | None = Field(default=None, description="what is counted or measured, e.g. 'instructors'")


class DateMention(Span):
    iso: str | None = Field(default=None, description="ISO 8601 date, month or year when the text itself gives it")
    resolved: str | None = Field(
        default=None,
        description="ISO 8601 for the stretch of time meant: a day, week (2016-W44), month, year or an interval "
        "(2001-04/2001-09); relative dates ('last year', 'Tuesday', 'in May') counted from the publication date",
    )
    granularity: DateGranularity | None = Field(default=None, description="how much of the calendar is meant")
    relative: bool = Field(default=False, description="resolved against the publication date")


class Attribution(BaseModel):
    speaker: str = Field(description="who asserts the sentence; 'author' for the article's own voice")
    speaker_type: SpeakerType
    speaker_span: Span | None = Field(default=None, description="where the speaker is named in the text")
    cue: str | None = Field(default=None, description="the reporting cue: 'said', 'according to', ...")
    mode: AttributionMode
    hedges: list[str] = Field(default_factory=list)
    anonymous: bool = False


class Sentence(Span):
    i: int
    entities: list[Entity] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    attribution: Attribution | None = None
    checkworthiness: float | None = Field(default=None, description="probability (0-1) the sentence is check-worthy")


class Evidence(BaseModel):
    """A passage retrieved from one of the user's collections for a claim."""

    passage_id: int | None = Field(default=None, description="the stored passage (user collections; None from "
                                   "other evidence sources)")  # fmt: skip
    collection: str = Field(description="the collection, or the evidence source, it came from")
    text: str
    document_id: int | None = Field(default=None, description="the stored document the passage was cut from")
    source: str | None = Field(default=None, description="where the document came from: file path (#record) or URL")
    title: str | None = None
    url: str | None = None
    published: str | None = None
    start: int | None = Field(default=None, description="the passage's first character in its document's text")
    end: int | None = None
    score: float = Field(description="hybrid retrieval score: weighted BM25 (max-normalised) + cosine similarity")
    bm25: float = Field(description="raw BM25 score (0 when outside the BM25 top hits)")
    cosine: float = Field(description="cosine similarity of the MiniLM embeddings")


class EvidenceSentence(BaseModel):
    """One sentence of a retrieved passage as the verifier read it against the claim."""

    evidence_i: int = Field(description="index of its passage in the claim's `evidence` list")
    text: str
    start: int = Field(description="offset of the sentence in its passage's document text (when known: else passage)")
    end: int
    entailment: float = Field(description="verifier probability that the sentence entails the claim")
    neutral: float
    contradiction: float = Field(description="verifier probability that the sentence contradicts the claim")
    role: SentenceRole = Field(description="decisive: it decided the verdict; context: read, related, not decisive")
    mismatches: list[str] = Field(default_factory=list, description="number/date/scope/negation conflicts with it")
    relatedness: float | None = Field(default=None, description="cosine of its sentence embedding with the claim's")


class Subclaim(BaseModel):
    text: str
    role: SubclaimRole = Field(description="core: what is asserted; part: one of several; attribution: who said it")
    label: VerdictLabel
    confidence: float
    sentences: list[int] = Field(default_factory=list, description="indices into the verdict's `sentences`")


class FactCheckMatch(BaseModel):
    """A prior fact-check that addresses the claim."""

    collection: str
    claim: str = Field(description="the claim as the fact-checker worded it")
    rating: str | None = Field(default=None, description="the fact-checker's verdict, as published")
    publisher: str | None = None
    published: str | None = None
    url: str | None = None
    title: str | None = None
    score: float = Field(description="match score: hybrid retrieval, re-ranked when the re-ranker is available")


class ContentVerdict(BaseModel):
    """What was said, judged on its own: for "X said Y", is Y true?"""

    label: VerdictLabel
    confidence: float
    cited: list[str] = Field(default_factory=list, description="the evidence that decided it, e.g. 'passage 2'")
    reasons: list[str] = Field(default_factory=list)


class Verdict(BaseModel):
    label: VerdictLabel
    confidence: float = Field(description="calibrated probability that the label is right")
    probabilities: dict[str, float] = Field(default_factory=dict, description="the aggregator's probability per label")
    reasons: list[str] = Field(default_factory=list, description="why, in words a reader can check")
    cited: list[str] = Field(default_factory=list, description="the evidence that decided it, e.g. 'passage 2'")
    sentences: list[EvidenceSentence] = Field(default_factory=list, description="decisive and related sentences read")
    subclaims: list[Subclaim] = Field(default_factory=list)
    mismatches: list[str] = Field(default_factory=list, description="number/date/scope/negation conflicts found")
    examined: int = Field(default=0, description="evidence sentences the verifier read")
    decider: str = Field(default="local", description="'local' (shipped verifier) or 'llm:<model>'")
    rationale: str | None = Field(default=None, description="an LLM's one-sentence reason, when an LLM decided")
    tentative: bool = Field(default=False, description="the evidence leans this way without clearing the bar "
                            "for a confident verdict: shown apart from confident ones")  # fmt: skip
    leaning: VerdictLabel | None = Field(default=None, description="for 'not enough evidence': the label the "
                                         "evidence leaned to, below the precision threshold")  # fmt: skip
    content: ContentVerdict | None = Field(default=None, description="for reported speech ('X said Y'): the "
                                           "verdict on Y itself; `label` judges whether X said it")  # fmt: skip


class Decomposition(BaseModel):
    """How an LLM prepared a claim for checking (only when an LLM is configured)."""

    standalone: str = Field(description="the claim rewritten to stand on its own (pronouns, 'the government' resolved)")
    subclaims: list[str] = Field(default_factory=list, description="the checkable facts the claim is made of")
    questions: list[str] = Field(default_factory=list, description="questions added to the evidence search")
    decider: str = Field(description="'llm:<model>'")


class Claim(BaseModel):
    id: str
    number: int | None = Field(default=None, description="the claim's number in reading order (1, 2, …): the same "
                               "in every format (web page, Markdown, HTML, ClaimReview `position`)")  # fmt: skip
    sentence_i: int
    text: str
    normalized: str = Field(description="claim text with numbers, dates and entities in canonical form")
    checkworthiness: float
    kind: ClaimKind
    speaker: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    factchecks: list[FactCheckMatch] = Field(default_factory=list)
    decomposition: Decomposition | None = None
    verdict: Verdict | None = None


class TechniqueSpan(Span):
    technique: str = Field(description="one of the 14 SemEval-2020 task 11 techniques, e.g. Loaded_Language")
    score: float = Field(description="the tagger's mean probability that the span's tokens are propaganda")


class Document(BaseModel):
    url: str | None = None
    domain: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    site_name: str | None = None
    text: str
    removed_boilerplate: list[str] = Field(default_factory=list)
    language: str | None = None
    language_confidence: float | None = None
    input_format: Literal["text", "html"] = "text"


class SourceRating(BaseModel):
    domain: str | None
    score: float | None = Field(description="Lin et al. 2023 pc1 in [0, 1], 1 = most reliable; None when unrated")
    label: ReliabilityLabel
    found_by: Literal["url", "html_metadata", "site_name_in_text", "none"]
    provenance: str


class Summary(BaseModel):
    n_sentences: int = 0
    n_claims: int = 0
    n_attributed: int = 0
    n_anonymous: int = 0
    n_hedged: int = 0
    claim_threshold: float | None = None
    n_over_threshold: int = Field(default=0, description="sentences over the threshold; claims are the best of them")
    top_claims: list[str] = Field(default_factory=list, description="ids of the most check-worthy claims")
    persuasion_density: float | None = Field(default=None, description="share of the text's characters in spans")
    technique_counts: dict[str, int] = Field(default_factory=dict)
    verdict_counts: dict[str, int] = Field(default_factory=dict, description="claims per verdict label")
    assessment: list[str] = Field(
        default_factory=list, description="a short explained assessment: verdicts, outlet rating, persuasion"
    )


class LLMUsage(BaseModel):
    """What the optional LLM cost for this report."""

    model: str
    requests: int = Field(default=0, description="HTTP requests sent (a retry counts)")
    cached: int = Field(default=0, description="answers taken from the disk cache (no request)")
    failed: int = Field(default=0, description="questions that ended without a valid answer (the local models decided)")
    prompt_tokens: int = Field(default=0, description="as the server reported them")
    completion_tokens: int = 0
    seconds: float = Field(default=0.0, description="wall-clock time waiting for the server")


class Report(BaseModel):
    id: str = Field(default_factory=lambda: uuid4().hex)
    version: str = __version__
    analyzed_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    document: Document
    sentences: list[Sentence] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    spans: list[TechniqueSpan] = Field(default_factory=list, description="persuasion technique spans")
    source: SourceRating | None = None
    summary: Summary = Field(default_factory=Summary)
    llm: LLMUsage | None = Field(default=None, description="set when an LLM was configured")
    warnings: list[str] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)

    # In-process intermediates shared between stages (e.g. the spaCy Doc); never serialised.
    _cache: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def cache(self) -> dict[str, Any]:
        return self._cache
