"""k-step predict, default vs --at-report-times, per-trajectory errors of every row saved.
python measure.py STORE OUT.npz [--val] RUN...   (--val: score val, as --score-on val swaps)"""

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl

from trajlm import _cli_io as io
from trajlm.api import TrajLM
from trajlm.api_horizon import at_times_models
from trajlm.data.store import read_store
from trajlm.eval.dead_reckoning import has_motion
from trajlm.eval.protocol import run_eval
from trajlm.tasks.adapter import task_model

store, out, *rest = sys.argv[1:]
val = "--val" in rest
runs = [r for r in rest if r != "--val"]
df = read_store(store)
if val:
    df = df.with_columns(
        pl.col("split").replace_strict({"val": "test", "test": "val"}, default=pl.col("split"))
    )
preds = [task_model(io.load_model(Path(r)), name=f"trajlm:{Path(r).name}") for r in runs]
save = {}
for mode in ("steps", "report"):
    t0 = time.time()
    models = at_times_models(preds, has_motion(df), lm_class=TrajLM) if mode == "report" else preds
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = run_eval(
            df, "predict", models=tuple(models), verbose=False, at_report_times=mode == "report"
        )
    print(f"== {mode} ({time.time() - t0:.0f} s)")
    for r in res.rows:
        rb = r.get("ratio_to_best_baseline", {})
        print(
            f"{r['method']:45s} {r['metrics']['mae_m']:10.1f}  /best {rb.get('ratio', float('nan')):.3f} {rb.get('baseline')}"
        )
        save[f"{mode}|{r['method']}"] = r["_per_traj"]
np.savez(out, **save)
