"""The teacher's material: MPNet assembled from its pinned parts (hash-checked) and the honest-pair generators."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from veracity.errors import ModelUnavailable
from veracity.lab.training_mpnet import FOLDER, assemble
from veracity.lab.verify.paraphrase import (
    generate_honest_pairs,
    hedge_edits,
    numeral_edits,
    off_topic_pairs,
    period_edits,
    place_edits,
    synonym_edits,
)
from veracity.nlp import get_spacy


def _pieces(tmp_path, weights: bytes, n: int = 3):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(f"{FOLDER}/model.safetensors", weights)
        z.writestr(f"{FOLDER}/tokenizer.json", "{}")
        z.writestr(f"{FOLDER}/1_Pooling/config.json", "{}")
    blob = buf.getvalue()
    size = -(-len(blob) // n)
    paths = []
    for k in range(n):
        p = tmp_path / f"piece.zip.{k + 1:03d}"
        p.write_bytes(blob[k * size : (k + 1) * size])
        paths.append(p)
    return paths


def test_parts_assemble_into_the_model_folder_once(tmp_path):
    weights = b"weights" * 1000
    pieces = _pieces(tmp_path, weights)
    folder = assemble(pieces, tmp_path / "out", hashlib.sha256(weights).hexdigest())
    assert (folder / "model.safetensors").read_bytes() == weights
    assert (folder / "1_Pooling/config.json").is_file()
    before = (folder / "model.safetensors").stat().st_mtime_ns
    assert assemble(pieces, tmp_path / "out", hashlib.sha256(weights).hexdigest()) == folder  # verified: reused
    assert (folder / "model.safetensors").stat().st_mtime_ns == before


def test_a_hash_mismatch_is_a_clear_error_and_leaves_no_folder(tmp_path):
    pieces = _pieces(tmp_path, b"tampered weights")
    with pytest.raises(ModelUnavailable, match="sha256 .* does not match the pinned"):
        assemble(pieces, tmp_path / "out", "0" * 64)
    assert not (tmp_path / "out" / FOLDER).exists()


def test_parts_out_of_order_are_refused(tmp_path):
    pieces = _pieces(tmp_path, b"w" * 5000)
    with pytest.raises(ModelUnavailable, match="do not form a zip"):
        assemble(pieces[::-1], tmp_path / "out", "0" * 64)


def _sent(text: str):
    return next(iter(get_spacy()(text).sents))


def test_synonyms_of_counted_nouns_are_entailed():
    import random

    sent = _sent("The government decided to send 70 instructors and six military aircraft to Iraq.")
    got = list(synonym_edits(sent, random.Random(0)))
    assert {p.label for p in got} == {"entailment"}
    assert any(f"70 {w}" in p.claim for p in got for w in ("trainers", "advisers", "advisors", "mentors"))
    assert any(f"six military {w}" in p.claim for p in got for w in ("jets", "warplanes", "planes"))


def test_numbers_written_another_way_and_hedges_are_entailed():
    import random

    rng = random.Random(1)
    nums = list(numeral_edits(_sent("The army sent six jets and 1,200 soldiers to the north of the country."), rng))
    assert {p.claim for p in nums} >= {"The army sent 6 jets and 1,200 soldiers to the north of the country.",
                                       "The army sent six jets and 1200 soldiers to the north of the country."}
    hedged = list(hedge_edits(_sent("Canada will triple the number of trainers to 210 by the end of the year."), rng))
    assert hedged and all(p.label == "entailment" for p in hedged)
    assert any(h in hedged[0].claim for h in ("about", "roughly", "around", "approximately"))
    # a number that names something ("Joint Task Force 2") is not hedged
    named = _sent("Canada covertly deployed its Joint Task Force 2 to the country last year.")
    assert not list(hedge_edits(named, rng))


def test_another_part_of_the_year_contradicts():
    import random

    got = list(period_edits(_sent("Canada covertly deployed its special forces to Afghanistan in mid-2001."),
                            random.Random(2)))  # fmt: skip
    assert len(got) == 1 and got[0].label == "contradiction"
    assert "early 2001" in got[0].claim or "late 2001" in got[0].claim


def test_another_place_is_not_entailed():
    import random

    got = list(place_edits(_sent("Canadian soldiers were fighting in Mosul alongside Kurdish forces last week."),
                           ["Mosul", "Baghdad"], random.Random(3)))  # fmt: skip
    assert [p.claim for p in got] == ["Canadian soldiers were fighting in Baghdad alongside Kurdish forces last week."]
    assert got[0].label == "not_entailment"


def test_off_topic_sentences_of_one_article_are_neutral():
    import random

    doc = get_spacy()(
        "Canada decided to send 70 trainers to Iraq in 2016 to help Kurdish forces near Mosul. "
        "Canada refused a request to send troops when the United States invaded Iraq in 2003."
    )
    got = list(off_topic_pairs(list(doc.sents), random.Random(4), 5))
    assert got and all(p.label == "neutral" and p.edit == "off-topic" for p in got)


def test_generate_honest_pairs_is_repeatable():
    from pathlib import Path

    doc = get_spacy()(Path("examples/globalresearch-canada-iraq-mosul.txt").read_text(encoding="utf-8"))
    first = list(generate_honest_pairs([doc], seed=9))
    assert first == list(generate_honest_pairs([doc], seed=9))
    assert "off-topic" in {p.edit for p in first} and len({p.edit for p in first}) >= 3
    assert all(p.claim != p.evidence for p in first)
