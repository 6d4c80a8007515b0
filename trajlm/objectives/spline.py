"""Spline anchors of hidden points: the Akima or PCHIP interpolation in time of each row's
visible points, vectorized over rows and points (no loop over trajectories or gaps).

``spline_anchor`` reproduces ``scipy.interpolate.Akima1DInterpolator`` (method "akima") and
``PchipInterpolator`` — the recovery baselines ``CubicSplineInterpolation(kind="akima" |
"pchip")`` of trajlm/eval/recovery_baselines.py — to float64 round-off (tests/test_recovery_anchor.py):
the same node derivatives, the same cubic Hermite pieces. Where a spline is not defined (fewer
than 3 nodes in the row, a query before the first or after the last node, two nodes at one
time) it says so (``ok`` False) and the caller keeps its linear anchor, like the baseline,
which falls back to linear interpolation with fewer than 3 known points.
"""

from __future__ import annotations

import numpy as np
import torch

SPLINE_KINDS = ("akima", "pchip")
# "auto" (issue 15, docs/recovery.md "Anchor by gap length"): the Akima spline over gaps of at
# most ``gap_s`` seconds between a point's visible neighbours, the linear anchor beyond (Akima
# overshoots over long gaps, where the chord is the better start).
ANCHOR_KINDS = ("linear", *SPLINE_KINDS, "auto")
AUTO_SHORT_KIND = "akima"
DEFAULT_GAP_S = 180.0  # a priori: between Porto's 120 s and 240 s settings (15 s feed)
_AKIMA_BREAK = 1e-9  # scipy's break_mult: node slopes with f1 + f2 below this x max are "flat"


def _compact(x: torch.Tensor, nodes: torch.Tensor) -> torch.Tensor:
    """x (B, T, ...) with each row's node entries moved to the front (order kept)."""
    order = torch.argsort((~nodes).to(torch.int8), dim=1, stable=True)
    if x.dim() == 2:
        return torch.gather(x, 1, order)
    return torch.gather(x, 1, order[..., None].expand(*order.shape, x.shape[-1]))


def _take(x: torch.Tensor, i: torch.Tensor) -> torch.Tensor:
    """x (B, N, C) at per-row indices i (B, M), clamped into range -> (B, M, C)."""
    i = i.clamp(0, x.shape[1] - 1)
    return torch.gather(x, 1, i[..., None].expand(*i.shape, x.shape[-1]))


def _akima_slopes(m: torch.Tensor, n: torch.Tensor) -> torch.Tensor:
    """Node derivatives (B, T, C) from segment slopes m (B, T - 1, C) of rows with n >= 3 nodes.

    scipy's construction: two slopes extrapolated linearly on each side (m_-1 = 2 m_0 - m_1,
    ...), then d_i = m_{i-1} + f2 / (f1 + f2) (m_i - m_{i-1}) with f1 = |m_{i+1} - m_i|,
    f2 = |m_{i-1} - m_{i-2}|; where f1 + f2 is ~0 (<= 1e-9 x the row's largest), the mean
    of m_{i-2} and m_{i+1}."""
    B, S, C = m.shape
    T = S + 1
    ext = torch.zeros(B, T + 3, C, dtype=m.dtype, device=m.device)  # ext[k] = slope k - 2
    ext[:, 2 : T + 1] = m
    ext[:, 1] = 2 * ext[:, 2] - ext[:, 3]
    ext[:, 0] = 2 * ext[:, 1] - ext[:, 2]
    # right end: slopes n - 1 and n (ext positions n + 1, n + 2) from the last two real ones
    last = (n + 1)[:, None, None].expand(B, 1, C)  # ext position of slope n - 1
    s_a = torch.gather(ext, 1, last - 1)  # slope n - 2
    s_b = torch.gather(ext, 1, last - 2)  # slope n - 3
    ext = ext.scatter(1, last, 2 * s_a - s_b)
    ext = ext.scatter(1, last + 1, 2 * (2 * s_a - s_b) - s_a)
    m0, m1, m2, m3 = ext[:, :T], ext[:, 1 : T + 1], ext[:, 2 : T + 2], ext[:, 3 : T + 3]
    f1, f2 = (m3 - m2).abs(), (m1 - m0).abs()
    f12 = f1 + f2
    real = (torch.arange(T, device=m.device)[None] < n[:, None])[..., None]
    top = torch.where(real, f12, 0.0).amax(dim=(1, 2), keepdim=True)
    defined = f12 > _AKIMA_BREAK * top
    slope = m1 + f2 / torch.where(defined, f12, 1.0) * (m2 - m1)
    return torch.where(defined, slope, 0.5 * (m3 + m0))


def _pchip_edge(h0, h1, m0, m1):
    """scipy's one-sided three-point end derivative, kept shape-preserving."""
    d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1)
    d = torch.where(torch.sign(d) != torch.sign(m0), torch.zeros_like(d), d)
    clip = (torch.sign(m0) != torch.sign(m1)) & (d.abs() > 3 * m0.abs())
    return torch.where(clip, 3 * m0, d)


def _pchip_slopes(m: torch.Tensor, h: torch.Tensor, n: torch.Tensor) -> torch.Tensor:
    """Node derivatives (B, T, C) of scipy's PCHIP (Fritsch-Butland weighted harmonic mean,
    0 at a local extremum) from slopes m (B, T - 1, C) and widths h (B, T - 1, 1), n >= 3."""
    B, S, C = m.shape
    T = S + 1
    d = torch.zeros(B, T, C, dtype=m.dtype, device=m.device)
    ml, mr, hl, hr = m[:, :-1], m[:, 1:], h[:, :-1], h[:, 1:]
    w1, w2 = 2 * hr + hl, hr + 2 * hl
    flat = (torch.sign(ml) != torch.sign(mr)) | (ml == 0) | (mr == 0)
    safe_l, safe_r = torch.where(flat, 1.0, ml), torch.where(flat, 1.0, mr)
    inner = (w1 + w2) / (w1 / safe_l + w2 / safe_r)
    d[:, 1:-1] = torch.where(flat, torch.zeros_like(inner), inner)
    d[:, 0] = _pchip_edge(h[:, 0], h[:, 1], m[:, 0], m[:, 1])
    j = (n - 2)[:, None, None]  # last real segment
    hl_, hr_ = torch.gather(h, 1, j), torch.gather(h, 1, j - 1)
    ml_ = torch.gather(m, 1, j.expand(B, 1, C))
    mr_ = torch.gather(m, 1, (j - 1).expand(B, 1, C))
    return d.scatter(1, (n - 1)[:, None, None].expand(B, 1, C), _pchip_edge(hl_, hr_, ml_, mr_))


def spline_anchor(
    pos: torch.Tensor, t: torch.Tensor, nodes: torch.Tensor, query: torch.Tensor, kind: str
) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, T, 2) spline positions at the ``query`` points and (B, T) bool where defined.

    pos (B, T, 2) metres, t (B, T) seconds (increasing along each row), nodes (B, T) bool: the
    points the spline passes through (visible position and time); query (B, T) bool: where it
    is read. Only node values are read, so hidden positions never leak. Computed in float64.
    """
    if kind not in SPLINE_KINDS:
        raise ValueError(f"spline kind must be one of {SPLINE_KINDS}, got {kind!r}")
    B, T = nodes.shape
    out_dtype = pos.dtype
    pos, t = pos.double(), t.double()
    if T < 3:
        return torch.zeros_like(pos).to(out_dtype), torch.zeros_like(nodes)
    n = nodes.sum(1)  # (B,)
    x = _compact(t, nodes)  # (B, T) node times first
    y = _compact(pos, nodes)  # (B, T, 2)
    real_seg = torch.arange(T - 1, device=nodes.device)[None] < (n - 1)[:, None]
    h = torch.where(real_seg, x[:, 1:] - x[:, :-1], 1.0)[..., None]  # (B, T - 1, 1)
    good = (h > 0).all(dim=(1, 2))  # two nodes at one time: no spline (scipy raises)
    m = (y[:, 1:] - y[:, :-1]) / torch.where(h > 0, h, 1.0)
    m = torch.where(real_seg[..., None], m, 0.0)
    rows = n >= 3
    nn = n.clamp_min(3)  # rows with fewer nodes are computed on garbage, then dropped
    d = _akima_slopes(m, nn) if kind == "akima" else _pchip_slopes(m, h, nn)
    # the interval [k, k + 1] of each query: k = nodes before it - 1 (node order = time order)
    k = nodes.long().cumsum(1) - nodes.long() - 1  # (B, T)
    inside = (k >= 0) & (k + 1 < n[:, None])
    x0, x1 = torch.gather(x, 1, k.clamp(0, T - 1)), torch.gather(x, 1, (k + 1).clamp(0, T - 1))
    y0, y1, d0, d1 = _take(y, k), _take(y, k + 1), _take(d, k), _take(d, k + 1)
    w = x1 - x0
    s = ((t - x0) / torch.where(w > 0, w, 1.0))[..., None]
    w = w[..., None]
    # cubic Hermite basis on [x0, x1]
    h00, h10 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s
    h01, h11 = -2 * s**3 + 3 * s**2, s**3 - s**2
    val = h00 * y0 + h10 * w * d0 + h01 * y1 + h11 * w * d1
    ok = query & ~nodes & inside & (rows & good)[:, None] & (w[..., 0] > 0)
    return torch.where(ok[..., None], val, 0.0).to(out_dtype), ok


def gap_seconds(t: torch.Tensor, nodes: torch.Tensor) -> torch.Tensor:
    """(B, T) time between the last node at or before and the first node at or after each
    point (0 at a node itself); inf where one side has none (a gap at a row end)."""
    B, T = nodes.shape
    idx = torch.arange(T, device=nodes.device).expand(B, T)
    before = torch.where(nodes, idx, -1).cummax(1).values
    after = torch.where(nodes, idx, T).flip(1).cummin(1).values.flip(1)
    t = t.double()
    gap = torch.gather(t, 1, after.clamp(max=T - 1)) - torch.gather(t, 1, before.clamp_min(0))
    return torch.where((before < 0) | (after >= T), torch.inf, gap)


def anchor_spline(
    pos: torch.Tensor, t: torch.Tensor, nodes: torch.Tensor, query: torch.Tensor, kind: str,
    gap_s: float = DEFAULT_GAP_S,
) -> tuple[torch.Tensor, torch.Tensor]:  # fmt: skip
    """``spline_anchor`` of ``kind`` "akima" | "pchip" | "auto"; for "auto", Akima where the
    gap between a point's nodes is at most ``gap_s`` seconds and ``ok`` False beyond (the
    caller keeps its linear anchor there)."""
    if kind != "auto":
        return spline_anchor(pos, t, nodes, query, kind)
    val, ok = spline_anchor(pos, t, nodes, query, AUTO_SHORT_KIND)
    return val, ok & (gap_seconds(t, nodes) <= gap_s)


def spline_per_trajectory(
    xy: np.ndarray, t: np.ndarray, known: np.ndarray, groups: np.ndarray, kind: str,
    gap_s: float = DEFAULT_GAP_S,
) -> np.ndarray:  # fmt: skip
    """(P, 2) spline positions of the unknown points of flat, grouped trajectories (the
    harness's recovery layout: rows sorted by trajectory, then time); NaN where the spline is
    not defined. One spline per whole trajectory, like ``CubicSplineInterpolation``, so a
    model that reads it matches the baseline even where recovery cuts a trip into chunks."""
    out = np.full((len(t), 2), np.nan)
    bounds = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):  # a loop over trajectories
        kn = np.asarray(known[a:b], bool)
        if kn.all() or kn.sum() < 3:
            continue
        tt = np.asarray(t[a:b], np.float64)
        val, ok = anchor_spline(
            torch.as_tensor(xy[a:b], dtype=torch.float64)[None],
            torch.as_tensor(tt - tt[0])[None],
            torch.as_tensor(kn)[None],
            torch.as_tensor(~kn)[None],
            kind,
            gap_s,
        )
        ok = ok[0].numpy()
        out[a:b][ok] = val[0].numpy()[ok]
    return out


def linear_between(xy: np.ndarray, t: np.ndarray, prev: np.ndarray, nxt: np.ndarray) -> np.ndarray:
    """Positions (P, 2) interpolated linearly in time between each row's previous and next
    known rows (index arrays (P,); equal indices, or equal times, give that row's point)."""
    tf = np.asarray(t, np.float64)
    span = tf[nxt] - tf[prev]
    w = np.where(span > 0, (tf - tf[prev]) / np.where(span > 0, span, 1.0), 0.0)[:, None]
    return (1 - w) * xy[prev] + w * xy[nxt]
