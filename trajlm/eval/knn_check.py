"""A trained next-point model beside kNN continuation on val, at the end of `trajlm train`
(session 23, heldout23).

`trajlm train` already says where the kept model is worse than constant velocity on val
(session 20, ``Trainer.physics_check``). On held-out data the strongest baseline is usually
kNN continuation fitted on the store's own train split (heldout20: none of eight held-out sets
below kNN; heldout23: a fishing fleet's model 1.9x kNN on test while 0.88x constant velocity on
val): before this check a user learnt that only from `trajlm eval`, and the Python API answered
with the model without a word.

``knn_check`` scores plain kNN continuation (its default settings: 10 neighbours, 5-point
histories, median; fitted on the train split only, so no val trip is in its own index) on the
same val trips the run's model selection read, and compares per-trip 5-step MAE with a paired
bootstrap. The verdict rule is the one `trajlm eval` prints (eval/verdict.py): "worse" when the
95 % interval of model / kNN lies above 1, "better" below 1, else "level". The result goes into
the run summary (``train_summary.json``), where ``TrajLM.predict`` reads it (api_knn_note.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import PredictionTask, make_prediction_task
from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.compare import paired_bootstrap_ratio
from trajlm.model.rollout import ModelPredictor

MIN_TRIPS = 3  # fewer val trips: no interval worth a verdict (said as such)
KEYS = ("val_ade_knn_m", "val_ade_vs_knn", "val_ade_vs_knn_ci", "val_vs_knn")


def _projected_knn(train: pl.DataFrame, task: PredictionTask) -> np.ndarray:
    proj = LocalProjection.fit(train)
    k = task.target_t.shape[1]
    knn = B.KNNContinuation(horizon=k).fit(train, proj)
    t0 = task.hist_t[:, :1]
    xy = knn.predict(task.xy(proj), task.lengths, k, task.hist_t - t0, task.target_t - t0)
    return np.stack(proj.inverse(xy[..., 0], xy[..., 1]), axis=-1)


def knn_check(model: Any, train: pl.DataFrame, task: PredictionTask) -> dict[str, Any]:
    """The kept model's and kNN continuation's per-trip 5-step MAE on `task` (val), their ratio
    with a paired bootstrap 95 % interval and the verdict (better / level / worse); {} when the
    train split has no window for kNN or val fewer than ``MIN_TRIPS`` scored trips."""
    n = len(task.lengths)
    if n == 0 or train.height == 0:
        return {}
    truth = task.target_latlon
    err_m = M.point_errors(ModelPredictor(model).predict_next(task), truth).mean(1)
    err_k = M.point_errors(_projected_knn(train, task), truth).mean(1)
    ok = np.isfinite(err_m) & np.isfinite(err_k)
    if ok.sum() < MIN_TRIPS or not err_k[ok].mean() > 0:
        return {}
    r = paired_bootstrap_ratio(err_m[ok], err_k[ok])
    verdict = "worse" if r["lo"] > 1 else "better" if r["hi"] < 1 else "level"
    return {
        "val_ade_knn_m": float(err_k[ok].mean()),
        "val_ade_model_m": float(err_m[ok].mean()),
        "val_ade_vs_knn": float(r["ratio"]),
        "val_ade_vs_knn_ci": [float(r["lo"]), float(r["hi"])],
        "val_vs_knn": verdict,
        "val_knn_trips": int(ok.sum()),
    }


def knn_line(check: dict[str, Any], data: Path | str) -> str | None:
    """One line for the user when the kept model is not better than kNN continuation on val
    (None when it is, or when there was nothing to compare)."""
    if not check or check.get("val_vs_knn") == "better":
        return None
    lo, hi = check["val_ade_vs_knn_ci"]
    what = ("worse than" if check["val_vs_knn"] == "worse"
            else "not better than (level with)")  # fmt: skip
    return (
        f"the kept model is {what} kNN continuation on val: 5-step ADE "
        f"{check['val_ade_model_m']:.1f} m vs {check['val_ade_knn_m']:.1f} m "
        f"({check['val_ade_vs_knn']:.2f}x, 95 % CI {lo:.2f}-{hi:.2f}, "
        f"{check['val_knn_trips']} val trips); `trajlm train-selector --data {data} --out DIR` "
        "answers with kNN where its network does not beat it on val (docs/candidates.md), and "
        "`trajlm eval --task predict` scores both on test"
    )


def val_task_of(data: Path | str, max_traj: int | None = None) -> PredictionTask:
    """PROTOCOL's prediction task on the store's val split (its first `max_traj` trips, as the
    Trainer's model selection reads them)."""
    from trajlm.data.store import read_store

    val = read_store(data, split="val").drop("split", strict=False)
    if max_traj is not None:
        keep = val["traj_id"].unique(maintain_order=True).head(max_traj)
        val = val.filter(pl.col("traj_id").is_in(keep.implode()))
    return make_prediction_task(val)
