"""The Propaganda Techniques Corpus (SemEval-2020 task 11): articles, SI spans and TC spans.

Layout: `article<ID>.txt` files; SI labels, rows `ID <TAB> start <TAB> end`; TC labels, rows
`ID <TAB> technique <TAB> start <TAB> end`. Offsets are characters into the article file, end exclusive.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from veracity.errors import DataFormatError
from veracity.jsonl import read_text
from veracity.persuasion.spans import TECHNIQUES, LabelledSpan

_ARTICLE = re.compile(r"^article(\d+)\.txt$")



def read_articles(directory: Path) -> dict[str, str]:
    """{article id: text}. The text is read with newline="" so offsets count every character as the task does."""
    directory = Path(directory)
    if not directory.is_dir():
        raise DataFormatError(f"no such directory: {directory}")
    articles = {}
    for path in sorted(directory.iterdir()):
        match = _ARTICLE.match(path.name)
        if match:
            # newline="" semantics: offsets count every character, "\r\n" included
            articles[match.group(1)] = read_text(path)
    if not articles:
        raise DataFormatError(f"{directory}: no article<ID>.txt files")
    return articles


def _parse_line(path: Path, line_no: int, line: str, with_technique: bool) -> LabelledSpan:
    cells = line.rstrip("\n").split("\t")
    want = 4 if with_technique else 3
    if len(cells) != want:
        raise DataFormatError(f"{path}:{line_no}: expected {want} tab-separated columns, found {len(cells)}")
    article_id, technique = cells[0].strip(), cells[1].strip() if with_technique else None
    try:
        start, end = int(cells[-2]), int(cells[-1])
    except ValueError:
        raise DataFormatError(f"{path}:{line_no}: start and end must be integers") from None
    if not 0 <= start < end:
        raise DataFormatError(f"{path}:{line_no}: need 0 <= start < end, got {start} {end}")
    if technique is not None and technique not in TECHNIQUES:
        raise DataFormatError(f"{path}:{line_no}: unknown technique {technique!r}")
    return LabelledSpan(article_id, start, end, technique)


def read_labels(directory: Path, *, with_technique: bool, articles: dict[str, str] | None = None) -> list[LabelledSpan]:
    """All spans in the `*.labels` files of `directory`; checked against the articles' lengths when given."""
    directory = Path(directory)
    if not directory.is_dir():
        raise DataFormatError(f"no such directory: {directory}")
    spans = []
    for path in sorted(directory.glob("*.labels")):
        for line_no, line in enumerate(read_text(path).splitlines(), 1):
            if not line.strip():
                continue
            span = _parse_line(path, line_no, line, with_technique)
            if articles is not None:
                if span.article_id not in articles:
                    raise DataFormatError(f"{path}:{line_no}: no article {span.article_id}")
                if span.end > len(articles[span.article_id]):
                    raise DataFormatError(f"{path}:{line_no}: span ends past the article's end")
            spans.append(span)
    return spans


def split_articles(ids: list[str], *, dev_share: float = 0.2, seed: str = "veracity") -> tuple[list[str], list[str]]:
    """Article-level split, stable across machines and runs: an article is in dev when the hash of
    seed + id falls under `dev_share`. Returns (train ids, dev ids), each sorted."""

    def bucket(article_id: str) -> float:
        return int(hashlib.sha1(f"{seed}:{article_id}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF

    dev = sorted(i for i in ids if bucket(i) < dev_share)
    return sorted(set(ids) - set(dev)), dev


PARTS = ("fit", "validation", "test")


def ptc_parts(ids: list[str]) -> dict[str, list[str]]:
    """The training's split of PTC's train articles: 20 % held-out test (hash of "veracity:<id>"); of the rest, 15 %
    validation (hash of "validation:<id>") for epochs, span rule and C; the remainder fit. Keyed by `PARTS`."""
    rest, test = split_articles(list(ids))
    fit, validation = split_articles(rest, dev_share=0.15, seed="validation")
    return {"fit": fit, "validation": validation, "test": test}
