"""Ingest: turn a path, stdin, URL, raw text, bytes or a file object into a clean `Document`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, Any

from veracity.errors import InputError
from veracity.ingest.decode import DEFAULT_MAX_BYTES, check_size, decode_bytes
from veracity.ingest.extract import document_from_html, document_from_text, looks_like_html
from veracity.schema import Document

__all__ = ["load_document", "load_source", "document_from_bytes", "document_from_html", "document_from_text"]

# A string with no line break that ends like this names a file, even one that does not exist (a clear error then).
_FILE_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml", ".md", ".xml")
_MAX_PATH_CHARS = 4096


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


def document_from_string(text: str, *, url: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Raw article text (or HTML) already decoded."""
    check_size(len(text.encode("utf-8", errors="surrogatepass")), max_bytes)
    if not text.strip():
        raise InputError("input is empty" if not text else "input contains only whitespace")
    if looks_like_html(text):
        return document_from_html(text, url=url)
    return document_from_text(text, url=url)


def _read_path(path: Path, max_bytes: int) -> bytes:
    try:
        if not path.exists():
            raise InputError(f"no such file: {path}")
        if path.is_dir():
            raise InputError(f"{path} is a directory; give one article file")
        check_size(path.stat().st_size, max_bytes)
        # Read at most one byte over the cap: devices and pipes (/dev/zero, /dev/urandom, FIFOs) report size 0.
        with path.open("rb") as f:
            return _read_capped(f, max_bytes, str(path))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:  # e.g. a NUL byte in the path
        raise InputError(f"cannot read {path!r}: {exc}") from None


def _read_capped(stream: IO[Any], max_bytes: int, name: str) -> Any:
    data = stream.read(max_bytes + 1)
    if data is None:  # a non-blocking stream with nothing to read yet
        raise InputError(f"{name} has nothing to read")
    if len(data) > max_bytes:
        raise InputError(f"{name} is over the {max_bytes / 1_048_576:g} MB limit (see --max-mb)")
    return data


def _read_stdin(max_bytes: int) -> bytes:
    stdin = sys.stdin
    if stdin is None or stdin.closed:
        raise InputError("stdin is closed; pipe an article into `veracity analyze -`")
    try:
        return _read_capped(getattr(stdin, "buffer", stdin), max_bytes, "stdin")
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read stdin: {exc}") from None


def load_document(source: str | bytes, *, url: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """`source` is raw bytes, '-' (stdin), an http(s) URL, or a file path: like `load_source`, except that a string
    is never the article text itself (batch inputs, the CLI's argument). `url` names the article's original
    address when the content is local (it decides the outlet rating)."""
    if isinstance(source, str):
        return _load_address(source, url=url, max_bytes=max_bytes)
    return load_source(source, url=url, max_bytes=max_bytes)


def _load_address(source: str, *, url: str | None, max_bytes: int) -> Document:
    """'-' (stdin), an http(s) URL or a file path."""
    if source == "-":
        data = _read_stdin(max_bytes)
        if isinstance(data, str):
            return document_from_string(data, url=url, max_bytes=max_bytes)
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


def looks_like_path(source: str) -> bool:
    """How a bare string is read by `load_source`: an existing file, or one line ending in a file suffix, is a
    path; anything else (several lines, or words that name no file) is the article text itself."""
    if "\n" in source or len(source) > _MAX_PATH_CHARS:
        return False
    try:
        if Path(source).is_file():
            return True
    except (OSError, ValueError):
        return False
    return source.lower().rstrip().endswith(_FILE_SUFFIXES) or (os.sep in source and " " not in source)


def load_source(
    source: str | os.PathLike[str] | bytes | bytearray | IO[Any] | None = None,
    *,
    text: str | None = None,
    path: str | os.PathLike[str] | None = None,
    url: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """Any article source as a Document. Give exactly one of `source`, `text=` or `path=`.

    `source` may be bytes, a file object (binary or text), a `Path`, '-' (stdin), an http(s) URL, a file path or
    the article text itself; a string is a path when `looks_like_path` says so. `text=` and `path=` say which
    when a string is ambiguous. `url` is the article's original address when the content is local.
    """
    given = [name for name, value in (("source", source), ("text", text), ("path", path)) if value is not None]
    if len(given) != 1:
        raise TypeError(f"give exactly one of source, text= or path= (got {', '.join(given) or 'none'})")
    if text is not None:
        return document_from_string(text, url=url, max_bytes=max_bytes)
    if path is not None:
        return document_from_bytes(_read_path(Path(path), max_bytes), url=url, max_bytes=max_bytes)
    if isinstance(source, bytes | bytearray):
        return document_from_bytes(bytes(source), url=url, max_bytes=max_bytes)
    if isinstance(source, os.PathLike):
        return document_from_bytes(_read_path(Path(source), max_bytes), url=url, max_bytes=max_bytes)
    if hasattr(source, "read"):
        data = _read_capped(source, max_bytes, "the file object")  # type: ignore[arg-type]
        if isinstance(data, str):
            return document_from_string(data, url=url, max_bytes=max_bytes)
        return document_from_bytes(data, url=url, max_bytes=max_bytes)
    if not isinstance(source, str):
        raise TypeError(f"cannot analyze a {type(source).__name__}; give a path, URL, text, bytes or a file object")
    is_address = "://" in source and len(source.split()) == 1  # a URL, or an unsupported scheme (a clear error)
    if source == "-" or is_address or looks_like_path(source):
        return _load_address(source, url=url, max_bytes=max_bytes)
    return document_from_string(source, url=url, max_bytes=max_bytes)
