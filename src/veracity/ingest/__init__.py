"""Ingest: turn a path, stdin, URL or raw bytes into a clean `Document`."""

from __future__ import annotations

import sys
from pathlib import Path

from veracity.errors import InputError
from veracity.ingest.decode import DEFAULT_MAX_BYTES, check_size, decode_bytes
from veracity.ingest.extract import document_from_html, document_from_text, looks_like_html
from veracity.schema import Document

__all__ = ["load_document", "document_from_bytes", "document_from_html", "document_from_text"]


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def document_from_bytes(
    data: bytes, *, url: str | None = None, charset: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Document:
    if not data.strip():
        raise InputError("input is empty" if not data else "input contains only whitespace")
    text = decode_bytes(data, declared=charset, max_bytes=max_bytes)
    if not text.strip():
        raise InputError("input contains only whitespace")
    if looks_like_html(text):
        return document_from_html(text, url=url)
    return document_from_text(text, url=url)


def _read_path(path: Path, max_bytes: int) -> bytes:
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a directory; give one article file")
    check_size(path.stat().st_size, max_bytes)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def load_document(source: str | bytes, *, url: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """`source` is raw bytes, '-' (stdin), an http(s) URL, or a file path. `url` names the article's original
    address when the content is local (it decides the outlet rating)."""
    if isinstance(source, bytes):
        return document_from_bytes(source, url=url, max_bytes=max_bytes)
    if source == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        return document_from_bytes(data, url=url, max_bytes=max_bytes)
    if "://" in source and not is_url(source):
        raise InputError(f"unsupported URL scheme in {source!r}; only http and https URLs can be fetched")
    if is_url(source):
        from veracity.ingest.fetch import FetchPolicy, fetch_url

        fetched = fetch_url(source, FetchPolicy(max_bytes=max_bytes))
        return document_from_bytes(
            fetched.content, url=url or fetched.url, charset=fetched.charset, max_bytes=max_bytes
        )
    return document_from_bytes(_read_path(Path(source), max_bytes), url=url, max_bytes=max_bytes)
