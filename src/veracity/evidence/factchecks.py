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
    """Every fact-check in `path`. A malformed record is a DataFormatError naming the file and line (or record);
    so are a file that is not UTF-8, JSON nested too deeply and two records with one id."""
    if not path.is_file():
        raise DataFormatError(f"no such file: {path}")
    readers = {"vclaims": _vclaims, "liar": _liar, "claimreview": _claimreview}
    if fmt != "auto" and fmt not in readers:
        raise DataFormatError(f"unknown fact-check format {fmt!r}; one of {', '.join(FORMATS)}")
    count, seen = 0, set()
    try:
        fmt = _detect(path) if fmt == "auto" else fmt
        for doc in readers[fmt](path):
            if fmt != "claimreview":  # ClaimReview pages may embed one review twice; ids elsewhere are unique
                if doc.key in seen:
                    raise DataFormatError(f"{path}: record {count + 1}: id {doc.key!r} appears twice")
                seen.add(doc.key)
            doc.passages = [(0, len(doc.text), doc.text)]
            count += 1
            yield doc
    except UnicodeDecodeError as exc:
        raise DataFormatError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None
    except RecursionError:
        raise DataFormatError(f"{path}: JSON nested too deeply") from None
    except OSError as exc:
        raise DataFormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    if count == 0:
        raise DataFormatError(f"{path}: no fact-checks found (read as {fmt})")


def _text(value: object) -> str | None:
    """A field as text: strings as they are, numbers written out, anything else (objects, lists) absent."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _detect(path: Path) -> str:
    with path.open(encoding="utf-8", errors="replace") as f:
        head = f.read(4096)
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
                claim, key = _text(row["vclaim"]), _text(row["vclaim_id"])
            except (json.JSONDecodeError, KeyError, TypeError):
                raise DataFormatError(f"{path}:{n}: expected a JSON object with vclaim_id and vclaim") from None
            if not claim or not key:
                raise DataFormatError(f"{path}:{n}: vclaim_id and vclaim must be non-empty text")
            title = _text(row.get("title"))
            yield SourceDocument(
                key=key, text=_match_text(title, _text(row.get("subtitle")), claim), title=title,
                published=_text(row.get("date")), claim=claim, publisher=_text(row.get("publisher")) or "Snopes",
                url=_text(row.get("url")),
            )  # fmt: skip


MAX_LIAR_FIELD = 128 * 1024  # a LIAR statement or speaker field; anything longer is not a LIAR row


def _liar(path: Path) -> Iterator[SourceDocument]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. a field over csv's limit
                raise DataFormatError(f"{path}:{reader.line_num}: {exc}") from None
            n = reader.line_num
            if not row:
                continue
            # Checked here, not left to csv's field_size_limit: that is process-wide, and corpus readers raise it.
            if any(len(field) > MAX_LIAR_FIELD for field in row):
                raise DataFormatError(f"{path}:{n}: a field is longer than {MAX_LIAR_FIELD:,} characters")
            if len(row) < 3:
                raise DataFormatError(f"{path}:{n}: expected LIAR's {LIAR_COLUMNS} tab-separated columns")
            statement_id, label, statement = row[0].strip(), row[1].strip(), row[2].strip()
            if not statement_id or not statement:
                raise DataFormatError(f"{path}:{n}: empty statement id or statement")
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
    for n, block in enumerate(blocks, 1):
        try:
            data = json.loads(block)
        except json.JSONDecodeError as exc:
            where = f"line {n}" if len(blocks) > 1 else f"line {exc.lineno}"
            raise DataFormatError(f"{path}: not JSON ({exc.msg} at {where})") from None
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


def _name(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _text(value.get("name")) or _text(value.get("url"))
    return _text(value)


def _rating(value: object) -> str | None:
    """reviewRating: an object (alternateName, name, ratingValue/bestRating), a list of them, or plain text."""
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, dict):
        return _text(value)
    label = _text(value.get("alternateName")) or _text(value.get("name"))
    if not label and _text(value.get("ratingValue")):
        label = f"{_text(value.get('ratingValue'))}/{_text(value.get('bestRating')) or '?'}"
    return label


def _from_claimreview(item: dict) -> SourceDocument | None:
    claim = _text(item.get("claimReviewed"))
    if not claim:
        return None
    url, title = _text(item.get("url")), _text(item.get("headline")) or _text(item.get("name"))
    return SourceDocument(
        key=url or f"claimreview:{claim}", text=_match_text(title, claim), claim=claim,
        rating=_rating(item.get("reviewRating")), publisher=_name(item.get("author")) or _name(item.get("publisher")),
        published=_text(item.get("datePublished")), url=url, title=title,
    )  # fmt: skip


def _from_api_claim(item: dict) -> SourceDocument | None:
    reviews = [r for r in item.get("claimReview", []) if isinstance(r, dict)]
    claim = _text(item.get("text"))
    if not reviews or not claim:
        return None
    review = reviews[0]
    url, title = _text(review.get("url")), _text(review.get("title"))
    return SourceDocument(
        key=url or f"claim:{claim}", text=_match_text(title, claim), claim=claim,
        rating=_text(review.get("textualRating")), publisher=_name(review.get("publisher")), url=url,
        published=_text(review.get("reviewDate")) or _text(item.get("claimDate")), title=title,
    )  # fmt: skip
