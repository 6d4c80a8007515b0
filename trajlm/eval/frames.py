"""The frame-level path of the baselines: ``predict(df, steps=k)`` and ``predict(df)``.

Mixed into the estimators of ``trajlm.eval.baselines``: a frame of any kind
``trajlm.data.coerce`` reads goes in, the estimator's array-level ``predict`` (what the harness
calls) runs in a local plane, and the result comes back in the caller's kind, in the layouts of
``TrajLM.predict`` (traj_id, step, t, lat, lon, std_m = NaN) and ``TrajLM.recover`` (the rows,
filled, with ``recovered``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm._arguments import with_gap_rule
from trajlm.data.coerce import coerce
from trajlm.data.coerce_out import from_canonical, replaced_column_warning
from trajlm.data.coerce_tasks import recovery_input, trajectory_numbers
from trajlm.data.features import LocalProjection
from trajlm.data.points_frame import points_frame
from trajlm.data.retrieval import traj_keys
from trajlm.errors import warn_at_caller

FRAME_HISTORY = 64  # points of each trajectory a frame-level prediction reads (the last ones)


def held_line(n: pl.DataFrame, who: str) -> str | None:
    """The line when some trajectories have a single point (``n``: traj_id, len, in the
    canonical table's order): ``who`` (the predictor) holds each in place (``_extrapolate``).
    Also said per request of a shared HTTP pass (api_selector.SelectorTrajLM.request_lines)."""
    one = n.filter(pl.col("len") < 2)["traj_id"]
    if not len(one):
        return None
    return (f"{len(one)} of {len(n)} trajectories have a single point (e.g. {one[0]!r}): "
            f"{who} holds each at its last position (zero velocity), at 1 s steps; give 2+ "
            "points per trajectory for a velocity")  # fmt: skip


class PredictsFrames:
    """``predict(df, steps=k)`` for the prediction baselines: the frame-level path."""

    def _predict_frame(self, data: Any, steps: int, columns: dict) -> Any:
        df, layout = coerce(data, **with_gap_rule(columns))  # a vehicle cut as TrajLM cuts it
        proj = getattr(self, "projection_", None) or LocalProjection.fit(df)
        return from_canonical(predict_canonical(self, df, proj, steps), layout=layout)


def predict_canonical(est: Any, df: pl.DataFrame, proj: LocalProjection, steps: int,
                      keys: bool = False, interval: str = "last",
                      ahead: np.ndarray | None = None) -> pl.DataFrame:  # fmt: skip
    """The canonical answer (traj_id, step, t, lat, lon, std_m NaN) of ``est.predict(xy,
    lengths, k, t, t_future)`` on a canonical table, in the plane ``proj``, at the next
    ``steps`` times of each trajectory's last interval; ``keys``: also pass each trajectory's
    retrieval key (``keys=``; the prediction verdict's kNN leaves its own trajectory out);
    ``interval="median"``: the steps fall at the history's median interval instead (the
    prediction verdict's time-aware engines: one odd last gap does not set every step);
    ``ahead`` (B, steps): the seconds after each trajectory's last fix to answer at instead
    (asked times, in the order of the trajectories' first appearance)."""
    df = df.with_columns(_i=pl.int_range(pl.len()).reverse().over("traj_id"))
    df = df.filter(pl.col("_i") < FRAME_HISTORY)
    n = df.group_by("traj_id", maintain_order=True).len()
    lengths = n["len"].to_numpy().astype(np.int64)
    who = getattr(est, "display_name", None) or type(est).__name__  # badin25: not a class
    if line := held_line(n, who):  # no velocity: held in place, said once
        warn_at_caller(line)
    B, T = len(lengths), int(lengths.max())
    start = np.cumsum(lengths) - lengths
    col = np.minimum(np.arange(T)[None], lengths[:, None] - 1)  # pad: repeat the last
    rows = start[:, None] + col  # (B, T) into df
    x, y = proj.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
    xy = np.stack([x, y], -1)[rows]
    t = df["t"].to_numpy()[rows]
    last = t[np.arange(B), lengths - 1]
    dt = np.where(lengths > 1, last - t[np.arange(B), np.maximum(lengths - 2, 0)], 1)
    if interval == "median":
        gaps = np.diff(t, axis=1).astype(np.float64)  # the pad repeats the last: gap 0
        real = np.arange(T - 1)[None] < np.maximum(lengths - 1, 1)[:, None]  # 1 point: a 0
        med = np.nanmedian(np.where(real, gaps, np.nan), axis=1) if T > 1 else np.ones(B)
        dt = np.where(lengths > 1, np.nan_to_num(med, nan=1.0), 1)
    step = np.maximum(dt, 1)  # whole seconds: a step is at least 1 s, as ever
    if t.dtype.kind == "f":  # exact times (a sub-second run's history, subsec39): its own step
        step = np.where((dt > 0) & (dt < 1), dt, step)
    t_future = last[:, None] + step[:, None] * np.arange(1, steps + 1)
    if ahead is not None:
        t_future = last[:, None] + np.asarray(ahead, np.float64)
    t0 = t[:, :1]  # relative seconds, as the harness passes them
    extra = {"keys": traj_keys(np.array(n["traj_id"].to_list(), dtype=object))} if keys else {}
    pos = est.predict(xy, lengths, steps, t - t0, t_future - t0, **extra)
    lat, lon = proj.inverse(pos[..., 0], pos[..., 1])
    return points_frame(n["traj_id"].to_list(), t_future, lat, lon)


class RecoversFrames:
    """``predict(df)`` for the recovery baselines: rows with missing lat/lon are filled."""

    def _recover_frame(self, data: Any, columns: dict) -> Any:
        df, layout, known = recovery_input(data, **with_gap_rule(columns))
        proj = LocalProjection.fit(df.filter(pl.Series(known)))
        x, y = proj.forward(df["lat"].fill_null(0.0), df["lon"].fill_null(0.0))
        xy = self.predict(df["t"].to_numpy(), np.stack([x, y], -1), known, trajectory_numbers(df))
        lat, lon = proj.inverse(xy[:, 0], xy[:, 1])
        lat, lon = (
            np.where(known, df["lat"].fill_null(0.0), lat),
            np.where(known, df["lon"].fill_null(0.0), lon),
        )
        replaced_column_warning(df)
        out = df.with_columns(lat=pl.Series(lat), lon=pl.Series(lon), recovered=pl.Series(~known))
        return from_canonical(out, layout=layout, caller_order=True)
