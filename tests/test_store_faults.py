"""The evidence store under faults: bad names, damaged or half-written indexes, kills, concurrent adds, full disk."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event
from typer.testing import CliRunner

from veracity.cli import app
from veracity.errors import InputError, StoreError
from veracity.evidence.collections import add_documents, remove_collection
from veracity.evidence.search import Searcher
from veracity.evidence.store import Store

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
SENTENCES = [
    "The Canadian government said it would extend its military mission in Iraq until 2019.",
    "About 200 special forces troops will stay near Erbil to train Kurdish fighters.",
    "Heavy snow is expected in Ottawa this weekend, and forecasters said 30 cm could fall.",
    "The United Nations warned that a million civilians could be displaced around Mosul.",
]


def _folder(root: Path, n: int) -> Path:
    folder = root / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"doc{i:04d}.txt").write_text(f"{SENTENCES[i % 4]} Report number {i}.\n", encoding="utf-8")
    return folder


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "home")


@pytest.mark.parametrize("name", [".", "..", "../x", "a/b", "", ".hidden", "-rf", "a" * 101, "x\n"])
def test_unsafe_collection_names_are_refused(store, name):
    with pytest.raises(InputError, match="collection names"):
        store.collection(name, create=True)


def test_corpus_remove_dotdot_is_refused_and_the_home_survives(tmp_path):
    home = tmp_path / "home"
    add_documents(Store(home), "news", [_folder(tmp_path, 2)])
    for name in ("..", "."):
        result = runner.invoke(app, ["corpus", "remove", name, "--home", str(home)])
        assert result.exit_code == 2 and "collection names" in result.output
    assert (home / "veracity.db").is_file() and Store(home).names() == ["news"]


def _search(store: Store, query: str = "How long will Canadian troops stay in Iraq?") -> str:
    return Searcher(store).search(query, ["news"], k=1)[0].text


@pytest.mark.parametrize(
    "damage",
    ["truncated dense index", "half-written state", "garbage state", "bm25 folder gone", "bm25 ids damaged"],
)
def test_a_damaged_index_is_rebuilt_from_the_database_on_the_next_search(store, tmp_path, damage):
    add_documents(store, "news", [_folder(tmp_path, 8)])
    index = store.home / "indexes" / "news"
    if damage == "truncated dense index":
        data = (index / "dense.usearch").read_bytes()
        (index / "dense.usearch").write_bytes(data[: len(data) // 3])
    elif damage == "half-written state":
        (index / "state.json").write_text('{"revision": 1, "pass', encoding="utf-8")
    elif damage == "garbage state":
        (index / "state.json").write_text("[1, 2]", encoding="utf-8")
    elif damage == "bm25 folder gone":  # a kill between the two renames of the BM25 swap
        import shutil

        shutil.rmtree(index / "bm25")
    else:
        (index / "bm25" / "passage_ids.npy").write_bytes(b"\x93NUMPY broken")
    assert "until 2019" in _search(store)
    assert "until 2019" in _search(Store(store.home))  # and it stays repaired


@pytest.mark.parametrize(
    ("damaged", "notice"),
    [
        ("state.json", "veracity: the index state of 'news' was unreadable; rebuilding the index"),
        ("dense.usearch", "veracity: the search index of 'news' was damaged; rebuilding it from the database"),
    ],
)
def test_the_rebuild_of_a_damaged_index_is_announced_on_stderr(tmp_path, damaged, notice):
    """The next command repairs a damaged index and says so (one line on stderr), rather than silently."""
    home = tmp_path / "home"
    add_documents(Store(home), "news", [_folder(tmp_path, 4)])
    path = home / "indexes" / "news" / damaged
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    done = subprocess.run(_cli("search", "Canadian troops in Iraq", "--corpus", "news", "--home", str(home)),
                          env=_ENV, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "until 2019" in done.stdout
    assert done.stderr.splitlines() == [notice]


def test_two_processes_adding_one_folder_at_once_store_each_file_once(tmp_path):
    """The collection lock holds across processes (flock), not only across threads of one process."""
    folder, home = _folder(tmp_path, 60), tmp_path / "home"
    procs = [subprocess.Popen(_cli("corpus", "add", "news", str(folder), "--home", str(home)), env=_ENV,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    outcomes = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    assert Store(home).info("news").documents == 60
    assert "until 2019" in _search(Store(home))


def test_a_collection_of_stop_words_only_is_searchable(store, tmp_path):
    folder = tmp_path / "stop"
    folder.mkdir()
    (folder / "a.txt").write_text("The of and to in. It was what it was.\n", encoding="utf-8")
    add_documents(store, "news", [folder])
    add_documents(store, "news", [_folder(tmp_path, 4)])
    assert "until 2019" in _search(store)
    result = runner.invoke(app, ["search", "the of and", "--corpus", "news", "--home", str(store.home)])
    assert result.exit_code == 0, result.output


def test_two_concurrent_adds_of_one_folder_store_each_file_once(store, tmp_path):
    folder = _folder(tmp_path, 40)
    errors: list[BaseException] = []

    def add() -> None:
        try:
            add_documents(Store(store.home), "news", [folder])
        except BaseException as exc:  # noqa: BLE001 (collected for the assertion below)
            errors.append(exc)

    threads = [threading.Thread(target=add) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.info("news").documents == 40


def test_a_busy_collection_is_refused_after_the_wait(store):
    from veracity.evidence.locks import collection_lock

    outcome: list[str] = []

    def other() -> None:
        try:
            with collection_lock(store.home, "news", wait_s=0.3):
                outcome.append("entered")
        except StoreError as exc:
            outcome.append(str(exc))

    with collection_lock(store.home, "news"):
        worker = threading.Thread(target=other)
        worker.start()
        worker.join()
    assert len(outcome) == 1 and "is busy" in outcome[0]
    other()  # free again
    assert outcome[-1] == "entered"


def test_a_full_disk_fails_cleanly_and_leaves_the_collection_as_it_was(store, tmp_path):
    add_documents(store, "news", [_folder(tmp_path, 4)])

    @event.listens_for(store.engine, "connect")
    def _tiny(conn, _record) -> None:  # SQLite's own "database or disk is full", without filling a disk
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={pages}")

    store.engine.dispose()
    big = tmp_path / "big"
    big.mkdir()
    for i in range(30):
        (big / f"b{i}.txt").write_text(f"{SENTENCES[0]} Extra {i}. " * 200, encoding="utf-8")
    with pytest.raises(StoreError, match="full"):
        add_documents(store, "news", [big])
    event.remove(store.engine, "connect", _tiny)
    store.engine.dispose()
    assert store.info("news").documents == 4
    assert "until 2019" in _search(store)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_home_is_a_clear_error(tmp_path):
    home = tmp_path / "home"
    add_documents(Store(home), "news", [_folder(tmp_path, 2)])
    home.chmod(0o555)
    (home / "veracity.db").chmod(0o444)
    try:
        result = runner.invoke(app, ["corpus", "add", "news", str(_folder(tmp_path / "more", 2)), "--home", str(home)])
    finally:
        home.chmod(0o755)
        (home / "veracity.db").chmod(0o644)
    assert result.exit_code == 2 and "veracity: error:" in result.output


_ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from veracity.cli import app; app()", *args]


def test_killed_adds_never_lose_or_duplicate_documents(tmp_path):
    """SIGKILL a `corpus add` at several points (reading, storing, embedding, writing indexes); each time the next
    add finishes the job: as many documents as files, and search works."""
    folder, home = _folder(tmp_path, 300), tmp_path / "home"
    command = [sys.executable, "-c", "from veracity.cli import app; app()", "corpus", "add", "news", str(folder),
               "--home", str(home)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for delay in (2.5, 4.0, 5.5):
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    store = Store(home)
    assert store.info("news").documents == 300
    assert "until 2019" in _search(store)
    remove_collection(store, "news")
    assert store.names() == []
