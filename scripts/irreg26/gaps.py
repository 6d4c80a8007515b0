"""Per-gap error table of the k-step task at the true report times: each target point binned by
how far ahead its report time is (in training steps, the model's coverage dt p50), errors of the
model asked at that time (positions only), its k-step rollout (the step guess), and the [time]
baselines given the time.

    PYTHONPATH=$PWD python scripts/irreg26/gaps.py STORE [--split val] RUN...
Prints only."""

import sys
import warnings
from pathlib import Path

import numpy as np
import polars as pl

from trajlm import _cli_io as io
from trajlm.api import TrajLM
from trajlm.api_horizon import AtTimes
from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.horizon import BaselineAtTimes
from trajlm.eval.report_times import AtReportTimes, seconds_ahead
from trajlm.tasks.adapter import task_model

store, *rest = sys.argv[1:]
split = "val"
if "--split" in rest:
    i = rest.index("--split")
    split, rest = rest[i + 1], rest[:i] + rest[i + 2 :]
part = read_store(store).filter(pl.col("split") == split).drop("split")
task = make_prediction_task(part, k=5)
ahead = seconds_ahead(task)
proj = LocalProjection.fit(part)
errs = {}
for name, est in (("linear-3 [time, fit]", B.LinearExtrapolation(3, "fit", True)),
                  ("constant velocity [time]", B.ConstantVelocity(use_time=True))):  # fmt: skip
    errs[name] = M.point_errors(AtReportTimes(BaselineAtTimes(est, proj), part).predict_next(task),
                                task.target_latlon)  # fmt: skip
step = None
for run in rest:
    model = io.load_model(Path(run))
    step = float(model.config.coverage["dt_s"]["p50"])
    p = task_model(model, name=Path(run).name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        errs[f"{Path(run).name} steps"] = M.point_errors(p.predict_next(task), task.target_latlon)
        at = AtReportTimes(AtTimes(p, "m", 0.0, lm_class=TrajLM), part).predict_next(task)
        errs[f"{Path(run).name} at times"] = M.point_errors(at, task.target_latlon)
# lead = seconds ahead over (report index x training step): 1 = the reports came as the steps do
lead = ahead / (np.arange(1, ahead.shape[1] + 1)[None] * step)
bins = [0, 0.75, 1.5, 3, 10, np.inf]
print(f"{split}: {len(task.lengths)} trajectories, {ahead.size} targets; training step {step:g} s")
edges = list(zip(bins[:-1], bins[1:], strict=True))
head = "seconds ahead / (report index x step)"
print(f"{head:40s}" + "".join(f"{f'{a:g}-{b:g}':>12s}" for a, b in edges))
print(f"{'targets':40s}" + "".join(f"{((lead >= a) & (lead < b)).sum():12d}" for a, b in edges))
for name, e in errs.items():
    cells = [np.nanmean(e[(lead >= a) & (lead < b)]) if ((lead >= a) & (lead < b)).any() else np.nan
             for a, b in edges]  # fmt: skip
    print(f"{name:40s}" + "".join(f"{c:12.1f}" for c in cells))
