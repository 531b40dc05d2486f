"""spaCy parses for sub-claim splitting and the consistency checks: made in batches, cached.

A claim is compared with many sentences and a sentence with several claims (and their parts), so each text is
parsed once; `parse_many` parses what a batch of claims will need in one `nlp.pipe` call, which is about twice as
fast as parsing the texts one by one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from veracity.nlp import get_spacy

if TYPE_CHECKING:
    from collections.abc import Iterable

    from spacy.tokens import Doc

MAX_CACHED = 4096
MAX_CHARS = 2000  # a claim or evidence "sentence" longer than this is cut: the checks need its first clauses only

_docs: OrderedDict[str, Doc] = OrderedDict()
_lock = threading.Lock()


def parse_many(texts: Iterable[str]) -> None:
    """Parse (and cache) every text not parsed yet, in one batch."""
    with _lock:
        todo = list(dict.fromkeys(t for t in texts if t not in _docs))
    docs = list(get_spacy().pipe([t[:MAX_CHARS] for t in todo], batch_size=64)) if todo else []
    with _lock:
        _docs.update(zip(todo, docs, strict=True))
        while len(_docs) > MAX_CACHED:
            _docs.popitem(last=False)


def parse(text: str) -> Doc:
    with _lock:
        doc = _docs.get(text)
        if doc is not None:
            _docs.move_to_end(text)
            return doc
    doc = get_spacy()(text[:MAX_CHARS])
    with _lock:
        _docs[text] = doc
        while len(_docs) > MAX_CACHED:
            _docs.popitem(last=False)
    return doc
