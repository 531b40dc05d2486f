from __future__ import annotations

import numpy as np

from veracity.claims.model import CheckworthinessModel, get_checkworthiness_model
from veracity.lab.claims.evaluate import BinaryScores, best_threshold


def test_shipped_model_loads_and_scores_sentences():
    from veracity.runtime import get_encoder

    model = get_checkworthiness_model()
    assert 0 < model.threshold < 1 and model.card["dev"]["f1"] > 0.8
    X = get_encoder().encode(["Unemployment fell to 3.5 percent, the lowest rate in fifty years.", "Thank you all."])
    p = model.predict_proba(X)
    assert X.shape == (2, 384) and np.allclose(np.linalg.norm(X, axis=1), 1, atol=1e-4)
    assert p[0] > model.threshold > p[1]


def test_encoder_gives_nearly_the_same_vector_alone_or_in_a_padded_batch():
    from veracity.runtime import get_encoder

    enc = get_encoder()
    short = "Taxes rose."
    alone = enc.encode([short])[0]
    batched = enc.encode([short, "A much longer sentence that forces padding of the short one in its batch."])[0]
    # Padding is masked out of the pooling; what remains is int8 dynamic quantisation, whose activation scale is
    # set per batch, so batchmates move a vector slightly (cosine ~0.98 for this worst case: 3 vs 17 tokens).
    assert float(alone @ batched) > 0.97
    assert float(alone @ enc.encode(["Taxes fell sharply."])[0]) < float(alone @ batched)


def test_fit_save_load_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 8)).astype(np.float32)
    y = X[:, 0] > 0
    model = CheckworthinessModel(C=1.0).fit(X, y)
    model.threshold = best_threshold(y, model.predict_proba(X))
    model.card = {"dev": BinaryScores.of(y, model.predict(X)).as_dict()}
    model.save(tmp_path)
    again = CheckworthinessModel.load(tmp_path)
    assert np.allclose(again.predict_proba(X), model.predict_proba(X))
    assert again.threshold == model.threshold and BinaryScores.of(y, again.predict(X)).f1 > 0.9


def test_binary_scores():
    s = BinaryScores.of(np.array([1, 1, 0, 0], bool), np.array([1, 0, 1, 0], bool))
    assert (s.tp, s.fp, s.fn, s.tn) == (1, 1, 1, 1) and s.f1 == 0.5 and s.accuracy == 0.5


def test_claim_kinds_and_normalisation(example_report):
    by_text = {c.text: c for c in example_report.claims}
    post = next(c for t, c in by_text.items() if t.startswith("Then, only in January 2002"))
    assert post.normalized.startswith("In 2002-01, it was officially announced")
    mid = next((c for t, c in by_text.items() if "mid-2001" in t), None)
    assert mid is None or "mid-2001" in mid.normalized


def test_split_by_id_holds_out_later_sentences():
    from veracity.lab.claims.data import LabelledSentences, split_by_id

    data = LabelledSentences(ids=["5", "40000", "12", "31839"], texts=list("abcd"), labels=np.array([1, 0, 1, 0], bool))
    early, late = split_by_id(data, 31839)
    assert early.ids == ["5", "12"] and late.ids == ["40000", "31839"] and late.texts == ["b", "d"]


def test_temperature_fit_recovers_a_known_scale():
    from veracity.lab.claims.finetune import fit_temperature

    rng = np.random.default_rng(1)
    true_logits = rng.normal(scale=2.0, size=4000)
    labels = rng.random(4000) < 1 / (1 + np.exp(-true_logits))
    assert abs(fit_temperature(true_logits * 2.5, labels) - 2.5) <= 0.2


def test_shipped_scorer_is_the_finetuned_onnx_model():
    from veracity.claims.model import OnnxCheckworthiness, get_scorer, shipped_models_dir

    scorer = get_scorer()
    assert isinstance(scorer, OnnxCheckworthiness)
    assert (shipped_models_dir() / "checkworthiness-minilm-ft.onnx").stat().st_size <= 25 * 1024 * 1024
    texts = ["We spent $2 trillion on the war in Iraq, and unemployment doubled.", "Thank you, it is great to be here."]
    p = scorer.predict_proba(texts)
    assert ((p >= 0) & (p <= 1)).all() and p[0] > scorer.threshold > p[1]
    # Scores barely depend on what else is in the batch: padding is masked, but int8 activations are quantised per
    # batch, which moves a score by up to ~2e-3 on some CPUs (1.5e-3 seen on an AVX2-only host).
    assert abs(scorer.predict_proba(texts[:1])[0] - p[0]) < 5e-3


class _FixedScorer:
    """Check-worthiness by sentence text, so the budget logic is tested without the model."""

    threshold = 0.3

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.array([self.scores[t] for t in texts])


def _budget_report(monkeypatch, scores: dict[str, float], words: int = 300):
    from veracity.schema import Document, Report, Sentence

    monkeypatch.setattr("veracity.claims.model.get_scorer", lambda: _FixedScorer(scores))
    padding = " filler" * max(0, words - sum(len(t.split()) for t in scores))
    text = " ".join(scores) + padding
    return Report(document=Document(text=text), sentences=[Sentence(i=i, text=t, start=0, end=len(t))
                                                            for i, t in enumerate(scores)])  # fmt: skip


def test_claims_are_a_ranked_budget_with_near_duplicates_once(monkeypatch):
    from veracity.claims import ClaimsStage

    scores = {f"Claim number {k} says the army sent {k} soldiers.": 0.4 + k / 100 for k in range(14)}
    scores["Claim number 13 says the army sent 13 soldiers!"] = 0.95  # the same sentence again
    scores["Thanks for reading."] = 0.1
    report = ClaimsStage()(_budget_report(monkeypatch, scores))
    got = [c.checkworthiness for c in report.claims]
    assert len(got) == 10 and got == sorted(got, reverse=True)  # 300 words: the minimum budget, best first
    assert got[0] == 0.95 and 0.53 not in got  # the duplicate (0.53) is merged into its higher-scored twin
    assert report.summary.n_over_threshold == 15 and report.summary.claim_threshold == 0.3
    assert len(ClaimsStage(budget=None)(_budget_report(monkeypatch, scores)).claims) == 14
    long = ClaimsStage()(_budget_report(monkeypatch, scores, words=1500))
    assert len(long.claims) == 14  # 15 per 1,500 words: every distinct claim fits


def test_near_duplicates_need_the_same_numbers():
    from veracity.claims import distinct
    from veracity.schema import Sentence

    said = "The government sent 200 more troops to northern Iraq in 2016 to train Kurdish forces"
    texts = [said + ".", said.replace("200", "300") + ".", f"“{said},” he said."]
    kept = distinct([Sentence(i=i, text=t, start=0, end=len(t)) for i, t in enumerate(texts)])
    assert [s.i for s in kept] == [0, 1]


def test_claims_above_the_keep_line_are_listed_whatever_the_budget(monkeypatch):
    from veracity.claims import KEEP_ABOVE, ClaimsStage

    scores = {f"Statement {k} about the budget of {k} million dollars.": KEEP_ABOVE + k / 1000 for k in range(12)}
    assert len(ClaimsStage()(_budget_report(monkeypatch, scores)).claims) == 12
    assert len(ClaimsStage(budget=2)(_budget_report(monkeypatch, scores)).claims) == 12
    lower = {t: s - 0.1 for t, s in scores.items()}
    assert len(ClaimsStage(budget=2)(_budget_report(monkeypatch, lower)).claims) == 2


def test_normalisation_drops_a_leading_focus_adverb_but_not_a_quantifier():
    from veracity.claims.normalize import normalize_claim
    from veracity.schema import DateMention, Sentence

    text = "Then, only in January 2002, it was announced."
    date = DateMention(text="January 2002", start=14, end=26, iso="2002-01")
    assert normalize_claim(Sentence(i=0, text=text, start=0, end=len(text), dates=[date])) == (
        "In 2002-01, it was announced."
    )
    only = "Only 5% of voters agree."
    assert normalize_claim(Sentence(i=0, text=only, start=0, end=len(only))) == only


def test_claim_threshold_decides_which_sentences_are_claims(monkeypatch):
    from veracity.claims import ClaimsStage
    from veracity.options import AnalyzeOptions
    from veracity.pipeline import stage_config

    scores = {f"Claim number {k} says the army sent {k} soldiers.": k / 10 for k in range(1, 10)}
    report = ClaimsStage(threshold=0.65)(_budget_report(monkeypatch, scores))
    assert [c.checkworthiness for c in report.claims] == [0.9, 0.8, 0.7]
    assert report.summary.claim_threshold == 0.65 and report.summary.n_over_threshold == 3
    options = AnalyzeOptions(claim_threshold=0.65, claim_budget=None)
    assert stage_config(options)["claims"] == {"threshold": 0.65, "budget": None}


def test_debate_folds_are_contiguous_id_runs_cut_at_the_widest_gaps():
    from veracity.lab.claims.finetune_cv import debate_folds

    # three "debates" of 7, 13 and 10 sentences (the 1/3 quantiles fall inside the first two), given shuffled
    sizes = (7, 13, 10)
    ids = [d * 100 + s for d, size in enumerate(sizes) for s in range(size)]
    rng = np.random.default_rng(0)
    shuffled = list(rng.permutation(ids))
    folds = debate_folds(shuffled, 3, search=4)
    by_id = dict(zip(shuffled, folds, strict=True))
    assert [by_id[i] for i in sorted(ids)] == [0] * 7 + [1] * 13 + [2] * 10  # no debate split across folds


def test_debate_folds_refuse_too_few_folds_or_rows():
    import pytest

    from veracity.errors import VeracityError
    from veracity.lab.claims.finetune_cv import debate_folds

    with pytest.raises(VeracityError, match="at least 2 folds"):
        debate_folds([1, 2, 3, 4], 1)
    with pytest.raises(VeracityError, match="too few"):
        debate_folds([1, 2, 3], 2)


def test_grouped_cross_validation_pools_folds_and_resumes(tmp_path, monkeypatch):
    """The CV bookkeeping without PyTorch: a fake fold run stands in for the fine-tuning."""
    import json
    from types import SimpleNamespace

    from veracity.lab.claims import finetune_cv

    rows = [("Sentence_id", "Text", "class_label")]
    rows += [
        (str(d * 100 + s), f"Debate {d} sentence {s} said 3% more.", "Yes" if s % 3 == 0 else "No")
        for d in range(4)
        for s in range(9)
    ]
    (tmp_path / "train.tsv").write_text("\n".join("\t".join(r) for r in rows[:30]) + "\n")
    (tmp_path / "dev.tsv").write_text("\n".join("\t".join(r) for r in [rows[0], *rows[30:]]) + "\n")
    calls = []

    def fake_fold(torch, tok, fit, held_out, config, work_dir, log, teacher, unlabelled):
        calls.append(work_dir.name)
        assert teacher is None and unlabelled == []
        assert not set(fit.ids) & set(held_out.ids)
        # perfect on folds 1-2, everything "Yes" on fold 3
        proba = held_out.labels.astype(float) if work_dir.name != "fold3" else np.ones(len(held_out.ids))
        scores = BinaryScores.of(held_out.labels, proba >= 0.5)
        return {
            "ids": [int(i) for i in held_out.ids],
            "proba": list(proba),
            "temperature": 1.0,
            "threshold": 0.5,
            "best_epoch": 1,
            "history": [],
            "scores": scores.as_dict(),
        }

    monkeypatch.setattr(finetune_cv, "_run_fold", fake_fold)
    monkeypatch.setattr(finetune_cv, "require_torch", lambda: SimpleNamespace(set_num_threads=lambda n: None))
    summary = finetune_cv.cross_validate_finetune(tmp_path, tmp_path / "cv", folds=3, log=lambda m: None)
    assert calls == ["fold1", "fold2", "fold3"]
    assert [f["sentences"] for f in summary["per_fold"]] == [9, 9, 18]  # cut at debate gaps only
    assert summary["f1_mean"] == round((1 + 1 + 0.5) / 3, 4)
    assert summary["pooled"]["fp"] == 12 and summary["pooled"]["fn"] == 0
    assert summary["roc_auc"] < 1.0
    assert json.loads((tmp_path / "cv" / "grouped_cv.json").read_text())["folds"] == 3
    drift = summary["calibration"]
    assert len(drift["per_fold"]) == 3 and drift["per_fold"][0]["ece"] == 0.0  # fold 1: perfect 0/1 scores
    assert drift["per_fold"][2]["predicted_rate"] == 1.0 and drift["per_fold"][2]["oracle_f1"] == 0.5
    # thresholds from the other folds: folds 1-2 learn from fold 3's all-"yes" scores and fold 2 / fold 1
    others = summary["other_folds_threshold"]
    assert len(others["per_fold"]) == 3 and others["per_fold"][2]["f1"] == 0.5 and 0 < summary["pooled_threshold"] <= 1
    calls.clear()
    (tmp_path / "cv" / "fold2" / "result.json").unlink()
    again = finetune_cv.cross_validate_finetune(tmp_path, tmp_path / "cv", folds=3, log=lambda m: None)
    assert calls == ["fold2"] and again["pooled"] == summary["pooled"]  # finished folds are not rerun


def test_calibration_of_a_fold_and_its_threshold_drift():
    from veracity.lab.claims.finetune_cv import calibration

    got = calibration(np.array([True, False, True, False]), np.array([0.9, 0.1, 0.6, 0.4]), threshold=0.7)
    assert got["ece"] == 0.25 and got["brier"] == 0.085
    assert got["predicted_rate"] == 0.5 and got["true_rate"] == 0.5
    assert got["oracle_f1"] == 1.0 and 0.4 < got["oracle_threshold"] <= 0.6  # 0.7 on validation misses 0.6


def test_each_folds_threshold_comes_from_the_other_folds_only():
    from veracity.lab.claims.finetune_cv import other_folds_thresholds

    # folds 1 and 2 separate at 0.3 (yes: 0.4, no: 0.2); fold 3 at 0.7. Fold 3's own labels never set its threshold.
    gold = [np.array([True, False]), np.array([True, False]), np.array([True, False])]
    proba = [np.array([0.4, 0.2]), np.array([0.4, 0.2]), np.array([0.8, 0.6])]
    first, second, third = other_folds_thresholds(gold, proba)
    assert 0.2 < third <= 0.4  # from folds 1-2: it calls fold 3's "no" (0.6) a yes
    assert 0.2 < first <= 0.4 and 0.2 < second <= 0.4  # any cut in (0.2, 0.4] splits fold 3 all-yes: F1 2/3 < 1


def test_cv_threshold_reads_a_finished_cross_validation(tmp_path):
    import json

    import pytest

    from veracity.errors import InputError
    from veracity.lab.claims.finetune import cv_threshold

    with pytest.raises(InputError, match="no finished cross-validation"):
        cv_threshold(tmp_path)
    (tmp_path / "grouped_cv.json").write_text(json.dumps({"folds": 5}))  # summarised before the rule existed
    with pytest.raises(InputError, match="run the --cv-folds command"):
        cv_threshold(tmp_path)
    (tmp_path / "grouped_cv.json").write_text(json.dumps({"pooled_threshold": 0.46}))
    assert cv_threshold(tmp_path) == 0.46
