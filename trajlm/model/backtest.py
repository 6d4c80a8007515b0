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

from trajlm.model.embedding import DELTA
from trajlm.model.scale import coverage_base
from trajlm.model.step_head import window_velocity_steps

MIN_STEPS = 3  # history steps the backtest needs before it may gate


def uses_one_step_backtest(cfg) -> bool:
    """Whether a rollout computes the teacher-forced backtest (backtest_steps 0) itself."""
    return bool(cfg.backtest_gate) and not cfg.backtest_steps


def rollout_backtest_gate(model, rollout, pos, t, t0, mask, lengths) -> torch.Tensor | None:
    """backtest_steps H > 0: the gate (B,) from a rollout of H steps out of each row's history
    cut H points short (``rollout``: generate's step function, called without a backtest of
    its own), scored against the history's real last H points, beside constant velocity
    (the cut history's last step repeated). Rows with fewer than MIN_STEPS + H points: 1."""
    cfg = model.config
    H = int(cfg.backtest_steps)
    if not cfg.backtest_gate or H < 1:
        return None
    B, T = mask.shape
    rows = torch.arange(B, device=mask.device)
    # (B,) points of each row's shortened history (a row too short keeps its own: not scored)
    cut = torch.where(lengths - H >= 2, lengths - H, lengths)
    short = torch.arange(T, device=mask.device)[None] < cut[:, None]
    out_pos, _, _ = rollout(model, pos, t, t0, mask & short, cut, H, False, None, 1.0, None,
                            backtest=False)  # fmt: skip
    pred = torch.stack(out_pos, 1)  # (B, H, 2)
    k = torch.arange(H, device=mask.device)
    truth = pos[rows[:, None], (cut[:, None] + k).clamp_max(T - 1)]  # (B, H, 2)
    last, step = pos[rows, cut - 1], pos[rows, cut - 1] - pos[rows, (cut - 2).clamp_min(0)]
    cv = last[:, None] + (k[None, :, None] + 1) * step[:, None]
    e_model = (pred - truth).norm(dim=-1).mean(1)
    e_cv = (cv - truth).norm(dim=-1).mean(1)
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
    e_fallback, _ = _fallbacks(model, feats, mask, target, w)
    n = (w > 0).sum(1)  # (B,) scored steps: the evidence
    power = cfg.backtest_gate * (n.to(mean.dtype) / MIN_STEPS).clamp(max=1.0)
    g = (e_fallback / e_model.clamp_min(1e-12)).pow(power).clamp(max=1.0)
    return torch.where(n >= cfg.backtest_min_steps, g, torch.full_like(g, cfg.backtest_prior))


def _scored_targets(model, feats, mask, last):
    """The history's own next steps (B, T - 1, 2), predicted at each point, and which count
    (B, T - 1) as 0/1 weights: the point has a step, the next one is real, no glitch."""
    own = feats[..., DELTA]
    target = own[:, 1:, :2]  # the step into point t + 1, predicted at point t
    t = torch.arange(feats.shape[1] - 1, device=feats.device)[None]  # (1, T - 1)
    scored = (t >= 1) & (t + 1 <= last[:, None]) & mask[:, 1:]  # point t has a step; t+1 is real
    scored = scored & (target.abs() <= model.config.max_step_norm).all(-1)  # glitches: nobody's
    return target, scored.to(feats.dtype)


def _fallbacks(model, feats, mask, target, w):
    """Each row's fallback on its own past: its summed error (B,) over the model's scored
    steps, and whether it is the window velocity (B,): backtest_fallback_window > 1 and the
    window predicted the past better than the last step did. That choice is physics against
    physics, so it scores every real step but speed glitches, also those too long for the
    model (a ship fixed every 10 min)."""
    cfg, st = model.config, model.embed.stats
    own = feats[..., DELTA]
    cv = coverage_base(own, st, cfg.coverage, cfg.max_step_norm)  # (B, T, 3)
    e_cv = ((cv[:, :-1, :2] - target).norm(dim=-1) * w).sum(1)
    if cfg.backtest_fallback_window <= 1:
        return e_cv, torch.zeros_like(e_cv, dtype=torch.bool)
    win, glitch = _window_steps(model, feats, mask)
    e_win = ((win[:, :-1, :2] - target).norm(dim=-1) * w).sum(1)
    t = torch.arange(feats.shape[1] - 1, device=feats.device)[None]  # (1, T - 1)
    real = (t >= 1) & mask[:, 1:] & mask[:, :-1] & ~glitch[:, 1:]  # (B, T - 1)
    wp = real.to(feats.dtype)
    p_cv = ((cv[:, :-1, :2] - target).norm(dim=-1) * wp).sum(1)
    p_win = ((win[:, :-1, :2] - target).norm(dim=-1) * wp).sum(1)
    use_window = p_win < p_cv
    return torch.where(use_window, e_win, e_cv), use_window


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
    _, use_window = _fallbacks(model, feats, mask, target, w)
    rows = torch.arange(feats.shape[0], device=feats.device)
    own = feats[rows, last][:, DELTA]
    win = _window_steps(model, feats, mask)[0][rows, last]
    return torch.where(use_window[:, None], win, own)


def combine_gates(a: torch.Tensor | None, b: torch.Tensor | None) -> torch.Tensor | None:
    """The product of two optional (B,) gates (None = 1)."""
    if a is None or b is None:
        return b if a is None else a
    return a * b
