"""Compression bombs for the tests and benchmarks/fuzz.py, built in a second or two without inflating anything: a
block compressed once after a full flush refers to nothing before it, so repeating its bytes is a valid stream."""

from __future__ import annotations

import gzip
import struct
import zlib

MB = 1 << 20


def gzip_member(prefix: bytes, chunk: bytes, repeats: int, suffix: bytes = b"") -> bytes:
    """One gzip member whose content is `prefix + chunk * repeats + suffix`."""
    co = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = co.compress(prefix) + co.flush(zlib.Z_FULL_FLUSH)
    block = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    tail = co.compress(suffix) + co.flush(zlib.Z_FINISH)
    crc = zlib.crc32(prefix)
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    size = len(prefix) + len(chunk) * repeats + len(suffix)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + head + block * repeats + tail + struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)


def stacked_gzip_bomb(inflated: int = 1024 * MB) -> bytes:
    """`Content-Encoding: gzip, gzip` of `inflated` zero bytes: a few kilobytes."""
    return gzip.compress(gzip_member(b"", b"\0" * MB, inflated // MB), 9)


def warc_bomb(record: int = 1024 * MB) -> bytes:
    """A .warc.gz of one HTML response record whose page inflates to `record` bytes (about 1 MB per GB)."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    chunk = b"<p>" + b"a" * (MB - 7) + b"</p>"  # 1 MB of one page, ~1 KB compressed
    repeats = max(1, record // len(chunk))
    length = len(http) + len(chunk) * repeats
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        "WARC-Target-URI: http://bomb.example/\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {length}\r\n\r\n"
    ).encode()
    return gzip_member(head + http, chunk, repeats, b"\r\n\r\n")


_MEASURE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stdout.write(done.stdout); sys.stderr.write(done.stderr)\n"
    "print(f'peak_rss_kb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(done.returncode)\n"
)


def run_measured(args: list[str], **kwargs):
    """Run `args` in a child of a fresh interpreter; (the finished process, the child's peak RSS in MB). The
    wrapper's RUSAGE_CHILDREN sees that one child only (the caller's would include every earlier subprocess)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _MEASURE, *args], capture_output=True, text=True, **kwargs)
    line = [x for x in done.stderr.splitlines() if x.startswith("peak_rss_kb=")][-1]
    done.stderr = done.stderr.replace(line, "").strip()
    return done, int(line.split("=")[1]) / 1024
