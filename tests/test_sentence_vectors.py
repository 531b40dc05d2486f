"""Sentence vectors stored with a collection's index (evidence/sentences.py): built when passages are added, kept
in step with them, read by the verdict stage instead of encoding every candidate sentence per article."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from veracity.evidence.collections import add_documents, import_factchecks
from veracity.evidence.indexes import CollectionIndex, StoredSentences
from veracity.evidence.passages import passage_sentences, passages
from veracity.evidence.search import get_retrieval_encoder as retrieval
from veracity.evidence.sentences import FILE, sentences_by_key
from veracity.evidence.store import Store
from veracity.runtime import get_encoder

IRAQ = ("The Canadian government said on Tuesday it would extend its military mission in Iraq until 2019. About 200"
        "  special forces troops will stay. Officials said the troops train Kurdish peshmerga fighters.\n")  # fmt: skip
MOSUL = ("Iraqi forces launched an offensive to retake Mosul from Islamic State on Monday. Canadian special forces "
         "are advising Kurdish units near the city. Up to a million civilians could be displaced.\n")  # fmt: skip


class CountingEncoder:
    """Deterministic unit vectors from a hash of the text; counts what it encodes."""

    name = "counting-encoder"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        self.seen += texts
        out = np.stack([np.random.default_rng(int(hashlib.md5(t.encode()).hexdigest()[:8], 16)).normal(size=384)
                        for t in texts]) if texts else np.zeros((0, 384))  # fmt: skip
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def _all_sentences(store: Store, name: str) -> set[str]:
    ids = store.passage_ids(store.collection(name))
    return set(sentences_by_key(store.passage_texts(ids).values()).values())


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "iraq.txt").write_text(IRAQ, encoding="utf-8")
    (folder / "mosul.txt").write_text(MOSUL, encoding="utf-8")
    return folder


def test_every_sentence_is_encoded_once_and_kept_in_step_with_the_passages(tmp_path, corpus):
    store = Store(tmp_path / "home")
    add_documents(store, "news", [corpus])
    index = CollectionIndex(store, store.collection("news"))
    sentences = _all_sentences(store, "news")
    assert len(sentences) == 6  # each sentence sits in two overlapping windows, stored once
    enc = CountingEncoder()
    index.sync(retrieval(), sentence_encoder=enc)  # another sentence encoder: all recomputed
    assert sorted(enc.seen) == sorted(sentences)
    assert index.sync(retrieval(), sentence_encoder=enc) == 0 and len(enc.seen) == 6  # up to date: nothing

    stored = StoredSentences(index.dir).get(sorted(sentences) + ["a sentence no passage holds"], enc.name)
    assert set(stored) == sentences
    for text, vector in stored.items():  # f16 storage: the same direction
        assert float(vector @ enc.encode([text])[0]) > 0.999

    (corpus / "mosul.txt").write_text("Snow is expected in Ottawa this weekend. Forecasters said 30 cm could fall.\n")
    enc.seen.clear()
    add_documents(store, "news", [corpus])  # a changed file is replaced; the add itself uses the shared encoder
    index.sync(retrieval(), sentence_encoder=enc)
    now = _all_sentences(store, "news")
    assert "Up to a million civilians could be displaced." not in now
    assert sorted(enc.seen) == sorted(now)  # the shared encoder's vectors are not this one's: all recomputed
    enc.seen.clear()
    (corpus / "more.txt").write_text("The mission was extended twice. Critics in Parliament asked for a vote.\n")
    add_documents(store, "news", [corpus], encoder=retrieval())
    shared = StoredSentences(index.dir).get(sorted(_all_sentences(store, "news")), get_encoder().name)
    assert set(shared) == _all_sentences(store, "news")  # `add` keeps the shared encoder's vectors complete
    assert StoredSentences(index.dir).get(sorted(now), enc.name) == {}  # the other encoder's are gone


def test_stored_vectors_are_what_the_gate_would_compute(tmp_path, corpus):
    store = Store(tmp_path / "home")
    add_documents(store, "news", [corpus])
    index = CollectionIndex(store, store.collection("news"))
    sentences = sorted(_all_sentences(store, "news"))
    stored = StoredSentences(index.dir).get(sentences, get_encoder().name)
    fresh = get_encoder().encode(sentences, batch_size=1)  # one text per run, as the gate encodes
    assert min(float(stored[s] @ v) for s, v in zip(sentences, fresh, strict=True)) > 0.999  # f16 rounding only


def test_no_sentence_vectors_when_missing_stale_or_damaged(tmp_path, corpus):
    store = Store(tmp_path / "home")
    add_documents(store, "news", [corpus])
    index = CollectionIndex(store, store.collection("news"))
    sentences = sorted(_all_sentences(store, "news"))
    name = get_encoder().name
    assert len(StoredSentences(index.dir).get(sentences, name)) == 6
    assert StoredSentences(index.dir).get(sentences, "another-encoder.onnx") == {}
    # passages added and synced without a sentence encoder: the vectors are behind the passages, not used
    from veracity.evidence.readers import read_file

    (tmp_path / "extra.txt").write_text("Snow is expected in Ottawa this weekend. Forecasters said 30 cm could fall.\n")
    doc = next(iter(read_file(tmp_path / "extra.txt")))
    doc.passages = passages(doc.text)
    store.put(store.collection("news"), doc)
    assert index.sync(retrieval()) > 0
    assert StoredSentences(index.dir).get(sentences, name) == {}
    index.sync(retrieval(), sentence_encoder=get_encoder())  # brought up to date: the new sentences only
    assert len(StoredSentences(index.dir).get(sorted(_all_sentences(store, "news")), name)) == 8
    (corpus / "iraq.txt").write_text("The mission was extended twice. Critics in Parliament asked for a vote.\n")
    add_documents(store, "news", [corpus])  # replaced: its old sentences leave the file, the new ones come in
    from usearch.index import Index

    assert len(Index.restore(str(index.dir / FILE))) == len(_all_sentences(store, "news")) == 7
    (index.dir / FILE).write_bytes(b"not an index")
    assert StoredSentences(index.dir).get(sentences, name) == {}  # damaged: the caller encodes instead


def test_factcheck_collections_get_no_sentence_vectors(tmp_path):
    import json

    store = Store(tmp_path / "home")
    review = {"@type": "ClaimReview", "url": "https://checks.example/1", "claimReviewed": "Canada is at war with ISIS",
              "author": {"name": "Checker"}, "reviewRating": {"alternateName": "False"}}  # fmt: skip
    (tmp_path / "reviews.json").write_text(json.dumps([review]))
    import_factchecks(store, "checks", tmp_path / "reviews.json")
    index = CollectionIndex(store, store.collection("checks"))
    assert not (index.dir / FILE).exists() and not index.state().get("sentences")


def test_the_verdict_stage_encodes_only_what_the_index_does_not_hold(tmp_path, corpus, monkeypatch):
    from veracity import AnalyzeOptions, Analyzer
    from veracity.runtime import SentenceEncoder

    home = tmp_path / "home"
    add_documents(Store(home), "news", [corpus])
    article = ("Canada will keep about 200 special forces troops in Iraq until 2019, the government said on Tuesday. "
               "Canadian special forces are advising Kurdish units near Mosul, officials said.")  # fmt: skip
    analyzer = Analyzer(options=AnalyzeOptions(corpora=("news",), home=home))
    encoded: list[str] = []
    real = SentenceEncoder.encode

    def spy(self, texts, *args, **kwargs):
        encoded.extend(texts)
        return real(self, texts, *args, **kwargs)

    monkeypatch.setattr(SentenceEncoder, "encode", spy)
    report = analyzer(article)
    checked = [c for c in report.claims if c.verdict is not None and c.evidence]
    assert checked
    candidates = {s for c in checked for e in c.evidence for _, _, s in passage_sentences(e.text)}
    assert candidates and not candidates & set(encoded)  # the gate read every candidate's vector from the index

    # the same article with the stored vectors withheld: the same verdicts (the gate encodes them itself)
    monkeypatch.setattr(StoredSentences, "get", lambda self, sentences, name: {})
    encoded.clear()
    again = Analyzer(options=AnalyzeOptions(corpora=("news",), home=home))(article)
    assert candidates <= set(encoded)
    assert [c.verdict.label for c in again.claims if c.verdict] == [c.verdict.label for c in report.claims if c.verdict]


def test_vectors_made_another_way_are_not_used_and_are_remade(tmp_path, corpus):
    import json

    store = Store(tmp_path / "home")
    add_documents(store, "news", [corpus])
    index = CollectionIndex(store, store.collection("news"))
    sentences = sorted(_all_sentences(store, "news"))
    state = index.state()
    (index.dir / "state.json").write_text(json.dumps(state | {"sentences": state["sentences"] | {"version": 1}}))
    assert StoredSentences(index.dir).get(sentences, get_encoder().name) == {}
    enc = CountingEncoder()
    enc.name = get_encoder().name  # the same encoder's name, vectors made the old way: all remade
    index.sync(retrieval(), sentence_encoder=enc)
    assert sorted(enc.seen) == sentences


def test_a_search_never_makes_sentence_vectors_an_add_does(tmp_path, corpus):
    """Making them takes minutes for a large collection: too long inside a search or an analysis with a deadline."""
    from veracity.evidence.readers import iter_files, read_file
    from veracity.evidence.search import Searcher

    store = Store(tmp_path / "home")
    collection = store.collection("news", create=True)
    for path in iter_files([corpus]):  # stored the way an older version left it: passages, no index yet
        for doc in read_file(path):
            doc.passages = passages(doc.text)
            store.put(collection, doc)
    assert Searcher(store).search("troops in Iraq", ["news"], k=1)
    index = CollectionIndex(store, store.collection("news"))
    assert index.state()["revision"] == store.info("news").revision and not index.state().get("sentences")
    assert not (index.dir / FILE).exists()
    add_documents(store, "news", [corpus])  # nothing new to read; the sentence vectors are made
    assert len(StoredSentences(index.dir).get(sorted(_all_sentences(store, "news")), get_encoder().name)) == 6


def test_corpus_info_says_whether_the_sentence_vectors_are_there(tmp_path, corpus):
    from typer.testing import CliRunner

    from veracity.cli import app

    home = tmp_path / "home"
    add_documents(Store(home), "news", [corpus])
    out = CliRunner().invoke(app, ["corpus", "info", "news", "--home", str(home)]).output
    assert "sentence vectors: up to date" in out
    (home / "indexes" / "news" / "state.json").write_text('{"revision": 0}')
    out = CliRunner().invoke(app, ["corpus", "info", "news", "--home", str(home)]).output
    assert "sentence vectors: missing or stale (veracity corpus add news PATH" in out
