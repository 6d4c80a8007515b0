"""Session 16 diagnostic (val only; docs/candidates.md "Session 16"): the query's own user's
train pool (``trajlm.eval.user_pool.UserPools``) as a plain predictor, its median over n
neighbours, on the val trips it answers, against kNN (paired bootstrap CI over trips).

    PYTHONPATH=. python scripts/user_pool_diag.py --data /tmp/stores/geolife
"""

from __future__ import annotations

import argparse

import numpy as np

from trajlm._threads import apply_threads
from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.retrieval import traj_keys
from trajlm.data.store import read_store
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.eval.protocol import split_tables, tune_knn
from trajlm.eval.selector_predictor import knn_points, per_trip, split_xy
from trajlm.eval.user_pool import UserPools, owners_of


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="a store with user_id (GeoLife)")
    args = ap.parse_args(argv)
    apply_threads(1, None)
    parts = split_tables(read_store(args.data))
    proj = LocalProjection.fit(parts["train"])
    task = make_prediction_task(parts["val"])
    knn, _ = tune_knn(parts["train"], task, proj)
    xy, keys = split_xy(parts["train"], proj)
    owner: dict[int, str] = {}
    for df in parts.values():
        col = "user_id" if "user_id" in df.columns else "traj_id"
        owner |= owners_of(df["traj_id"].to_numpy(), df[col].to_numpy())
    qxy, lengths, tgt = task.xy(proj), task.lengths, task.target_latlon
    plain = knn_points(knn.index_, qxy, lengths, knn.n_neighbors)
    base = per_trip(plain, tgt, proj).mean(1)
    users = np.array([owner[int(k)] for k in traj_keys(np.asarray(task.traj_ids))])
    train_users = np.array([owner[int(k)] for k in keys])
    for wp, wh in ((1.0, 300.0), (0.0, 0.0)):
        pools = UserPools(knn.history, 5, w_place=wp, w_heading=wh).fit(xy, keys, train_users)
        ok = pools.answerable(users)
        if not ok.any():
            print(f"user pool {wp},{wh}: no val trip has a user with a train pool")
            continue
        for n in (10, 40):
            pred = plain.copy()
            for u, idx in pools.indexes_.items():
                r = np.flatnonzero(ok & (users == u))
                if len(r):
                    pred[r] = knn_points(idx, qxy[r], lengths[r], n)
            err = per_trip(pred, tgt, proj).mean(1)
            ci = paired_bootstrap_ci(err[ok], base[ok])
            print(f"user pool {wp},{wh}, n={n}: answered {ok.sum()} trips: user kNN "
                  f"{err[ok].mean():.1f} m vs kNN {base[ok].mean():.1f} m, {ci['diff']:+.1f} "
                  f"[{ci['lo']:+.1f}, {ci['hi']:+.1f}] ({100 * ci['rel']:+.1f} %)")  # fmt: skip


if __name__ == "__main__":
    main()
