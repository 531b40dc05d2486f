"""Evidence collections on disk: documents and their passages in SQL (SQLite by default, any SQLAlchemy URL).

A collection is either a `corpus` (the user's own documents) or `factchecks` (prior fact-checks: claim, rating,
publisher). Every document is written in one transaction together with its passages, so an interrupted
`corpus add` leaves whole documents or nothing. A collection's `revision` grows with every change; the search
indexes (evidence/indexes.py) record the revision they were built from and catch up when it moved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from veracity.errors import InputError, StoreError
from veracity.evidence.locks import check_name
from veracity.home import database_url, make_engine, veracity_home


class Base(DeclarativeBase):
    pass


class CollectionRow(Base):
    __tablename__ = "collections"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=lambda: datetime.now(UTC))
    revision: Mapped[int] = mapped_column(default=0)


class DocumentRow(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("collection_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(1000), doc="where it came from: path, path#record, or fact-check url")
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(40))
    # fact-checks only
    claim: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[str | None] = mapped_column(String(200))
    publisher: Mapped[str | None] = mapped_column(String(200))
    passages: Mapped[list[PassageRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class PassageRow(Base):
    __tablename__ = "passages"
    __table_args__ = (Index("ix_passages_collection", "collection_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"))
    position: Mapped[int]
    start: Mapped[int]
    end: Mapped[int]
    text: Mapped[str] = mapped_column(Text)


@dataclass(kw_only=True)
class DocumentMeta:
    """What a stored document says about itself; a search hit carries the same fields (search.Hit)."""

    title: str | None = None
    url: str | None = None
    published: str | None = None
    # fact-checks only
    claim: str | None = None
    rating: str | None = None
    publisher: str | None = None

    def meta(self) -> dict[str, str | None]:
        return {f.name: getattr(self, f.name) for f in fields(DocumentMeta)}

    def copy_meta(self, source) -> None:
        """Set these fields from any object that has them (a SourceDocument or a DocumentRow)."""
        for f in fields(DocumentMeta):
            setattr(self, f.name, getattr(source, f.name))


@dataclass(kw_only=True)
class SourceDocument(DocumentMeta):
    """One document to store, as a reader produced it. `text` is what passages are cut from."""

    key: str
    text: str
    passages: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, text), set by the caller

    @property
    def content_hash(self) -> str:
        values = (self.text, self.title, self.url, self.published, self.claim, self.rating, self.publisher)
        return hashlib.sha256("\x1f".join(v or "" for v in values).encode()).hexdigest()


@dataclass(frozen=True)
class CollectionInfo:
    name: str
    kind: str
    documents: int
    passages: int
    revision: int
    created_at: datetime


class Store:
    """The SQL side of the evidence collections. `url` is a SQLAlchemy URL; default SQLite in `home`."""

    def __init__(self, home: Path | None = None, url: str | None = None) -> None:
        self.home = veracity_home(home)
        self.engine = make_engine(database_url(self.home, url))
        for attempt in range(3):
            try:
                Base.metadata.create_all(self.engine)
                break
            except DBAPIError as exc:  # a read-only home, a full disk, a file that is no database
                # Two processes opening a new store at once: both saw no table, one created it first. Look again.
                racing = "already exists" in str(exc.orig) or "duplicate key" in str(exc.orig)
                if not (racing and attempt < 2):
                    raise StoreError(f"cannot open the evidence store in {self.home}: {exc.orig}") from None

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def collection(self, name: str, kind: str | None = None, *, create: bool = False) -> CollectionRow:
        """The collection `name`; with `create`, make it (of `kind`) if missing. A kind mismatch is an error."""
        check_name(name)
        with self.session() as s:
            row = s.scalar(select(CollectionRow).where(CollectionRow.name == name))
            if row is None:
                if not create:
                    raise InputError(f"no collection named {name!r} (see: veracity corpus list)")
                row = CollectionRow(name=name, kind=kind or "corpus")
                s.add(row)
                try:
                    with writing(self):
                        s.commit()
                except IntegrityError:  # another process created it a moment ago
                    s.rollback()
                    row = s.scalar(select(CollectionRow).where(CollectionRow.name == name))
            if kind is not None and row.kind != kind:
                raise InputError(f"{name!r} is a {row.kind} collection, not {kind}")
            return row

    def put(self, collection: CollectionRow, doc: SourceDocument) -> str:
        """Add or replace one document with its passages, in one transaction: 'added', 'replaced' or 'unchanged'."""
        return self.put_many(collection, [doc])[0]

    def put_many(self, collection: CollectionRow, docs: list[SourceDocument]) -> list[str]:
        """`put` for several documents in one transaction (all or none): one commit instead of one per document."""
        outcomes = []
        with writing(self), self.session() as s, s.begin():
            changed = False
            for doc in docs:
                digest = doc.content_hash
                old = s.scalar(
                    select(DocumentRow).where(DocumentRow.collection_id == collection.id, DocumentRow.key == doc.key)
                )
                if old is not None and old.content_hash == digest:
                    outcomes.append("unchanged")
                    continue
                if old is not None:
                    s.execute(delete(PassageRow).where(PassageRow.document_id == old.id))
                    s.delete(old)
                    s.flush()
                row = DocumentRow(collection_id=collection.id, key=doc.key, content_hash=digest, **doc.meta())
                row.passages = [
                    PassageRow(collection_id=collection.id, position=k, start=a, end=b, text=t)
                    for k, (a, b, t) in enumerate(doc.passages)
                ]
                s.add(row)
                changed = True
                outcomes.append("replaced" if old is not None else "added")
            if changed:
                s.get(CollectionRow, collection.id).revision += 1
        return outcomes

    def remove(self, name: str) -> None:
        row = self.collection(name)
        with writing(self), self.session() as s, s.begin():
            s.execute(delete(PassageRow).where(PassageRow.collection_id == row.id))
            s.execute(delete(DocumentRow).where(DocumentRow.collection_id == row.id))
            s.execute(delete(CollectionRow).where(CollectionRow.id == row.id))

    def info(self, name: str) -> CollectionInfo:
        row = self.collection(name)
        with self.session() as s:
            docs = s.scalar(select(func.count()).select_from(DocumentRow).where(DocumentRow.collection_id == row.id))
            passages = s.scalar(select(func.count()).select_from(PassageRow).where(PassageRow.collection_id == row.id))
        return CollectionInfo(row.name, row.kind, docs or 0, passages or 0, row.revision, row.created_at)

    def names(self, kind: str | None = None) -> list[str]:
        with self.session() as s:
            query = select(CollectionRow.name).order_by(CollectionRow.name)
            if kind:
                query = query.where(CollectionRow.kind == kind)
            return list(s.scalars(query))

    def passage_ids(self, collection: CollectionRow) -> list[int]:
        with self.session() as s:
            return list(s.scalars(select(PassageRow.id).where(PassageRow.collection_id == collection.id)))

    def passage_texts(self, ids: Iterable[int]) -> dict[int, str]:
        ids = list(ids)
        out: dict[int, str] = {}
        with self.session() as s:
            for k in range(0, len(ids), 900):  # SQLite caps bound parameters
                chunk = ids[k : k + 900]
                out.update(s.execute(select(PassageRow.id, PassageRow.text).where(PassageRow.id.in_(chunk))).all())
        return out

    def passages_with_documents(self, ids: list[int]) -> dict[int, tuple[PassageRow, DocumentRow]]:
        out = {}
        with self.session() as s:
            for k in range(0, len(ids), 900):
                rows = s.execute(
                    select(PassageRow, DocumentRow)
                    .join(DocumentRow, PassageRow.document_id == DocumentRow.id)
                    .where(PassageRow.id.in_(ids[k : k + 900]))
                ).all()
                out.update({p.id: (p, d) for p, d in rows})
        return out

    def prune(self, collection: CollectionRow, prefix: str, keep: set[str]) -> int:
        """Delete the documents keyed `prefix#…` that are not in `keep` (records gone from a re-added file)."""
        with writing(self), self.session() as s, s.begin():
            rows = s.scalars(
                select(DocumentRow).where(
                    DocumentRow.collection_id == collection.id,
                    DocumentRow.key.startswith(prefix + "#", autoescape=True),
                )
            ).all()
            gone = [r for r in rows if r.key not in keep]
            for r in gone:
                s.execute(delete(PassageRow).where(PassageRow.document_id == r.id))
                s.delete(r)
            if gone:
                s.get(CollectionRow, collection.id).revision += 1
            return len(gone)


@contextmanager
def writing(store: Store) -> Iterator[None]:
    """Database write errors (read-only home, full disk, locked database) as one clear StoreError line; the
    transaction is rolled back, so the store stays as it was."""
    try:
        yield
    except OperationalError as exc:
        raise StoreError(f"cannot write to the evidence store in {store.home}: {exc.orig}") from None
