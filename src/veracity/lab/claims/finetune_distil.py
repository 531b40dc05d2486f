"""Distilling the MPNet-base check-worthiness teacher into the MiniLM student (training extra).

    veracity train checkworthiness --finetune --cv-folds 5 --base mpnet --freeze-layers 4 --unlabelled 8000
    veracity train checkworthiness --finetune --cv-folds 5 --teacher .cache/finetune-cv-mpnet --unlabelled 8000

Each fold of the teacher's grouped cross-validation, once trained, scores every CT24 train+dev sentence and
`unlabelled` sentences written like the ones veracity scores (LIAR statements and Snopes claims, FNC-1 news
sentences), and saves those probabilities (`teacher.npz` in the fold's folder). The student's fold k then learns from
teacher fold k only, which never saw fold k's labels: the held-out score stays honest. Its targets are soft:
(1 - w) * gold + w * teacher on labelled rows (binary cross-entropy is linear in the target, so this is the usual
mix of the two losses), the teacher's probability alone on unlabelled rows. The shipped student (no folds) learns
from the mean of the five fold teachers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from veracity.errors import InputError, ModelUnavailable
from veracity.lab.claims.data import LabelledSentences

TEACHER_FILE = "teacher.npz"


def unlabelled_sentences(shared: Path, n: int, seed: int = 29) -> list[str]:
    """About `n` distinct unlabelled sentences: half fact-checked claims (LIAR, Snopes), half news sentences (FNC-1
    bodies). Deterministic for (shared, n, seed)."""
    from veracity.lab.verify.train_student import factcheck_claims, fnc_headlines

    if n <= 0:
        return []
    rng = random.Random(seed)
    claims = factcheck_claims(shared, rng, n // 2)
    _, news = fnc_headlines(shared, rng, 0)
    seen = set(claims)
    news = [s for s in dict.fromkeys(news) if s not in seen]
    rng.shuffle(news)
    return claims + news[: n - len(claims)]


@dataclass(frozen=True)
class TeacherLabels:
    """A teacher's probabilities for CT24 sentences (by Sentence_id) and for the unlabelled sentences."""

    by_id: dict[str, float]
    unlabelled: np.ndarray

    def of(self, ids: list[str]) -> np.ndarray:
        missing = [i for i in ids if i not in self.by_id]
        if missing:
            raise ModelUnavailable(f"the teacher has no probability for {len(missing)} sentences (e.g. {missing[0]})")
        return np.array([self.by_id[i] for i in ids], dtype=np.float32)

    def save(self, path: Path) -> None:
        ids = list(self.by_id)
        np.savez(path, ids=np.array(ids), proba=np.array([self.by_id[i] for i in ids], dtype=np.float32),
                 unlabelled=self.unlabelled.astype(np.float32))  # fmt: skip

    @classmethod
    def load(cls, path: Path) -> TeacherLabels:
        if not path.is_file():
            raise ModelUnavailable(f"teacher probabilities missing: {path} (run the teacher's cross-validation)")
        with np.load(path) as z:
            by_id = dict(zip(z["ids"].tolist(), z["proba"].tolist(), strict=True))
            return cls(by_id, z["unlabelled"].astype(np.float32))


def fold_teacher(teacher_dir: Path, fold: int) -> TeacherLabels:
    """Teacher fold `fold` (1-based)'s probabilities."""
    return TeacherLabels.load(Path(teacher_dir) / f"fold{fold}" / TEACHER_FILE)


def ensemble_teacher(teacher_dir: Path) -> TeacherLabels:
    """The mean of every fold teacher's probabilities (for the shipped student, trained on everything)."""
    folds = sorted(Path(teacher_dir).glob(f"fold*/{TEACHER_FILE}"))
    if not folds:
        raise ModelUnavailable(f"no fold teachers in {teacher_dir} (run the teacher's cross-validation first)")
    labels = [TeacherLabels.load(p) for p in folds]
    ids = list(labels[0].by_id)
    mean = {i: float(np.mean([t.by_id[i] for t in labels])) for i in ids}
    return TeacherLabels(mean, np.mean([t.unlabelled for t in labels], axis=0))


def soft_targets(gold: np.ndarray, teacher: np.ndarray, weight: float) -> np.ndarray:
    """(1 - weight) * gold + weight * teacher, as float32 targets for binary cross-entropy."""
    return ((1 - weight) * gold.astype(np.float32) + weight * teacher).astype(np.float32)


def student_targets(teacher: TeacherLabels, rows: LabelledSentences, n_unlabelled: int, weight: float) -> np.ndarray:
    """Targets for `rows` (soft: gold mixed with the teacher's), then for the unlabelled sentences (the teacher's)."""
    if len(teacher.unlabelled) != n_unlabelled:
        raise InputError(f"the teacher scored {len(teacher.unlabelled)} unlabelled sentences, not {n_unlabelled}: "
                         "give the --unlabelled it was run with")  # fmt: skip
    return np.concatenate([soft_targets(rows.labels, teacher.of(rows.ids), weight), teacher.unlabelled])
