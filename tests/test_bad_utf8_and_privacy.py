"""Issue 28's smaller findings: bad UTF-8 is refused as README says (not read as Latin-1), and onnxruntime leaves
nothing under ~/.cache/Microsoft/DeveloperTools."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veracity.cli import app
from veracity.errors import InputError
from veracity.ingest.decode import decode_bytes

ROOT = Path(__file__).resolve().parents[1]
LEAD = b"The minister said on Monday that the army sent 70 instructors to the region. "


@pytest.mark.parametrize(
    "bad",
    [b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf8\xa1\xa1\xa1\xa1", b"\xff\xfe"],
    ids=["overlong 2", "overlong 3", "surrogate", "past U+10FFFF", "5-byte form", "stray BOM"],
)
def test_utf8_shaped_garbage_is_refused_not_read_as_latin1(bad):
    with pytest.raises(InputError, match="not valid UTF-8"):
        decode_bytes(LEAD + bad + b" and more text.")


@pytest.mark.parametrize("declared", [b'<meta charset="utf-8">', b'<meta http-equiv="Content-Type" '
                                      b'content="text/html; charset=UTF-8">'])  # fmt: skip
def test_a_page_declaring_utf8_with_bad_bytes_is_refused(declared):
    with pytest.raises(InputError, match="declares UTF-8 but is not valid UTF-8"):
        decode_bytes(declared + b"<p>" + LEAD + b"caf\xe9 society</p>")
    with pytest.raises(InputError, match="declares UTF-8"):
        decode_bytes(LEAD + b"caf\xe9", declared="utf-8")  # a charset from the HTTP header


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Na\u00efve caf\u00e9 owners said \u201cno\u201d.".encode("cp1252"), "Na\u00efve caf\u00e9"),
        ('<meta charset="iso-8859-1"><p>caf\xe9</p>'.encode("latin-1"), "caf\u00e9"),
        (("Президент України заявив, що уряд збільшить фінансування армії наступного року. " * 5).encode("cp1251"),
         "Президент України"),
        (LEAD + "Malm\u00f6\u201d".encode("cp1252"), "Malm\u00f6\u201d"),
    ],
)  # fmt: skip
def test_legacy_8bit_text_is_still_read(data, expected):
    assert expected in decode_bytes(data)


def test_the_cli_exits_2_on_corrupted_utf8(tmp_path):
    article = tmp_path / "a.txt"
    article.write_bytes(LEAD * 3 + b"\xed\xa0\x80")
    result = CliRunner().invoke(app, ["analyze", str(article)])
    assert result.exit_code == 2 and "not valid UTF-8" in result.output


def test_onnxruntime_writes_no_device_id_or_telemetry(tmp_path):
    script = "from veracity.runtime import model_path, onnx_session; onnx_session(model_path('minilm-l6-int8.onnx'))"
    env = {k: v for k, v in os.environ.items() if k not in ("ORT_DISABLE_TELEMETRY", "XDG_CACHE_HOME")}
    env |= {"HOME": str(tmp_path), "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.rglob("*")), list(tmp_path.rglob("*"))
