"""One options table (issue 30): every `AnalyzeOptions` field is reachable from `veracity analyze`, `veracity batch`
and the web (a request field, or `veracity serve`), and its bounds are the table's everywhere: the flags, the
request model and `AnalyzeOptions` itself."""

from __future__ import annotations

import dataclasses
import math

import pytest
import typer
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from conftest import EXAMPLE
from veracity.cli import app
from veracity.cli.common import analyze_options
from veracity.errors import InputError
from veracity.options import DEFAULT_BUDGET, OPTION_TABLE, AnalyzeOptions
from veracity.web.app import create_app
from veracity.web.models import Options
from veracity.web.security import Settings
from webfakes import FakeAnalyzer

runner = CliRunner()
COMMANDS = typer.main.get_command(app).commands
FIELDS = [f.name for f in dataclasses.fields(AnalyzeOptions)]
BOUNDED = [name for name in FIELDS if OPTION_TABLE[name].bounded]


def _param(command: str, flag: str):
    """The click parameter of `veracity COMMAND` that `flag` sets, or None."""
    return next((p for p in COMMANDS[command].params if flag in (*p.opts, *p.secondary_opts)), None)


def _web_field(name: str) -> str:
    return OPTION_TABLE[name].web_name or name


def test_the_table_has_one_row_per_field():
    assert list(OPTION_TABLE) == FIELDS


@pytest.mark.parametrize("name", FIELDS)
def test_every_field_is_reachable_from_analyze_batch_and_the_web(name):
    spec = OPTION_TABLE[name]
    if spec.flag is None:  # the LLM's key: only from the environment, in every front end
        assert name == "llm_api_key" and spec.env == "VERACITY_LLM_API_KEY" and spec.web == "server"
        return
    analyze, batch = _param("analyze", spec.flag), _param("batch", spec.batch_flag or spec.flag)
    assert analyze is not None and batch is not None, f"{name}: {spec.flag} missing"
    assert analyze.name == name and (spec.batch_flag or batch.name == name)  # analyze_options reads them by name
    for param in (analyze, batch):
        assert param.envvar == spec.env
    if spec.many:
        assert analyze.multiple and batch.multiple
    if spec.web == "request":
        assert _web_field(name) in Options.model_fields
    else:
        assert _param("serve", spec.web_name or spec.flag) is not None, f"serve has no {spec.flag}"
        assert _web_field(name) not in Options.model_fields  # the server's, not a client's


def test_the_key_comes_from_the_environment_only(monkeypatch):
    monkeypatch.setenv("VERACITY_LLM_API_KEY", "s3cret-key")
    flags = _defaults("analyze") | {"llm_url": "http://127.0.0.1:9/v1", "llm_model": "m"}
    assert analyze_options(flags).llm_api_key == "s3cret-key"
    for command in ("analyze", "batch", "serve"):
        assert not any("key" in opt for p in COMMANDS[command].params for opt in p.opts)


@pytest.mark.parametrize("name", BOUNDED)
def test_bounds_are_the_tables_everywhere(name):
    spec = OPTION_TABLE[name]
    commands = ["analyze", "batch"] + (["serve"] if spec.web == "server" else [])
    for command in commands:
        param = _param(command, spec.flag)
        assert (param.min, param.max) == (spec.min, spec.max), f"{command} {spec.flag}"
    if spec.web == "request":
        metadata = Options.model_fields[_web_field(name)].metadata
        assert [getattr(m, "ge", None) for m in metadata if hasattr(m, "ge")] == ([spec.min] if spec.min is not None
                                                                                  else [])  # fmt: skip
        assert [getattr(m, "le", None) for m in metadata if hasattr(m, "le")] == ([spec.max] if spec.max is not None
                                                                                  else [])  # fmt: skip
    for bound, outward in ((spec.min, -math.inf), (spec.max, math.inf)):
        if bound is None:
            continue
        assert getattr(AnalyzeOptions(**{name: bound}), name) == bound
        outside = math.nextafter(bound, outward)
        with pytest.raises(InputError, match=name):
            AnalyzeOptions(**{name: outside})
        if spec.web == "request":
            Options(**{_web_field(name): bound})
            with pytest.raises(ValidationError):
                Options(**{_web_field(name): outside})
    for nowhere in (math.nan, math.inf, -math.inf):
        with pytest.raises(InputError, match=name):
            AnalyzeOptions(**{name: nowhere})


def test_batch_refuses_a_claim_threshold_over_1(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(EXAMPLE), "--out", str(out), "--claim-threshold", "2"])
    assert result.exit_code == 2 and "--claim-threshold" in result.output and not out.exists()


def _defaults(command: str) -> dict:
    """The parameters `veracity COMMAND` passes when no flag is given (a repeatable flag: None, as typer gives it)."""
    return {p.name: None if p.multiple else p.default for p in COMMANDS[command].params}


def test_analyze_and_batch_build_their_options_the_same_way():
    analyze, batch = analyze_options(_defaults("analyze")), analyze_options(_defaults("batch"))
    assert analyze == AnalyzeOptions()  # one article: every claim
    assert batch == AnalyzeOptions(claim_budget=DEFAULT_BUDGET)
    given = {"evidence_sources": ["encyclopedia"], "corpora": ["iraq"], "claim_threshold": 0.3, "timeout": 60.0,
             "verifier": "accurate", "all_claims": True}  # fmt: skip
    for command in ("analyze", "batch"):
        options = analyze_options(_defaults(command) | given)
        assert (options.evidence_sources, options.corpora, options.claim_threshold, options.timeout) == (
            ("encyclopedia",), ("iraq",), 0.3, 60.0)  # fmt: skip
        assert options.verifier == "accurate" and options.claim_budget is None  # --all-claims lifts the budget


@pytest.mark.parametrize(("stages", "message"), [(["nlp", "bogus"], "unknown stage"), (["claims"], "requires")])
def test_a_stage_list_that_cannot_run_is_one_line_and_exit_2(tmp_path, stages, message):
    flags = [arg for name in stages for arg in ("--stage", name)]
    for command in (["analyze", str(EXAMPLE)], ["batch", str(EXAMPLE), "--out", str(tmp_path / "out")]):
        result = runner.invoke(app, [*command, *flags])
        assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output
        assert result.stderr.startswith("veracity: error: --stage:")


def test_analyze_runs_exactly_the_stages_given():
    result = runner.invoke(app, ["analyze", str(EXAMPLE), "--format", "json", "--stage", "nlp", "--stage", "summary"])
    assert result.exit_code == 0, result.output
    import json

    assert list(json.loads(result.stdout)["timings_ms"]) == ["ingest", "nlp", "summary"]


def test_serve_timeout_is_the_analysis_deadline(tmp_path, monkeypatch):
    settings = Settings(home=tmp_path / "h", timeout=42.0, max_mb=3.0)
    base = settings.base_options()
    assert (base.timeout, base.max_mb, base.claim_budget, base.home) == (42.0, 3.0, DEFAULT_BUDGET, tmp_path / "h")
    workers = create_app(settings, analyzer_factory=FakeAnalyzer, warm_up=False).state.workers
    assert workers.timeout == workers.base_options.timeout == 42.0
    # From the flag: `veracity serve --timeout 42` hands the app to uvicorn with that deadline in every analysis.
    served = []
    monkeypatch.setattr("veracity.web.server.serve", lambda web, **_: served.append(web))
    result = runner.invoke(app, ["serve", "--timeout", "42", "--home", str(tmp_path / "h2")])
    assert result.exit_code == 0, result.output
    assert served[0].state.workers.base_options.timeout == 42.0
    assert runner.invoke(app, ["serve", "--timeout", "0"]).exit_code == 2


@pytest.fixture
def encyclopedia():
    """A registered evidence source named "encyclopedia" (it finds nothing), unregistered afterwards."""
    from veracity.evidence import sources

    before = dict(sources._FACTORIES)
    sources.evidence_source("encyclopedia")(lambda options: None)
    yield
    sources._FACTORIES.clear()
    sources._FACTORIES.update(before)


def test_the_web_passes_the_new_request_fields_to_the_analysis(tmp_path, encyclopedia):
    with TestClient(create_app(Settings(home=tmp_path / "h", extra_hosts=("testserver",), timeout=30.0),
                               analyzer_factory=FakeAnalyzer, warm_up=False)) as client:  # fmt: skip
        body = {"text": "Officials said 200 soldiers stay.", "evidence_sources": ["encyclopedia"],
                "persuasion": True, "persuasion_tagger": "accurate", "verifier": "accurate",
                "stages": ["nlp", "attribution", "claims"]}  # fmt: skip
        job = client.post("/v1/analyze", json=body)
        assert job.status_code == 202, job.text
        workers = client.app.state.workers
        options = workers.options_for(workers.store.job(job.json()["id"]))
        assert (options.evidence_sources, options.persuasion_tagger, options.verifier, options.stages) == (
            ("encyclopedia",), "accurate", "accurate", ("nlp", "attribution", "claims"))  # fmt: skip
        assert options.timeout == 30.0 and options.claim_budget == DEFAULT_BUDGET  # the server's
        for bad in ({"persuasion_tagger": "accurate"}, {"stages": ["bogus"]}, {"claim_threshold": 1.5},
                    {"original_url": "http://"}, {"evidence_sources": ["nowhere"]}):  # fmt: skip
            refused = client.post("/v1/analyze", json={"text": "Officials said 200 soldiers stay.", **bad})
            assert refused.status_code == 422, bad


def test_the_upload_form_takes_the_same_options_with_the_same_bounds(tmp_path, encyclopedia):
    with TestClient(create_app(Settings(home=tmp_path / "h", extra_hosts=("testserver",)),
                               analyzer_factory=FakeAnalyzer, warm_up=False)) as client:  # fmt: skip
        file = {"file": ("a.txt", b"Officials said 200 soldiers stay.", "text/plain")}
        fields = {"evidence_sources": "encyclopedia", "persuasion": "true", "persuasion_tagger": "accurate",
                  "verifier": "accurate", "claim_threshold": "1", "claim_budget": "1000"}  # fmt: skip
        job = client.post("/v1/analyze/upload", files=file, data=fields)
        assert job.status_code == 202, job.text
        workers = client.app.state.workers
        options = workers.options_for(workers.store.job(job.json()["id"]))
        assert (options.evidence_sources, options.persuasion_tagger, options.verifier, options.claim_threshold,
                options.claim_budget) == (("encyclopedia",), "accurate", "accurate", 1.0, 1000.0)  # fmt: skip
        for bad in ({"claim_threshold": "1.01"}, {"claim_budget": "0.5"}, {"verifier": "huge"},
                    {"persuasion_tagger": "accurate"}, {"stages": "bogus"}, {"evidence_sources": "nowhere"}):
            refused = client.post("/v1/analyze/upload", files=file, data=bad)
            assert refused.status_code == 422, (bad, refused.text)


def test_the_forms_tagger_choice_reaches_the_analysis(tmp_path):
    with TestClient(create_app(Settings(home=tmp_path / "h", extra_hosts=("testserver",)),
                               analyzer_factory=FakeAnalyzer, warm_up=False)) as client:  # fmt: skip
        workers = client.app.state.workers
        for persuasion, expected in (("true", "accurate"), ("", "fast")):  # without the box the choice is moot
            data = {"text": "Officials said 200 soldiers stay.", "persuasion_tagger": "accurate"}
            sent = client.post("/analyze", data=data | ({"persuasion": persuasion} if persuasion else {}),
                               follow_redirects=False)  # fmt: skip
            assert sent.status_code == 303, sent.text
            job_id = sent.headers["location"].rstrip("/").rsplit("/", 1)[-1]
            assert workers.options_for(workers.store.job(job_id)).persuasion_tagger == expected
        refused = client.post("/analyze", data={"text": "x y", "persuasion": "true", "persuasion_tagger": "huge"})
        assert refused.status_code == 422 and "persuasion_tagger" in refused.text
