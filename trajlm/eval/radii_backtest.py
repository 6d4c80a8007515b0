"""The in-context backtest behind session 23's per-call radii (radii23; eval/radii_bins.py).

Each trajectory of a history predicts its own last ``fixes`` fixes from the ones before them,
at their times, with the same predictor that answers the call. The median of err / std_m over
those fixes says how far off the model's ``std_m`` is on this mover: a calibration measured on
the mover itself, so that it transfers to movers the val set never held (chosen by leaving one
val group out: docs/generalization.md, Session 23).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import polars as pl

SCHEMA = {"bt_s": pl.Float64, "bt_lag": pl.Float64}


def backtest(predictor: Any, history: pl.DataFrame, fixes: int = 6) -> pl.DataFrame:
    """Per trajectory of a canonical ``history`` (traj_id, t, lat, lon) with at least
    ``fixes`` + 2 fixes: ``bt_s``, the median err / std_m of ``predictor.predict`` (a TrajLM)
    on its last ``fixes`` fixes from the rest, and ``bt_lag``, the seconds from the rest's last
    fix to the last one. Trajectories too short for it are left out."""
    from trajlm.eval.dead_reckoning_spread import M_PER_DEG
    from trajlm.eval.radii_regime import seconds

    key = history.schema["traj_id"]
    empty = pl.DataFrame(schema={"traj_id": key, **SCHEMA})
    h = history.select("traj_id", seconds(history["t"]).alias("t"), "lat", "lon")
    h = h.filter(pl.col("t").is_finite() & pl.col("lat").is_finite() & pl.col("lon").is_finite())
    h = h.sort("traj_id", "t", maintain_order=True).with_columns(
        i=pl.int_range(pl.len()).over("traj_id"), n=pl.len().over("traj_id")
    )
    h = h.filter(pl.col("n") >= fixes + 2)
    if not h.height:
        return empty
    head = h.filter(pl.col("i") < pl.col("n") - fixes).drop("i", "n")
    tail = h.filter(pl.col("i") >= pl.col("n") - fixes).drop("i", "n")
    asked = {k[0]: g["t"].to_list() for k, g in tail.group_by("traj_id", maintain_order=True)}
    with warnings.catch_warnings():  # the call's own lines were said already
        warnings.simplefilter("ignore")
        p = predictor.predict(head, at_times=asked)
    if not isinstance(p, pl.DataFrame) or "std_m" not in p.columns:
        return empty
    p = p.select(
        pl.col("traj_id").cast(key),
        seconds(p["t"]).alias("t"),
        pl.col("lat").alias("plat"),
        pl.col("lon").alias("plon"),
        pl.col("std_m").cast(pl.Float64),
    )
    last = head.group_by("traj_id").agg(t0=pl.col("t").last())
    j = tail.join(p, on=["traj_id", "t"], how="inner").join(last, on="traj_id")
    coslat = np.cos(np.radians(j["lat"].to_numpy()))
    dn = ((j["plon"] - j["lon"] + 180) % 360 - 180).to_numpy() * M_PER_DEG * coslat
    de = (j["plat"] - j["lat"]).to_numpy() * M_PER_DEG
    j = j.with_columns(
        r=pl.Series(np.hypot(dn, de)) / pl.col("std_m"), lag=pl.col("t") - pl.col("t0")
    ).filter(pl.col("r").is_finite())
    return j.group_by("traj_id", maintain_order=True).agg(
        bt_s=pl.col("r").median(), bt_lag=pl.col("lag").max()
    )


def multipliers(
    bins: Any, predictor: Any, history: pl.DataFrame, ids: list[str], ahead: np.ndarray
) -> np.ndarray | None:
    """``bins.scale``'s multiplier per answer (trajectory ``ids``, ``ahead`` seconds ahead), or
    None where the bins have no scale (a version-1 radii.json) or no predictor is given."""
    scale = getattr(bins, "scale", None)
    if scale is None or predictor is None:
        return None
    bt = backtest(predictor, history, scale.fixes)
    s = dict(zip(bt["traj_id"].cast(pl.String), bt["bt_s"], strict=True))
    lag = dict(zip(bt["traj_id"].cast(pl.String), bt["bt_lag"], strict=True))
    sv = np.array([s.get(i, np.nan) for i in ids], np.float64)
    lv = np.array([lag.get(i, np.nan) for i in ids], np.float64)
    return scale.mult(sv, lv, ahead)
