"""`veracity corpus …`, `veracity factchecks …` and `veracity search`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from veracity.cli.common import Home, app, corpus_app, factchecks_app, run


def _store(home: Path | None, *names: str):
    """The evidence store; collection `names` are checked first, so a refused name creates no database."""
    from veracity.evidence.locks import check_name
    from veracity.evidence.store import Store

    for name in names:
        check_name(name)
    return Store(home)


def _progress():
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    )  # fmt: skip


def _report_add(result, name: str) -> None:
    typer.echo(
        f"{name}: {result.added} added, {result.replaced} replaced, {result.unchanged} unchanged, "
        f"{result.removed} removed, {len(result.skipped)} skipped; {result.passages_embedded} passages embedded "
        f"in {result.seconds:.1f} s"
    )


def _with_progress(fn):
    with _progress() as bar:
        tasks: dict[str, int] = {}

        def advance(phase: str, n: int, total: int | None) -> None:
            if phase not in tasks:
                label = {"read": "reading", "embed": "embedding", "sentences": "sentence vectors"}[phase]
                tasks[phase] = bar.add_task(label, total=total)
            bar.update(tasks[phase], advance=n, total=total)

        return fn(advance)


@corpus_app.command("add")
def corpus_add(
    name: Annotated[str, typer.Argument(help="Collection name (created if new).")],
    paths: Annotated[list[Path], typer.Argument(help="Files or folders: txt, md, html, jsonl, csv, warc.")],
    text_column: Annotated[str | None, typer.Option(help="JSONL/CSV field holding the text.")] = None,
    home: Home = None,
) -> None:
    """Add documents; unchanged files are skipped, changed files replaced, unreadable files skipped with a warning."""
    from veracity.evidence.collections import add_documents

    def warn(message: str) -> None:
        typer.echo(f"veracity: warning: {message}", err=True)

    store = run(lambda: _store(home, name))
    result = run(
        lambda: _with_progress(
            lambda p: add_documents(store, name, paths, text_column=text_column, warn=warn, progress=p)
        )
    )
    _report_add(result, name)


@factchecks_app.command("import")
def factchecks_import(
    name: Annotated[str, typer.Argument(help="Collection name (created if new).")],
    file: Annotated[Path, typer.Argument(help="vclaims.jsonl, LIAR .tsv, or ClaimReview JSON-LD (.json/.jsonl/.html)")],
    fmt: Annotated[str, typer.Option("--format", help="auto, vclaims, liar or claimreview.")] = "auto",
    home: Home = None,
) -> None:
    """Import prior fact-checks (claim, rating, publisher, date, url); re-importing updates in place."""
    from veracity.evidence.collections import import_factchecks

    store = run(lambda: _store(home, name))
    result = run(lambda: _with_progress(lambda p: import_factchecks(store, name, file, fmt=fmt, progress=p)))
    _report_add(result, name)


@corpus_app.command("list")
def corpus_list(home: Home = None) -> None:
    """All collections (corpora and fact-checks) with their sizes."""
    store = run(lambda: _store(home))
    names = store.names()
    if not names:
        typer.echo("no collections yet: veracity corpus add NAME PATH… or veracity factchecks import NAME FILE")
    for name in names:
        info = store.info(name)
        typer.echo(f"{info.name}\t{info.kind}\t{info.documents} documents\t{info.passages} passages")


@corpus_app.command("info")
def corpus_info(name: str, home: Home = None) -> None:
    """Counts, index state and size on disk of one collection."""
    from veracity.evidence.indexes import CollectionIndex, sentences_current
    from veracity.runtime import ENCODER_FILE

    store = run(lambda: _store(home, name))
    info = run(lambda: store.info(name))
    index = CollectionIndex(store, store.collection(name))
    state = "up to date" if index.built_revision() == info.revision else "stale (rebuilt on next search)"
    if info.kind == "factchecks":
        sentences = "none (fact-checks are matched, not read sentence by sentence)"
    elif sentences_current(index.state(), ENCODER_FILE):
        sentences = "up to date"
    else:
        sentences = f"missing or stale (veracity corpus add {name} PATH… makes them; verdicts are slower without)"
    typer.echo(f"name: {info.name}\nkind: {info.kind}\ncreated: {info.created_at:%Y-%m-%d %H:%M}")
    typer.echo(f"documents: {info.documents}\npassages: {info.passages}\nindexes: {state}")
    typer.echo(f"sentence vectors: {sentences}")
    typer.echo(f"index size: {index.size_bytes() / 1e6:.1f} MB\nstore: {store.engine.url.render_as_string()}")


@corpus_app.command("remove")
def corpus_remove(name: str, home: Home = None) -> None:
    """Delete a collection, its passages and its indexes."""
    from veracity.evidence.collections import remove_collection

    store = run(lambda: _store(home, name))
    run(lambda: remove_collection(store, name))
    typer.echo(f"removed {name}")


@app.command("search")
def search_cmd(
    query: Annotated[str, typer.Argument(help="A claim or question.")],
    corpus: Annotated[list[str] | None, typer.Option(help="Corpus collection(s) to search.")] = None,
    factchecks: Annotated[list[str] | None, typer.Option(help="Fact-check collection(s) to search.")] = None,
    k: Annotated[int, typer.Option("-k", help="How many hits.")] = 10,
    home: Home = None,
) -> None:
    """Hybrid search (BM25 + MiniLM) over collections; all collections when none is named."""
    from veracity.errors import InputError
    from veracity.evidence.rerank import get_reranker
    from veracity.evidence.search import Searcher

    given = [*(corpus or []), *(factchecks or [])]
    store = run(lambda: _store(home, *given))
    names = given or store.names()

    def search():
        if not names:
            raise InputError("no collections to search: add one with veracity corpus add")
        if not query.strip():
            raise InputError("the query is empty")
        return Searcher(store, reranker=get_reranker()).search(query, names, k)

    for rank, hit in enumerate(run(search), 1):
        head = f"{rank}. [{hit.score:.3f}] {hit.collection}: {hit.title or hit.key}"
        if hit.rating:
            head += f" — rated {hit.rating!r} by {hit.publisher or 'unknown'}"
        typer.echo(head)
        if hit.url:
            typer.echo(f"   {hit.url}")
        typer.echo(f"   {' '.join(hit.text.split())[:300]}")
