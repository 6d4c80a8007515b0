"""engine31: every verdict engine's per-window 5-step ADE on a small store's val and test
splits (fewtrip27's engine_errors.py without the train folds, with val read on more windows).

Engines (the model left out, as fewtrip27: the rules choose the baseline that answers in its
place): linear-3, constant velocity [time], linear-3 [time, fit], kNN / place-aware kNN at their
defaults and tuned on val (knn_check.candidates), dead reckoning [time] where reported.
``current_set``: the five (six) engines the shipped verdict holds after smallval25's shrinkage.
Val: one window per trip ("val"), up to 5 ("val5", the shipped rule's read), 10 ("val10") and
every window ("valall": up to 1,000); test: "test" (one window per trip, as `trajlm eval`) and
"test5" (up to 5: the primary score, as fewtrip27). ``owners``: each window's trip (row index).

    python scripts/engine31/engine_errors.py [STORE ...]   # default every $ENGINE31/stores/*
    -> $ENGINE31/errs/STORE.json (default /tmp/engine31)
"""

import os
from pathlib import Path

import numpy as np

from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval import metrics as M
from trajlm.eval.dr_verdict import DR, dr_val_errors
from trajlm.eval.knn_check import baseline_answer
from trajlm.eval.small_val import acts, shrink_to_defaults

OUT = Path(os.environ.get("ENGINE31", "/tmp/engine31"))
KNN, PLACE = "kNN continuation", "kNN continuation (place-aware)"
READS = {"val": ("val", 1), "val5": ("val", 5), "val10": ("val", 10), "valall": ("val", 1000),
         "test": ("test", 1), "test5": ("test", 5)}  # fmt: skip


def per_window(est, task) -> np.ndarray:
    return M.point_errors(baseline_answer(est, est.projection_, task), task.target_latlon).mean(1)


def store_errors(store: Path) -> dict:
    split = {
        s: read_store(store, split=s).drop("split", strict=False) for s in ("train", "val", "test")
    }
    train = split["train"]
    tasks = {k: make_prediction_task(split[s], windows=w) for k, (s, w) in READS.items()}
    ests, proj, engines = _few().engines_of(train, tasks["val"])
    kept = {KNN: "tuned", PLACE: "tuned"}
    if acts(len(tasks["val"].lengths)):  # the shipped verdict's shrinkage (smallval25)
        kept = shrink_to_defaults(dict(ests), train, proj, lambda e: per_window(e, tasks["val"]))
    current_set = ["linear-3", "constant velocity [time]", "linear-3 [time, fit]",
                   f"kNN {kept[KNN]}", f"place {kept[PLACE]}"]  # fmt: skip
    errs = {
        k: {n: per_window(e, t).round(4).tolist() for n, e in engines.items()}
        for k, t in tasks.items()
    }
    for k, t in tasks.items():
        if (dr := dr_val_errors(train, split[READS[k][0]], t)) is not None:
            errs[k][DR] = dr.round(4).tolist()
    if DR in errs["val"]:
        current_set.append(DR)
    owners = {k: t.owners()[1].tolist() for k, t in tasks.items()}
    return {"store": store.name, "n_val_trips": len(tasks["val"].lengths),
            "n_test_trips": len(tasks["test"].lengths), "current_set": current_set, "errs": errs,
            "owners": owners}  # fmt: skip


def _few():
    """scripts/fewtrip27/engine_errors.py: its engines and its loop over the stores."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "fewtrip27" / "engine_errors.py"
    spec = importlib.util.spec_from_file_location("fewtrip27_engine_errors", path)
    few = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(few)
    return few


def main() -> None:
    _few().main(store_errors, OUT)  # fewtrip27's loop over the stores, this file's errors


if __name__ == "__main__":
    main()
