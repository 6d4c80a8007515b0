"""Recovery in feeds with fixes under a second apart (session 19, recover19): the model's fill
of a kept fix anchored on the known fixes dropped with their second.

The model reads one fix a second (the earliest of each second; coerce drops the others and
keeps them in ``Layout.sub_second_rows``) and fills a missing kept fix from the whole-second
fixes around it. A 10 Hz drone whose fixes 10.0-10.4 s are missing still has known fixes at
9.9 and 10.5 s, but the model bridged 9.0 to 11.0 s: on a turn the fill was metres off while
fixes 0.1 s away were known. ``anchor_on_dropped`` corrects each model fill as the bridge
anchors its sides (recover_bridge.py): the track the model recovered (kept fixes, known and
filled, at their exact times) misses the known fixes nearest the fill in time by r_a before and
r_b after; the fill moves by (1 - w) r_a + w r_b (w: its place in time between them). Where
both nearest known fixes are kept ones the track passes through them and nothing moves; between
two dropped known fixes in one stretch of the track the result is the straight line between
them (as the dropped missing fixes are filled, coerce_out.sub_second_rows_back).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.coerce_subsec import FRAC  # the caller's time below the second

RESOLUTION_S = 1.0  # the time resolution of what the model reads (canonical whole seconds)


def _exact(df: pl.DataFrame, frac: pl.DataFrame | None) -> np.ndarray:
    """Exact times (float s) of the kept rows: ``t`` plus their fraction (``frac``: traj_id, t,
    FRAC of the kept fixes, Layout.frac)."""
    t = df["t"].cast(pl.Float64)
    if frac is None or not len(frac) or FRAC not in frac.columns:
        return t.to_numpy()
    f = df.select("traj_id", "t").join(frac.select("traj_id", "t", FRAC), on=["traj_id", "t"],
                                       how="left", maintain_order="left")  # fmt: skip
    return (t + f[FRAC].cast(pl.Float64).fill_null(0.0)).to_numpy()


def anchor_on_dropped(
    df: pl.DataFrame, ll: np.ndarray, known: np.ndarray, frac: pl.DataFrame | None,
    rows: pl.DataFrame | None,
) -> np.ndarray:  # fmt: skip
    """(P, 2) lat/lon of the kept rows ``df`` (traj_id, t; ``ll`` recovered, ``known`` the
    rows given with a position), each filled row moved onto the known dropped fixes ``rows``
    (traj_id, t, FRAC, lat, lon: Layout.sub_second_rows) nearest it in time (module
    docstring). No dropped known fix: ``ll`` as is."""
    if rows is None or not len(rows) or FRAC not in rows.columns:
        return ll
    drop = rows.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    if not len(drop) or known.all():
        return ll
    out = np.array(ll, np.float64)
    te = _exact(df, frac)
    ids = df["traj_id"].to_numpy()
    d_ids = drop["traj_id"].to_numpy()
    d_t = (drop["t"].cast(pl.Float64) + drop[FRAC].cast(pl.Float64).fill_null(0.0)).to_numpy()
    d_ll = drop.select("lat", "lon").to_numpy().astype(np.float64)
    bounds = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        miss = np.flatnonzero(~known[lo:hi])
        mine = d_ids == ids[lo]
        if not len(miss) or not mine.any():
            continue
        tk, lk = te[lo:hi], out[lo:hi].copy()
        lon0 = lk[0, 1]
        lk[:, 1] = (lk[:, 1] - lon0 + 180.0) % 360.0 - 180.0  # the short way round
        dt_, dl = d_t[mine], d_ll[mine].copy()
        dl[:, 1] = (dl[:, 1] - lon0 + 180.0) % 360.0 - 180.0
        # the recovered track's miss at each dropped known fix (0 at the known kept fixes)
        res = dl - np.stack([np.interp(dt_, tk, lk[:, c]) for c in range(2)], 1)
        kt = np.r_[tk[known[lo:hi]], dt_]
        kr = np.r_[np.zeros((int(known[lo:hi].sum()), 2)), res]
        kx = np.r_[lk[known[lo:hi]], dl]
        order = np.argsort(kt, kind="stable")
        kt, kr, kx = kt[order], kr[order], kx[order]
        tau = tk[miss]
        b = np.clip(np.searchsorted(kt, tau, side="right"), 1, len(kt) - 1)
        a = b - 1
        span = kt[b] - kt[a]
        w = np.clip(np.where(span > 0, (tau - kt[a]) / np.where(span > 0, span, 1.0), 0.0), 0, 1)
        shift = (1 - w)[:, None] * kr[a] + w[:, None] * kr[b]
        moved = lk[miss] + shift
        # known fixes at most the model's resolution (1 s) apart: the line between them
        close = span <= RESOLUTION_S
        moved[close] = ((1 - w)[:, None] * kx[a] + w[:, None] * kx[b])[close]
        moved[:, 1] = (moved[:, 1] + lon0 + 180.0) % 360.0 - 180.0
        out[lo + miss] = moved
    return out
