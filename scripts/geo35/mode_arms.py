"""Session 35 (geo35): the travel mode, inferred from a history by a classifier fitted on
GeoLife TRAIN labels, as a key for kNN's neighbours (arm MK) and as a scale-head feature (arm
MS), vs the shipped engine E ("kNN scaled [time]") on GeoLife 5-step prediction (issue 15).

    PYTHONPATH=. python scripts/geo35/mode_arms.py --stage val          # ~10 min, 1 thread
    PYTHONPATH=. python scripts/geo35/mode_arms.py --stage test --arm MK  # only after val passes

Pre-registered in docs/candidates.md "Session 35 (geo35)". Reads the rows of
``scripts/geostop26/stop_head_arms.py``'s ``build`` from ``--cache`` (built there when missing:
the train folds = blocks 2-4 of 5 time-ordered blocks, each with a kNN library of the earlier
blocks; the stage's protocol queries with kNN's answer, 40 neighbour continuations, the head's
features) and the store (``--data``) for the train labels. Writes markdown and per-trip errors
to ``--out`` (default $GEO35 or /tmp/geo35): {stage}.md / {stage}.json; refuses to replace them
without ``--overwrite``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "geostop26"))
from stop_head_arms import NB, WINDOWS, H, K, build, ci, concat, fmt  # noqa: E402

from trajlm._threads import apply_threads  # noqa: E402
from trajlm.data.protocol_tasks import make_prediction_task  # noqa: E402
from trajlm.data.retrieval import RetrievalIndex  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.heading_head import shrink_answer  # noqa: E402
from trajlm.eval.map_arms import choose_on_rows, heading_frame, map_knn  # noqa: E402
from trajlm.eval.mode_knn import (  # noqa: E402
    MODE_CLASSES,
    affinity,
    crossfit_posteriors,
    fit_mode_classifier,
    last_window,
    mode_class,
    motion_features,
    neighbour_windows,
    point_windows,
    posterior,
    window_ends,
)
from trajlm.eval.protocol import split_tables  # noqa: E402
from trajlm.eval.selector_predictor import per_trip, split_xy  # noqa: E402
from trajlm.eval.stop_head import fit_scale_head, optimal_shrink  # noqa: E402
from trajlm.eval.walkers import neighbour_continuations, time_blocks  # noqa: E402

BLOCKS, FOLDS = 5, 3
TAUS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)  # ascending: ties go to the smaller tau
SEEDS = (0, 1, 2)
ARMS = {"MK": "MK mode-keyed kNN (E's shrink)", "MS": "MS scale head + mode"}
E, KNN = "E shipped engine", "kNN"


def query_features(df: pl.DataFrame, proj, windows: int) -> tuple[np.ndarray, np.ndarray]:
    """The motion features of each window's history (``rows``' order) and kNN's heading frame."""
    task = make_prediction_task(df, windows=windows)
    xy = task.xy(proj)
    feats = motion_features(*last_window(xy, task.hist_t, task.lengths))
    return feats, np.stack(heading_frame(xy, task.lengths), 1)


def library(df: pl.DataFrame, proj) -> tuple[RetrievalIndex, np.ndarray]:
    """kNN's library of ``df`` (every window, as ``build``'s) and its windows' end points."""
    xy, keys = split_xy(df, proj)
    index = RetrievalIndex(H, K, max_windows=10**7).fit(xy, keys)
    return index, window_ends(keys, H, K)


def neighbours_of(index, ends: np.ndarray, q: dict, task_xy: np.ndarray, lengths) -> np.ndarray:
    """(N, NB) per-point index (within the library's points) of each neighbour window's last
    history fix; checked against the cached continuations (the same search, the same order)."""
    nb = neighbour_windows(index, task_xy, lengths, NB)
    conts, found = neighbour_continuations(index, task_xy, lengths, NB)
    if not (np.array_equal(found, q["found"]) and np.allclose(conts, q["conts"], atol=1e-6)):
        raise SystemExit("the neighbour search differs from the cached rows: rebuild --cache")
    return np.where(nb >= 0, ends[np.maximum(nb, 0)], -1)


def train_pieces(train_df: pl.DataFrame, folds: list[dict], proj) -> dict:
    """Per train point (sorted by (traj_id, t)): its time block, class (-1: not fitted) and
    motion features; per fold: every window's motion features, the first windows' heading frame,
    rows and neighbours (as train point indices) and the train point of each first window's
    last history fix."""
    train = time_blocks(train_df, BLOCKS).sort(["traj_id", "t"])
    xy_pts, keys_pts = split_xy(train.drop("_b"), proj)  # the same (traj_id, t) order
    block_pts = train["_b"].to_numpy()
    labelled_users = train.filter(pl.col("label").is_not_null())["user_id"].unique().implode()
    cls = np.where(train["user_id"].is_in(labelled_users).to_numpy(),
                   mode_class(train["label"].to_list()), -1)  # fmt: skip
    f_pts = motion_features(*point_windows(xy_pts, train["t"].to_numpy(), keys_pts))
    print(f"train points {len(cls)}, fitting rows {(cls >= 0).sum()}: "
          f"{ {c: int((cls == i).sum()) for i, c in enumerate(MODE_CLASSES)} }", flush=True)  # fmt: skip

    # the folds' queries (every window) and their first windows' neighbours, per fold block
    fold_q = []
    for i, b in enumerate(range(BLOCKS - FOLDS, BLOCKS)):
        part = train.filter(pl.col("_b") == b).drop("_b")
        feats, frame = query_features(part, proj, WINDOWS)
        task = make_prediction_task(part, windows=WINDOWS)
        first = folds[i]["first"]
        index, ends = library(train.filter(pl.col("_b") < b).drop("_b"), proj)
        q = {k: v[first] for k, v in folds[i].items()}
        nb = neighbours_of(index, ends, q, task.xy(proj)[first], task.lengths[first])
        lib_pts = np.flatnonzero(block_pts < b)  # library point -> train point
        at = point_of(
            train, task.traj_ids, task.hist_t[np.arange(len(task.lengths)), task.lengths - 1]
        )
        fold_q.append({"feats": feats, "frame": frame[first], "nb": np.where(nb >= 0, lib_pts[np.maximum(nb, 0)], -1), "q": q, "at": at[first], "at_all": at})  # fmt: skip
        print(f"fold block {b}: {len(feats)} windows, {q['found'].sum()} first windows answered", flush=True)  # fmt: skip
    return {"train": train, "cls": cls, "block": block_pts, "feats": f_pts, "fold_q": fold_q}


def point_of(train: pl.DataFrame, traj_ids, t) -> np.ndarray:
    """(N,) the row of ``train`` holding each (traj_id, t)."""
    key = pl.DataFrame({"traj_id": np.asarray(traj_ids).astype(str), "t": np.asarray(t, np.int64)})
    rows = train.select("traj_id", "t").with_row_index("_row")
    got = key.join(rows, on=["traj_id", "t"], how="left", maintain_order="left")["_row"]
    if got.null_count():
        raise SystemExit("a fold query's last fix is not in the train split")
    return got.to_numpy().astype(np.int64)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/stores/geolife"))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/geo35/cache"))
    ap.add_argument("--stage", choices=("val", "test"), default="val")
    ap.add_argument("--arm", choices=tuple(ARMS), help="--stage test: the one arm val passed")
    ap.add_argument("--out", type=Path, default=Path(os.environ.get("GEO35", "/tmp/geo35")))
    ap.add_argument("--overwrite", action="store_true", help="replace this stage's outputs")
    args = ap.parse_args(argv)
    md, js = args.out / f"{args.stage}.md", args.out / f"{args.stage}.json"
    for p in (md, js):
        if p.exists() and not args.overwrite:
            ap.error(f"{p} exists; pass --overwrite to replace it")
    if args.stage == "test" and args.arm is None:
        ap.error("--stage test reads test once for the arm val passed: name it with --arm")
    if not args.data.exists():
        ap.error(f"{args.data} not found (an ingested GeoLife store)")
    apply_threads(1, None)
    folds, ev, proj = build(argparse.Namespace(data=args.data, stage=args.stage, blocks=BLOCKS,
                                               cache=args.cache))  # fmt: skip
    parts = split_tables(read_store(args.data))
    tp = train_pieces(parts["train"], folds, proj)
    train, cls, block_pts, f_pts, fold_q = (tp[k] for k in ("train", "cls", "block", "feats", "fold_q"))  # fmt: skip
    st = parts[args.stage]
    ev_feats, ev_frame = query_features(st, proj, 1)
    st_task = make_prediction_task(st, windows=1)
    index, ends = library(parts["train"], proj)
    ev_nb = neighbours_of(index, ends, ev, st_task.xy(proj), st_task.lengths)  # all train points

    tr = concat(folds)  # E: geostop26's head (seed 0) on the three folds, as shipped
    s_opt = optimal_shrink(tr["last"], tr["knn"] - tr["last"][:, None], tr["tgt"])
    s_e = fit_scale_head(tr["feats"], s_opt, 0).predict(ev["feats"])
    pts = {KNN: ev["knn"], E: shrink_answer(ev["last"], ev["knn"], s_e)}
    # E on the folds cross-fitted (fold i by a head fitted on the other two), first windows
    fold_err = {E: [], ARMS["MS"]: []}
    for i in range(FOLDS):
        rest = concat(folds[:i] + folds[i + 1 :])
        s_rest = optimal_shrink(rest["last"], rest["knn"] - rest["last"][:, None], rest["tgt"])
        q = fold_q[i]["q"]
        s = fit_scale_head(rest["feats"], s_rest, 0).predict(q["feats"])
        fold_err[E].append(np.linalg.norm(shrink_answer(q["last"], q["knn"], s) - q["tgt"], axis=-1).mean(1))  # fmt: skip
    fold_err[E] = np.concatenate(fold_err[E])

    per_seed, grid, acc, p_ev_all = {}, {}, [], []
    mk_inputs = []
    for seed in SEEDS:
        p_pts, by_block = crossfit_posteriors(f_pts, cls, block_pts, seed)
        ok = cls >= 0
        acc.append(float((p_pts[ok].argmax(1) == cls[ok]).mean()))
        full = fit_mode_classifier(f_pts, cls, seed)
        p_ev = posterior(full, ev_feats)
        p_ev_all.append(p_ev)
        # MK: tau on the folds' first windows (unshrunk answer, Euclidean), seeds pooled below
        fold_rows = []
        for i, b in enumerate(range(BLOCKS - FOLDS, BLOCKS)):
            fq = fold_q[i]
            p_q = posterior(by_block[b], fq["feats"])
            fq.setdefault("p_all", []).append(p_q)
            q, first = fq["q"], folds[i]["first"]
            aff = affinity(p_q[first], p_pts[np.maximum(fq["nb"], 0)])
            fold_rows.append((q, aff, fq["frame"]))
        for tau in TAUS:
            e = [np.linalg.norm(np.where(q["found"][:, None, None], map_knn(a, q["last"], q["conts"], tau, tuple(fr.T)), q["knn"]) - q["tgt"], axis=-1).mean(1) for q, a, fr in fold_rows]  # fmt: skip
            grid.setdefault(tau, []).append(float(np.concatenate(e).mean()))
        mk_inputs.append(affinity(p_ev, p_pts[np.maximum(ev_nb, 0)]))
        # MS: the head with the posterior appended; cross-fitted on the folds, then all folds
        feats_ms = [np.hstack([f["feats"], fq["p_all"][-1]]) for f, fq in zip(folds, fold_q, strict=True)]  # fmt: skip
        e_ms = []
        for i in range(FOLDS):
            rest = concat(folds[:i] + folds[i + 1 :])
            s_rest = optimal_shrink(rest["last"], rest["knn"] - rest["last"][:, None], rest["tgt"])
            head = fit_scale_head(np.concatenate(feats_ms[:i] + feats_ms[i + 1 :]), s_rest, 0)
            q, first = fold_q[i]["q"], folds[i]["first"]
            s = head.predict(feats_ms[i][first])
            e_ms.append(np.linalg.norm(shrink_answer(q["last"], q["knn"], s) - q["tgt"], axis=-1).mean(1))  # fmt: skip
        fold_err[ARMS["MS"]].append(np.concatenate(e_ms))
        head = fit_scale_head(np.concatenate(feats_ms), s_opt, 0)
        s_ms = head.predict(np.hstack([ev["feats"], p_ev]))
        per_seed.setdefault(ARMS["MS"], []).append(shrink_answer(ev["last"], ev["knn"], s_ms))
        print(f"seed {seed}: cross-fitted train accuracy {acc[-1]:.3f}; MK fold grid "
              f"{ {t: round(v[-1], 2) for t, v in grid.items()} }", flush=True)  # fmt: skip
    tau, tau_err = choose_on_rows(TAUS, lambda t: float(np.mean(grid[t])))
    fold_err[ARMS["MS"]] = np.mean(fold_err[ARMS["MS"]], 0)
    same = [np.abs(map_knn(np.zeros_like(a), ev["last"], ev["conts"], 0.0, tuple(ev_frame.T)) - ev["knn"])[ev["found"]].max() for a in mk_inputs[:1]]  # fmt: skip
    print(f"tau chosen on the folds: {tau} ({tau_err}); tau = 0 reproduces kNN to {same[0]:.2e} m", flush=True)  # fmt: skip
    for aff in mk_inputs:
        kmap = np.where(ev["found"][:, None, None], map_knn(aff, ev["last"], ev["conts"], tau, tuple(ev_frame.T)), ev["knn"])  # fmt: skip
        per_seed.setdefault(ARMS["MK"], []).append(shrink_answer(ev["last"], kmap, s_e))
    err = {n: per_trip(p, ev["tgt_ll"], proj).mean(1) for n, p in pts.items()}
    seed_mae = {}
    for n, runs in per_seed.items():
        if args.stage == "test" and n != ARMS[args.arm]:
            continue
        e = [per_trip(p, ev["tgt_ll"], proj).mean(1) for p in runs]
        seed_mae[n] = [round(float(x.mean()), 1) for x in e]
        err[n] = np.mean(e, 0)
    report(args, md, js, err, ev, np.mean(p_ev_all, 0), st, seed_mae, tau, tau_err, fold_err, acc)


def report(args, md, js, err, ev, p_ev, st, seed_mae, tau, tau_err, fold_err, acc) -> None:
    """The tables (arms vs kNN and E; per inferred mode; per val label), the rule's verdict."""
    w, e = ev["walker"], err[E]
    lines = [f"_geolife {args.stage}: {len(e)} trips, {w.sum()} walkers; per-trip 5-step MAE (m), "
             "mean of 3 classifier seeds; Δ: paired bootstrap 95 % CI over trips (2,000 resamples, rng 0)_", "",
             f"Mode classifier, cross-fitted train accuracy (5 classes {MODE_CLASSES}) per seed: {acc}", "",
             f"MK's tau chosen on the folds: {tau}; fold errors (Euclidean m, unshrunk, 3-seed mean): {tau_err}", "",
             f"Fold check (first windows, cross-fitted heads, Euclidean m): E {fold_err[E].mean():.2f}, "
             f"MS {fold_err[ARMS['MS']].mean():.2f}, Δ {fmt(ci(fold_err[ARMS['MS']] - fold_err[E]))}", "",
             "| arm | walkers | others | all | Δ vs kNN | Δ vs E | Δ % vs E | per seed |",
             "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    verdict = {}
    for n, v in err.items():
        d_e = ci(v - e)
        lines.append(f"| {n} | {v[w].mean():.1f} | {v[~w].mean():.1f} | {v.mean():.1f} | "
                     f"{fmt(ci(v - err[KNN]))} | {fmt(d_e) if n != E else ''} | "
                     f"{100 * (v.mean() / e.mean() - 1):+.2f} % | {seed_mae.get(n, '')} |")  # fmt: skip
        if n in ARMS.values():
            verdict[n] = bool(d_e[2] < 0 and v.mean() <= 0.97 * e.mean())
    mode = p_ev.argmax(1)
    lab = st.sort(["traj_id", "t"]).group_by("traj_id", maintain_order=True).agg(pl.col("label").drop_nulls().mode().first())  # fmt: skip
    lab_of = dict(zip(lab["traj_id"].to_list(), lab["label"].to_list(), strict=True))
    task_ids = make_prediction_task(st, windows=1).traj_ids
    label = np.array([lab_of.get(t) or "unlabelled" for t in task_ids])
    for title, key, names in (("inferred mode (argmax of the query's posterior)", mode, MODE_CLASSES),
                              ("the trip's own label (a diagnostic, never an input)", label, sorted(set(label)))):  # fmt: skip
        lines += ["", f"Per {title}:", "", "| group | trips | " + " | ".join(f"{n} MAE" for n in err) + " | " + " | ".join(f"{n} Δ vs E" for n in err if n in ARMS.values()) + " |",  # fmt: skip
                  "|---|---|" + "---|" * (len(err) + len([n for n in err if n in ARMS.values()]))]  # fmt: skip
        for i, name in enumerate(names):
            m = key == (i if key.dtype.kind == "i" else name)
            if m.any():
                cells = [f"{err[n][m].mean():.1f}" for n in err]
                cells += [fmt(ci(err[n][m] - e[m])) for n in err if n in ARMS.values()]
                lines.append(f"| {name} | {m.sum()} | " + " | ".join(cells) + " |")
    if args.stage == "val":
        passing = [n for n, ok in verdict.items() if ok]
        best = min(passing, key=lambda n: err[n].mean()) if passing else None
        lines += ["", f"Rule (CI upper bound vs E < 0 and Δ <= -3 % of E): {verdict}; read on "
                  f"test: {best or 'nothing (test not read)'}"]  # fmt: skip
    print("\n".join(lines), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    md.write_text("\n".join(lines) + "\n")
    js.write_text(json.dumps({"tau": tau, "walker": w.tolist(), "mode": mode.tolist(),
                              args.stage: {n: v.tolist() for n, v in err.items()}}))  # fmt: skip


if __name__ == "__main__":
    main()
