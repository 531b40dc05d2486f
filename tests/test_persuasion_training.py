"""The persuasion training helpers that run without PyTorch: self-training data and selection cards."""

from __future__ import annotations

import json

import numpy as np
import pytest

from veracity.errors import DataFormatError


def test_silver_units_carry_the_taggers_probabilities_and_no_techniques(tmp_path):
    from veracity.lab.persuasion.train import silver_units

    (tmp_path / "a.txt").write_text("The corrupt elites are destroying our nation.\n\nRain is expected on Monday.\n")
    (tmp_path / "bad.txt").write_bytes("café".encode() + b" and \xff broken")
    logged: list[str] = []
    units, labels = silver_units([tmp_path], max_tokens=128, log=logged.append)
    assert len(units) == len(labels) >= 2
    for unit, y in zip(units, labels, strict=True):
        assert y.shape == (len(unit.ids), 15) and not y[:, 1:].any()
        assert y[:, 0].min() >= 0 and y[:, 0].max() <= 1
        assert y[0, 0] == 0 and y[-1, 0] == 0  # [CLS] and [SEP]
    assert any("self-training" in line for line in logged)
    assert any(line.startswith("skipped") and "bad.txt" in line for line in logged)  # the rest go on


def test_selection_card_is_checked(tmp_path):
    from veracity.lab.persuasion.train import read_selection_card

    with pytest.raises(DataFormatError, match="not a readable model card"):
        read_selection_card(tmp_path / "missing.json")
    (tmp_path / "refit.json").write_text(json.dumps({"config": {}, "history": [{"epoch": 6}]}))
    with pytest.raises(DataFormatError, match="not the card of a selection run"):
        read_selection_card(tmp_path / "refit.json")
    from importlib import resources

    shipped = resources.files("veracity.models").joinpath("persuasion-minilm-tagger.json")
    card = read_selection_card(shipped)
    assert card["best_epoch"] >= 1 and np.isfinite(card["validation_si_f1_int8"])
