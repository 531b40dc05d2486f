"""`veracity eval verification` (claim verdicts) and `veracity eval nli` (the verifier, pair by pair).

Verification reads Climate-FEVER, AVeriTeC, Fool Me Twice or HealthVer (lab/verify/datasets.py), checks every claim
against its own evidence with the same code as the verdict stage (verify/check.py), and scores the verdicts:
per-class F1, confusion matrix, accuracy, expected calibration error of the confidence, and AUROC of the
confidence for "this verdict is right". The shared Climate-FEVER file is scored on its report part (the claims
nothing was fitted on) unless --part says otherwise; any other file is scored whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from veracity.errors import DataFormatError
from veracity.lab.verify.datasets import NLI_LABELS, PARTIAL_LABELS, VERDICTS, part, read_claims, read_pairs

PARTS = ("default", "all", "train", "validation", "report")


@dataclass(frozen=True)
class Scores:
    labels: tuple[str, ...]
    n: int
    accuracy: float
    macro_f1: float
    per_class_f1: dict[str, float]
    confusion: list[list[int]]  # rows gold, columns predicted, in `labels` order
    ece: float | None = None
    auroc: float | None = None  # of the confidence for "the verdict is right"
    per_class_precision: dict[str, float] | None = None
    per_class_recall: dict[str, float] | None = None


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Σ over 10 equal-width confidence bins of (share of items) × |mean confidence − accuracy|."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    return float(sum(abs(confidence[which == b].mean() - correct[which == b].mean()) * (which == b).mean()
                     for b in range(bins) if (which == b).any()))  # fmt: skip


def score(gold: list[str], predicted: list[str], labels: tuple[str, ...], confidence: list[float] | None = None):
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
        roc_auc_score,
    )

    precision, recall, per_class, _ = precision_recall_fscore_support(gold, predicted, labels=list(labels),
                                                                      zero_division=0)  # fmt: skip
    present = [lab for lab in labels if lab in gold]  # macro over the labels the data has
    macro = f1_score(gold, predicted, labels=present, average="macro", zero_division=0)
    ece = auroc = None
    if confidence is not None:
        correct = np.array([g == p for g, p in zip(gold, predicted, strict=True)], dtype=float)
        conf = np.array(confidence, dtype=float)
        ece = expected_calibration_error(conf, correct)
        auroc = float(roc_auc_score(correct, conf)) if 0 < correct.mean() < 1 else None
    return Scores(labels, len(gold), float(accuracy_score(gold, predicted)), float(macro),
                  {lab: float(f) for lab, f in zip(labels, per_class, strict=True)},
                  confusion_matrix(gold, predicted, labels=list(labels)).tolist(), ece, auroc,
                  {lab: float(v) for lab, v in zip(labels, precision, strict=True)},
                  {lab: float(v) for lab, v in zip(labels, recall, strict=True)})  # fmt: skip


def _select(claims, path: Path, fmt: str, which: str):
    if which == "default":
        shared = fmt == "climate-fever" and path.name == "dev.jsonl" and path.parent.name == "climate-fever"
        which = "report" if shared else "all"
    chosen = claims if which == "all" else [c for c in claims if part(fmt, c.claim_id) == which]
    if not chosen:
        raise DataFormatError(f"{path}: no claims in part {which!r}")
    return chosen, which


def evaluate_verification(path: Path, fmt: str | None = None, which: str = "default", restrict: bool = False,
                          nli=None, aggregator=None, llm=None, log=None, verifier: str = "fast"):  # fmt: skip
    """Scores of the verdicts on a file, and which part was scored. With `restrict`, each verdict is the most
    probable among the labels the file uses (e.g. supported/refuted for Fool Me Twice). With `llm` (an LLMConfig
    whose uses include "verdict") the LLM decides as in a report, the local verdict where it fails; `log` gets a
    line on what it cost."""
    from veracity.lab.verify.datasets import detect_format
    from veracity.verify.aggregate import get_aggregator
    from veracity.verify.check import check_claims
    from veracity.verify.nli import get_nli_model

    fmt = fmt or detect_format(path)
    claims, which = _select(read_claims(path, fmt), path, fmt, which)
    checks = check_claims([(c.claim, c.evidences, []) for c in claims], nli or get_nli_model(verifier),
                          aggregator or get_aggregator(verifier))  # fmt: skip
    gold = [c.label for c in claims]
    allowed = [v for v in VERDICTS if v in set(gold)] if restrict else list(VERDICTS)
    predicted, confidence = [], []
    for ch in checks:
        if not restrict:  # the verdict a report gives: thresholds for precision, "not enough evidence" below them
            predicted.append(ch.label)
            confidence.append(ch.confidence)
            continue
        probs = {k: ch.probabilities[k] for k in allowed}
        total = sum(probs.values()) or 1.0
        best = max(probs, key=probs.get)
        predicted.append(best)
        confidence.append(probs[best] / total)
    if llm is not None and "verdict" in llm.uses:
        _decide_with_llm(llm, claims, checks, tuple(allowed), predicted, confidence, log or (lambda line: None))
    return score(gold, predicted, VERDICTS, confidence), which


def _decide_with_llm(llm, claims, checks, labels, predicted: list, confidence: list, log) -> None:
    """Overwrite the local verdicts with the LLM's where it answers (the same steps as the verdict stage)."""
    from veracity.llm import LLMClient, LLMFailure
    from veracity.verify.decompose import decompose_text
    from veracity.verify.judge import judge_claim

    client = LLMClient(llm)
    usage = client.new_usage()

    def one(n: int):
        claim, check = claims[n], checks[n]
        # The files give few sentences per claim (Climate-FEVER 5), so the ranking rarely matters: every part is
        # ranked by the verifier's reading of the claim.
        core = np.array([r.probs for r in check.sentences], dtype=np.float32).reshape(-1, 3)
        parts = [claim.claim]
        if "decompose" in llm.uses:
            plan = decompose_text(client, claim.claim, usage)
            parts = plan.subclaims or [plan.standalone]
        return judge_claim(client, parts, claim.evidences, [core] * len(parts), labels=labels, usage=usage)

    results = client.map(one, list(range(len(claims))))
    fell_back = [str(r) for r in results if isinstance(r, LLMFailure)]
    for n, result in enumerate(results):
        if not isinstance(result, LLMFailure):
            predicted[n], confidence[n] = result.label, result.confidence
    log(f"llm={llm.model} decided {len(results) - len(fell_back)} of {len(results)} claims"
        + (f" ({len(fell_back)} by the local verifier: {fell_back[0]})" if fell_back else "")
        + f"; requests={usage.requests} cached={usage.cached} prompt_tokens={usage.prompt_tokens} "
        f"completion_tokens={usage.completion_tokens} seconds={usage.seconds:.1f}")  # fmt: skip


def evaluate_nli(path: Path, fmt: str | None = None, which: str = "default", nli=None,
                 verifier: str = "fast") -> Scores:  # fmt: skip
    """Pair-level scores of the verifier. Files with only entailment / not-entailment labels (FEVER-RTE) are
    scored on those two classes."""
    from veracity.lab.verify.datasets import detect_format
    from veracity.verify.nli import get_nli_model

    fmt = fmt or detect_format(path)
    pairs = read_pairs(path, fmt)
    if which not in ("default", "all"):
        pairs = [p for p in pairs if part(fmt, p.key) == which]
        if not pairs:
            raise DataFormatError(f"{path}: no pairs in part {which!r}")
    probs = (nli or get_nli_model(verifier)).predict([(p.claim, p.evidence) for p in pairs])
    if any(p.label in PARTIAL_LABELS for p in pairs):
        gold = ["entailment" if p.label == "entailment" else "not_entailment" for p in pairs]
        predicted = ["entailment" if pr[0] >= pr[1] + pr[2] else "not_entailment" for pr in probs]
        return score(gold, predicted, ("entailment", "not_entailment"))
    predicted = [NLI_LABELS[int(pr.argmax())] for pr in probs]
    return score([p.label for p in pairs], predicted, NLI_LABELS)
