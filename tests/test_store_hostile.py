"""The evidence store, round two (issue 28): refused names write nothing, `corpus remove` leaves no lock file, and a
search during an add waits a bounded time (an index built before is searched as it was; else a clear 'busy')."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veracity.cli import app
from veracity.errors import CollectionBusy
from veracity.evidence.collections import add_documents, remove_collection
from veracity.evidence.locks import collection_lock
from veracity.evidence.search import Searcher
from veracity.evidence.store import SourceDocument, Store

runner = CliRunner()
TEXT = "The Canadian government said it would extend its military mission in Iraq until 2019."


@pytest.fixture(autouse=True)
def sqlite_only(monkeypatch):
    monkeypatch.delenv("VERACITY_DB_URL", raising=False)


def _notes(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)
    (folder / "a.txt").write_text(TEXT + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", [["corpus", "add", "../x", "docs"], ["corpus", "remove", ".."],
                                     ["corpus", "info", "a/b"], ["factchecks", "import", ".x", "f.jsonl"],
                                     ["search", "troops", "--corpus", "../up"]])  # fmt: skip
def test_a_refused_collection_name_creates_no_database(tmp_path, command):
    home = tmp_path / "home"
    result = runner.invoke(app, [*command, "--home", str(home)])
    assert result.exit_code == 2 and "collection names" in result.output
    assert not (home / "veracity.db").exists()


def test_corpus_remove_deletes_the_lock_file_and_a_waiting_add_still_gets_a_lock(tmp_path):
    home = tmp_path / "home"
    store = Store(home)
    add_documents(store, "news", [_notes(tmp_path)])
    lock = home / "locks" / "news.lock"
    assert lock.exists()
    remove_collection(store, "news")
    assert not lock.exists() and not (home / "indexes" / "news").exists()
    # two holders never overlap, even when the file they waited on was deleted meanwhile
    held, overlaps = [], []

    def hold() -> None:
        with collection_lock(home, "news", wait_s=10):
            held.append(1)
            overlaps.append(len(held))
            time.sleep(0.2)
            held.pop()

    with collection_lock(home, "news"):
        threads = [threading.Thread(target=hold) for _ in range(2)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        (home / "locks" / "news.lock").unlink()  # as `corpus remove` does while holding it
    for t in threads:
        t.join(15)
    assert overlaps == [1, 1]


class _Encoder:
    name = "test-hash"

    def encode(self, texts):
        import numpy as np

        out = np.zeros((len(texts), 384), dtype=np.float32)
        for k, text in enumerate(texts):
            for word in text.lower().split():
                out[k, hash(word) % 384] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def _held_elsewhere(home: Path, name: str):
    """Hold the collection's lock in another thread (as a `corpus add` would) until the returned event is set."""
    release, taken = threading.Event(), threading.Event()

    def hold() -> None:
        with collection_lock(home, name):
            taken.set()
            release.wait(30)

    threading.Thread(target=hold, daemon=True).start()
    assert taken.wait(10)
    return release


def test_a_search_during_an_add_uses_the_index_built_before_after_a_short_wait(tmp_path, caplog):
    store = Store(tmp_path / "home")
    add_documents(store, "news", [_notes(tmp_path)], encoder=_Encoder())
    collection = store.collection("news")
    store.put(collection, SourceDocument(key="b", text="Snow fell.", passages=[(0, 10, "Snow fell.")]))  # stale now
    release = _held_elsewhere(store.home, "news")
    try:
        t0 = time.monotonic()
        with caplog.at_level(logging.WARNING):
            hits = Searcher(store, encoder=_Encoder()).search("military mission in Iraq", ["news"], k=1)
        assert time.monotonic() - t0 < 5 and hits[0].text == TEXT
        assert "being updated by another command" in caplog.text
    finally:
        release.set()


def test_a_search_of_a_never_indexed_collection_during_an_add_ends_busy(tmp_path, monkeypatch):
    monkeypatch.setattr("veracity.evidence.search.READ_WAIT_S", 0.5)
    home = tmp_path / "home"
    store = Store(home)
    collection = store.collection("news", "corpus", create=True)
    store.put(collection, SourceDocument(key="a", text=TEXT, passages=[(0, len(TEXT), TEXT)]))
    release = _held_elsewhere(home, "news")
    try:
        with pytest.raises(CollectionBusy, match="is busy"):
            Searcher(store, encoder=_Encoder()).search("Iraq", ["news"])
        monkeypatch.setattr("veracity.evidence.search.get_retrieval_encoder", lambda: _Encoder())
        result = runner.invoke(app, ["search", "Iraq", "--corpus", "news", "--home", str(home)])
        assert result.exit_code == 2 and "is busy" in result.output
    finally:
        release.set()
