"""Read prior fact-checks: CheckThat!/Snopes `vclaims.jsonl`, LIAR TSV, schema.org ClaimReview JSON-LD (also inside
HTML pages, and the Google Fact Check Tools API's `claims` export). Each becomes one document whose single
passage is what a claim is matched against: title, subtitle and the claim as the fact-checker worded it.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

from veracity.errors import DataFormatError
from veracity.evidence.store import SourceDocument

FORMATS = ("auto", "vclaims", "liar", "claimreview")
LIAR_COLUMNS = 14
_LD_JSON = re.compile(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script>", re.S | re.I)


def read_factchecks(path: Path, fmt: str = "auto") -> Iterator[SourceDocument]:
    if not path.is_file():
        raise DataFormatError(f"no such file: {path}")
    if fmt == "auto":
        fmt = _detect(path)
    readers = {"vclaims": _vclaims, "liar": _liar, "claimreview": _claimreview}
    if fmt not in readers:
        raise DataFormatError(f"unknown fact-check format {fmt!r}; one of {', '.join(FORMATS)}")
    count = 0
    for doc in readers[fmt](path):
        doc.passages = [(0, len(doc.text), doc.text)]
        count += 1
        yield doc
    if count == 0:
        raise DataFormatError(f"{path}: no fact-checks found (read as {fmt})")


def _detect(path: Path) -> str:
    head = path.open(encoding="utf-8", errors="replace").read(4096)
    if path.suffix.lower() == ".tsv" or (
        head.count("\t") >= LIAR_COLUMNS - 1 and head.split("\t", 1)[0].endswith(".json")
    ):
        return "liar"
    if "ClaimReview" in head or "claimReview" in head or path.suffix.lower() in {".html", ".htm"}:
        return "claimreview"
    if '"vclaim"' in head:
        return "vclaims"
    raise DataFormatError(f"{path}: cannot tell the fact-check format; give --format ({', '.join(FORMATS[1:])})")


def _match_text(*parts: str | None) -> str:
    seen, out = set(), []
    for part in parts:
        part = (part or "").strip()
        if part and part.lower() not in seen:
            seen.add(part.lower())
            out.append(part)
    return " ".join(out)


def _vclaims(path: Path) -> Iterator[SourceDocument]:
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                claim, key = row["vclaim"], row["vclaim_id"]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise DataFormatError(f"{path}:{n}: expected a JSON object with vclaim_id and vclaim") from None
            yield SourceDocument(
                key=str(key), text=_match_text(row.get("title"), row.get("subtitle"), claim), title=row.get("title"),
                published=row.get("date"), claim=claim, publisher=row.get("publisher") or "Snopes",
                url=row.get("url"),
            )  # fmt: skip


def _liar(path: Path) -> Iterator[SourceDocument]:
    with path.open(encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if not row:
                continue
            if len(row) < 3:
                raise DataFormatError(f"{path}:{n}: expected LIAR's {LIAR_COLUMNS} tab-separated columns")
            statement_id, label, statement = row[0], row[1], row[2]
            speaker = row[4].replace("-", " ").title() if len(row) > 4 and row[4] else None
            yield SourceDocument(
                key=statement_id, text=statement, claim=statement, rating=label, publisher="PolitiFact",
                title=f"{speaker}: {statement}" if speaker else None,
                url=f"https://www.politifact.com/api/v/2/statement/{statement_id.removesuffix('.json')}/",
            )  # fmt: skip


def _claimreview(path: Path) -> Iterator[SourceDocument]:
    raw = path.read_text(encoding="utf-8", errors="replace")
    blocks = _LD_JSON.findall(raw) if path.suffix.lower() in {".html", ".htm"} else [raw]
    if path.suffix.lower() in {".jsonl", ".ndjson"}:
        blocks = [line for line in raw.splitlines() if line.strip()]
    for block in blocks:
        try:
            data = json.loads(block)
        except json.JSONDecodeError as exc:
            raise DataFormatError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
        for item in _walk(data):
            doc = _from_claimreview(item) if item.get("@type") == "ClaimReview" else _from_api_claim(item)
            if doc is not None:
                yield doc


def _walk(data) -> Iterator[dict]:
    """Every object that is a ClaimReview, or a claim of the Fact Check Tools API (text + claimReview)."""
    if isinstance(data, list):
        for item in data:
            yield from _walk(item)
    elif isinstance(data, dict):
        kind = data.get("@type")
        if kind == "ClaimReview" or (isinstance(kind, list) and "ClaimReview" in kind):
            yield {**data, "@type": "ClaimReview"}
        elif "text" in data and isinstance(data.get("claimReview"), list):
            yield data
        else:
            for key in ("@graph", "claims", "itemListElement", "mainEntity", "item"):
                if key in data:
                    yield from _walk(data[key])


def _name(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return value.get("name") or value.get("url")
    return value if isinstance(value, str) else None


def _from_claimreview(item: dict) -> SourceDocument | None:
    claim = item.get("claimReviewed")
    if not claim:
        return None
    rating = item.get("reviewRating") or {}
    if isinstance(rating, list):
        rating = rating[0] if rating else {}
    label = rating.get("alternateName") or rating.get("name")
    if not label and rating.get("ratingValue") is not None:
        label = f"{rating['ratingValue']}/{rating.get('bestRating', '?')}"
    url = item.get("url")
    return SourceDocument(
        key=url or f"claimreview:{claim}", text=_match_text(item.get("headline") or item.get("name"), claim),
        claim=claim, rating=label, publisher=_name(item.get("author")) or _name(item.get("publisher")),
        published=item.get("datePublished"), url=url, title=item.get("headline") or item.get("name"),
    )  # fmt: skip


def _from_api_claim(item: dict) -> SourceDocument | None:
    reviews = [r for r in item.get("claimReview", []) if isinstance(r, dict)]
    if not reviews or not item.get("text"):
        return None
    review = reviews[0]
    url = review.get("url")
    return SourceDocument(
        key=url or f"claim:{item['text']}", text=_match_text(review.get("title"), item["text"]), claim=item["text"],
        rating=review.get("textualRating"), publisher=_name(review.get("publisher")), url=url,
        published=review.get("reviewDate") or item.get("claimDate"), title=review.get("title"),
    )  # fmt: skip
