"""The assessment's sentences read right for any count (issue 29: "1 check-worthy claims were found") and give no
command-line advice, since the web app shows them too."""

from __future__ import annotations

import pytest

from veracity.schema import Claim, Document, Report, Verdict
from veracity.summary import SummaryStage


def _report(n_claims: int, *, checked: int = 0, over: int | None = None) -> Report:
    claims = [Claim(id=f"c{k}", sentence_i=k, text=f"Claim {k}.", normalized="", checkworthiness=0.9, kind="other",
                    verdict=Verdict(label="refuted", confidence=0.9) if k < checked else None)
              for k in range(n_claims)]  # fmt: skip
    report = Report(document=Document(text="x"), claims=claims)
    report.summary.n_over_threshold = n_claims if over is None else over
    return SummaryStage()(report)


@pytest.mark.parametrize(("n", "expected"), [
    (1, "1 check-worthy claim was found; it was not checked against evidence"),
    (3, "3 check-worthy claims were found; none was checked against evidence"),
])  # fmt: skip
def test_unchecked_claims_are_counted_in_good_english_without_command_line_advice(n, expected):
    line = _report(n).summary.assessment[0]
    assert line.startswith(expected) and "--" not in line and "veracity " not in line


def test_checked_claims_and_the_sentences_beyond_the_budget_are_counted_in_good_english():
    assert _report(1, checked=1, over=2).summary.assessment[0] == (
        "Of 1 check-worthy claim checked against the evidence (the most check-worthy; 1 more sentence passes the "
        "threshold): 1 refuted.")  # fmt: skip
    assert "(the most check-worthy; 2 more sentences pass the threshold)" in \
        _report(2, checked=2, over=4).summary.assessment[0]
