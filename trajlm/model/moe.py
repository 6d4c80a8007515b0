"""Mixture of experts for the blocks' MLP (config.moe_experts > 0; docs/ablations.md).

Its own module so the transformer file stays one screenful per idea; the experts are the
transformer's own MLPs (built by the caller), so their Linear names (fc_in, fc_out) stay the
LoRA targets.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn as nn
import torch.nn.functional as F

from trajlm.model.config import ModelConfig

N_MOTION_STATS = 5


def motion_stats(steps: torch.Tensor, window: int, dwell: float, clamp: float) -> torch.Tensor:
    """Causal motion statistics of each point's last `window` steps (seed 002's routing
    context): mean step length, its standard deviation, mean |heading change|, fraction of
    dwell steps (shorter than `dwell`) and mean time step.

    steps (B, T, 3): the normalized (dx, dy, dt) features (0 at a row's first point);
    -> (B, T, 5). Points before the sequence start count as zero steps (dwell), so those of
    a point depend only on it and the window - 1 points before it (the rollout feeds the last
    window + 1 steps and reads the last row: the same numbers as in training).
    """
    d = F.pad(steps.clamp(-clamp, clamp), (0, 0, window, 0))  # (B, W + T, 3) zero steps first
    speed = d[..., :2].norm(dim=-1)  # (B, T)
    prev = F.pad(d[..., :2], (0, 0, 1, 0))[:, :-1]  # (B, T, 2) the step before
    cross = prev[..., 0] * d[..., 1] - prev[..., 1] * d[..., 0]
    dot = (prev * d[..., :2]).sum(-1)
    turn = torch.atan2(cross, dot).abs()  # (B, T) in [0, pi]; 0 when a step is zero
    per_point = torch.stack(
        [speed, speed.square(), turn, (speed < dwell).to(d.dtype), d[..., 2]], -1
    )
    csum = per_point.cumsum(1)  # (B, W + T, 5)
    mean = (csum[:, window:] - csum[:, :-window]) / window  # (B, T, 5): the last W points
    std = (mean[..., 1] - mean[..., 0].square()).clamp_min(0).sqrt()
    return torch.stack([mean[..., 0], std, mean[..., 2], mean[..., 3], mean[..., 4]], -1)


class MoEMLP(nn.Module):
    """Top-k mixture of MLP experts (Switch / Mixtral style), one loop over experts (not tokens).

    Each token goes to its top_k experts by router logit; their outputs are summed with the
    softmax weights renormalized over the chosen k. `aux_loss` (set by every forward) is the
    Switch load-balancing loss E * sum_e f_e * P_e (f_e: fraction of token slots routed to e,
    P_e: mean router probability of e): 1 when balanced, E when one expert takes all.
    """

    def __init__(self, config: ModelConfig, make_expert: Callable[[], nn.Module]):
        super().__init__()
        self.n_experts, self.top_k = config.moe_experts, config.moe_top_k
        self.capacity_factor = config.moe_capacity_factor
        # "motion": route on motion_stats of the token's window, not on its hidden state
        self.motion_router = config.moe_router == "motion"
        n_in = N_MOTION_STATS if self.motion_router else config.d_model
        self.router = nn.Linear(n_in, self.n_experts, bias=self.motion_router)
        self.prob_gate = config.moe_gate_prob
        self.experts = nn.ModuleList(make_expert() for _ in range(self.n_experts))
        self.aux_loss = torch.zeros(())

    def forward(self, x, motion=None):
        """x (..., C); motion (..., 5) motion_stats of each token (the motion router's input)."""
        shape = x.shape
        x = x.reshape(-1, shape[-1])  # (N, C) tokens
        N, E = x.shape[0], self.n_experts
        if self.motion_router:
            if motion is None:
                raise ValueError("moe_router='motion' needs the tokens' motion statistics")
            logits = self.router(motion.reshape(N, -1).to(x.dtype))
        else:
            logits = self.router(x)
        probs = F.softmax(logits, dim=-1, dtype=torch.float32)  # (N, E)
        weight, chosen = probs.topk(self.top_k, dim=-1)  # (N, k) each
        if not self.prob_gate:  # renormalized over the k chosen (top-1: weight 1, no gradient)
            weight = weight / weight.sum(-1, keepdim=True)
        weight = weight.to(x.dtype)
        routed = F.one_hot(chosen, E).sum(1)  # (N, E) 0/1: token n uses expert e
        self.aux_loss = E * (routed.float().mean(0) / self.top_k * probs.mean(0)).sum()
        gate = torch.zeros(N, E, dtype=x.dtype, device=x.device).scatter(1, chosen, weight)
        cap = (
            N if self.capacity_factor <= 0 else math.ceil(self.capacity_factor * N * self.top_k / E)
        )
        y = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            idx = routed[:, e].nonzero().squeeze(1)[:cap]  # (n_e,) in token order; over cap: skip
            if idx.numel():
                y.index_add_(0, idx, expert(x[idx]) * gate[idx, e, None])
        return y.reshape(shape)
