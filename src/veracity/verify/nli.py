"""The verifier: does an evidence sentence entail, contradict or say nothing about a claim?

A MiniLM cross-encoder (int8 ONNX) reads "[CLS] claim [SEP] evidence [SEP]" and returns probabilities of
entailment / neutral / contradiction. Trained here: lab/verify/train_nli.py; card: models/nli-minilm.json.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np

from veracity.errors import InputError, ModelUnavailable
from veracity.runtime import (
    load_tokenizer,
    model_card,
    models_dir,
    onnx_session,
    onnx_threads,
    softmax,
    tokenized_batches,
)

NLI_NAME = "nli-minilm"
# --verifier: the fast student ships by default; the accurate MPNet-base teacher is an opt-in artifact.
VERIFIERS = {"fast": NLI_NAME, "accurate": "nli-mpnet"}
LABELS = ("entailment", "neutral", "contradiction")  # the output columns, in order (lab data sets use it too)
MAX_TOKENS = 128
# One pair per run. Activations are quantised dynamically, with one scale over the whole batch, so pairs batched
# together moved each other's probabilities (by ~0.02 on average on 886 validation pairs, up to 0.30 on the demo's;
# the label changed for 2-9 %): a claim's verdict depended on which other sentences were read with it. Alone, a pair's
# probabilities are a function of the pair; validation accuracy is the same either way. One pair is too small a
# job for two threads, so the pairs are shared between one single-threaded session per core instead (twice the
# pairs/s of one two-threaded session, more than batches of 16 gave; the same numbers).
BATCH_SIZE = 1


class NliModel:
    def __init__(self, model_dir: Path | None = None, threads: int = 2, name: str = NLI_NAME,
                 max_tokens: int = MAX_TOKENS) -> None:  # fmt: skip
        folder = Path(model_dir or models_dir())
        path = folder / f"{name}.onnx"
        if not path.is_file():
            how = ("the accurate verifier is not shipped; build it with make train-env, then veracity train nli "
                   "--base mpnet (see models/README.md)") if name != NLI_NAME else "train it: veracity train nli"
            raise ModelUnavailable(f"verifier model missing: {path} ({how})")
        own = folder / f"{name}.tokenizer.json"  # a verifier on another encoder (MPNet) brings its tokenizer
        # one lane (a single-threaded session and its tokenizer) per core
        self.lanes = [(onnx_session(path, 1), load_tokenizer(max_tokens, own if own.is_file() else None))
                      for _ in range(max(1, onnx_threads(threads)))]  # fmt: skip
        self.session, self.tokenizer = self.lanes[0]
        self.model_hash = f"{path.stat().st_size}:{path.stat().st_mtime_ns}"  # tells caches which model scored
        self.card = model_card(name) if model_dir is None else {}
        self.name = name

    def predict(self, pairs: list[tuple[str, str]], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """[n, 3] probabilities (entailment, neutral, contradiction) for (claim, evidence) pairs, in order."""
        out = np.zeros((len(pairs), 3), dtype=np.float32)
        order = sorted(range(len(pairs)), key=lambda i: -(len(pairs[i][0]) + len(pairs[i][1])))
        shares = [order[k :: len(self.lanes)] for k in range(len(self.lanes))]  # longest first, dealt round
        shares = [share for share in shares if share]
        if len(shares) <= 1:
            self._run(self.lanes[0], pairs, order, out, batch_size)
        else:
            with ThreadPoolExecutor(len(shares)) as pool:  # onnxruntime releases the GIL while it runs
                list(pool.map(lambda lane, share: self._run(lane, pairs, share, out, batch_size),
                              self.lanes[: len(shares)], shares))  # fmt: skip
        return out

    def _run(self, lane, pairs: list[tuple[str, str]], rows: list[int], out: np.ndarray, batch_size: int) -> None:
        session, tokenizer = lane
        mine = [pairs[i] for i in rows]
        lengths = [len(c) + len(e) for c, e in mine]
        for idx, feeds, _ in tokenized_batches(tokenizer, session, mine, batch_size, lengths):
            feeds.pop("token_type_ids", None)  # exported without them (all zeros in training)
            out[[rows[i] for i in idx]] = softmax(session.run(None, feeds)[0])


def verifier_name(verifier: str = "fast") -> str:
    if verifier not in VERIFIERS:
        raise InputError(f"--verifier is one of {', '.join(VERIFIERS)}, not {verifier!r}")
    return VERIFIERS[verifier]


@cache
def get_nli_model(verifier: str = "fast") -> NliModel:
    return NliModel(name=verifier_name(verifier))
