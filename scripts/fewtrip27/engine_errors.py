"""fewtrip27: every verdict engine's per-trip 5-step ADE on a small store's val and test splits,
what the current verdict (knn_check's choice among the baselines) picks, and the untuned
engines' rolling-origin fold errors on the train split. The model is left out (a trained model
per store is out of this box's reach; on heldout26's eight small stores it answered none).

Engines: linear-3, constant velocity [time], linear-3 [time, fit], kNN / place-aware kNN at
their defaults and tuned on val (knn_check.candidates), dead reckoning [time] where the store
reports speed and course. Val: one window per trip (as the verdict reads it) and up to 5
("val5"); test: one window per trip (as `trajlm eval`) and up to 5 ("test5").

    python scripts/fewtrip27/engine_errors.py [STORE ...]   # default every $FEWTRIP27/stores/*
    -> $FEWTRIP27/errs/STORE.json (default /tmp/fewtrip27)
"""

import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.dr_verdict import DR, dr_val_errors
from trajlm.eval.knn_check import baseline_answer, candidates
from trajlm.eval.place_knn import PlaceKNNContinuation
from trajlm.eval.small_val import acts, shrink_to_defaults

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fewval26"))
from train_folds import fold_errors  # noqa: E402  (fewval26's rolling-origin fold scorer)

OUT = Path(os.environ.get("FEWTRIP27", "/tmp/fewtrip27"))
KNN, PLACE = "kNN continuation", "kNN continuation (place-aware)"
FOLD_NAMES = {"linear-3": "linear-3", "constant velocity [time]": "constant velocity [time]",
              "linear-3 [time, fit]": "linear-3 [time, fit]", "knn|h=5,nb=10": "kNN default",
              "place|h=5,wp=0.1,wh=100.0,nb=20": "place default"}  # fmt: skip


def per_trip(est, task) -> np.ndarray:
    return M.point_errors(baseline_answer(est, est.projection_, task), task.target_latlon).mean(1)


def engines_of(train, val_task) -> tuple[dict, object, dict]:
    """knn_check's candidates fitted on ``train`` (kNNs tuned on ``val_task``), their plane,
    and the benchmark's engines: those plus both kNNs at their defaults (engine31 reads it too)."""
    ests = candidates(train, val_task)
    proj = ests["linear-3"].projection_
    engines = {"linear-3": ests["linear-3"], "constant velocity [time]": ests["constant velocity [time]"],
               "linear-3 [time, fit]": ests["linear-3 [time, fit]"],
               "kNN tuned": ests[KNN], "place tuned": ests[PLACE]}  # fmt: skip
    for name, est in (("kNN default", B.KNNContinuation(horizon=ests[KNN].horizon)),
                      ("place default", PlaceKNNContinuation(horizon=ests[PLACE].horizon))):  # fmt: skip
        est.fit(train, proj)
        est.projection_ = proj
        engines[name] = est
    return ests, proj, engines


def store_errors(store: Path) -> dict:
    split = {
        s: read_store(store, split=s).drop("split", strict=False) for s in ("train", "val", "test")
    }
    train, val, test = split["train"], split["val"], split["test"]
    tasks = {"val": make_prediction_task(val), "val5": make_prediction_task(val, windows=5),
             "test": make_prediction_task(test), "test5": make_prediction_task(test, windows=5)}  # fmt: skip
    ests, proj, engines = engines_of(train, tasks["val"])
    # what the current verdict holds after smallval25's shrinkage (it acts below 10 val trips)
    shrunk = dict(ests)
    kept = {KNN: "tuned", PLACE: "tuned"}
    if acts(len(tasks["val"].lengths)):
        kept = shrink_to_defaults(shrunk, train, proj, lambda e: per_trip(e, tasks["val"]))
    current_set = ["linear-3", "constant velocity [time]", "linear-3 [time, fit]",
                   f"kNN {kept[KNN]}", f"place {kept[PLACE]}"]  # fmt: skip
    errs = {
        k: {n: per_trip(e, t).round(4).tolist() for n, e in engines.items()}
        for k, t in tasks.items()
    }
    table = {"val": val, "val5": val, "test": test, "test5": test}
    for k, t in tasks.items():
        if (dr := dr_val_errors(train, table[k], t)) is not None:
            errs[k][DR] = dr.round(4).tolist()
    if DR in errs["val"]:
        current_set.append(DR)
    first = train.group_by("traj_id").agg(pl.col("t").min()).sort(["t", "traj_id"])
    ids, starts = first["traj_id"].to_numpy(), first["t"].cast(pl.Float64).to_numpy()
    folds = fold_errors(train, ids, starts, 3, max(2, len(ids) // 8))
    return {"store": store.name, "n_train_trips": len(ids), "n_val_trips": len(tasks["val"].lengths),
            "n_test_trips": len(tasks["test"].lengths), "current_set": current_set, "errs": errs,
            "folds": {FOLD_NAMES[n]: e.round(4).tolist() for n, e in folds.items()},
            "knn_tuned": [ests[KNN].history, ests[KNN].n_neighbors],
            "place_tuned": [ests[PLACE].history, ests[PLACE].n_neighbors,
                            ests[PLACE].w_place, ests[PLACE].w_heading]}  # fmt: skip


def main(errors=None, out_dir: Path | None = None) -> None:
    """Every store on the command line (default every OUT/stores/*) through ``errors`` (default
    ``store_errors``) into OUT/errs/STORE.json; engine31's benchmark calls it with its own."""
    errors, out_dir = errors or store_errors, out_dir or OUT
    stores = [Path(p) for p in sys.argv[1:]] or sorted((out_dir / "stores").iterdir())
    (out_dir / "errs").mkdir(parents=True, exist_ok=True)
    for store in stores:
        dest = out_dir / "errs" / f"{store.name}.json"
        if dest.exists() or not (store / "manifest.json").exists():
            continue
        t0 = time.time()
        try:
            out = errors(store)
        except Exception as e:  # a store a generator made too small: said, skipped
            print(store.name, "FAILED", type(e).__name__, str(e)[:200], flush=True)
            continue
        dest.write_text(json.dumps(out))
        print(store.name, out["n_val_trips"], out["n_test_trips"], round(time.time() - t0, 1), "s",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
