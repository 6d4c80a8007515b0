"""Sampling verbs: Thinner (keep >= S s between kept points), Resampler (a regular grid by
interpolation) and AddSpeed (split out of clean.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from trajlm.data.clean_common import FIRST_ROW, check_sorted, empty_report, step_speed_mps
from trajlm.data.schema import DropReport


@dataclass
class Thinner:
    """Keep a point when at least `min_interval_s` passed since the last KEPT point (the first
    point of each trajectory is kept); drop the others ("thinned"). PROTOCOL.md GeoLife rule.

    The rule is sequential, so we vectorize across trajectories instead: a point whose gap to its
    predecessor is >= min_interval_s is always kept (whatever was kept before it is even older),
    so such points and trajectory starts cut the table into independent runs. One cursor per run
    jumps to its next kept point with `np.searchsorted` over a globally sorted time key, all
    cursors at once; the loop runs (longest run's kept count) times, each a NumPy op.
    """

    min_interval_s: float = 15.0

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        report = empty_report(df)
        if len(df) == 0:
            return df, report
        check_sorted(df, "Thinner")
        keep = thin_mask(df["traj_id"], df["t"].to_numpy(), self.min_interval_s)
        out = df.filter(pl.Series(keep))
        report.drop("thinned", len(df) - len(out))
        return out, report


def thin_mask(traj_id: pl.Series, t: np.ndarray, min_interval_s: float) -> np.ndarray:
    """Boolean keep-mask of the Thinner rule for rows sorted by (traj_id, t). (N,) -> (N,)."""
    n = len(t)
    t = np.asarray(t)
    # a sub-second store's exact Float64 seconds are thinned on whole microseconds: floored to
    # seconds, --min-interval 0.05 kept one fix a second of a 10-Hz store (badin39)
    if t.dtype.kind == "f":
        t = np.round(t * 1e6).astype(np.int64)
        min_interval_s = min_interval_s * 1e6
    else:
        t = t.astype(np.int64)
    first = (traj_id != traj_id.shift(1)).fill_null(True).to_numpy()
    traj_no = np.cumsum(first) - 1  # (N,) 0-based trajectory number
    t_rel = t - t[np.flatnonzero(first)][traj_no]  # seconds since the trajectory's start, >= 0
    # Globally non-decreasing key: trajectory r lives in [r * span, (r + 1) * span).
    span = int(t_rel.max()) + int(np.ceil(min_interval_s)) + 1
    key = t_rel + traj_no * span
    dt = np.diff(t, prepend=t[0])
    run_start = first | (dt >= min_interval_s)
    starts = np.flatnonzero(run_start)  # (R,)
    ends = np.append(starts[1:], n)  # (R,) exclusive end of each run
    keep = np.zeros(n, dtype=bool)
    cur, end = starts, ends
    while cur.size:
        keep[cur] = True
        nxt = np.searchsorted(key, key[cur] + min_interval_s, side="left")
        alive = nxt < end
        cur, end = nxt[alive], end[alive]
    return keep


@dataclass
class Resampler:
    """Resample every trajectory to t0, t0 + interval_s, ... <= t_end by linear interpolation in
    time (longitude unwrapped across the antimeridian). Output rows are new points, so the row
    count changes: the report records `repaired["resampled_from"]` / `["resampled_to"]` and the
    conservation check applies to the stages before this one. Extra columns take the value of
    the last original point at or before each new time (labels, ids); speed_mps/heading_deg are
    dropped because they no longer match (recompute with AddSpeed). Needs distinct sorted times.
    """

    interval_s: float = 15.0

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        if not self.interval_s > 0:
            raise ValueError(f"interval_s must be > 0, got {self.interval_s}")
        report = empty_report(df)
        report.repair("resampled_from", len(df))
        if len(df) == 0:
            return df, report
        check_sorted(df, "Resampler")
        first = FIRST_ROW.fill_null(True)
        dlon = ((pl.col("lon") - pl.col("lon").shift(1) + 180.0) % 360.0) - 180.0
        lon_u = pl.when(first).then(pl.col("lon")).otherwise(dlon).cum_sum().over("traj_id")
        traj = df.select(
            pl.col("traj_id"), pl.col("t"), pl.col("lat"), lon_u.alias("lon_u"), first.alias("f")
        )
        t = traj["t"].to_numpy()
        f = traj["f"].to_numpy()
        traj_no = np.cumsum(f) - 1
        t0 = t[f][traj_no]
        t_rel = (t - t0).astype(np.float64)
        span = float(t_rel.max()) + self.interval_s + 1.0
        key = t_rel + traj_no * span  # (N,) globally increasing
        # New grid: per trajectory floor(duration / interval) + 1 points.
        dur = t_rel[np.append(np.flatnonzero(f)[1:], len(t)) - 1]  # (R,) duration per traj
        n_new = np.floor(dur / self.interval_s).astype(np.int64) + 1  # (R,)
        g_traj = np.repeat(np.arange(len(n_new)), n_new)  # (M,)
        g_k = np.arange(len(g_traj)) - np.repeat(np.cumsum(n_new) - n_new, n_new)
        g_rel = g_k * self.interval_s
        g_key = g_rel + g_traj * span
        lat = np.interp(g_key, key, traj["lat"].to_numpy())
        lon = np.interp(g_key, key, traj["lon_u"].to_numpy())
        lon = (lon + 180.0) % 360.0 - 180.0
        src = np.searchsorted(key, g_key, side="right") - 1  # last original row <= time
        t_start = t[np.flatnonzero(f)]
        extra = [c for c in df.columns if c not in ("traj_id", "t", "lat", "lon")]
        extra = [c for c in extra if c not in ("speed_mps", "heading_deg")]
        out = pl.DataFrame(
            {
                "traj_id": df["traj_id"].gather(src),
                "t": t_start[g_traj] + np.round(g_rel).astype(np.int64),
                "lat": lat,
                "lon": lon,
            }
        ).with_columns([df[c].gather(src) for c in extra])
        report.repair("resampled_to", len(out))
        return out, report


@dataclass
class AddSpeed:
    """Add speed_mps = haversine distance / dt from the previous point of the same trajectory.
    The first point of each trajectory gets the speed of its first segment (null for a
    one-point trajectory); a zero or negative dt gives null. Drops nothing."""

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        speed = step_speed_mps()
        speed = pl.when(pl.col("t") > pl.col("t").shift(1)).then(speed).otherwise(None)
        first = FIRST_ROW.fill_null(True)
        nxt = speed.shift(-1)
        last = pl.col("traj_id") != pl.col("traj_id").shift(-1)
        fill = pl.when(first & ~last.fill_null(True)).then(nxt).otherwise(speed)
        return df.with_columns(fill.alias("speed_mps")), empty_report(df)
