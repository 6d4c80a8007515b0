"""A rollout loss: the k-step distance error of the model's own autoregressive rollout.

The next-point loss (NLL) scores one step from the true history. PROTOCOL scores k steps,
each fed the model's previous output, by their distance from the truth. The two disagree where
a small per-step bias compounds: a model trained on city taxis shrinks each step a little
(slowing down is the safe bet one step ahead), and five shrunk steps stop a steady mover
(docs/generalization.md, sessions 11-12: tractors, cars and boats with 2-4 points of history
1.2-2.7x constant velocity). This loss unrolls the model k steps from a random cut of each
window, differentiably, and scores the distances, so training sees what compounding costs.

    cut c_b   per row, log-uniform in [min_history, n_b - k]: short histories weigh as much
              as long ones (a uniform cut would almost never give 2-4 points)
    step s    forward on the row's history + its s rolled-out points (the step head with its
              residual base, as ``generate``'s recompute path reads it; no inference-only
              gates), mean step -> the next point; the time step is the model's own (no
              gradient through time)
    loss      mean over rows and steps of |predicted - true point| / row scale, where the
              scale is the window's mean true step length (floored): slow and fast movers
              weigh alike, and each row's term is capped so one GPS jump cannot dominate

Only the mean rollout is trained; the NLL beside it keeps the variance head calibrated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from trajlm.data.subsec_store import min_step_s

MIN_DT_S = 1.0  # as generate.py: a rolled-out time step is never shorter


@dataclass
class RolloutLossConfig:
    steps: int = 5  # k, rolled-out points scored
    min_history: int = 2  # shortest history a cut leaves
    scale_floor_m: float = 2.0  # a row's distance scale is at least this (stopped movers)
    cap: float = 20.0  # a row's mean scaled error counts at most this (GPS jumps)


def rollout_cuts(mask: torch.Tensor, cfg: RolloutLossConfig, generator: torch.Generator):
    """(B, T) mask -> (cut (B,) history lengths, ok (B,) rows long enough for a cut + k)."""
    n = mask.sum(1)  # (B,)
    hi = n - cfg.steps  # (B,) the longest history that leaves k true points
    ok = hi >= cfg.min_history
    lo_log = math.log(cfg.min_history)
    hi_log = torch.log(hi.clamp_min(cfg.min_history).double() + 1.0)  # +1: hi itself reachable
    u = torch.rand(mask.shape[0], generator=generator, dtype=torch.float64).to(mask.device)
    cut = torch.exp(lo_log + u * (hi_log - lo_log)).floor().long()
    cut = cut.clamp(min=cfg.min_history).minimum(hi.clamp_min(cfg.min_history))
    return cut, ok


def rollout_points(model, pos, t, t0, mask, cut, steps: int) -> torch.Tensor:
    """The model's mean rollout of ``steps`` points after each row's first ``cut`` points:
    pos (B, T, 2) metres, t (B, T) s, t0 (B,), mask (B, T), cut (B,) -> (B, steps, 2) metres.
    Differentiable in the parameters (time steps are not)."""
    B = mask.shape[0]
    rows = torch.arange(B, device=mask.device)
    L = int(cut.max()) + steps - 1  # the last rolled-out point is never fed back
    idx = torch.arange(L, device=mask.device)[None]  # (1, L)
    hist = idx < cut[:, None]  # (B, L) the true history of each row
    P = torch.where(hist[..., None], F.pad(pos, (0, 0, 0, max(0, L - pos.shape[1])))[:, :L], 0.0)
    Tt = torch.where(hist, F.pad(t, (0, max(0, L - t.shape[1])))[:, :L], 0.0)  # (B, L)
    st = model.embed.stats
    out_pos = []
    for s in range(steps):
        n = int(cut.max()) + s
        M = idx[:, :n] < (cut[:, None] + s)  # (B, n) history + s rolled-out points
        b = {"pos": P[:, :n], "t": Tt[:, :n], "t0": t0, "mask": M}
        out = model(b)
        feats = model.embed.features(b["pos"], b["t"], t0, M)  # (B, n, 9)
        last = cut - 1 + s  # (B,) each row's newest point
        h = out.hidden[rows, last]  # (B, C)
        last_step = model.velocity_steps(feats, M)[rows, last]
        scale = model.step_scale(feats)[rows, last] if model.config.scale_invariant else None
        mean, _ = model.predict_step(h, last_step, None, scale, None, P[rows, last])
        new_pos = P[rows, last] + mean[:, :2] * st["dxy_scale"]  # (B, 2)
        dt = (mean[:, 2].detach() * st["dt_scale"] + st["dt_mean"]).clamp_min(min_step_s(st))
        out_pos.append(new_pos)
        if s + 1 < steps:  # out of place: the graph keeps the earlier tensors
            P = P.index_put((rows, last + 1), new_pos)
            Tt = Tt.index_put((rows, last + 1), Tt[rows, last].detach() + dt)
    return torch.stack(out_pos, 1)


def rollout_loss(
    model, batch: dict, cfg: RolloutLossConfig, generator: torch.Generator
) -> tuple[torch.Tensor | None, dict]:
    """The scaled k-step rollout distance of ``model`` (a TrajectoryModel whose config
    ``uses_step_query``, i.e. a residual-base / time-query design) on ``batch``; (None, {}) when
    no row is long enough. Differentiable in the model's parameters."""
    mask = batch["mask"].bool()
    cut, ok = rollout_cuts(mask, cfg, generator)
    if not bool(ok.any()):
        return None, {}
    pos, t, mask, cut = batch["pos"][ok].float(), batch["t"][ok].float(), mask[ok], cut[ok]
    k, T = cfg.steps, mask.shape[1]
    pred = rollout_points(model, pos, t, batch["t0"][ok], mask, cut, k)  # (B, k, 2)
    truth_idx = cut[:, None] + torch.arange(k, device=mask.device)[None]  # (B, k)
    truth = torch.gather(pos, 1, truth_idx[..., None].expand(-1, -1, 2))
    err = (pred - truth).norm(dim=-1)  # (B, k) metres
    real = mask & (torch.arange(T, device=mask.device)[None] >= 1)
    step_m = torch.where(real, (pos - pos.roll(1, 1)).norm(dim=-1), 0.0)  # (B, T)
    scale_m = (step_m.sum(1) / real.sum(1).clamp_min(1)).clamp_min(cfg.scale_floor_m)  # (B,)
    per_row = (err.mean(1) / scale_m).clamp_max(cfg.cap)  # (B,)
    loss = per_row.mean()
    return loss, {"rollout_loss": float(loss.detach()), "rollout_m": float(err.mean().detach())}


def check_rollout_model(config) -> None:
    """A clear error for models the rollout loss cannot unroll."""
    if not getattr(config, "uses_step_query", False):
        raise ValueError(
            "rollout_weight > 0 needs a next-point model with a residual base or time queries "
            "(model.residual_base / time_query), such as configs/trajlm_small.toml"
        )
    if getattr(config, "patch_size", 1) > 1 or getattr(config, "points_out", 1) > 1:
        raise ValueError("rollout_weight > 0 does not support patch_size / points_out > 1")


__all__ = [
    "RolloutLossConfig",
    "check_rollout_model",
    "rollout_cuts",
    "rollout_loss",
    "rollout_points",
]
