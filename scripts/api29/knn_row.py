"""api29: why `trajlm eval`'s "(val-checked: kNN continuation)" row differs from its "kNN
continuation" row (heldout28: 1.72 vs 1.27 m on a harvester's store), on a tiny store.

    PYTHONPATH=$PWD python scripts/api29/knn_row.py            # synthetic 40-trip city
    PYTHONPATH=$PWD python scripts/api29/knn_row.py --store S --run R   # a run's own store

Without --store: a 40-trip synthetic city (split as TrajLM.fit splits a frame) and a copy of
trajlm-small carrying the unchecked prediction verdict `trajlm train` saves when val is too
small (kNN continuation at its defaults, fitted on the train split). Prints each kNN-family
row's MAE and settings, the val-checked row's, and kNN continuation at the verdict's settings
refitted on the train split through the harness: equal to the val-checked row when the cause
is the settings alone. Outputs under $API29_OUT (default /tmp/api29/knn_row)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import warnings
from pathlib import Path

from rich.console import Console

import trajlm
from trajlm.cli_eval import run_eval_command
from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.protocol import ProjectedBaseline
from trajlm.model.weights import resolve_weights


def synthetic(out: Path) -> tuple[Path, Path]:
    from trajlm.api_fit import frame_store
    from trajlm.data.synthetic import generate_city
    from trajlm.eval.unchecked_verdict import unchecked_verdict
    from trajlm.eval.val_verdict import save_verdict

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    store, run = out / "store", out / "run"
    frame_store(generate_city(n_trajectories=40, seed=5).points.drop("label"), store, {})
    train = read_store(store, split="train").drop("split")
    trajlm.TrajLM.from_pretrained("trajlm-small", threads=1).save_pretrained(run)
    v, table = unchecked_verdict(train, 2, "val has 2 trip(s) (this script's stand-in)")
    save_verdict(run, {"predict": v}, None, str(store), knn=table)
    return store, run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", type=Path)
    ap.add_argument("--run", type=Path)
    a = ap.parse_args()
    out = Path(os.environ.get("API29_OUT", "/tmp/api29/knn_row"))
    store, run = (a.store, a.run) if a.store else synthetic(out)
    with warnings.catch_warnings(record=True) as notes:
        warnings.simplefilter("always")
        res = run_eval_command("predict", store, [run], 1, None, Console(quiet=True), threads=1,
                               lm_class=trajlm.TrajLM)  # fmt: skip
    for r in res.rows:
        if "kNN" in r["method"]:
            p = r.get("params") or {}
            said = (
                f"history {p['history']}, {p['n_neighbors']} neighbours" if "history" in p else ""
            )
            print(f"{r['method']}: MAE {r['metrics']['mae_m']:.3f} m {said}")
    v = json.loads((resolve_weights(run, log=False) / "val_verdict.json").read_text())["predict"]
    if v.get("engine") == "kNN continuation":
        knn = v["knn"]
        train = read_store(store, split="train").drop("split").sort(["traj_id", "t"])
        proj = LocalProjection.fit(train)
        task = make_prediction_task(
            read_store(store, split="test").drop("split").sort(["traj_id", "t"]), k=5
        )
        est = B.KNNContinuation(knn["n_neighbors"], knn["history"], 5, knn["aggregate"]).fit(
            train, proj
        )
        mae = float(
            M.point_errors(
                ProjectedBaseline(est, proj).predict_next(task), task.target_latlon
            ).mean()
        )
        print(f"kNN continuation at the verdict's settings, refitted on train: MAE {mae:.3f} m")
    for w in notes:
        if "one engine at two settings" in str(w.message):
            print(f"{w.category.__name__}: {w.message}")


if __name__ == "__main__":
    main()
