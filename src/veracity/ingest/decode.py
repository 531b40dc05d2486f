"""Bytes to text: size cap, binary refusal, UTF-8 first, then a detected legacy encoding."""

from __future__ import annotations

import codecs
import re

from veracity.errors import InputError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# Leading bytes of common non-text formats, so a user who passes an image gets told what it is.
_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"%PDF-": "a PDF file (convert it to text first)",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "an executable",
    b"RIFF": "a RIFF media file",
    b"\x00\x00\x01\x00": "an icon file",
}
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
# A valid UTF-8 multi-byte sequence (2-4 bytes).
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
# Fraction of control bytes above which input is treated as binary rather than text with a few stray bytes.
_MAX_CONTROL_RATIO = 0.01
_MOSTLY_ASCII = 0.8


def check_size(n_bytes: int, max_bytes: int) -> None:
    if n_bytes > max_bytes:
        raise InputError(
            f"input is {n_bytes / 1_048_576:.1f} MB; the limit is {max_bytes / 1_048_576:.0f} MB (see --max-mb)"
        )


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format of `data`, or None when it looks like text."""
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            return what
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    head = data[:65536]
    if b"\x00" in head or len(_CONTROL.findall(head)) > _MAX_CONTROL_RATIO * max(len(head), 1):
        return "binary data"
    return None


def decode_bytes(data: bytes, *, declared: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode article bytes to text, or raise InputError saying why not.

    Order: BOM, a charset declared by HTTP or an HTML <meta>, strict UTF-8, then charset detection. Bytes that
    mix valid UTF-8 sequences with invalid ones are corrupted UTF-8, not a legacy encoding: they are refused
    rather than decoded into mojibake.
    """
    check_size(len(data), max_bytes)
    what = sniff_binary(data)
    if what:
        raise InputError(f"input is {what}, not an article (expected text or HTML)")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _strict(data, enc)
    meta = _HTML_CHARSET.search(data[:4096])
    declared = declared or (meta.group(1).decode("ascii") if meta else None)
    if declared:
        try:
            return data.decode(_normalise_codec(declared))
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; fall through to UTF-8 and detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(data):
            raise InputError(
                f"input is not valid UTF-8 (bad byte at offset {exc.start}) though it contains UTF-8 text; "
                "re-save it as UTF-8"
            ) from None
    return _detect(data)


def _normalise_codec(name: str) -> str:
    codec = codecs.lookup(name).name
    # Browsers treat latin-1 declarations as windows-1252; so do we (curly quotes live in 0x80-0x9f).
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"input is not valid {encoding} (bad byte at offset {exc.start})") from None


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    # Mostly-ASCII text with a few high bytes is almost always Western (windows-1252), which is also what
    # browsers assume for undeclared pages; detectors guess wildly on such short evidence.
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and sum(c.isascii() for c in western) >= _MOSTLY_ASCII * len(western):
        return western

    best = from_bytes(data).best()
    if best is None:
        raise InputError("input is not UTF-8 and its text encoding could not be detected; re-save it as UTF-8")
    return str(best)
