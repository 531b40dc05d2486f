"""A report's claims as CSV: one row per claim, in reading order, numbered as in every other format.

Cells that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return) get a
leading apostrophe: an article's text must not become a live formula in the fact-checker's spreadsheet.
"""

from __future__ import annotations

import csv
import io

from veracity.render.view import claim_numbers, verdict_words
from veracity.schema import Report

COLUMNS = ("number", "sentence", "claim", "checkworthiness", "kind", "speaker", "verdict", "verdict_in_words",
           "tentative", "confidence", "decider", "reasons", "evidence_passages", "factchecks")  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def claims_csv(report: Report) -> str:
    numbers = claim_numbers(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for claim in sorted(report.claims, key=lambda c: numbers[c.id]):
        v = claim.verdict
        checks = "; ".join(
            " ".join(x for x in (f.rating and f"rated {f.rating}", f.publisher and f"by {f.publisher}", f.url) if x)
            or f.claim
            for f in claim.factchecks
        )
        writer.writerow(_cell(x) for x in (
            numbers[claim.id], claim.sentence_i + 1, claim.text, f"{claim.checkworthiness:.4f}", claim.kind,
            claim.speaker or "", v.label if v else "", verdict_words(v) if v else "not checked",
            str(bool(v and v.tentative)).lower(), f"{v.confidence:.4f}" if v else "", v.decider if v else "",
            " | ".join(v.reasons) if v else "", len(claim.evidence), checks,
        ))  # fmt: skip
    return out.getvalue()


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
