"""Batch inputs: files, folders, tables (CSV / JSONL / Parquet), WARC files and URL lists, each turned into `Item`s.

An item is one article to analyse, named by a stable `input_id` and a `content_hash` of what was given; the pair
is the resume key (an input already written under the same id and hash is skipped). Reading never raises for one
bad article: an unreadable row becomes an item that carries its error and lands in the `errors` table.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from veracity.errors import InputError

if TYPE_CHECKING:
    from veracity.ingest.fetch import FetchPolicy

TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet")
WARC_SUFFIXES = (".warc", ".warc.gz")
# WARC records worth analysing: pages and plain text (not images, scripts, robots.txt answers, ...).
WARC_CONTENT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")

ItemKind = Literal["file", "text", "bytes", "url", "error"]


@dataclass(frozen=True, slots=True)
class Item:
    """One article to analyse. `payload` is the path (file), text (table row), bytes (WARC record), URL (url) or
    the error message (error: an input that could not even be read)."""

    input_id: str
    source: str
    content_hash: str
    kind: ItemKind
    payload: str | bytes
    url: str | None = None
    title: str | None = None
    published: str | None = None  # from a feed entry

    @property
    def key(self) -> tuple[str, str]:
        return self.input_id, self.content_hash

    @property
    def host(self) -> str | None:
        """The host a URL item is fetched from (the driver keeps one fetch per host in flight)."""
        return (urlsplit(self.payload).hostname or "") if self.kind == "url" else None  # type: ignore[arg-type]


@dataclass(frozen=True)
class TableColumns:
    text: str | None = None
    id: str | None = None
    url: str | None = None
    title: str | None = None


def content_hash(data: bytes | str) -> str:
    """128-bit BLAKE2b of the input as given: enough to tell a changed article from an unchanged one."""
    raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _file_hash(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _error(input_id: str, source: str, message: str) -> Item:
    return Item(input_id, source, content_hash(message), "error", message)


def _http_url(value: object) -> str | None:
    text = str(value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else None


# -- files and folders -------------------------------------------------------------------------------------------
def iter_paths(inputs: Iterable[Path]) -> Iterator[Path]:
    """Every file named or under a named folder (recursively, sorted, hidden files and folders skipped)."""
    for root in inputs:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
                if path.is_file() and not hidden:
                    yield path
        else:
            yield root


def file_items(path: Path, columns: TableColumns) -> Iterator[Item]:
    """The items of one file: an article, a table's rows or a WARC's records."""
    name = path.name.lower()
    if name.endswith(TABLE_SUFFIXES):
        if columns.text:
            yield from table_items(path, columns)
        else:
            yield _error(str(path), str(path), f"{path} is a table: give --text-column to read its rows")
    elif name.endswith(WARC_SUFFIXES):
        yield from warc_items(path)
    else:
        try:
            digest = _file_hash(path)
        except OSError as exc:
            yield _error(str(path), str(path), f"cannot read {path}: {exc.strerror or exc}")
            return
        yield Item(str(path), str(path), digest, "file", str(path))


# -- tables ------------------------------------------------------------------------------------------------------
def _rows(path: Path) -> Iterator[tuple[int, dict | None, str | None]]:
    """(row number, row or None, error or None) for CSV/TSV, JSON Lines and Parquet."""
    name = path.name.lower()
    if name.endswith((".csv", ".tsv")):
        csv.field_size_limit(sys.maxsize)  # article bodies are long
        with path.open(encoding="utf-8", errors="replace", newline="") as f:
            reader = csv.DictReader(f, delimiter="\t" if name.endswith(".tsv") else ",")
            n = 0
            while True:
                n += 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield n, None, f"row {n}: not readable as CSV ({exc})"
                    continue
                yield n, row, None
    elif name.endswith((".jsonl", ".ndjson")):
        with path.open(encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield n, None, f"line {n}: not JSON ({exc.msg})"
                    continue
                yield (n, row, None) if isinstance(row, dict) else (n, None, f"line {n}: not a JSON object")
    else:
        import pyarrow.parquet as pq

        n = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                n += 1
                yield n, row, None


def table_items(path: Path, columns: TableColumns) -> Iterator[Item]:
    """One item per row; `input_id` is `PATH#ID` (the id column) or `PATH#row=N`."""
    seen: set[str] = set()
    for n, row, problem in _rows(path):
        raw_id = row.get(columns.id) if (row is not None and columns.id) else None
        input_id = f"{path}#{raw_id}" if raw_id not in (None, "") else f"{path}#row={n}"
        if row is None:
            yield _error(input_id, str(path), f"{path}: {problem}")
            continue
        if columns.text not in row:
            raise InputError(f"{path}: no column {columns.text!r} (columns: {', '.join(map(str, row))})")
        if input_id in seen:
            yield _error(f"{input_id}@row={n}", str(path), f"{path}: row {n} repeats the id {raw_id!r}")
            continue
        seen.add(input_id)
        text = row.get(columns.text)
        text = "" if text is None else str(text)
        title = row.get(columns.title) if columns.title else None
        yield Item(input_id, str(path), content_hash(text), "text", text,
                   url=_http_url(row.get(columns.url)) if columns.url else None,
                   title=str(title) if title else None)  # fmt: skip


# -- WARC --------------------------------------------------------------------------------------------------------
def warc_items(path: Path) -> Iterator[Item]:
    """One item per HTML or text response (or resource) record; `input_id` is `PATH#<WARC-Record-ID>`. A record
    that inflates past `MAX_RECORD_BYTES` (ingest/warc.py) is an error item."""
    from warcio.exceptions import ArchiveLoadFailed

    from veracity.ingest.inflate import InflateError
    from veracity.ingest.warc import iter_records, record_body

    try:
        with path.open("rb") as f:
            for record in iter_records(f):
                if record.rec_type not in ("response", "resource"):
                    continue
                if record.rec_type == "response":
                    content_type = record.http_headers.get_header("Content-Type", "") if record.http_headers else ""
                else:
                    content_type = record.rec_headers.get_header("Content-Type", "")
                if content_type.split(";")[0].strip().lower() not in WARC_CONTENT_TYPES:
                    continue
                record_id = record.rec_headers.get_header("WARC-Record-ID", "").strip("<>")
                uri = record.rec_headers.get_header("WARC-Target-URI")
                try:
                    data = record_body(record)
                except InflateError as exc:
                    yield _error(f"{path}#{record_id}", str(path), f"{path}#{record_id}: {exc}")
                    continue
                yield Item(f"{path}#{record_id}", str(path), content_hash(data), "bytes", data, url=_http_url(uri))
    except (ArchiveLoadFailed, OSError, ValueError) as exc:
        yield _error(f"{path}#unreadable", str(path), f"{path}: not a readable WARC file ({exc})")


# -- URL lists ---------------------------------------------------------------------------------------------------
def url_items(path: Path) -> Iterator[Item]:
    """One item per line of a URL list (blank lines and '#' comments skipped). The content is only known after
    fetching, so the URL itself is hashed: a page that changed under the same URL is not analysed again."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read the URL list {path}: {exc.strerror}") from None
    seen: set[str] = set()
    for line in lines:
        url = line.strip()
        if not url or url.startswith("#") or url in seen:
            continue
        seen.add(url)
        yield Item(url, str(path), content_hash(url), "url", url, url=_http_url(url))


# -- RSS / Atom feeds --------------------------------------------------------------------------------------------
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml")


def feed_items(source: str, fetch_policy: FetchPolicy | None = None) -> Iterator[Item]:
    """One URL item per feed entry (its link, title and date). `source` is a feed file or an http(s) URL, fetched
    with the safe fetcher (a refused or failed feed is a usage error: there is nothing to list)."""
    import time

    import feedparser

    if source.lower().startswith(("http://", "https://")):
        from dataclasses import replace

        from veracity.ingest.fetch import FetchPolicy, fetch_url

        policy = replace(fetch_policy or FetchPolicy(), accepted_types=(*FEED_TYPES, "text/html", "text/plain"))
        data = fetch_url(source, policy).content
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read the feed {source}: {exc.strerror}") from None
    parsed = feedparser.parse(data)
    if not parsed.entries and (parsed.bozo or not parsed.version):
        raise InputError(f"{source}: not an RSS or Atom feed")
    seen: set[str] = set()
    for entry in parsed.entries:
        link = _http_url(entry.get("link"))
        if link is None:
            yield _error(f"{source}#{entry.get('id') or entry.get('title')}", source, "feed entry without a link")
            continue
        if link in seen:
            continue
        seen.add(link)
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = time.strftime("%Y-%m-%dT%H:%M:%SZ", when) if when else None
        yield Item(link, source, content_hash(link), "url", link, url=link, title=entry.get("title"),
                   published=published)  # fmt: skip


def collect_items(
    inputs: Iterable[Path],
    *,
    columns: TableColumns,
    url_lists: Iterable[Path] = (),
    feeds: Iterable[str] = (),
    limit: int | None = None,
    fetch_policy: FetchPolicy | None = None,
) -> list[Item]:
    """All items, in input order, at most `limit`. Missing inputs are a usage error (nothing is written)."""
    inputs, url_lists = list(inputs), list(url_lists)
    for path in [*inputs, *url_lists]:
        if not path.exists():
            raise InputError(f"no such file or folder: {path}")
    sources: list[Iterable[Item]] = [file_items(path, columns) for path in iter_paths(inputs)]
    sources += [url_items(path) for path in url_lists]
    sources += [feed_items(feed, fetch_policy) for feed in feeds]
    items: list[Item] = []
    for source in sources:  # generators: a source is only read once the ones before it are
        for item in source:
            items.append(item)
            if limit is not None and len(items) >= limit:
                return items
    return items
