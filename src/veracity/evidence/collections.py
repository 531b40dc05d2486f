"""Fill and empty evidence collections: read files, cut passages, store them, bring the indexes up to date."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from veracity.errors import DataFormatError, InputError
from veracity.evidence.factchecks import read_factchecks
from veracity.evidence.indexes import CollectionIndex
from veracity.evidence.locks import check_name, collection_lock, remove_lock_file
from veracity.evidence.passages import passages
from veracity.evidence.readers import iter_files, read_file
from veracity.evidence.store import SourceDocument, Store


@dataclass
class AddResult:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0
    passages_embedded: int = 0
    skipped: list[str] = field(default_factory=list)  # "path: reason"
    seconds: float = 0.0
    index_seconds: float = 0.0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


UPLOADS = "uploads"  # <home>/uploads/<collection>/: files added through the web app
BATCH = 2000  # documents per transaction: few commits, bounded memory for big JSONL/CSV/WARC files
Warn = Callable[[str], None]
Progress = Callable[[str, int, int | None], None]  # (phase, advance, total)


def add_documents(
    store: Store,
    name: str,
    paths: list[Path],
    *,
    text_column: str | None = None,
    warn: Warn = lambda _m: None,
    progress: Progress | None = None,
    encoder=None,
) -> AddResult:
    """Add files and folders to corpus `name` (created if new). Unchanged files are skipped, changed ones
    replaced; a file that cannot be read is reported through `warn` and the rest goes on. Holds the collection's
    lock: a second add to the same collection waits for this one."""
    with collection_lock(store.home, check_name(name)):
        return _add_documents(store, name, paths, text_column, warn, progress, encoder)


def _add_documents(
    store: Store, name: str, paths: list[Path], text_column: str | None, warn: Warn, progress: Progress | None, encoder
) -> AddResult:
    started = time.perf_counter()
    files = list(iter_files(paths))
    if not files:
        raise InputError("no readable files (txt, md, html, jsonl, csv, warc) in " + ", ".join(map(str, paths)))
    new = name not in store.names()
    collection = store.collection(name, "corpus", create=True)
    result = AddResult()
    for path in files:
        keys: set[str] = set()
        try:
            batch: list[SourceDocument] = []
            for doc in read_file(path, text_column, warn):
                doc.passages = passages(doc.text)
                if doc.passages:
                    keys.add(doc.key)
                    batch.append(doc)
                if len(batch) == BATCH:
                    _put(store, collection, batch, result)
            _put(store, collection, batch, result)
        except DataFormatError as exc:
            result.skipped.append(str(exc))
            warn(f"skipped {exc}")
            continue
        except (OSError, UnicodeDecodeError) as exc:
            result.skipped.append(f"{path}: {exc}")
            warn(f"skipped {path}: {exc}")
            continue
        finally:
            if progress:
                progress("read", 1, len(files))
        result.removed += store.prune(collection, str(path.resolve()), keys)
    if new and not store.info(name).documents:  # every file skipped: no empty collection is left behind
        store.remove(name)
        result.seconds = time.perf_counter() - started
        return result
    _sync(store, name, result, progress, encoder)
    result.seconds = time.perf_counter() - started
    return result


def _put(store: Store, collection, batch: list[SourceDocument], result: AddResult) -> None:
    for outcome in store.put_many(collection, batch):
        result.count(outcome)
    batch.clear()


def import_factchecks(
    store: Store, name: str, path: Path, *, fmt: str = "auto", progress: Progress | None = None, encoder=None
) -> AddResult:
    """Import a fact-check file into collection `name` (kind factchecks); re-importing updates in place."""
    with collection_lock(store.home, check_name(name)):
        return _import_factchecks(store, name, path, fmt, progress, encoder)


def _import_factchecks(store: Store, name: str, path: Path, fmt: str, progress: Progress | None, encoder) -> AddResult:
    started = time.perf_counter()
    collection = store.collection(name, "factchecks", create=True)
    result = AddResult()
    docs: list[SourceDocument] = list(read_factchecks(path, fmt))
    for k in range(0, len(docs), BATCH):
        n = len(docs[k : k + BATCH])
        _put(store, collection, docs[k : k + BATCH], result)
        if progress:
            progress("read", n, len(docs))
    _sync(store, name, result, progress, encoder)
    result.seconds = time.perf_counter() - started
    return result


def _sync(store: Store, name: str, result: AddResult, progress: Progress | None, encoder=None) -> None:
    from veracity.evidence.search import get_retrieval_encoder
    from veracity.runtime import get_encoder

    t0 = time.perf_counter()
    index = CollectionIndex(store, store.collection(name))
    pending = store.info(name).passages
    # A corpus's sentences get the vectors the verdict stage's relatedness gate reads (evidence/sentences.py); a
    # fact-check collection none: it is matched as fact-checks, never read sentence by sentence.
    result.passages_embedded = index.sync(
        encoder or get_retrieval_encoder(), (lambda n: progress("embed", n, pending)) if progress else None,
        sentence_encoder=None if index.collection.kind == "factchecks" else get_encoder(),
        sentence_progress=(lambda n, total: progress("sentences", n, total)) if progress else None,
    )
    result.index_seconds = time.perf_counter() - t0


def remove_collection(store: Store, name: str) -> None:
    """Delete the collection, its indexes, the files uploaded to it through the web app and its lock file."""
    with collection_lock(store.home, check_name(name)):
        index = CollectionIndex(store, store.collection(name))
        store.remove(name)
        index.remove()
        shutil.rmtree(store.home / UPLOADS / name, ignore_errors=True)
        remove_lock_file(store.home, name)
