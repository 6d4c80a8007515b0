"""Continuous point embedding: 9 features per point, built in torch, -> Linear -> d_model.

Features, in order (all normalized by the NormStats the model carries):
    0-1  position       (pos - xy_mean) / xy_scale
    2-3  step           (pos_i - pos_{i-1}) / dxy_scale
    4    time step      (dt_i - dt_mean) / dt_scale, dt_i = t_i - t_{i-1}
    5-8  cyclic time    sin/cos hour of day, sin/cos day of week (UTC) of t0 + t
Features 2-4 are 0 at a row's first point (no previous point); all 9 are 0 at padding.
Features 2-4 are also the regression targets (the next point's step), so the model predicts
exactly what it reads.

Context (features 5-8, optionally 0-1) can be hidden per row by zeroing it (`hide_context`):
at random during training (context dropout) and at inference when the input lies outside the
training coverage. Zero is an impossible clock (sin^2 + cos^2 = 1), so a hidden clock is never
mistaken for a real one. See docs/generalization.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import torch
import torch.nn as nn
import torch.nn.functional as F

from trajlm.data.features import NormStats
from trajlm.data.subsec_store import exact_steps

N_FEATURES = 9
POSITION = slice(0, 2)  # normalized absolute position
DELTA = slice(2, 5)  # the (dx, dy, dt) features = regression targets
TIME = slice(5, 9)  # sin/cos hour of day, sin/cos day of week
# Optional road inputs after the 9 point features (ModelConfig.n_edge_buckets > 0): column 9 is
# the hashed edge bucket (0 = no edge, 1..n_buckets), column 10 the fraction along the edge.
ROAD = slice(N_FEATURES, N_FEATURES + 2)


def edge_bucket(edge_id: torch.Tensor, n_buckets: int) -> torch.Tensor:
    """Hashed bucket of road edge ids: 1..n_buckets, 0 where the id is < 0 (no edge).

    A fixed multiplicative hash (int64 wrap-around, no salt), so a bucket is the same in every
    process and run: ids of any size (OSM way ids ~1e10) share a small embedding table."""
    e = edge_id.long()
    h = e * 2654435761  # Knuth's multiplicative constant
    h = h ^ (h >> 16)
    return torch.where(e >= 0, 1 + torch.remainder(h, n_buckets), torch.zeros_like(e))


def road_features(batch: Mapping, n_buckets: int, like: torch.Tensor) -> torch.Tensor:
    """(B, T, 2) road input columns (bucket as a float, fraction) from batch["edge_id"] and
    batch["edge_frac"]; all zero (no edge) when the batch has none. `like`: a (B, T) tensor."""
    eid = batch.get("edge_id")
    if eid is None:
        return torch.zeros(*like.shape[:2], 2, device=like.device)
    eid = eid.to(like.device)
    frac = torch.nan_to_num(batch["edge_frac"].to(like.device).float()) * (eid >= 0)
    return torch.stack([edge_bucket(eid, n_buckets).float(), frac], -1)


def identity_stats() -> NormStats:
    """Statistics that leave values unchanged (mean 0, scale 1): for models built without data."""
    return NormStats(0.0, 0.0, (0.0, 0.0), 1.0, 1.0, 0.0, 1.0)


def _stat(stats: NormStats | Mapping, name: str):
    return getattr(stats, name) if isinstance(stats, NormStats) else stats[name]


def cyclic_time_torch(t0: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """(B,) Unix seconds + (B, T) seconds since start -> (B, T, 4) sin/cos hour, sin/cos weekday.

    Same convention as trajlm.data.features.cyclic_time (UTC; Unix day 0 was a Thursday).
    The absolute time (~1.7e9 s) is formed in float64: float32 would round it to 128 s.
    """
    abs_s = t0.to(torch.float64)[:, None] + t.to(torch.float64)  # (B, T)
    hour = torch.remainder(abs_s, 86400.0) / 3600.0
    dow = torch.remainder(torch.floor(abs_s / 86400.0) + 3.0, 7.0)
    a, b = (2 * math.pi / 24.0) * hour, (2 * math.pi / 7.0) * dow
    out = torch.stack([a.sin(), a.cos(), b.sin(), b.cos()], dim=-1)  # (B, T, 4)
    return out.to(t.dtype if t.is_floating_point() else torch.float32)


def build_features(
    pos: torch.Tensor,
    t: torch.Tensor,
    t0: torch.Tensor,
    mask: torch.Tensor,
    stats: NormStats | Mapping,
) -> torch.Tensor:
    """Loader batch -> normalized point features (B, T, 9); vectorized, no loop over points.

    pos (B, T, 2) metres, t (B, T) seconds since window start, t0 (B,) Unix seconds,
    mask (B, T) bool (True = real point). `stats` is a NormStats or a mapping with the same
    field names whose values may be floats or tensors (the model passes its buffers).
    """
    xy_mean = torch.as_tensor(_stat(stats, "xy_mean"), dtype=pos.dtype, device=pos.device)
    xy = (pos - xy_mean) / _stat(stats, "xy_scale")  # (B, T, 2)

    # Step to the previous point; the first point has none, padding has no meaning.
    prev_ok = torch.zeros_like(mask)
    prev_ok[:, 1:] = mask[:, 1:] & mask[:, :-1]  # (B, T)
    dxy = F.pad(pos[:, 1:] - pos[:, :-1], (0, 0, 1, 0)) / _stat(stats, "dxy_scale")  # (B, T, 2)
    dt = F.pad(t[:, 1:] - t[:, :-1], (1, 0))  # (B, T)
    dt = exact_steps(dt, _stat(stats, "dt_mean"))  # a sub-second store's: to the ms (subsec38b)
    dt = (dt - _stat(stats, "dt_mean")) / _stat(stats, "dt_scale")
    delta = torch.cat([dxy, dt[..., None]], dim=-1) * prev_ok[..., None]  # (B, T, 3)

    feats = torch.cat([xy, delta, cyclic_time_torch(t0, t)], dim=-1)  # (B, T, 9)
    return feats * mask[..., None]


def hide_context(
    feats: torch.Tensor, hide_time: torch.Tensor | None, hide_position: torch.Tensor | None
) -> torch.Tensor:
    """Zero the time features (5-8) of rows where hide_time (B,) is True and the position
    features (0-1) where hide_position (B,) is True; None hides nothing. The motion features
    (steps, dt) are never touched."""
    keep = torch.ones_like(feats[:, :1])  # (B, 1, 9)
    if hide_time is not None:
        keep[:, :, TIME] = (~hide_time).to(feats.dtype)[:, None, None]
    if hide_position is not None:
        keep[:, :, POSITION] = (~hide_position).to(feats.dtype)[:, None, None]
    return feats * keep


def _angle_bin(sin: torch.Tensor, cos: torch.Tensor, n: int, rounded: bool) -> torch.Tensor:
    """sin/cos of 2 pi k / n -> k in [0, n) (long)."""
    k = torch.remainder(torch.atan2(sin, cos) * (n / (2 * math.pi)), n)
    k = torch.round(k) if rounded else torch.floor(k)
    return torch.remainder(k, n).long()


class FourierPositions(nn.Module):
    """Absolute position (features 0-1) -> sin/cos at n_bands wavelengths -> Linear -> d_model.

    Wavelengths are geometric from min_m to 64 * min_m metres. A point whose position
    features are exactly zero (padding, a hidden position) gets no contribution: zero is the
    "no position" convention of build_features / mask_features.
    """

    def __init__(self, d_model: int, n_bands: int, min_m: float, xy_scale: float):
        super().__init__()
        wavelengths = min_m * torch.logspace(0, 6, n_bands, base=2.0)  # (n_bands,) metres
        # angular frequency per normalized unit: 2 pi * xy_scale / wavelength
        self.register_buffer("freq", 2 * math.pi * xy_scale / wavelengths, persistent=False)
        self.proj = nn.Linear(4 * n_bands, d_model, bias=False)

    def forward(self, xy: torch.Tensor) -> torch.Tensor:
        has_pos = (xy != 0).any(-1, keepdim=True)  # (B, T, 1)
        ang = xy[..., None] * self.freq  # (B, T, 2, n_bands)
        f = torch.cat([ang.sin(), ang.cos()], -1).flatten(-2)  # (B, T, 4 * n_bands)
        return self.proj(f) * has_pos


class PointEmbedding(nn.Module):
    """Features -> Linear -> d_model, plus a learned type embedding (0 = ordinary point) and,
    optionally, multi-scale Fourier features of the absolute position."""

    def __init__(
        self,
        d_model: int,
        n_special_tokens: int,
        stats: NormStats,
        bias: bool,
        clamp: float = 25.0,
        fourier_bands: int = 0,
        fourier_min_m: float = 40.0,
        context: str = "full",
        context_dropout: float = 0.0,
        context_features: str = "time",
        coverage: dict | None = None,
        n_edge_buckets: int = 0,
        trajectory_frame: bool = False,
    ):
        super().__init__()
        # position_frame "trajectory": the absolute position is never an input (pretraining)
        self.trajectory_frame = trajectory_frame
        # "full" | "motion" | "auto"; may be switched after loading (model.embed.context = ...)
        self.context = context
        self.context_dropout = context_dropout
        self.context_position = context_features == "time+position"
        self.has_coverage = coverage is not None  # buffers hour_ok, weekday_ok, xy_box: "auto"
        if coverage is not None:
            from trajlm.model.coverage import coverage_masks

            hours, days, box = coverage_masks(coverage, stats)
            self.register_buffer("hour_ok", torch.tensor(hours), persistent=False)
            self.register_buffer("weekday_ok", torch.tensor(days), persistent=False)
            self.register_buffer("xy_box", torch.tensor(box, dtype=torch.float32), False)
        self.clamp = clamp  # |normalized feature| cap: a GPS glitch must not blow up the input
        self.proj = nn.Linear(N_FEATURES, d_model, bias=bias)
        self.token_type = nn.Embedding(n_special_tokens, d_model)
        self.edge_embed = self.edge_frac = None  # road inputs (columns ROAD of the features)
        if n_edge_buckets > 0:
            self.edge_embed = nn.Embedding(n_edge_buckets + 1, d_model)
            self.edge_frac = nn.Linear(1, d_model, bias=False)
        self.fourier = None
        if fourier_bands > 0:
            self.fourier = FourierPositions(d_model, fourier_bands, fourier_min_m, stats.xy_scale)
        # The config is the source of truth for the statistics, so the buffers are not saved.
        self.register_buffer("xy_mean", torch.tensor(stats.xy_mean, dtype=torch.float32), False)
        for name in ("xy_scale", "dxy_scale", "dt_mean", "dt_scale"):
            self.register_buffer(name, torch.tensor(float(getattr(stats, name))), False)

    @property
    def stats(self) -> dict[str, torch.Tensor]:
        names = ("xy_mean", "xy_scale", "dxy_scale", "dt_mean", "dt_scale")
        return {n: getattr(self, n) for n in names}

    def features(self, pos, t, t0, mask) -> torch.Tensor:
        """build_features with this model's statistics: (B, T, 9)."""
        return build_features(pos, t, t0, mask, self.stats)

    def outside_coverage(self, feats: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Rows (B,) with any real point at an hour / weekday, or (B,) any point at a position,
        outside the training coverage."""
        tf = feats[..., TIME]
        has_time = (tf != 0).any(-1)  # (B, T) hidden clocks and padding are all zero
        hour = _angle_bin(tf[..., 0], tf[..., 1], 24, rounded=False)
        day = _angle_bin(tf[..., 2], tf[..., 3], 7, rounded=True)
        bad_time = has_time & ~(self.hour_ok[hour] & self.weekday_ok[day])  # (B, T)
        xy = feats[..., POSITION]
        has_pos = (xy != 0).any(-1)
        lo, hi = self.xy_box[:2], self.xy_box[2:]
        bad_pos = has_pos & ((xy < lo) | (xy > hi)).any(-1)
        return bad_time.any(1), bad_pos.any(1)

    def hide(self, feats: torch.Tensor) -> torch.Tensor:
        """Hide the context features per row, as `context` and training mode say."""
        B = feats.shape[0]
        if self.context == "motion":
            rows = torch.ones(B, dtype=torch.bool, device=feats.device)
        elif self.training and self.context_dropout > 0:
            rows = torch.rand(B, device=feats.device) < self.context_dropout
        elif self.context == "auto" and self.has_coverage and self.context_dropout > 0:
            bad_time, bad_pos = self.outside_coverage(feats)
            return hide_context(feats, bad_time, bad_pos if self.context_position else None)
        else:
            return feats
        return hide_context(feats, rows, rows if self.context_position else None)

    def forward(self, feats: torch.Tensor, token_type: torch.Tensor | None) -> torch.Tensor:
        if self.trajectory_frame:  # every row in its own frame: no absolute position
            feats = hide_context(feats, None, torch.ones_like(feats[:, 0, 0], dtype=torch.bool))
        feats = self.hide(feats)
        x = self.proj(feats[..., :N_FEATURES].clamp(-self.clamp, self.clamp))  # (B, T, C)
        if self.edge_embed is not None:
            if feats.shape[-1] > N_FEATURES:  # bucket 0 and fraction 0 where there is no edge
                road = feats[..., ROAD]
                x = x + self.edge_embed(road[..., 0].long()) + self.edge_frac(road[..., 1:2])
            else:  # features without road columns: every point reads "no edge"
                x = x + self.edge_embed.weight[0]
        if self.fourier is not None:
            x = x + self.fourier(feats[..., 0:2])
        if token_type is None:
            return x + self.token_type.weight[0]  # every point is an ordinary point
        return x + self.token_type(token_type)
