"""tasks21: a multi-task run's travel time, val-checked against the protocol's baselines.

    PYTHONPATH=. python scripts/tasks21_tte_check.py --data STORE --model RUN

Fits ValCheckedTTE on train / val (trajlm/eval/travel_time_fallback.py), prints its one line,
then reads test once: MAE of the model, of the checked answer and of the best baseline on
val, with a paired bootstrap 95 % CI (2,000 resamples of trips) of checked / that baseline.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

import trajlm
from trajlm.eval.protocol import make_tte_task
from trajlm.eval.travel_time_fallback import ValCheckedTTE
from trajlm.tasks.adapter import task_model


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", required=True)
    a = ap.parse_args()
    torch.set_num_threads(1)
    df = trajlm.read_store(a.data)
    parts = {s: df.filter(df["split"] == s).drop("split") for s in ("train", "val", "test")}
    model = task_model(trajlm.TrajLM.from_pretrained(a.model).model, name="trajlm")
    chk = ValCheckedTTE(model).fit(parts["train"], parts["val"])
    print(chk.choice_line())
    od = make_tte_task(parts["test"])
    y = od["duration_s"].to_numpy().astype(np.float64)
    err = {"model": np.abs(model.travel_time(od) - y), "checked": np.abs(chk.travel_time(od) - y)}
    base = min((k for k in chk.val_mae_s_ if k != "model"), key=chk.val_mae_s_.get)
    err[base] = np.abs(chk.candidates_[base].predict(od) - y)
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(y), (2000, len(y)))
    for k in ("model", "checked"):
        r = err[k][idx].mean(1) / err[base][idx].mean(1)
        lo, hi = np.percentile(r, [2.5, 97.5])
        print(
            f"test {k}: MAE {err[k].mean() / 60:.2f} min, / {base} ({err[base].mean() / 60:.2f} "
            f"min) {err[k].mean() / err[base].mean():.3f} (CI {lo:.3f}-{hi:.3f}), n {len(y)}"
        )


if __name__ == "__main__":
    main()
