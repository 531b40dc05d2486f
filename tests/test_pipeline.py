from __future__ import annotations

import pytest

from veracity.errors import StageError
from veracity.pipeline import Analyzer, stage
from veracity.registry import check_pipeline
from veracity.schema import Document, Report


class _Broken:
    name = "broken"
    requires = frozenset({"document"})
    assigns = frozenset()

    def __call__(self, report: Report) -> Report:
        raise RuntimeError("boom")


def test_registering_a_different_factory_under_a_taken_name_fails():
    Analyzer(["source"])  # registers built-ins
    with pytest.raises(ValueError, match="already registered"):
        stage("summary")(_Broken)


def test_order_is_checked_when_built():
    with pytest.raises(ValueError, match="requires"):
        Analyzer(["claims", "nlp"])
    with pytest.raises(ValueError, match="unknown stage"):
        Analyzer(["nlp", "nonsense"])
    check_pipeline([_Broken()])


def test_stage_failures_name_the_stage():
    stage("broken")(_Broken)
    with pytest.raises(StageError, match="stage 'broken' failed: RuntimeError: boom"):
        Analyzer(["broken"])(Document(text="Some text."))


def test_non_english_input_warns(analyzer):
    report = analyzer(Document(text="Das ist ein Artikel.", language="de"))
    assert any("'de'" in w for w in report.warnings)
    assert set(report.timings_ms) == {"nlp", "attribution", "claims", "source", "summary"}
