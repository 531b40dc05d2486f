"""Evidence sources are an interface: a new one is its own module plus one registration line, nothing else."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The whole of a new source: a module with a class that has `name` and `find`, and its registration line.
FAKE_SOURCE = '''
from veracity.evidence.sources import Found, evidence_source
from veracity.schema import Evidence

ENCYCLOPEDIA = {
    "Canada": "Operation IMPACT is the Canadian mission in Iraq. "
              "Canada deployed special forces advisers to Iraq in 2014.",
}


class EncyclopediaSource:
    """A stand-in for a search API: looks the claim's words up in a tiny encyclopedia."""

    name = "encyclopedia"

    def find(self, claims):
        out = []
        for claim in claims:
            passages = [
                Evidence(collection=self.name, text=text, title=f"{word} (encyclopedia)",
                         url=f"https://encyclopedia.example/{word}", score=1.0, bm25=0.0, cosine=1.0)
                for word, text in ENCYCLOPEDIA.items() if word.lower() in claim.text.lower()
            ]
            out.append(Found(passages=passages))
        return out


evidence_source("encyclopedia")(
    lambda options: EncyclopediaSource() if "encyclopedia" in options.evidence_sources else None)
'''


@pytest.fixture
def encyclopedia(tmp_path, monkeypatch):
    (tmp_path / "encyclopedia_source.py").write_text(FAKE_SOURCE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    from veracity.evidence import sources

    before = dict(sources._FACTORIES)
    importlib.import_module("encyclopedia_source")
    yield
    sources._FACTORIES.clear()
    sources._FACTORIES.update(before)
    sys.modules.pop("encyclopedia_source", None)


def test_a_new_source_needs_only_its_module_and_a_registration_line(encyclopedia):
    from veracity import AnalyzeOptions, analyze
    from veracity.render import Format, render

    text = "Canada deployed special forces advisers to Iraq in 2014, the minister said. The weather was mild."
    report = analyze(text=text, options=AnalyzeOptions(evidence_sources=["encyclopedia"], claim_threshold=0.0))
    about_canada = [c for c in report.claims if "Canada" in c.text]
    assert about_canada and all(c.evidence and c.evidence[0].collection == "encyclopedia" for c in about_canada)
    verdict = about_canada[0].verdict
    assert verdict is not None and verdict.examined > 0  # the verdict stage read the source's sentences
    assert any(s.text.startswith("Canada deployed") for s in verdict.sentences)
    assert "encyclopedia.example/Canada" in render(report, Format.md)


def test_an_unknown_source_is_a_clear_error():
    from veracity import AnalyzeOptions, Analyzer
    from veracity.errors import InputError

    known = r"unknown evidence source\(s\) \['nowhere'\]; known: \['corpora', 'factchecks'"
    with pytest.raises(InputError, match=known):
        Analyzer(options=AnalyzeOptions(evidence_sources=["nowhere"]))


def test_the_built_in_sources_are_registered_the_same_way():
    """Corpus search and fact-check matching are plain registered sources: the stage knows no collection."""
    source = (ROOT / "src" / "veracity" / "evidence" / "__init__.py").read_text(encoding="utf-8")
    assert "Store" not in source and "Searcher" not in source
    from veracity.evidence.sources import registered_sources

    assert registered_sources()[:2] == ["corpora", "factchecks"]


def test_the_fake_source_module_is_all_it_takes(tmp_path):
    """In a fresh interpreter: importing the module is the whole integration (no veracity file names it)."""
    (tmp_path / "encyclopedia_source.py").write_text(FAKE_SOURCE, encoding="utf-8")
    code = textwrap.dedent("""
        import encyclopedia_source  # noqa: F401
        from veracity.evidence.sources import sources_for
        from veracity.options import AnalyzeOptions
        print([s.name for s in sources_for(AnalyzeOptions(evidence_sources=["encyclopedia"], corpora=["c"]))])
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert out.stdout.strip() == "['corpora', 'factchecks', 'encyclopedia']"
    grep = ["grep", "-rl", "--include=*.py", "encyclopedia", str(ROOT / "src")]
    named = subprocess.run(grep, capture_output=True, text=True)
    assert named.stdout == ""
