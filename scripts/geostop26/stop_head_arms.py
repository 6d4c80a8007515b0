"""Session 26 (geostop26): learned stop / go heads vs kNN on GeoLife 5-step prediction.

    PYTHONPATH=. python scripts/geostop26/stop_head_arms.py --data /tmp/stores/geolife \
        --stage val --out /tmp/geostop26/val.md [--json /tmp/geostop26/val.json] [--seeds 0 1 2] \
        [--importance] [--cache /tmp/geostop26/cache]

Measures (pre-registered in docs/candidates.md "Session 26 (geostop26)"): heads of
``trajlm.eval.stop_head`` fitted on TRAIN only. Train trips sorted by start time into 5 blocks;
folds = blocks 3-5, each with a kNN library of the blocks before it (walk25's scheme). Head rows:
up to 8 windows per fold trip; scored rows: each trip's protocol query. Choices (the stop head's
calibration t, the ranker's margin) are made on the folds cross-fitted (each fold scored by heads
fitted on the other two). ``--stage`` rows are answered by heads fitted on all three folds, with
a kNN library of all of train. Prints per-regime MAE (walkers: median history step speed
< 2.5 m/s), paired bootstrap 95 % CIs against kNN and per-query oracles; markdown to stdout and
--out, per-trip errors to --json. Outputs go where --out / --json say (default under
/tmp/geostop26/); nothing is written into the repo. ``--cache DIR`` keeps the built rows.
"""

from __future__ import annotations

import argparse
import json
import pickle
from pathlib import Path

import numpy as np
import polars as pl

from trajlm._threads import apply_threads
from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.retrieval import RetrievalIndex
from trajlm.data.store import read_store
from trajlm.eval.protocol import split_tables
from trajlm.eval.selector_predictor import knn_points, per_trip, split_xy
from trajlm.eval.stop_head import (
    FEATURES,
    candidate_errors,
    choose_points,
    fit_ranker,
    fit_scale_head,
    fit_stop_head,
    history_features,
    optimal_shrink,
    rank_choice,
    stopped_label,
    timeless,
)
from trajlm.eval.walkers import (
    asked_dt,
    damped_points,
    fit_step_factors,
    is_walker,
    neighbour_continuations,
    recent_velocity,
    stop_mixture_points,
    time_blocks,
)

H, K, NB, WINDOWS = 5, 5, 40, 8
CALIBRATION = (0.5, 0.75, 1.0, 1.25, 1.5)  # stop head: p' = clip(t x p)
MARGINS = (0.0, 5.0, 10.0, 20.0, 40.0)  # ranker: metres of predicted gain over kNN


def rows(df: pl.DataFrame, proj: LocalProjection, index: RetrievalIndex, windows: int) -> dict:
    """Every quantity a head or an arm needs, one row per window (first: the protocol query)."""
    task = make_prediction_task(df, windows=windows)
    xy, lengths, t = task.xy(proj), task.lengths, task.hist_t
    tx, ty = proj.forward(task.target_latlon[..., 0], task.target_latlon[..., 1])
    ids = np.asarray(task.traj_ids)
    first = np.r_[True, ids[1:] != ids[:-1]] if len(ids) else np.zeros(0, bool)
    knn = knn_points(index, xy, lengths, NB)
    conts = np.zeros((len(xy), NB, K, 2))
    found = np.zeros(len(xy), bool)
    conts[first], found[first] = neighbour_continuations(index, xy[first], lengths[first], NB)
    return {"last": xy[np.arange(len(xy)), lengths - 1], "tgt": np.stack([tx, ty], -1),
            "tgt_ll": task.target_latlon, "dt": asked_dt(t, lengths, task.target_t), "knn": knn,
            "vel4": recent_velocity(xy, t, lengths, 4), "vel1": recent_velocity(xy, t, lengths, 1),
            "feats": history_features(xy, t, lengths, task.target_t, knn),
            "walker": is_walker(xy, t, lengths), "first": first, "conts": conts, "found": found}  # fmt: skip


def sub(q: dict, m: np.ndarray) -> dict:
    return {k: v[m] for k, v in q.items()}


def concat(parts: list[dict]) -> dict:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def candidates(q: dict, beta: np.ndarray, alpha: np.ndarray) -> dict[str, np.ndarray]:
    last = q["last"]
    return {"kNN": q["knn"], "shrunk kNN": last[:, None] + beta[None, :, None] * (q["knn"] - last[:, None]),
            "damped": damped_points(last, q["vel4"], q["dt"], alpha),
            "stay": np.repeat(last[:, None], K, 1),
            "CV": damped_points(last, q["vel1"], q["dt"], np.ones(K))}  # fmt: skip


def arms(train: dict, ev: dict, seed: int) -> dict[str, np.ndarray]:
    """(N, k, 2) of every arm on ``ev``'s rows, each head fitted on ``train``'s rows."""
    beta = fit_step_factors(train["last"], train["knn"] - train["last"][:, None], train["tgt"])
    alpha = fit_step_factors(train["last"], train["vel4"][:, None] * train["dt"][..., None], train["tgt"])  # fmt: skip
    cand_tr, cand_ev = candidates(train, beta, alpha), candidates(ev, beta, alpha)
    out = dict(cand_ev)
    stopped = stopped_label(train["last"], train["tgt"])
    if stopped.all() or not stopped.any():  # one class (a tiny store): its share is the answer
        p = np.full(len(ev["last"]), float(stopped.mean()))
    else:
        p = fit_stop_head(train["feats"], stopped, seed).predict_proba(ev["feats"])[:, 1]
    for c in CALIBRATION:
        got = stop_mixture_points(ev["last"], ev["conts"], np.clip(c * p, 0.0, 1.0))
        out[f"A stop head, t={c:g}"] = np.where(ev["found"][:, None, None], got, ev["knn"])
    kc_tr, kc_ev = train["knn"] - train["last"][:, None], ev["knn"] - ev["last"][:, None]
    scale = fit_scale_head(train["feats"], optimal_shrink(train["last"], kc_tr, train["tgt"]), seed)
    out["B scale head"] = ev["last"][:, None] + scale.predict(ev["feats"])[:, None, None] * kc_ev
    ranker = fit_ranker(train["feats"], candidate_errors(cand_tr, train["tgt"]), "kNN", seed)
    for m in MARGINS:
        out[f"C ranker, margin={m:g}"] = choose_points(cand_ev, rank_choice(ranker, ev["feats"], m))
    return out


def oracles(err: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-query best-of bounds (diagnostics: they read the target)."""
    e = {n: err[n] for n in ("kNN", "shrunk kNN", "damped", "stay", "CV")}
    return {"oracle best of kNN / stay": np.minimum(e["kNN"], e["stay"]),
            "oracle best of kNN / shrunk kNN": np.minimum(e["kNN"], e["shrunk kNN"]),
            "oracle best of the 5 candidates": np.min(np.stack(list(e.values())), 0)}  # fmt: skip


def ci(d: np.ndarray, n: int = 2000) -> tuple[float, float, float]:
    rng = np.random.default_rng(0)
    boot = [d[rng.integers(0, len(d), len(d))].mean() for _ in range(n)]
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return float(d.mean()), float(lo), float(hi)


def fmt(c: tuple[float, float, float]) -> str:
    return f"{c[0]:+.2f} [{c[1]:+.2f}, {c[2]:+.2f}]"


def table(err: dict[str, np.ndarray], walker: np.ndarray, title: str) -> list[str]:
    """Per-regime MAE, all-trip and walker Δ vs kNN with CIs, the walker route R."""
    w, base = walker, err["kNN"]
    lines = [f"_{title}: {len(w)} trips, {w.sum()} walkers; MAE (m), mean of the seeds' per-trip "
             "errors; Δ: paired bootstrap 95 % CI over trips_", "",
             f"| arm | walkers ({w.sum()}) | others ({(~w).sum()}) | all ({len(w)}) | all Δ vs kNN | "
             "Δ % | walkers Δ vs kNN | R (walkers -> arm) Δ vs kNN |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, e in err.items():
        routed = np.where(w, e, base)
        lines.append(f"| {name} | {e[w].mean():.1f} | {e[~w].mean():.1f} | {e.mean():.1f} | "
                     f"{fmt(ci(e - base))} | {100 * (e.mean() / base.mean() - 1):+.1f} % | "
                     f"{fmt(ci(e[w] - base[w]))} | {fmt(ci(routed - base))} |")  # fmt: skip
    print("\n".join(lines), flush=True)
    return lines


def clock_table(err: dict[str, np.ndarray], walker: np.ndarray, ratio: np.ndarray) -> list[str]:
    """Walkers on a steady clock (asked 5th time <= 1.25 x 5 median intervals, like most of
    GeoLife test) vs past a gap (walk25's split; the asked times are input)."""
    steady = walker & (ratio <= 1.25)
    gap = walker & ~steady
    lines = [f"| arm | steady walkers ({steady.sum()}) | Δ vs kNN | walkers past a gap "
             f"({gap.sum()}) | Δ vs kNN |", "|---|---|---|---|---|"]  # fmt: skip
    for name, e in err.items():
        cells = [f"{e[m].mean():.1f} | {fmt(ci(e[m] - err['kNN'][m]))}" if m.any() else " | "
                 for m in (steady, gap)]  # fmt: skip
        lines.append(f"| {name} | {cells[0]} | {cells[1]} |")
    print("\n".join(lines), flush=True)
    return lines


def importance(folds: list[dict], ev: dict, seed: int) -> str:
    """The scale head's permutation importance (drop in -MAE of the predicted shrink vs the
    query's optimal one, 10 repeats) on ``ev``'s rows: which history features it reads."""
    from sklearn.inspection import permutation_importance

    train = concat(folds)
    target = optimal_shrink(train["last"], train["knn"] - train["last"][:, None], train["tgt"])
    head = fit_scale_head(train["feats"], target, seed)
    y = optimal_shrink(ev["last"], ev["knn"] - ev["last"][:, None], ev["tgt"])
    got = permutation_importance(head, ev["feats"], y, scoring="neg_mean_absolute_error",
                                 n_repeats=10, random_state=seed)  # fmt: skip
    order = np.argsort(-got.importances_mean)
    return "Scale head permutation importance (MAE of the shrink): " + ", ".join(
        f"{FEATURES[i]} {got.importances_mean[i]:.3f}" for i in order[:8]
    )


def build(args: argparse.Namespace, make_rows=rows) -> tuple[list[dict], dict, LocalProjection]:
    """The fold rows and the stage's rows (``make_rows``: geowalk27 adds columns to ``rows``)."""
    cache = args.cache / f"rows_{args.data.name}_{args.stage}.pkl" if args.cache else None
    if cache is not None and cache.exists():
        return pickle.loads(cache.read_bytes())
    parts = split_tables(read_store(args.data))
    proj = LocalProjection.fit(parts["train"])
    train = parts["train"]
    train = time_blocks(train, args.blocks)
    folds = []
    for b in range(args.blocks - 3, args.blocks):
        lib = split_xy(train.filter(pl.col("_b") < b).drop("_b"), proj)
        index = RetrievalIndex(H, K, max_windows=10**7).fit(*lib)
        folds.append(make_rows(train.filter(pl.col("_b") == b).drop("_b"), proj, index, WINDOWS))
        print(f"fold {b}: {len(folds[-1]['last'])} windows", flush=True)
    index = RetrievalIndex(H, K, max_windows=10**7).fit(*split_xy(parts["train"], proj))
    ev = make_rows(parts[args.stage], proj, index, 1)
    got = (folds, ev, proj)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps(got))
    return got


def arms_parser(doc: str, out: str, besides: str) -> argparse.ArgumentParser:
    """The options this study and geowalk27's scale_arms.py share (--overwrite: the caller's last)."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="an ingested store (GeoLife, Porto)")
    ap.add_argument("--stage", choices=("val", "test"), default="val")
    ap.add_argument("--blocks", type=int, default=5, help="chronological train blocks")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--arms", nargs="+", help=f"only these arms (besides {besides}) in the tables: "
                    "name the one chosen arm when --stage test")  # fmt: skip
    ap.add_argument("--out", type=Path, default=Path(out))
    ap.add_argument("--json", type=Path, help="per-trip errors of every arm")
    ap.add_argument("--cache", type=Path, help="a folder keeping the built rows between runs")
    return ap


def check_outputs(ap: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse to replace --out / --json unasked, and a test read with no chosen arm."""
    for path in (args.out, args.json):  # nothing of the user's replaced unasked
        if path is not None and path.exists() and not args.overwrite:
            ap.error(f"{path} exists; pass --overwrite to replace it")
    if args.stage == "test" and not args.arms:
        ap.error("--stage test reads test once for a chosen arm: name it with --arms")


def main(argv: list[str] | None = None) -> None:
    ap = arms_parser(__doc__, "/tmp/geostop26/val.md", "kNN")
    ap.add_argument("--importance", action="store_true",
                    help="also: the scale head's permutation importance on the stage's rows")  # fmt: skip
    ap.add_argument("--timeless", action="store_true",
                    help="the heads do not see the asked times (asked dt -> 5 median intervals)")  # fmt: skip
    ap.add_argument("--overwrite", action="store_true", help="replace --out / --json if they exist")
    args = ap.parse_args(argv)
    check_outputs(ap, args)
    apply_threads(1, None)
    folds, ev, proj = build(args)
    ratio = ev["feats"][:, FEATURES.index("asked_ratio")]  # the real one, for the clock split
    if args.timeless:
        for q in [*folds, ev]:
            q["feats"] = timeless(q["feats"])
    scored = [sub(f, f["first"]) for f in folds]
    oof, val = {}, {}
    for seed in args.seeds:
        got = [arms(concat(folds[:i] + folds[i + 1 :]), scored[i], seed) for i in range(len(folds))]
        for name in got[0]:
            pts = np.concatenate([g[name] for g in got])
            tgt = np.concatenate([s["tgt_ll"] for s in scored])
            oof.setdefault(name, []).append(per_trip(pts, tgt, proj).mean(1))
        for name, pts in arms(concat(folds), ev, seed).items():
            val.setdefault(name, []).append(per_trip(pts, ev["tgt_ll"], proj).mean(1))
        print(f"seed {seed} done", flush=True)
    oof = {n: np.mean(v, 0) for n, v in oof.items()}
    per_seed = {n: [round(float(e.mean()), 1) for e in v] for n, v in val.items()}
    val = {n: np.mean(v, 0) for n, v in val.items()}
    # the folds choose each head's setting (cross-fitted, all trips)
    pick = {prefix: min((n for n in oof if n.startswith(prefix)), key=lambda n: oof[n].mean())
            for prefix in ("A stop head", "C ranker")}  # fmt: skip
    keep = [n for n in val if args.arms is None or n == "kNN" or n in args.arms]
    lines = [f"Chosen on the cross-fitted folds: {pick}", ""]
    fold_walker = np.concatenate([s["walker"] for s in scored])
    if args.stage == "val":
        lines += table({**{n: oof[n] for n in keep}, **oracles(oof)}, fold_walker,
                       "train folds, cross-fitted (each fold's heads from the other two)") + [""]  # fmt: skip
        extra = oracles(val)
    else:
        extra = {}
    lines += table(
        {**{n: val[n] for n in keep}, **extra}, ev["walker"], f"{args.data.name} {args.stage}"
    )
    lines += [""] + clock_table({n: val[n] for n in keep}, ev["walker"], ratio)
    lines += ["", f"{args.stage} all-trip MAE per seed {args.seeds}: "
              + "; ".join(f"{n} {per_seed[n]}" for n in keep)]  # fmt: skip
    if args.importance:
        lines += ["", importance(folds, ev, args.seeds[0])]
        print(lines[-1], flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print(lines[0])
    if args.json:
        args.json.write_text(json.dumps({"picked": pick, "walker": ev["walker"].tolist(),
                                         args.stage: {n: val[n].tolist() for n in keep}}))  # fmt: skip


if __name__ == "__main__":
    main()
