"""Asked times a rollout cannot reach, found before it runs (leftover39: newuser38's notebook
asked every ride for `now + 30 s`, most rides had ended hours before, and each rolled out 256
steps to answer NaN: 36 s for 780 asks). A trajectory whose every asked time lies past the
rollout's longest (``cap`` steps) at ``pace`` times its history's longest interval is not
rolled out; the same bound, on the steps predicted so far, stops extending a rollout
(tasks/predict.rollout_until's ``give_up``). Answers within reach are the full rollout's
(its first steps are the same); the margin ``pace`` is api_rollout.GIVE_UP_PACE."""

from __future__ import annotations

import numpy as np
import polars as pl


def asked_times(ids: list, t_last: np.ndarray, ahead: np.ndarray,
                asked: np.ndarray | None) -> dict:  # fmt: skip
    """{traj_id: the Unix times asked of it} from ``ahead`` (B, m) s after each last fix."""
    use = np.ones(ahead.shape, bool) if asked is None else asked
    return {
        i: t + a[u & np.isfinite(a)] for i, t, a, u in zip(ids, t_last, ahead, use, strict=True)
    }


def out_of_reach_at(df: pl.DataFrame, times: dict, cap: int, pace: float | None) -> dict:
    """{traj_id: how far, s after its last fix, ``cap`` steps at ``pace`` x its longest
    interval reach} for the trajectories (2+ fixes) whose every asked time lies beyond it."""
    if pace is None:
        return {}
    hist = df.group_by("traj_id", maintain_order=True).agg(
        pl.col("t").last().alias("end"), pl.col("t").diff().max().alias("dt"))  # fmt: skip
    far = {}
    for i, end, dt in hist.iter_rows():
        asked = times.get(i)
        if dt is None or asked is None or not len(asked):  # one fix: held at any time
            continue
        bound = pace * cap * max(float(dt), 1e-3)
        if asked.min() > end + bound:
            far[i] = bound
    return far


def empty_tracks(df: pl.DataFrame) -> pl.DataFrame:
    """A rollout's rows (traj_id, step, t, lat, lon, std_m) with none in them."""
    return pl.DataFrame(schema={"traj_id": df.schema["traj_id"], "step": pl.Int64,
                                "t": pl.Float64, "lat": pl.Float64, "lon": pl.Float64,
                                "std_m": pl.Float64})  # fmt: skip
