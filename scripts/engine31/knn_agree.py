"""engine31 task 1: why `trajlm eval`'s "kNN continuation" row and the run's val-checked row
(what ``TrajLM.predict`` answers with a kNN verdict) differ on a store (heldout28-30).

Per STORE RUN pair, on the test split's PROTOCOL windows: the val-checked row as eval builds it
(the run's saved kNN index), ``TrajLM.predict`` on the same histories, kNN continuation fitted
on the train split at the saved verdict's settings, and at the settings eval tunes on val.
Prints each one's test MAE and the largest distance (m) between their answers.

    python scripts/engine31/knn_agree.py STORE RUN [STORE RUN ...]
"""

import json
import sys
from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.predict_verdict import KNN_FAMILY, ValCheckedPredictor, load_index
from trajlm.eval.protocol import tune_knn
from trajlm.eval.task_scoring import ProjectedBaseline
from trajlm.model.weights import resolve_weights


def api_answers(run: Path, task) -> np.ndarray:
    """TrajLM.predict(steps=k) on the task's histories, (N, k, 2) lat / lon."""
    from trajlm.api import TrajLM

    rows = []
    for i, tid in enumerate(task.traj_ids):
        n = int(task.lengths[i])
        rows.append(pl.DataFrame({"traj_id": [str(tid)] * n, "t": task.hist_t[i, :n].tolist(),
                                  "lat": task.hist_latlon[i, :n, 0].tolist(),
                                  "lon": task.hist_latlon[i, :n, 1].tolist()}))  # fmt: skip
    frame = pl.concat(rows).with_columns(pl.from_epoch(pl.col("t").cast(pl.Int64), "s").alias("t"))
    out = TrajLM.from_pretrained(str(run)).predict(frame.to_pandas(), steps=task.target_t.shape[1])
    out = pl.from_pandas(out) if not isinstance(out, pl.DataFrame) else out
    got = {str(t): g.sort("t") for t, g in out.group_by("traj_id", maintain_order=True)
           for t in [t[0]]}  # fmt: skip
    return np.stack([got[str(t)].select("lat", "lon").to_numpy() for t in task.traj_ids])


def main() -> None:
    args = sys.argv[1:]
    for store, run in zip(args[0::2], args[1::2], strict=True):
        store, run = Path(store), Path(run)
        parts = {
            s: read_store(store, split=s).drop("split", strict=False)
            for s in ("train", "val", "test")
        }
        test = make_prediction_task(parts["test"])
        v = json.loads((resolve_weights(run, log=False) / "val_verdict.json").read_text())[
            "predict"
        ]
        if v["engine"] not in KNN_FAMILY:
            print(store.name, "verdict engine", v["engine"], "(not a kNN): nothing to compare")
            continue
        index, proj_saved = load_index(resolve_weights(run, log=False), v)

        class _Model:  # the val-checked row never asks the model for a kNN verdict's 5 steps
            name = "run"

        checked = ValCheckedPredictor(_Model(), v, index, proj_saved).predict_next(test)
        proj = LocalProjection.fit(parts["train"])
        at_saved = B.KNNContinuation(v["knn"]["n_neighbors"], v["knn"]["history"], 5).fit(
            parts["train"], proj
        )
        tuned, _ = tune_knn(parts["train"], make_prediction_task(parts["val"]), proj)
        answers = {"val-checked (saved index)": checked,
                   f"kNN at saved settings ({at_saved.n_neighbors}, {at_saved.history})": ProjectedBaseline(at_saved, proj).predict_next(test),
                   f"eval's kNN row, tuned ({tuned.n_neighbors}, {tuned.history})": ProjectedBaseline(tuned, proj).predict_next(test)}  # fmt: skip
        try:
            answers["TrajLM.predict"] = api_answers(run, test)
        except Exception as e:  # said, not hidden
            print("  TrajLM.predict failed:", type(e).__name__, str(e)[:200])
        truth = test.target_latlon
        print(f"{store.name}: verdict {v['engine']} {v['knn']['n_neighbors']} nb / {v['knn']['history']}-pt; "
              f"saved plane {v['knn']['projection']} vs train's ({proj.lat0:.6f}, {proj.lon0:.6f}); "
              f"{len(test.lengths)} test trips")  # fmt: skip
        ref = answers["val-checked (saved index)"]
        for name, a in answers.items():
            gap = M.point_errors(a, ref).max()
            print(
                f"  {name:48s} MAE {M.point_errors(a, truth).mean():8.2f} m   max |vs val-checked| {gap:.4f} m"
            )


if __name__ == "__main__":
    main()
