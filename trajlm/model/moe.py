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
        self.router = nn.Linear(config.d_model, self.n_experts, bias=False)
        self.experts = nn.ModuleList(make_expert() for _ in range(self.n_experts))
        self.aux_loss = torch.zeros(())

    def forward(self, x):
        shape = x.shape
        x = x.reshape(-1, shape[-1])  # (N, C) tokens
        N, E = x.shape[0], self.n_experts
        probs = F.softmax(self.router(x), dim=-1, dtype=torch.float32)  # (N, E)
        weight, chosen = probs.topk(self.top_k, dim=-1)  # (N, k) each
        weight = (weight / weight.sum(-1, keepdim=True)).to(x.dtype)
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
