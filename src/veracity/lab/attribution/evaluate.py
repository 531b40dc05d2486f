"""Speaker-detection precision and recall on a labelled JSONL set (tests/data/attribution_gold.jsonl).

A line: {"text", "context", "speaker" ("author" for the article's own voice), "speaker_type", "mode", "cue",
"hedges", "anonymous"}; "anonymous" (whether the speaker is an unnamed source) is optional: without it a line counts
as anonymous when its speaker_type is "anonymous", so older files keep their meaning.
A prediction counts as attributed when its speaker is not "author". It is correct when the normalised speakers
are equal, or one contains the other as whole words and they share the head (last) word ("Reuters
correspondent" vs "a Reuters correspondent").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from veracity.errors import DataFormatError
from veracity.jsonl import iter_jsonl
from veracity.lab.metrics import PRF
from veracity.schema import Attribution

_REQUIRED = ("text", "speaker")


def normalise_speaker(name: str) -> list[str]:
    name = re.sub(r"['’]s\b", "", name.lower())
    words = re.findall(r"[a-z0-9]+", name)
    return words[1:] if words[:1] == ["the"] else words


def speakers_match(pred: str, gold: str) -> bool:
    p, g = normalise_speaker(pred), normalise_speaker(gold)
    if not p or not g:
        return False
    if p == g:
        return True
    short, long_ = (p, g) if len(p) <= len(g) else (g, p)
    inside = any(long_[k : k + len(short)] == short for k in range(len(long_) - len(short) + 1))
    return inside and p[-1] == g[-1] or inside and len(short) >= 2


@dataclass
class AttributionScores:
    n: int = 0
    gold_attributed: int = 0
    predicted_attributed: int = 0
    correct_attributed: int = 0
    correct_author: int = 0
    # Anonymous-source flags, scored on every line: (flagged right, flagged, anonymous in the labels).
    anonymous_correct: int = 0
    anonymous_predicted: int = 0
    anonymous_gold: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def prf(self) -> PRF:
        """A prediction is correct only when its speaker matches, so this is not a plain confusion matrix."""
        return PRF.of_counts(self.correct_attributed, self.predicted_attributed, self.gold_attributed)

    @property
    def precision(self) -> float:
        return self.prf.precision

    @property
    def recall(self) -> float:
        return self.prf.recall

    @property
    def f1(self) -> float:
        return self.prf.f1

    @property
    def anonymous_prf(self) -> PRF:
        return PRF.of_counts(self.anonymous_correct, self.anonymous_predicted, self.anonymous_gold)

    @property
    def accuracy(self) -> float:
        return (self.correct_attributed + self.correct_author) / self.n if self.n else 0.0


def load_gold(path: Path) -> list[dict]:
    rows = []
    for k, row in iter_jsonl(path, strict_utf8=True):
        missing = [key for key in _REQUIRED if not isinstance(row.get(key), str)]
        if missing:
            raise DataFormatError(f"{path}:{k}: missing {', '.join(missing)}")
        if not isinstance(row.get("anonymous", False), bool):
            raise DataFormatError(f"{path}:{k}: anonymous must be true or false")
        rows.append(row)
    if not rows:
        raise DataFormatError(f"{path}: no labelled sentences")
    return rows


def gold_anonymous(row: dict) -> bool:
    return row.get("anonymous", row.get("speaker_type") == "anonymous")


def predict_attribution(text: str, context: str = "") -> Attribution:
    """Run nlp + attribution over context and sentence; the sentence's attribution (first non-author part)."""
    from veracity.attribution import AttributionStage
    from veracity.nlp import NLPStage
    from veracity.schema import Document, Report

    full = f"{context} {text}" if context else text
    report = AttributionStage()(NLPStage()(Report(document=Document(text=full))))
    offset = len(full) - len(text)
    parts = [s.attribution for s in report.sentences if s.end > offset and s.attribution]
    author = Attribution(speaker="author", speaker_type="author", mode="author")
    return next((a for a in parts if a.speaker != "author"), parts[0] if parts else author)


def predict_speaker(text: str, context: str = "") -> str:
    return predict_attribution(text, context).speaker


def evaluate(rows: list[dict]) -> AttributionScores:
    scores = AttributionScores()
    for row in rows:
        predicted = predict_attribution(row["text"], row.get("context") or "")
        gold, pred = row["speaker"], predicted.speaker
        anon_gold, anon_pred = gold_anonymous(row), predicted.anonymous
        scores.anonymous_gold += anon_gold
        scores.anonymous_predicted += anon_pred
        scores.anonymous_correct += anon_gold and anon_pred
        if anon_gold != anon_pred:
            scores.errors.append(f"anonymous gold={anon_gold} pred={anon_pred}: {row['text']}")
        scores.n += 1
        gold_attr, pred_attr = gold != "author", pred != "author"
        scores.gold_attributed += gold_attr
        scores.predicted_attributed += pred_attr
        if gold_attr and pred_attr and speakers_match(pred, gold):
            scores.correct_attributed += 1
        elif not gold_attr and not pred_attr:
            scores.correct_author += 1
        else:
            scores.errors.append(f"gold={gold!r} pred={pred!r}: {row['text']}")
    return scores
