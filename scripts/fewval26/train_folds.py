"""fewval26: the untuned baselines scored on rolling-origin folds of a store's TRAIN split (the
model stays out: it trained on those trips, so its train errors flatter it). Per pool: "full"
(the whole train split, 3 time-ordered blocks of a tenth each, capped at 100 trips; each block's
baselines fitted on every earlier trip) and DRAWS random 19-trip train subsets ("small": the size
of heldout25's 2-val-trip stores; 3 blocks of 2 trips, each fitted on the earlier ones), the
realistic noise of a fold choice where val has 1-2 trips. Writes per-fold-set mean 5-step ADE of
each engine (pooled windows) and a per-window paired error table to
$FEWVAL26_DIR/folds_POOL.json (default /tmp/fewval26).

RUN (optional): the pool's trained run; its model is scored on the whole-train folds' windows
too ("model": flattered, it trained on those trips; measured to see by how much a rule reading
it is misled).

python scripts/fewval26/train_folds.py POOL STORE [DRAWS [RUN]]   (POOL: one of smallval25's)"""

import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.knn_check import baseline_answer
from trajlm.eval.place_knn import PlaceKNNContinuation
from trajlm.eval.rolling_origin import rolling_origin_splits

OUT = Path(os.environ.get("FEWVAL26_DIR", "/tmp/fewval26"))
# the names of scripts/smallval25/errs.py's rows for the same engines (their sim reads them)
ENGINES = ("linear-3", "constant velocity [time]", "linear-3 [time, fit]",
           "knn|h=5,nb=10", "place|h=5,wp=0.1,wh=100.0,nb=20")  # fmt: skip
SMALL_TRIPS, WINDOWS = 19, 3


def engines() -> list:
    return [B.LinearExtrapolation(3), B.ConstantVelocity(use_time=True),
            B.LinearExtrapolation(3, "fit", True), B.KNNContinuation(),
            PlaceKNNContinuation()]  # fmt: skip


def fold_errors(train: pl.DataFrame, ids: np.ndarray, starts: np.ndarray, n_blocks: int,
                block: int, model=None) -> dict[str, np.ndarray]:  # fmt: skip
    """engine -> per-window 5-step ADE over the blocks (windows of all blocks concatenated)."""
    errs: dict[str, list] = {n: [] for n in (*ENGINES, *(["model"] if model else []))}
    for fit_rows, score_rows in rolling_origin_splits(starts, n_blocks, block):
        fit = train.filter(pl.col("traj_id").is_in(ids[fit_rows].tolist()))
        task = make_prediction_task(
            train.filter(pl.col("traj_id").is_in(ids[score_rows].tolist())), windows=WINDOWS
        )
        if len(task.lengths) == 0:
            continue
        proj = LocalProjection.fit(fit)
        if model is not None:
            from trajlm.model.rollout import ModelPredictor

            pred = ModelPredictor(model).predict_next(task)
            errs["model"].append(M.point_errors(pred, task.target_latlon).mean(1))
        for name, est in zip(ENGINES, engines(), strict=True):
            if isinstance(est, B.KNNContinuation):
                est.fit(fit, proj)
                if int(getattr(est, "n_windows_", 0)) == 0:
                    errs[name].append(np.full(len(task.lengths), np.nan))
                    continue
            else:
                est.fit(fit)
            e = M.point_errors(baseline_answer(est, proj, task), task.target_latlon).mean(1)
            errs[name].append(e)
    return {n: np.concatenate(v) if v else np.zeros(0) for n, v in errs.items()}


def summary(errs: dict[str, np.ndarray]) -> dict:
    ok = np.all([np.isfinite(e) for e in errs.values()], axis=0) if errs else []
    return {"n_windows": int(np.sum(ok)),
            "ade_m": {n: float(e[ok].mean()) if np.sum(ok) else None for n, e in errs.items()},
            "errs": {n: e[ok].round(3).tolist() for n, e in errs.items()}}  # fmt: skip


def main() -> None:
    pool, store = sys.argv[1], sys.argv[2]
    draws = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    model = None
    if len(sys.argv) > 4:
        import trajlm

        model = trajlm.TrajLM.from_pretrained(sys.argv[4], threads=1).model
    t0 = time.time()
    train = read_store(store, split="train").drop("split", strict=False)
    first = train.group_by("traj_id").agg(pl.col("t").min()).sort(["t", "traj_id"])
    ids, starts = first["traj_id"].to_numpy(), first["t"].cast(pl.Float64).to_numpy()
    n = len(ids)
    out: dict = {"pool": pool, "store": store, "n_train_trips": n}
    block = min(100, max(1, n // 10))
    out["full"] = summary(fold_errors(train, ids, starts, 3, block, model))
    print(pool, "full", out["full"]["ade_m"], round(time.time() - t0, 1), flush=True)
    rng = np.random.default_rng(26)
    out["small"] = []
    for _ in range(draws):
        keep = np.sort(rng.choice(n, size=min(SMALL_TRIPS, n), replace=False))
        sub = train.filter(pl.col("traj_id").is_in(ids[keep].tolist()))
        out["small"].append(summary(fold_errors(sub, ids[keep], starts[keep], 3, 2)))
    print(pool, "small done", round(time.time() - t0, 1), flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"folds_{pool}.json").write_text(json.dumps(out))


if __name__ == "__main__":
    main()
