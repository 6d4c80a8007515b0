import warnings
from pathlib import Path

import numpy as np
import polars as pl

from trajlm import _cli_io as io
from trajlm.api import TrajLM
from trajlm.api_horizon import AtTimes
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval import metrics as M
from trajlm.eval.horizon import DeadReckoningAt
from trajlm.eval.report_times import AtReportTimes, seconds_ahead
from trajlm.tasks.adapter import task_model

df = read_store("stores/ships84")
test = df.filter(pl.col("split") == "test").drop("split")
task = make_prediction_task(test, k=5)
ah = seconds_ahead(task)
print("ahead s: median per step", np.median(ah, 0), "max", ah.max())
print(
    "hist span min",
    np.median(
        (task.hist_t[np.arange(len(task.lengths)), task.lengths - 1] - task.hist_t[:, 0]) / 60
    ),
    "lengths",
    task.lengths[:5],
)
p = task_model(io.load_model(Path("runs/ships84_s2")), name="m")
for w in (0.0, 0.9, 1.0):
    m = AtReportTimes(AtTimes(p, "m", w, lm_class=TrajLM), test)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e = M.point_errors(m.predict_next(task), task.target_latlon)
    print("dr weight", w, "per step MAE", e.mean(0).round(0), "nan", np.isnan(e).sum())
e = M.point_errors(AtReportTimes(DeadReckoningAt(), test).predict_next(task), task.target_latlon)
print("DR per step", e.mean(0).round(0))
