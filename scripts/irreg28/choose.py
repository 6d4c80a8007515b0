"""irreg28: what the prediction verdict picks on small irregular stores, and that engine's test
error asked at the test trips' report times, as the API answers asked times.

The verdict is knn_check as `trajlm train` runs it (val table, spread_from, an at-times
answerer), so running this file under main's code (PYTHONPATH=/work/main) gives the verdict
before irreg28 (fewtrip27's small-val rule reads steps) and under this branch's the verdict
after (it reads the report times). The model is left out, as in fewtrip27's benchmark (one
trained model per store is out of this box's reach): an untrained model stands in for its
steps, and constant velocity [time] for its at-times answers ("model" answers where a step
engine cannot reach an asked time, as the API hands it over). It is never chosen (constant
velocity [time] is a candidate), so the verdict picks among the baselines.

Test: every engine the check fitted, asked at the report times of one window per test trip
("test", as `trajlm eval --at-report-times`) and of up to 5 windows per trip ("test5",
fewtrip27's primary score); step engines through StepsAtAskedTimes, past their reach the
stand-in's answer.

    PYTHONPATH=$PWD python scripts/irreg28/choose.py TAG [STORE ...]
    # default every $IRREG28/stores/* (default /tmp/irreg28) -> $IRREG28/choice/TAG/STORE.json

STANDIN=l3fit: linear-3 [time, fit] stands in for the model's at-times answers instead (the
sensitivity of the comparison to what answers past a step engine's reach).
"""

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from trajlm.data.features import LocalProjection, NormStats
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.horizon import BaselineAtTimes
from trajlm.eval.knn_check import baseline_answer, knn_check
from trajlm.eval.predict_verdict import decide
from trajlm.eval.report_times import AtReportTimes, interval_spread
from trajlm.eval.report_verdict import STEP_ENGINES, steps_engine_at_times
from trajlm.eval.small_val import acts

OUT = Path(os.environ.get("IRREG28", "/tmp/irreg28"))
STANDIN = os.environ.get(
    "STANDIN", "cv"
)  # cv: constant velocity [time]; l3fit: linear-3 [time, fit]


class StandIn:
    """The model's at-times answers: constant velocity [time] (or linear-3 [time, fit]) at the
    asked times."""

    name = "model"

    def predict_at(self, hist, ahead):
        est = B.ConstantVelocity(use_time=True)
        if STANDIN == "l3fit":
            est = B.LinearExtrapolation(3, "fit", True)
        return BaselineAtTimes(est, LocalProjection.fit(hist)).predict_at(hist, ahead)


def untrained(train):
    import torch

    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    model = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32,
                                        residual_base="constant_velocity"))  # fmt: skip
    model.config.stats = NormStats.fit(train).to_dict()
    return model


def test_errors(ests: dict, test, windows: int) -> dict:
    """{engine: mean ADE (m) over the test windows} asked at their report times."""
    task = make_prediction_task(test, windows=windows)
    truth = task.target_latlon
    model = AtReportTimes(StandIn(), test).predict_next(task)
    out = {"model": M.point_errors(model, truth).mean(1)}
    for name, est in ests.items():
        if name in STEP_ENGINES:
            pred = steps_engine_at_times(name, est, task)
            past = np.isnan(pred).any(axis=(1, 2))
            pred[past] = model[past]
        else:
            pred = baseline_answer(est, est.projection_, task)
        out[name] = M.point_errors(pred, truth).mean(1)
    ok = np.all([np.isfinite(e) for e in out.values()], axis=0)
    return {n: float(e[ok].mean()) for n, e in out.items()} | {"n_windows": int(ok.sum())}


def one(store: Path) -> dict:
    split = {s: read_store(store, split=s).drop("split", strict=False)
             for s in ("train", "val", "test")}  # fmt: skip
    train, val, test = split["train"], split["val"], split["test"]
    task = make_prediction_task(val)
    rec = {"store": store.name, "n_val_trips": len(task.lengths),
           "train_spread": interval_spread(train)}  # fmt: skip
    if not acts(len(task.lengths)) or not rec["train_spread"] > 4:
        return rec | {"skipped": "not a small irregular store"}
    fitted: dict = {}
    start = time.perf_counter()
    check = knn_check(untrained(train), train, task, fitted, val, val, StandIn())
    v = decide(check, train)
    if v is None:
        return rec | {"skipped": "no verdict"}
    rec |= {"engine": v["engine"], "small_val": v.get("small_val"), "scored_at": v.get("scored_at"),
            "val_ade_m": v["val_ade_m"], "check_s": round(time.perf_counter() - start, 1)}  # fmt: skip
    for tag, w in (("test", 1), ("test5", 5)):
        rec[tag] = test_errors(fitted, test, w)
    return rec


def main() -> None:
    tag, stores = sys.argv[1], [Path(p) for p in sys.argv[2:]]
    stores = stores or sorted(p for p in (OUT / "stores").iterdir() if p.is_dir())
    out = OUT / "choice" / tag
    out.mkdir(parents=True, exist_ok=True)
    for store in stores:
        path = out / f"{store.name}.json"
        if path.exists():
            continue
        rec = one(store)
        path.write_text(json.dumps(rec, indent=1))
        print(store.name, rec.get("engine", rec.get("skipped")), rec.get("check_s"), flush=True)


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")
    main()
