"""The step head: final hidden states (..., C) -> the next step's normalized (dx, dy, dt) and
log-variance, with four opt-in mechanisms on top of the plain ``RegressionHead``:

    h -[+ base_in(retrieval base)]-> head -[x scale]-> mean          (scale_invariant)
      mean + gated base                                              (residual_base)
      base + gate * (mean - base)                                    (coverage_gate)
      (dx, dy) re-read at the asked time step, base x dt_next/dt_last (time_query)

``StepHead`` is mixed into ``TrajectoryModel`` rather than being a submodule, so its layers
stay where every saved checkpoint has them (``head.*``, ``base_gate.*``, ``base_in.*``,
``time_query.*``) and are built at the same point of ``__init__`` (a seeded model keeps its
initial weights; tests/test_step_head.py pins both).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from trajlm.data.subsec_store import min_step_s
from trajlm.model.config import ModelConfig
from trajlm.model.embedding import DELTA
from trajlm.model.heads import RegressionHead, TimeQuery
from trajlm.model.retrieval import N_BASE, RETRIEVAL_NAME, window_base_steps
from trajlm.model.scale import SCALE_FLOOR_M, coverage_base, scale_output, step_scale


@dataclass(frozen=True)
class StepHeadConfig:
    """The ModelConfig fields the step head reads. Taken from the model's config at each call,
    not once: coverage_gate and retrieval_mode may be changed on a loaded model's config."""

    d_model: int
    bias: bool
    gaussian: bool  # head "gaussian": a log-variance beside the mean
    residual_base: str  # "none" | "constant_velocity" | "retrieval"
    time_query: bool
    scale_invariant: bool
    step_target: str  # "delta" | "absolute"
    retrieval_mode: str  # "requery" | "anchored"
    max_step_norm: float  # a step beyond this (normalized) is a glitch, not motion
    residual_max_ratio: float  # cap of dt_next / dt_last on the time-scaled base

    @classmethod
    def from_model_config(cls, c: ModelConfig) -> StepHeadConfig:
        return cls(
            d_model=c.d_model, bias=c.bias, gaussian=c.head == "gaussian",
            residual_base=c.residual_base, time_query=c.time_query,
            scale_invariant=c.scale_invariant, step_target=c.step_target,
            retrieval_mode=c.retrieval_mode, max_step_norm=c.max_step_norm,
            residual_max_ratio=c.residual_max_ratio,
        )  # fmt: skip

    @property
    def uses_step_query(self) -> bool:
        """Whether the head needs more than the hidden state (ModelConfig.uses_step_query)."""
        return self.residual_base != "none" or self.time_query


# --- the mechanisms as tensor functions (one concept each) ---


def constant_velocity_base(last_step: torch.Tensor, max_step_norm: float) -> torch.Tensor:
    """Each point's own last step (..., 3) -> the constant-velocity base step (..., 3).

    A step beyond max_step_norm is a GPS glitch or gap, not motion (as for the loss): it is
    not repeated. Its dt is kept (the base time step), its (dx, dy) become 0.
    """
    glitch = (last_step[..., :2].abs() > max_step_norm).any(-1, keepdim=True)
    base = torch.cat([last_step[..., :2].masked_fill(glitch, 0.0), last_step[..., 2:]], -1)
    return base.clamp(-max_step_norm, max_step_norm)


def window_velocity_steps(
    steps: torch.Tensor, has_step: torch.Tensor, window: int, stats: dict, max_step_norm: float
) -> torch.Tensor:
    """Normalized steps (B, T, 3) and whether each is real (B, T) -> (B, T, 3) each point's
    constant-velocity base over its last `window` steps (ModelConfig.base_window): their summed
    (dx, dy) over their summed seconds, times the point's own time step; dt is the own step's.
    Glitch steps (beyond max_step_norm) and missing ones are left out; none left: (dx, dy) 0.
    window 1 is the last step itself (B, T, 3); a window > 1 returns (B, T, 6): the window's
    step, then the own last step, which the coverage gate's fallback reads (step_head)."""
    if window <= 1:
        return steps
    T = steps.shape[1]
    sec = (steps[..., 2] * stats["dt_scale"] + stats["dt_mean"]).clamp_min(1e-3)  # (B, T)
    ok = (has_step & (steps[..., :2].abs() <= max_step_norm).all(-1)).to(steps.dtype)
    csum_xy = F.pad((steps[..., :2] * ok[..., None]).cumsum(1), (0, 0, 1, 0))  # (B, T + 1, 2)
    csum_s = F.pad((sec * ok).cumsum(1), (1, 0))  # (B, T + 1)
    hi = torch.arange(1, T + 1, device=steps.device)
    lo = (hi - window).clamp_min(0)
    span_xy, span_s = csum_xy[:, hi] - csum_xy[:, lo], csum_s[:, hi] - csum_s[:, lo]
    moving = span_s > 1e-6  # (B, T) some real step in the window
    velocity = span_xy / span_s.clamp_min(1e-3)[..., None]  # (B, T, 2) units per second
    dxy = torch.where(moving[..., None], velocity * sec[..., None], torch.zeros_like(velocity))
    return torch.cat([dxy, steps[..., 2:], steps], -1)


class RecentSteps:
    """A cached rollout's last base_window steps per row, so its base reads the same window
    velocity as a full forward pass (window_velocity_steps)."""

    def __init__(self, model, feats: torch.Tensor, last: torch.Tensor):
        """feats (B, T, 9) of the (right-padded) history, last (B,) each row's last point."""
        self.model, w = model, model.config.base_window
        rows = torch.arange(feats.shape[0], device=feats.device)[:, None]
        idx = last[:, None] + torch.arange(-w + 1, 1, device=feats.device)  # (B, w)
        self.steps = feats[rows, idx.clamp_min(0), DELTA]  # (B, w, 3)
        self.has = idx >= 1  # the first point has no step

    def base(self) -> torch.Tensor:
        """(B, 3) the base step's input at the newest point ((B, 6) for a window > 1: the
        window's step and the last step, as window_velocity_steps)."""
        m = self.model
        return window_velocity_steps(self.steps, self.has, m.config.base_window, m.embed.stats,
                                     m.config.max_step_norm)[:, -1]  # fmt: skip

    def push(self, step: torch.Tensor) -> torch.Tensor:
        """The new point's step (B, 3) -> the base input there (B, 3)."""
        self.steps = torch.cat([self.steps[:, 1:], step[:, None]], 1)
        self.has = torch.cat([self.has[:, 1:], torch.ones_like(self.has[:, :1])], 1)
        return self.base()


def shrink_to_base(mean: torch.Tensor, plain: torch.Tensor, gate: torch.Tensor) -> torch.Tensor:
    """coverage_gate: mean (..., 3) shrunk toward the plain (ungated) base by gate (...) in
    [0, 1]; exactly the model where the gate is 1 (model/scale.py)."""
    g = gate[..., None]
    return torch.where(g == 1, mean, plain + g * (mean - plain))


def time_step_ratio(
    dt_next: torch.Tensor, dt_last: torch.Tensor, stats: dict, max_ratio: float
) -> torch.Tensor:
    """Normalized asked and last time steps (...) -> dt_next / dt_last in seconds (...), in
    [0, max_ratio]: how far the base step reaches at the asked time (constant velocity [time])."""
    sec_next = dt_next * stats["dt_scale"] + stats["dt_mean"]
    sec_last = dt_last * stats["dt_scale"] + stats["dt_mean"]
    # the shortest step a rollout takes: 1 s for a whole-second model, as ever; a sub-second
    # one's 0.4-s steps were read as 1 s, so its base reached 0.4x as far (subsec38b)
    return (sec_next / sec_last.clamp_min(min_step_s(stats))).clamp(0.0, max_ratio)


class StepHead:
    """The step head's layers and methods, mixed into TrajectoryModel (see the module doc)."""

    config: ModelConfig
    training: bool
    embed: nn.Module  # PointEmbedding: .stats, the normalization buffers
    region_head: nn.Module | None  # the step-cell head (regions.py) decides a rollout's (dx, dy)
    retrieval: object | None  # residual_base "retrieval": its RetrievalIndex

    @property
    def step_config(self) -> StepHeadConfig:
        """The step head's view of the model's (live) config."""
        return StepHeadConfig.from_model_config(self.config)

    def _build_head(self) -> None:
        """The plain step head: mean [+ log-variance] of the next step."""
        c = self.step_config
        self.head = RegressionHead(c.d_model, c.gaussian, c.bias)

    def _build_step_levers(self, dxy_scale: float) -> None:
        """The opt-in mechanisms' layers (None when off), built after the trunk's other
        layers: the order of construction fixes a seeded model's initial weights."""
        c = self.step_config
        self.scale_floor = SCALE_FLOOR_M / dxy_scale  # scale_invariant (model/scale.py)
        # issue 15: (dx, dy) at an asked time step
        self.time_query = TimeQuery(c.d_model, c.bias) if c.time_query else None
        # residual base gate 1 + tanh(Linear(h)) for (dx, dy) and dt: 1 at init (zero weights),
        # learned 0 where the last step says little about the next (a stop, a near-glitch)
        self.base_gate = nn.Linear(c.d_model, 2, bias=True) if c.residual_base != "none" else None
        # residual_base "retrieval": the step head also reads the base it corrects (the step, its
        # anchor lag and how close the neighbours were: trajlm/model/retrieval.py N_BASE), which
        # the backbone never sees
        self.base_in = (nn.Linear(N_BASE, c.d_model, bias=True)
                        if c.residual_base == "retrieval" else None)  # fmt: skip

    def zero_init_step_param(self, name: str) -> bool:
        """Whether parameter `name` starts at zero: with a residual base the correction
        (head.mean) and the base gate do (gate 1 + tanh(0) = 1), so an untrained model IS its
        residual base."""
        return self.config.residual_base != "none" and name.startswith(("head.mean.", "base_gate."))

    def step_scale(self, feats: torch.Tensor) -> torch.Tensor:
        """(B, T) causal mean step length of sequences that start at their first point."""
        return step_scale(feats, self.config.max_step_norm, self.scale_floor)

    def base_steps(self, batch: dict, feats: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The residual base's input at every point (B, T, 3): the point's own last step, or
        with residual_base "retrieval" the index's next step (leaving out batch["traj_key"])."""
        c = self.step_config
        if c.residual_base != "retrieval":
            return self.velocity_steps(feats, mask)
        index = self.retrieval_index()
        lag = index.horizon - 1 if self.training and c.retrieval_mode == "anchored" else 0
        key = batch.get("traj_key")
        t_abs = None if key is None else batch["t"].round().long() + batch["t0"][:, None]
        return window_base_steps(index, batch["pos"], mask, self.embed.stats, feats[..., DELTA],
                                 key, lag, t_abs)  # fmt: skip

    def velocity_steps(self, feats: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """(B, T, 3) each point's constant-velocity base input: its last step, or (B, T, 6) the
        window velocity of its last base_window steps and the last step (window_velocity_steps)."""
        if self.config.base_window <= 1:
            return feats[..., DELTA]
        idx = torch.arange(mask.shape[1], device=mask.device)[None]
        has = mask & F.pad(mask[:, :-1], (1, 0), value=False) & (idx >= 1)  # (B, T)
        return window_velocity_steps(feats[..., DELTA], has, self.config.base_window,
                                     self.embed.stats, self.config.max_step_norm)  # fmt: skip

    def retrieval_index(self):
        """The attached RetrievalIndex; a clear error when a retrieval model has none."""
        if self.retrieval is None:
            raise ValueError(
                f"residual_base='retrieval' needs its index: load the model from a directory "
                f"with {RETRIEVAL_NAME} or set model.retrieval = RetrievalIndex(...).fit(...)"
            )
        return self.retrieval

    def absolute_to_step(self, mean: torch.Tensor, cur_pos: torch.Tensor) -> torch.Tensor:
        """step_target "absolute": head output (..., 3) whose (x, y) is the next point's
        normalized position -> the normalized step (..., 3) from cur_pos (..., 2) metres."""
        s = self.embed.stats
        cur = (cur_pos.to(mean.dtype) - s["xy_mean"]) / s["xy_scale"]  # (..., 2)
        dxy = (mean[..., :2] - cur) * (s["xy_scale"] / s["dxy_scale"])
        return torch.cat([dxy, mean[..., 2:]], dim=-1)

    def teacher_forced_step(
        self,
        h: torch.Tensor,
        batch: dict,
        feats: torch.Tensor,
        pos: torch.Tensor,
        mask: torch.Tensor,
        scale: torch.Tensor | None,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The training forward's step head: hidden (B, T, C) -> (B, T, 3) mean, log-variance
        at every point (feats (B, T, 9), pos (B, T, 2) metres, mask (B, T), scale (B, T) or
        None); a time_query model is asked the true next time step (teacher forcing)."""
        if self.config.uses_step_query:
            dt_next = F.pad(feats[:, 1:, DELTA.stop - 1], (0, 1))  # (B, T); 0 after the last
            return self.step_head(h, self.base_steps(batch, feats, mask), dt_next, scale)
        pred, log_var = self.head(h)  # (B, T, 3) each (B, T/P * Q, 3 with patch_out)
        if self.config.step_target == "absolute":  # the next position -> the step
            pred = self.absolute_to_step(pred, pos)
        return pred, log_var

    def predict_step(
        self,
        h: torch.Tensor,
        last_step: torch.Tensor | None = None,
        dt_next: torch.Tensor | None = None,
        scale: torch.Tensor | None = None,
        gate: torch.Tensor | None = None,
        cur_pos: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """hidden (..., C) -> the step a rollout takes (..., 3) and its log-variance: the step
        head (with its residual base / asked time), and (dx, dy) from the step-cell head when
        the model has one. ``cur_pos`` (..., 2) metres: the current point, which step_target
        "absolute" needs (absolute_to_step)."""
        mean, log_var = self.step_head(h, last_step, dt_next, scale, gate)
        if self.config.step_target == "absolute":
            if cur_pos is None:
                raise ValueError("step_target='absolute' needs the current position (cur_pos)")
            mean = self.absolute_to_step(mean, cur_pos)
        if self.region_head is not None:
            mean = torch.cat([self.region_head.predict(h), mean[..., 2:]], -1)
        return mean, log_var

    def step_head(
        self,
        h: torch.Tensor,
        last_step: torch.Tensor | None = None,
        dt_next: torch.Tensor | None = None,
        scale: torch.Tensor | None = None,
        gate: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Hidden states (..., C) -> the next step's normalized (dx, dy, dt) [, log-variance].

        The plain model: ``head(h)``. With ``residual_base`` the mean is the gated base step plus
        the head's correction; the base (constant velocity) is ``last_step`` (..., 3), each
        point's own normalized step features (0 at a row's first point; a glitch step's
        (dx, dy) count as 0), times a learned gate that is 1 at initialisation (retrieval:
        ``last_step`` (..., N_BASE) is the retrieved step and its reliability). With
        ``time_query`` (dx, dy) are read at the asked normalized time step ``dt_next`` (...)
        (None: the model's own predicted dt) and the base (dx, dy) is scaled by
        dt_next / dt_last (in seconds). ``scale_invariant``: the head's (dx, dy) are multiplied
        by ``scale`` (...). ``gate`` (...) in [0, 1]: the result is base + gate * (result -
        base), base = constant velocity (model/scale.py); None = 1.
        """
        c = self.step_config
        if not c.uses_step_query:
            return self.head(h)  # (..., 3) each
        if last_step is None and c.residual_base != "none":
            raise ValueError("residual_base needs each point's last step (last_step)")
        if self.base_in is not None:  # (..., N_BASE): the retrieval base and its reliability
            h = h + self.base_in(last_step.clamp(-c.max_step_norm, c.max_step_norm))
            last_step = last_step[..., :3]
        own_step = last_step  # the input's own last step: the coverage gate's fallback
        if last_step is not None and last_step.shape[-1] == 6:  # base_window > 1
            last_step, own_step = last_step[..., :3], last_step[..., 3:]
        mean, log_var = self._scaled_head(h, scale)
        base = None  # the gated base step (..., 3), which the asked time rescales
        if c.residual_base != "none":
            mean, base = self._add_residual_base(h, mean, last_step, gate, own_step)
        if self.time_query is not None:
            mean, log_var = self._ask_time(h, mean, log_var, base, dt_next, scale)
        return mean, log_var

    def _scaled_head(self, h, scale):
        """head(h) in store units: (dx, dy) times the step scale when scale_invariant."""
        mean, log_var = self.head(h)  # (..., 3) each
        if self.config.scale_invariant:
            if scale is None:
                raise ValueError("scale_invariant needs each point's step scale (scale)")
            mean, log_var = scale_output(mean, log_var, scale)
        return mean, log_var

    def _add_residual_base(self, h, mean, last_step, gate, own_step=None):
        """mean (..., 3) = the head's correction -> (correction + gated base, gated base);
        own_step: the input's own last step where last_step is a window's (base_window)."""
        c = self.step_config
        # The retrieval base is a median over train windows and kept as is: a large step
        # there is what similar histories did (e.g. jumped back after a GPS jump).
        base = last_step
        if c.residual_base == "constant_velocity":
            base = constant_velocity_base(last_step, c.max_step_norm)
        plain = base  # before the learned gate: what an untrained model predicts
        learned = 1.0 + torch.tanh(self.base_gate(h))  # (..., 2): (dx, dy) and dt
        base = base * torch.cat([learned[..., :1], learned[..., :1], learned[..., 1:]], -1)
        mean = mean + base
        if c.residual_base == "retrieval":
            # Steps beyond max_step_norm are never learned (the loss leaves them out), so
            # where the retrieval says "such a step" (jump back after a GPS jump) the model
            # has no correction to offer: the base is taken as it is there.
            big = (plain[..., :2].abs() > c.max_step_norm).any(-1, keepdim=True)
            mean = torch.where(big, plain, mean)
        if gate is not None:  # shrink toward constant velocity as the input has it (coverage_gate)
            if c.residual_base == "constant_velocity":
                own = last_step if own_step is None else own_step
                plain = coverage_base(own, self.embed.stats, self.config.coverage,
                                      c.max_step_norm)  # fmt: skip
            mean = shrink_to_base(mean, plain, gate)
        return mean, base

    def _ask_time(self, h, mean, log_var, base, dt_next, scale):
        """(dx, dy) of mean / log_var (..., 3) re-read at the asked time step dt_next (...)
        (None: the predicted dt); dt stays unconditioned."""
        dt_q = mean[..., 2] if dt_next is None else dt_next  # (...,) normalized
        mq, lq = self._scaled_head(h + self.time_query(h, dt_q), scale)
        if base is not None:  # the base step reaches as far as the asked time
            ratio = time_step_ratio(dt_q, base[..., 2], self.embed.stats,
                                    self.config.residual_max_ratio)  # fmt: skip
            mq = torch.cat([mq[..., :2] + base[..., :2] * ratio[..., None], mq[..., 2:]], -1)
        mean = torch.cat([mq[..., :2], mean[..., 2:]], dim=-1)
        if log_var is not None:
            log_var = torch.cat([lq[..., :2], log_var[..., 2:]], dim=-1)
        return mean, log_var
