"""JSON Lines reading with errors that name the file and line: one reader for corpora, gold files and data sets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from veracity.errors import DataFormatError


def iter_jsonl(path: Path, *, strict_utf8: bool = False) -> Iterator[tuple[int, dict]]:
    """(line number, object) for every non-blank line. A line that is not a JSON object is a DataFormatError;
    with `strict_utf8`, so is a file that is not UTF-8 (else undecodable bytes are replaced)."""
    if not path.is_file():
        raise DataFormatError(f"no such file: {path}")
    n = 0
    try:
        with path.open(encoding="utf-8", errors="strict" if strict_utf8 else "replace") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataFormatError(f"{path}:{n}: not JSON ({exc.msg})") from None
                except RecursionError:
                    raise DataFormatError(f"{path}:{n}: JSON nested too deeply") from None
                if not isinstance(row, dict):
                    raise DataFormatError(f"{path}:{n}: each line must be a JSON object")
                yield n, row
    except UnicodeDecodeError:
        raise DataFormatError(f"{path}:{n + 1}: not UTF-8 text") from None
    except OSError as exc:
        raise DataFormatError(f"cannot read {path}: {exc.strerror or exc}") from None


def read_text(path: Path) -> str:
    """A whole UTF-8 data file, or a DataFormatError naming it (missing, unreadable, not UTF-8)."""
    if not path.is_file():
        raise DataFormatError(f"no such file: {path}")
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFormatError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None
    except OSError as exc:
        raise DataFormatError(f"cannot read {path}: {exc.strerror or exc}") from None
