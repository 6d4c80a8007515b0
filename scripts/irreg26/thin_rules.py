"""Which histories should `TrajLM.predict(seconds_ahead=...)` thin? The k-step task at the true
report times (`trajlm eval --task predict --at-report-times`'s question), the models on
positions only, under candidate thinning rules; per-trajectory errors saved, paired bootstrap
ratios printed against the sessions 15-25 rule ("p50": every history whose median step is below
the training median).

    PYTHONPATH=$PWD python scripts/irreg26/thin_rules.py STORE OUT.npz [--split val] RUN...
Rules: p50 (old), ratio (median < THIN_BELOW x p50, shipped), p5 (median < min(ratio, the
training p5)), never. Writes OUT.npz (keys "rule|run" and baselines); prints the table."""

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
from trajlm.eval.compare import paired_bootstrap_ratio
from trajlm.eval.horizon import BaselineAtTimes
from trajlm.eval.report_times import AtReportTimes
from trajlm.tasks.adapter import task_model

store, out, *rest = sys.argv[1:]
split = "val"
if "--split" in rest:
    i = rest.index("--split")
    split = rest[i + 1]
    rest = rest[:i] + rest[i + 2 :]
runs = rest
part = read_store(store).filter(pl.col("split") == split).drop("split")
task = make_prediction_task(part, k=5)
proj = LocalProjection.fit(part)


def per_traj(pred: np.ndarray) -> np.ndarray:
    return np.nanmean(M.point_errors(pred, task.target_latlon), 1)


def with_rule(rule: str):
    def history(self, df):
        if getattr(self.config, "time_query", False):
            return df  # as TrajLM._history: a time_query model reads its history whole
        cov = (self.model.config.coverage or {}).get("dt_s") or {}
        step = float(cov.get("p50") or 0.0)
        below = {"p50": step, "ratio": api_rollout.THIN_BELOW * step, "never": 0.0,
                 "p5": min(api_rollout.THIN_BELOW * step, float(cov.get("p5") or step))}[rule]  # fmt: skip
        return api_rollout.thin_history(df, step, below) if below > 0 else df

    return history


save = {}
for name, est in (("linear-3 [time, fit]", B.LinearExtrapolation(3, "fit", True)),
                  ("constant velocity [time]", B.ConstantVelocity(use_time=True))):  # fmt: skip
    save[name] = per_traj(AtReportTimes(BaselineAtTimes(est, proj), part).predict_next(task))
rules = ("p50", "ratio", "p5", "never")
original = TrajLM._history
for run in runs:
    p = task_model(io.load_model(Path(run)), name=Path(run).name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        save[f"steps|{Path(run).name}"] = per_traj(p.predict_next(task))
        for rule in rules:
            TrajLM._history = with_rule(rule)
            pred = AtReportTimes(AtTimes(p, "m", 0.0, lm_class=TrajLM), part).predict_next(task)
            save[f"{rule}|{Path(run).name}"] = per_traj(pred)
    TrajLM._history = original
for kind in ("steps", *rules):
    save[f"{kind}|3-seed mean"] = np.mean([save[f"{kind}|{Path(r).name}"] for r in runs], 0)
np.savez(out, **save)
# how many of the scored histories each rule thins (the first run's coverage record)
med = np.array([np.median(np.diff(task.hist_t[i, :n])) for i, n in enumerate(task.lengths)])
cov = io.load_model(Path(runs[0])).config.coverage["dt_s"]
below = {"p50": cov["p50"], "ratio": api_rollout.THIN_BELOW * cov["p50"],
         "p5": min(api_rollout.THIN_BELOW * cov["p50"], cov["p5"]), "never": 0.0}  # fmt: skip
print("histories thinned: " + ", ".join(f"{r} {(med < b).sum()}" for r, b in below.items()))
print(f"{split}: {len(task.lengths)} trajectories; " + ", ".join(
    f"{b} {np.nanmean(save[b]):.1f} m" for b in ("linear-3 [time, fit]", "constant velocity [time]")))  # fmt: skip
for who in [*[Path(r).name for r in runs], "3-seed mean"]:
    for kind in ("steps", *rules):
        a = save[f"{kind}|{who}"]
        cells = []
        for ref in ("p50|" + who, "steps|" + who, "linear-3 [time, fit]"):
            c = save[ref]
            ok = np.isfinite(a) & np.isfinite(c)
            r = paired_bootstrap_ratio(a[ok], c[ok])
            cells.append(f"/{ref.split('|')[0]} {r['ratio']:.3f} ({r['lo']:.3f}-{r['hi']:.3f})")
        print(f"{who:14s} {kind:6s} {np.nanmean(a):9.1f} m  " + "  ".join(cells))
