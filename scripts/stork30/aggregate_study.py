"""Session 30 (stork30): kNN continuation's neighbour vote, coordinate-wise median (before) vs
geometric median (aggregate="geomedian", after), at the default cell (history 5, 10 neighbours)
and at the cell tune_knn picks on val (argmin, eval's rule), per store.

Why: on heldout27's storks kNN at its defaults was 6,018 m off on test vs 14.8 m tuned. The
three test windows end at dusk / night with the bird roosting; about half the neighbour windows
take off within 5 fixes (kNN sees no clock), and the coordinate-wise median of "stay" and "fly
20-80 km" answers half-way (km from both). See docs/api.md "Session 30 (stork30)".

Command (one JSON per store under $STORK30/<TAG>/, default /tmp/stork30; resumable):
  PYTHONPATH=. python scripts/stork30/aggregate_study.py TAG STORE [STORE ...] [--test]
Without --test only val is scored (the shared slices' choice); with it, test (one window per
trip, eval's row) and test5 (up to 5 windows per trip) too. Per-window errors are kept for
scripts/stork30/summary.py's paired bootstraps.
"""

import argparse
import json
import os
import time
from pathlib import Path

from trajlm.data.features import LocalProjection
from trajlm.data.store import read_store
from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.protocol import ProjectedBaseline, make_prediction_task, split_tables, tune_knn

AGGS = ("median", "geomedian")


def window_errors(est, proj: LocalProjection, task) -> list[float]:
    pred = ProjectedBaseline(est, proj).predict_next(task)
    return M.point_errors(pred, task.target_latlon).mean(1).tolist()


def study(store: str, with_test: bool) -> dict:
    df = read_store(store).sort(["traj_id", "t"])
    parts = split_tables(df)
    train, proj = parts["train"], LocalProjection.fit(parts["train"])
    tasks = {"val": make_prediction_task(parts["val"], k=5)}
    if with_test:
        tasks["test"] = make_prediction_task(parts["test"], k=5)
        tasks["test5"] = make_prediction_task(parts["test"], k=5, windows=5)
    out = {"n": {s: len(t.lengths) for s, t in tasks.items()}}
    if not all(out["n"].values()):
        return out
    out["cv"] = {s: window_errors(B.ConstantVelocity(), proj, t) for s, t in tasks.items()}
    for agg in AGGS:
        default = B.KNNContinuation(aggregate=agg).fit(train, proj)
        tuned, _ = tune_knn(train, tasks["val"], proj, aggregate=agg)
        out[agg] = {
            name: {"cell": f"history={est.history},n_neighbors={est.n_neighbors}",
                   **{s: window_errors(est, proj, t) for s, t in tasks.items()}}
            for name, est in (("default", default), ("tuned", tuned))
        }  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("tag")
    ap.add_argument("stores", nargs="+")
    ap.add_argument("--test", action="store_true", help="also score test (read once)")
    a = ap.parse_args()
    out = Path(os.environ.get("STORK30", "/tmp/stork30")) / a.tag
    out.mkdir(parents=True, exist_ok=True)
    for store in a.stores:
        name = Path(store).name
        if (out / f"{name}.json").exists():  # resumable: a killed run keeps what it wrote
            continue
        t0 = time.time()
        res = {"store": store, **study(store, a.test), "seconds": round(time.time() - t0, 1)}
        (out / f"{name}.json").write_text(json.dumps(res))
        line = {f"{agg}/{c}": {s: round(sum(v) / len(v), 1) for s, v in res[agg][c].items()
                                        if s != "cell"}
                for agg in AGGS if agg in res for c in ("default", "tuned")}  # fmt: skip
        print(name, res["n"], line, res["seconds"], flush=True)


if __name__ == "__main__":
    main()
