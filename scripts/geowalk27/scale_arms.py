"""Session 27 (geowalk27): the scale head's next arms vs geostop26's B, GeoLife 5-step prediction.

    PYTHONPATH=. python scripts/geowalk27/scale_arms.py --data /tmp/stores/geolife --stage val \
        --out /tmp/geowalk27/val.md [--json /tmp/geowalk27/val.json] [--seeds 0 1 2] \
        [--cache /tmp/geowalk27/cache]

Measures (pre-registered in docs/candidates.md "Session 27 (geowalk27)"): variants of
geostop26's scale head (``trajlm.eval.scale_head_arms``) on geostop26's rows and folds (its
``build``: train trips in 5 time-ordered blocks, folds = blocks 3-5 each with a kNN library of the
blocks before it, up to 8 head rows per fold trip). Arms: B (geostop26's head), W1 (a head fitted
on walkers, others keep kNN), W2 (a head per regime), L (the loss in metres: rows weighted by
kNN's continuation length), Q (quantile 0.4 / 0.6, chosen on the folds), D (scale and heading
offset, two heads), Hh (B + hour of day; scored again with the stage's clocks moved +4 / +8 h).
Prints per-regime MAE, paired bootstrap CIs against kNN and B, the cross-fitted folds, the
clock-shift ratios and the rule's verdict; markdown to stdout and --out, per-trip errors to
--json (default under /tmp/geowalk27/; nothing is written into the repo).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "geostop26"))
from stop_head_arms import (  # noqa: E402
    NB,
    WINDOWS,
    arms_parser,
    build,
    check_outputs,
    ci,
    clock_table,
    concat,
    fmt,
    rows,
    sub,
)

from trajlm._threads import apply_threads  # noqa: E402
from trajlm.data.features import LocalProjection  # noqa: E402
from trajlm.data.protocol_tasks import make_prediction_task  # noqa: E402
from trajlm.data.retrieval import RetrievalIndex, traj_keys  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.protocol import split_tables  # noqa: E402
from trajlm.eval.scale_head_arms import (  # noqa: E402
    fit_regime_heads,
    fit_shrink_head,
    hour_features,
    mae_weight,
    optimal_scale_turn,
    predict_regime,
    signed_turn_features,
    turn_points,
)
from trajlm.eval.selector_predictor import knn_points, per_trip, split_xy  # noqa: E402
from trajlm.eval.stop_head import FEATURES, fit_scale_head, history_features, optimal_shrink  # noqa: E402
from trajlm.eval.walkers import time_blocks  # noqa: E402

QUANTILES = (0.4, 0.6)
SHIFTS_H = (4, 8)  # issue 14's clock shifts
CLOCK_LIMIT = 1.05  # shifted / unshifted MAE: the hour arm is out past this
ARMS = ("B scale head", "W1 walker head", "W2 per-regime heads", "L metre-weighted head",
        "Q quantile head", "D scale + heading head", "Hh hour head", "T all-train head",
        "G post-selector gate")  # fmt: skip
GATE, SELECTOR = "G post-selector gate", "A selector (seed 0)"


def rows27(df: pl.DataFrame, proj: LocalProjection, index: RetrievalIndex, windows: int) -> dict:
    """geostop26's rows plus the last fix's time and the two signed turn features."""
    q = rows(df, proj, index, windows)
    task = make_prediction_task(df, windows=windows)  # deterministic: the same windows
    xy, lengths, t = task.xy(proj), task.lengths, task.hist_t
    q["t_last"] = np.asarray(t, np.float64)[np.arange(len(xy)), lengths - 1]
    q["signed"] = signed_turn_features(xy, t, lengths, q["knn"])
    return q


def all_train_rows(args: argparse.Namespace, proj: LocalProjection) -> dict:
    """T's head rows (amendment A1): up to WINDOWS windows of every train trip, each with kNN's
    answer from all of train less its own trajectory (as a val query sees all of train), and
    the trip's time-ordered block (for the fold check)."""
    cache = args.cache / f"all_train_{args.data.name}.pkl" if args.cache else None
    if cache is not None and cache.exists():
        return pickle.loads(cache.read_bytes())
    train = time_blocks(split_tables(read_store(args.data))["train"], args.blocks)
    df = train.drop("_b")
    index = RetrievalIndex(5, 5, max_windows=10**7).fit(*split_xy(df, proj))
    task = make_prediction_task(df, windows=WINDOWS)
    xy, lengths, t = task.xy(proj), task.lengths, task.hist_t
    tx, ty = proj.forward(task.target_latlon[..., 0], task.target_latlon[..., 1])
    ids = np.asarray(task.traj_ids)
    knn = knn_points(index, xy, lengths, NB, exclude=traj_keys(ids))
    blocks = train.group_by("traj_id").agg(pl.col("_b").first())
    block_of = dict(zip(blocks["traj_id"].to_list(), blocks["_b"].to_list(), strict=True))
    got = {"last": xy[np.arange(len(xy)), lengths - 1], "tgt": np.stack([tx, ty], -1), "knn": knn,
           "feats": history_features(xy, t, lengths, task.target_t, knn),
           "block": np.array([block_of[i] for i in task.traj_ids])}  # fmt: skip
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps(got))
    return got


def all_train_head(rows_t: dict, ev: dict, seed: int, keep: np.ndarray | None = None) -> np.ndarray:
    """T's answer on ``ev``'s rows, its head fitted on the ``keep`` rows of ``rows_t``."""
    m = np.ones(len(rows_t["last"]), bool) if keep is None else keep
    last, cont = rows_t["last"][m], rows_t["knn"][m] - rows_t["last"][m][:, None]
    head = fit_scale_head(rows_t["feats"][m], optimal_shrink(last, cont, rows_t["tgt"][m]), seed)
    return shrunk(ev, head.predict(ev["feats"]))


def selector_points(path: Path, args: argparse.Namespace, proj: LocalProjection) -> np.ndarray:
    """(N, k, 2) xy: the selector's answers on the stage's protocol task, checked trip by trip
    against the task's own order."""
    got = np.load(path)
    if f"{args.stage}_latlon" not in got:
        raise SystemExit(
            f"{path}: no {args.stage} answers (run candidate_results.py --stage {args.stage})"
        )
    ids = make_prediction_task(split_tables(read_store(args.data))[args.stage]).traj_ids
    if [str(i) for i in ids] != got[f"{args.stage}_traj_ids"].tolist():
        raise SystemExit(f"{path}: its {args.stage} trips differ from {args.data}'s")
    ll = got[f"{args.stage}_latlon"]
    return np.stack(proj.forward(ll[..., 0], ll[..., 1]), -1)


def shrunk(q: dict, s: np.ndarray) -> np.ndarray:
    return q["last"][:, None] + np.asarray(s)[:, None, None] * (q["knn"] - q["last"][:, None])


def arms(tr: dict, ev: dict, seed: int, want=lambda name: True) -> dict[str, np.ndarray]:
    """(N, k, 2) of kNN, B and every arm ``want(name)`` accepts on ``ev``'s rows, each head
    fitted on ``tr``'s rows."""
    cont = tr["knn"] - tr["last"][:, None]
    s_opt = optimal_shrink(tr["last"], cont, tr["tgt"])
    x_tr, x_ev = tr["feats"], ev["feats"]
    s_b = fit_scale_head(x_tr, s_opt, seed).predict(x_ev)
    out = {"kNN": ev["knn"], "B scale head": shrunk(ev, s_b)}
    if "selector" in ev and want("G post-selector gate"):  # amendment A2: B's shrink on A's answer
        out["A selector (seed 0)"] = ev["selector"]
        out["G post-selector gate"] = ev["last"][:, None] + s_b[:, None, None] * (
            ev["selector"] - ev["last"][:, None]
        )
    if want("W1 walker head"):
        walker_only = fit_regime_heads(x_tr, s_opt, tr["walker"], seed, regimes=(True,))
        out["W1 walker head"] = shrunk(ev, predict_regime(walker_only, x_ev, ev["walker"]))
    if want("W2 per-regime heads"):
        per_regime = fit_regime_heads(x_tr, s_opt, tr["walker"], seed)
        out["W2 per-regime heads"] = shrunk(ev, predict_regime(per_regime, x_ev, ev["walker"]))
    if want("L metre-weighted head"):
        head = fit_shrink_head(x_tr, s_opt, seed, weight=mae_weight(cont))
        out["L metre-weighted head"] = shrunk(ev, head.predict(x_ev))
    for q in QUANTILES if want("Q quantile head") else ():
        out[f"Q quantile head, q={q:g}"] = shrunk(ev, fit_shrink_head(x_tr, s_opt, seed, q).predict(x_ev))  # fmt: skip
    if want("D scale + heading head"):
        d_tr, d_ev = np.hstack([x_tr, tr["signed"]]), np.hstack([x_ev, ev["signed"]])
        scale, angle = fit_shrink_head(d_tr, tr["s2"], seed), fit_shrink_head(d_tr, tr["a2"], seed)
        out["D scale + heading head"] = turn_points(
            ev["last"], ev["knn"] - ev["last"][:, None], scale.predict(d_ev), angle.predict(d_ev)
        )
    if want("Hh hour head"):
        hour = fit_scale_head(np.hstack([x_tr, hour_features(tr["t_last"])]), s_opt, seed)
        for h in (0, *SHIFTS_H):
            name = "Hh hour head" + (f", clocks +{h} h" if h else "")
            out[name] = shrunk(ev, hour.predict(np.hstack([x_ev, hour_features(ev["t_last"], 3600.0 * h)])))  # fmt: skip
    return out


def table(err: dict[str, np.ndarray], walker: np.ndarray, title: str) -> list[str]:
    """Per-regime MAE with Δ vs kNN and vs B (paired bootstrap 95 % CI over trips)."""
    w, knn, b = walker, err["kNN"], err["B scale head"]
    lines = [f"_{title}: {len(w)} trips, {w.sum()} walkers; MAE (m), mean of the seeds' per-trip "
             "errors; Δ: paired bootstrap 95 % CI over trips (2,000 resamples)_", "",
             f"| arm | walkers ({w.sum()}) | others ({(~w).sum()}) | all ({len(w)}) | all Δ vs kNN | "
             "Δ % vs kNN | walkers Δ vs kNN | others Δ vs kNN | all Δ vs B |",
             "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, e in err.items():
        lines.append(f"| {name} | {e[w].mean():.1f} | {e[~w].mean():.1f} | {e.mean():.1f} | "
                     f"{fmt(ci(e - knn))} | {100 * (e.mean() / knn.mean() - 1):+.1f} % | "
                     f"{fmt(ci(e[w] - knn[w]))} | {fmt(ci(e[~w] - knn[~w]))} | {fmt(ci(e - b))} |")  # fmt: skip
    print("\n".join(lines), flush=True)
    return lines


def verdict(val: dict, oof: dict, walker: np.ndarray, names: list[str]) -> list[str]:
    """The pre-registered rule per arm (the hour arm also needs its clock-shift ratios)."""
    b, knn, w = val["B scale head"], val["kNN"], walker
    lines = ["| arm | (1) val CI vs B below 0 | (2) folds below B | (3) walkers Δ vs kNN <= 0 | "
             "(4) clocks +4 / +8 h ratio | passes |", "|---|---|---|---|---|---|"]  # fmt: skip
    passing = []
    for name in names:
        one = ci(val[name] - b)[2] < 0  # the gate must beat the selector as well (A2)
        one = one and (name != GATE or ci(val[name] - val[SELECTOR])[2] < 0)
        two = name not in oof or oof[name].mean() < oof["B scale head"].mean()  # G: no folds
        three = (val[name][w] - knn[w]).mean() <= 0
        ratios = [val[f"{name}, clocks +{h} h"].mean() / val[name].mean() for h in SHIFTS_H
                  if f"{name}, clocks +{h} h" in val]  # fmt: skip
        four = all(r <= CLOCK_LIMIT for r in ratios)
        ok = one and two and three and four
        passing += [name] if ok else []
        rtxt = " / ".join(f"{r:.3f}" for r in ratios) if ratios else "n/a"
        lines.append(f"| {name} | {one} | {two} | {three} | {rtxt} | **{ok}** |")
    if GATE in names:  # (1)'s second half: the gate against the selector it shrinks
        d, ww = val[GATE] - val[SELECTOR], w
        lines += ["", f"{GATE} − {SELECTOR}: all {fmt(ci(d))} ({100 * (val[GATE].mean() / val[SELECTOR].mean() - 1):+.1f} %), "
                  f"walkers {fmt(ci(d[ww]))}, others {fmt(ci(d[~ww]))}"]  # fmt: skip
    best = min(passing, key=lambda n: val[n].mean()) if passing else None
    lines += ["", f"Passing: {passing or 'none'}; read on test once: {best or 'nothing (test not read)'}"]  # fmt: skip
    print("\n".join(lines), flush=True)
    return lines


def main(argv: list[str] | None = None) -> None:
    ap = arms_parser(__doc__, "/tmp/geowalk27/val.md", "kNN and B")
    ap.add_argument("--all-train", action="store_true",
                    help="also arm T (amendment A1): head rows from all train trips, out-of-trip kNN")  # fmt: skip
    ap.add_argument("--gate", type=Path,
                    help="arm G (amendment A2): the selector's answers, scripts/candidate_results.py "
                         "--save-points")  # fmt: skip
    ap.add_argument("--overwrite", action="store_true", help="replace --out / --json if they exist")
    args = ap.parse_args(argv)
    check_outputs(ap, args)
    for name in args.arms or []:
        if not any(name == a or name.startswith(a) or a.startswith(name) for a in ARMS):
            ap.error(f"--arms: unknown arm {name!r}; choose from {', '.join(ARMS)}")
    if not args.all_train and any("T all-train head".startswith(a) for a in args.arms or []):
        ap.error("--arms 'T all-train head' needs --all-train (its rows are built apart)")
    if args.gate is None and any(GATE.startswith(a) for a in args.arms or []):
        ap.error("--arms 'G post-selector gate' needs --gate (the selector's answers)")
    apply_threads(1, None)
    folds, ev, proj = build(args, make_rows=rows27)
    if args.gate is not None:
        ev["selector"] = selector_points(args.gate, args, proj)
    for f in folds:  # the 2-D head's labels, once per fold (they read the fold's own targets)
        f["s2"], f["a2"] = optimal_scale_turn(f["last"], f["knn"] - f["last"][:, None], f["tgt"])
    scored = [sub(f, f["first"]) for f in folds]
    rows_t = all_train_rows(args, proj) if args.all_train else None

    def want(name: str) -> bool:
        return args.arms is None or any(name.startswith(a) or a.startswith(name) for a in args.arms)

    oof, val, per_seed = {}, {}, {}
    for seed in args.seeds:
        got = [arms(concat(folds[:i] + folds[i + 1 :]), scored[i], seed, want) for i in range(len(folds))]  # fmt: skip
        tgt = np.concatenate([s["tgt_ll"] for s in scored])
        for name in got[0]:
            pts = np.concatenate([g[name] for g in got])
            oof.setdefault(name, []).append(per_trip(pts, tgt, proj).mean(1))
        for name, pts in arms(concat(folds), ev, seed, want).items():
            val.setdefault(name, []).append(per_trip(pts, ev["tgt_ll"], proj).mean(1))
        if rows_t is not None:  # fold b's queries from a head on the T rows outside block b
            blocks = range(args.blocks - len(folds), args.blocks)
            pts = np.concatenate([all_train_head(rows_t, s, seed, rows_t["block"] != b)
                                  for s, b in zip(scored, blocks, strict=True)])  # fmt: skip
            oof.setdefault("T all-train head", []).append(per_trip(pts, tgt, proj).mean(1))
            pts = all_train_head(rows_t, ev, seed)
            val.setdefault("T all-train head", []).append(per_trip(pts, ev["tgt_ll"], proj).mean(1))
        print(f"seed {seed} done", flush=True)
    per_seed = {n: [round(float(e.mean()), 1) for e in v] for n, v in val.items()}
    oof = {n: np.mean(v, 0) for n, v in oof.items()}
    val = {n: np.mean(v, 0) for n, v in val.items()}
    # the folds choose the quantile (cross-fitted, all trips)
    q_arms = [n for n in oof if n.startswith("Q quantile head, q=")]
    q_pick = min(q_arms, key=lambda n: oof[n].mean()) if q_arms else None
    for d in (oof, val) if q_pick else ():
        d["Q quantile head"] = d[q_pick]
    names = [n for n in ARMS if n != "B scale head" and n in val]
    if args.arms:
        names = [n for n in names if any(n.startswith(a) or a.startswith(n) for a in args.arms)]
    keep = ["kNN", "B scale head", *([SELECTOR] if SELECTOR in val else []),
            *[n for n in val if any(n.startswith(a) for a in names)]]  # fmt: skip
    lines = [f"Chosen on the cross-fitted folds: Q = {q_pick}", ""]
    fold_walker = np.concatenate([s["walker"] for s in scored])
    if args.stage == "val":
        lines += table({n: oof[n] for n in keep if n in oof}, fold_walker,
                       "train folds, cross-fitted (each fold's heads from the other two)") + [""]  # fmt: skip
        cont = ev["knn"] - ev["last"][:, None]
        best = optimal_shrink(ev["last"], cont, ev["tgt"])
        s2, a2 = optimal_scale_turn(ev["last"], cont, ev["tgt"])
        oracle = {"oracle: best shrink (reads the target)": shrunk(ev, best),
                  "oracle: best shrink + heading (reads the target)": turn_points(ev["last"], cont, s2, a2)}  # fmt: skip
        extra = {n: per_trip(p, ev["tgt_ll"], proj).mean(1) for n, p in oracle.items()}
    else:
        extra = {}
    lines += table({**{n: val[n] for n in keep}, **extra}, ev["walker"], f"{args.data.name} {args.stage}")  # fmt: skip
    ratio = ev["feats"][:, FEATURES.index("asked_ratio")]
    lines += [""] + clock_table({n: val[n] for n in keep}, ev["walker"], ratio)
    lines += ["", f"{args.stage} all-trip MAE per seed {args.seeds}: "
              + "; ".join(f"{n} {per_seed[n]}" for n in keep if n in per_seed)]  # fmt: skip
    if args.stage == "val":
        lines += [""] + verdict(val, oof, ev["walker"], [n for n in names if n in val])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    if args.json:
        args.json.write_text(json.dumps({"q_pick": q_pick, "walker": ev["walker"].tolist(),
                                         args.stage: {n: val[n].tolist() for n in keep}}))  # fmt: skip


if __name__ == "__main__":
    main()
