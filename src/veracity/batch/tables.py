"""The batch output's tables: typed Arrow schemas and the rows a `Report` (or a failure) becomes.

Every table is keyed by `input_id` (the article's stable name: a path, `TABLE#ID`, `WARC#record`, or a URL):

- `articles`: one row per analysed input: where it came from, its content hash, document metadata, the outlet
  rating, counts, the assessment, stage timings and the analyzer's version and stages.
- `claims`: one row per claim (`claim_key` = `input_id#claim id`): text, offsets of its sentence in the document
  text, check-worthiness, kind, speaker and attribution cue, hedges, verdict, confidence and decider.
- `evidence`: one row per evidence sentence the verifier read (passage metadata, role, probabilities), one per
  retrieved passage it did not read, and one per matched prior fact-check (`kind` says which).
- `spans`: persuasion technique spans (with `--persuasion`).
- `errors`: one row per input that could not be analysed: the stage that failed, the error's type, code, message
  and when it failed (`failed_at`, UTC).

Each input is in exactly one of `articles` or `errors`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from veracity.batch.inputs import Item
from veracity.schema import Report

_str, _i32, _i64, _f64 = pa.string(), pa.int32(), pa.int64(), pa.float64()

ARTICLES = pa.schema([
    ("input_id", _str), ("content_hash", _str), ("source", _str), ("url", _str), ("domain", _str),
    ("title", _str), ("author", _str), ("published", _str), ("site_name", _str), ("language", _str),
    ("input_format", _str), ("words", _i32), ("n_sentences", _i32), ("n_claims", _i32), ("n_over_threshold", _i32),
    ("n_attributed", _i32), ("n_anonymous", _i32), ("n_hedged", _i32), ("claim_threshold", _f64),
    ("outlet", _str), ("rating_score", _f64), ("rating_label", _str), ("rating_found_by", _str),
    ("persuasion_density", _f64), ("verdict_counts", pa.map_(_str, _i32)),
    ("technique_counts", pa.map_(_str, _i32)), ("assessment", pa.list_(_str)), ("warnings", pa.list_(_str)),
    ("timings_ms", pa.map_(_str, _f64)), ("stages", pa.list_(_str)), ("analyzer_version", _str),
    ("report_id", _str), ("analyzed_at", pa.timestamp("us", tz="UTC")), ("json_file", _str),
])  # fmt: skip

CLAIMS = pa.schema([
    ("input_id", _str), ("claim_key", _str), ("index", _i32), ("claim_id", _str), ("sentence_i", _i32),
    ("text", _str), ("normalized", _str), ("start", _i32), ("end", _i32), ("checkworthiness", _f64),
    ("kind", _str), ("speaker", _str), ("speaker_type", _str), ("cue", _str), ("mode", _str),
    ("hedged", pa.bool_()), ("hedges", pa.list_(_str)), ("anonymous", pa.bool_()),
    ("verdict", _str), ("confidence", _f64), ("decider", _str), ("n_evidence", _i32), ("n_factchecks", _i32),
])  # fmt: skip

EVIDENCE = pa.schema([
    ("input_id", _str), ("claim_key", _str), ("kind", _str), ("rank", _i32), ("collection", _str),
    ("document_id", _i64), ("passage_id", _i64), ("source", _str), ("url", _str), ("title", _str),
    ("published", _str), ("score", _f64), ("sentence", _str), ("sentence_start", _i32), ("sentence_end", _i32),
    ("role", _str), ("entailment", _f64), ("neutral", _f64), ("contradiction", _f64),
    ("rating", _str), ("publisher", _str),
])  # fmt: skip

SPANS = pa.schema([
    ("input_id", _str), ("start", _i32), ("end", _i32), ("text", _str), ("technique", _str), ("score", _f64),
])  # fmt: skip

ERRORS = pa.schema([
    ("input_id", _str), ("content_hash", _str), ("source", _str), ("stage", _str), ("error", _str),
    ("code", _str), ("message", _str), ("failed_at", pa.timestamp("us", tz="UTC")),
])  # fmt: skip

# Written in this order: `articles` last, as the commit marker of a part (see parts.py).
SCHEMAS: dict[str, pa.Schema] = {"claims": CLAIMS, "evidence": EVIDENCE, "spans": SPANS, "errors": ERRORS,
                                 "articles": ARTICLES}  # fmt: skip
COMMIT_TABLE = "articles"

Rows = dict[str, list[dict[str, Any]]]


def empty_rows() -> Rows:
    return {name: [] for name in SCHEMAS}


def article_rows(item: Item, report: Report, *, stages: list[str], json_file: str | None = None) -> Rows:
    """The rows of one analysed input, for every table."""
    doc, summary, rating = report.document, report.summary, report.source
    rows = empty_rows()
    rows["articles"].append({
        "input_id": item.input_id, "content_hash": item.content_hash, "source": item.source, "url": doc.url,
        "domain": doc.domain, "title": doc.title or item.title, "author": doc.author,
        "published": doc.published or item.published, "site_name": doc.site_name, "language": doc.language,
        "input_format": doc.input_format,
        "words": len(doc.text.split()), "n_sentences": summary.n_sentences, "n_claims": summary.n_claims,
        "n_over_threshold": summary.n_over_threshold, "n_attributed": summary.n_attributed,
        "n_anonymous": summary.n_anonymous, "n_hedged": summary.n_hedged, "claim_threshold": summary.claim_threshold,
        "outlet": rating.domain if rating else None, "rating_score": rating.score if rating else None,
        "rating_label": rating.label if rating else None, "rating_found_by": rating.found_by if rating else None,
        "persuasion_density": summary.persuasion_density, "verdict_counts": summary.verdict_counts,
        "technique_counts": summary.technique_counts, "assessment": summary.assessment, "warnings": report.warnings,
        "timings_ms": report.timings_ms, "stages": stages, "analyzer_version": report.version,
        "report_id": report.id, "analyzed_at": report.analyzed_at, "json_file": json_file,
    })  # fmt: skip
    for index, claim in enumerate(report.claims):
        sentence = report.sentences[claim.sentence_i] if claim.sentence_i < len(report.sentences) else None
        att = sentence.attribution if sentence else None
        claim_key = f"{item.input_id}#{claim.id}"
        rows["claims"].append({
            "input_id": item.input_id, "claim_key": claim_key, "index": index, "claim_id": claim.id,
            "sentence_i": claim.sentence_i, "text": claim.text, "normalized": claim.normalized,
            "start": sentence.start if sentence else None, "end": sentence.end if sentence else None,
            "checkworthiness": claim.checkworthiness, "kind": claim.kind, "speaker": claim.speaker,
            "speaker_type": att.speaker_type if att else None, "cue": att.cue if att else None,
            "mode": att.mode if att else None, "hedged": bool(att and att.hedges),
            "hedges": att.hedges if att else [], "anonymous": bool(att and att.anonymous),
            "verdict": claim.verdict.label if claim.verdict else None,
            "confidence": claim.verdict.confidence if claim.verdict else None,
            "decider": claim.verdict.decider if claim.verdict else None,
            "n_evidence": len(claim.evidence), "n_factchecks": len(claim.factchecks),
        })  # fmt: skip
        read = claim.verdict.sentences if claim.verdict else []
        for rank, passage in enumerate(claim.evidence):
            base = {"input_id": item.input_id, "claim_key": claim_key, "kind": "passage", "rank": rank,
                    "collection": passage.collection, "document_id": passage.document_id,
                    "passage_id": passage.passage_id, "source": passage.source, "url": passage.url,
                    "title": passage.title, "published": passage.published, "score": passage.score}  # fmt: skip
            sentences = [s for s in read if s.evidence_i == rank]
            if not sentences:
                rows["evidence"].append(base)
            for s in sentences:
                rows["evidence"].append({**base, "sentence": s.text, "sentence_start": s.start,
                                         "sentence_end": s.end, "role": s.role, "entailment": s.entailment,
                                         "neutral": s.neutral, "contradiction": s.contradiction})  # fmt: skip
        for rank, match in enumerate(claim.factchecks):
            rows["evidence"].append({
                "input_id": item.input_id, "claim_key": claim_key, "kind": "factcheck", "rank": rank,
                "collection": match.collection, "url": match.url, "title": match.title,
                "published": match.published, "score": match.score, "sentence": match.claim,
                "rating": match.rating, "publisher": match.publisher,
            })  # fmt: skip
    for span in report.spans:
        rows["spans"].append({"input_id": item.input_id, "start": span.start, "end": span.end, "text": span.text,
                              "technique": span.technique, "score": span.score})  # fmt: skip
    return rows


def error_row(item: Item, exc: BaseException | None, *, stage: str, message: str | None = None) -> dict[str, Any]:
    return {
        "input_id": item.input_id, "content_hash": item.content_hash, "source": item.source, "stage": stage,
        "error": type(exc).__name__ if exc is not None else "InputError",
        "code": getattr(exc, "code", None) if exc is not None else "V100",
        "message": message if message is not None else str(exc), "failed_at": datetime.now(UTC),
    }  # fmt: skip


def to_table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMAS[name])
