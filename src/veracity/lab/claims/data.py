"""CLEF CheckThat! 2024 task 1 TSV: `Sentence_id <TAB> Text <TAB> class_label (Yes/No)`, with a header."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from veracity.errors import DataFormatError

COLUMNS = ("Sentence_id", "Text", "class_label")


@dataclass(frozen=True)
class LabelledSentences:
    ids: list[str]
    texts: list[str]
    labels: np.ndarray  # bool, True = check-worthy ("Yes")


def read_ct24(path: Path) -> LabelledSentences:
    """Read a CT24 TSV; any malformed row is a DataFormatError naming the line."""
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(f"no such file: {path}")
    try:
        handle = path.open(encoding="utf-8", newline="")
        rows = list(csv.reader(handle, delimiter="\t"))
    except UnicodeDecodeError:
        raise DataFormatError(f"{path} is not UTF-8 text") from None
    except csv.Error as exc:
        raise DataFormatError(f"{path}: {exc}") from None
    finally:
        handle.close()
    if not rows or tuple(c.strip() for c in rows[0][:3]) != COLUMNS:
        raise DataFormatError(f"{path}: header must be {' <TAB> '.join(COLUMNS)}")
    ids, texts, labels = [], [], []
    for line, row in enumerate(rows[1:], start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            raise DataFormatError(f"{path}:{line}: expected 3 tab-separated columns, found {len(row)}")
        sid, text, label = (cell.strip() for cell in row)
        if label not in ("Yes", "No"):
            raise DataFormatError(f"{path}:{line}: class_label must be Yes or No, not {label!r}")
        if not text:
            raise DataFormatError(f"{path}:{line}: empty Text")
        ids.append(sid)
        texts.append(text)
        labels.append(label == "Yes")
    if not texts:
        raise DataFormatError(f"{path}: no rows after the header")
    return LabelledSentences(ids=ids, texts=texts, labels=np.array(labels, dtype=bool))


def split_by_id(data: LabelledSentences, from_id: int) -> tuple[LabelledSentences, LabelledSentences]:
    """(rows with Sentence_id < from_id, the rest). CT24 ids run through the debates in order, so a cut holds out
    whole later debates: a validation set shaped like dev-test (other debates), unlike dev (the same ones)."""
    later = np.array([int(i) >= from_id if i.isdigit() else False for i in data.ids])
    return take(data, np.flatnonzero(~later)), take(data, np.flatnonzero(later))


def take(data: LabelledSentences, rows: np.ndarray) -> LabelledSentences:
    """The given rows (indices, in that order)."""
    return LabelledSentences(
        ids=[data.ids[i] for i in rows], texts=[data.texts[i] for i in rows], labels=data.labels[rows]
    )
