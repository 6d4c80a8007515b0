"""Anchor geometry of infilling: where a hidden point "should" be if the trip were linear in
time between its visible neighbours (``visible_anchors``), the bridge step a span point takes towards
its run's visible end (``span_bridge``), and the anchor inputs of hidden in-place points
(``anchor_features``). Every function reads visible positions and times only (no leak).
"""

from __future__ import annotations

import torch

from trajlm.model.embedding import build_features
from trajlm.objectives.masking import DomainMask, visible_time


def shift_right(x: torch.Tensor, fill=False) -> torch.Tensor:
    out = torch.full_like(x, fill)
    out[:, 1:] = x[:, :-1]
    return out


def shift_left(x: torch.Tensor, fill=False) -> torch.Tensor:
    out = torch.full_like(x, fill)
    out[:, :-1] = x[:, 1:]
    return out


def visible_anchors(pos, t, mask, dm: DomainMask):
    """Per original point: anchor position (B, T, 2) from space-visible points only, and the
    reference time (B, T) from time-visible points only."""
    B, T = mask.shape
    idx = torch.arange(T, device=mask.device).expand(B, T)
    vis = mask & ~dm.space
    prev = torch.where(vis, idx, -1).cummax(1).values  # (B, T)
    nxt = torch.where(vis, idx, T).flip(1).cummin(1).values.flip(1)
    has_p, has_n = prev >= 0, nxt < T
    p, n = prev.clamp(0, T - 1), nxt.clamp(0, T - 1)
    pos_p = torch.gather(pos, 1, p[..., None].expand(B, T, 2))
    pos_n = torch.gather(pos, 1, n[..., None].expand(B, T, 2))
    tvis = mask & ~dm.time
    t_p, t_n = torch.gather(t, 1, p), torch.gather(t, 1, n)
    timed = has_p & has_n & tvis & torch.gather(tvis, 1, p) & torch.gather(tvis, 1, n)
    span = (t_n - t_p).where(timed, torch.ones_like(t))
    w = torch.where(timed & (span > 0), (t - t_p) / span.clamp_min(1e-6), torch.zeros_like(t))
    w = w.clamp(0.0, 1.0)[..., None]
    anchor = torch.where(has_p[..., None], (1 - w) * pos_p + w * pos_n, pos_n)
    anchor = torch.where((has_p | has_n)[..., None], anchor, torch.zeros_like(anchor))
    return anchor, visible_time(t, mask, dm)


def span_bridge(pos, t, mask, dm: DomainMask, dxy_scale) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, T, 3) and (B, T) bool: per fully hidden point k, the normalized bridge step
    (dx, dy, 0) from its predecessor k - 1 towards e, the first point after k's run, at k's
    time: (p_e - p_{k-1}) * (t_k - t_{k-1}) / (t_e - t_{k-1}) / dxy_scale, the fraction
    clamped to [0, 1]; and whether k has one (it depends on the masks only). Zero / False
    where there is no such end (the run reaches the row's end, or e's position or time is
    hidden, e.g. the travel-time destination) or k - 1 is only partly hidden.

    Reads the values of k - 1 and k as given (teacher forcing in training, generated / known
    values in generation): the same function defines the training target and the decoding."""
    B, T = mask.shape
    both = dm.both & mask
    idx = torch.arange(T, device=mask.device).expand(B, T)
    end = torch.where(~both, idx, T).flip(1).cummin(1).values.flip(1)  # first non-run >= k
    e = end.clamp_max(T - 1)
    end_ok = (end < T) & torch.gather(mask & ~dm.space & ~dm.time, 1, e)
    prev = (idx - 1).clamp_min(0)
    partial = dm.any & ~dm.both & mask
    ok = both & end_ok & (idx > 0) & ~torch.gather(partial, 1, prev)
    p_prev = torch.gather(pos, 1, prev[..., None].expand(B, T, 2))
    p_end = torch.gather(pos, 1, e[..., None].expand(B, T, 2))
    t_prev, t_end = torch.gather(t, 1, prev), torch.gather(t, 1, e)
    w = ((t - t_prev) / (t_end - t_prev).clamp_min(1e-3)).clamp(0.0, 1.0)
    bridge = (p_end - p_prev) * w[..., None] / dxy_scale
    bridge = torch.cat([bridge, torch.zeros_like(w)[..., None]], -1)
    return torch.where(ok[..., None], bridge, torch.zeros_like(bridge)), ok


def stat_field(stats, name: str):
    return stats[name] if isinstance(stats, dict) else getattr(stats, name)


def anchor_features(feats, pos, t, t0, anchor, mask, dm: DomainMask, hidden, stats):
    """Corrupted-part features where each point of ``hidden`` (position hidden, kept in place)
    reads its anchor as its position: features 0-1 of those points and the steps 2-3 of them
    and of the point after them are rebuilt from positions with every hidden one replaced by
    its anchor. Anchors read only visible positions and times, so nothing hidden leaks."""
    filled = torch.where(dm.space[..., None], anchor, pos)  # (B, T, 2), leak-free
    fill_feats = build_features(filled, t, t0, mask, stats)  # (B, T, 9)
    touched = (hidden | shift_right(hidden)) & mask  # own step or the next point's step
    prev_hidden_both = shift_right(dm.both)  # step would read a collapsed point: keep as is
    out = feats.clone()
    out[..., 0:2] = torch.where(hidden[..., None], fill_feats[..., 0:2], out[..., 0:2])
    step_ok = (touched & ~prev_hidden_both)[..., None]
    out[..., 2:4] = torch.where(step_ok, fill_feats[..., 2:4], out[..., 2:4])
    return out


def anchor_inputs_of(model) -> bool:
    """Whether ``model`` reads anchors at hidden positions (ModelConfig.infill_anchor_inputs)."""
    return bool(getattr(getattr(model, "config", None), "infill_anchor_inputs", False))


def road_inputs_of(model) -> int:
    """Edge buckets of ``model``'s road inputs (ModelConfig.n_edge_buckets; 0 = none)."""
    return int(getattr(getattr(model, "config", None), "n_edge_buckets", 0) or 0)


def anchor_kind_of(model) -> str:
    """The anchor of ``model``'s hidden in-place positions (ModelConfig.infill_anchor)."""
    return str(getattr(getattr(model, "config", None), "infill_anchor", "linear") or "linear")


def anchor_gap_of(model) -> float:
    """Seconds up to which an "auto" anchor is the spline (ModelConfig.infill_anchor_gap_s)."""
    from trajlm.objectives.spline import DEFAULT_GAP_S

    return float(getattr(getattr(model, "config", None), "infill_anchor_gap_s", DEFAULT_GAP_S))
