"""Fact-verification data sets read into one shape, and the fixed splits that keep training, selection and
reporting apart.

Claim level (`VerificationClaim`: a claim, its evidence sentences, a veracity verdict): Climate-FEVER JSONL,
AVeriTeC JSON (evidence = the answers to its questions), Fool Me Twice JSONL (gold evidence) and HealthVer CSV
(one item per claim/evidence pair, as it is scored pair by pair). Pair level (`NliPair`): the same files plus
SNLI and FEVER-RTE, for the verifier.

Splits are by claim (or by source paper / article), from a hash, so they never move:
`part(source, key)` is "train" (< 0.45 of the hash range; Climate-FEVER < 0.3), "validation" (up to 0.6) or
"report" (the rest). The verifier trains on "train" parts; model and aggregation choices use "validation";
"report" parts are read only by `veracity eval` for the numbers in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from veracity.errors import DataFormatError
from veracity.jsonl import iter_jsonl
from veracity.schema import VERDICT_LABELS
from veracity.verify.nli import LABELS

VERDICTS = VERDICT_LABELS
NLI_LABELS = LABELS  # the verifier's output columns, in order
PARTIAL_LABELS = {"not_entailment": ("neutral", "contradiction")}
FORMATS = ("climate-fever", "averitec", "fm2", "healthver", "snli", "fever-rte")

CF_CLAIM = {"SUPPORTS": "supported", "REFUTES": "refuted", "DISPUTED": "disputed",
            "NOT_ENOUGH_INFO": "not_enough_evidence"}  # fmt: skip
CF_EVIDENCE = {"SUPPORTS": "entailment", "REFUTES": "contradiction", "NOT_ENOUGH_INFO": "neutral"}
AVERITEC = {"supported": "supported", "refuted": "refuted", "not enough evidence": "not_enough_evidence",
            "conflicting evidence/cherrypicking": "disputed"}  # fmt: skip
FM2 = {"SUPPORTS": "supported", "REFUTES": "refuted"}
HEALTHVER = {"supports": "supported", "refutes": "refuted", "neutral": "not_enough_evidence"}
VERDICT_TO_NLI = {"supported": "entailment", "refuted": "contradiction", "not_enough_evidence": "neutral"}


@dataclass(frozen=True)
class VerificationClaim:
    claim_id: str
    claim: str
    label: str  # one of VERDICTS
    evidences: list[str]
    evidence_labels: list[str | None] = field(default_factory=list)  # NLI label per evidence, where known


@dataclass(frozen=True)
class NliPair:
    claim: str
    evidence: str
    label: str  # one of NLI_LABELS or "not_entailment" (neutral or contradiction)
    source: str
    key: str  # what the split is keyed on (claim id, paper, article)


def hash_bucket(text: str) -> float:
    """A fixed number in [0, 1] for `text` (the first 32 bits of its SHA-1): what every split here is cut from."""
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def part(source: str, key: str) -> str:
    """'train', 'validation' or 'report' for an item of `source` keyed by `key` (claim id, paper, article)."""
    # keyed by source too (but Climate-FEVER, whose split predates this), so equal keys in two sets split apart
    bucket = hash_bucket(f"veracity:{key}" if source == "climate-fever" else f"veracity:{source}:{key}")
    train = 0.3 if source == "climate-fever" else 0.45
    return "train" if bucket < train else "validation" if bucket < 0.6 else "report"


def detect_format(path: Path) -> str:
    """The data set a file holds, from its first record's fields."""
    name = path.name.lower()
    if name.endswith(".csv"):
        return "healthver"
    head = _read_text(path).lstrip()
    if head.startswith("["):
        return "averitec"
    first = next((row for _, row in _jsonl(path)), {})
    for fmt, keys in (("climate-fever", {"claim_label", "evidences"}), ("fm2", {"gold_evidence"}),
                      ("snli", {"premise", "hypothesis"}), ("fever-rte", {"evidence", "claim", "label"})):  # fmt: skip
        if keys <= set(first):
            return fmt
    raise DataFormatError(f"{path}: unknown format (expected Climate-FEVER, AVeriTeC, Fool Me Twice, HealthVer, "
                          "SNLI or FEVER-RTE); give --format")  # fmt: skip


def read_claims(path: Path, fmt: str | None = None) -> list[VerificationClaim]:
    """Claim-level items of a verification file (format auto-detected unless given)."""
    fmt = fmt or detect_format(path)
    readers = {"climate-fever": _climate_fever, "averitec": _averitec, "fm2": _fm2, "healthver": _healthver}
    if fmt not in readers:
        raise DataFormatError(f"{path}: {fmt} is a pair-level set; use `veracity eval nli`")
    claims = list(readers[fmt](path))
    if not claims:
        raise DataFormatError(f"{path}: no claims found")
    return claims


def read_pairs(path: Path, fmt: str | None = None) -> list[NliPair]:
    """Pair-level items: one per claim/evidence with a known label."""
    fmt = fmt or detect_format(path)
    if fmt == "snli":
        return [NliPair(r["hypothesis"].strip(), r["premise"].strip(), _choice(r, "label", NLI_LABELS, path, n),
                        "snli", r["premise"]) for n, r in _jsonl(path) if r.get("label") in NLI_LABELS]  # fmt: skip
    if fmt == "fever-rte":
        labels = ("entailment", "not_entailment")
        return [NliPair(r["claim"].strip(), clean_fever(r["evidence"]), _choice(r, "label", labels, path, n),
                        "fever-rte", r["claim"]) for n, r in _jsonl(path)]  # fmt: skip
    out = []
    for c in read_claims(path, fmt):
        if fmt == "fm2":  # the claim's label holds for its gold evidence read together
            out.append(NliPair(c.claim, " ".join(c.evidences), VERDICT_TO_NLI[c.label], fmt, c.claim_id))
            continue
        for ev, lab in zip(c.evidences, c.evidence_labels, strict=False):
            if lab is not None:
                out.append(NliPair(c.claim, ev, lab, fmt, c.claim_id))
    if not out:
        raise DataFormatError(f"{path}: no labelled claim/evidence pairs found")
    return out


def clean_fever(text: str) -> str:
    """FEVER's Penn-treebank tokens back to plain text (-LRB- -> '(', `` -> '"')."""
    for a, b in (("-LRB-", "("), ("-RRB-", ")"), ("-LSB-", "["), ("-RSB-", "]"), ("``", '"'), ("''", '"')):
        text = text.replace(a, b)
    text = re.sub(r"\s+([,.;:)\]'])", r"\1", text)
    return re.sub(r"([(\[])\s+", r"\1", text).strip()


# --- readers -------------------------------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise DataFormatError(f"no such file: {path}")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DataFormatError(f"{path}: not UTF-8 text") from None


def _jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    return iter_jsonl(path, strict_utf8=True)


def _text(value: object, path: Path, n: int, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DataFormatError(f"{path}:{n}: {what} must be non-empty text")
    return value.strip()


def _choice(row: dict, key: str, allowed, path: Path, n: int) -> str:
    value = row.get(key)
    if value not in allowed:
        raise DataFormatError(f"{path}:{n}: {key} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _climate_fever(path: Path) -> Iterator[VerificationClaim]:
    for n, r in _jsonl(path):
        evidences = r.get("evidences")
        if not isinstance(evidences, list) or not all(isinstance(e, dict) for e in evidences):
            raise DataFormatError(f"{path}:{n}: evidences must be a list of objects")
        yield VerificationClaim(
            str(r.get("claim_id", n)), _text(r.get("claim"), path, n, "claim"),
            CF_CLAIM[_choice(r, "claim_label", CF_CLAIM, path, n)],
            [_text(e.get("evidence"), path, n, "evidence") for e in evidences],
            [CF_EVIDENCE.get(e.get("evidence_label")) for e in evidences],
        )  # fmt: skip


def _fm2(path: Path) -> Iterator[VerificationClaim]:
    for n, r in _jsonl(path):
        gold = r.get("gold_evidence")
        if not isinstance(gold, list) or not gold:
            raise DataFormatError(f"{path}:{n}: gold_evidence must be a non-empty list of {{text}}")
        texts = [_text(g.get("text") if isinstance(g, dict) else None, path, n, "gold_evidence text") for g in gold]
        label = FM2[_choice(r, "label", FM2, path, n)]
        claim = _text(r.get("claim", r.get("text")), path, n, "claim (or text)")
        yield VerificationClaim(str(r.get("id", n)), claim, label, texts,
                                [VERDICT_TO_NLI[label]] * len(texts))  # fmt: skip


def _healthver(path: Path) -> Iterator[VerificationClaim]:
    text = _read_text(path)
    rows = csv.DictReader(text.splitlines())
    if not rows.fieldnames or not {"evidence", "claim", "label"} <= set(rows.fieldnames):
        raise DataFormatError(f"{path}: expected HealthVer CSV columns id, evidence, claim, label")
    for n, r in enumerate(rows, 2):
        label = HEALTHVER.get((r.get("label") or "").strip().lower())
        if label is None:
            raise DataFormatError(f"{path}:{n}: label must be Supports, Refutes or Neutral, got {r.get('label')!r}")
        claim, evidence = _text(r.get("claim"), path, n, "claim"), _text(r.get("evidence"), path, n, "evidence")
        # split by claim (several pairs share one); the item id is the pair's own
        yield VerificationClaim(claim, claim, label, [evidence], [VERDICT_TO_NLI[label]])


def _averitec(path: Path) -> Iterator[VerificationClaim]:
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError:
        raise DataFormatError(f"{path}: not valid JSON") from None
    if not isinstance(data, list):
        raise DataFormatError(f"{path}: expected a JSON list of AVeriTeC claims")
    for n, r in enumerate(data, 1):
        if not isinstance(r, dict):
            raise DataFormatError(f"{path}: item {n} is not an object")
        label = AVERITEC.get(str(r.get("label", "")).strip().lower())
        if label is None:
            raise DataFormatError(f"{path}: item {n}: unknown label {r.get('label')!r}")
        evidences = []
        for q in r.get("questions") or []:
            for a in (q.get("answers") or []) if isinstance(q, dict) else []:
                if not isinstance(a, dict) or a.get("answer_type") == "Unanswerable":
                    continue
                answer = str(a.get("answer") or "").strip()
                if a.get("answer_type") == "Boolean" and a.get("boolean_explanation"):
                    answer = f"{answer}. {a['boolean_explanation']}".strip()
                if answer:  # the question gives a short answer ("One.") its subject
                    evidences.append(f"{str(q.get('question') or '').strip()} {answer}".strip())
        yield VerificationClaim(str(r.get("claim_id", n)), _text(r.get("claim"), path, n, "claim"), label, evidences)
