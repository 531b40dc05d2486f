"""Verifier training material read into `NliPair`s: the shared NLI and fact-verification sets, COVID-Fact, pairs
generated from news sentences (lab/verify/perturb.py, lab/verify/paraphrase.py), claims read against another claim's
evidence, and the split each pair falls in (lab/verify/datasets.py `part`)."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Protocol

from veracity.lab.verify.datasets import NliPair, hash_bucket, part, read_pairs


class GenerationConfig(Protocol):
    """What the pair generators read of the training configuration (train_nli.NliConfig)."""

    seed: int
    max_news_texts: int
    generated_per_sentence: int
    unrelated_pairs: int
    honest_per_sentence: int

SOURCES = {"snli": "snli/snli_dev_test.jsonl", "fever-rte": "fever-rte/dev.jsonl", "fm2": "fm2/dev.jsonl",
           "healthver": "healthver/healthver_dev.csv", "climate-fever": "climate-fever/dev.jsonl"}  # fmt: skip
COVIDFACT = "covidfact/COVIDFACT_dataset.jsonl"


def split_of(p: NliPair) -> str:
    """SNLI, FEVER-RTE, COVID-Fact and generated pairs have no report part: 8 % of their keys validate."""
    got = part(p.source, p.key)
    if p.source in ("snli", "fever-rte", "covidfact", "generated", "unrelated", "honest"):
        return "validation" if got == "validation" and hash_bucket(f"share:{p.source}:{p.key}") < 0.55 else "train"
    return got


def read_covidfact(path: Path) -> list[NliPair]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            label = {"SUPPORTED": "entailment", "REFUTED": "contradiction"}[r["label"]]
            out.append(NliPair(r["claim"], " ".join(r["evidence"][:3]), label, "covidfact", r["gold_source"]))
    return out


def generated_pairs(news: list[Path], config: GenerationConfig, log=print) -> list[NliPair]:
    """Edited news sentences (perturb.py) and unrelated-sentence neutrals, keyed by article for the split."""
    from veracity.errors import VeracityError
    from veracity.evidence.readers import iter_files, read_file
    from veracity.lab.verify.paraphrase import generate_honest_pairs
    from veracity.lab.verify.perturb import generate_pairs
    from veracity.nlp import get_spacy

    texts: list[tuple[str, str]] = []
    for path in iter_files(news):
        try:
            docs = enumerate(read_file(path))
            texts += [(f"{path}#{k}", " ".join(d.text[:6000].split())) for k, d in docs if len(d.text) > 200]
        except VeracityError as exc:
            log(f"skipped {path}: {exc}")
    rng = random.Random(config.seed)
    rng.shuffle(texts)
    texts = texts[: config.max_news_texts]
    started = time.perf_counter()
    out: list[NliPair] = []
    sentences: list[tuple[str, str]] = []
    nlp = get_spacy()
    for (key, _), doc in zip(texts, nlp.pipe([t for _, t in texts], batch_size=32), strict=True):
        for g in generate_pairs([doc], seed=rng.randrange(1 << 30), per_sentence=config.generated_per_sentence):
            out.append(NliPair(g.claim, g.evidence, g.label, "generated", key))
        sentences += [(key, s.text) for s in doc.sents if 8 <= len(s) <= 45]
        if config.honest_per_sentence:
            for g in generate_honest_pairs([doc], seed=rng.randrange(1 << 30), per_sentence=config.honest_per_sentence):
                out.append(NliPair(g.claim, g.evidence, g.label, "honest", key))
    for _ in range(config.unrelated_pairs):  # a claim against a sentence of another article says nothing
        (k1, s1), (k2, s2) = rng.sample(sentences, 2)
        if k1 != k2:
            out.append(NliPair(s1, s2, "neutral", "unrelated", k1))
    log(f"generated {len(out)} pairs from {len(texts)} news texts in {time.perf_counter() - started:.0f} s")
    return out


def collect_pairs(data_dir: Path, news: list[Path], config: GenerationConfig, log=print) -> list[NliPair]:
    pairs: list[NliPair] = []
    for source, rel in SOURCES.items():
        got = read_pairs(data_dir / rel, source)
        log(f"{source}: {len(got)} pairs")
        pairs += got
    if (data_dir / COVIDFACT).is_file():
        pairs += read_covidfact(data_dir / COVIDFACT)
    if news:
        pairs += generated_pairs(news, config, log)
    return pairs


CROSS_CLAIM_SOURCES = ("fm2", "healthver", "climate-fever", "covidfact", "fever-rte")


def cross_claim_neutrals(pairs: list[NliPair], per_source: int, seed: int) -> list[NliPair]:
    """Each chosen claim paired with the evidence of a different claim of the same source (neutral). Call it on
    one split at a time, so claims and evidence never cross a split."""
    rng = random.Random(seed)
    out = []
    for source in CROSS_CLAIM_SOURCES:
        mine = [p for p in pairs if p.source == source]
        if len({p.key for p in mine}) < 2:
            continue
        for p in rng.sample(mine, min(per_source, len(mine))):
            tries = (rng.choice(mine) for _ in range(50))  # bounded: a claim repeated under every key has no partner
            other = next((q for q in tries if q.key != p.key and q.claim != p.claim), None)
            if other is not None:
                out.append(NliPair(p.claim, other.evidence, "neutral", "cross-claim", p.key))
    return out


def cap_sources(pairs: list[NliPair], cap: int, seed: int) -> list[NliPair]:
    """At most `cap` pairs of each source (a fixed random sample); all if `cap` is 0."""
    if not cap:
        return pairs
    rng = random.Random(seed)
    by_source: dict[str, list[NliPair]] = {}
    for p in pairs:
        by_source.setdefault(p.source, []).append(p)
    return [p for group in by_source.values() for p in (rng.sample(group, cap) if len(group) > cap else group)]


