"""Issue 15: place-aware kNN continuation and a learned selector over retrieved futures.

    python scripts/candidate_results.py --data STORE --stage val  --out out/cand/porto_val.json
    python scripts/candidate_results.py --data STORE --stage test --out out/cand/porto_test.json

Both stages tune on val only: the plain kNN (``tune_knn``, as ``trajlm eval``), then the
place-aware kNN (``trajlm.data.place_retrieval``) over w_place x w_heading x n_neighbors with
the plain kNN's history length. Candidate sets (``trajlm.eval.candidates``) are built for
every TRAIN window (retrieval leaves the window's own trajectory out), every val window (early
stopping) and the protocol's val (and, with ``--stage test``, test) task, cached under
``--cache``. The selector (``trajlm.eval.candidate_selector``) is trained once per seed.
Rows: constant velocity, kNN, place-aware kNN, the selector (mean ± std over seeds, and the
seeds' mean prediction), and an oracle that picks the best single candidate per trip (reads
the targets: an upper bound, not a method). MAE/FDE in haversine metres; Δ columns: paired
bootstrap 95 % CI of the per-trip ADE difference (seed-averaged) against kNN and against the
place-aware kNN. Markdown -> stdout and OUT.md; JSON -> OUT.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import numpy as np
import polars as pl

from trajlm._threads import apply_threads
from trajlm.data.features import LocalProjection
from trajlm.data.place_retrieval import PlaceRetrievalIndex
from trajlm.data.pool_resample import resample_pool
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.retrieval import traj_keys
from trajlm.data.store import read_store
from trajlm.eval.candidate_selector import SelectorConfig, fit_selector, predict_selector
from trajlm.eval.candidate_tables import (
    by_group,
    group_markdown,
    markdown,
    owner_masks,
    row,
    speed_masks,
)
from trajlm.eval.candidates import (
    KINDS,
    USER_KINDS,
    CandidateSet,
    build_candidates,
    retime,
    step_scale,
    windows_of,
)
from trajlm.eval.candidates_scale import fit_scale_column
from trajlm.eval.candidates_time import add_time
from trajlm.eval.protocol import split_tables, tune_knn
from trajlm.eval.selector_oof import block_oof
from trajlm.eval.selector_predictor import knn_points, per_trip, split_xy, to_latlon, tune_place
from trajlm.eval.user_pool import UserPools, owners_of, user_markdown, user_oracle
from trajlm.eval.walkers import time_blocks

K = 5
CACHE_FORMAT = 3  # bump when CandidateSet's fields or features change


def to_xy(latlon: np.ndarray, proj: LocalProjection) -> np.ndarray:
    return np.stack(proj.forward(latlon[..., 0], latlon[..., 1]), axis=-1)


def cached(path: Path, make) -> CandidateSet:
    if path.exists():
        return CandidateSet.load(path)
    cs = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    cs.save(path)
    return cs


def timed_rows(cs, task, preds, knn, proj, untimed_knn_err, time_cond=False) -> list[dict]:
    """Constant velocity, kNN and the selector read at the task's asked timestamps
    (``retime``): PROTOCOL's time-conditioned question ("[time]" rows), same targets.
    ``time_cond``: the selector already read the asked times (``--time-cond``); its row is
    its own answer, not re-timed a second time."""
    tgt, lengths = task.target_latlon, task.lengths

    def at(p):  # absolute points (N, k, 2) -> read at target_t
        cont = retime(p - cs.last[:, None], task.hist_t, lengths, task.target_t)
        return per_trip(cs.last[:, None] + cont, tgt, proj)

    t_base = at(knn_points(knn.index_, task.xy(proj), lengths, knn.n_neighbors))
    return [row("constant velocity [time]", [at(cs.points(cs.cands[:, 2]))], t_base, untimed_knn_err),
            row("kNN continuation [time]", [t_base], None, untimed_knn_err),
            row("candidate selector (time-conditioned)" if time_cond else "candidate selector [time]",
                [per_trip(p, tgt, proj) if time_cond else at(p) for p in preds], t_base,
                untimed_knn_err)]  # fmt: skip


def all_windows_rows(test_df, proj, build, knn, place_index, place, models, users_of):
    """The rows on every window of the test trips (>= 8 points before, 5 after), each trip's
    windows averaged first so that the bootstrap resamples trips, not correlated windows."""
    hist, lengths, keys, target = windows_of(*split_xy(test_df, proj), K)
    cs, tgt = build(hist, lengths, "test", users=users_of(keys)), to_latlon(target, proj)
    _, trip = np.unique(keys, return_inverse=True)

    def by_trip(err):  # (W, k) -> (n_trips, k)
        sums = np.zeros((trip.max() + 1, K))
        np.add.at(sums, trip, err)
        return sums / np.bincount(trip)[:, None]

    base = by_trip(per_trip(knn_points(knn.index_, hist, lengths, knn.n_neighbors), tgt, proj))
    pl_err = by_trip(
        per_trip(knn_points(place_index, hist, lengths, place["n_neighbors"]), tgt, proj)
    )
    preds = [predict_selector(m, cs) for m in models]
    rows = [row("constant velocity", [by_trip(per_trip(cs.points(cs.cands[:, 2]), tgt, proj))], base, pl_err),
            row("kNN continuation", [base], None, pl_err),
            row("kNN continuation (place-aware)", [pl_err], base, None),
            row("candidate selector", [by_trip(per_trip(p, tgt, proj)) for p in preds], base, pl_err),
            row("candidate selector (3-seed mean)", [by_trip(per_trip(np.mean(preds, 0), tgt, proj))],
                base, pl_err)]  # fmt: skip
    return rows, int(trip.max() + 1), len(hist)


def extra_library(args, train_df, proj, train_xy, train_keys) -> tuple[np.ndarray, np.ndarray]:
    """The train library, plus ``--extra-pool``'s store resampled to train's median interval
    (its keys after train's, so the leak guard never confuses the two)."""
    if args.extra_pool is None:
        return train_xy, train_keys
    t = train_df.sort(["traj_id", "t"])
    same = t["traj_id"].to_numpy()[1:] == t["traj_id"].to_numpy()[:-1]
    interval = float(np.median(np.diff(t["t"].to_numpy())[same]))
    xy, keys = resample_pool(read_store(args.extra_pool), proj, interval, args.extra_max_gap)
    print(
        f"extra pool {args.extra_pool}: {len(xy)} points at {interval:.0f} s, {keys.max() + 1} pieces"
    )
    return np.concatenate([train_xy, xy]), np.concatenate([train_keys, keys + train_keys.max() + 1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="a store (trajlm data ingest)")
    ap.add_argument("--stage", choices=("val", "test"), default="val")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--w-place", default="0.03,0.1,0.3,1.0")
    ap.add_argument("--w-heading", default="0,30,100,300")
    ap.add_argument("--n-place", default="5,10,20,40")
    ap.add_argument("--top-k", type=int, default=8, help="individual neighbours per pool")
    ap.add_argument("--local", default="", help="W_PLACE,W_HEADING,N: a third, local pool")
    ap.add_argument(
        "--extra-pool",
        type=Path,
        help="another store (e.g. T-Drive, same city) added to the --local pool's library, "
        "resampled to the train split's median interval (session 24)",
    )
    ap.add_argument(
        "--extra-max-gap", type=float, default=120.0, help="--extra-pool: cut at gaps (s)"
    )
    ap.add_argument("--max-train-windows", type=int, default=30000)
    ap.add_argument("--max-val-windows", type=int, default=10000, help="early-stopping set")
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--max-epochs", type=int, default=40)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--constant-lr", action="store_true", help="no cosine decay")
    ap.add_argument("--no-set-context", action="store_true", help="score candidates independently")
    ap.add_argument(
        "--scale-free",
        action="store_true",
        help="features in units of the query's own step length, no absolute speed/place",
    )
    ap.add_argument(
        "--speed-match",
        action="store_true",
        help="also the pools' medians time-warped to the query's speed",
    )
    ap.add_argument(
        "--relative-loss",
        action="store_true",
        help="train on the ADE in units of each query's own step length",
    )
    ap.add_argument(
        "--per-step", action="store_true", help="one softmax over candidates per future step"
    )
    ap.add_argument(
        "--user",
        default="",
        help="W_PLACE,W_HEADING,N: a pool of the query's own user's train windows (session 16)",
    )
    ap.add_argument(
        "--user-drop",
        type=float,
        default=0.0,
        help="share of train trajectories answered as if their user were new (--user only)",
    )
    ap.add_argument("--time", action="store_true", help="also the rows read at the asked times")
    ap.add_argument(
        "--time-cond",
        action="store_true",
        help="time-conditioned selector: re-timed candidates and the asked intervals as features",
    )
    ap.add_argument(
        "--scale-head",
        action="store_true",
        help="also kNN's path shrunk by geostop26's scale head (fitted on train, cross-fitted)",
    )
    ap.add_argument("--cache", type=Path, default=Path("out/candidates"))
    ap.add_argument(
        "--all-windows",
        action="store_true",
        help="--stage test: also every window of the test trips (supplementary)",
    )
    ap.add_argument("--out", type=Path, required=True, help="OUT.json (+ OUT.md)")
    ap.add_argument("--save-points", type=Path,
                    help="also an .npz of the selector's seed-mean answers (lat, lon), each seed's "
                         "(x, y metres) and trip ids per split (read by geowalk27's / geogate28's gates)")  # fmt: skip
    ap.add_argument("--save-oof", type=Path,
                    help="also an .npz of every seed's out-of-fold answers on the train windows "
                         "(a selector per time-ordered block of train trips, --oof-blocks) and its "
                         "per-seed answers on the stage's tasks (geogate28's gate reads it)")  # fmt: skip
    ap.add_argument("--oof-blocks", type=int, default=3, help="--save-oof: time-ordered blocks")
    args = ap.parse_args(argv)
    for path in (args.save_points, args.save_oof):
        if path is not None and path.exists():
            ap.error(f"{path} exists; give a new path")
    if args.save_oof is not None and args.oof_blocks < 2:
        ap.error("--oof-blocks must be at least 2 (each block is answered by the others)")
    if args.time_cond and args.all_windows:
        ap.error("--time-cond does not cover --all-windows (its windows carry no asked times)")
    apply_threads(1, None)
    t_start = time.time()
    parts = split_tables(read_store(args.data))
    proj = LocalProjection.fit(parts["train"])
    val_task = make_prediction_task(parts["val"])
    knn, _ = tune_knn(parts["train"], val_task, proj)
    train_xy, train_keys = split_xy(parts["train"], proj)
    grid = {"w_place": [float(v) for v in args.w_place.split(",")],
            "w_heading": [float(v) for v in args.w_heading.split(",")],
            "n_neighbors": [int(v) for v in args.n_place.split(",")]}  # fmt: skip
    place, place_scores = tune_place(train_xy, train_keys, val_task, proj, knn.history, grid)
    place_index = PlaceRetrievalIndex(knn.history, K, w_place=place["w_place"],
                                      w_heading=place["w_heading"]).fit(train_xy, train_keys)  # fmt: skip
    print(f"kNN: history {knn.history}, n_neighbors {knn.n_neighbors}; place-aware: {place}")

    tag = hashlib.sha1(json.dumps([CACHE_FORMAT, str(args.data.resolve()), knn.history, knn.n_neighbors, place,
                                   args.top_k, args.max_train_windows, args.max_val_windows, args.local]
                              + ([args.scale_free, args.speed_match] if args.scale_free or args.speed_match else [])
                              + ([args.user] if args.user else [])
                              + ([args.user_drop] if args.user_drop else [])
                              + ([str(args.extra_pool), args.extra_max_gap] if args.extra_pool else [])
                              ).encode()).hexdigest()[:10]  # fmt: skip
    local, n_local = None, 10
    if args.local:
        wp, wh, n_local = (float(v) for v in args.local.split(","))
        local = PlaceRetrievalIndex(knn.history, K, w_place=wp, w_heading=wh)
        local.fit(*extra_library(args, parts["train"], proj, train_xy, train_keys))
    user_pools, n_user, owner = None, 10, {}
    if args.user:  # the query's own user's TRAIN windows (user ids only; no target is read)
        wp, wh, n_user = (float(v) for v in args.user.split(","))
        for df in parts.values():
            col = "user_id" if "user_id" in df.columns else "traj_id"
            owner |= owners_of(df["traj_id"].to_numpy(), df[col].to_numpy())
        user_pools = UserPools(knn.history, K, w_place=wp, w_heading=wh, train_drop=args.user_drop)
        user_pools.fit(train_xy, train_keys, np.array([owner[int(t)] for t in train_keys]))
        print(f"user pools: {len(user_pools.indexes_)} users")
    users_of = lambda keys: np.array([owner.get(int(t), "") for t in keys])  # noqa: E731
    build = lambda xy, lengths, split, exclude=None, groups=None, users=None: build_candidates(  # noqa: E731
        xy, lengths, knn.index_, place_index, knn.n_neighbors, place["n_neighbors"], K,
        args.top_k, exclude=exclude, groups=groups, split=split, local_index=local,
        n_local=int(n_local), scale_free=args.scale_free, speed_match=args.speed_match,
        user_pools=user_pools,
        users=users if users is not None or groups is None else users_of(groups),
        n_user=int(n_user))  # fmt: skip
    n_kinds = len(KINDS) + (len(USER_KINDS) if args.user else 0)

    def timed(cs, xy, lengths, hist_t, target_t):  # --time-cond: the asked times (post hoc)
        return add_time(cs, xy, hist_t, lengths, target_t, n_kinds) if args.time_cond else cs

    def times_of(df, max_windows):  # (hist_t, target_t) of the same windows as windows_of
        t = df.sort(["traj_id", "t"])["t"].to_numpy().astype(np.float64)
        keys = traj_keys(df.sort(["traj_id", "t"])["traj_id"].to_numpy())
        w = windows_of(np.c_[t, t], keys, K, max_windows=max_windows)
        return w[0][..., 0], w[3][..., 0]

    t0 = time.time()
    tw = windows_of(train_xy, train_keys, K, max_windows=args.max_train_windows)
    train_cs = cached(
        args.cache / tag / "train.npz", lambda: build(tw[0], tw[1], "train", tw[2], tw[2])
    )
    val_xy, val_keys = split_xy(parts["val"], proj)
    vw = windows_of(val_xy, val_keys, K, max_windows=args.max_val_windows)
    val_win_cs = cached(
        args.cache / tag / "val_windows.npz", lambda: build(vw[0], vw[1], "val", None, vw[2])
    )
    if args.time_cond or args.scale_head or args.save_oof:
        tr_t = times_of(parts["train"], args.max_train_windows)
        va_t = times_of(parts["val"], args.max_val_windows)
        train_cs, val_win_cs = (
            timed(train_cs, tw[0], tw[1], *tr_t),
            timed(val_win_cs, vw[0], vw[1], *va_t),
        )
    scaled = lambda cs, xy, lengths, hist_t, target_t: cs  # noqa: E731
    if args.scale_head:  # session 26: the head fitted on train windows only
        train_cs, scaled = fit_scale_column(train_cs, tw[0], tw[1], *tr_t, tw[3], n_kinds)
        val_win_cs = scaled(val_win_cs, vw[0], vw[1], *va_t)
    build_s = time.time() - t0
    print(
        f"candidates: {len(train_cs.cands)} train windows, {len(val_win_cs.cands)} val windows ({build_s:.0f} s)"
    )

    tasks = {"val": val_task}
    if args.stage == "test":
        tasks["test"] = make_prediction_task(parts["test"])
    task_cs, build_ms = {}, {}  # build_ms: candidate retrieval per 1,000 queries
    for s, t in tasks.items():
        t0 = time.time()
        task_users = users_of(traj_keys(np.asarray(t.traj_ids)))
        task_cs[s] = scaled(timed(build(t.xy(proj), t.lengths, s, users=task_users),
                                  t.xy(proj), t.lengths, t.hist_t, t.target_t),
                            t.xy(proj), t.lengths, t.hist_t, t.target_t)  # fmt: skip
        build_ms[s] = (time.time() - t0) / len(t.lengths) * 1e6
    config = SelectorConfig(
        d_hidden=args.hidden,
        dropout=args.dropout,
        max_epochs=args.max_epochs,
        set_context=not args.no_set_context,
        lr=args.lr,
        cosine=not args.constant_lr,
        relative_loss=args.relative_loss,
        per_step=args.per_step,
    )
    models, logs = [], []
    for seed in [int(s) for s in args.seeds.split(",")]:
        m, log = fit_selector(train_cs, tw[3], val_win_cs, vw[3], config, seed)
        print(f"seed {seed}: val-window ADE {log['val_ade_init']:.1f} -> {log['val_ade']:.1f} m "
              f"(epoch {log['best_epoch']}, {log['train_s']:.0f} s)")  # fmt: skip
        models.append(m)
        logs.append(log)
    oof = {} if args.save_oof is None else oof_arrays(args, parts["train"], train_cs, tw, tr_t, val_win_cs, vw[3], config)  # fmt: skip

    result = {"data": str(args.data), "stage": args.stage, "time_cond": args.time_cond, "scale_head": args.scale_head, "knn": {"history": knn.history,
              "n_neighbors": knn.n_neighbors}, "place_knn": place, "place_scores": place_scores,
              "selector_config": vars(config), "logs": logs, "build_s": build_s, "tables": {}}  # fmt: skip
    md, points = [], {}
    for split, task in tasks.items():
        cs = task_cs[split]
        xy, lengths, tgt = task.xy(proj), task.lengths, task.target_latlon
        base = per_trip(knn_points(knn.index_, xy, lengths, knn.n_neighbors), tgt, proj)
        pl_err = per_trip(knn_points(place_index, xy, lengths, place["n_neighbors"]), tgt, proj)
        cv = per_trip(cs.points(cs.cands[:, 2]), tgt, proj)
        t0 = time.time()
        preds = [predict_selector(m, cs) for m in models]
        latency = (time.time() - t0) / len(models) / len(xy) * 1000
        sel = [per_trip(p, tgt, proj) for p in preds]
        ens = per_trip(np.mean(preds, 0), tgt, proj)
        points[f"{split}_latlon"] = to_latlon(np.mean(preds, 0), proj)
        points[f"{split}_traj_ids"] = np.asarray(task.traj_ids).astype(str)
        points[f"{split}_sel_xy"] = np.stack(preds)  # per seed, metres (geogate28)
        oof |= {k: points[k] for k in (f"{split}_sel_xy", f"{split}_traj_ids")}
        cand_err = np.stack([per_trip(cs.points(cs.cands[:, j]), tgt, proj).mean(1)
                             for j in range(cs.cands.shape[1])], 1)  # fmt: skip
        oracle = cand_err.min(1)
        rows = [row("constant velocity", [cv], base, pl_err),
                row("kNN continuation", [base], None, pl_err),
                row("kNN continuation (place-aware)", [pl_err], base, None),
                row("candidate selector", sel, base, pl_err, n_params=logs[0]["n_params"],
                    latency_ms_per_1000=1000 * latency, retrieval_ms_per_1000=build_ms[split]),
                row("candidate selector (3-seed mean)", [ens], base, pl_err),
                row("oracle: best candidate per trip (reads the targets)",
                    [np.repeat(oracle[:, None], K, 1)], base, pl_err)]  # fmt: skip
        if args.scale_head:  # the head's own answer (the last column), as geostop26's B
            rows.insert(3, row("kNN x scale head", [per_trip(cs.points(cs.cands[:, -1]), tgt, proj)],
                               base, pl_err))  # fmt: skip
        rows[-1]["fde_m"] = float("nan")  # the oracle picks by ADE; its FDE is not defined here
        title = f"{args.data.name} ({split}, {len(xy)} trips; kNN k={knn.n_neighbors}, history {knn.history}; place-aware {place})"
        md.append(markdown(title, rows))
        result["tables"][split] = rows
        # per-trip ADE (seed mean) of the selector and kNN: for paired CIs between two runs' arms
        result.setdefault("per_trip", {})[split] = {
            "selector": np.mean([e.mean(1) for e in sel], 0).tolist(),
            "knn": base.mean(1).tolist(),
        }
        if user_pools is not None:
            answered = user_pools.answerable(users_of(traj_keys(np.asarray(task.traj_ids))))
            u = user_oracle(cs, cand_err, base, answered)
            md.append(user_markdown(split, u))
            result.setdefault("user_oracle", {})[split] = u
        by = by_group(speed_masks(step_scale(xy, lengths)), base, sel, cv)
        md.append(
            group_markdown(
                f"{args.data.name} ({split}) by the query's speed", "step length (m)", by
            )
        )
        result.setdefault("by_speed", {})[split] = by
        owners = owner_masks(task.traj_ids, parts["train"]["traj_id"].unique().to_list())
        if owners:
            by = by_group(owners, base, sel, cv)
            md.append(group_markdown(f"{args.data.name} ({split}) by owner", "owner", by))
            result.setdefault("by_owner", {})[split] = by
        if args.time:  # the time-conditioned question: every row read at the asked timestamps
            t_rows = timed_rows(cs, task, preds, knn, proj, base, args.time_cond)
            md.append(markdown(f"{args.data.name} ({split}) read at the asked timestamps; "
                               "the second CI column is against the plain (untimed) kNN", t_rows))  # fmt: skip
            result["tables"][f"{split}_time"] = t_rows
    if args.all_windows and args.stage == "test":  # supplementary: every window of the test trips
        rows, n_trips, n_win = all_windows_rows(
            parts["test"], proj, build, knn, place_index, place, models, users_of
        )
        md.append(markdown(f"{args.data.name} (test, every window of {n_trips} trips: {n_win} windows, "
                           "per-trip mean, trips weighted equally)", rows))  # fmt: skip
        result["tables"]["test_all_windows"] = rows
    result["total_s"] = time.time() - t_start
    text = "\n".join(md)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    args.out.with_suffix(".md").write_text(text)
    if args.save_points is not None:
        args.save_points.parent.mkdir(parents=True, exist_ok=True)
        np.savez(args.save_points, **points)
    if args.save_oof is not None:
        args.save_oof.parent.mkdir(parents=True, exist_ok=True)
        np.savez(args.save_oof, **oof)


def oof_arrays(args, train_df, train_cs, tw, tr_t, val_cs, val_target, config) -> dict:
    """--save-oof: the train windows (history, asked times, targets, kNN's answer) and each
    seed's out-of-fold selector answers, every window answered by a selector fitted on the other
    time-ordered blocks of train trips (``selector_oof.block_oof``)."""
    blocks = time_blocks(train_df, args.oof_blocks)
    b = blocks.group_by("traj_id").agg(pl.col("_b").first())
    block_of = dict(
        zip(traj_keys(b["traj_id"].to_numpy()).tolist(), b["_b"].to_list(), strict=True)
    )
    block = np.array([block_of[int(k)] for k in tw[2]])
    sel = [block_oof(train_cs, tw[3], block, val_cs, val_target, config, int(s), progress=print)
           for s in args.seeds.split(",")]  # fmt: skip
    return {"hist_xy": tw[0], "lengths": tw[1], "keys": tw[2], "target_xy": tw[3],
            "hist_t": tr_t[0], "target_t": tr_t[1], "block": block, "sel_xy": np.stack(sel),
            "knn_xy": train_cs.points(train_cs.cands[:, train_cs.base])}  # fmt: skip


if __name__ == "__main__":
    main()
