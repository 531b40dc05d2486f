"""WARC records read with every layer capped: the gzip of the file (warcio, one 16 KB block at a time), header lines
(`MAX_LINE`), chunked transfer coding and content codings (inflated here, ingest/inflate.py), and the page itself
(`MAX_RECORD_BYTES`, counted after decompression).

Measured (issue 28): `corpus add` of a 1 MB .warc.gz whose one record inflates to 1 GB reported it skipped but
peaked at 2.19 GB RSS, as `record.content_stream().read()` inflated all of it; warcio reads header lines and
chunks of any declared size whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from veracity.ingest.inflate import SLICE, CappedDecoder, InflateError, content_codings

MAX_RECORD_BYTES = 16 * 1024 * 1024  # one page, decompressed: far over any article, far under a bomb
MAX_LINE = 64 * 1024  # a WARC or HTTP header line; longer ones are cut (and then fail to parse)
_CHUNK_HEADER = 64


def iter_records(stream: IO[bytes]) -> Iterator[Any]:
    """warcio's records of `stream` (WARC or ARC, gzipped or not) with header lines read `MAX_LINE` at most."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.bufferedreaders import DecompressingBufferedReader

    class BoundedReader(DecompressingBufferedReader):
        def readline(self, length=None):
            return super().readline(MAX_LINE if not length or length > MAX_LINE else length)

    class BoundedIterator(ArchiveIterator):
        def __init__(self, fileobj) -> None:
            super().__init__(fileobj)
            self.reader = BoundedReader(self.fh, block_size=self.reader.block_size)

    records = iter(BoundedIterator(stream))
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except (AttributeError, IndexError, KeyError, TypeError, UnicodeError, EOFError) as exc:
            # warcio's parser trips over malformed headers in many ways (a record without a URI: AttributeError)
            raise ValueError(f"malformed record ({type(exc).__name__}: {exc})") from None
        yield record


def record_body(record: Any, limit: int = MAX_RECORD_BYTES) -> bytes:
    """The payload of a response or resource record: de-chunked and inflated, at most `limit` bytes.

    Raises `InflateError` (`too_large` past the limit, or for a coding it does not read)."""
    headers = record.http_headers
    stream = record.raw_stream
    if headers is None:
        return _read_capped(_pieces(stream), [], limit)
    codings = content_codings(headers.get_header("Content-Encoding"))
    chunked = (headers.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
    return _read_capped(_dechunked(stream) if chunked else _pieces(stream), codings, limit)


def _read_capped(pieces: Iterator[bytes], codings: list[str], limit: int) -> bytes:
    decoder = CappedDecoder(codings, limit)
    out = bytearray()
    for piece in pieces:
        out += decoder.feed(piece)
        if len(out) > limit:
            raise InflateError(f"a page over {limit >> 20} MB", too_large=True)
    out += decoder.finish()
    if len(out) > limit:
        raise InflateError(f"a page over {limit >> 20} MB", too_large=True)
    return bytes(out)


def _pieces(stream) -> Iterator[bytes]:
    while piece := stream.read(SLICE):
        yield piece


def _dechunked(stream) -> Iterator[bytes]:
    """HTTP/1.1 chunked transfer coding, in slices whatever size a chunk declares. A body that does not start with
    a chunk size was stored de-chunked already (as many crawlers do): it is read as it is."""
    first = True
    while True:
        line = stream.readline(_CHUNK_HEADER)
        if not line:
            return
        try:
            size = int(line.split(b";")[0].strip(), 16)
        except ValueError:
            if first:
                yield line
                yield from _pieces(stream)
            return  # a broken chunk header later on: keep what came before it
        first = False
        if size <= 0:
            return
        while size > 0:
            piece = stream.read(min(size, SLICE))
            if not piece:
                return
            size -= len(piece)
            yield piece
        stream.readline(_CHUNK_HEADER)  # the CRLF after the chunk
