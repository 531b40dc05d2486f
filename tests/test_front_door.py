"""`veracity.analyze()`: one front door for paths, URLs, text, bytes and file objects, with typed options."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import veracity
from conftest import EXAMPLE, EXAMPLE_HTML, EXAMPLE_URL
from veracity import AnalyzeOptions
from veracity.errors import InputError
from veracity.ingest import looks_like_path

SHORT = "The minister said on Tuesday that 200 soldiers would stay in Iraq until 2019.\n"


@pytest.fixture(scope="module")
def reference(analyzer):
    return analyzer(EXAMPLE)


def _same(a, b) -> bool:
    skip = {"id", "analyzed_at", "timings_ms"}
    return a.model_dump(exclude=skip) == b.model_dump(exclude=skip)


def test_a_path_string_a_path_object_bytes_text_and_a_file_object_give_the_same_report(analyzer, reference):
    text = EXAMPLE.read_text(encoding="utf-8")
    assert _same(veracity.analyze(str(EXAMPLE), analyzer=analyzer), reference)
    for report in (
        analyzer(EXAMPLE),
        analyzer(path=str(EXAMPLE)),
        analyzer(EXAMPLE.read_bytes()),
        analyzer(text),
        analyzer(text=text),
        analyzer(io.BytesIO(EXAMPLE.read_bytes())),
        analyzer(io.StringIO(text)),
    ):
        assert _same(report, reference)


def test_the_first_call_from_python_works_with_defaults():
    report = veracity.analyze(EXAMPLE)
    assert report.claims and report.source is not None and "ingest" in report.timings_ms


def test_a_url_is_fetched_and_decides_the_outlet(monkeypatch, analyzer):
    from veracity.ingest import fetch

    def fake_fetch(url, policy=None):
        return fetch.Fetched(url=url, content=EXAMPLE_HTML.read_bytes(), content_type="text/html", charset="utf-8")

    monkeypatch.setattr(fetch, "fetch_url", fake_fetch)
    report = veracity.analyze(EXAMPLE_URL, analyzer=analyzer)
    assert report.document.url == EXAMPLE_URL and report.source.domain == "globalresearch.ca"


def test_url_option_names_the_original_address_of_local_text(analyzer):
    report = veracity.analyze(text=SHORT, analyzer=analyzer, url=EXAMPLE_URL)
    assert report.source.domain == "globalresearch.ca" and report.source.found_by == "url"
    with pytest.raises(InputError, match="http"):
        AnalyzeOptions(url="ftp://example.org/a")


def test_strings_are_paths_only_when_they_look_like_one():
    assert looks_like_path(str(EXAMPLE)) and looks_like_path("missing-article.txt")
    assert not looks_like_path(SHORT) and not looks_like_path("Troops will stay in Iraq")
    with pytest.raises(InputError, match="no such file"):
        veracity.analyze("missing-article.txt")
    with pytest.raises(InputError, match="no such file"):
        veracity.analyze(path="Troops will stay in Iraq")
    with pytest.raises(InputError, match="unsupported URL scheme"):
        veracity.analyze("file:///etc/passwd")


def test_exactly_one_source_is_required():
    with pytest.raises(TypeError, match="exactly one"):
        veracity.analyze()
    with pytest.raises(TypeError, match="exactly one"):
        veracity.analyze(SHORT, text=SHORT)
    with pytest.raises(TypeError, match="cannot analyze"):
        veracity.analyze(42)


def test_options_are_frozen_typed_and_cover_the_cli():
    options = AnalyzeOptions(corpora=["iraq"], max_mb=1)
    assert options.corpora == ("iraq",) and options.max_bytes == 1024 * 1024
    with pytest.raises(AttributeError):
        options.persuasion = True  # type: ignore[misc]
    assert options.replace(persuasion=True).persuasion and not options.persuasion
    with pytest.raises(TypeError, match="unknown option"):
        options.replace(colour="red")
    with pytest.raises(TypeError, match="list of names"):
        AnalyzeOptions(corpora="iraq")
    import inspect

    from veracity.cli.analyze import analyze_cmd

    rendering = {"source", "fmt", "out", "publisher", "report_url"}  # how the report is written, not analysed
    cli = set(inspect.signature(analyze_cmd).parameters) - rendering
    # the parameters are the fields' names (tests/test_options_table.py checks every field has its flag)
    assert cli - {"all_claims"} == set(AnalyzeOptions.__dataclass_fields__) - {"llm_api_key"}


def test_size_limit_and_claim_threshold_apply(analyzer):
    with pytest.raises(InputError, match="limit"):
        veracity.analyze(text=SHORT * 20, max_mb=0.001)
    strict = veracity.analyze(EXAMPLE, claim_threshold=0.99)
    assert strict.summary.claim_threshold == 0.99 and not strict.claims


def test_stages_follow_the_options():
    from veracity.pipeline import Analyzer

    names = Analyzer(options=AnalyzeOptions(persuasion=True, corpora=("x",))).stage_names
    assert names == ["nlp", "attribution", "claims", "evidence", "verdict", "persuasion", "source", "summary"]
    assert Analyzer(options=AnalyzeOptions(stages=("nlp", "summary"))).stage_names == ["nlp", "summary"]


def test_an_analyzer_pipes_many_sources(analyzer, reference):
    reports = list(analyzer.pipe([EXAMPLE, SHORT.encode()]))
    assert len(reports) == 2 and _same(reports[0], reference) and reports[1].document.text.startswith("The minister")


def test_options_go_to_the_analyzer_not_to_each_call(analyzer):
    with pytest.raises(TypeError, match="give the options to the Analyzer"):
        veracity.analyze(SHORT, analyzer=analyzer, persuasion=True)


def test_readme_documents_the_python_front_door():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "## Python" in readme and "veracity.analyze(" in readme and "AnalyzeOptions(" in readme


@pytest.mark.parametrize("value", [-0.1, 1.5, float("nan"), float("inf")])
def test_claim_threshold_outside_0_to_1_is_refused_clearly(value):
    with pytest.raises(InputError, match="claim_threshold must be between 0 and 1"):
        AnalyzeOptions(claim_threshold=value)
    with pytest.raises(InputError, match="claim_threshold"):
        AnalyzeOptions().replace(claim_threshold=value)


def test_claim_threshold_bounds_and_none_are_accepted():
    assert AnalyzeOptions(claim_threshold=0.0).claim_threshold == 0.0
    assert AnalyzeOptions(claim_threshold=1.0).claim_threshold == 1.0
    assert AnalyzeOptions().claim_threshold is None  # the model's calibrated threshold
