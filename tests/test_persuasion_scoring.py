"""PTC reader and the SemEval-2020 task 11 scorers, on tiny synthetic data with hand-computed answers."""

from __future__ import annotations

import pytest

from veracity.errors import DataFormatError
from veracity.lab.persuasion.data import LabelledSpan, read_articles, read_labels, split_articles
from veracity.lab.persuasion.scoring import si_scores, tc_scores
from veracity.persuasion.spans import merge_intervals


def _span(a, s, e, t=None):
    return LabelledSpan(a, s, e, t)


def test_si_partial_overlap_credit():
    gold = [_span("1", 0, 10), _span("1", 20, 30)]
    predicted = [_span("1", 5, 15), _span("2", 0, 5)]  # half of a gold span; one in an article without gold
    scores = si_scores(predicted, gold)
    assert scores.precision == pytest.approx((5 / 10) / 2)  # |s∩t|/|s| summed, over 2 predictions
    assert scores.recall == pytest.approx((5 / 10) / 2)  # |s∩t|/|t| summed, over 2 gold spans
    assert si_scores(gold, gold).f1 == 1.0


def test_si_merges_overlapping_spans_first():
    assert merge_intervals([(5, 9), (0, 6), (12, 14)]) == [(0, 9), (12, 14)]
    gold = [_span("1", 0, 6), _span("1", 4, 10)]  # one region 0-10
    assert si_scores([_span("1", 0, 10)], gold).f1 == 1.0


def test_tc_micro_f1_over_gold_spans():
    gold = [_span("1", 0, 10, "Doubt"), _span("1", 0, 10, "Loaded_Language"), _span("2", 3, 8, "Slogans")]
    predicted = [_span("1", 0, 10, "Doubt"), _span("1", 0, 10, "Doubt"), _span("2", 3, 8, "Slogans")]
    scores = tc_scores(predicted, gold)
    assert scores.precision == pytest.approx(2 / 3) and scores.recall == pytest.approx(2 / 3)


def test_reader_checks_labels_against_articles(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "article7.txt").write_text("Evil traitors.\r\nThey lie.", encoding="utf-8", newline="")
    articles = read_articles(tmp_path / "a")
    assert articles == {"7": "Evil traitors.\r\nThey lie."}
    (tmp_path / "tc").mkdir()
    (tmp_path / "tc" / "article7.task-flc-tc.labels").write_text("7\tName_Calling,Labeling\t0\t13\n")
    spans = read_labels(tmp_path / "tc", with_technique=True, articles=articles)
    assert articles["7"][spans[0].start : spans[0].end] == "Evil traitors"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("7\tDoubt\t0\n", "expected 4 tab-separated columns"),
        ("7\tDoubt\tx\t5\n", "must be integers"),
        ("7\tDoubt\t9\t5\n", "need 0 <= start < end"),
        ("7\tSarcasm\t0\t5\n", "unknown technique"),
        ("8\tDoubt\t0\t5\n", "no article 8"),
        ("7\tDoubt\t0\t500\n", "past the article's end"),
    ],
)
def test_malformed_labels_give_a_clear_error(tmp_path, line, message):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "article7.txt").write_text("Evil traitors. They lie.", encoding="utf-8")
    (tmp_path / "tc").mkdir()
    (tmp_path / "tc" / "x.labels").write_text(line)
    with pytest.raises(DataFormatError, match=message):
        read_labels(tmp_path / "tc", with_technique=True, articles=read_articles(tmp_path / "a"))


def test_article_split_is_stable_and_disjoint():
    ids = [str(i) for i in range(1000, 1310)]
    train, dev = split_articles(ids)
    assert split_articles(list(reversed(ids))) == (train, dev)
    assert not set(train) & set(dev) and len(train) + len(dev) == 310 and 40 <= len(dev) <= 85


def test_span_rule_hysteresis_keeps_runs_that_reach_the_high_threshold():
    import numpy as np

    from veracity.persuasion.units import SpanRule, Unit, spans_from_tokens

    unit = Unit("1", [0] * 8, [(0, 0), (0, 3), (4, 7), (8, 11), (12, 15), (16, 19), (20, 23), (0, 0)])
    probs = np.array([0.0, 0.4, 0.9, 0.1, 0.1, 0.45, 0.4, 0.0])
    # tokens 1-2 form a run reaching 0.9; tokens 5-6 never reach 0.7
    assert spans_from_tokens(unit, probs, SpanRule(0.35, 0.7, 1)) == [(0, 7, 0.65)]
    # a gap of two tokens is bridged with max_gap=2: one span over tokens 1-6
    assert [s[:2] for s in spans_from_tokens(unit, probs, SpanRule(0.35, 0.7, 2))] == [(0, 23)]


def test_units_are_lines_and_map_every_token_back_to_the_text():
    from veracity.persuasion.units import make_units
    from veracity.runtime import raw_tokenizer

    lines = ["A short first line.", "", "Then a second one, with more words in it.", "x " * 40]
    text = "\n".join(lines) + "\n"
    units = make_units("1", text, raw_tokenizer(), max_tokens=24)
    tokens = [(s, e) for u in units for s, e in u.offsets if e > s]
    assert [text[s:e].lower() for s, e in tokens] == raw_tokenizer().encode(text, add_special_tokens=False).tokens
    assert all(len(u.ids) <= 24 for u in units)
    # one window per line; the 40-token line is cut into windows of 22 wordpieces (+ [CLS], [SEP])
    assert [len(u.ids) - 2 for u in units] == [5, 11, 22, 18]


def test_technique_features_read_the_span_in_its_sentence(monkeypatch):
    import numpy as np

    from veracity.persuasion import technique

    text = "Officials met on Monday. The traitors lied again! Nobody was surprised.\nNew paragraph here."
    start = text.index("traitors")
    assert technique._sentence_bounds(text, start, start + 8) == (text.index("The"), text.index("Nobody"))
    # a span crossing sentences widens the context to both; never past the line end
    assert technique._sentence_bounds(text, start, text.index("Nobody") + 3) == (text.index("The"), text.index("\n"))
    spans = [LabelledSpan("1", start, start + 8), LabelledSpan("1", 0, 9)]
    features = technique.span_features({"1": text}, spans)
    assert features.shape == (2, 3 * 384 + 6 + len(technique.CUES) + 4) and np.isfinite(features).all()
    # the span's own embedding differs from its tokens read in context
    assert abs(float(features[0, :384] @ features[0, 384:768])) < 0.99


def test_a_technique_classifier_on_another_encoder_reads_it_from_its_folder(tmp_path):
    """A teacher's classifier (features of another encoder) loads that encoder from beside it; a missing encoder
    is a clear error, not the shipped MiniLM's features under the teacher's weights."""
    import json
    import shutil

    import numpy as np
    import pytest

    from veracity.errors import ModelUnavailable
    from veracity.persuasion import technique
    from veracity.runtime import ENCODER_FILE, TOKENIZER_FILE, model_path

    text = "The traitors lied again! Nobody was surprised."
    spans = [LabelledSpan("1", 4, 12), LabelledSpan("1", 25, 45)]
    shipped = technique.span_features({"1": text}, spans)
    rng = np.random.default_rng(0)
    model = technique.TechniqueClassifier(coef_=rng.normal(size=(14, shipped.shape[1])).astype(np.float32),
                                          intercept_=np.zeros(14, dtype=np.float32))  # fmt: skip
    model.save(tmp_path)
    card = tmp_path / f"{technique.MODEL_NAME}.json"
    card.write_text(json.dumps(json.loads(card.read_text()) | {"encoder": technique.ENCODER_FILE}))
    with pytest.raises(ModelUnavailable, match="needs its encoder"):
        technique.TechniqueClassifier.load(tmp_path)
    # the folder's encoder (here a copy of the MiniLM) gives the features and the labels
    shutil.copyfile(model_path(ENCODER_FILE), tmp_path / technique.ENCODER_FILE)
    shutil.copyfile(model_path(TOKENIZER_FILE), tmp_path / technique.ENCODER_TOKENIZER)
    loaded = technique.TechniqueClassifier.load(tmp_path)
    assert loaded.encoder is not None and loaded.encoder.width == 384
    np.testing.assert_allclose(technique.span_features({"1": text}, spans, loaded.encoder), shipped, atol=1e-5)
    assert [s.technique for s in loaded.label({"1": text}, spans)] == [
        technique.TECHNIQUES[k] for k in model.predict(shipped)
    ]
