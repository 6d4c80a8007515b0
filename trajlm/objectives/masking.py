"""Masking strategies over the feature domains of a trajectory (UVTM / masked trajectory modeling).

A point has a spatial domain (position) and a temporal domain (time). A task is "which domains
of which points are hidden": a ``DomainMask`` holds two boolean (B, T) tensors, True = hidden.

    strategy              space hidden                    time hidden
    random_points         random interior points          (domains="both": the same points)
    contiguous_segments   interior runs, geometric length (domains="both": the same points)
    downsample            all but every k-th point        -
    feature_wise          random points, one domain each  the other points
    future   (predict)    points after the history        the same points
    interior (recover)    the points not given            -
    od       (TTE)        every interior point            interior + destination

The first real point of a row is never hidden (it anchors the row); ``keep_last`` also keeps
the last one (recovery, segments). Hiding is decided from random keys drawn with an explicit
``torch.Generator`` on the CPU, so a (seed, step) pair always gives the same mask.

Token types are learned type embeddings of the model core (``n_special_tokens`` = 8), below.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

TOK_POINT = 0  # ordinary point, every feature visible
TOK_HIDE_SPACE = 1  # position hidden, time visible (recovery)
TOK_HIDE_TIME = 2  # time hidden, position visible (travel time at the destination)
TOK_HIDE_BOTH = 3  # both hidden, kept in place (masked points without collapsing)
TOK_GAP = 4  # [m]: a collapsed run of fully hidden points of unknown length (GLM mask token)
TOK_SPAN_START = 5  # [s]: opens a generated span
TOK_AFTER_GAP = 6  # visible point whose step features would read a hidden neighbour (zeroed)
TOK_SPAN_END = 7  # [e]: reserved; the end of a span is the end-of-span logit of its last point
N_TOKEN_TYPES = 8


@dataclass
class DomainMask:
    """Which domains of which points are hidden; both (B, T) bool, True = hidden."""

    space: torch.Tensor
    time: torch.Tensor

    @property
    def both(self) -> torch.Tensor:
        return self.space & self.time

    @property
    def any(self) -> torch.Tensor:
        return self.space | self.time

    def to(self, device) -> DomainMask:
        return DomainMask(self.space.to(device), self.time.to(device))

    def token_type(self, mask: torch.Tensor) -> torch.Tensor:
        """(B, T) long token types of the points for an in-place (uncollapsed) sequence."""
        tt = torch.full_like(mask, TOK_POINT, dtype=torch.long)
        prev_hidden = torch.zeros_like(mask)
        prev_hidden[:, 1:] = self.any[:, :-1] & mask[:, :-1]
        tt[prev_hidden] = TOK_AFTER_GAP
        tt[self.space & ~self.time] = TOK_HIDE_SPACE
        tt[self.time & ~self.space] = TOK_HIDE_TIME
        tt[self.both] = TOK_HIDE_BOTH
        return tt * mask


def _none(mask: torch.Tensor) -> torch.Tensor:
    return torch.zeros_like(mask, dtype=torch.bool)


def _interior(mask: torch.Tensor, keep_last: bool = True) -> torch.Tensor:
    """Real points that may be hidden: never a row's first point, nor its last if keep_last."""
    ok = mask.clone()
    ok[:, 0] = False
    if keep_last:
        last = mask.sum(1) - 1  # (B,)
        ok[torch.arange(mask.shape[0]), last.clamp_min(0)] = False
    return ok & mask


def _uniform(shape, generator: torch.Generator | None, device) -> torch.Tensor:
    return torch.rand(shape, generator=generator).to(device)  # drawn on CPU: same on any device


def _expand(hidden: torch.Tensor, domains: str) -> DomainMask:
    if domains == "space":
        return DomainMask(hidden, _none(hidden))
    if domains == "time":
        return DomainMask(_none(hidden), hidden)
    if domains == "both":
        return DomainMask(hidden, hidden.clone())
    raise ValueError(f"domains must be 'space', 'time' or 'both', got {domains!r}")


def random_points(
    mask: torch.Tensor,
    ratio: float,
    generator: torch.Generator | None = None,
    domains: str = "space",
    keep_last: bool = True,
) -> DomainMask:
    """Hide round(ratio * n_interior) random interior points per row (like the recovery task)."""
    ok = _interior(mask, keep_last)
    key = _uniform(mask.shape, generator, mask.device).masked_fill(~ok, 2.0)  # (B, T)
    rank = key.argsort(1).argsort(1)  # rank of each point's key within its row
    n_hide = torch.round(ratio * ok.sum(1).float()).long()  # (B,)
    return _expand(ok & (rank < n_hide[:, None]), domains)


def contiguous_segments(
    mask: torch.Tensor,
    ratio: float,
    mean_len: float = 4.0,
    generator: torch.Generator | None = None,
    domains: str = "both",
    keep_last: bool = True,
) -> DomainMask:
    """Hide interior runs with geometric lengths (mean ``mean_len``) covering ~``ratio``.

    A two-state Markov chain along each row: a hidden run ends with probability 1/mean_len per
    point (so run lengths are geometric with that mean) and a visible run ends with
    probability ratio / ((1 - ratio) * mean_len), which makes the hidden fraction ``ratio``.
    """
    if not 0.0 < ratio < 1.0 or mean_len < 1.0:
        raise ValueError(f"need 0 < ratio < 1 and mean_len >= 1, got {ratio}, {mean_len}")
    ok = _interior(mask, keep_last)
    B, T = mask.shape
    u = _uniform((B, T + 1), generator, mask.device)
    p_end = 1.0 / mean_len
    p_start = min(1.0, ratio * p_end / (1.0 - ratio))
    state = u[:, T] < ratio  # stationary start
    hidden = torch.zeros_like(mask)
    for i in range(T):  # T steps of (B,) ops: the chain is sequential, rows are vectorized
        flip = u[:, i] < torch.where(state, torch.full_like(u[:, i], p_end), p_start)
        state = state ^ flip
        hidden[:, i] = state
    return _expand(hidden & ok, domains)


def downsample(mask: torch.Tensor, every: torch.Tensor | int, domains: str = "space") -> DomainMask:
    """Keep one point in ``every`` (per row when a (B,) tensor), the first and last; hide the rest."""
    every = torch.as_tensor(every, device=mask.device).long().reshape(-1, 1)  # (B|1, 1)
    idx = torch.arange(mask.shape[1], device=mask.device)[None]
    return _expand(_interior(mask, True) & (idx % every != 0), domains)


def feature_wise(
    mask: torch.Tensor, ratio: float, generator: torch.Generator | None = None
) -> DomainMask:
    """Hide one domain of ~``ratio`` of the interior points: half lose their time (position
    kept), half their position (time kept)."""
    ok = _interior(mask, True)
    u = _uniform((2, *mask.shape), generator, mask.device)
    chosen = ok & (u[0] < ratio)
    time_only = u[1] < 0.5
    return DomainMask(chosen & ~time_only, chosen & time_only)


def future(mask: torch.Tensor, n_keep: torch.Tensor | int) -> DomainMask:
    """Prediction: every real point after the first ``n_keep`` (per row) is fully hidden."""
    n_keep = torch.as_tensor(n_keep, device=mask.device).long().reshape(-1, 1)
    idx = torch.arange(mask.shape[1], device=mask.device)[None]
    return _expand(mask & (idx >= n_keep.clamp_min(1)), "both")


def interior(mask: torch.Tensor, known: torch.Tensor) -> DomainMask:
    """Recovery: positions of the real points not in ``known`` are hidden, times are given."""
    return _expand(mask & ~known.bool(), "space")


def od(mask: torch.Tensor) -> DomainMask:
    """Travel time: keep the origin (position + departure time) and the destination position;
    hide every interior point and the destination's time."""
    inner = _interior(mask, True)
    last = torch.zeros_like(mask)
    last[torch.arange(mask.shape[0]), (mask.sum(1) - 1).clamp_min(0)] = True
    last &= mask & (mask.sum(1, keepdim=True) > 1)
    return DomainMask(inner, inner | last)


def mask_features(
    feats: torch.Tensor, mask: torch.Tensor, dm: DomainMask, step_ratio: float | None = None
) -> torch.Tensor:
    """Zero every feature that depends on a hidden value (feats from build_features).

    Space hidden at i: position (0-1) of i and the steps (2-3) of i and of i + 1, which read
    pos_i. Time hidden at i: cyclic time (5-8) of i and the time steps (4) of i and i + 1.
    With `step_ratio` (= xy_scale / dxy_scale), a visible point after a hidden one gets the
    step from the last *visible* point instead of zeros: leak-free, and it keeps the local
    geometry at step resolution (absolute positions alone are too coarse for recovery).
    """

    def with_next(h: torch.Tensor) -> torch.Tensor:  # i and i + 1
        out = h.clone()
        out[:, 1:] |= h[:, :-1]
        return out

    sp, tm = dm.space & mask, dm.time & mask
    keep = torch.ones_like(feats)
    keep[..., 0:2] *= (~sp)[..., None]
    keep[..., 2:4] *= (~with_next(sp))[..., None]
    keep[..., 4] *= ~with_next(tm)
    keep[..., 5:9] *= (~tm)[..., None]
    out = feats * keep
    if step_ratio is not None:
        T = feats.shape[1]
        idx = torch.arange(T, device=feats.device).expand(mask.shape)
        vis = mask & ~sp
        last_vis = torch.where(vis, idx, -1).cummax(1).values  # (B, T) last visible index <= i
        prev_vis = F.pad(last_vis[:, :-1], (1, 0), value=-1)  # last visible index < i
        bridge = vis & with_next(sp) & ~sp & (prev_vis >= 0)  # visible, previous one hidden
        xy_prev = torch.gather(
            feats[..., 0:2], 1, prev_vis.clamp_min(0)[..., None].expand(-1, -1, 2)
        )
        step = (feats[..., 0:2] - xy_prev) * step_ratio  # (B, T, 2) in step units
        out[..., 2:4] = torch.where(bridge[..., None], step, out[..., 2:4])
    return out


def visible_time(t: torch.Tensor, mask: torch.Tensor, dm: DomainMask) -> torch.Tensor:
    """Times with each hidden time replaced by the last visible time before it (0 if none):
    what a rope_time position may read without leaking the hidden time."""
    T = t.shape[1]
    idx = torch.arange(T, device=t.device).expand_as(t)
    vis = mask & ~dm.time
    prev = torch.where(vis, idx, -1).cummax(1).values  # (B, T) last visible index <= i
    out = torch.gather(t, 1, prev.clamp_min(0))
    return torch.where(prev >= 0, out, torch.zeros_like(t))
