"""Why is the model far off at report times from positions alone? Per-report error tables on
one split of an irregular store (default val): the model asked at the true report times
(positions only), its raw step rollout, the [time] baselines, and the rollout's own speed and
time steps against the history's.

    PYTHONPATH=$PWD python scripts/irreg26/diag.py STORE RUN [--split val|test]
Prints only (no files)."""

import sys
import warnings
from pathlib import Path

import numpy as np
import polars as pl

from trajlm import _cli_io as io
from trajlm import api_rollout
from trajlm.api import TrajLM
from trajlm.api_horizon import AtTimes
from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.horizon import BaselineAtTimes
from trajlm.eval.report_times import AtReportTimes, prediction_history, seconds_ahead
from trajlm.tasks.adapter import task_model

store, run, *rest = sys.argv[1:]
split = rest[rest.index("--split") + 1] if "--split" in rest else "val"
df = read_store(store)
part = df.filter(pl.col("split") == split).drop("split")
task = make_prediction_task(part, k=5)
ah = seconds_ahead(task)
hist = prediction_history(part, task)
proj = LocalProjection.fit(part)
print(f"{split}: {len(task.lengths)} trajectories; ahead s median per report", np.median(ah, 0))
dts = hist.select(pl.col("t").diff().over("traj_id"))["t"].drop_nulls().to_numpy()
print("history dt p10/50/90", np.percentile(dts, [10, 50, 90]))

model = io.load_model(Path(run))
p = task_model(model, name="m")
rows = {}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for below in (1.0, api_rollout.THIN_BELOW, 0.0):  # sessions 15-25, session 26, never
        api_rollout.THIN_BELOW = below
        rows[f"model at times, thin below {below:.2f}"] = AtReportTimes(
            AtTimes(p, "m", 0.0, lm_class=TrajLM), part).predict_next(task)  # fmt: skip
    api_rollout.THIN_BELOW = 2**-0.5
    rows["model k-step"] = p.predict_next(task)
for name, est in (
    ("cv [time]", B.ConstantVelocity(use_time=True)),
    ("linear-3 [time, fit]", B.LinearExtrapolation(3, "fit", True)),
):
    rows[name] = AtReportTimes(BaselineAtTimes(est, proj), part).predict_next(task)
for name, pred in rows.items():
    e = M.point_errors(pred, task.target_latlon)
    print(
        f"{name:28s} MAE {np.nanmean(e):9.1f}  per report {np.nanmean(e, 0).round(0)}  nan {np.isnan(e).sum()}"
    )

# the rollout's own steps: speed and dt against the history's
lm = TrajLM(model)
lm.dead_reckoning = 0.0
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    roll = lm.predict(hist, steps=10).sort("traj_id", "step")
last = hist.group_by("traj_id", maintain_order=True).agg(pl.col("t", "lat", "lon").last())
both = roll.join(last, on="traj_id", suffix="_h")
x0, y0 = proj.forward(both["lat_h"].to_numpy(), both["lon_h"].to_numpy())
x, y = proj.forward(both["lat"].to_numpy(), both["lon"].to_numpy())
both = both.with_columns(
    dist=pl.Series(np.hypot(x - x0, y - y0)), lag=(pl.col("t") - pl.col("t_h")).cast(pl.Float64)
)
sp = []
for tid, g in hist.group_by("traj_id", maintain_order=True):
    gx, gy = proj.forward(g["lat"].to_numpy(), g["lon"].to_numpy())
    d = np.hypot(np.diff(gx), np.diff(gy))
    tt = np.diff(g["t"].to_numpy().astype(float))
    sp.append((tid[0], d.sum() / tt.sum(), d[-1] / tt[-1], tt[-1], np.median(tt)))
sp = pl.DataFrame(sp, schema=["traj_id", "v_hist", "v_last", "dt_last", "dt_med"], orient="row")
both = both.join(sp, on="traj_id")
for s in (1, 2, 5, 10):
    g = both.filter(pl.col("step") == s)
    print(
        f"step {s:2d}: lag s p50 {g['lag'].median():7.0f} (hist dt last p50 {g['dt_last'].median():.0f}, med {g['dt_med'].median():.0f})"
        f"  speed rollout/hist p10/50/90 {np.percentile((g['dist'] / g['lag'] / g['v_hist']).to_numpy(), [10, 50, 90]).round(2)}"
    )

# per trajectory: the at-times answer against the raw rollout interpolated here at the asked times
at = rows["model at times, thin below 0.00"]  # the history as given, as the step rollout reads it
e_at = M.point_errors(at, task.target_latlon)
e_l3 = M.point_errors(rows["linear-3 [time, fit]"], task.target_latlon)
lastd = last.to_dict(as_series=False)
for b, tid in enumerate(task.traj_ids):
    g = roll.filter(pl.col("traj_id") == tid)
    i = lastd["traj_id"].index(tid)
    gx, gy = proj.forward(
        np.r_[lastd["lat"][i], g["lat"].to_numpy()], np.r_[lastd["lon"][i], g["lon"].to_numpy()]
    )
    tt = np.r_[0.0, (g["t"].to_numpy() - lastd["t"][i]).astype(float)]
    ix, iy = np.interp(ah[b], tt, gx), np.interp(ah[b], tt, gy)
    tx, ty = proj.forward(task.target_latlon[b, :, 0], task.target_latlon[b, :, 1])
    ax, ay = proj.forward(at[b, :, 0], at[b, :, 1])
    print(
        f"{tid!s:>14} n={task.lengths[b]:3d} lon {lastd['lon'][i]:8.2f} at-times {np.nanmean(e_at[b]):8.0f} "
        f"interp-roll {np.hypot(ix - tx, iy - ty).mean():8.0f} l3 {e_l3[b].mean():6.0f}  "
        f"|at-roll| {np.hypot(ix - ax, iy - ay).mean():8.0f}  roll reach {tt[-1]:.0f}s asked {ah[b, -1]:.0f}s"
    )
