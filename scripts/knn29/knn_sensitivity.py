"""Session 29 (knn29): why kNN continuation scores 34.4 m on a frame and 39.2 m on the same rows
through CSV ingest (newuser29's e-scooter rides; docs/api.md "Session 29 (knn29)").

What it measures, per store: the val grid tune_knn searches (history x n_neighbors), the cell it
picks, the test ADE of plain kNN and of the place-aware kNN (at the picked history and at each
store's history swapped); between the first two stores: whether rows, times, splits and library
windows line up, the val window whose answer moves most and the distances of its k-th and
(k+1)-th neighbours; then the first store with N(0, JITTER_MM) mm noise on every coordinate
(seeds 0..N-1): how often the pick flips and what the test ADE does.

Command (stores from scripts/newuser29/gen_scooters.py, then `trajlm data ingest` of the CSV
with --crs EPSG:25832 and of the GeoParquet):
  PYTHONPATH=. python scripts/knn29/knn_sensitivity.py STORE_CSV STORE_GPQ [N_JITTER]
Prints only (no files written); KNN29_JITTER_MM sets the noise (default 5 mm).
"""

import os
import sys

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.store import read_store
from trajlm.eval import metrics as M
from trajlm.eval.place_knn import tune_place_knn
from trajlm.eval.protocol import ProjectedBaseline, make_prediction_task, split_tables, tune_knn


def tasks(df: pl.DataFrame):
    parts = split_tables(df)
    proj = LocalProjection.fit(parts["train"])
    return parts["train"], make_prediction_task(parts["val"], k=5), \
        make_prediction_task(parts["test"], k=5), proj  # fmt: skip


def scored(df: pl.DataFrame, label: str, place: bool = True) -> dict:
    train, val, test, proj = tasks(df)
    knn, grid = tune_knn(train, val, proj)
    ranked = sorted(grid.items(), key=lambda kv: kv[1])
    out = {"knn": knn, "proj": proj, "val": val, "test": test, "train": train,
           "test_ade": M.ade(ProjectedBaseline(knn, proj).predict_next(test), test.target_latlon)}  # fmt: skip
    print(
        f"{label}: picks history={knn.history}, n_neighbors={knn.n_neighbors}; val best 3 "
        + ", ".join(f"{k} {v:.2f}" for k, v in ranked[:3])
        + f"; test kNN ADE {out['test_ade']:.2f} m ({len(val.lengths)} val windows)"
    )
    if place:
        for h in sorted({knn.history, 3, 5}):
            est, _ = tune_place_knn(train, val, proj, h)
            pred = est.predict(test.xy(proj), test.lengths, 5)
            ll = np.stack(proj.inverse(pred[..., 0], pred[..., 1]), axis=-1)
            print(
                f"  place-aware kNN at history={h}: test ADE {M.ade(ll, test.target_latlon):.2f} m"
            )
    return out


def compare(a: dict, b: dict) -> None:
    """Where the two stores' answers part, at store A's picked cell."""
    h, nb = a["knn"].history, a["knn"].n_neighbors
    from trajlm.eval import baselines as B

    fits = [B.KNNContinuation(nb, h, 5).fit(r["train"], r["proj"]) for r in (a, b)]
    ia, ib = fits[0].index_, fits[1].index_
    print(f"library at history={h}: {ia.n_windows_} vs {ib.n_windows_} windows, same trajectory"
          f" order {bool((ia.traj_keys_ == ib.traj_keys_).all())}, feature max |diff| "
          f"{np.abs(ia.features_ - ib.features_).max():.3f} m")  # fmt: skip
    w = int(np.abs(ia.features_ - ib.features_).max(1).argmax())
    print(f"  the library window that moves most (window {w}) has a last step of "
          f"{np.hypot(*ia.features_[w, -2:]):.3f} m: its heading (the rotation) is set by that step")  # fmt: skip
    turn = np.degrees(np.arctan2(*ia.headings_[w, ::-1]) - np.arctan2(*ib.headings_[w, ::-1]))
    end_a, end_b = ia.continuations_[w, -1], ib.continuations_[w, -1]
    print(f"  its heading turns {turn:.2f} deg; its continuation ends {np.hypot(*end_a):.0f} m "
          f"away and that end moves {np.hypot(*(end_a - end_b)):.1f} m")  # fmt: skip
    preds = [
        ProjectedBaseline(f, r["proj"]).predict_next(r["val"])
        for f, r in zip(fits, (a, b), strict=True)
    ]
    for r, p in zip((a, b), preds, strict=True):
        print(f"  val ADE at that cell {M.ade(p, r['val'].target_latlon):.2f} m")
    moved = np.abs(preds[0] - preds[1]).max(axis=(1, 2)) * 111_195  # degrees -> ~metres
    j = int(moved.argmax())
    print(
        f"  val windows whose answer moves > 1 m: {int((moved > 1).sum())} of {len(moved)}; "
        f"window {j} moves {moved[j]:.1f} m"
    )
    for f, r, name in zip(fits, (a, b), "AB", strict=True):
        xy = r["val"].xy(r["proj"])[j : j + 1]
        n = r["val"].lengths[j : j + 1]
        feats, _, _ = f.index_.features(xy, n)
        dist, idx = f.index_.neighbours(feats, nb + 1)
        step = np.hypot(*(xy[0, n[0] - 1] - xy[0, n[0] - 2]))
        ends = f.index_.continuations_[idx[0, :nb], -1]
        print(
            f"  {name}: last step {step:.2f} m; neighbour {nb} at {dist[0, nb - 1]:.4f} m "
            f"(window {idx[0, nb - 1]}), {nb + 1} at {dist[0, nb]:.4f} m (window "
            f"{idx[0, nb]}); the {nb} continuations end {np.hypot(*ends.T).mean():.0f} m "
            f"away on average, spread {ends.std(0).round(0).tolist()} m (x, y)"
        )


def top_two_ci(r: dict) -> None:
    """Per-window errors of the two best val cells of store r, on val and on test: the paired
    bootstrap 95 % CI of their difference (trajlm.eval.compare)."""
    from trajlm.eval import baselines as B
    from trajlm.eval.compare import paired_bootstrap_ci

    cells = [(5, 40), (3, 20)]  # (history, n_neighbors): the two picks seen
    for split in ("val", "test"):
        task = r[split]
        per = []
        for h, nb in cells:
            f = B.KNNContinuation(nb, h, 5).fit(r["train"], r["proj"])
            per.append(M.point_errors(ProjectedBaseline(f, r["proj"]).predict_next(task),
                                      task.target_latlon).mean(1))  # fmt: skip
        ci = paired_bootstrap_ci(per[0], per[1])
        print(
            f"  {split}: history=5,nb=40 minus history=3,nb=20: {ci['diff']:+.2f} m, 95 % CI "
            f"[{ci['lo']:+.2f}, {ci['hi']:+.2f}] over {ci['n']} windows"
        )


def main() -> None:
    a_path, b_path = sys.argv[1], sys.argv[2]
    n_jitter = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    mm = float(os.environ.get("KNN29_JITTER_MM", "5"))
    da, db = (read_store(p).sort(["traj_id", "t"]) for p in (a_path, b_path))
    same = all((da[c] == db[c]).all() for c in ("traj_id", "t", "split"))
    print(f"rows / times / splits identical: {same}; max |lat diff| "
          f"{(da['lat'] - db['lat']).abs().max():.1e} deg, |lon| "
          f"{(da['lon'] - db['lon']).abs().max():.1e} deg; dtypes {da['lat'].dtype}")  # fmt: skip
    a, b = scored(da, "A " + a_path), scored(db, "B " + b_path)
    compare(a, b)
    top_two_ci(a)
    deg = mm / 1000 / 111_195
    for seed in range(n_jitter):
        rng = np.random.default_rng(seed)
        dj = da.with_columns(pl.col("lat") + rng.normal(0, deg, len(da)),
                             pl.col("lon") + rng.normal(0, deg, len(da)))  # fmt: skip
        scored(dj, f"A + N(0, {mm:g} mm) seed {seed}", place=False)


if __name__ == "__main__":
    main()
