"""Steady-mover augmentation (issue 14, session 40: docs/generalization.md "Session 40
(rollout40)"): some training windows are replaced by a generated mover that keeps its speed and
heading, sampled at intervals the data lacks.

Why: trajlm-small's corpus (Porto taxis at 15 s, two synthetic cities at 2-10 s) holds almost
no steady movers. After a 3-10 fix context the next step's progress along the last step is
0.8x that step (median; turns and GPS noise), so the weights alone predict a perfectly
straight 60-s line at 0.69-0.72x its speed for the first step and compound it to 0.36-0.41x
over five steps; the inference gates catch clean lines, not noisy ones.

A generated row (drawn from (seed, step), so a resume draws the same rows):
    interval  log-uniform in ``dt_range`` s, constant within the row
    speed     log-uniform in ``speed_range`` m/s, drifting by a factor exp(N(0, 0.02)) a step
    heading   uniform, turning by a constant rate drawn in +- ``turn_deg`` a step
    noise     Gaussian GPS noise, sd = U(0, ``noise``) x the row's step length
The row keeps its place in the batch, its mask (length), its first position and t0: only its
steps and times change, so every objective reads it as any other window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class SteadyMovers:
    """What the generated movers look like (TrainConfig.steady_mover_*; module doc)."""

    dt_range: tuple[float, float] = (1.0, 300.0)  # s, log-uniform
    speed_range: tuple[float, float] = (1.0, 40.0)  # m/s, log-uniform
    turn_deg: float = 2.0  # the largest constant turn a step
    noise: float = 0.1  # the largest GPS noise sd, as a share of the step


def steady_mover_rows(
    n: int, length: int, generator: torch.Generator, kind: SteadyMovers
) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` generated steady movers of ``length`` fixes: (pos (n, length, 2) metres from the
    origin, t (n, length) seconds from 0), float32."""

    def log_uniform(lo: float, hi: float) -> torch.Tensor:
        u = torch.rand(n, generator=generator, dtype=torch.float64)
        return torch.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))

    dt = log_uniform(*kind.dt_range)  # (n,)
    speed = log_uniform(*kind.speed_range)
    drift = torch.exp(0.02 * torch.randn(n, length - 1, generator=generator, dtype=torch.float64))
    v = speed[:, None] * torch.cumprod(drift, 1)  # (n, L-1)
    head0 = 2 * math.pi * torch.rand(n, generator=generator, dtype=torch.float64)
    u = torch.rand(n, generator=generator, dtype=torch.float64)
    rate = torch.deg2rad((2 * u - 1) * kind.turn_deg)
    head = head0[:, None] + rate[:, None] * torch.arange(length - 1, dtype=torch.float64)[None]
    step = (v * dt[:, None])[..., None] * torch.stack([head.cos(), head.sin()], -1)  # (n, L-1, 2)
    pos = torch.cat([torch.zeros(n, 1, 2, dtype=torch.float64), step.cumsum(1)], 1)
    sd = kind.noise * torch.rand(n, generator=generator, dtype=torch.float64) * speed * dt  # (n,)
    noise = torch.randn(n, length, 2, generator=generator, dtype=torch.float64)
    pos = pos + sd[:, None, None] * noise
    t = dt[:, None] * torch.arange(length, dtype=torch.float64)[None]
    return pos.float(), t.float()


def replace_with_steady_movers(
    batch: dict, prob: float, generator: torch.Generator, kind: SteadyMovers
) -> dict:
    """``batch`` with each row, with probability ``prob``, replaced by a generated steady
    mover (module doc): its steps and times change; mask, first position and t0 stay."""
    pos, t = batch["pos"], batch["t"]
    n, length = t.shape
    hit = torch.rand(n, generator=generator) < prob
    new_pos, new_t = steady_mover_rows(n, length, generator, kind)
    mask = batch["mask"].bool()
    keep = hit[:, None] & mask  # padding stays as it was
    moved = pos[:, :1] + new_pos.to(pos)
    return {
        **batch,
        "pos": torch.where(keep[..., None].to(pos.device), moved, pos),
        "t": torch.where(keep.to(t.device), new_t.to(t), t),
    }


__all__ = ["SteadyMovers", "replace_with_steady_movers", "steady_mover_rows"]
