"""Fit the relatedness gate (verify/relatedness.py): `veracity train relatedness`.

Pairs from the validation parts only (lab/verify/datasets.py), none from the report parts:
- related: a claim and an evidence sentence labelled as supporting or refuting it (Climate-FEVER, Fool Me Twice
  gold evidence sentence by sentence, HealthVer, COVID-Fact);
- unrelated: a claim and a sentence of another claim's evidence in the same set, and off-topic news pairs
  (lab/verify/paraphrase.py: one article, the same name, another event).
The thresholds (low, high) are the pair that rejects most unrelated pairs while keeping at least `keep` of the
related ones (a decisive sentence lost is a verdict lost).
"""

from __future__ import annotations

import json
import random
import time
from datetime import date
from pathlib import Path

import numpy as np

from veracity.lab.verify.datasets import part, read_claims
from veracity.verify.relatedness import RELATEDNESS_NAME, RelatednessGate, anchors, cosines

DECIDING = ("entailment", "contradiction")


def validation_pairs(data_dir: Path, news: list[Path], seed: int = 5, log=print) -> list[tuple[str, str, bool, str]]:
    """(claim, sentence, related, source) pairs from the validation parts."""
    rng = random.Random(seed)
    out: list[tuple[str, str, bool, str]] = []
    files = {"climate-fever": "climate-fever/dev.jsonl", "fm2": "fm2/dev.jsonl",
             "healthver": "healthver/healthver_dev.csv"}  # fmt: skip
    for source, rel in files.items():
        claims = [c for c in read_claims(data_dir / rel, source) if part(source, c.claim_id) == "validation"]
        related = [(c.claim, e) for c in claims for e, lab in zip(c.evidences, c.evidence_labels, strict=False)
                   if lab in DECIDING]  # fmt: skip
        out += [(c, e, True, source) for c, e in related]
        for c in claims:
            other = rng.choice(claims)
            if other.claim != c.claim and other.evidences:
                out.append((c.claim, rng.choice(other.evidences), False, source))
    covid = data_dir / "covidfact/COVIDFACT_dataset.jsonl"
    if covid.is_file():
        rows = [json.loads(line) for line in covid.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows = [r for r in rows if part("covidfact", r["gold_source"]) == "validation" and r["evidence"]]
        out += [(r["claim"], r["evidence"][0], True, "covidfact") for r in rows]
        out += [(r["claim"], rng.choice(rng.choice(rows)["evidence"]), False, "covidfact") for r in rows]
    if news:
        out += _off_topic(news, rng, log)
    return out


def _off_topic(news: list[Path], rng: random.Random, log) -> list[tuple[str, str, bool, str]]:
    from veracity.evidence.readers import iter_files, read_file
    from veracity.lab.verify.datasets import hash_bucket
    from veracity.lab.verify.paraphrase import off_topic_pairs
    from veracity.nlp import get_spacy

    texts = [" ".join(d.text[:6000].split()) for path in iter_files(news) for d in _safe(read_file, path)
             if len(d.text) > 200 and 0.45 <= hash_bucket(f"share:honest:{path}") < 0.6]  # fmt: skip
    rng.shuffle(texts)
    out = []
    for doc in get_spacy().pipe(texts[:150], batch_size=32):
        sents = [s for s in doc.sents if 8 <= len(s) <= 45]
        out += [(p.claim, p.evidence, False, "off-topic") for p in off_topic_pairs(sents, rng, 3)]
    log(f"off-topic pairs: {len(out)}")
    return out


def _safe(read, path):
    from veracity.errors import VeracityError

    try:
        return list(read(path))
    except VeracityError:
        return []


def fit_gate(pairs, encoder=None, keep: float = 0.97) -> RelatednessGate:
    from veracity.runtime import get_encoder

    encoder = encoder or get_encoder()
    cos = np.concatenate(cosines(encoder, [c for c, *_ in pairs], [[s] for _, s, *_ in pairs]))
    shared = np.array([bool(anchors(c) & anchors(s)) for c, s, *_ in pairs])
    related = np.array([r for _, _, r, _ in pairs])
    best = None
    grid = np.round(np.arange(0.0, 0.81, 0.01), 2)
    for low in grid:
        for high in grid[grid >= low]:
            passed = (cos >= high) | ((cos >= low) & shared)
            kept = passed[related].mean()
            rejected = (~passed[~related]).mean()
            if kept >= keep and (best is None or rejected > best[0] or (rejected == best[0] and kept > best[1])):
                best = (rejected, kept, float(low), float(high))
    rejected, kept, low, high = best
    passed = (cos >= high) | ((cos >= low) & shared)
    sources = sorted({p[3] for p in pairs})
    per_source = {s: {"pairs": int(sum(p[3] == s for p in pairs)),
                      "related_kept": _share(passed, related, [p[3] == s for p in pairs], True),
                      "unrelated_rejected": _share(passed, related, [p[3] == s for p in pairs], False)}
                  for s in sources}  # fmt: skip
    card = {"keep_target": keep, "related_kept": round(float(kept), 4),
            "unrelated_rejected": round(float(rejected), 4), "per_source": per_source,
            "related_pairs": int(related.sum()), "unrelated_pairs": int((~related).sum())}
    return RelatednessGate(high, low, card)


def _share(passed, related, mask, want_related: bool) -> float | None:
    m = np.array(mask) & (related if want_related else ~related)
    if not m.any():
        return None
    return round(float(passed[m].mean() if want_related else (~passed[m]).mean()), 4)


def train_relatedness(data_dir: Path, news: list[Path], out_dir: Path, keep: float = 0.97, log=print) -> dict:
    t0 = time.perf_counter()
    pairs = validation_pairs(data_dir, news, log=log)
    gate = fit_gate(pairs, keep=keep)
    card = {"name": RELATEDNESS_NAME, "high": gate.high, "low": gate.low,
            "rule": "related if cosine >= high, or cosine >= low and the claim and sentence share a name or number",
            "encoder": "all-MiniLM-L6-v2 int8 (models/minilm-l6-int8.onnx), mean pooled, L2-normalised",
            "data": "validation parts of Climate-FEVER, Fool Me Twice, HealthVer, COVID-Fact (lab/verify/datasets.py); "
                    "off-topic pairs from validation news articles (lab/verify/paraphrase.py)",
            **gate.card, "seconds": round(time.perf_counter() - t0, 1), "fitted_on": date.today().isoformat(),
            "command": "veracity train relatedness --news ../shared/data/articles/horne2017"}  # fmt: skip
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{RELATEDNESS_NAME}.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    log(json.dumps({k: card[k] for k in ("high", "low", "related_kept", "unrelated_rejected")}))
    return card
