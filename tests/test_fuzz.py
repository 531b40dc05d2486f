"""Property test (Hypothesis): any input, however hostile, ends as a report or as one clear error, within
max(30 s, 10 s per MB), through ingest -> nlp -> attribution -> claims and the three renderers.

Derandomized (the same examples on every run) and bounded to well under 60 s; benchmarks/fuzz.py runs the same
shapes over 10,000 inputs.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fuzz_shapes import SHAPES, make
from veracity.errors import AnalysisTimeout, VeracityError
from veracity.nlp.bounds import MAX_SENTENCES
from veracity.render import render

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def budget_s(n_bytes: int) -> float:
    return max(30.0, 10.0 * n_bytes / 1_048_576)


@pytest.fixture(scope="module")
def analyzer():
    from veracity.options import AnalyzeOptions
    from veracity.pipeline import Analyzer

    analyzer = Analyzer(stages=["nlp", "attribution", "claims"], options=AnalyzeOptions(timeout=60))
    analyzer(text="The minister said the army grew. It sent 70 instructors in 2016.")  # models load outside timings
    return analyzer


def check_one(analyzer, data: bytes) -> str:
    """Analyse and render `data`; returns 'report' or 'error'. Anything but a VeracityError fails the test."""
    t0 = time.perf_counter()
    try:
        report = analyzer(data)
    except AnalysisTimeout:
        raise
    except VeracityError as exc:
        assert "\n" not in str(exc) and str(exc)
        outcome = "error"
    else:
        text = report.document.text
        assert len(report.sentences) <= MAX_SENTENCES
        for s in report.sentences:
            assert text[s.start : s.end] == s.text
            for span in [*s.entities, *s.quantities, *s.dates]:
                assert text[span.start : span.end] == span.text
        assert all(0 <= c.sentence_i < len(report.sentences) for c in report.claims)
        md = render(report, "md")
        assert not _CONTROLS.search(md.replace("\n", ""))
        assert "<script" not in md.lower()
        render(report, "html")
        render(report, "json")
        outcome = "report"
    seconds = time.perf_counter() - t0
    assert seconds < budget_s(len(data)), f"{seconds:.1f} s for {len(data):,} bytes"
    return outcome


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
@given(shape=st.sampled_from(sorted(SHAPES)), seed=st.integers(0, 2**16), size=st.integers(0, 20_000))
@example(shape="one_long_line", seed=1, size=1_000_000)
@example(shape="quote_run", seed=2, size=10_000)
@example(shape="reporting_verbs", seed=3, size=5_000 * 25)
@example(shape="attributes_one_tag", seed=4, size=100_000 * 20)
@example(shape="names", seed=5, size=200_000 * 14)
@example(shape="deep_nesting", seed=6, size=100_000 * 6)
def test_any_input_is_a_report_or_one_clear_error_in_time(analyzer, shape, seed, size):
    check_one(analyzer, make(shape, seed, size))
