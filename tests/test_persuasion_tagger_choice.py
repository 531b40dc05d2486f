"""`--persuasion-tagger accurate`: the shipped MPNet-base tagger on request, the MiniLM one by default (issue 27).

No MPNet runs here: a stand-in records which tagger the stage asked for; the shipped cards are read, not run."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from veracity.cli import app
from veracity.errors import InputError
from veracity.options import PERSUASION_TAGGERS, AnalyzeOptions
from veracity.persuasion import predict, technique
from veracity.persuasion.spans import LabelledSpan
from veracity.pipeline import Analyzer
from veracity.runtime import models_dir

runner = CliRunner()
TEXT = "The corrupt elites lie to you. Vote now or lose everything forever."
MB = 1024 * 1024


class RecordingTagger:
    def __init__(self, kind: str, asked: list[str]) -> None:
        self.kind, self.asked = kind, asked

    def tag(self, text):
        self.asked.append(self.kind)
        return [LabelledSpan("", 4, 18, "Loaded_Language", 0.9)]


class KeepTechnique:
    def label_text(self, text, spans):
        return spans


@pytest.fixture
def asked(monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(predict, "get_tagger", lambda kind="fast": RecordingTagger(kind, asked))
    monkeypatch.setattr(technique, "get_technique_classifier", lambda: KeepTechnique())
    return asked


@pytest.mark.parametrize("kind", ["fast", "accurate"])
def test_the_options_choose_the_tagger_the_stage_runs(asked, kind):
    options = AnalyzeOptions(stages=("persuasion",), persuasion_tagger=kind)
    report = Analyzer(options=options)(text=TEXT)
    assert asked == [kind] and report.spans[0].text == "corrupt elites"


def test_the_default_is_the_fast_tagger(asked):
    Analyzer(options=AnalyzeOptions(stages=("persuasion",)))(text=TEXT)
    assert asked == ["fast"]


def test_an_unknown_tagger_or_one_without_the_persuasion_stage_is_a_clear_error():
    with pytest.raises(InputError, match="persuasion_tagger must be one of fast, accurate"):
        AnalyzeOptions(persuasion=True, persuasion_tagger="huge")
    with pytest.raises(InputError, match="add --persuasion"):
        AnalyzeOptions(persuasion_tagger="accurate")
    for args in (["analyze", "-"], ["batch", "--out", "unused"]):
        result = runner.invoke(app, [*args, "--persuasion-tagger", "accurate"], input=TEXT)
        assert result.exit_code == 2 and "add --persuasion" in result.stderr and "Traceback" not in result.output


def test_eval_takes_a_model_folder_or_a_shipped_tagger_not_both(tmp_path):
    for d in ("a", "si", "tc"):
        (tmp_path / d).mkdir()
    args = ["eval", "persuasion", "--articles", str(tmp_path / "a"), "--si-labels", str(tmp_path / "si"),
            "--tc-labels", str(tmp_path / "tc"), "--model-dir", str(tmp_path),
            "--persuasion-tagger", "accurate"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "give one of them" in result.stderr


def test_every_tagger_kind_is_shipped_with_its_card_and_tokenizer():
    assert set(predict.TAGGERS) == set(PERSUASION_TAGGERS)
    for name in predict.TAGGERS.values():
        card = json.loads((models_dir() / f"{name}.json").read_text(encoding="utf-8"))
        assert card["name"] == name and set(card["span_rule"]) == {"low", "high", "max_gap"}
        assert (models_dir() / f"{name}.onnx").is_file()
    accurate = predict.TAGGERS["accurate"]
    assert (models_dir() / f"{accurate}.tokenizer.json").is_file()  # MPNet's own vocabulary, not MiniLM's


def test_shipped_artifacts_are_small_but_one_opt_in_model():
    """DESIGN: every artifact <= 25 MB, at most one larger opt-in model <= 120 MB (the accurate tagger)."""
    sizes = {p.name: p.stat().st_size for p in models_dir().iterdir() if p.is_file()}
    large = {name for name, size in sizes.items() if size > 25 * MB}
    assert large == {f"{predict.TAGGERS['accurate']}.onnx"}
    assert max(sizes.values()) <= 120 * MB
