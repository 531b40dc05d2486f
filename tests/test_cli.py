"""The CLI: exit codes, one-line errors for bad input, the formats, and the eval commands."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE, EXAMPLE_URL
from veracity.cli import app

runner = CliRunner()


def _bad_input(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"   \n\t \n  ", "only whitespace"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
        ("broken.txt", "Caf\u00e9 society ".encode() * 20 + b"\xff\xfe\xfa stray bytes", "not valid UTF-8"),
        ("tiny.txt", b"Hi.", "too little article text"),
    ],
)
def test_bad_file_exits_2_with_one_line(tmp_path, name, data, message):
    result = runner.invoke(app, ["analyze", _bad_input(tmp_path, name, data)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("veracity: error:")
    assert "Traceback" not in result.output


def test_a_50_mb_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    result = runner.invoke(app, ["analyze", str(path)])
    assert result.exit_code == 2 and "50.0 MB; the limit is 10 MB" in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/article",
        "http://10.0.0.1/article",
        "http://localhost:8000/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
    ],
)
def test_private_urls_are_refused(url):
    result = runner.invoke(app, ["analyze", url])
    assert result.exit_code == 2
    assert "refusing to fetch a private, loopback or link-local address" in result.stderr


def test_missing_file_and_bad_url_option():
    assert runner.invoke(app, ["analyze", "/no/such/article.txt"]).exit_code == 2
    result = runner.invoke(app, ["analyze", str(EXAMPLE), "--url", "globalresearch.ca"])
    assert result.exit_code == 2 and "--url must be an http(s) address" in result.stderr


def test_cp1252_text_is_decoded(tmp_path):
    body = ("The minister said on Tuesday that the “new” budget was balanced. " * 5).encode("cp1252")
    result = runner.invoke(app, ["analyze", _bad_input(tmp_path, "legacy.txt", body), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert "“new”" in json.loads(result.stdout)["document"]["text"]


def test_analyze_json_from_stdin(tmp_path):
    result = runner.invoke(app, ["analyze", "-", "--format", "json", "--url", EXAMPLE_URL], input=EXAMPLE.read_bytes())
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["source"]["label"] == "low" and report["source"]["score"] == 0.176


def test_analyze_writes_html_to_a_file(tmp_path):
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["analyze", str(EXAMPLE), "--format", "html", "--out", str(out)])
    assert result.exit_code == 0
    page = out.read_text()
    assert page.startswith("<!doctype html>") and "Michael Rouleau" in page


def test_version_and_schema():
    assert runner.invoke(app, ["--version"]).stdout.strip() == "veracity 0.1.0"
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    assert schema["title"] == "Report" and "claims" in schema["properties"]


def test_every_command_has_help():
    for args in (
        ["analyze"],
        ["batch"],
        ["schema"],
        ["eval", "checkworthiness"],
        ["eval", "attribution"],
        ["train", "checkworthiness"],
    ):
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0 and "Usage" in result.stdout


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys; from typer.testing import CliRunner; from veracity.cli import app; "
        "CliRunner().invoke(app, ['--help']); "
        "heavy = ('torch', 'spacy', 'onnxruntime', 'trafilatura', 'pydantic', 'numpy', 'jinja2'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_eval_checkworthiness_prints_f1_last(tmp_path):
    tsv = tmp_path / "tiny.tsv"
    tsv.write_text(
        "Sentence_id\tText\tclass_label\n"
        "1\tUnemployment fell to 3.5 percent last year, the lowest in fifty years.\tYes\n"
        "2\tWe spent $2 trillion on the war in Iraq.\tYes\n"
        "3\tThank you very much, it is great to be here tonight.\tNo\n"
        "4\tLet me finish my answer.\tNo\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["eval", "checkworthiness", "--data", str(tsv)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1].startswith("f1=") and "confusion: tp=" in result.stdout and "precision=" in result.stdout
    assert float(lines[-1].split("=")[1]) == 1.0  # four unambiguous sentences


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id\ttext\tlabel\n1\tx\tYes\n", "header must be"),
        ("Sentence_id\tText\tclass_label\n1\tA claim.\tMaybe\n", "class_label must be Yes or No"),
        ("Sentence_id\tText\tclass_label\n1\tA claim without a label\n", "expected 3 tab-separated columns"),
        ("Sentence_id\tText\tclass_label\n", "no rows after the header"),
    ],
)
def test_eval_checkworthiness_rejects_malformed_tsv(tmp_path, content, message):
    tsv = tmp_path / "bad.tsv"
    tsv.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["eval", "checkworthiness", "--data", str(tsv)])
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output
