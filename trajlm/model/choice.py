"""The per-call choice between the model and constant velocity (session 23, steady23).

The one-step backtest gate (backtest.py) scores the model's teacher-forced next step on the
history against its physics fallback. On steady movers (ferries, trams) the model's one-step
misses are close to the fallback's, so the gate lets most of its correction through, and the
correction compounds over the rollout into 1.05-1.15x constant velocity at 5-10 fixes. This
check scores what the caller gets instead: the whole rollout (every gate, cap and fallback on)
from the history cut ``backtest_choice_steps`` H points short, against constant velocity from
the same cut, on the history's real last H points. With e the mean distance error of each,

    w = min(1, (e_cv / e_rollout) ** backtest_choice_power)

and the answer is w x the rollout + (1 - w) x constant velocity (positions and times, each
step by index), so w = 1 is the rollout bit for bit. Rows whose cut leaves fewer than
MIN_POINTS points, whose last step is a speed glitch or that are fast movers: w = 1.

Session 24 (steady24), ``backtest_choice_steady_only``: the choice acts only on steady
histories (``steady_histories``: the mean heading change between consecutive steps within
STEADY_MEAN_TURN_DEG, the spread of the step speeds within STEADY_SPEED_SPREAD of their mean).
Session 23's choice acted on every row and cost Porto and GeoLife: a taxi's or a walker's
rollout that lost its one-step backtest still beats constant velocity over the next steps, by
any margin of that loss (2-27 % of rows acting: every margin tried still cost Porto val); a
ferry's or a barge's compounding correction does not.

Session 25 (steady25), ``backtest_choice_stop_share``: steadiness skips stopped steps (slower
than that share of the history's fastest step), whose GPS noise has no heading.
"""

from __future__ import annotations

import math

import torch

from trajlm.errors import TrajlmInputError
from trajlm.model.backtest import backtest_errors, fast_rows
from trajlm.model.embedding import DELTA
from trajlm.model.scale import coverage_base

MIN_DT_S = 1.0  # generate's: a time step is never shorter
MIN_POINTS = 3  # points the cut history keeps: 2 are constant velocity whatever the model
# Chosen on val (Porto / GeoLife val cuts, the twelve session-12 movers) and session 22's
# movers (seeds 221-223); docs/generalization.md "Session 24 (steady24)".
STEADY_MEAN_TURN_DEG = 10.0
STEADY_SPEED_SPREAD = 0.5  # std / mean of the step speeds


def choice_weight(model, rollout, pos, t, t0, mask, lengths) -> torch.Tensor | None:
    """(B,) the share of the model's rollout each row keeps (1: all of it), from a rollout of
    H = backtest_choice_steps steps (``rollout``: generate's step function) out of the
    history cut H points short; None where the model has no such check."""
    cfg = model.config
    H, power = cfg.backtest_choice_steps, cfg.backtest_choice_power
    ok_h = isinstance(H, int) and not isinstance(H, bool) and H >= 0
    ok_p = isinstance(power, int | float) and not isinstance(power, bool) and 0 < power < math.inf
    if not (ok_h and ok_p):  # set on a loaded model (config.json is checked at load)
        field = "backtest_choice_steps" if not ok_h else "backtest_choice_power"
        raise TrajlmInputError(
            f"{field} must be {'an integer >= 0' if not ok_h else 'a finite number > 0'}, "
            f"got {getattr(cfg, field)!r}",
            field=field,
        )
    steady_only = cfg.backtest_choice_steady_only
    if not isinstance(steady_only, bool):  # set on a loaded model: one line (config.json checked)
        raise TrajlmInputError(
            f"backtest_choice_steady_only must be true or false, got {steady_only!r}",
            field="backtest_choice_steady_only",
        )
    share = cfg.backtest_choice_stop_share
    if not (isinstance(share, int | float) and not isinstance(share, bool) and 0 <= share < 1):
        raise TrajlmInputError(  # set on a loaded model: one line (config.json checked)
            f"backtest_choice_stop_share must be a number in [0, 1), got {share!r}",
            field="backtest_choice_stop_share",
        )
    if H < 1 or not cfg.backtest_gate:
        return None
    B, T = mask.shape
    rows = torch.arange(B, device=mask.device)
    ok = lengths - H >= MIN_POINTS
    unsteady = ~steady_histories(pos, t, lengths, float(share)) if steady_only else None
    if not bool((ok if unsteady is None else ok & ~unsteady).any()):
        return None  # no row the choice could move: no backtest rollout (a taxi's call)
    cut = torch.where(ok, lengths - H, lengths)
    e_model, e_cv = backtest_errors(model, rollout, pos, t, t0, mask, cut, H)
    w = (e_cv / e_model.clamp_min(1e-9)).pow(float(power)).clamp(max=1.0)
    w = torch.where(e_model > 0, w, torch.ones_like(w))
    feats = model.embed.features(pos, t, t0, mask)
    own = feats[rows, lengths - 1][:, DELTA]  # (B, 3) the last step, normalized
    base = coverage_base(own, model.embed.stats, cfg.coverage, cfg.max_step_norm)
    glitch = (own[:, :2] != 0).any(-1) & (base[:, :2] == 0).all(-1)
    fast = fast_rows(model, feats, mask, lengths - 1)
    keep = ~ok | glitch | (lengths < 2)
    if unsteady is not None:
        keep = keep | unsteady
    if fast is not None:
        keep = keep | fast
    return torch.where(keep, torch.ones_like(w), w)


def steady_histories(
    pos: torch.Tensor, t: torch.Tensor, lengths: torch.Tensor, stop_share: float = 0.0
) -> torch.Tensor:
    """(B,) bool: the row's history (pos (B, T, 2) metres, t (B, T) seconds, its first
    ``lengths`` points real) has at least 2 moving steps, a mean absolute heading change
    between consecutive moving steps within STEADY_MEAN_TURN_DEG and moving-step speeds whose
    std / mean is within STEADY_SPEED_SPREAD (time steps at least MIN_DT_S).

    A step is moving when its speed is at least ``stop_share`` x the history's fastest step
    (session 25: a stopped step's GPS noise has no heading, and a tram between stops is as
    steady as a ferry); 0 = every real step moves (session 24)."""
    step = pos[:, 1:] - pos[:, :-1]  # (B, T - 1, 2): step j into point j + 1
    dt = (t[:, 1:] - t[:, :-1]).clamp_min(MIN_DT_S)
    j = torch.arange(step.shape[1], device=pos.device)[None]
    real = j + 1 < lengths[:, None]  # (B, T - 1)
    speed = step.norm(dim=-1) / dt
    moving = real
    if stop_share > 0:
        fastest = torch.where(real, speed, torch.zeros_like(speed)).amax(1, keepdim=True)
        moving = real & (speed >= stop_share * fastest)
    mv = moving.to(pos.dtype)
    n = mv.sum(1)
    mean_v = (speed * mv).sum(1) / n.clamp_min(1)
    var_v = (((speed - mean_v[:, None]) ** 2) * mv).sum(1) / n.clamp_min(1)
    spread = var_v.sqrt() / mean_v.clamp_min(1e-6)
    heading = torch.atan2(step[..., 1], step[..., 0])
    # each moving step's turn from the moving step before it (stopped steps in between skipped)
    last_moving = torch.cummax(torch.where(moving, j.expand_as(moving), -1), dim=1).values
    before = torch.cat([torch.full_like(last_moving[:, :1], -1), last_moving[:, :-1]], 1)
    prev_heading = heading.gather(1, before.clamp_min(0))
    turn = torch.remainder(heading - prev_heading + math.pi, 2 * math.pi) - math.pi
    both = (moving & (before >= 0)).to(pos.dtype)
    mean_turn = torch.rad2deg((turn.abs() * both).sum(1) / both.sum(1).clamp_min(1))
    return (n >= 2) & (mean_turn <= STEADY_MEAN_TURN_DEG) & (spread <= STEADY_SPEED_SPREAD)


def blend_constant_velocity(pos, t, mask, lengths, out_pos, out_t, w, min_dt=MIN_DT_S):
    """The rollout's per-step lists of positions (B, 2) and times (B,) moved to w (B,) x
    themselves + (1 - w) x constant velocity from each row's last step (pos (B, T, 2) metres,
    t (B, T) seconds; its time step at least ``min_dt``, MIN_DT_S but for a model of a
    sub-second store, so times still move forward); rows with
    w = 1 unchanged bit for bit."""
    if w is None:
        return out_pos, out_t
    rows = torch.arange(pos.shape[0], device=pos.device)
    last = lengths - 1
    prev = (lengths - 2).clamp_min(0)
    p0, step = pos[rows, last], pos[rows, last] - pos[rows, prev]
    t0_, dt = t[rows, last], (t[rows, last] - t[rows, prev]).clamp_min(min_dt)
    new_pos, new_t = [], []
    for s, (p, tt) in enumerate(zip(out_pos, out_t, strict=True)):
        cv_p = p0 + (s + 1) * step
        cv_t = t0_ + (s + 1) * dt
        bp = w[:, None] * p + (1 - w[:, None]) * cv_p
        bt = w * tt + (1 - w) * cv_t
        new_pos.append(torch.where((w < 1)[:, None], bp, p))
        new_t.append(torch.where(w < 1, bt, tt))
    return new_pos, new_t
