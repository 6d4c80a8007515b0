"""Dead reckoning from reported speed and course (session 16, sogcog).

A vessel's AIS report carries its speed over ground (SOG, knots) and course over ground (COG,
degrees) measured by its own receiver; a GPS log's speed likewise. Continuing the last reported
speed along the last reported course on a great circle is the physics reference for short
horizons: on AIS ships under way it was 5-10x better than constant velocity read from the last
two positions (session 15, maritime item 1), which no position-only method can see.

    DeadReckoning().predict(df, steps=5)                       # like the other baselines
    trajlm.baselines.predict_at(DeadReckoning(), df, seconds_ahead=[60, 300, 600])

The table needs a reported speed and a course (``motion_columns.motion_columns``: `sog_kn` /
`SOG` in knots or `sog_mps` in m/s, and `cog_deg` / `COG`); without them it is refused in one
line. Per trajectory the latest row with both values is the origin (its own time and position);
a trajectory with none falls back to constant velocity in time (its last two fixes), counted in
``n_fallback_``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from sklearn.base import BaseEstimator

from trajlm._arguments import COLUMN_KEYWORDS, check_keywords, check_steps, with_gap_rule
from trajlm.data.geometry import haversine
from trajlm.data.motion_columns import reported_motion
from trajlm.data.points_frame import points_frame
from trajlm.errors import TrajlmInputError, warn_at_caller
from trajlm.eval.dead_reckoning_reports import (  # noqa: F401  (re-exported)
    GLITCH_FRAC,
    GLITCH_M,
    R_EARTH,
    UNIT_RATIO_MAX,
    destination,
    glitched_last_fix,
    glitched_last_report,
    has_motion,
    mistrusted_headings,
    no_motion_message,
    report_origins,
    report_ratio,
    still_course,
    track_arrays,
)


def dead_reckon(df: pl.DataFrame, ahead: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions `ahead` (B, m) seconds after each trajectory's last fix (``df`` canonical,
    sorted by traj_id, t; trajectories in order of first appearance) from the latest report with
    a speed and a course; trajectories with none: constant velocity in time from the last two
    fixes (held in place with one fix); so do trajectories whose reports disagree with their
    positions (``report_ratio``: a unit mislabelled; warned once). A last report far off the one
    before it (a glitch) is skipped for that one. Returns lat (B, m), lon (B, m)
    and a (B,) mask of the trajectories whose reports were used. Raises TrajlmInputError
    without the columns."""
    sog, cog, start, end, last, src, lat, lon, t = report_origins(df)
    has = (last >= start) & ~mistrusted_headings(df, sog)
    ahead = np.asarray(ahead, np.float64)
    out_lat = np.empty(ahead.shape)
    out_lon = np.empty(ahead.shape)
    o = np.where(has, src, end)
    dt = t[end][:, None] + ahead - t[o][:, None]
    la, lo = destination(lat[o][:, None], lon[o][:, None], np.nan_to_num(cog[o])[:, None],
                         np.nan_to_num(sog[o])[:, None] * dt)  # fmt: skip
    out_lat[has], out_lon[has] = la[has], lo[has]
    if (~has).any():  # constant velocity in time from the last two fixes
        e, p = end[~has], np.maximum(end[~has] - 1, start[~has])
        gap = np.maximum(t[e] - t[p], 1.0)
        vlat = (lat[e] - lat[p]) / gap
        dlon = (lon[e] - lon[p] + 180.0) % 360.0 - 180.0
        vlon = dlon / gap
        a = ahead[~has]
        out_lat[~has] = lat[e][:, None] + vlat[:, None] * a
        out_lon[~has] = (lon[e][:, None] + vlon[:, None] * a + 180.0) % 360.0 - 180.0
    return out_lat, out_lon, has


# Session 17 (ships17): the spread grows with the horizon beyond what the history's own lags
# show. A backtest over 10 min of a straight leg sees only noise, yet a ship may start a turn
# after the query; its error then grows like a^1.5 (a turn at a random time: hazard x angle^2 =
# TURN_HAZARD rad^2/s), and like a^2 where the history itself turns or changes speed. Chosen on
# generated val seas (scripts/ships_gen.py val, seeds 161 / 162) by the share of truth within
# 2 std_m at 60-600 s (docs/results.md "Session 17 (ships17)"): e.g. a 35 deg turn every ~5 h.
TURN_HAZARD = 2e-5  # rad^2 / s
TREND_WINDOW_S = 600.0  # the history's turn rate and speed trend: reports in its last 10 min


def trend_growth(df: pl.DataFrame, ahead: np.ndarray,
                 hazard: float = TURN_HAZARD) -> np.ndarray:  # fmt: skip
    """The 1-sigma spread (metres, (B, m) like `ahead`) dead reckoning's straight line misses
    at `ahead` seconds: sqrt((v w a^2/2)^2 + (dv a^2/2)^2 + v^2 hazard a^3/3), with v the last
    report's speed, w and dv the history's turn rate (rad/s) and speed trend (m/s^2) (least
    squares over the reports in the ``TREND_WINDOW_S`` up to the last one) and ``hazard`` the
    rate of unforeseen turns (rad^2/s); a counts from the last report (dead reckoning's origin,
    which may be older than the last fix). 0 for a trajectory with no report. ``df`` as
    ``dead_reckon``."""
    sog, cog = still_course(*reported_motion(df))  # a moored ship's last report counts (vessel30)
    g = df.select(pl.col("traj_id").rle_id())["traj_id"].to_numpy()
    end = np.flatnonzero(np.r_[g[1:] != g[:-1], True])
    start = np.r_[0, end[:-1] + 1]
    t = df["t"].to_numpy().astype(np.float64)
    ahead = np.asarray(ahead, np.float64)
    v, w, dv, late = (np.zeros(len(end)) for _ in range(4))
    for b, (s, e) in enumerate(zip(start, end, strict=True)):
        o = s + np.flatnonzero(np.isfinite(sog[s : e + 1]) & np.isfinite(cog[s : e + 1]))
        if len(o) == 0:
            continue
        o = o[t[o] >= t[o[-1]] - TREND_WINDOW_S]
        v[b], late[b] = sog[o[-1]], t[e] - t[o[-1]]
        tt = t[o] - t[o[-1]]
        if len(o) >= 3 and np.ptp(tt) > 0:
            A = np.c_[np.ones_like(tt), tt]
            turn = np.linalg.lstsq(A, np.unwrap(np.radians(cog[o])), rcond=None)[0][1]
            w[b], dv[b] = abs(turn), abs(np.linalg.lstsq(A, sog[o], rcond=None)[0][1])
    a = ahead + late[:, None]
    a2 = a**2 / 2
    return np.sqrt((v[:, None] * w[:, None] * a2) ** 2 + (dv[:, None] * a2) ** 2
                   + v[:, None] ** 2 * hazard * a**3 / 3)  # fmt: skip


def backtest_spread(
    df: pl.DataFrame, ahead: np.ndarray, origins: int = 64, fixes: int = 256, grow: bool = True
) -> np.ndarray:
    """Dead reckoning's own error on each trajectory's history, as a 1-sigma spread (metres) at
    `ahead` (B, m) seconds (``df`` canonical, as ``dead_reckon``): from up to ``origins``
    reports among its last ``fixes`` fixes, each later fix's distance from where dead reckoning
    put it; per asked a, the RMS over the pairs whose lag tau lies in [a/2, a] of the distance
    scaled by a / tau (the longest lags, tau >= half the longest, when none does), added in
    quadrature to ``trend_growth`` (``grow=False``: session 16's, without it). NaN for a
    trajectory with no report followed by a fix. A loop over trajectories (O(origins x fixes))."""
    sog, cog = reported_motion(df)
    start, end, lat, lon, t = track_arrays(df)
    ahead = np.asarray(ahead, np.float64)
    out = np.full(ahead.shape, np.nan)
    for b, (s, e) in enumerate(zip(start, end, strict=True)):
        s = max(s, e - fixes + 1)
        o = s + np.flatnonzero(np.isfinite(sog[s:e]) & np.isfinite(cog[s:e]))  # not the last fix
        if len(o) == 0:
            continue
        o = o[np.unique(np.linspace(0, len(o) - 1, min(origins, len(o))).astype(int))]
        j = np.arange(s, e + 1)
        tau = t[j][None, :] - t[o][:, None]  # (origins, fixes)
        ok = tau > 0
        la, lo = destination(
            lat[o][:, None], lon[o][:, None], cog[o][:, None], sog[o][:, None] * tau
        )
        err, tau = haversine(la, lo, lat[j][None, :], lon[j][None, :])[ok], tau[ok]
        if len(tau) == 0:
            continue
        for i, a in enumerate(ahead[b]):
            sel = (tau >= a / 2) & (tau <= a)
            sel = sel if sel.any() else tau >= tau.max() / 2
            out[b, i] = float(np.sqrt(np.mean((err[sel] * a / tau[sel]) ** 2)))
    return np.hypot(out, trend_growth(df, ahead)) if grow else out


class DeadReckoning(BaseEstimator):
    """Last reported speed over ground and course, continued on a great circle (module doc).

    Frame path only (the harness's `--horizon-s` rows call ``dead_reckon`` with the test
    windows' reports): ``predict(df, steps=k)`` at each trajectory's last sampling interval,
    and ``trajlm.baselines.predict_at(DeadReckoning(), df, seconds_ahead=...)``.
    """

    name = "dead reckoning [time]"

    def fit(self, train_df: Any = None, **columns: Any) -> DeadReckoning:
        """Nothing to learn."""
        return self

    def predict(self, data: Any, *, steps: int = 5, **columns: Any) -> Any:
        """A frame -> its next ``steps`` points per trajectory (traj_id, step, t, lat, lon,
        std_m NaN in the caller's kind), at each trajectory's last sampling interval."""
        if isinstance(data, np.ndarray):
            raise TrajlmInputError(
                "DeadReckoning reads reported speed and course, which a position array does "
                "not carry; give a DataFrame with them (sog_kn or sog_mps, cog_deg)"
            )
        check_keywords("DeadReckoning.predict", columns, COLUMN_KEYWORDS)
        return self._predict_frame(data, check_steps(steps, "DeadReckoning.predict"), columns)

    def _predict_frame(self, data: Any, steps: int, columns: dict) -> Any:
        from trajlm.data.coerce import coerce
        from trajlm.data.coerce_out import from_canonical

        df, layout = coerce(data, **with_gap_rule(columns))
        last = df.group_by("traj_id", maintain_order=True).agg(
            pl.col("t").last(), (pl.col("t").last() - pl.col("t").slice(-2, 1).first()).alias("dt")
        )
        dt = np.maximum(last["dt"].fill_null(1).to_numpy().astype(np.float64), 1.0)
        ahead = dt[:, None] * np.arange(1, steps + 1)
        out = self.predict_times(df, last, ahead)
        return from_canonical(out, layout=layout)

    def predict_times(self, df: pl.DataFrame, last: pl.DataFrame, ahead: np.ndarray,
                      asked: np.ndarray | None = None) -> pl.DataFrame:  # fmt: skip
        """Canonical rows (traj_id, step, t, lat, lon, std_m NaN) at `ahead` (B, m) seconds
        after each trajectory's last fix (``last``: traj_id, t in df's order); ``asked`` (B, m)
        keeps only those entries. Warns once when some trajectory had no report."""
        lat, lon, has = dead_reckon(df, ahead)
        self.n_fallback_ = int((~has).sum())
        if self.n_fallback_:
            warn_at_caller(
                f"{self.n_fallback_} of {len(has)} trajectories have no reported speed and "
                "course that dead reckoning uses (none, or not matching their positions): "
                "constant velocity in time (last two fixes) for them"
            )
        B, m = ahead.shape
        t = last["t"].to_numpy()[:, None] + np.rint(ahead).astype(np.int64)
        keep = np.ones((B, m), bool) if asked is None else asked
        ids = last["traj_id"].to_list()
        return points_frame(ids, t, lat, lon).filter(pl.Series(keep.reshape(-1)))
