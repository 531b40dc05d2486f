"""A stored evidence document as a reader sees it: its text, put back together from its passages, and the
stretch a report cites (by character offsets into that text, as `EvidenceSentence.start`/`end` give them).

The store keeps passages, not whole documents. Passages are windows of two sentences, one sentence apart, so
consecutive passages overlap and cover the text between their sentences; what no passage covers (the white
space around a sentence that is a passage of its own) is filled with a space, or with line breaks when it was
longer, so every offset still points where it did.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from veracity.evidence.store import Store


@dataclass(frozen=True)
class StoredDocument:
    id: int
    collection: str
    kind: str  # corpus | factchecks
    title: str | None
    url: str | None
    published: str | None
    claim: str | None
    rating: str | None
    publisher: str | None
    name: str | None  # the file (and record) it came from: never a server path
    text: str


@dataclass(frozen=True)
class Highlighted:
    before: str
    cited: str  # empty when the offsets do not fit the text
    after: str


def load_document(store: Store, collection: str, document_id: int) -> StoredDocument | None:
    """The document, or None when there is no such collection or document in it."""
    from sqlalchemy import select

    from veracity.evidence.store import CollectionRow, DocumentRow, PassageRow

    with store.session() as s:
        row = s.scalar(select(CollectionRow).where(CollectionRow.name == collection))
        if row is None:
            return None
        doc = s.scalar(select(DocumentRow).where(DocumentRow.id == document_id, DocumentRow.collection_id == row.id))
        if doc is None:
            return None
        passages = s.execute(
            select(PassageRow.start, PassageRow.end, PassageRow.text).where(PassageRow.document_id == doc.id)
        ).all()
    return StoredDocument(doc.id, row.name, row.kind, doc.title, doc.url, doc.published, doc.claim, doc.rating,
                          doc.publisher, public_name(doc.key), assemble(passages))  # fmt: skip


def assemble(passages) -> str:
    """The text the (start, end, text) passages were cut from, with uncovered stretches as white space."""
    if not passages:
        return ""
    chars: list[str | None] = [None] * max(end for _, end, _ in passages)
    for start, end, text in passages:
        chars[start : start + len(text)] = list(text[: end - start])
    out, k = [], 0
    while k < len(chars):
        if chars[k] is not None:
            out.append(chars[k])
            k += 1
            continue
        gap = k
        while k < len(chars) and chars[k] is None:
            k += 1
        out.append(" " if k - gap == 1 else "\n" * (k - gap))
    return "".join(out)  # type: ignore[arg-type]


def public_name(key: str | None) -> str | None:
    """A document's key (a path, path#record, or a fact-check's URL) without the server's folders."""
    if not key:
        return None
    if key.lower().startswith(("http://", "https://")) or ":" in key.split("/", 1)[0]:
        return key  # a URL or an id such as claimreview:…
    path, hash_, record = key.partition("#")
    return PurePath(path).name + hash_ + record


def highlight(text: str, start: int | None, end: int | None) -> Highlighted:
    if start is None or end is None or not 0 <= start < end <= len(text):
        return Highlighted(text, "", "")
    return Highlighted(text[:start], text[start:end], text[end:])
