"""An answer's regime, read from its history (per trajectory: last time, mean and recent speed,
median sampling interval, number of fixes): what the radii factors of trajlm/eval/radii_bins.py
are looked up by (bin, fast movers, motion state, short histories). Split out of radii_bins.py
(review36), which re-exports ``regime`` and ``seconds``."""

from __future__ import annotations

import numpy as np
import polars as pl


def regime(history: pl.DataFrame) -> pl.DataFrame:
    """Per trajectory of a canonical history (traj_id, t, lat, lon): its last time ``t_last``
    (Unix s), mean speed ``speed`` (m/s, eval/dead_reckoning_spread.mean_speed), median
    sampling ``interval`` (s; NaN with one fix), ``recent`` speed (m/s over its last seconds,
    eval/motion_state.recent_speed: session 28) and ``fixes`` (how many: session 30)."""
    from trajlm.eval.dead_reckoning_spread import M_PER_DEG, mean_speed
    from trajlm.eval.motion_state import recent_speed

    h = history.select("traj_id", seconds(history["t"]).alias("t"), "lat", "lon")
    rows = []
    for (key,), g in h.sort("traj_id", "t", maintain_order=True).group_by(
        "traj_id", maintain_order=True
    ):
        t, lat, lon = (g[c].cast(pl.Float64).to_numpy() for c in ("t", "lat", "lon"))
        y = (lat - lat[-1]) * M_PER_DEG
        x = ((lon - lon[-1] + 180) % 360 - 180) * M_PER_DEG * np.cos(np.radians(lat[-1]))
        fin = np.isfinite(t) & np.isfinite(x) & np.isfinite(y)
        t, x, y = t[fin], x[fin], y[fin]
        sp = mean_speed(t, x, y) if len(t) > 1 else float("nan")
        dt = float(np.median(np.diff(t))) if len(t) > 1 else float("nan")
        rows.append((key, float(t[-1]) if len(t) else float("nan"), sp, dt,
                     recent_speed(t, x, y), len(t)))  # fmt: skip
    schema = {"traj_id": history.schema["traj_id"], "t_last": pl.Float64, "speed": pl.Float64,
              "interval": pl.Float64, "recent": pl.Float64, "fixes": pl.Int64}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def seconds(t: pl.Series) -> pl.Series:
    """Times as float Unix seconds (datetimes or numbers)."""
    if t.dtype.is_temporal():
        return t.dt.epoch("us").cast(pl.Float64) / 1e6
    return t.cast(pl.Float64)
