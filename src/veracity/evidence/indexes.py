"""Search indexes of one collection, kept on disk next to the database: BM25 (bm25s) and dense (usearch).

    <home>/indexes/<collection>/bm25/           bm25s index over the passages, rows in `passage_ids.npy` order
    <home>/indexes/<collection>/dense.usearch   MiniLM int8 embeddings, keyed by passage id (cosine)
    <home>/indexes/<collection>/sentences.usearch  shared-encoder vectors of the passages' sentences (sentences.py)
    <home>/indexes/<collection>/state.json      the collection revision they were built from, and the encoders

`sync` brings them up to the database: new passages are embedded and added, deleted ones removed (only the
difference is encoded, so re-adding a folder costs nothing), and BM25 is rebuilt from the stored texts (seconds
at 100k passages). It holds the collection's lock (evidence/locks.py), and every file is written beside its
target and renamed into place, state.json last: a crash leaves whole files and an old revision in state.json, and
the next sync repairs it. An index that does not load (damaged by hand, a full disk, an older version's crash)
is deleted and rebuilt from the database on the spot.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np

from veracity.errors import StoreError
from veracity.evidence import sentences as sentence_file
from veracity.evidence.locks import LOCK_WAIT_S, READ_WAIT_S, check_name, collection_lock, replace_atomically
from veracity.evidence.store import CollectionRow, Store

log = logging.getLogger(__name__)

DIM = 384
_NO_TERMS = "no_terms"  # marks a BM25 folder of a collection whose passages hold only stop words
FIRST_ENCODER = "minilm-l6-int8.onnx"  # what built indexes whose state.json names no encoder


@cache
def english_stemmer():
    """Snowball English (PyStemmer), loaded once; BM25 and the stance features stem the same way."""
    import Stemmer

    return Stemmer.Stemmer("english")


def bm25_tokens(texts: list[str]):
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=english_stemmer(), show_progress=False)


def index_folder(home: Path, collection: str) -> Path:
    return home / "indexes" / check_name(collection)


def read_state(folder: Path) -> dict:
    """An index folder's state.json; {} when missing or unreadable."""
    try:
        state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def sentences_current(state: dict, encoder_name: str) -> bool:
    """Does an index state say its sentence vectors are whole, made by this encoder, the current way?"""
    made = {"encoder": encoder_name, "revision": state.get("revision"), "version": sentence_file.VERSION}
    return state.get("sentences") == made


class CollectionIndex:
    def __init__(self, store: Store, collection: CollectionRow) -> None:
        self.store, self.collection = store, collection
        self.dir = index_folder(store.home, collection.name)
        self._bm25 = self._bm25_ids = self._dense = None
        self._encoder = self._sentence_encoder = None  # the last ones `sync` used: a damaged index is rebuilt with them

    # -- building -------------------------------------------------------------------------------------------
    def state(self) -> dict:
        """What the indexes were built from; {} (rebuild everything) when missing or unreadable."""
        return read_state(self.dir)

    def built_revision(self) -> int | None:
        return self.state().get("revision")

    def sync(self, encoder, progress: Callable[[int], None] | None = None, *, sentence_encoder=None,
             sentence_progress: Callable[[int, int], None] | None = None,
             wait_s: float = LOCK_WAIT_S) -> int:  # fmt: skip
        """Update the indexes to the collection's current passages; returns how many passages were embedded.
        `encoder` has `.encode(texts)` and `.name`; vectors from another encoder are all recomputed. With a
        `sentence_encoder` (the shared one the verdict stage's relatedness gate uses), the passages' sentences
        get vectors too. Waits up to `wait_s` for another command working on the collection (then CollectionBusy)."""
        self._encoder, self._sentence_encoder = encoder, sentence_encoder
        with collection_lock(self.store.home, self.collection.name, wait_s=wait_s):
            try:
                return self._sync(encoder, progress, sentence_encoder, sentence_progress)
            except OSError as exc:
                raise StoreError(f"cannot write the index of {self.collection.name!r}: {exc.strerror or exc}") from None

    def _sync(self, encoder, progress, sentence_encoder, sentence_progress) -> int:
        collection = self.store.collection(self.collection.name)
        state = self.state()
        if not state and (self.dir / "state.json").exists():
            log.warning("the index state of %r was unreadable; rebuilding the index", self.collection.name)
        name = getattr(encoder, "name", FIRST_ENCODER)
        same_encoder = state.get("encoder", FIRST_ENCODER) == name
        embedded, texts = 0, None
        if state.get("revision") != collection.revision or not same_encoder:
            embedded, texts = self._sync_passages(collection, encoder, name, same_encoder, progress, state)
        # Second, and written separately: the collection is searchable before its sentence vectors are made, and a
        # crash while making them loses nothing but the speed-up.
        if sentence_encoder is not None:
            self._sync_sentences(collection, sentence_encoder, sentence_progress, texts)
        return embedded

    def _sync_passages(self, collection, encoder, name: str, same_encoder: bool, progress, state: dict):
        """Dense and BM25 indexes up to the collection's passages; (passages embedded, {id: text})."""
        from usearch.index import Index

        self.dir.mkdir(parents=True, exist_ok=True)
        ids = np.array(sorted(self.store.passage_ids(collection)), dtype=np.uint64)
        dense_path = self.dir / "dense.usearch"
        dense = Index(ndim=DIM, metric="cos", dtype="f16")
        if dense_path.is_file() and same_encoder:
            try:
                dense.load(str(dense_path))
            except Exception:  # noqa: BLE001 (usearch raises RuntimeError and others): damaged, re-embed all
                log.warning("the vector index of %r was damaged; re-embedding its passages", self.collection.name)
                dense = Index(ndim=DIM, metric="cos", dtype="f16")
        have = np.fromiter(iter(dense.keys), dtype=np.uint64, count=len(dense))
        stale = np.setdiff1d(have, ids)
        if len(stale):
            dense.remove(stale)
        new = np.setdiff1d(ids, have)
        for k in range(0, len(new), 512):  # in chunks: memory stays flat, progress moves
            chunk = new[k : k + 512]
            texts = self.store.passage_texts(int(i) for i in chunk)
            dense.add(chunk, encoder.encode([texts[int(i)] for i in chunk]))
            if progress:
                progress(len(chunk))
        replace_atomically(dense_path, lambda tmp: dense.save(str(tmp)))
        texts = self.store.passage_texts(int(i) for i in ids)
        self._write_bm25(ids, texts)
        self._write_state({"revision": collection.revision, "passages": len(ids), "encoder": name,
                           "sentences": state.get("sentences")})  # fmt: skip
        self._bm25 = self._bm25_ids = self._dense = None  # reloaded on the next query
        return len(new), texts

    def _sync_sentences(self, collection, encoder, progress, texts: dict[int, str] | None) -> None:
        """The sentence vectors (sentences.py) up to the passages, unless they are already."""
        state = self.state()  # its revision is the collection's: the passages were synced first
        if sentences_current(state, encoder.name):
            return
        if texts is None:
            texts = self.store.passage_texts(self.store.passage_ids(collection))
        wanted = sentence_file.sentences_by_key(texts.values())
        built = state.get("sentences") if isinstance(state.get("sentences"), dict) else {}
        same = (built.get("encoder"), built.get("version")) == (encoder.name, sentence_file.VERSION)
        sentence_file.update(self.dir, wanted, encoder, reuse=same, progress=progress)
        done = {"encoder": encoder.name, "revision": collection.revision, "version": sentence_file.VERSION}
        self._write_state(state | {"sentences": done})

    def _write_state(self, state: dict) -> None:
        text = json.dumps(state)
        replace_atomically(self.dir / "state.json", lambda tmp: tmp.write_text(text, encoding="utf-8"))

    def _write_bm25(self, ids: np.ndarray, texts: dict[int, str]) -> None:
        import bm25s

        target = self.dir / "bm25"
        tmp = self.dir / "bm25.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tokens = bm25_tokens([texts[int(i)] for i in ids]) if len(ids) else None
        if tokens is not None and any(len(t) for t in tokens.ids):
            retriever = bm25s.BM25()
            retriever.index(tokens, show_progress=False)
            retriever.save(str(tmp), show_progress=False)
        else:  # no passages, or only stop words ("the of and"): dense search only
            tmp.mkdir()
            (tmp / _NO_TERMS).touch()
        np.save(tmp / "passage_ids.npy", ids)
        # Swap in the new folder; a crash between the two renames leaves no `bm25`, which `_load` repairs.
        old = self.dir / "bm25.old"
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)

    def remove(self) -> None:
        with collection_lock(self.store.home, self.collection.name):
            shutil.rmtree(self.dir, ignore_errors=True)

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.dir.rglob("*") if p.is_file()) if self.dir.is_dir() else 0

    # -- querying -------------------------------------------------------------------------------------------
    def _load(self) -> None:
        """Open both indexes; when they do not load, rebuild them from the database once and open them again."""
        try:
            self._open()
        except Exception:  # noqa: BLE001 (numpy, bm25s and usearch raise many kinds on a damaged file)
            if self._encoder is None:
                raise StoreError(
                    f"the search index of {self.collection.name!r} is damaged; any `veracity search` rebuilds it"
                ) from None
            log.warning("the search index of %r was damaged; rebuilding it from the database", self.collection.name)
            with collection_lock(self.store.home, self.collection.name, wait_s=READ_WAIT_S):
                for name in ("state.json", "dense.usearch"):
                    (self.dir / name).unlink(missing_ok=True)
                shutil.rmtree(self.dir / "bm25", ignore_errors=True)
            self.sync(self._encoder, sentence_encoder=self._sentence_encoder, wait_s=READ_WAIT_S)
            self._open()

    def _open(self) -> None:
        import bm25s
        from usearch.index import Index

        ids = np.load(self.dir / "bm25" / "passage_ids.npy")
        terms = len(ids) and not (self.dir / "bm25" / _NO_TERMS).exists()
        bm25 = bm25s.BM25.load(str(self.dir / "bm25"), mmap=True, show_progress=False) if terms else None
        dense = Index.restore(str(self.dir / "dense.usearch"), view=True) if len(ids) else None
        if len(ids) and (dense is None or len(dense) != len(ids)):
            raise StoreError(f"dense index of {self.collection.name!r} does not match its passages")
        self._bm25_ids, self._bm25, self._dense = ids, bm25, dense

    def bm25(self, query: str, k: int) -> dict[int, float]:
        """{passage id: BM25 score} of the top `k` passages."""
        if self._bm25_ids is None:
            self._load()
        if self._bm25 is None:
            return {}
        k = min(k, len(self._bm25_ids))
        docs, scores = self._bm25.retrieve(bm25_tokens([query]), k=k, show_progress=False, n_threads=1)
        return {int(self._bm25_ids[d]): float(s) for d, s in zip(docs[0], scores[0], strict=True) if s > 0}

    def dense(self, vector: np.ndarray, k: int) -> dict[int, float]:
        """{passage id: cosine similarity} of the top `k` passages (HNSW, approximate)."""
        if self._bm25_ids is None:
            self._load()
        if self._dense is None:
            return {}
        matches = self._dense.search(vector.astype(np.float32), min(k, len(self._dense)))
        return {int(key): 1.0 - float(d) for key, d in zip(matches.keys, matches.distances, strict=True)}

    def cosines(self, vector: np.ndarray, ids: list[int]) -> dict[int, float]:
        """Exact cosine for given passages (BM25 hits the dense search did not return)."""
        if not ids or self._dense is None:
            return {}
        vectors = np.asarray(self._dense.get(np.array(ids, dtype=np.uint64)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1) * max(float(np.linalg.norm(vector)), 1e-12)
        return {i: float(v @ vector / max(n, 1e-12)) for i, v, n in zip(ids, vectors, norms, strict=True)}


class StoredSentences:
    """The sentence vectors an index folder holds, read without the database (the verdict stage needs no more)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._vectors: sentence_file.SentenceVectors | None = None

    def get(self, sentences: list[str], encoder_name: str) -> dict[str, np.ndarray]:
        """{sentence: vector} of those `sentences` whose vectors are stored, made by the encoder named; {} when
        the vectors are missing, from another encoder, or behind the collection's passages (then the caller
        encodes: slower, the same verdicts)."""
        if not sentences_current(read_state(self.folder), encoder_name):
            return {}
        if self._vectors is None:
            try:
                self._vectors = sentence_file.SentenceVectors(self.folder)
            except Exception:  # noqa: BLE001 (usearch raises many kinds on a damaged file)
                log.warning("the sentence vectors in %s do not load; encoding sentences instead", self.folder)
                return {}
        return self._vectors.get(sentences)
