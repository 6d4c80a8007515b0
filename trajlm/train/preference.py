"""Preference alignment (DPO, Rafailov et al. 2023) on continuous continuations.

A pair is one history with two continuations of k points: `chosen` (e.g. physically valid) and
`rejected`. The policy's log-likelihood of a continuation is the Gaussian head's log density of
its k steps (normalized (dx, dy, dt), teacher-forced on [history, continuation]):

    logp(c | h) = sum over the k steps and 3 targets of
                  -0.5 * (log_var + (y - mean)^2 / exp(log_var) + log(2 pi))

and the loss is  -log sigmoid(beta * [(logp_pi(c+) - logp_ref(c+)) - (logp_pi(c-) - logp_ref(c-))])
with logp_ref from a frozen copy of the starting model, computed once when the pairs are made
(the frozen copy never changes, so its log-likelihoods need no recomputing). Equal policy and
reference give log 2. `sft_weight` adds the mean per-step NLL of the chosen continuation (RPO,
Pang et al. 2024): it keeps the policy's likelihood of good samples from falling, which plain
DPO allows.

``PreferencePairs`` is an Objective of the one training engine (trajlm/train/trainer.py): it
brings its own batches (the pairs), so ``Trainer(None, None, model=..., objective=...)``.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from trajlm.model.embedding import DELTA

LOG_2PI = math.log(2 * math.pi)


def join(batch: dict, pos: torch.Tensor, t: torch.Tensor) -> tuple[dict, torch.Tensor]:
    """History batch (B, T) + continuations pos (B, k, 2), t (B, k) -> one right-padded batch
    (B, T + k) with each continuation right after its row's last real point, and the (B, T + k)
    mask of the continuation points."""
    mask = batch["mask"].bool()
    B, T = mask.shape
    k = pos.shape[1]
    n = mask.sum(1)  # (B,)
    L = T + k
    idx = torch.arange(L, device=mask.device)[None]  # (1, L)
    cont = (idx >= n[:, None]) & (idx < n[:, None] + k)  # (B, L)
    src = (idx - n[:, None]).clamp(0, k - 1)  # (B, L) continuation index of each slot
    rows = torch.arange(B, device=mask.device)[:, None]
    P = torch.zeros(B, L, 2, dtype=pos.dtype, device=pos.device)
    Tt = torch.zeros(B, L, dtype=t.dtype, device=t.device)
    P[:, :T], Tt[:, :T] = batch["pos"] * mask[..., None], batch["t"] * mask
    P = torch.where(cont[..., None], pos[rows, src], P)
    Tt = torch.where(cont, t[rows, src], Tt)
    joined = {"pos": P, "t": Tt, "t0": batch["t0"], "mask": (idx < (n + k)[:, None])}
    return joined, cont


def continuation_logp(model: Any, joined: dict, cont: torch.Tensor) -> torch.Tensor:
    """(B,) Gaussian log-likelihood of the continuation points (`cont` (B, L)) of each row."""
    out = model(joined)
    feats = model.embed.features(joined["pos"], joined["t"], joined["t0"], joined["mask"])
    y = feats[:, 1:, DELTA]  # (B, L-1, 3) the step into point i + 1
    mean, log_var = out.pred[:, :-1], out.log_var[:, :-1]  # predicted at point i
    lp = -0.5 * (log_var + (y - mean).square() * torch.exp(-log_var) + LOG_2PI)  # (B, L-1, 3)
    return torch.where(cont[:, 1:, None], lp, 0.0).sum((1, 2))


def dpo_loss(
    logp_chosen: torch.Tensor,
    logp_rejected: torch.Tensor,
    ref_chosen: torch.Tensor,
    ref_rejected: torch.Tensor,
    beta: float = 0.1,
) -> tuple[torch.Tensor, dict]:
    """Mean DPO loss over pairs and its logs (reward margin, accuracy)."""
    margin = (logp_chosen - ref_chosen) - (logp_rejected - ref_rejected)  # (B,)
    loss = -F.logsigmoid(beta * margin).mean()
    logs = {"dpo_margin": float(margin.mean().detach()),
            "dpo_acc": float((margin > 0).float().mean())}  # fmt: skip
    return loss, logs


class PreferencePairs:
    """DPO objective over fixed preference pairs.

    pairs: dict of tensors, one row per pair: ``pos`` (N, 2, L, 2), ``t`` (N, 2, L), ``t0``
    (N,), ``mask`` (N, 2, L), ``cont`` (N, 2, L) (index 0 = chosen, 1 = rejected, each already
    joined with `join`), ``ref_logp`` (N, 2). ``batches(epoch)`` shuffles them with a generator
    seeded from (seed, epoch), so a resumed run sees the same order."""

    name = "dpo"

    def __init__(self, pairs: dict, batch_size: int = 32, beta: float = 0.1,
                 sft_weight: float = 0.0, seed: int = 0) -> None:  # fmt: skip
        n = len(pairs["t0"])
        if n == 0:
            raise ValueError("no preference pairs (every history gave only valid or only "
                             "invalid samples)")  # fmt: skip
        self.pairs, self.batch_size, self.beta = pairs, batch_size, beta
        self.sft_weight, self.seed = sft_weight, seed

    def __len__(self) -> int:
        return len(self.pairs["t0"])

    def batches(self, epoch: int):
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
        order = torch.randperm(len(self), generator=g)
        for a in range(0, len(order), self.batch_size):
            idx = order[a : a + self.batch_size]
            yield {key: v[idx] for key, v in self.pairs.items()}

    def loss(self, model: Any, batch: dict, step: int) -> tuple[torch.Tensor, dict]:
        from trajlm.train.modes import core_model

        m = core_model(model)
        B = batch["t0"].shape[0]
        flat = {  # chosen rows then rejected rows: one forward pass
            "pos": batch["pos"].transpose(0, 1).reshape(2 * B, *batch["pos"].shape[2:]),
            "t": batch["t"].transpose(0, 1).reshape(2 * B, -1),
            "t0": batch["t0"].repeat(2),
            "mask": batch["mask"].transpose(0, 1).reshape(2 * B, -1),
        }
        cont = batch["cont"].transpose(0, 1).reshape(2 * B, -1)
        logp = continuation_logp(m, flat, cont)  # (2B,)
        ref = batch["ref_logp"]
        loss, logs = dpo_loss(logp[:B], logp[B:], ref[:, 0], ref[:, 1], self.beta)
        if self.sft_weight:
            steps = cont[:B, 1:].sum(1).clamp_min(1) * 3
            nll = -(logp[:B] / steps).mean()
            loss = loss + self.sft_weight * nll
            logs["sft_nll"] = float(nll.detach())
        return loss, logs
