"""Stage contracts: `requires`/`assigns` name real Report paths, and a pipeline checks them when it is built."""

from __future__ import annotations

import pytest

from veracity.errors import ContractError
from veracity.pipeline import Analyzer, register_builtin_stages
from veracity.registry import check_contract, check_pipeline, registered, stage
from veracity.schema import Report


def _stage(name, requires=(), assigns=()):
    cls = type(name.title(), (), {"name": name, "requires": frozenset(requires), "assigns": frozenset(assigns),
                                  "__call__": lambda self, report: report})  # fmt: skip
    return cls


@pytest.mark.parametrize(
    "path",
    [
        "sentences",
        "sentences[].attribution",
        "claims[].verdict",
        "summary.verdict_counts",
        "source",
        "document.domain",
        "claims[].verdict.sentences[].role",
    ],  # fmt: skip
)
def test_real_report_paths_pass(path):
    check_contract("x", {path}, set())


@pytest.mark.parametrize(
    "path, message",
    [
        ("verdicts", "Report has no field 'verdicts'"),
        ("sentences.attribution", "'attribution' is not inside a model"),
        ("source[].domain", "'source' is not a list"),
        ("claims[].verdict.colour", "Verdict has no field 'colour'"),
    ],
)
def test_paths_that_name_no_report_field_fail(path, message):
    with pytest.raises(ContractError, match=message):
        check_contract("x", set(), {path})


def test_a_string_instead_of_a_set_of_paths_fails():
    with pytest.raises(ContractError, match="must be a set"):
        check_contract("x", "claims", set())


def test_registering_a_stage_with_a_wrong_path_fails_at_once():
    with pytest.raises(ContractError, match="stage 'bad' assigns 'verdicts'"):
        stage("bad")(_stage("bad", assigns={"verdicts"}))
    assert "bad" not in registered()


def test_every_builtin_stage_names_real_paths():
    register_builtin_stages()
    for name, factory in registered().items():
        check_contract(name, factory.requires, factory.assigns)


def test_a_pipeline_missing_a_prerequisite_fails_when_built_with_a_clear_error():
    with pytest.raises(ContractError) as err:
        Analyzer(["nlp", "claims", "summary"])  # no attribution: claims would silently get speaker=None
    assert str(err.value).startswith("stage 'claims' requires ['sentences[].attribution'], which no earlier stage")
    with pytest.raises(ContractError, match="stage 'verdict' requires"):
        Analyzer(["nlp", "attribution", "claims", "verdict"])
    with pytest.raises(ContractError, match="stage 'claims' requires"):
        Analyzer(["claims", "nlp"])


def test_a_parent_path_does_not_stand_for_its_parts_but_the_document_is_there_from_the_start():
    nlp, attr = _stage("n", {"document.text"}, {"sentences"}), _stage("a", {"sentences[].attribution"}, set())
    with pytest.raises(ContractError, match="requires \\['sentences\\[\\].attribution'\\]"):
        check_pipeline([nlp(), attr()])
    assert "sentences" in check_pipeline([nlp()])


def test_stages_write_only_what_they_assign(analyzer):
    """Run the default pipeline stage by stage and diff the report: every change lies under a declared path."""
    from conftest import EXAMPLE
    from veracity.ingest import load_source

    report = Report(document=load_source(EXAMPLE))
    report.cache["assigned"] = set()
    for s in analyzer.stages:
        before = report.model_dump(exclude={"timings_ms", "warnings"})
        report = s(report)
        after = report.model_dump(exclude={"timings_ms", "warnings"})
        changed = _changed_paths(before, after)
        assert all(any(c == a or c.startswith((a + ".", a + "[]")) for a in s.assigns) for c in changed), (
            s.name,
            changed - s.assigns,
        )
        report.cache["assigned"] |= s.assigns


def _changed_paths(before, after, prefix="") -> set[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        out: set[str] = set()
        for k in before.keys() | after.keys():
            out |= _changed_paths(before.get(k), after.get(k), f"{prefix}.{k}" if prefix else k)
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after) and before:
        out = set()
        for b, a in zip(before, after, strict=True):
            out |= _changed_paths(b, a, prefix + "[]")
        return out
    return set() if before == after else {prefix}
