"""The task's measures. SI: precision/recall with partial-overlap credit; TC: micro-F1 over the gold spans.

SI (Da San Martino et al. 2020): per article, overlapping spans are merged (gold and predicted separately);
then with S the predicted and T the gold spans over all articles,
    P = (1/|S|) * sum_{s,t same article} |s ∩ t| / |s|,   R = (1/|T|) * sum_{s,t} |s ∩ t| / |t|.
TC: every gold span (article, start, end) gets one predicted technique; gold and predicted (article, technique,
start, end) tuples are matched as multisets (a span can carry several techniques), micro P/R/F1.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from veracity.lab.metrics import PRF
from veracity.persuasion.spans import LabelledSpan, merge_intervals


def _by_article(spans: list[LabelledSpan]) -> dict[str, list[tuple[int, int]]]:
    grouped: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for s in spans:
        grouped[s.article_id].append((s.start, s.end))
    return {a: merge_intervals(v) for a, v in grouped.items()}


def si_scores(predicted: list[LabelledSpan], gold: list[LabelledSpan]) -> PRF:
    pred, ref = _by_article(predicted), _by_article(gold)
    n_pred = sum(len(v) for v in pred.values())
    n_gold = sum(len(v) for v in ref.values())
    p_sum = r_sum = 0.0
    for article, spans in pred.items():
        for s_start, s_end in spans:
            for t_start, t_end in ref.get(article, []):
                overlap = min(s_end, t_end) - max(s_start, t_start)
                if overlap > 0:
                    p_sum += overlap / (s_end - s_start)
                    r_sum += overlap / (t_end - t_start)
    return PRF(p_sum / n_pred if n_pred else 0.0, r_sum / n_gold if n_gold else 0.0)  # partial credit, not counts


def tc_scores(predicted: list[LabelledSpan], gold: list[LabelledSpan]) -> PRF:
    key = lambda s: (s.article_id, s.technique, s.start, s.end)  # noqa: E731
    pred, ref = Counter(map(key, predicted)), Counter(map(key, gold))
    correct = sum((pred & ref).values())
    return PRF.of_counts(correct, sum(pred.values()), sum(ref.values()))
