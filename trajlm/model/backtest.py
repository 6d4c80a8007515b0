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
``backtest_min_steps`` scored steps: no evidence, g = ``backtest_prior`` (1 by default);
between it and MIN_STEPS the power shrinks with the evidence (p * n / MIN_STEPS), so the one
scored step of a 3-point history gates gently unless the model missed it by far (a steady
ship it braked: session 12).
"""

from __future__ import annotations

import torch

from trajlm.errors import TrajlmInputError
from trajlm.model.embedding import DELTA
from trajlm.model.scale import coverage_base
from trajlm.model.step_head import window_velocity_steps

MIN_STEPS = 3  # history steps the backtest needs before it may gate
# The window fallback is chosen over constant velocity by their errors 1..FALLBACK_HORIZON
# steps ahead on the history (1 before session 16).
FALLBACK_HORIZON = 5
# The window is picked only when its error is below constant velocity's by more than this share.
# Over a 3-fix history the two are the same physics (the window over a history's first step is
# that step) and their errors tie; float32 rounding, which moves with the plane the history is
# projected onto, picked either (session 17, movers4). A tie is constant velocity's (session 19).
WINDOW_MARGIN = 1e-4


def uses_one_step_backtest(cfg) -> bool:
    """Whether a rollout computes the teacher-forced backtest (backtest_steps 0) itself."""
    return bool(cfg.backtest_gate) and not cfg.backtest_steps


def backtest_errors(
    model, rollout, pos, t, t0, mask, cut: torch.Tensor, H: int, **rollout_kw
) -> tuple[torch.Tensor, torch.Tensor]:
    """(e_model, e_cv), each (B,): the mean distance over H steps of the model's rollout from
    each row's first ``cut`` points (``rollout``: generate's step function) and of constant
    velocity (the cut history's last step repeated) to the history's real next H points."""
    B, T = mask.shape
    rows = torch.arange(B, device=mask.device)
    short = torch.arange(T, device=mask.device)[None] < cut[:, None]
    out_pos, _, _ = rollout(model, pos, t, t0, mask & short, cut, H, False, None, 1.0, None,
                            **rollout_kw)  # fmt: skip
    pred = torch.stack(out_pos, 1)  # (B, H, 2)
    k = torch.arange(H, device=mask.device)
    truth = pos[rows[:, None], (cut[:, None] + k).clamp_max(T - 1)]  # (B, H, 2)
    last, step = pos[rows, cut - 1], pos[rows, cut - 1] - pos[rows, (cut - 2).clamp_min(0)]
    cv = last[:, None] + (k[None, :, None] + 1) * step[:, None]
    return (pred - truth).norm(dim=-1).mean(1), (cv - truth).norm(dim=-1).mean(1)


def rollout_backtest_gate(model, rollout, pos, t, t0, mask, lengths) -> torch.Tensor | None:
    """backtest_steps H > 0: the gate (B,) from a rollout of H steps out of each row's history
    cut H points short (``rollout``: generate's step function, called without a backtest of
    its own), scored against the history's real last H points, beside constant velocity
    (the cut history's last step repeated). Rows with fewer than MIN_STEPS + H points: 1."""
    cfg = model.config
    H = int(cfg.backtest_steps)
    if not cfg.backtest_gate or H < 1:
        return None
    # (B,) points of each row's shortened history (a row too short keeps its own: not scored)
    cut = torch.where(lengths - H >= 2, lengths - H, lengths)
    e_model, e_cv = backtest_errors(model, rollout, pos, t, t0, mask, cut, H, backtest=False)
    g = (e_cv / e_model.clamp_min(1e-9)).pow(cfg.backtest_gate).clamp(max=1.0)
    return torch.where(lengths >= MIN_STEPS + H + 1, g, torch.ones_like(g))


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
    target, w = _scored_targets(model, feats, mask, last)
    e_model = ((mean[:, :-1, :2] - target).norm(dim=-1) * w).sum(1)  # (B,) summed distances
    e_fallback, _ = _fallbacks(model, feats, mask, target, w, last)
    n = (w > 0).sum(1)  # (B,) scored steps: the evidence
    power = cfg.backtest_gate * (n.to(mean.dtype) / MIN_STEPS).clamp(max=1.0)
    g = (e_fallback / e_model.clamp_min(1e-12)).pow(power).clamp(max=1.0)
    g = torch.where(n >= cfg.backtest_min_steps, g, torch.full_like(g, cfg.backtest_prior))
    cap = steady_cap(model, feats, last, n)
    return g if cap is None else torch.minimum(g, cap)


# Session 22 (steady22): a short history "held steady" when its last step's speed is within
# STEADY_SPEED times the step before's and its heading within STEADY_TURN_DEG of it. Chosen on
# val (Porto / GeoLife val cuts and the twelve session-12 movers; docs/generalization.md
# "Session 22 (steady22)") with trajlm-small's backtest_short_cap.
STEADY_SPEED = (0.7, 1.25)
STEADY_TURN_DEG = 45.0


def steady_rows(model, feats: torch.Tensor, last: torch.Tensor) -> torch.Tensor:
    """(B,) bool: the last two steps of each row (points last - 1 and last) exist, are not
    zero, and held speed and heading (STEADY_SPEED, STEADY_TURN_DEG)."""
    st = model.embed.stats
    own = feats[..., DELTA]
    rows = torch.arange(feats.shape[0], device=feats.device)
    a, b = own[rows, last], own[rows, (last - 1).clamp_min(0)]
    dt_mean, dt_scale = float(st["dt_mean"]), float(st["dt_scale"])
    dt_a = (a[:, 2] * dt_scale + dt_mean).clamp_min(1e-6)
    dt_b = (b[:, 2] * dt_scale + dt_mean).clamp_min(1e-6)
    la, lb = a[:, :2].norm(dim=-1), b[:, :2].norm(dim=-1)
    ratio = (la / dt_a) / (lb / dt_b).clamp_min(1e-12)
    cos = (a[:, :2] * b[:, :2]).sum(-1) / (la * lb).clamp_min(1e-12)
    lo, hi = STEADY_SPEED
    turn_ok = cos >= torch.cos(torch.deg2rad(torch.tensor(STEADY_TURN_DEG)))
    return (last >= 2) & (la > 0) & (lb > 0) & (ratio >= lo) & (ratio <= hi) & turn_ok


def steady_cap(
    model, feats: torch.Tensor, last: torch.Tensor, n: torch.Tensor
) -> torch.Tensor | None:
    """(B,) the most of the model's correction each row keeps (backtest_short_cap, by its n
    (B,) scored steps; 1 where the history is not steady or has more steps than the list), or
    None when the model has no such cap."""
    raw = model.config.backtest_short_cap
    ok = isinstance(raw, list | tuple) and all(
        isinstance(x, int | float) and not isinstance(x, bool) and 0 <= x <= 1 for x in raw
    )
    if not ok:  # set on a loaded model (config.json is checked at load): one line (badin22)
        raise TrajlmInputError(
            f"backtest_short_cap must be a list of numbers in [0, 1], got {raw!r}",
            field="backtest_short_cap",
        )
    caps = tuple(float(x) for x in raw)
    if not caps:
        return None
    table = feats.new_tensor((1.0,) + caps)  # index n: n = 0 has no evidence (the prior)
    idx = torch.where(n <= len(caps), n, torch.zeros_like(n))
    cap = table[idx.long()]
    return torch.where(steady_rows(model, feats, last), cap, torch.ones_like(cap))


def _scored_targets(model, feats, mask, last):
    """The history's own next steps (B, T - 1, 2), predicted at each point, and which count
    (B, T - 1) as 0/1 weights: the point has a step, the next one is real, no glitch."""
    own = feats[..., DELTA]
    target = own[:, 1:, :2]  # the step into point t + 1, predicted at point t
    t = torch.arange(feats.shape[1] - 1, device=feats.device)[None]  # (1, T - 1)
    scored = (t >= 1) & (t + 1 <= last[:, None]) & mask[:, 1:]  # point t has a step; t+1 is real
    scored = scored & (target.abs() <= model.config.max_step_norm).all(-1)  # glitches: nobody's
    return target, scored.to(feats.dtype)


def long_last_step(model, feats: torch.Tensor, last: torch.Tensor) -> torch.Tensor:
    """(B,) bool: each row's last step (into point ``last``) lasts at least
    backtest_fallback_last_after_s seconds (all False when that is 0: off)."""
    after = float(model.config.backtest_fallback_last_after_s)
    if after <= 0:
        return torch.zeros_like(last, dtype=torch.bool)
    st = model.embed.stats
    rows = torch.arange(feats.shape[0], device=feats.device)
    sec = feats[rows, last][:, DELTA][:, 2] * float(st["dt_scale"]) + float(st["dt_mean"])
    return (last >= 1) & (sec >= after)


def _fallbacks(model, feats, mask, target, w, last):
    """Each row's fallback on its own past: its summed error (B,) over the model's scored
    steps, and whether it is the window velocity (B,): backtest_fallback_window > 1 and the
    window predicted the past better than the last step did. That choice is physics against
    physics, so it scores every real step but speed glitches, also those too long for the
    model (a ship fixed every 10 min). A last step of backtest_fallback_last_after_s or more
    is never the window's (session 40: at minutes between fixes the window is lag, not
    smoothing)."""
    cfg, st = model.config, model.embed.stats
    own = feats[..., DELTA]
    cv = coverage_base(own, st, cfg.coverage, cfg.max_step_norm)  # (B, T, 3)
    e_cv = ((cv[:, :-1, :2] - target).norm(dim=-1) * w).sum(1)
    if cfg.backtest_fallback_window <= 1:
        return e_cv, torch.zeros_like(e_cv, dtype=torch.bool)
    win, glitch = _window_steps(model, feats, mask)
    e_win = ((win[:, :-1, :2] - target).norm(dim=-1) * w).sum(1)
    p_cv, p_win = _physics_errors(own, cv, win, mask, glitch, FALLBACK_HORIZON)
    use_window = p_win < p_cv * (1.0 - WINDOW_MARGIN)  # a tie: constant velocity
    use_window = use_window & ~long_last_step(model, feats, last)
    return torch.where(use_window, e_win, e_cv), use_window


def _physics_errors(own, cv, win, mask, glitch, horizon: int):
    """Summed distance errors (B,) of constant velocity and of the window velocity, each
    continued j = 1..horizon steps from every history point with a step, against where the
    history went (every step in between real and no speed glitch). The rollout continues its
    fallback for k steps: scored one step ahead, the window's lag on a curve hid under GPS
    noise and it was picked on curving noisy tracks, 1.10-1.14x constant velocity over 5 steps
    (storms every 6 h, cars turning; session 16)."""
    T = own.shape[1]
    idx = torch.arange(T, device=own.device)[None]
    step_ok = mask & (idx >= 1) & ~glitch  # (B, T) the step into each point counts
    ok = step_ok.to(own.dtype)
    cum = torch.cumsum(own[..., :2] * ok[..., None], 1)  # (B, T, 2)
    n_ok = torch.cumsum(ok, 1)  # (B, T)
    p_cv = own.new_zeros(own.shape[0])
    p_win = own.new_zeros(own.shape[0])
    for j in range(1, min(horizon, T - 1) + 1):
        disp = cum[:, j:] - cum[:, :-j]  # (B, T - j, 2) from point t to point t + j
        valid = (n_ok[:, j:] - n_ok[:, :-j] == j) & step_ok[:, :-j]  # point t has a step too
        v = valid.to(own.dtype)
        p_cv = p_cv + ((cv[:, :-j, :2] * j - disp).norm(dim=-1) * v).sum(1)
        p_win = p_win + ((win[:, :-j, :2] * j - disp).norm(dim=-1) * v).sum(1)
    return p_cv, p_win


def _window_steps(model, feats, mask) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, T, 3) each point's velocity over its last backtest_fallback_window steps as a step
    (speed glitches left out, as constant velocity's fallback leaves them), and which steps
    are glitches (B, T)."""
    cfg, st = model.config, model.embed.stats
    own = feats[..., DELTA]
    cv = coverage_base(own, st, cfg.coverage, cfg.max_step_norm)
    glitch = (own[..., :2] != 0).any(-1) & (cv[..., :2] == 0).all(-1)  # zeroed: too fast
    has = mask & (torch.arange(feats.shape[1], device=feats.device)[None] >= 1) & ~glitch
    win = window_velocity_steps(own, has, cfg.backtest_fallback_window, st, float("inf"))
    return win[..., :3], glitch


def fallback_step(model, feats, mask, last) -> torch.Tensor | None:
    """(B, 3) the step the gate falls back to at each row's last point where that is the
    window velocity (backtest_fallback_window), else the own last step; None: the default."""
    cfg = model.config
    if cfg.backtest_fallback_window <= 1 or not uses_one_step_backtest(cfg):
        return None
    target, w = _scored_targets(model, feats, mask, last)
    _, use_window = _fallbacks(model, feats, mask, target, w, last)
    rows = torch.arange(feats.shape[0], device=feats.device)
    own = feats[rows, last][:, DELTA]
    win = _window_steps(model, feats, mask)[0][rows, last]
    return torch.where(use_window[:, None], win, own)


def combine_gates(a: torch.Tensor | None, b: torch.Tensor | None) -> torch.Tensor | None:
    """The product of two optional (B,) gates (None = 1)."""
    if a is None or b is None:
        return b if a is None else a
    return a * b


# Session 16 (movers): the physics fallback's own spread, and movers faster than a glitch.
# std of the fallback's position after k steps: PHYSICS_SPREAD * r * k ** SPREAD_GROWTH, r its
# rms one-step error on the history's own real steps (metres); with no such step,
# PRIOR_SPREAD * the last step's length instead of r. Chosen on generated held-out movers
# (12 kinds, 1 s to 1 day; docs/generalization.md "Session 16").
PHYSICS_SPREAD = 0.75
SPREAD_GROWTH = 1.4
PRIOR_SPREAD = 0.5


def fast_rows(model, feats, mask, last) -> torch.Tensor | None:
    """(B,) bool: rows most of whose history steps are "glitches" by speed (coverage_base's
    rule): an aircraft or a 110 m/s train, not GPS jumps, whose constant velocity is its
    own step. Before session 16 each such step was zeroed and the mover stood still. None:
    the model has no coverage gate."""
    cfg = model.config
    if getattr(cfg, "coverage_gate", "none") == "none" or cfg.residual_base != "constant_velocity":
        return None
    own = feats[..., DELTA]
    cv = coverage_base(own, model.embed.stats, cfg.coverage, cfg.max_step_norm)
    glitch = (own[..., :2] != 0).any(-1) & (cv[..., :2] == 0).all(-1)  # (B, T)
    idx = torch.arange(feats.shape[1], device=feats.device)[None]
    real = (idx >= 1) & (idx <= last[:, None]) & mask
    n, n_glitch = real.sum(1), (glitch & real).sum(1)
    return (n >= 1) & (2 * n_glitch > n)


def physics_spread(model, feats, mask, last) -> torch.Tensor | None:
    """(B,) metres: the one-step spread of the physics the gates fall back to, on each row's
    own history (the rms error of constant velocity, or of the window velocity where
    ``fallback_step`` picks it, over its real steps but speed glitches), times PHYSICS_SPREAD;
    a row without such a step: PRIOR_SPREAD x its last step's length. None without a gate."""
    cfg, st = model.config, model.embed.stats
    if getattr(cfg, "coverage_gate", "none") == "none" or cfg.residual_base != "constant_velocity":
        return None
    own = feats[..., DELTA]
    target = own[:, 1:, :2]
    cv = coverage_base(own, st, cfg.coverage, cfg.max_step_norm)[:, :-1, :2]
    win, glitch = _window_steps(model, feats, mask)
    t = torch.arange(feats.shape[1] - 1, device=feats.device)[None]
    real = (t >= 1) & (t + 1 <= last[:, None]) & mask[:, 1:] & mask[:, :-1] & ~glitch[:, 1:]
    wp = real.to(feats.dtype)
    pred = cv
    if cfg.backtest_fallback_window > 1 and uses_one_step_backtest(cfg):
        tg, w = _scored_targets(model, feats, mask, last)
        _, use_window = _fallbacks(model, feats, mask, tg, w, last)
        pred = torch.where(use_window[:, None, None], win[:, :-1, :2], cv)
    n = wp.sum(1)
    sq = ((pred - target).norm(dim=-1) ** 2 * wp).sum(1)
    r = (sq / n.clamp_min(1)).sqrt() * float(st["dxy_scale"]) * PHYSICS_SPREAD
    rows = torch.arange(feats.shape[0], device=feats.device)
    prior = own[rows, last, :2].norm(dim=-1) * float(st["dxy_scale"]) * PRIOR_SPREAD
    return torch.where(n >= 1, r, prior)


def widen_log_var(model, log_var, spread, gate, k: int):
    """The head's log variance (B, 3) at rollout step k (1..) with the physics fallback's
    variance added where the gates fell back, per axis ((1 - g) spread)^2 (k^2a - (k-1)^2a),
    a = SPREAD_GROWTH, so the cumulative std at step k is sqrt(model^2 + ((1 - g) spread
    k^a)^2). Unchanged (the same values) without a spread or a gate, or where g = 1."""
    if log_var is None or spread is None or gate is None:
        return log_var
    grow = k ** (2 * SPREAD_GROWTH) - (k - 1) ** (2 * SPREAD_GROWTH)
    add = ((1.0 - gate) * spread / float(model.embed.stats["dxy_scale"])) ** 2 * grow
    xy = torch.log(torch.exp(log_var[:, :2]) + add[:, None])
    xy = torch.where(add[:, None] > 0, xy, log_var[:, :2])  # g = 1: bit for bit
    return torch.cat([xy, log_var[:, 2:]], -1)


def physics_step(mean, last_step, fast):
    """mean (B, 3) with the rows in ``fast`` (B,) set to their own last step (constant
    velocity; ``last_step`` (B, 3) or a window base's (B, 6) pair, whose own step is the
    second half). ``fast`` None: mean as it is."""
    if fast is None:
        return mean
    own = last_step[..., 3:] if last_step.shape[-1] == 6 else last_step
    return torch.where(fast[:, None], own.to(mean.dtype), mean)
