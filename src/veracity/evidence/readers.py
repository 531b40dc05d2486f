"""Read the user's files into documents: txt, md, html, JSONL/CSV with a text column, WARC; folders recursively.

Every reader yields `SourceDocument`s keyed by where they came from (path, or path#record), so re-adding the
same file is recognised. A file that cannot be read raises `DataFormatError` naming it; the caller warns and
goes on with the rest.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from veracity.errors import DataFormatError, InputError
from veracity.evidence.store import SourceDocument
from veracity.jsonl import iter_jsonl

TEXT_COLUMNS = ("text", "content", "body", "articleBody", "article", "maintext")
TITLE_COLUMNS = ("title", "headline", "Headline")
URL_COLUMNS = ("url", "link", "source_url")
DATE_COLUMNS = ("date", "published", "date_publish", "published_at")
SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".jsonl", ".ndjson", ".csv", ".warc", ".gz"}
MAX_FILE_BYTES = 512 * 1024 * 1024


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """The given files, and the readable files under the given folders (sorted, hidden ones skipped)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if child.is_file() and not any(p.startswith(".") for p in rel) and _suffix(child) in SUFFIXES:
                    yield child
        elif path.is_file():
            yield path
        else:
            raise InputError(f"no such file or folder: {path}")


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return ".warc" if name.endswith((".warc", ".warc.gz")) else path.suffix.lower()


Warn = Callable[[str], None]


def read_file(path: Path, text_column: str | None = None, warn: Warn | None = None) -> Iterator[SourceDocument]:
    """The documents of one file; `warn` hears of parts left out (a WARC record too large to read)."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise DataFormatError(f"{path}: larger than {MAX_FILE_BYTES >> 20} MB")
    suffix = _suffix(path)
    key = str(path.resolve())
    if suffix in {".jsonl", ".ndjson"}:
        yield from _records(path, key, _jsonl_rows(path), text_column)
    elif suffix == ".csv":
        yield from _records(path, key, _csv_rows(path), text_column)
    elif suffix == ".warc":
        yield from _warc(path, key, warn)
    elif suffix in {".html", ".htm"}:
        yield _page(path.read_bytes(), key, url=None, what=str(path))
    elif suffix in {".txt", ".text", ".md", ".markdown", ""}:
        yield _plain(path.read_bytes(), key, str(path), markdown=suffix in {".md", ".markdown"})
    else:
        raise DataFormatError(f"{path}: unsupported file type {suffix!r} (txt, md, html, jsonl, csv, warc)")


def _plain(data: bytes, key: str, what: str, *, markdown: bool = False) -> SourceDocument:
    from veracity.ingest.decode import decode_bytes

    try:
        text = decode_bytes(data).strip()
    except Exception as exc:  # decode_bytes raises InputError for binary data
        raise DataFormatError(f"{what}: {exc}") from None
    if not text:
        raise DataFormatError(f"{what}: empty")
    meta, text = note_header(text)
    if markdown:
        meta, text = _markdown_title(meta, text)
    if not text:
        raise DataFormatError(f"{what}: only header lines, no text")
    title = meta.get("title") or text.splitlines()[0].lstrip("# ").strip()[:300]
    return SourceDocument(key=key, text=text, title=title or None, url=meta.get("url"), published=meta.get("date"))


_HEADING = re.compile(r"^#{1,6}\s+(\S.*?)\s*#*\s*$")


def _markdown_title(meta: dict, text: str) -> tuple[dict, str]:
    """A Markdown note's first-line heading is its title, not a sentence of evidence (read as one, "# Canada sends
    advisers" was cited as if a source had asserted it); other headings lose their '#' marks."""
    lines = text.splitlines()
    first = _HEADING.match(lines[0]) if lines else None
    if first:
        meta = {"title": first.group(1)[:300], **meta}
        lines = lines[1:]
    lines = [m.group(1) if (m := _HEADING.match(line)) else line for line in lines]
    return meta, "\n".join(lines).strip()


_HEADER = re.compile(r"^(url|source|title|date|published)\s*:\s*(\S.*)$", re.I)
_HEADER_KEYS = {"url": "url", "source": "url", "title": "title", "date": "date", "published": "date"}


def note_header(text: str) -> tuple[dict[str, str], str]:
    """Leading `url:` / `title:` / `date:` lines that saved notes often start with, as metadata, and the text after
    them. A `source:` line counts as the URL only when it is one."""
    meta: dict[str, str] = {}
    lines = text.splitlines()
    k = 0
    while k < min(len(lines), 8) and (m := _HEADER.match(lines[k].strip())):
        key, value = _HEADER_KEYS[m.group(1).lower()], m.group(2).strip()
        if key == "url" and not value.startswith(("http://", "https://")):
            break
        meta.setdefault(key, value[:1000])
        k += 1
    if "date" in meta:
        from veracity.nlp.dates import resolve_date

        meta["date"] = resolve_date(meta["date"]) or meta["date"][:40]
    return meta, "\n".join(lines[k:]).strip()


def _page(data: bytes, key: str, url: str | None, what: str) -> SourceDocument:
    from veracity.ingest import load_document

    try:
        doc = load_document(data, url=url)
    except Exception as exc:
        raise DataFormatError(f"{what}: {exc}") from None
    return SourceDocument(key=key, text=doc.text, title=doc.title, url=doc.url or url, published=doc.published)


def _jsonl_rows(path: Path) -> Iterator[dict]:
    return (row for _, row in iter_jsonl(path))


def _csv_rows(path: Path) -> Iterator[dict]:
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        try:
            yield from csv.DictReader(f)
        except csv.Error as exc:
            raise DataFormatError(f"{path}: bad CSV ({exc})") from None


def _first(row: dict, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = row.get(name)
        if value not in (None, ""):
            return str(value)
    return None


def _records(path: Path, key: str, rows: Iterator[dict], text_column: str | None) -> Iterator[SourceDocument]:
    columns = (text_column,) if text_column else TEXT_COLUMNS
    for n, row in enumerate(rows, 1):
        text = _first(row, columns)
        if text is None:
            if n == 1:
                raise DataFormatError(
                    f"{path}: no text column (looked for {', '.join(columns)}; choose one with --text-column)"
                )
            continue
        record = _first(row, ("id", "ID", "doc_id", "Body ID")) or str(n)
        yield SourceDocument(
            key=f"{key}#{record}", text=text.strip(), title=_first(row, TITLE_COLUMNS),
            url=_first(row, URL_COLUMNS), published=_first(row, DATE_COLUMNS),
        )  # fmt: skip


def _warc(path: Path, key: str, warn: Warn | None = None) -> Iterator[SourceDocument]:
    """HTML and text response records; each page is read decompressed up to `MAX_RECORD_BYTES` (ingest/warc.py),
    a larger one is left out with a warning."""
    from warcio.exceptions import ArchiveLoadFailed

    from veracity.ingest.inflate import InflateError
    from veracity.ingest.warc import MAX_RECORD_BYTES, iter_records, record_body

    found = oversized = 0
    with path.open("rb") as f:
        try:
            for record in iter_records(f):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                content_type = record.http_headers.get_header("Content-Type") or ""
                if "html" not in content_type and "text/plain" not in content_type:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                try:
                    data = record_body(record)
                except InflateError as exc:
                    oversized += exc.too_large
                    if warn:
                        warn(f"skipped {path.name}#{url}: {exc}")
                    continue
                try:
                    if "html" in content_type:
                        doc = _page(data, f"{key}#{url}", url if url and url.startswith("http") else None, url or key)
                    else:
                        doc = _plain(data, f"{key}#{url}", url or key)
                        doc.url = url
                except DataFormatError:
                    continue  # one empty or broken page does not spoil the archive
                found += 1
                yield doc
        except (ArchiveLoadFailed, OSError, ValueError) as exc:
            raise DataFormatError(f"{path}: not a readable WARC file ({exc})") from None
    if not found:
        bombs = f" ({oversized} over {MAX_RECORD_BYTES >> 20} MB once decompressed)" if oversized else ""
        raise DataFormatError(f"{path}: no readable HTML or text pages in this WARC file{bombs}")
