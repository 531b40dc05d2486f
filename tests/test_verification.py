"""The verification path: generated contradictions, sub-claims, data readers, aggregation, the verdict stage."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from veracity.cli import app
from veracity.errors import DataFormatError
from veracity.lab.verify.datasets import detect_format, part, read_claims, read_pairs
from veracity.lab.verify.evaluate import expected_calibration_error, score
from veracity.lab.verify.perturb import generate_pairs
from veracity.nlp import get_spacy
from veracity.verify.aggregate import FEATURES, VERDICTS, Aggregator, UnitScores, claim_features
from veracity.verify.check import check_claims
from veracity.verify.ratings import rating_polarity
from veracity.verify.subclaims import split_claim

DATA = Path(__file__).parent / "data" / "verification"
runner = CliRunner()


# --- generated contradictions --------------------------------------------------------------------------------------


def edits(text: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for p in generate_pairs(get_spacy().pipe([text]), per_sentence=50):
        out.setdefault(p.edit, []).append(p)
    return out


def test_number_and_date_edits_contradict_the_original_sentence():
    text = "Canada sent 200 soldiers to northern Iraq in May 2016, the defence ministry said."
    got = edits(text)
    assert got["number"] and all(p.label == "contradiction" and "200" not in p.claim for p in got["number"])
    assert all(p.evidence == text for ps in got.values() for p in ps)
    dates = {p.claim for p in got["date"]}
    assert any("May" not in c for c in dates) and any("2016" not in c for c in dates)


def test_vague_numbers_and_quantified_subjects_are_only_not_entailed():
    got = edits("More than 40 people were injured in the attack on the city, police said on Sunday.")
    assert {p.label for p in got["number"]} == {"not_entailment"}
    neg = edits("Some soldiers were wounded in clashes near the town of Mosul last week.")["negation"]
    assert neg and {p.label for p in neg} == {"not_entailment"}  # "some were not" does not contradict "some were"


def test_negation_is_added_or_removed():
    added = edits("The government was sending trainers to the north of the country this year.")["negation"]
    assert [p.claim for p in added] == [
        "The government was not sending trainers to the north of the country this year."
    ]
    removed = edits("The Liberals did not promise to end all military involvement in Iraq.")["negation"]
    assert removed[0].claim == "The Liberals did promise to end all military involvement in Iraq."
    assert removed[0].label == "contradiction"


def test_deletions_entail_and_additions_are_neutral_but_never_under_negation_or_for_meaning_words():
    got = edits("The new Canadian base near the city of Erbil houses hundreds of trainers.")
    assert {p.label for p in got["deletion"]} == {"entailment"} and {p.label for p in got["addition"]} == {"neutral"}
    assert all(len(p.claim) < len(p.evidence) for p in got["deletion"])
    assert "deletion" not in edits("No new Canadian base near the city of Erbil was ever built by the army.")
    kept = edits("The former minister allegedly received only small payments from the company last year.")
    assert all(w in p.claim for p in kept.get("deletion", []) for w in ("former", "allegedly", "only"))


# --- sub-claims ----------------------------------------------------------------------------------------------------


def test_reported_speech_gives_a_core_and_an_attribution():
    parts = split_claim("Trudeau said that Canada will send 70 instructors to Iraq.")
    assert [(p.role, p.text) for p in parts] == [
        ("core", "Canada will send 70 instructors to Iraq"),
        ("attribution", "Trudeau said that Canada will send 70 instructors to Iraq."),
    ]
    according = split_claim("According to NATO, the troops left Mosul in May.")
    assert according[0].text == "The troops left Mosul in May." and according[-1].role == "attribution"
    framing = split_claim("It should be noted that the campaign included a promise to end the mission.")
    assert [p.role for p in framing] == ["core"] and framing[0].text.startswith("The campaign included")


def test_coordinated_verbs_and_relative_clauses_split_into_parts():
    parts = [p.text for p in split_claim("The Canadian military will train local forces and will not take part in "
                                         "combat.") if p.role == "part"]  # fmt: skip
    assert parts == [
        "The Canadian military will train local forces",
        "The Canadian military will not take part in combat",
    ]
    rel = [p.text for p in split_claim("The government decided to deploy extra 200 troopers in Iraq who now are "
                                       "engaged in the ground operation.") if p.role == "part"]  # fmt: skip
    assert rel == ["The government decided to deploy extra 200 troopers in Iraq.",
                   "Extra 200 troopers now are engaged in the ground operation"]  # fmt: skip
    assert [p.role for p in split_claim("Canada sent 70 instructors to Iraq.")] == ["core"]


# --- data readers --------------------------------------------------------------------------------------------------


def test_readers_map_every_format_onto_the_four_verdicts():
    files = ("climate-fever.jsonl", "fm2.jsonl", "healthver.csv", "averitec.json")
    assert [detect_format(DATA / f) for f in files] == ["climate-fever", "fm2", "healthver", "averitec"]
    cf = read_claims(DATA / "climate-fever.jsonl")
    assert [c.label for c in cf] == ["supported", "refuted", "disputed", "not_enough_evidence"]
    assert cf[0].evidence_labels == ["entailment", "neutral"]
    fm2 = read_claims(DATA / "fm2.jsonl")
    assert fm2[0].claim == "The Eiffel Tower was completed in 1889." and fm2[1].label == "refuted"
    hv = read_claims(DATA / "healthver.csv")
    assert [c.label for c in hv] == ["refuted", "supported", "not_enough_evidence"]
    av = read_claims(DATA / "averitec.json")
    assert [c.label for c in av] == ["refuted", "supported", "disputed"]
    assert av[0].evidences == ["How many libraries opened in 2019? One."]
    assert "excellent for bathing" in av[1].evidences[0] and av[2].evidences == []  # unanswerable dropped
    pairs = read_pairs(DATA / "climate-fever.jsonl")
    assert ("Sea levels have been falling for the last century.", "contradiction") in {
        (p.claim, p.label) for p in pairs
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [('{"claim": "x"}\n', "unknown format"), ("[1, 2]\n", "is not an object"), ("not json\n", "not JSON"),
     ('{"claim_id": 1, "claim": "", "claim_label": "SUPPORTS", "evidences": []}\n', "claim must be non-empty"),
     ('{"claim_id": 1, "claim": "c", "claim_label": "TRUE", "evidences": []}\n', "claim_label must be one of")],
)  # fmt: skip
def test_readers_reject_malformed_files_clearly(tmp_path, content, message):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content)
    with pytest.raises(DataFormatError, match=message):
        read_claims(bad)


def test_eval_verification_reports_a_bad_file_in_one_line(tmp_path):
    bad = tmp_path / "x.jsonl"
    bad.write_bytes(b"\xff\xfe\x00bad")
    result = runner.invoke(app, ["eval", "verification", "--data", str(bad)])
    assert result.exit_code == 2 and "not UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_splits_are_fixed_and_separate():
    keys = [str(i) for i in range(2000)]
    parts = [part("fm2", k) for k in keys]
    assert parts == [part("fm2", k) for k in keys]
    share = {p: parts.count(p) / len(parts) for p in ("train", "validation", "report")}
    assert 0.4 < share["train"] < 0.5 and 0.1 < share["validation"] < 0.2 and 0.35 < share["report"] < 0.45
    assert [part("climate-fever", k) for k in keys].count("train") < 700  # Climate-FEVER trains on 30 %


# --- aggregation ---------------------------------------------------------------------------------------------------


def probs(*rows):
    return np.array(rows, dtype=np.float32)


def test_claim_features_take_the_weakest_part_and_the_strongest_contradiction():
    core = UnitScores("core", probs([0.9, 0.1, 0.0], [0.0, 0.2, 0.8]))
    supported_part = UnitScores("part", probs([0.95, 0.05, 0.0], [0.1, 0.9, 0.0]))
    unsupported_part = UnitScores("part", probs([0.1, 0.9, 0.0], [0.2, 0.8, 0.0]))
    f = dict(zip(FEATURES, claim_features([core, supported_part, unsupported_part], 0.6), strict=True))
    assert f["core_entail"] == pytest.approx(0.9) and f["core_contradict"] == pytest.approx(0.8)
    assert f["weakest_part_entail"] == pytest.approx(0.2) and f["both_ways"] == pytest.approx(0.8)
    assert f["mismatch"] == pytest.approx(0.6) and f["n_contradict"] == pytest.approx(np.log1p(1))
    assert f["denial"] == 0.0
    assert dict(zip(FEATURES, claim_features([core], 0.0, 0.7), strict=True))["denial"] == pytest.approx(0.7)
    assert not claim_features([UnitScores("core", np.zeros((0, 3)))], 0.0).any()


def toy_aggregator(*_) -> Aggregator:
    """supported <- entailment, refuted <- contradiction or a mismatch, disputed <- both ways, else not enough."""
    w = np.zeros((len(VERDICTS), len(FEATURES)))
    col = {f: i for i, f in enumerate(FEATURES)}
    w[0, col["core_entail"]], w[0, col["weakest_part_entail"]] = 6, 4
    w[1, col["core_contradict"]], w[1, col["mismatch"]], w[1, col["denial"]] = 8, 8, 8
    w[2, col["both_ways"]] = 14
    return Aggregator(np.zeros(len(FEATURES)), np.ones(len(FEATURES)), w, np.array([-5.0, -5.0, -8.0, 0.0]))


def test_aggregator_round_trips_through_json_and_refuses_other_features():
    agg = toy_aggregator()
    again = Aggregator.from_json(json.loads(json.dumps(agg.to_json())))
    x = np.linspace(0, 1, len(FEATURES))
    assert np.allclose(agg.probabilities(x), again.probabilities(x)) and agg.probabilities(x).sum() == pytest.approx(1)
    from veracity.errors import ModelUnavailable

    with pytest.raises(ModelUnavailable, match="other features"):
        Aggregator.from_json({**agg.to_json(), "features": ["x"]})


def test_the_monotone_aggregation_never_lowers_refuted_as_contradiction_grows():
    """Fitted on data where strong contradictions are mostly labelled "disputed" (as the generated conflicts make
    them), a plain logistic regression lowers P(refuted) as the contradiction grows; the monotone one cannot."""
    from sklearn.linear_model import LogisticRegression

    from veracity.lab.verify.monotone import MonotoneLogisticRegression, order_violations

    rng = np.random.default_rng(0)
    X = rng.random((600, len(FEATURES)))
    c = FEATURES.index("core_contradict")
    y = np.where(X[:, c] > 0.8, VERDICTS.index("disputed"), np.where(X[:, c] > 0.4, 1, 3))
    y[rng.random(600) < 0.1] = 0

    def refuted_along_contradiction(model) -> np.ndarray:
        grid = np.tile(X.mean(axis=0), (11, 1))
        grid[:, c] = np.linspace(0, 1, 11)
        z = model.decision_function(grid)
        return np.exp(z[:, 1]) / np.exp(z).sum(axis=1)

    plain = LogisticRegression(C=10.0, max_iter=3000).fit(X, y)
    assert np.diff(refuted_along_contradiction(plain)).min() < 0  # the failure this guards against
    assert order_violations(plain.coef_)
    mono = MonotoneLogisticRegression(C=10.0).fit(X, y)
    assert order_violations(mono.coef_) == []
    assert np.diff(refuted_along_contradiction(mono)).min() >= -1e-12
    assert (mono.predict(X) == y).mean() > 0.5  # still a classifier


class KeywordNli:
    """Entails when the evidence contains the claim's last word; contradicts when it also says 'not'."""

    def predict(self, pairs):
        out = []
        for claim, evidence in pairs:
            key = claim.rstrip(".").split()[-1].lower()
            if key in evidence.lower():
                out.append([0.02, 0.03, 0.95] if " not " in f" {evidence.lower()} " else [0.95, 0.04, 0.01])
            else:
                out.append([0.02, 0.96, 0.02])
        return np.array(out, dtype=np.float32)


def no_mismatches(claim, evidence):
    return []


def test_check_claims_decides_and_cites_only_sentences_it_read():
    sents = ["The weather was mild in Paris.", "Canada sent trainers to Iraq.", "The trainers did not go to Syria."]
    items = [("Canada sent trainers to Iraq.", sents, []), ("Canada sent trainers to Syria.", sents, []),
             ("The moon is made of cheese.", sents, [])]  # fmt: skip
    checks = check_claims(items, KeywordNli(), toy_aggregator(), no_mismatches)
    assert [c.label for c in checks] == ["supported", "refuted", "not_enough_evidence"]
    assert checks[0].decisive == [1] and checks[1].decisive == [2] and checks[2].decisive == []
    assert all(0 <= k < len(sents) for c in checks for k in c.decisive + c.context)
    assert checks[0].confidence > 0.7 and abs(sum(checks[0].probabilities.values()) - 1) < 1e-3


def test_a_mismatch_on_a_related_sentence_pushes_towards_refuted():
    sents = ["Canada sent 69 advisers to Iraq."]
    found = [type("M", (), {"kind": "number", "reason": "the claim says 200 troopers, the evidence says 69"})()]
    plain = check_claims([("Canada sent 200 troopers to Iraq.", sents, [])], KeywordNli(), toy_aggregator(),
                         no_mismatches)[0]  # fmt: skip
    flagged = check_claims([("Canada sent 200 troopers to Iraq.", sents, [])], KeywordNli(), toy_aggregator(),
                           lambda c, e: found)[0]  # fmt: skip
    assert plain.label == "supported" and flagged.probabilities["refuted"] > 3 * plain.probabilities["refuted"]
    assert flagged.mismatches == ["the claim says 200 troopers, the evidence says 69"]


def test_expected_calibration_error_and_scores():
    assert expected_calibration_error(np.array([0.9, 0.9]), np.array([1.0, 1.0])) == pytest.approx(0.1)
    s = score(["supported", "refuted", "supported"], ["supported", "supported", "supported"], VERDICTS,
              [0.9, 0.6, 0.8])  # fmt: skip
    assert s.accuracy == pytest.approx(2 / 3) and s.per_class_f1["refuted"] == 0.0
    assert s.macro_f1 == pytest.approx((0.8 + 0.0) / 2)  # macro over the labels the data has
    assert s.confusion[1][0] == 1 and s.auroc == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("rating", "polarity"),
    [("False", "refuted"), ("Pants on Fire!", "refuted"), ("mostly-true", "supported"), ("True", "supported"),
     ("half-true", "disputed"), ("Mixture", "disputed"), ("Mostly False", "refuted"), ("Unrated", None), (None, None)],
)  # fmt: skip
def test_rating_polarity(rating, polarity):
    assert rating_polarity(rating) == polarity


# --- the verdict stage ---------------------------------------------------------------------------------------------


ARTICLE = "Canada sent trainers to Syria last spring, the story says. Read more on the outlet."


def stage_report(article_url: str | None = None):
    from veracity.schema import Claim, Document, Evidence, FactCheckMatch, Report

    text_a = "Canada sent trainers to Iraq. The trainers did not go to Syria."
    text_b = "The trainers did not go to Syria. The weather was mild."
    ev = [
        Evidence(passage_id=1, collection="c", text=text_a, document_id=7, start=0, end=len(text_a),
                 url="https://news.example/a", score=0.9, bm25=1.0, cosine=0.8),
        Evidence(passage_id=2, collection="c", text=text_b, document_id=7, start=30, end=30 + len(text_b),
                 url="https://news.example/a", score=0.8, bm25=1.0, cosine=0.7),
        Evidence(passage_id=3, collection="c", text=ARTICLE,
                 document_id=8, url="https://www.Outlet.example/story/", score=0.95, bm25=2.0, cosine=0.9),
    ]  # fmt: skip
    check = FactCheckMatch(collection="f", claim="Canada sent trainers to Syria", rating="False", score=0.9)
    claims = [
        Claim(id="c1", sentence_i=0, text="Canada sent trainers to Iraq.", normalized="", checkworthiness=0.9,
              kind="other", evidence=ev),
        Claim(id="c2", sentence_i=1, text="Canada sent trainers to Syria.", normalized="", checkworthiness=0.9,
              kind="other", evidence=ev, factchecks=[check]),
        Claim(id="c3", sentence_i=2, text="Nothing here.", normalized="", checkworthiness=0.8, kind="other"),
    ]  # fmt: skip
    document = Document(
        text="Canada sent trainers to Syria last spring, the story says. Read more on the outlet.", url=article_url
    )
    return Report(document=document, claims=claims)


def test_verdict_stage_reads_each_sentence_once_and_never_the_article_itself(monkeypatch):
    from veracity.verify import VerdictStage, aggregate, candidate_sentences, nli

    report = stage_report("http://outlet.example/story")
    sents = candidate_sentences(report.claims[0], report)
    # overlapping windows give "did not go to Syria" once; passage 3 is the article (same URL) and is skipped
    assert [(c.evidence_i, c.start, c.end, c.text) for c in sents] == [
        (0, 0, 29, "Canada sent trainers to Iraq."), (0, 30, 63, "The trainers did not go to Syria."),
        (1, 64, 85, "The weather was mild."),
    ]  # fmt: skip
    no_url = stage_report(None)  # the same article without its URL: its text, found verbatim, is skipped too
    assert all(c.evidence_i != 2 for c in candidate_sentences(no_url.claims[0], no_url))

    monkeypatch.setattr(nli, "get_nli_model", lambda *a: KeywordNli())
    monkeypatch.setattr(aggregate, "get_aggregator", toy_aggregator)
    report = VerdictStage()(report)
    v1, v2, v3 = (c.verdict for c in report.claims)
    # "The weather was mild." is not about the claim: the relatedness gate keeps it from the verifier
    assert (v1.label, v1.cited, v1.examined) == ("supported", ["passage 1"], 2)
    assert "The weather was mild." not in {s.text for s in v1.sentences}
    assert v1.sentences[0].role == "decisive" and v1.sentences[0].text == "Canada sent trainers to Iraq."
    assert v2.label == "refuted" and v2.cited[0] == "passage 1" and v2.cited[1].startswith("fact-check 1 (f, rated")
    assert v2.reasons[0].startswith("passage 1 contradicts the claim (P=0.95): “The trainers did not go to Syria.”")
    read = {s.evidence_i for s in v1.sentences + v2.sentences}
    assert read <= {0, 1}  # nothing from the passage that is the article
    assert v3.label == "not_enough_evidence" and v3.reasons == ["no evidence was retrieved for this claim"]


def test_cross_claim_neutrals_stay_within_a_source_and_never_pair_a_claim_with_its_own_evidence():
    from veracity.lab.verify.datasets import NliPair
    from veracity.lab.verify.nli_data import cross_claim_neutrals

    pairs = [NliPair(f"claim {k}", f"evidence {k}", "entailment", "fm2", f"k{k // 2}") for k in range(20)]
    pairs += [NliPair(f"health {k}", f"abstract {k}", "neutral", "healthver", f"h{k}") for k in range(6)]
    pairs += [NliPair("only one", "alone", "entailment", "climate-fever", "c0")]
    got = cross_claim_neutrals(pairs, per_source=5, seed=1)
    assert len(got) == 10 and all(p.label == "neutral" and p.source == "cross-claim" for p in got)
    own = {p.claim: (p.key, p.evidence.split()[0]) for p in pairs}
    for p in got:
        key, kind = own[p.claim]
        owner = next(q for q in pairs if q.evidence == p.evidence)
        assert owner.key != key and p.key == key and owner.evidence.split()[0] == kind  # same source, other claim
    assert got == cross_claim_neutrals(pairs, per_source=5, seed=1)


def test_a_claims_verdict_does_not_depend_on_the_other_claims_checked_with_it():
    from veracity.verify.aggregate import get_aggregator
    from veracity.verify.nli import get_nli_model

    a = (
        "Canada sent 200 more soldiers to Iraq in 2016.",
        [
            "In 2016 Canada tripled its special forces trainers in northern Iraq to about 210.",
            "The Liberals did not promise to end all military involvement in Iraq.",
            "Ottawa is cold in winter.",
        ],
        [],
    )
    b = ("The mission cost 100 million dollars.",
         [f"Report {k}: the government has spent {k} million dollars on aircraft, trainers and fuel, officials said."
          for k in range(40)], [])  # fmt: skip
    alone = check_claims([a], get_nli_model(), get_aggregator(), mismatches=lambda c, e: [])[0]
    mixed = check_claims([b, a], get_nli_model(), get_aggregator(), mismatches=lambda c, e: [])[1]
    assert np.array_equal(np.stack([r.probs for r in alone.sentences]), np.stack([r.probs for r in mixed.sentences]))
    assert alone.probabilities == mixed.probabilities
