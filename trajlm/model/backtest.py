"""The in-context backtest gate (ModelConfig.backtest_gate; session 11).

A model trained on city taxis carries their habits: on a ship or a motorway car holding its
speed for minutes it still predicts the braking it learned (trajlm-small: 2-28x worse than
constant velocity on steady straight tracks). Nothing in the input is out of range, so the
coverage gate (scale.py) cannot see it; the trajectory's own past can. Before a rollout, the
model (teacher-forced, the prefill's hidden states) and constant velocity each predict every
next step of the history; with e the mean distance error of each over those steps,

    g = min(1, (e_cv / e_model) ** p)        p = backtest_gate

is 1 where the model predicted this trajectory's past at least as well as constant velocity,
and shrinks its correction toward constant velocity (the input's own last step, as the
coverage gate's fallback) where it did worse. It multiplies the coverage gate. Fewer than
MIN_STEPS scored steps: no evidence, g = 1.
"""

from __future__ import annotations

import torch

from trajlm.model.embedding import DELTA
from trajlm.model.scale import coverage_base

MIN_STEPS = 3  # history steps the backtest needs before it may gate


def backtest_gate(
    model, hidden: torch.Tensor, feats: torch.Tensor, mask: torch.Tensor, last: torch.Tensor
) -> torch.Tensor | None:
    """Hidden states (B, T, C) of the history feats (B, T, 9) with mask (B, T) and last (B,)
    each row's last real point -> the gate (B,) in [0, 1], or None when the model has none."""
    cfg = model.config
    if not cfg.backtest_gate:
        return None
    scale = model.step_scale(feats) if cfg.scale_invariant else None
    mean, _ = model.step_head(hidden, model.velocity_steps(feats, mask), None, scale)  # (B, T, 3)
    own = feats[..., DELTA]
    cv = coverage_base(own, model.embed.stats, cfg.coverage, cfg.max_step_norm)  # (B, T, 3)
    target = own[:, 1:, :2]  # the step into point t + 1, predicted at point t
    t = torch.arange(feats.shape[1] - 1, device=feats.device)[None]  # (1, T - 1)
    scored = (t >= 1) & (t + 1 <= last[:, None]) & mask[:, 1:]  # point t has a step; t+1 is real
    scored = scored & (target.abs() <= cfg.max_step_norm).all(-1)  # glitches are nobody's fault
    w = scored.to(mean.dtype)
    e_model = ((mean[:, :-1, :2] - target).norm(dim=-1) * w).sum(1)  # (B,) summed distances
    e_cv = ((cv[:, :-1, :2] - target).norm(dim=-1) * w).sum(1)
    g = (e_cv / e_model.clamp_min(1e-12)).pow(cfg.backtest_gate).clamp(max=1.0)
    return torch.where(scored.sum(1) >= MIN_STEPS, g, torch.ones_like(g))


def combine_gates(a: torch.Tensor | None, b: torch.Tensor | None) -> torch.Tensor | None:
    """The product of two optional (B,) gates (None = 1)."""
    if a is None or b is None:
        return b if a is None else a
    return a * b
