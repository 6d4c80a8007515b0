"""Trajectory context: what the motion-routed MoE (moe_router "motion") and the adaptive
RoPE (pos_type "rope_adaptive") read besides a token's own features (docs/ablations.md).

A full sequence computes both from its features (`token_context`); a cached rollout step
sees only its new point, so `RolloutContext` carries the last window + 1 steps and the
distance travelled so far from the prefill on, giving the same numbers as the full pass.
"""

from __future__ import annotations

import torch

from trajlm.model.config import ModelConfig
from trajlm.model.embedding import DELTA
from trajlm.model.moe import motion_stats
from trajlm.model.positions import travelled

DWELL_M = 2.0  # a step shorter than this counts as dwelling (the motion statistics)


def needs_context(cfg: ModelConfig) -> bool:
    """Whether a cached step of this config needs more than its own point."""
    motion = bool(cfg.moe_experts) and cfg.moe_router == "motion"
    return motion or cfg.pos_type == "rope_adaptive"


def token_context(cfg: ModelConfig, feats, dwell_norm: float, motion=None, dist=None):
    """Features (B, T, 9) -> (motion statistics (B, T', 5), travelled distance (B, T')) of each
    token where the config reads them, else None; T' = T / patch_size (a patch's last point).
    Given ones are passed through (a cached step's, from RolloutContext)."""
    P = cfg.patch_size
    if cfg.moe_experts and cfg.moe_router == "motion" and motion is None:
        window = cfg.moe_motion_window
        motion = motion_stats(feats[..., DELTA], window, dwell_norm, cfg.max_step_norm)
        motion = motion[:, P - 1 :: P]
    if cfg.pos_type == "rope_adaptive" and dist is None:
        dist = travelled(feats, cfg.max_step_norm).cumsum(1)[:, P - 1 :: P]
    return motion, dist


class RolloutContext:
    """The context of a cached rollout's new points; nothing for other configs."""

    def __init__(self, model, feats: torch.Tensor, last: torch.Tensor):
        """feats (B, T, 9) of the history, last (B,) each row's last real point."""
        cfg = model.config
        self.cfg, self.dwell_norm, self.recent, self.dist = cfg, model.dwell_norm, None, None
        rows = torch.arange(feats.shape[0], device=feats.device)
        if cfg.moe_experts and cfg.moe_router == "motion":
            back = torch.arange(-cfg.moe_motion_window, 1, device=feats.device)  # (W + 1,)
            idx = last[:, None] + back  # (B, W + 1) the steps up to each row's last point
            steps = feats[rows[:, None], idx.clamp_min(0), DELTA]  # (B, W + 1, 3)
            self.recent = steps * (idx >= 0)[..., None]  # before the start: zero steps
        if cfg.pos_type == "rope_adaptive":
            self.dist = travelled(feats, cfg.max_step_norm).cumsum(1)[rows, last]  # (B,)

    def step(self, f: torch.Tensor):
        """Features (B, 1, 9) of the new point -> (motion (B, 1, 5) | None, dist (B, 1) | None)."""
        cfg, motion, dist = self.cfg, None, None
        if self.recent is not None:
            self.recent = torch.cat([self.recent[:, 1:], f[..., DELTA]], 1)
            window = cfg.moe_motion_window
            motion = motion_stats(self.recent, window, self.dwell_norm, cfg.max_step_norm)
            motion = motion[:, -1:]
        if self.dist is not None:
            self.dist = self.dist + travelled(f, cfg.max_step_norm)[:, 0]
            dist = self.dist[:, None]
        return motion, dist
