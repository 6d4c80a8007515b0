"""Graceful degradation off the training distribution (issue 14; docs/generalization.md
"Graceful degradation").

Two opt-in mechanisms for a model with a residual base (``residual_base``), which predicts
constant velocity plus a learned correction:

``scale_invariant`` (trained): each point's step inputs (dx, dy) are divided by the mean step
length of its window so far (causal: steps up to and including its own), and the head's
(dx, dy) correction is multiplied back by it. A window whose every step is scaled by s then
reads the same inputs and gets a prediction scaled by s, so a walker's window looks like a
slow taxi's and its correction is a walker-sized one.

``coverage_gate = "speed"`` (inference only, no training): the prediction is shrunk toward
the constant-velocity base, ``base + g * (model - base)``, by a per-row factor g in [0, 1]
from the history's median speed and median time step against the checkpoint's coverage:

    g = min(1, v / v_lo, v_hi / v) * min(1, d / d_lo, d_hi / d)

v: the history's median step speed (m/s); [v_lo, v_hi]: the 5th and 95th percentiles of the
training trajectories' median speeds (coverage ``traj_speed_mps``), v_hi the 95th percentile of
windows of max_len points (``window_speed_mps``) where that lies above the tracks' 99th
(session 31, coverage_gate.speed_reference: whole tracks of moored vessels put v_hi at the
berth); d: the history's median time step (s); [d_lo, d_hi]: the 1st and 99th percentiles of
the training time steps (coverage ``dt_s``). Inside both ranges g is exactly 1 (the model
unchanged); a walker at a third of the slowest taxis' speed keeps a third of the correction.
A checkpoint without those coverage keys gets g = 1.

What the gate shrinks toward, where g < 1, is constant velocity *in the input's own terms*
(``coverage_base``): the last step (dx, dy, dt) as it is. The model's own base drops a step
longer than max_step_norm as a GPS glitch and clamps dt, thresholds in units of the training
data's steps: a ship fixed every 20 min moves 3 km between fixes, which a 15 s taxi model
would call a glitch (and it predicted the ship standing still, 10 km off). Off coverage a
step is a glitch only if its *speed* is one: above max_step_norm steps per the training
data's longest regular time step (dt_s p99), and above 4x the 99th percentile of the training
trajectories' median speeds (session 11: a corpus with 20-min AIS steps otherwise put the
glitch speed at 9 m/s). A history whose median step is itself longer
than max_step_norm gets g = 0: the model never learned such steps (the loss leaves them out),
so its correction there is noise (session 10: 1.29x constant velocity on ships fixed every
10 min with g = 0.05; docs/generalization.md "Session 10").
"""

from __future__ import annotations

import torch

from trajlm.data.clean_common import GLITCH_SPEED_FACTOR  # a glitch: 4x the fastest trips
from trajlm.data.subsec_store import regular_step_s
from trajlm.model.coverage_gate import GATE_EPS, gate_ranges
from trajlm.model.embedding import DELTA

SCALE_FLOOR_M = 0.5  # a window that has not moved (mean step below this) is read at this scale


def _step_lengths(
    feats: torch.Tensor, has_prev: torch.Tensor, max_step_norm: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, T, >=5) features and (B, T) bool "the point has a previous point" -> (|step| (B, T),
    1 (B, T) where the step counts: it exists and is no glitch (|dx| or |dy| > max_step_norm,
    as for the loss and the residual base)."""
    dxy = feats[..., 2:4]
    real = has_prev & (dxy.abs() <= max_step_norm).all(-1)
    return dxy.norm(dim=-1) * real, real.to(feats.dtype)


def _finish(total: torch.Tensor, count: torch.Tensor, floor: float) -> torch.Tensor:
    # before any step (a row's first point) the store scale (1) is used: there is no speed yet
    mean = torch.where(count > 0, total / count.clamp_min(1.0), torch.ones_like(total))
    return mean.clamp_min(floor)


def step_scale(feats: torch.Tensor, max_step_norm: float, floor: float) -> torch.Tensor:
    """Features (B, T, 9) of sequences that start at their first point -> (B, T) the mean
    step length (normalized units) up to each point, floored; 1 before the first step."""
    has_prev = torch.arange(feats.shape[1], device=feats.device)[None] >= 1  # (1, T)
    length, real = _step_lengths(feats, has_prev.expand(feats.shape[:2]), max_step_norm)
    return _finish(length.cumsum(1), real.cumsum(1), floor)


class RunningScale:
    """step_scale of a cached rollout's new points: the prefill's running sums, extended by
    each new point, so a cached rollout reads the same scales as a full forward pass."""

    def __init__(self, feats: torch.Tensor, last: torch.Tensor, max_step_norm: float, floor):
        """feats (B, T, 9) of the (right-padded) history, last (B,) each row's last point."""
        self.max_step_norm, self.floor = max_step_norm, floor
        idx = torch.arange(feats.shape[1], device=feats.device)[None]  # (1, T)
        length, real = _step_lengths(feats, (idx >= 1) & (idx <= last[:, None]), max_step_norm)
        self.total, self.count = length.sum(1), real.sum(1)  # (B,)

    @property
    def scale(self) -> torch.Tensor:
        """(B,) the scale at the newest point."""
        return _finish(self.total, self.count, self.floor)

    def step(self, f: torch.Tensor) -> torch.Tensor:
        """Features (B, 1, 9) of the new point -> its scale (B, 1)."""
        has_prev = torch.ones(f.shape[:2], dtype=torch.bool, device=f.device)  # (B, 1)
        length, real = _step_lengths(f, has_prev, self.max_step_norm)
        self.total, self.count = self.total + length[:, 0], self.count + real[:, 0]
        return self.scale[:, None]


def scale_inputs(feats: torch.Tensor, scale: torch.Tensor, clamp: float) -> torch.Tensor:
    """Divide the (dx, dy) features (2-3) of (B, T, F) by scale (B, T), capped at +-clamp."""
    dxy = (feats[..., 2:4] / scale[..., None]).clamp(-clamp, clamp)
    return torch.cat([feats[..., :2], dxy, feats[..., 4:]], -1)


def scale_output(mean: torch.Tensor, log_var: torch.Tensor | None, scale: torch.Tensor):
    """A head's (..., 3) mean [, log-variance] in scaled units -> store units: (dx, dy) times
    scale (...), their log-variance plus 2 log scale; dt untouched."""
    s = scale[..., None]
    mean = torch.cat([mean[..., :2] * s, mean[..., 2:]], -1)
    if log_var is not None:
        log_var = torch.cat([log_var[..., :2] + 2 * torch.log(s), log_var[..., 2:]], -1)
    return mean, log_var


def gate_from_coverage(
    coverage: dict | None, speed_mps: torch.Tensor, dt_s: torch.Tensor
) -> torch.Tensor:
    """The coverage gate g (B,) of the module docstring from each row's median speed (B,) m/s
    and median time step (B,) s."""
    g = torch.ones_like(speed_mps)
    values = {"traj_speed_mps": speed_mps, "dt_s": dt_s}
    for key, (lo, hi) in gate_ranges(coverage).items():  # the ranges the warnings quote
        x = values[key].clamp_min(GATE_EPS)
        g = g * torch.clamp(torch.minimum(x / lo, hi / x), max=1.0)
    return g


def history_gate(model, feats: torch.Tensor, last: torch.Tensor) -> torch.Tensor | None:
    """The coverage gate (B,) of each row's history (feats (B, T, 9), last (B,) its last real
    point), or None when the model has no gate (``coverage_gate = "none"``)."""
    cfg = model.config
    if getattr(cfg, "coverage_gate", "none") == "none":
        return None
    st = model.embed.stats
    d = feats[..., DELTA]
    T = feats.shape[1]
    idx = torch.arange(T, device=feats.device)[None]
    real = (idx >= 1) & (idx <= last[:, None])  # (B, T) the history's steps
    dt = d[..., 2] * st["dt_scale"] + st["dt_mean"]  # (B, T) seconds
    speed = d[..., :2].norm(dim=-1) * st["dxy_scale"] / dt.clamp_min(1e-3)
    nan = torch.full_like(dt, float("nan"))
    med_v = torch.where(real, speed, nan).nanmedian(1).values  # (B,)
    med_d = torch.where(real, dt, nan).nanmedian(1).values
    g = gate_from_coverage(
        cfg.coverage, med_v.nan_to_num(0.0), med_d.nan_to_num(float(st["dt_mean"]))
    )
    # steps longer than max_step_norm were never learned (the loss leaves them out as glitches):
    # a history made of them (a ship fixed every 10 min) gets no correction, constant velocity
    longest = d[..., :2].abs().amax(-1)  # (B, T) normalized
    med_step = torch.where(real, longest, nan).nanmedian(1).values.nan_to_num(0.0)
    g = torch.where(med_step > cfg.max_step_norm, torch.zeros_like(g), g)
    # a single-point history has no speed: keep the model as it is
    return torch.where(last >= 1, g, torch.ones_like(g))


def coverage_base(last_step: torch.Tensor, stats: dict, coverage: dict | None,
                  max_step_norm: float) -> torch.Tensor:  # fmt: skip
    """Constant velocity for rows off coverage: each point's own last step (..., 3) in
    normalized units, repeated as it is, unless its speed is a glitch's (module docstring);
    dt is not clamped, so the rollout keeps the input's sampling interval."""
    dt_hi = regular_step_s(float(((coverage or {}).get("dt_s") or {}).get("p99", 0.0)))
    v_glitch = max_step_norm * float(stats["dxy_scale"]) / dt_hi  # m/s
    # ... but never below GLITCH_SPEED_FACTOR x the fastest training trajectories' speed: with
    # 10-20 min steps in coverage (a corpus with AIS) the rule above called everything over
    # 9 m/s a glitch, so the fallback stood every ship and car still (session 11)
    v_fast = float(((coverage or {}).get("traj_speed_mps") or {}).get("p99", 0.0))
    v_glitch = max(v_glitch, GLITCH_SPEED_FACTOR * v_fast)
    seconds = (last_step[..., 2:] * stats["dt_scale"] + stats["dt_mean"]).clamp_min(1e-3)
    speed = last_step[..., :2].norm(dim=-1, keepdim=True) * stats["dxy_scale"] / seconds
    return torch.cat(
        [last_step[..., :2].masked_fill(speed > v_glitch, 0.0), last_step[..., 2:]], -1
    )
