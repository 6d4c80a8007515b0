"""The bridge's rollouts (tasks/recover_bridge.py, split from it in session 28): every gap side
is a pseudo-trajectory (id, t, lat, lon arrays) rolled out by the model in chunks and read at the
seconds its gap asks, longitudes unwrapped so that a track across +-180 is not read the long way.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.longitude import unwrap_lon, wrap_lon
from trajlm.data.subsec_store import steps_to_reach, whole_or_exact_seconds
from trajlm.tasks.predict import rollout_until

CHUNK = 512  # pseudo-trajectories per rollout call (memory)
MAX_STEPS = 128  # the longest rollout a side may take (chunks of k steps), as api_rollout


def frames_table(frames: list[tuple]) -> pl.DataFrame:
    """Pseudo-trajectories (id, t, lat, lon arrays) -> one table, built once from concatenated
    arrays (a DataFrame per gap side cost ~1 ms each: a third of recover's time, badapi item 2)."""
    n = [len(f[1]) for f in frames]
    return pl.DataFrame({
        "traj_id": np.repeat(np.array([f[0] for f in frames], np.int64), n),
        "t": whole_or_exact_seconds(np.concatenate([f[1] for f in frames])),
        "lat": np.concatenate([f[2] for f in frames]).astype(np.float64),
        "lon": np.concatenate([f[3] for f in frames]).astype(np.float64),
    })  # fmt: skip


def rollouts_at(model: Any, frames: list[tuple], need: dict, asked: dict) -> dict:
    """Roll out every pseudo-trajectory (``frames``: (id, t, lat, lon) arrays, one id each) and
    read its track at ``asked[id]`` (seconds after its last point) -> {id: (m, 2) lat/lon, NaN
    beyond the rollout}."""
    out: dict = {}
    for a in range(0, len(frames), CHUNK):
        df = frames_table(frames[a : a + CHUNK])
        last = df.group_by("traj_id", maintain_order=True).agg(pl.col("t", "lat", "lon").last())
        dt = df.select(pl.col("t").diff().over("traj_id").median()).item() or 1.0
        span = np.median([asked[i].max() for i in last["traj_id"].to_list()])
        room = max(1, model.config.max_len // 2)
        k = steps_to_reach(float(span), dt, model.stats, room)
        pred = rollout_until(model, df, {i: need[i] for i in last["traj_id"].to_list()}, k,
                             MAX_STEPS)  # fmt: skip
        # each id's rows in the rollout's order, by one stable sort (cols23: a DataFrame per
        # group_by group and np.r_ per track cost ~10 % of a dense call's time)
        ids = pred["traj_id"].to_numpy()
        order = np.argsort(ids, kind="stable")
        pt, plat, plon = (pred[c].to_numpy()[order] for c in ("t", "lat", "lon"))
        uniq, starts = np.unique(ids[order], return_index=True)
        ends = np.append(starts[1:], len(order))
        rows_of = dict(zip(uniq.tolist(), zip(starts.tolist(), ends.tolist(), strict=True),
                           strict=True))  # fmt: skip
        for i, t0, la, lo in last.iter_rows():
            s, e = rows_of[i]
            tt = np.concatenate(([0.0], pt[s:e] - t0))
            a_ = asked[i]
            res = np.full((len(a_), 2), np.nan)
            ok = (a_ >= 0) & (a_ <= tt[-1])
            # longitudes unwrapped: a rollout across +-180 is not interpolated the long way
            for c, v in enumerate((np.concatenate(([la], plat[s:e])),
                                   unwrap_lon(np.concatenate(([lo], plon[s:e]))))):  # fmt: skip
                res[ok, c] = np.interp(a_[ok], tt, v)
            res[:, 1] = wrap_lon(res[:, 1])
            out[i] = res
    return out
