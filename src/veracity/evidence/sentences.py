"""Sentence vectors of a collection's passages, computed when the collection is indexed, not when a claim is checked.

The verdict stage reads a sentence only when it is about the claim (verify/relatedness.py): the cosine of the
shared MiniLM vectors of claim and sentence. Encoding the ~450 candidate sentences of a 1,000-word article took
0.8 s of its 3 s; the index now keeps each sentence's vector, so a check encodes only the claims.

    <home>/indexes/<collection>/sentences.usearch   shared-encoder vectors (f16), keyed by a hash of the sentence

Keys are 63-bit BLAKE2b hashes of the sentence text (evidence/passages.py `passage_sentences`, the same cut the
verdict stage makes), so a sentence shared by two overlapping windows is stored and encoded once, and a vector
is right for its text whichever passage holds it. A sync adds the sentences of new passages and drops those no
passage holds any more. Lookups miss quietly (the caller encodes what is missing): an index built before this
file existed, or by a sync without the shared encoder, costs time, never a different verdict.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from veracity.evidence.locks import replace_atomically
from veracity.evidence.passages import passage_sentences

log = logging.getLogger(__name__)

FILE = "sentences.usearch"
# What state.json records with the vectors; a change to how they are made (2: one sentence per encoder run, as the
# gate encodes) recomputes them all on the next sync.
VERSION = 2
DIM = 384
CHUNK = 512  # sentences encoded per step: memory stays flat on a large collection


def sentence_key(text: str) -> int:
    """63 bits of BLAKE2b of the sentence (usearch reserves the largest 64-bit key)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def sentences_by_key(passage_texts: Iterable[str]) -> dict[int, str]:
    """{key: sentence} over every sentence of the passages, each distinct sentence once."""
    out: dict[int, str] = {}
    for text in passage_texts:
        for _, _, sentence in passage_sentences(text):
            out.setdefault(sentence_key(sentence), sentence)
    return out


def _new_index():
    from usearch.index import Index

    return Index(ndim=DIM, metric="cos", dtype="f16")


def update(folder: Path, wanted: dict[int, str], encoder, *, reuse: bool,
           progress: Callable[[int, int], None] | None = None) -> int:  # fmt: skip
    """Bring `folder/sentences.usearch` to exactly the sentences in `wanted`; returns how many were encoded.
    `reuse`: the file's vectors come from this encoder (else all are recomputed). `progress(advance, total)`."""
    path = folder / FILE
    index = _new_index()
    if reuse and path.is_file():
        try:
            index.load(str(path))
        except Exception:  # noqa: BLE001 (usearch raises RuntimeError and others): damaged, re-encode all
            log.warning("the sentence vectors in %s were damaged; re-encoding them", folder)
            index = _new_index()
    keys = np.fromiter(wanted, dtype=np.uint64, count=len(wanted))
    have = np.fromiter(iter(index.keys), dtype=np.uint64, count=len(index))
    stale = np.setdiff1d(have, keys)
    if len(stale):
        index.remove(stale)
    new = np.setdiff1d(keys, have)
    for k in range(0, len(new), CHUNK):
        chunk = new[k : k + CHUNK]
        index.add(chunk, encoder.encode([wanted[int(key)] for key in chunk], batch_size=1))  # as the gate encodes
        if progress:
            progress(len(chunk), len(new))
    replace_atomically(path, lambda tmp: index.save(str(tmp)))
    return len(new)


class SentenceVectors:
    """Read side: the stored vectors of some sentences (an index opened memory-mapped, once)."""

    def __init__(self, folder: Path) -> None:
        from usearch.index import Index

        self.index = Index.restore(str(folder / FILE), view=True)
        if self.index is None:
            raise OSError(f"no sentence vectors in {folder}")

    def get(self, sentences: list[str]) -> dict[str, np.ndarray]:
        """{sentence: unit vector} for the sentences stored; the others are left out."""
        if not sentences or not len(self.index):
            return {}
        keys = np.array([sentence_key(s) for s in sentences], dtype=np.uint64)
        found = self.index.contains(keys)
        if not found.any():
            return {}
        rows = [s for s, hit in zip(sentences, found, strict=True) if hit]
        vectors = np.asarray(self.index.get(keys[found]), dtype=np.float32).reshape(len(rows), DIM)
        vectors /= np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)  # f16 rounding
        return dict(zip(rows, vectors, strict=True))
