"""``TrajLM.predict(at_times= / seconds_ahead=)``'s rollout to the asked times, apart from the
argument handling in api.py: the history each horizon reads, the glitched last fix, dead
reckoning mixed in where speed / course are reported, and a call mixing sub-second and minute
horizons answered part by part (session 20)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.api_glitch import without_glitched_last
from trajlm.api_rollout import at_times_with_motion
from trajlm.api_subsec import history_by_horizon, horizon_split


def predict_asked(lm, full: pl.DataFrame, last_t: pl.DataFrame, req: np.ndarray,
                  valid: np.ndarray | None, layout: Any) -> pl.DataFrame:  # fmt: skip
    """Canonical rows (traj_id, step, t, lat, lon, std_m) at the asked times ``req`` (B, m)
    seconds after each trajectory's exact last fix (``last_t``; ``valid`` the entries asked,
    None: all) from the exact history ``full``. A sub-second feed asked both within one
    training step and beyond it is answered once per part (``horizon_split``), each on its own
    history: in one rollout the thinned history served both (0.5-10 s answers 5.2 -> 3.1 m
    off at 2 Hz when asked apart, scripts/uncert20_subsec_mix.py)."""
    asked_s = req if valid is None else np.where(valid, req, np.nan)
    parts = horizon_split(lm, full, asked_s, layout)
    if parts is None:
        return _asked_part(lm, full, last_t, req, valid, layout)
    outs = [_asked_part(lm, full, last_t, req, part, layout) for part in parts]
    order = last_t.select("traj_id", __o=pl.int_range(pl.len()))
    both = pl.concat(outs, how="vertical_relaxed").join(order, on="traj_id", maintain_order="left")
    both = both.sort("__o", "t", maintain_order=True).drop("__o")
    # step 1.. per trajectory in time order, as one rollout numbers them
    return both.with_columns(step=pl.int_range(1, pl.len() + 1).over("traj_id").cast(
        both.schema["step"]))  # fmt: skip


def _asked_part(lm, full: pl.DataFrame, last_t: pl.DataFrame, req: np.ndarray,
                valid: np.ndarray | None, layout: Any) -> pl.DataFrame:  # fmt: skip
    """``predict_asked`` for the entries ``valid`` in one rollout: the history by horizon (one
    fix a second when asked within one training step on a sub-second feed, else thinned to the
    training step; session 19, movers19), from the fix before a glitched last one (session 18,
    predict18), the rows' times as asked from the last fix given."""
    asked_s = req if valid is None else np.where(valid, req, np.nan)
    df = history_by_horizon(lm, without_glitched_last(full, layout=layout), asked_s, layout)
    shift = (last_t["t"] - df.group_by("traj_id", maintain_order=True).agg(
        pl.col("t").last())["t"]).to_numpy()[:, None]  # fmt: skip
    k = lm._rollout_steps(df, req + shift)
    lm._check_coverage(df, history=lm.config.max_len - k)
    asked = np.ones(req.shape, bool) if valid is None else valid
    t_out = pl.Series((last_t["t"].to_numpy()[:, None] + np.rint(req).astype(np.int64))[asked])

    def at() -> pl.DataFrame:  # the rows' times as asked, from the last fix given
        out = lm._predict_at(df, last_t.with_columns(t=last_t["t"] - shift[:, 0]),
                             req + shift, k, valid)  # fmt: skip
        return out.with_columns(t=t_out) if shift.any() else out

    return at_times_with_motion(at, full, last_t, req, valid, lm.dead_reckoning)
