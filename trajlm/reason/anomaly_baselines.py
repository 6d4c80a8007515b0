"""Baselines the anomaly detector is measured against, with the same fit / score surface.

``RuleDetector``             thresholds fitted on normal data: a trajectory's score is its worst
                             ratio of (max speed, longest step, longest stop) to the normal
                             data's 99.9th percentile of each (> 1 = a rule fires).
``IsolationForestDetector``  scikit-learn's IsolationForest on hand features per trajectory:
                             speed / acceleration / turn percentiles, length, duration, stop
                             fraction, straightness, sampling interval (trajlm.eval.classify's
                             ``segment_features``) plus the longest stop, the longest step and
                             the number of U-turns.

Both take canonical Polars tables and return ``traj_id, score`` (higher = more anomalous),
one row per trajectory in sorted traj_id order.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.geometry import trajectory_offsets
from trajlm.eval.classify import segment_features
from trajlm.reason.explain import MOVING_M, TURN_AROUND_DEG, step_kinematics, still_speed, stop_runs


def kinematics(df: pl.DataFrame) -> pl.DataFrame:
    """Per trajectory (sorted traj_id): max speed (m/s), longest step (m), longest stop (s)
    and number of U-turns between moving steps."""
    df = df.sort(["traj_id", "t"])
    start, length = trajectory_offsets(df)
    t, lat, lon = df["t"].to_numpy().astype(np.int64), df["lat"].to_numpy(), df["lon"].to_numpy()
    d, dt, v, head = step_kinematics(t, lat, lon, start)
    traj = np.repeat(np.arange(len(start)), length)
    s_lo, _, secs = stop_runs(still_speed(t, lat, lon, start, length), dt, start, length)
    stop = np.zeros(len(start))
    np.maximum.at(stop, traj[s_lo], secs) if len(s_lo) else None
    mv = np.flatnonzero(d > MOVING_M)
    turn = np.abs((np.diff(head[mv]) + 180.0) % 360.0 - 180.0)
    same = traj[mv[1:]] == traj[mv[:-1]]
    uturn = np.bincount(traj[mv[1:]][same & (turn >= TURN_AROUND_DEG)], minlength=len(start))
    f = pl.DataFrame({"traj": traj, "v": v, "d": d}).with_columns(pl.col("v", "d").fill_nan(None))
    g = f.group_by("traj", maintain_order=True).agg(pl.col("v").max(), pl.col("d").max())
    return pl.DataFrame({
        "traj_id": df["traj_id"].gather(start),
        "max_speed_mps": g["v"].fill_null(0.0).to_numpy(),
        "max_step_m": g["d"].fill_null(0.0).to_numpy(),
        "max_stop_s": stop, "n_uturns": uturn.astype(np.float64),
    })  # fmt: skip


class RuleDetector:
    """Speed, jump and stop thresholds at the `quantile` of normal data."""

    columns = ("max_speed_mps", "max_step_m", "max_stop_s")

    def __init__(self, quantile: float = 0.999) -> None:
        self.quantile = quantile

    def fit(self, df: pl.DataFrame) -> RuleDetector:
        k = kinematics(df)
        self.thresholds_ = {
            c: max(float(np.quantile(k[c].to_numpy(), self.quantile)), 1e-6) for c in self.columns
        }
        return self

    def score(self, df: pl.DataFrame) -> pl.DataFrame:
        k = kinematics(df)
        ratio = np.stack([k[c].to_numpy() / self.thresholds_[c] for c in self.columns], 1)
        return pl.DataFrame({"traj_id": k["traj_id"], "score": ratio.max(1)})


class IsolationForestDetector:
    """IsolationForest (scikit-learn) on hand features; fitted on normal trajectories."""

    def __init__(self, n_estimators: int = 300, seed: int = 0) -> None:
        self.n_estimators, self.seed = n_estimators, seed

    @staticmethod
    def features(df: pl.DataFrame) -> np.ndarray:
        df = df.sort(["traj_id", "t"])
        X, _ = segment_features(df)
        k = kinematics(df).select("max_step_m", "max_stop_s", "n_uturns").to_numpy()
        return np.concatenate([X, k], 1)

    def fit(self, df: pl.DataFrame) -> IsolationForestDetector:
        from sklearn.ensemble import IsolationForest

        self.forest_ = IsolationForest(n_estimators=self.n_estimators, random_state=self.seed)
        self.forest_.fit(self.features(df))
        return self

    def score(self, df: pl.DataFrame) -> pl.DataFrame:
        ids = df.sort(["traj_id", "t"])["traj_id"].unique(maintain_order=True)
        return pl.DataFrame(
            {"traj_id": ids, "score": -self.forest_.score_samples(self.features(df))}
        )
