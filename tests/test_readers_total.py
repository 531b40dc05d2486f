"""Every importer and eval reader is total: a malformed file is one `veracity: error:` line and exit 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from veracity.cli import app
from veracity.errors import DataFormatError
from veracity.evidence.factchecks import read_factchecks

runner = CliRunner()
GOOD_VCLAIM = {"vclaim_id": "v1", "vclaim": "Canada sent troops.", "title": "Troops?"}
DEEP = "[" * 100_000 + "]" * 100_000


def _vclaims(*rows: object) -> bytes:
    return "\n".join(json.dumps(r) for r in rows).encode()


FACTCHECK_FILES = {
    "vclaims not UTF-8": ("v.jsonl", _vclaims(GOOD_VCLAIM) + b'\n{"vclaim_id": "v2", "vclaim": "caf\xe9"}'),
    "vclaims integer claim": ("v.jsonl", _vclaims({"vclaim_id": "v1", "vclaim": 7}, GOOD_VCLAIM)),
    "vclaims list claim": ("v.jsonl", _vclaims(GOOD_VCLAIM, {"vclaim_id": "v2", "vclaim": ["a"]})),
    "vclaims a JSON list line": ("v.jsonl", _vclaims(GOOD_VCLAIM, [1, 2])),
    "vclaims duplicate id": ("v.jsonl", _vclaims(GOOD_VCLAIM, GOOD_VCLAIM)),
    "vclaims deep nesting": ("v.jsonl", _vclaims(GOOD_VCLAIM) + b"\n" + DEEP.encode()),
    "liar not UTF-8": ("l.tsv", b"1.json\ttrue\tThe sky is blue.\n2.json\tfalse\tSnow is hot \xff.\n"),
    "liar short row": ("l.tsv", b"1.json\ttrue\tThe sky is blue.\n2.json\tfalse\n"),
    "liar empty ids": ("l.tsv", b"\ttrue\tThe sky is blue.\n\tfalse\tSnow is hot.\n"),
    "liar field over 128 KB": ("l.tsv", b"1.json\ttrue\t" + b"x" * 200_000 + b"\n"),
    "claimreview deep nesting": ("c.json", DEEP.encode()),
    "claimreview not JSON": ("c.json", b'{"@type": "ClaimReview", "claimReviewed": '),
}


@pytest.mark.parametrize("case", FACTCHECK_FILES)
def test_malformed_factcheck_files_are_one_clear_line(tmp_path, case):
    name, data = FACTCHECK_FILES[case]
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(app, ["factchecks", "import", "fc", str(path), "--home", str(tmp_path / "home")])
    assert result.exit_code == 2, result.output
    assert "veracity: error:" in result.output and str(path) in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "rating", ["Mostly false", ["False"], {"ratingValue": 2, "bestRating": 5}, 3, None, {"name": {"x": 1}}]
)
def test_claimreview_ratings_of_any_shape_are_read(tmp_path, rating):
    item = {"@type": "ClaimReview", "claimReviewed": "Snow is hot.", "url": "https://f.example/1"}
    if rating is not None:
        item["reviewRating"] = rating
    path = tmp_path / "c.json"
    path.write_text(json.dumps(item), encoding="utf-8")
    (doc,) = read_factchecks(path)
    assert doc.claim == "Snow is hot." and (doc.rating is None or isinstance(doc.rating, str))


def test_two_liar_rows_with_one_id_are_refused_not_merged(tmp_path):
    path = tmp_path / "l.tsv"
    path.write_text("1.json\ttrue\tThe sky is blue.\n1.json\tfalse\tSnow is hot.\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="appears twice"):
        list(read_factchecks(path))


EVAL_FILES = {
    ("attribution", "--data"): [
        ("g.jsonl", b'{"text": "caf\xe9 said"}\n'),
        ("g.jsonl", b"[1, 2]\n"),
        ("g.jsonl", b'{"text": 5, "speaker": "x"}\n'),
        ("g.jsonl", b'{"text": "x said so", "speaker": "x", "anonymous": "yes"}\n'),
        ("g.jsonl", DEEP.encode()),
    ],
    ("claim-matching", "--queries"): [("q.tsv", b"q1\tcaf\xe9\n"), ("q.tsv", b"only-one-column\n")],
    ("checkworthiness", "--data"): [("c.tsv", b"Sentence_id\tText\tclass_label\n1\tcaf\xe9\tYes\n"), ("c.tsv", b"x\n")],
    ("verification", "--data"): [("v.jsonl", b'{"claim": "caf\xe9"}\n'), ("v.jsonl", b"[1]\n")],
    ("nli", "--data"): [("n.jsonl", b'{"premise": "caf\xe9"}\n'), ("n.jsonl", b"[1]\n")],
}
EVAL_CASES = [(cmd, opt, name, data) for (cmd, opt), files in EVAL_FILES.items() for name, data in files]


@pytest.mark.parametrize(("command", "option", "name", "data"), EVAL_CASES)
def test_malformed_eval_data_is_one_clear_line(tmp_path, command, option, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    args = ["eval", command, option, str(path)]
    if command == "claim-matching":
        good = tmp_path / "vclaims.jsonl"
        good.write_bytes(_vclaims(GOOD_VCLAIM))
        qrels = tmp_path / "qrels.tsv"
        qrels.write_text("q1 0 v1 1\n", encoding="utf-8")
        args += ["--vclaims", str(good), "--qrels", str(qrels)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.output, result.exception)
    assert "veracity: error:" in result.output and "Traceback" not in result.output


def test_an_unwritable_predictions_folder_is_refused_before_any_work(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = runner.invoke(
        app,
        ["eval", "persuasion", "--articles", str(tmp_path), "--si-labels", str(tmp_path), "--tc-labels",
         str(tmp_path), "--predictions-out", str(blocker / "sub")],
    )  # fmt: skip
    assert result.exit_code == 2 and "cannot write predictions" in result.output
