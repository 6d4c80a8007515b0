"""``std_m`` and radii for a baseline engine's answers (session 26, uncert26).

Where a prediction verdict (eval/predict_verdict.py) hands an answer to kNN continuation,
linear-3, constant velocity, dead reckoning, ... the answer had ``std_m`` NaN and no radii:
the model's spread is its own (a Gaussian head read against the history's constant-velocity
error, eval/dead_reckoning_spread.py) and says nothing of another engine's errors
(newuser25).

Here each engine gets its own, measured when `trajlm train` runs the val check
(eval/knn_check.py): every val answer's error (metres) over a scale read from the history
alone, ``scale = max(SPREAD_SCALE x cv_spread / sqrt 2, SPREAD_FLOOR_M)`` (the history's own
constant-velocity error at that many seconds ahead, as the model's calibrated ``std_m`` reads
it, without the model's part), and the split-conformal quantile of err / scale at 50, 90 and
95 % pooled over the steps (the form chosen on val against per-step metres quantiles and
per-step ratios: docs/generalization.md "Session 26 (uncert26)"). An answer's radius at a
level is that factor x its scale; its ``std_m`` is the sigma of a 2-D Gaussian holding the
same share at 2 std_m as the errors did on val (86.5 %), as the model's ``std_m`` is read.

The factors are saved beside the verdict (``val_verdict.json``, "predict" -> "spread": one
entry per engine, numbers only). A verdict without them (saved before session 26, or
unchecked: too few val trips to measure anything) answers ``std_m`` NaN and says why.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl

from trajlm.eval.dead_reckoning_spread import SPREAD_FLOOR_M, SPREAD_SCALE, cv_spread

LEVELS = (50, 90, 95)
SIGMA_SHARE = 1.0 - math.exp(-2.0)  # a 2-D Gaussian's share within 2 sigma (86.5 %)
BASIS = "err / max(1.2 x cv_spread / sqrt 2, 1 m), pooled over steps"
MIN_ANSWERS = 20  # fewer val answers: no quantile worth saving
MAX_FACTOR = 1e6  # err / scale: more is no spread measured on val (a hand-edited file)
WINDOWS = 50  # windows per val trip the spread reads (eval --windows): answers are asked anywhere


def history_frame(task: Any) -> pl.DataFrame:
    """A prediction task's histories (its real points, not the padding) as a canonical table
    (traj_id = the row number as text, t, lat, lon), one trajectory per task row."""
    n, lengths = len(task.lengths), np.asarray(task.lengths)
    keep = np.arange(task.hist_t.shape[1])[None, :] < lengths[:, None]
    rows = np.repeat(np.arange(n), lengths)
    return pl.DataFrame({
        "traj_id": pl.Series(rows).cast(pl.String).str.zfill(len(str(max(n, 1)))),
        "t": task.hist_t[keep].astype(np.int64),
        "lat": task.hist_latlon[..., 0][keep].astype(np.float64),
        "lon": task.hist_latlon[..., 1][keep].astype(np.float64),
    })  # fmt: skip


def history_scale(history: pl.DataFrame, ahead: np.ndarray) -> np.ndarray:
    """(B, m) metres: the scale an engine's error is read against at ``ahead`` (B, m) seconds
    after each trajectory's last fix (``history`` canonical, trajectories in order of first
    appearance): the history's own constant-velocity error, as a 1-sigma per axis, at least
    SPREAD_FLOOR_M. NaN where the history has under 3 fixes or the time is not ahead."""
    sp = cv_spread(history, np.asarray(ahead, np.float64))
    out = np.maximum(SPREAD_SCALE * sp / np.sqrt(2.0), SPREAD_FLOOR_M)
    return np.where(np.isfinite(sp), out, np.nan)


def task_scale(task: Any) -> np.ndarray:
    """(N, k) metres: ``history_scale`` of a prediction task's histories at its target times."""
    rows = np.arange(len(task.lengths))
    last = task.hist_t[rows, np.asarray(task.lengths) - 1].astype(np.float64)
    return history_scale(history_frame(task), task.target_t - last[:, None])


def conformal(ratio: np.ndarray, level: float) -> float:
    """The split-conformal quantile of ``ratio`` at ``level`` % (rank ceil((n + 1) q))."""
    r = np.sort(ratio[np.isfinite(ratio)])
    n = len(r)
    rank = min(n, math.ceil((n + 1) * level / 100.0))
    return float(r[max(rank, 1) - 1])


def fit_spread(err: np.ndarray, scale: np.ndarray) -> dict[str, Any] | None:
    """An engine's spread from its val errors ``err`` and ``scale`` (both (N, k) metres):
    {"basis", "factors": {"50": f, "90": f, "95": f}, "sigma": s, "n_answers"}; None with
    under MIN_ANSWERS finite answers."""
    ratio = np.asarray(err, np.float64) / np.asarray(scale, np.float64)
    ratio = ratio[np.isfinite(ratio)]
    if len(ratio) < MIN_ANSWERS:
        return None
    factors = {str(lv): round(conformal(ratio, lv), 4) for lv in LEVELS}
    sigma = round(conformal(ratio, 100 * SIGMA_SHARE) / 2.0, 4)
    return {"basis": BASIS, "factors": factors, "sigma": sigma, "n_answers": int(len(ratio))}


def spread_ok(s: Any) -> bool:
    """A saved engine spread has what ``with_engine_spread`` reads (positive, finite,
    non-decreasing factors; a hand-edited one: False)."""
    if not isinstance(s, dict) or not isinstance(s.get("factors"), dict):
        return False
    vals = [s["factors"].get(str(lv)) for lv in LEVELS] + [s.get("sigma")]
    ok = all(isinstance(v, int | float) and not isinstance(v, bool) for v in vals)
    # badin26: a sigma of 1e308 passed and answered std_m inf (with numpy's overflow warning)
    ok = ok and all(np.isfinite(v) and 0 < v <= MAX_FACTOR for v in vals)
    return bool(ok and vals[0] <= vals[1] <= vals[2])


def with_engine_spread(rows: pl.DataFrame, history: pl.DataFrame, spread: dict[str, Any] | None,
                       levels: list[int] | None = None) -> pl.DataFrame:  # fmt: skip
    """An engine's canonical rows (traj_id, step, t, lat, lon, std_m) with ``std_m`` from its
    saved ``spread`` (NaN without one) and ``r{level}_m`` per asked level; ``history``: the
    canonical table the rows were predicted from."""
    n = rows.height
    std = np.full(n, np.nan)
    radii = {lv: np.full(n, np.nan) for lv in levels or []}
    if spread is not None and n:
        from trajlm.eval.radii_regime import seconds

        ids = rows["traj_id"].cast(pl.String)
        hist = history.with_columns(pl.col("traj_id").cast(pl.String)).filter(
            pl.col("traj_id").is_in(ids.unique().implode())
        )
        hist = hist.sort("traj_id", "t", maintain_order=True)
        order = hist["traj_id"].unique(maintain_order=True).to_list()
        where = {tid: i for i, tid in enumerate(order)}
        last = hist.group_by("traj_id", maintain_order=True).agg(pl.col("t").last())
        t_last = dict(zip(last["traj_id"], seconds(last["t"]).to_numpy(), strict=True))
        b = np.array([where.get(i, -1) for i in ids.to_list()])
        ahead = seconds(rows["t"]).to_numpy() - np.array([t_last.get(i, np.nan) for i in ids])
        # each row's asked seconds at (its trajectory, its rank among that trajectory's rows)
        col = rows.select(pl.int_range(pl.len()).over(pl.col("traj_id").cast(pl.String)))
        col = col.to_series().to_numpy()
        ok = b >= 0
        grid = np.full((len(order), int(col.max()) + 1), np.nan)
        grid[b[ok], col[ok]] = ahead[ok]
        scale = history_scale(hist, grid) if len(order) else grid
        own = np.full(n, np.nan)
        own[ok] = scale[b[ok], col[ok]]
        std = float(spread["sigma"]) * own
        for lv in radii:
            radii[lv] = float(spread["factors"][str(lv)]) * own
    out = rows.with_columns(std_m=pl.Series(std, dtype=pl.Float64))
    return out.with_columns(pl.Series(f"r{lv}_m", r, dtype=pl.Float64) for lv, r in radii.items())


__all__ = ["BASIS", "LEVELS", "WINDOWS", "conformal", "fit_spread", "history_frame", "history_scale",
           "spread_ok", "task_scale", "with_engine_spread"]  # fmt: skip
