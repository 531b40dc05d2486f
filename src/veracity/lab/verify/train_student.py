"""Unlabelled in-domain pairs for distilling the MPNet teacher into the MiniLM student (lab/verify/train_nli.py with
`--teacher`): claims written like the ones veracity checks, each read against the news sentences most like it.

- FNC-1 headlines against sentences of their own article body (the closest two by embedding, and one other);
- LIAR statements (PolitiFact) and Snopes fact-checked claims against the closest sentences of the FNC-1, Horne &
  Adali and FakeNewsCorpus articles — mostly unrelated or on the topic without deciding it, which is exactly what
  the verifier meets in a corpus.
Nothing is labelled: the teacher's probabilities are the targets. Pairs are keyed by article or claim so the
fixed hash split keeps them apart from validation.
"""

from __future__ import annotations

import csv
import json
import random
import time
from pathlib import Path

import numpy as np

from veracity.lab.verify.datasets import NliPair, hash_bucket

UNLABELLED = "unlabelled"


def _sentences(text: str) -> list[str]:
    from veracity.evidence.passages import sentence_spans

    out = [" ".join(text[a:b].split()) for a, b in sentence_spans(text)]
    return [s for s in out if 6 <= len(s.split()) <= 60]


def fnc_headlines(shared: Path, rng: random.Random, limit: int) -> tuple[list[tuple[str, str, list[str]]], list[str]]:
    """(headline, body id, body sentences) for related headline/body pairs, and every body sentence."""
    folder = shared / "stance/fnc1"
    with (folder / "train_bodies.csv").open(encoding="utf-8", newline="") as f:
        bodies = {r["Body ID"]: _sentences(r["articleBody"]) for r in csv.DictReader(f)}
    with (folder / "train_stances.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["Stance"] != "unrelated" and bodies.get(r["Body ID"])]
    rng.shuffle(rows)
    seen, out = set(), []
    for r in rows:
        if r["Headline"] not in seen and len(out) < limit:
            seen.add(r["Headline"])
            out.append((r["Headline"], r["Body ID"], bodies[r["Body ID"]]))
    return out, [s for group in bodies.values() for s in group]


def factcheck_claims(shared: Path, rng: random.Random, limit: int) -> list[str]:
    liar = shared / "factchecks/liar/train.tsv"
    out = [row[2] for row in csv.reader(liar.open(encoding="utf-8"), delimiter="\t") if len(row) > 2]
    snopes = shared / "factchecks/snopes-ct22/vclaims.jsonl"
    out += [json.loads(line)["vclaim"] for line in snopes.open(encoding="utf-8") if line.strip()]
    out = [c for c in dict.fromkeys(" ".join(c.split()) for c in out) if 6 <= len(c.split()) <= 60]
    rng.shuffle(out)
    return out[:limit]


def distillation_pairs(shared: Path, n: int, encoder=None, seed: int = 21, log=print) -> list[NliPair]:
    """About `n` unlabelled (claim, sentence) pairs, half from FNC-1 headlines, half from fact-checked claims."""
    from veracity.runtime import get_encoder

    encoder = encoder or get_encoder()
    rng = random.Random(seed)
    t0 = time.perf_counter()
    headlines, pool = fnc_headlines(shared, rng, n // 6)
    out: list[NliPair] = []
    for headline, body, sents in headlines:
        vecs = encoder.encode([headline, *sents])
        order = np.argsort(-(vecs[1:] @ vecs[0]))
        chosen = [sents[k] for k in order[:2]] + ([sents[rng.choice(order[2:])]] if len(order) > 2 else [])
        out += [NliPair(headline, s, UNLABELLED, "fnc-headline", f"fnc:{body}") for s in chosen]
    pool = list(dict.fromkeys(pool))
    pool_vecs = encoder.encode(pool)
    claims = factcheck_claims(shared, rng, n // 4)
    claim_vecs = encoder.encode(claims)
    for claim, vec in zip(claims, claim_vecs, strict=True):
        for k in np.argsort(-(pool_vecs @ vec))[:2]:
            out.append(NliPair(claim, pool[int(k)], UNLABELLED, "factcheck-claim", f"claim:{claim}"))
    out = [p for p in out if hash_bucket(f"veracity:distil:{p.key}") < 0.9]  # a tenth kept out of training
    log(f"distillation pairs: {len(out)} ({len(headlines)} headlines, {len(claims)} claims, {len(pool)} pool "
        f"sentences) in {time.perf_counter() - t0:.0f} s")  # fmt: skip
    return out
