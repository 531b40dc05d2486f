"""The optional LLM: the client against a fake OpenAI-compatible server on 127.0.0.1 (canned, malformed, slow and
erroring replies), its cache, and decomposition, questions and verdicts flowing into the report."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from llmfake import QUESTION, FakeLLM, canned, claim_of, schema_name
from veracity.cli import app
from veracity.errors import InputError
from veracity.llm import LLMClient, LLMConfig, LLMFailure
from veracity.options import AnalyzeOptions
from veracity.verify.judge import Item, judge_part

runner = CliRunner()


def client(server: FakeLLM, tmp_path=None, **kw) -> LLMClient:
    return LLMClient(LLMConfig(url=server.url, model="fake-model", cache_dir=tmp_path, **kw))


ITEMS = [Item("S1", "The troops will not withdraw from Iraq this year."), Item("S2", "Snow fell in Ottawa.")]
CLAIM = "Canada will withdraw its troops from Iraq this year."


def test_a_verdict_cites_only_the_ids_it_was_given_and_speaks_the_protocol():
    with FakeLLM(canned) as server:
        got = judge_part(LLMClient(LLMConfig(url=server.url, model="fake-model", api_key="k3y")), CLAIM, ITEMS)
    assert (got.label, got.cited, got.given) == ("refuted", ["S1"], ["S1", "S2"])
    assert got.rationale == "S1 denies it." and got.confidence == 0.8
    (request,) = server.requests
    assert request["path"] == "/v1/chat/completions" and request["model"] == "fake-model"
    assert request["auth"] == "Bearer k3y" and request["temperature"] == 0
    schema = request["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["label"]["enum"] == ["supported", "refuted", "disputed", "not_enough_evidence"]
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize(
    ("reply", "fault"),
    [
        ('{"label": "refuted", "evidence": ["S9"], "rationale": "S9 says so.", "confidence": 0.9}', "were not given"),
        ('{"label": "supported", "evidence": [], "rationale": "True.", "confidence": 0.9}', "must cite"),
        ('{"label": "false", "evidence": ["S1"], "rationale": "No.", "confidence": 0.9}', "label"),
        ("I think the claim is false.", "no JSON object"),
    ],
)
def test_an_invalid_reply_gets_one_retry_naming_its_fault_then_fails(reply, fault):
    with FakeLLM(lambda body: reply) as server, pytest.raises(LLMFailure, match="invalid answer twice") as err:
        judge_part(client(server), CLAIM, ITEMS)
    assert fault in str(err.value) and len(server.requests) == 2
    retry = server.requests[1]["messages"]
    assert retry[-2] == {"role": "assistant", "content": reply} and fault in retry[-1]["content"]


@pytest.mark.parametrize(
    "shape",
    ["{reply}", "```json\n{reply}\n```", "<think>Is {{it}} true? S1 says not.</think>\n{reply}", "Here: {reply}"],
)
def test_replies_in_the_shapes_local_servers_give_are_read(shape):
    reply = '{"label": "refuted", "evidence": ["S1"], "rationale": "S1 denies it.", "confidence": 0.8}'
    with FakeLLM(lambda body: shape.format(reply=reply)) as server:
        assert judge_part(client(server), CLAIM, ITEMS).label == "refuted"


def test_a_retry_that_answers_validly_is_taken():
    replies = iter(['{"label": "refuted", "evidence": ["S7"], "rationale": "x", "confidence": 1}'])
    with FakeLLM(lambda body: next(replies, None) or canned(body)) as server:
        got = judge_part(client(server), CLAIM, ITEMS)
    assert got.label == "refuted" and got.cited == ["S1"] and len(server.requests) == 2


def test_slow_erroring_and_broken_servers_end_in_llmfailure_quickly():
    with FakeLLM(canned, delay=3.0) as server:
        t0 = time.monotonic()
        with pytest.raises(LLMFailure, match=r"no answer within 1 s"):
            judge_part(client(server, timeout=1.0), CLAIM, ITEMS)
        assert time.monotonic() - t0 < 2.5
    error = (500, json.dumps({"error": {"message": "model not loaded"}}).encode())
    with FakeLLM(lambda body: error) as server, pytest.raises(LLMFailure, match="HTTP 500 .*model not loaded"):
        judge_part(client(server), CLAIM, ITEMS)
    assert len(server.requests) == 1  # an HTTP error is not retried: the local verifier decides at once
    with FakeLLM(lambda body: (200, b"<html>proxy login</html>")) as server, pytest.raises(LLMFailure):
        judge_part(client(server), CLAIM, ITEMS)
    with FakeLLM(lambda body: (307, b"")) as server, pytest.raises(LLMFailure, match="redirect not followed"):
        judge_part(client(server), CLAIM, ITEMS)
    with pytest.raises(LLMFailure, match="cannot reach"):
        judge_part(LLMClient(LLMConfig(url="http://127.0.0.1:9/v1", model="m")), CLAIM, ITEMS)


def test_a_server_without_json_schema_output_is_asked_plainly_from_then_on():
    refusal = (400, b'{"error": {"code": 400, "message": "response_format type json_schema is not supported"}}')
    with FakeLLM(lambda body: refusal if "response_format" in body else canned(body)) as server:
        llm = client(server)
        assert judge_part(llm, CLAIM, ITEMS).label == "refuted" and judge_part(llm, CLAIM, ITEMS[1:]).cited == []
    assert ["response_format" in r for r in server.requests] == [True, False, False]


def test_the_cache_answers_a_repeated_question_without_a_request(tmp_path):
    with FakeLLM(canned) as server:
        first = judge_part(client(server, tmp_path), CLAIM, ITEMS)
        usage = client(server).new_usage()
        again = judge_part(client(server, tmp_path, api_key="another"), CLAIM, ITEMS, usage=usage)
    assert again == first and len(server.requests) == 1 and (usage.cached, usage.requests) == (1, 0)
    with FakeLLM(canned) as server:  # another model is another key
        judge_part(LLMClient(LLMConfig(url=server.url, model="other", cache_dir=tmp_path)), CLAIM, ITEMS)
    assert len(server.requests) == 1


def test_llm_options_are_checked_and_the_key_is_never_shown():
    options = AnalyzeOptions(llm_url="http://127.0.0.1:8080/v1", llm_model="m", llm_api_key="s3cret", llm_cache=False)
    assert "s3cret" not in repr(options) and "s3cret" not in repr(options.llm)
    assert options.llm.endpoint == "http://127.0.0.1:8080/v1/chat/completions" and AnalyzeOptions().llm is None
    for bad in ({"llm_url": "http://127.0.0.1:8080/v1"}, {"llm_model": "m"},
                {"llm_url": "file:///etc/passwd", "llm_model": "m"},
                {"llm_url": "http://x/v1", "llm_model": "m", "llm_uses": ("judge",)},
                {"llm_url": "http://x/v1", "llm_model": "m", "llm_timeout": 0}):  # fmt: skip
        with pytest.raises(InputError):
            AnalyzeOptions(**bad)


def test_the_evidence_search_adds_the_llms_questions_and_fuses_the_lists():
    from types import SimpleNamespace

    from veracity.evidence.collection_sources import _queries, _search
    from veracity.schema import Claim, Decomposition

    claim = Claim(id="c", sentence_i=0, text="He said the dam is safe.", normalized="", checkworthiness=0.9,
                  kind="other", decomposition=Decomposition(standalone="Mosul dam is safe.", questions=[QUESTION],
                                                            decider="llm:m"))  # fmt: skip
    plain = claim.model_copy(update={"decomposition": None})
    hit = lambda i: SimpleNamespace(collection="c", passage_id=i)  # noqa: E731
    asked = []

    class Searcher:
        def search_many(self, queries, collections, k):
            asked.extend(queries)
            return [[hit(1), hit(2)] if q == claim.text else [hit(3), hit(2)] for q in queries]

    found = _search(Searcher(), [_queries(claim, questions=True), _queries(plain, questions=True)], ["c"], 3)
    assert asked == [claim.text, "Mosul dam is safe.", QUESTION, claim.text]
    assert [h.passage_id for h in found[0]] == [2, 3, 1]  # 2 is found by every query; 3 only by the questions
    assert [h.passage_id for h in found[1]] == [1, 2]
    assert _queries(claim, questions=False) == [claim.text, "Mosul dam is safe."]


# --- the whole flow ----------------------------------------------------------------------------------------------

ARTICLE = (
    "Defence minister Jane Doe spoke in Ottawa on Monday about the mission.\n\n"
    "Canada will withdraw all of its special forces troops from Iraq this year, she said. "
    "She added that the mission had cost 500 million dollars so far."
)
EVIDENCE = (
    "Canada extends its mission in Iraq.\n\nThe Canadian government said on Tuesday it would extend its military "
    "mission in Iraq until 2019. The special forces troops will not withdraw from Iraq this year, officials said.\n"
)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    from veracity.evidence.collections import add_documents
    from veracity.evidence.store import Store

    root = tmp_path_factory.mktemp("llm")
    (root / "docs").mkdir()
    (root / "docs" / "iraq.txt").write_text(EVIDENCE, encoding="utf-8")
    add_documents(Store(root / "home"), "iraq", [root / "docs"])
    return root / "home"


def options(home, url: str | None, **kw) -> AnalyzeOptions:
    llm = {"llm_url": url, "llm_model": "fake-model"} if url else {}
    return AnalyzeOptions(corpora=["iraq"], home=home, claim_threshold=0.0, **llm, **kw)


def test_decomposition_questions_and_verdicts_flow_into_the_report_and_a_rerun_sends_nothing(home, monkeypatch):
    from veracity import Analyzer, analyze
    from veracity.render import Format, render

    monkeypatch.delenv("VERACITY_DB_URL", raising=False)
    with FakeLLM(canned) as server:
        analyzer = Analyzer(options=options(home, server.url))
        assert analyzer.stage_names[3:6] == ["decompose", "evidence", "verdict"]
        report = analyzer(text=ARTICLE)
        sent = len(server.requests)
        withdraw = next(c for c in report.claims if "withdraw" in c.text)
        assert withdraw.decomposition.questions == [QUESTION] and withdraw.decomposition.decider == "llm:fake-model"
        v = withdraw.verdict
        assert (v.label, v.decider, v.rationale) == ("refuted", "llm:fake-model", "passage 1 denies it.")  # was S2
        assert v.cited == ["passage 1"] and [s.role for s in v.sentences][0] == "decisive"
        assert "will not withdraw" in v.sentences[0].text and v.subclaims[0].label == "refuted"
        assert v.reasons[-1].startswith("the local verifier alone: ")
        asked = next(r for r in server.requests if schema_name(r) == "Decomposed" and "withdraw" in claim_of(r))
        assert "Defence minister Jane Doe spoke in Ottawa" in asked["messages"][1]["content"]  # the context to resolve
        standalone = withdraw.decomposition.standalone
        assert standalone.endswith("Defence minister Jane Doe said.") and withdraw.decomposition.subclaims == [
            standalone
        ]
        judged = [r for r in server.requests if schema_name(r) == "Judgement"]  # the LLM's parts, not the raw claims
        # every claim with evidence is judged, even one whose sentences the relatedness gate kept from the verifier
        assert {claim_of(r) for r in judged} == {c.decomposition.subclaims[0] for c in report.claims if c.evidence}
        assert report.llm.requests == sent and report.llm.prompt_tokens > 0 and report.llm.failed == 0
        markdown, page = render(report, Format.md), render(report, Format.html)
        assert "llm:fake-model" in markdown and "llm:fake-model" in page
        assert "passage 1 denies it. (passage 1)" in markdown
        assert f"Also searched for (LLM): {QUESTION}" in markdown and "**LLM:** fake-model: " in markdown
        assert f"Checked as (LLM): {standalone}" in markdown

        again = analyze(text=ARTICLE, analyzer=analyzer)
        assert len(server.requests) == sent  # every answer came from the cache
        assert again.llm.cached == sent and again.llm.requests == 0
        assert [c.verdict.label for c in again.claims] == [c.verdict.label for c in report.claims]


@pytest.mark.parametrize(
    ("uses", "stages", "asked"),
    [(("verdict",), ["evidence", "verdict"], {"Judgement"}),
     (("questions",), ["decompose", "evidence", "verdict"], {"Questions"}),
     (("decompose", "verdict"), ["decompose", "evidence", "verdict"], {"Decomposed", "Judgement"})],
)  # fmt: skip
def test_each_use_is_switchable(home, monkeypatch, uses, stages, asked):
    from veracity import Analyzer

    monkeypatch.delenv("VERACITY_DB_URL", raising=False)
    with FakeLLM(canned) as server:
        analyzer = Analyzer(options=options(home, server.url, llm_uses=uses, llm_cache=False))
        report = analyzer(text=ARTICLE)
    assert analyzer.stage_names[3:-2] == stages and {schema_name(r) for r in server.requests} == asked
    claim = next(c for c in report.claims if "withdraw" in c.text)
    plan = claim.decomposition
    assert (claim.verdict.decider == "llm:fake-model") == ("verdict" in uses)
    assert plan is None if "decompose" not in uses and "questions" not in uses else plan is not None
    if plan is not None:
        assert bool(plan.questions) == ("questions" in uses) and bool(plan.subclaims) == ("decompose" in uses)
    prompts = [r["messages"][1]["content"] for r in server.requests if schema_name(r) == "Decomposed"]
    assert all('Leave every "questions" list empty' in p for p in prompts)  # questions off: not asked for


def test_a_claim_split_into_facts_is_refuted_when_one_fact_is(home, monkeypatch):
    from veracity import analyze
    from veracity.verify.judge import PartJudgement, combine

    def part(label: str, confidence: float) -> PartJudgement:
        return PartJudgement("x", label, confidence, ["S1"], ["S1"], "why")

    assert (combine([part("supported", 0.9), part("refuted", 0.6)]).label, combine([part("supported", 0.9),
            part("not_enough_evidence", 0.7)]).label) == ("refuted", "not_enough_evidence")  # fmt: skip
    assert combine([part("supported", 0.9), part("supported", 0.6)]).confidence == 0.6

    monkeypatch.delenv("VERACITY_DB_URL", raising=False)
    facts = ["Canada will withdraw its special forces troops from Iraq this year.",
             "Canada has a military mission in Iraq."]  # fmt: skip

    def respond(body):
        if schema_name(body) == "Decomposed":
            parts = [{"text": f, "questions": []} for f in facts]
            return json.dumps({"standalone": claim_of(body), "subclaims": parts})
        return canned(body)

    with FakeLLM(respond) as server:
        report = analyze(text=ARTICLE, options=options(home, server.url, llm_cache=False))
    v = next(c for c in report.claims if "withdraw" in c.text).verdict
    assert v.label == "refuted" and [(p.text, p.role, p.label) for p in v.subclaims] == [
        (facts[0], "part", "refuted"), (facts[1], "part", "supported")]  # fmt: skip
    assert v.reasons[0].startswith(f"part “{facts[0]}” is refuted: passage 1 denies it.")
    assert all(v.sentences[k].role == "decisive" for p in v.subclaims for k in p.sentences)


def test_what_the_llm_says_is_escaped_in_the_html_report(home, monkeypatch):
    from veracity import analyze
    from veracity.render import Format, render

    monkeypatch.delenv("VERACITY_DB_URL", raising=False)
    evil = "<script>alert(1)</script>"

    def respond(body):
        answer = json.loads(canned(body))
        if schema_name(body) == "Decomposed":
            answer["standalone"] += evil
        else:
            answer["rationale"] += evil
        return json.dumps(answer)

    with FakeLLM(respond) as server:
        report = analyze(text=ARTICLE, options=options(home, server.url, llm_cache=False))
    page = render(report, Format.html)
    assert evil in render(report, Format.json) and "<script>alert" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("mode", ["slow", "error", "malformed"])
def test_when_the_llm_fails_the_local_verifier_decides_and_the_report_says_so(home, monkeypatch, mode):
    from veracity import analyze

    monkeypatch.delenv("VERACITY_DB_URL", raising=False)
    respond = {"slow": canned, "error": lambda body: (503, b'{"error": "busy"}'), "malformed": lambda body: "{"}[mode]
    with FakeLLM(respond, delay=2.0 if mode == "slow" else 0.0) as server:
        report = analyze(text=ARTICLE, options=options(home, server.url, llm_timeout=0.5, llm_cache=False))
        assert server.requests
    verdicts = [c.verdict for c in report.claims if c.verdict.examined]
    assert verdicts and all(v.decider == "local" for v in verdicts)
    assert all(v.reasons[0].startswith("the LLM (fake-model) did not decide: ") for v in verdicts)
    assert all(c.decomposition is None for c in report.claims)
    assert any("fell back to the local verifier" in w for w in report.warnings)
    assert report.llm.failed >= len(verdicts)


def test_the_analysis_deadline_bounds_every_llm_request(home, monkeypatch):
    from veracity import analyze

    monkeypatch.delenv("VERACITY_DB_URL", raising=False)
    with FakeLLM(canned, delay=60.0) as server:
        t0 = time.monotonic()
        report = analyze(text=ARTICLE, options=options(home, server.url, timeout=15, llm_timeout=600, llm_cache=False))
        elapsed = time.monotonic() - t0
    assert elapsed < 15 and server.requests  # it asked, waited until 5 s before the deadline, and finished locally
    assert all(c.verdict.decider == "local" for c in report.claims)


def test_nothing_is_sent_when_no_llm_is_configured(home, monkeypatch):
    from veracity import Analyzer

    monkeypatch.delenv("VERACITY_DB_URL", raising=False)
    for name in ("VERACITY_LLM_URL", "VERACITY_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)

    def refuse(*args, **kwargs):
        raise AssertionError("an HTTP request was made without an LLM configured")

    monkeypatch.setattr(httpx.Client, "send", refuse)
    with FakeLLM(canned) as server:
        analyzer = Analyzer(options=options(home, None))
        report = analyzer(text=ARTICLE)
        result = runner.invoke(app, ["analyze", "-", "--corpus", "iraq", "--home", str(home), "-f", "json"],
                               input=ARTICLE)  # fmt: skip
    assert server.requests == [] and "decompose" not in analyzer.stage_names
    assert report.llm is None and all(c.verdict.decider == "local" for c in report.claims)
    assert result.exit_code == 0 and json.loads(result.stdout)["llm"] is None


def test_eval_verification_with_an_llm_prints_its_cost_and_headline_last(tmp_path):
    data = str(Path(__file__).parent / "data/verification/climate-fever.jsonl")
    with FakeLLM(canned) as server:
        result = runner.invoke(app, ["eval", "verification", "--data", data, "--llm-url", server.url,
                                     "--llm-model", "fake-model", "--home", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "llm=fake-model decided" in result.stdout and result.stdout.strip().splitlines()[-1].startswith("macro_f1=")
    assert {schema_name(r) for r in server.requests} == {"Decomposed", "Judgement"}
