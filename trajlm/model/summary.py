"""The summary token (session 21, docs/pretraining.md "Session 21"): a learned token appended
after each trajectory's last real point, whose final state is the trajectory embedding.

Opt-in through ``ModelConfig.summary_token`` (default False: no parameter, no change). With it
the model holds one learned vector ``summary_emb`` (C,), added to the input embedding of the
appended slot; that slot repeats the last real point (position and time, so its step features
are zero and rope_time gives it the last point's position). Attention is causal, so no real
point's state changes: the next-point loss is the same model's; only what is pooled differs.

    batch2, at = with_summary(batch)        # (B, T + 1) tensors, at (B,) the summary slots
    z = model(batch2).hidden[arange(B), at] # (B, C) the trajectory embeddings
    z = summary_state(model, batch)         # the same in one call
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

POINT_KEYS = ("pos", "t", "mask", "token_type")  # (B, T, ...) per-point tensors of a batch


def uses_summary(core) -> bool:
    """Whether a TrajectoryModel embeds trajectories by its summary token."""
    return bool(getattr(getattr(core, "config", None), "summary_token", False))


def with_summary(batch: dict) -> tuple[dict, torch.Tensor]:
    """The batch with one more slot per row, the summary token at each row's first padding
    slot (= its number of real points n), and (B,) those slots. The slot repeats the row's last
    real point (position, time) and is real in ``mask``; ``summary`` (B, T + 1) marks it.
    Padding must be at the end of each row (as every trajlm batch has it)."""
    mask = batch["mask"].bool()
    B = mask.shape[0]
    n = mask.sum(1)  # (B,) the summary slot of each row
    last = (n - 1).clamp(min=0)
    rows = torch.arange(B, device=mask.device)
    out = dict(batch)
    for k in POINT_KEYS:
        if k not in batch:
            continue
        v = batch[k]
        pad = (0, 0, 0, 1) if v.dim() == 3 else (0, 1)
        v = F.pad(v, pad)
        if k in ("pos", "t"):
            v[rows, n] = v[rows, last]
        elif k == "mask":
            v[rows, n] = True
        out[k] = v  # token_type: 0 (an ordinary point) at the slot
    summary = torch.zeros(B, mask.shape[1] + 1, dtype=torch.bool, device=mask.device)
    summary[rows, n] = True
    out["summary"] = summary
    return out, n


def summary_state(model, batch: dict, core=None) -> torch.Tensor:
    """(B, C) final states of the summary tokens of ``batch`` (model: a TrajectoryModel or a
    wrapper whose call returns one's output; core: the TrajectoryModel, for its config)."""
    core = model if core is None else core
    if not uses_summary(core):
        raise ValueError("summary_state needs a model built with ModelConfig.summary_token=True")
    if core.config.patch_size > 1 or core.config.points_out > 1:
        raise ValueError("summary_token needs patch_size 1 and patch_out 0")
    b, at = with_summary(batch)
    h = model(b).hidden  # (B, T + 1, C)
    return h[torch.arange(len(at), device=h.device), at]
