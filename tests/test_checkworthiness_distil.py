"""Distilling the check-worthiness teacher: soft targets, the fold teachers' probabilities, unlabelled sentences,
and fine-tuning that resumes mid-epoch."""

from __future__ import annotations

import csv
import json
from types import SimpleNamespace

import numpy as np
import pytest

from veracity.errors import VeracityError
from veracity.lab.claims.data import LabelledSentences
from veracity.lab.claims.finetune_distil import (
    TEACHER_FILE,
    TeacherLabels,
    ensemble_teacher,
    fold_teacher,
    soft_targets,
    student_targets,
    unlabelled_sentences,
)


def test_soft_targets_mix_gold_and_teacher():
    gold = np.array([True, False, True])
    teacher = np.array([0.2, 0.6, 1.0], dtype=np.float32)
    assert np.allclose(soft_targets(gold, teacher, 0.5), [0.6, 0.3, 1.0])
    assert np.allclose(soft_targets(gold, teacher, 0.0), [1, 0, 1])


def test_student_targets_append_the_teachers_unlabelled_probabilities():
    teacher = TeacherLabels({"1": 0.9, "2": 0.1, "3": 0.5}, np.array([0.7, 0.2], dtype=np.float32))
    rows = LabelledSentences(ids=["3", "1"], texts=["a b c", "d e f"], labels=np.array([False, True]))
    assert np.allclose(student_targets(teacher, rows, 2, 0.5), [0.25, 0.95, 0.7, 0.2])
    with pytest.raises(VeracityError, match="--unlabelled"):
        student_targets(teacher, rows, 3, 0.5)  # another unlabelled set than the teacher scored
    with pytest.raises(VeracityError, match="no probability"):
        teacher.of(["4"])


def test_fold_teachers_are_saved_loaded_and_averaged(tmp_path):
    for k, p in enumerate((0.2, 0.6), 1):
        (tmp_path / f"fold{k}").mkdir()
        labels = TeacherLabels({"10": p, "11": 1 - p}, np.array([p], dtype=np.float32))
        labels.save(tmp_path / f"fold{k}" / TEACHER_FILE)
    assert fold_teacher(tmp_path, 2).by_id == pytest.approx({"10": 0.6, "11": 0.4})
    mean = ensemble_teacher(tmp_path)
    assert mean.by_id == pytest.approx({"10": 0.4, "11": 0.6}) and mean.unlabelled == pytest.approx([0.4])
    with pytest.raises(VeracityError, match="teacher probabilities missing"):
        fold_teacher(tmp_path, 3)
    with pytest.raises(VeracityError, match="no fold teachers"):
        ensemble_teacher(tmp_path / "fold1")


def _shared(tmp_path):
    """A tiny ../shared/data: LIAR, Snopes claims, FNC-1 bodies and stances."""
    (tmp_path / "factchecks/liar").mkdir(parents=True)
    (tmp_path / "factchecks/snopes-ct22").mkdir(parents=True)
    (tmp_path / "stance/fnc1").mkdir(parents=True)
    liar = [[f"{i}.json", "false", f"Senator {i} voted to cut the school budget by {i} percent last year."]
            for i in range(6)]  # fmt: skip
    with (tmp_path / "factchecks/liar/train.tsv").open("w", newline="") as f:
        csv.writer(f, delimiter="\t").writerows(liar)
    (tmp_path / "factchecks/snopes-ct22/vclaims.jsonl").write_text(
        json.dumps({"vclaim": "A photograph shows a shark swimming on a flooded highway in Houston."}) + "\n")
    body = " ".join(f"The council met on day {d} and approved a budget of {d} million dollars." for d in range(8))
    with (tmp_path / "stance/fnc1/train_bodies.csv").open("w", newline="") as f:
        csv.writer(f).writerows([["Body ID", "articleBody"], ["1", body]])
    with (tmp_path / "stance/fnc1/train_stances.csv").open("w", newline="") as f:
        csv.writer(f).writerows([["Headline", "Body ID", "Stance"], ["Council approves roads budget", "1", "agree"]])
    return tmp_path


def test_unlabelled_sentences_mix_claims_and_news_repeatably(tmp_path):
    shared = _shared(tmp_path)
    got = unlabelled_sentences(shared, 8)
    assert len(got) == 8 and len(set(got)) == 8
    assert sum("council met" in s for s in got) == 4  # half news sentences
    assert got == unlabelled_sentences(shared, 8)
    assert unlabelled_sentences(shared, 0) == []


def test_cross_validation_gives_each_student_fold_its_own_teacher(tmp_path, monkeypatch):
    """Student fold k learns from teacher fold k, which never saw fold k's labels."""
    from veracity.lab.claims import finetune_cv
    from veracity.lab.claims.evaluate import BinaryScores
    from veracity.lab.claims.finetune import FinetuneConfig

    rows = [("Sentence_id", "Text", "class_label")]
    rows += [(str(d * 100 + s), f"Debate {d} line {s} cut taxes.", "Yes" if s % 2 else "No")
             for d in range(3) for s in range(6)]  # fmt: skip
    (tmp_path / "train.tsv").write_text("\n".join("\t".join(r) for r in rows[:13]) + "\n")
    (tmp_path / "dev.tsv").write_text("\n".join("\t".join(r) for r in [rows[0], *rows[13:]]) + "\n")
    teachers = tmp_path / "teacher"
    all_ids = [r[0] for r in rows[1:]]
    for k in (1, 2, 3):
        (teachers / f"fold{k}").mkdir(parents=True)
        TeacherLabels({i: k / 10 for i in all_ids}, np.zeros(0, dtype=np.float32)).save(
            teachers / f"fold{k}" / TEACHER_FILE)  # fmt: skip
    seen = {}

    def fake_fold(torch, tok, fit, held_out, config, work_dir, log, teacher, unlabelled):
        seen[work_dir.name] = sorted({round(p, 4) for p in teacher.of(fit.ids).tolist()})
        return {"ids": [int(i) for i in held_out.ids], "proba": [0.5] * len(held_out.ids), "temperature": 1.0,
                "threshold": 0.5, "best_epoch": 1, "history": [],
                "scores": BinaryScores.of(held_out.labels, np.ones(len(held_out.ids), bool)).as_dict()}  # fmt: skip

    monkeypatch.setattr(finetune_cv, "_run_fold", fake_fold)
    monkeypatch.setattr(finetune_cv, "_tokenizer", lambda *a: None)
    monkeypatch.setattr(finetune_cv, "require_torch", lambda: SimpleNamespace(set_num_threads=lambda n: None))
    config = FinetuneConfig(teacher=str(teachers))
    finetune_cv.cross_validate_finetune(tmp_path, tmp_path / "cv", folds=3, config=config, log=lambda m: None)
    assert seen == {"fold1": [0.1], "fold2": [0.2], "fold3": [0.3]}


def test_fine_tuning_resumes_mid_epoch_where_it_stopped(tmp_path):
    """Stopped after a mid-epoch checkpoint, a rerun finishes with the weights an uninterrupted run reaches."""
    torch = pytest.importorskip("torch")
    from veracity.lab.claims.finetune import FinetuneConfig, fit_epochs

    class Tiny(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = torch.nn.EmbeddingBag(50, 4)
            self.head = torch.nn.Linear(4, 1)

        def forward(self, input_ids, attention_mask):
            self.calls = getattr(self, "calls", 0) + 1
            return self.head(self.emb(input_ids, per_sample_weights=None))

    rng = np.random.default_rng(0)
    ids = [list(rng.integers(1, 50, size=5)) for _ in range(40)]
    labels = rng.random(40).astype(np.float32)  # soft targets train too
    config = FinetuneConfig(epochs=2, batch_size=4, checkpoint_every=3, lr=0.05, warmup=0.0)

    def run(folder, stop_after=None):
        torch.manual_seed(0)
        net = Tiny()
        calls = []

        def after_epoch(epoch, history):
            calls.append(epoch)
            if stop_after is not None and epoch == stop_after:
                raise KeyboardInterrupt  # the session stops during validation, after step 10 of epoch 2's 10
            return {"validation_f1": 0.0}

        folder.mkdir(exist_ok=True)
        history = fit_epochs(torch, net, ids, labels, config, folder, lambda m: None, after_epoch)
        return net, history, calls

    whole, history, _ = run(tmp_path / "a")
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path / "b", stop_after=1)
    resumed, again, calls = run(tmp_path / "b")
    assert calls == [1]  # epoch 1 was not run again: resumed from the checkpoint at step 9 of epoch 2
    assert resumed.calls == 1  # only step 10 was trained
    assert len(again) == len(history) == 2
    for a, b in zip(whole.state_dict().values(), resumed.state_dict().values(), strict=True):
        assert torch.allclose(a, b, atol=1e-6)
