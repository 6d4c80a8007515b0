"""Hand-made motion features of a segment (PROTOCOL.md task 4's gradient-boosting baseline).

Moved down from trajlm.eval.classify so the model side (trajlm.tasks.classify's hybrid head) can
use the very features the baseline uses; trajlm.eval.classify re-exports them. Every feature is
computed from the points (traj_id, t, lat, lon) only: a ``label`` column is never read.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.clean_common import FIRST_ROW
from trajlm.data.geometry import haversine_m

STOP_SPEED_MPS = 1.0  # below this a fix counts as stopped (GPS noise at 15 s is ~0.3 m/s)


# ------------------------------------------------------------------------------ features

_STATS = ("p10", "p50", "p90", "max", "mean", "std")
_SERIES = ("speed_mps", "accel_mps2", "turn_deg", "turn_rate_dps")


def point_kinematics(df: pl.DataFrame) -> pl.DataFrame:
    """Per point: step length, dt, speed, signed acceleration, heading change and its rate."""
    first = FIRST_ROW.fill_null(True)
    prev = pl.col("traj_id") == pl.col("traj_id").shift(1)
    step = haversine_m(pl.col("lat").shift(1), pl.col("lon").shift(1), pl.col("lat"), pl.col("lon"))
    dt = (pl.col("t") - pl.col("t").shift(1)).cast(pl.Float64)
    # heading of the step into each point, from a local flat-earth delta (fine over < 1 km)
    dy = pl.col("lat") - pl.col("lat").shift(1)
    dx = (pl.col("lon") - pl.col("lon").shift(1)) * pl.col("lat").radians().cos()
    f = df.select(
        "traj_id",
        "t",
        pl.when(first).then(None).otherwise(step).alias("step_m"),
        pl.when(first).then(None).otherwise(dt).alias("dt_s"),
        pl.when(first).then(None).otherwise(pl.arctan2(dy, dx).degrees()).alias("_hd"),
        prev.shift(-1).fill_null(False).alias("_has_next"),
    ).with_columns((pl.col("step_m") / pl.col("dt_s")).alias("speed_mps"))
    same = pl.col("traj_id") == pl.col("traj_id").shift(1)
    dv = pl.col("speed_mps") - pl.col("speed_mps").shift(1)
    dh = ((pl.col("_hd") - pl.col("_hd").shift(1) + 180.0) % 360.0 - 180.0).abs()
    return f.with_columns(
        pl.when(same).then(dv / pl.col("dt_s")).alias("accel_mps2"),
        pl.when(same).then(dh).alias("turn_deg"),
        pl.when(same).then(dh / pl.col("dt_s")).alias("turn_rate_dps"),
    )


def segment_features(segments: pl.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Hand-made features per segment: ``(X (N, F) float64, feature_names)``.

    Rows follow the sorted segment ids (as ``segment_labels``). Per series (speed m/s, signed
    acceleration m/s², absolute heading change deg and its rate deg/s): p10, p50, p90, max,
    mean, std; plus length (m), duration (s), n points, stop fraction (speed < 1 m/s),
    straightness (end-to-end distance / length) and median sampling interval (s).
    Undefined values (e.g. a std of one value) become 0.
    """
    f = point_kinematics(segments.sort(["traj_id", "t"]))
    aggs: list[pl.Expr] = []
    for s in _SERIES:
        c = pl.col(s)
        aggs += [
            c.quantile(0.1, "linear").alias(f"{s}_p10"),
            c.median().alias(f"{s}_p50"),
            c.quantile(0.9, "linear").alias(f"{s}_p90"),
            c.max().alias(f"{s}_max"),
            c.mean().alias(f"{s}_mean"),
            c.std().alias(f"{s}_std"),
        ]
    seg = segments.sort(["traj_id", "t"]).group_by("traj_id", maintain_order=True)
    ends = seg.agg(
        haversine_m(
            pl.col("lat").first(), pl.col("lon").first(), pl.col("lat").last(), pl.col("lon").last()
        ).alias("chord_m")
    )
    g = (
        f.group_by("traj_id", maintain_order=True)
        .agg(
            *aggs,
            pl.col("step_m").sum().alias("length_m"),
            (pl.col("t").max() - pl.col("t").min()).cast(pl.Float64).alias("duration_s"),
            pl.len().cast(pl.Float64).alias("n_points"),
            (pl.col("speed_mps") < STOP_SPEED_MPS).mean().alias("stop_frac"),
            pl.col("dt_s").median().alias("dt_p50_s"),
        )
        .join(ends, on="traj_id", how="left")
        .with_columns((pl.col("chord_m") / pl.col("length_m")).alias("straightness"))
        .drop("chord_m")
        .sort("traj_id")
    )
    names = [c for c in g.columns if c != "traj_id"]
    X = g.select(names).to_numpy().astype(np.float64)
    X[~np.isfinite(X)] = 0.0
    return X, names
