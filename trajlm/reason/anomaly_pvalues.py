"""P-values of anomaly evidence against normal (calibration) data, and the check that the
"normal" data hold no GPS jumps: the calibration half of ``trajlm.reason.anomaly``."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

EVIDENCE_COLUMNS = {"rollout": "score", "z2": "z2", "dwell": "dwell"}  # evidence -> its column


def finite_sorted(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, np.float64)
    return np.sort(x[np.isfinite(x)])


def p_at_least(ref: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Fraction of the sorted normal `ref` scoring >= each of `s` (+1 smoothing)."""
    s = np.nan_to_num(np.asarray(s, np.float64), nan=-np.inf)
    return (1.0 + len(ref) - np.searchsorted(ref, s, side="left")) / (1.0 + len(ref))


def part_p_values(traj: pl.DataFrame, parts: dict) -> np.ndarray:
    """(pieces, trajectories): each piece's p-value, in the order of `parts`."""
    return np.stack(
        [
            p_at_least(np.asarray(ref), traj[EVIDENCE_COLUMNS[k]].to_numpy())
            for k, ref in parts.items()
        ]
    )


def min_p_score(traj: pl.DataFrame, parts: dict) -> np.ndarray:
    """-log10 of the smaller of the pieces' p-values: higher = more anomalous (the detector
    calibrates this statistic again on normal data, so the minimum costs no false alarms)."""
    return -np.log10(part_p_values(traj, parts).min(0))


def calibration_jumps_line(df: pl.DataFrame, model: Any) -> str | None:
    """One line when calibration trajectories contain GPS jumps (>= 1 km at over 3x the
    model's training 99th-percentile step speed, 50 m/s without coverage): "normal" scores
    that include glitches make every real glitch look usual (the fleet report: a 1,881 km/h
    jump at p = 0.14)."""
    from trajlm.data.geometry import haversine_m

    p99 = ((getattr(model.config, "coverage", None) or {}).get("speed_mps") or {}).get("p99")
    limit = 3.0 * p99 if p99 else 50.0
    prev = [pl.col(c).shift(1).over("traj_id") for c in ("lat", "lon", "t")]
    step = df.select("traj_id", d=haversine_m(prev[0], prev[1], pl.col("lat"), pl.col("lon")),
                     dt=(pl.col("t") - prev[2]).cast(pl.Float64))  # fmt: skip
    jump = step.filter((pl.col("d") >= 1000.0) & (pl.col("d") > limit * pl.col("dt")))
    if not len(jump):
        return None
    n, total = jump["traj_id"].n_unique(), df["traj_id"].n_unique()
    return (f"calibration data: {n} of {total} trajectories contain GPS jumps (>= 1 km at over "
            f"{limit:.0f} m/s, e.g. {jump['traj_id'][0]!r}): glitches among the 'normal' "
            "trajectories raise the p-values of real ones; clean them first (e.g. drop the "
            "points trajlm.check_validity(df, mode=...) flags as teleport)")  # fmt: skip
