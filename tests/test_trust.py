"""Verdicts a reader can trust: the relatedness gate, precision thresholds, reported speech, fact-check collections
kept out of the evidence, and the consistency cases the real article showed."""

from __future__ import annotations

import json

import numpy as np
import pytest

from test_verification import KeywordNli, no_mismatches, toy_aggregator
from veracity.verify.aggregate import Aggregator
from veracity.verify.check import check_claims, decide
from veracity.verify.consistency import find_mismatches
from veracity.verify.relatedness import RelatednessGate, anchors
from veracity.verify.reported import reports_speech


class FixedEncoder:
    """Vectors by keyword: texts sharing a topic word point the same way."""

    TOPICS = ("trainers", "doughnut", "weather")

    def encode(self, texts, batch_size=None):
        out = np.zeros((len(texts), len(self.TOPICS) + 1), dtype=np.float32)
        for i, t in enumerate(texts):
            hits = [k for k, w in enumerate(self.TOPICS) if w in t.lower()]
            out[i, hits or [len(self.TOPICS)]] = 1
        return out / np.linalg.norm(out, axis=1, keepdims=True)


GATE = RelatednessGate(high=0.5, low=0.3)


def test_anchors_are_names_and_numbers_not_the_opening_word():
    assert anchors("Canada sent 70 trainers to Iraq in 2016.") == {"iraq", "70", "2016"}


def test_the_gate_keeps_a_sentence_off_topic_from_the_verifier():
    """A fact-check about a doughnut flier says nothing about trainers, whatever a verifier would make of it."""
    sents = ["The doughnut flier from Iraq was not real.", "Canada sent trainers to Iraq."]
    checks = check_claims([("Canada sent trainers to Iraq.", sents, [])], KeywordNli(), toy_aggregator(),
                          no_mismatches, gate=GATE, encoder=FixedEncoder())  # fmt: skip
    check = checks[0]
    assert check.read == [1] and check.label == "supported" and check.decisive == [1]
    assert check.sentences[0].probs.tolist() == [0.0, 1.0, 0.0]  # never read: no entailment, no contradiction
    # without the gate the same sentence reads as a contradiction
    open_gate = RelatednessGate(high=-1.0, low=-1.0)
    ungated = check_claims([("Canada sent trainers to Iraq.", sents, [])], KeywordNli(), toy_aggregator(),
                           no_mismatches, gate=open_gate, encoder=FixedEncoder())[0]  # fmt: skip
    assert ungated.sentences[0].probs[2] > 0.9


def test_the_shipped_gate_has_thresholds_chosen_on_validation():
    from veracity.verify.relatedness import get_gate

    gate = get_gate()
    assert 0 < gate.low <= gate.high < 1 and gate.card["related_kept"] >= 0.95


def test_a_verdict_below_its_threshold_is_withheld_with_its_leaning():
    assert decide(np.array([0.1, 0.6, 0.1, 0.2]), {"refuted": 0.8}) == ("not_enough_evidence", "refuted")
    assert decide(np.array([0.1, 0.85, 0.05, 0.0]), {"refuted": 0.8}) == ("refuted", None)
    assert decide(np.array([0.7, 0.1, 0.1, 0.1]), {"refuted": 0.8}) == ("supported", None)


def test_thresholds_travel_with_the_aggregator_and_mark_tentative_verdicts():
    agg = toy_aggregator()
    strict = Aggregator.from_json({**agg.to_json(), "thresholds": {"refuted": 0.999, "confident": 0.9}})
    sents = ["The trainers did not go to Syria."]
    loose = check_claims([("Canada sent trainers to Syria.", sents, [])], KeywordNli(), agg, no_mismatches,
                         gate=RelatednessGate(-1, -1), encoder=FixedEncoder())[0]  # fmt: skip
    held = check_claims([("Canada sent trainers to Syria.", sents, [])], KeywordNli(), strict, no_mismatches,
                        gate=RelatednessGate(-1, -1), encoder=FixedEncoder())[0]  # fmt: skip
    assert loose.label == "refuted" and not loose.tentative
    assert (held.label, held.leaning, held.tentative) == ("not_enough_evidence", "refuted", True)


def test_reported_speech_is_judged_as_said_with_the_content_beside_it():
    """The government did say it (a sentence reports its statement), and what it said is contradicted elsewhere:
    the claim as written is supported, its content refuted."""
    claim = "The government said that the trainers went to Syria."
    sents = ["The government said the trainers went to Syria.", "The trainers did not go to Syria."]
    check = check_claims([(claim, sents, [])], KeywordNli(), toy_aggregator(), no_mismatches,
                         gate=RelatednessGate(-1, -1), encoder=FixedEncoder())[0]  # fmt: skip
    assert check.label == "supported" and check.decisive == [0]
    assert check.content is not None and check.content.label == "disputed"  # one sentence each way on the content
    # nobody reported saying it: not enough evidence that it was said, whatever the content
    unsaid = check_claims([(claim, sents[1:], [])], KeywordNli(), toy_aggregator(), no_mismatches,
                          gate=RelatednessGate(-1, -1), encoder=FixedEncoder())[0]  # fmt: skip
    assert unsaid.label == "not_enough_evidence" and unsaid.content.label == "refuted"


def test_a_vague_speaker_frames_a_claim_about_the_world():
    """ "Many experts believe Y" names nobody whose statement could be checked: it is judged on Y."""
    from veracity.verify.reported import names_a_speaker

    assert names_a_speaker("Trudeau said that Canada will send 70 instructors.", "Canada will send 70 instructors")
    assert names_a_speaker("According to official statements of the Canadian government, the troops stayed.",
                           "The troops stayed.")  # fmt: skip
    assert not names_a_speaker("Many experts believe that the mission will end.", "The mission will end")
    claim = "Many experts believe that the trainers went to Syria."
    check = check_claims([(claim, ["The trainers did not go to Syria."], [])], KeywordNli(), toy_aggregator(),
                         no_mismatches, gate=RelatednessGate(-1, -1), encoder=FixedEncoder())[0]  # fmt: skip
    assert check.label == "refuted" and check.content is None


def test_sentences_that_report_speech():
    assert reports_speech("According to official statements, the troops stayed.")
    assert reports_speech("Officials told reporters the mission would end.")
    assert not reports_speech("The troops stayed in Erbil until May.")


def test_the_date_case_of_the_real_article():
    """ "covertly deployed JTF2 … in mid-2001" against "sent its first element secretly in October 2001": another
    verb for the same act, and months that do not meet."""
    claim = "Canada covertly deployed their Joint Task Force 2, elite special forces, in mid-2001."
    found = find_mismatches(claim, "Canada sent its first element of JTF2 secretly to Afghanistan in October 2001.")
    assert [m.kind for m in found] == ["date"] and "October 2001" in found[0].reason


@pytest.mark.parametrize("claim,evidence", [
    ("The government decided to send 70 instructors and six military aircraft to Iraq.",
     "The government initially committed 70 trainers as well as six jets."),
    ("Canada will triple the number of trainers in Iraq to about 210.",
     "Canada will roughly triple its trainers, to about 210."),
])  # fmt: skip
def test_counted_noun_synonyms_and_hedges_are_not_mismatches(claim, evidence):
    assert find_mismatches(claim, evidence) == []


def test_a_synonym_with_another_number_is_still_a_mismatch():
    found = find_mismatches("The government decided to send 70 instructors to Iraq.",
                            "The government initially sent 60 trainers.")  # fmt: skip
    assert [m.kind for m in found] == ["number"]


def test_fact_check_collections_are_matched_never_read_as_passages(tmp_path):
    from veracity.evidence import EvidenceStage
    from veracity.evidence.collections import add_documents, import_factchecks
    from veracity.evidence.store import Store
    from veracity.schema import Claim, Document, Report

    home = tmp_path / "home"
    store = Store(home)
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text("Canada sent 70 trainers to Iraq in 2014 to advise Kurdish forces.")
    add_documents(store, "news", [tmp_path / "news"])
    reviews = [{"@type": "ClaimReview", "url": "https://checks.example/1", "author": {"name": "Checker"},
                "claimReviewed": "Canada sent 70 trainers to Iraq", "reviewRating": {"alternateName": "True"}}]
    (tmp_path / "reviews.json").write_text(json.dumps(reviews))
    import_factchecks(store, "checks", tmp_path / "reviews.json")
    claim = Claim(id="c1", sentence_i=0, text="Canada sent 70 trainers to Iraq.", normalized="", checkworthiness=0.9,
                  kind="other")  # fmt: skip
    report = Report(document=Document(text="Canada sent 70 trainers to Iraq."), claims=[claim])
    stage = EvidenceStage(corpora=["news", "checks"], home=home)  # the fact-checks given as a corpus, as the form did
    report = stage(report)
    assert report.claims[0].evidence and {e.collection for e in report.claims[0].evidence} == {"news"}
    assert [f.collection for f in report.claims[0].factchecks] == ["checks"]


def test_the_paraphrase_of_the_real_case_is_not_refuted(tmp_path):
    """ "70 instructors and six military aircraft" against "70 trainers as well as six jets": the same fact in other
    words (the verifier read it as a contradiction, 0.75, before the paraphrase pairs and the synonyms)."""
    from conftest import EXAMPLE
    from veracity import AnalyzeOptions, analyze
    from veracity.evidence.collections import add_documents
    from veracity.evidence.store import Store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "impact.md").write_text(
        "# Operation IMPACT\n\nIn October 2014 the Conservative government initially committed 70 trainers as well "
        "as six jets to the coalition mission in Iraq.\n", encoding="utf-8")  # fmt: skip
    add_documents(Store(tmp_path / "home"), "impact", [corpus])
    report = analyze(EXAMPLE, options=AnalyzeOptions(corpora=("impact",), home=tmp_path / "home"))
    claim = next(c for c in report.claims if "70 instructors" in c.text)
    assert claim.verdict is not None and claim.verdict.examined >= 1
    assert claim.verdict.label != "refuted", claim.verdict.reasons


def test_the_false_promise_of_the_real_case_is_refuted_with_its_sentence(tmp_path):
    """The demo's claim that the Liberals' campaign promised to end all military involvement, against a source that
    says they did not: refuted, and the denying sentence is among the decisive ones (acceptance of issue 26)."""
    from conftest import EXAMPLE
    from veracity import AnalyzeOptions, analyze
    from veracity.evidence.collections import add_documents
    from veracity.evidence.store import Store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "promise.md").write_text(
        "# Trudeau changes the mission\n\nDuring the 2015 election campaign the Liberal Party promised to end "
        "Canada's combat air mission against ISIS and to focus on training local forces. The Liberals did not "
        "promise to end all military involvement in Iraq.\n", encoding="utf-8")  # fmt: skip
    add_documents(Store(tmp_path / "home"), "promise", [corpus])
    report = analyze(EXAMPLE, options=AnalyzeOptions(corpora=("promise",), home=tmp_path / "home"))
    claim = next(c for c in report.claims if "promise to put an end" in c.text)
    assert claim.verdict is not None and claim.verdict.label == "refuted", claim.verdict.reasons
    decisive = [s.text for s in claim.verdict.sentences if s.role == "decisive"]
    assert "The Liberals did not promise to end all military involvement in Iraq." in decisive


def test_every_renderer_sets_tentative_and_reported_speech_verdicts_apart():
    from veracity.render import Format, render
    from veracity.schema import (
        Claim,
        ContentVerdict,
        Document,
        Evidence,
        EvidenceSentence,
        Report,
        Verdict,
    )

    ev = [Evidence(passage_id=k, collection="news", text=t, score=0.5, bm25=1.0, cosine=0.5)
          for k, t in enumerate(["The government said the trainers went to Syria.", "They did not."])]  # fmt: skip
    sents = [EvidenceSentence(evidence_i=k, text=e.text, start=0, end=len(e.text), entailment=0.9, neutral=0.05,
                              contradiction=0.05, role="decisive") for k, e in enumerate(ev)]  # fmt: skip
    said = Verdict(label="supported", confidence=0.8, reasons=["passage 1 supports the claim"], sentences=sents,
                   content=ContentVerdict(label="refuted", confidence=0.7, cited=["passage 2"]))  # fmt: skip
    leaning = Verdict(label="not_enough_evidence", confidence=0.5, leaning="refuted", tentative=True)
    claims = [Claim(id="c1", sentence_i=0, text="The government said the trainers went to Syria.", normalized="",
                    checkworthiness=0.9, kind="quote", evidence=ev, verdict=said),
              Claim(id="c2", sentence_i=1, text="The trainers went to Syria.", normalized="", checkworthiness=0.8,
                    kind="other", evidence=ev, verdict=leaning)]  # fmt: skip
    text = "The government said the trainers went to Syria. The trainers went to Syria."
    report = Report(document=Document(text=text), claims=claims)
    md = render(report, Format.md)
    assert "said: supported" in md and "what was said: refuted (passage 2)" in md
    assert "Verdict, tentative: *not enough evidence (leans refuted)*" in md
    assert md.count("\n  - decisive, passage") == 2 and "”  - " not in md  # one evidence sentence per line
    page = render(report, Format.html)
    assert 'class="verdict not_enough_evidence tentative"' in page and "what was said: refuted" in page
    reviews = json.loads(render(report, Format.claimreview))
    names = {r["reviewRating"]["alternateName"] for r in reviews}
    assert "Not enough evidence (leans refuted)" in names
    assert any(n.startswith("Said: supported by the evidence; what was said: refuted") for n in names)


def test_a_precision_target_needs_enough_verdicts_to_be_believed():
    """10 right of 12 is 0.83, but its 95 % lower bound is far below a 0.80 target; 190 of 200 clears 0.90."""
    from veracity.lab.verify.train_verdict import wilson_lower

    assert 0.55 < wilson_lower(10, 12) < 0.65
    assert wilson_lower(190, 200) > 0.9
    assert wilson_lower(0, 0) == 0.0 and wilson_lower(5, 5) < 1.0


def test_a_verdict_does_not_depend_on_what_else_is_read_with_it():
    """int8 activations are scaled per batch: the verifier and the gate read one text (pair) per run, so a pair's
    probabilities and a claim's cosines are the same alone and among others."""
    from veracity.runtime import get_encoder
    from veracity.verify.nli import get_nli_model
    from veracity.verify.relatedness import cosines

    pair = ("Canada decided to send 70 instructors and six military aircraft to Iraq.",
            "Canada initially committed 70 trainers as well as six jets.")  # fmt: skip
    crowd = [pair, ("The Liberals did not promise to end all military involvement in Iraq.", "It rained. " * 40),
             ("Snow is expected in Ottawa.", "Forecasters said 30 cm could fall by Sunday.")]  # fmt: skip
    nli = get_nli_model()
    assert np.array_equal(nli.predict([pair])[0], nli.predict(crowd)[0])
    claim, sentences = pair[0], [pair[1], crowd[1][1]]
    alone = cosines(get_encoder(), [claim], [sentences])[0]
    among = cosines(get_encoder(), [claim, crowd[1][0], crowd[2][0]], [sentences, [crowd[2][1]], sentences])[0]
    assert np.array_equal(alone, among)


def test_pairs_shared_between_lanes_come_back_in_order_with_the_same_numbers():
    from veracity.verify.nli import NliModel

    pairs = [("Canada sent 70 instructors to Iraq.", "Canada initially committed 70 trainers as well as six jets."),
             ("Snow is expected in Ottawa.", "Forecasters said 30 cm could fall by Sunday in Ottawa, the capital."),
             ("The Liberals promised to end the mission.", "The Liberals did not promise to end it."),
             ("Ten.", "A much longer sentence about something else entirely, which sorts first of these.")]  # fmt: skip
    one, two = NliModel(threads=1), NliModel(threads=2)
    assert len(one.lanes) == 1 and len(two.lanes) == 2
    assert np.array_equal(one.predict(pairs), two.predict(pairs))
    assert np.array_equal(two.predict(pairs[2:3])[0], two.predict(pairs)[2])


def test_a_sentence_that_says_the_opposite_is_a_denial_not_a_detail():
    """ "did not promise" against "a promise" feeds the `denial` feature (which may only weigh toward refuted); a date
    that differs feeds `mismatch` (which may mean the sources disagree)."""
    from veracity.verify.aggregate import FEATURES

    claim = "The Liberals' campaign included a promise to put an end to all military involvement in Iraq."
    denied = check_claims([(claim, ["The Liberals did not promise to end all military involvement in Iraq."], [])],
                          KeywordNli(), toy_aggregator(), gate=RelatednessGate(-1, -1), encoder=FixedEncoder())[0]
    f = dict(zip(FEATURES, denied.features, strict=True))
    assert f["denial"] > 0 and f["mismatch"] == 0
    dated = check_claims([("Canada sent trainers to Iraq in 2015.", ["Canada sent trainers to Iraq in 2014."], [])],
                         KeywordNli(), toy_aggregator(), gate=RelatednessGate(-1, -1), encoder=FixedEncoder())[0]
    f = dict(zip(FEATURES, dated.features, strict=True))
    assert f["mismatch"] > 0 and f["denial"] == 0


def test_the_aggregation_keeps_a_denial_weighing_toward_refuted():
    from veracity.verify.aggregate import FEATURES, VERDICTS, get_aggregator

    w = get_aggregator().weights[:, FEATURES.index("denial")]
    assert w[VERDICTS.index("refuted")] == w.max() and w[VERDICTS.index("supported")] == w.min()
