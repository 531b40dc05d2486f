"""Bytes to text: size cap, binary refusal, BOMs and UTF-16/32 without one, UTF-8 first, then a detected legacy
encoding (charset-normalizer: GBK, Shift-JIS, Big5, Cyrillic, ...) or a clear refusal."""

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
# UTF-32 BOMs first: the UTF-32-LE one starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Declared charsets that are not text encodings of a page (punycode, idna, escapes) or that hide markup (utf-7):
# such a declaration is ignored, as browsers do.
_IGNORED_CODECS = {"punycode", "idna", "raw_unicode_escape", "unicode_escape", "utf-7", "undefined", "rot-13"}
# Undecodable input is corrupted UTF-8 (refused) rather than a legacy encoding (detected) when its stray high
# bytes are at most this share of those in valid UTF-8 sequences, or a handful: UTF-8 with a few bad bytes has
# ~0 stray, GBK or Shift-JIS text has 60-90% of its high bytes outside chance UTF-8-like pairs.
_MAX_STRAY_SHARE = 0.25
_MAX_STRAY_BYTES = 4
# Byte shapes only broken UTF-8 makes, never windows-1252 prose (looked for in mostly-ASCII text only): overlong
# forms, surrogates, code points past U+10FFFF, 5- and 6-byte forms, and the two bytes of a BOM out of place.
_BROKEN_UTF8 = re.compile(
    rb"[\xc0\xc1][\x80-\xbf]|\xe0[\x80-\x9f][\x80-\xbf]|\xed[\xa0-\xbf][\x80-\xbf]|\xf0[\x80-\x8f][\x80-\xbf]{2}"
    rb"|\xf4[\x90-\xbf][\x80-\xbf]{2}|[\xf5-\xff][\x80-\xbf]{2}|\xff\xfe|\xfe\xff"
)


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
    if data.startswith(tuple(bom for bom, _ in _BOMS)) or _unmarked_utf16_32(data):
        return None
    head = data[:65536]
    if b"\x00" in head or len(_CONTROL.findall(head)) > _MAX_CONTROL_RATIO * max(len(head), 1):
        return "binary data"
    return None


def decode_bytes(data: bytes, *, declared: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode article bytes to text, or raise InputError saying why not.

    Order: BOM, a charset declared by HTTP or an HTML <meta>, strict UTF-8, then charset detection. Corrupted
    UTF-8 is refused rather than decoded into mojibake: bytes that declare UTF-8 and are not, bytes that mix valid
    UTF-8 sequences with invalid ones, and byte shapes only broken UTF-8 makes (`_BROKEN_UTF8`). Other undeclared
    8-bit text is a legacy encoding: windows-1252 when mostly ASCII (as browsers read it), else detected.
    """
    check_size(len(data), max_bytes)
    what = sniff_binary(data)
    if what:
        raise InputError(f"input is {what}, not an article (expected text or HTML)")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _strict(data, enc)
    unmarked = _unmarked_utf16_32(data)
    if unmarked:
        return _strict(data, unmarked)
    meta = _HTML_CHARSET.search(data[:4096])
    declared = declared or (meta.group(1).decode("ascii") if meta else None)
    codec = _declared_codec(declared) if declared else None
    if codec:
        try:
            return data.decode(codec)
        except UnicodeDecodeError as exc:
            if codec == "utf-8":  # declared UTF-8 and is not: corrupted, not a guess to make
                raise InputError(
                    f"input declares UTF-8 but is not valid UTF-8 (bad byte at offset {exc.start}); re-save it as UTF-8"
                ) from None
        except (UnicodeError, ValueError):
            pass  # a wrong declaration is common; fall through to UTF-8 and detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _mostly_utf8(data) or (not codec and _broken_utf8(data[:65536])):
            raise InputError(
                f"input is not valid UTF-8 (bad byte at offset {exc.start}) though it contains UTF-8 text; "
                "re-save it as UTF-8"
            ) from None
    return _detect(data)


def _declared_codec(name: str) -> str | None:
    """The Python codec for a declared charset, or None when it names none or one that is no page encoding."""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if info.name in _IGNORED_CODECS or not getattr(info, "_is_text_encoding", True):
        return None
    # Browsers treat latin-1 declarations as windows-1252; so do we (curly quotes live in 0x80-0x9f).
    return "cp1252" if info.name in ("latin-1", "iso8859-1", "ascii") else info.name


def _unmarked_utf16_32(data: bytes) -> str | None:
    """UTF-16/32 without a BOM, told by where the NUL bytes of mostly-Latin text fall (every 2nd or 4th byte)."""
    head = data[:4096]
    if len(head) < 8 or b"\x00" not in head:
        return None
    for unit, names in ((4, ("utf-32-le", "", "", "utf-32-be")), (2, ("utf-16-le", "utf-16-be"))):
        if len(data) % unit:
            continue
        lanes = [head[i::unit] for i in range(unit)]
        for lane, name in enumerate(names):
            others = [lanes[j] for j in range(unit) if j != lane]
            # the lane holding the (mostly ASCII) character bytes has no NULs; every other lane is mostly NUL
            if name and b"\x00" not in lanes[lane] and all(o.count(0) >= 0.9 * len(o) for o in others):
                return name
    return None


def _mostly_utf8(data: bytes) -> bool:
    head = data[:65536]
    covered = sum(len(m) for m in _UTF8_MULTIBYTE.findall(head))
    stray = sum(b >= 0x80 for b in head) - covered
    return covered > 0 and stray <= max(_MAX_STRAY_BYTES, _MAX_STRAY_SHARE * covered)


def _broken_utf8(head: bytes) -> bool:
    """Mostly-ASCII bytes (what would be read as windows-1252) with a shape only broken UTF-8 makes. Not for other
    text: GBK, Big5 and Shift-JIS use such byte pairs all the time."""
    ascii_share = sum(b < 0x80 for b in head) / max(len(head), 1)
    return ascii_share >= _MOSTLY_ASCII and _BROKEN_UTF8.search(head) is not None


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"input is not valid {encoding} (bad byte at offset {exc.start})") from None
    except UnicodeError as exc:
        raise InputError(f"input is not valid {encoding} ({exc})") from None


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
    try:
        return str(best)
    except (UnicodeError, LookupError) as exc:  # a detection that does not decode after all
        raise InputError(f"input is not UTF-8 and could not be decoded as {best.encoding} ({exc})") from None
