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
import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "geostop26"))
from stop_head_arms import build, ci, clock_table, concat, fmt, rows, sub  # noqa: E402

from trajlm._threads import apply_threads  # noqa: E402
from trajlm.data.features import LocalProjection  # noqa: E402
from trajlm.data.protocol_tasks import make_prediction_task  # noqa: E402
from trajlm.data.retrieval import RetrievalIndex  # noqa: E402
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
from trajlm.eval.selector_predictor import per_trip  # noqa: E402
from trajlm.eval.stop_head import FEATURES, fit_scale_head, optimal_shrink  # noqa: E402

QUANTILES = (0.4, 0.6)
SHIFTS_H = (4, 8)  # issue 14's clock shifts
CLOCK_LIMIT = 1.05  # shifted / unshifted MAE: the hour arm is out past this
ARMS = ("B scale head", "W1 walker head", "W2 per-regime heads", "L metre-weighted head",
        "Q quantile head", "D scale + heading head", "Hh hour head")  # fmt: skip


def rows27(df: pl.DataFrame, proj: LocalProjection, index: RetrievalIndex, windows: int) -> dict:
    """geostop26's rows plus the last fix's time and the two signed turn features."""
    q = rows(df, proj, index, windows)
    task = make_prediction_task(df, windows=windows)  # deterministic: the same windows
    xy, lengths, t = task.xy(proj), task.lengths, task.hist_t
    q["t_last"] = np.asarray(t, np.float64)[np.arange(len(xy)), lengths - 1]
    q["signed"] = signed_turn_features(xy, t, lengths, q["knn"])
    return q


def shrunk(q: dict, s: np.ndarray) -> np.ndarray:
    return q["last"][:, None] + np.asarray(s)[:, None, None] * (q["knn"] - q["last"][:, None])


def arms(tr: dict, ev: dict, seed: int) -> dict[str, np.ndarray]:
    """(N, k, 2) of every arm on ``ev``'s rows, each head fitted on ``tr``'s rows."""
    cont = tr["knn"] - tr["last"][:, None]
    s_opt = optimal_shrink(tr["last"], cont, tr["tgt"])
    x_tr, x_ev = tr["feats"], ev["feats"]
    out = {"kNN": ev["knn"], "B scale head": shrunk(ev, fit_scale_head(x_tr, s_opt, seed).predict(x_ev))}  # fmt: skip
    walker_only = fit_regime_heads(x_tr, s_opt, tr["walker"], seed, regimes=(True,))
    out["W1 walker head"] = shrunk(ev, predict_regime(walker_only, x_ev, ev["walker"]))
    per_regime = fit_regime_heads(x_tr, s_opt, tr["walker"], seed)
    out["W2 per-regime heads"] = shrunk(ev, predict_regime(per_regime, x_ev, ev["walker"]))
    head = fit_shrink_head(x_tr, s_opt, seed, weight=mae_weight(cont))
    out["L metre-weighted head"] = shrunk(ev, head.predict(x_ev))
    for q in QUANTILES:
        out[f"Q quantile head, q={q:g}"] = shrunk(ev, fit_shrink_head(x_tr, s_opt, seed, q).predict(x_ev))  # fmt: skip
    d_tr, d_ev = np.hstack([x_tr, tr["signed"]]), np.hstack([x_ev, ev["signed"]])
    s2, a2 = tr["s2"], tr["a2"]
    scale, angle = fit_shrink_head(d_tr, s2, seed), fit_shrink_head(d_tr, a2, seed)
    out["D scale + heading head"] = turn_points(
        ev["last"], ev["knn"] - ev["last"][:, None], scale.predict(d_ev), angle.predict(d_ev)
    )
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
        one = ci(val[name] - b)[2] < 0
        two = oof[name].mean() < oof["B scale head"].mean()
        three = (val[name][w] - knn[w]).mean() <= 0
        ratios = [val[f"{name}, clocks +{h} h"].mean() / val[name].mean() for h in SHIFTS_H
                  if f"{name}, clocks +{h} h" in val]  # fmt: skip
        four = all(r <= CLOCK_LIMIT for r in ratios)
        ok = one and two and three and four
        passing += [name] if ok else []
        rtxt = " / ".join(f"{r:.3f}" for r in ratios) if ratios else "n/a"
        lines.append(f"| {name} | {one} | {two} | {three} | {rtxt} | **{ok}** |")
    best = min(passing, key=lambda n: val[n].mean()) if passing else None
    lines += ["", f"Passing: {passing or 'none'}; read on test once: {best or 'nothing (test not read)'}"]  # fmt: skip
    print("\n".join(lines), flush=True)
    return lines


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="an ingested store (GeoLife, Porto)")
    ap.add_argument("--stage", choices=("val", "test"), default="val")
    ap.add_argument("--blocks", type=int, default=5, help="chronological train blocks")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--arms", nargs="+", help="only these arms (besides kNN and B) in the tables: "
                    "name the one chosen arm when --stage test")  # fmt: skip
    ap.add_argument("--out", type=Path, default=Path("/tmp/geowalk27/val.md"))
    ap.add_argument("--json", type=Path, help="per-trip errors of every arm")
    ap.add_argument("--cache", type=Path, help="a folder keeping the built rows between runs")
    ap.add_argument("--overwrite", action="store_true", help="replace --out / --json if they exist")
    args = ap.parse_args(argv)
    for path in (args.out, args.json):  # nothing of the user's replaced unasked
        if path is not None and path.exists() and not args.overwrite:
            ap.error(f"{path} exists; pass --overwrite to replace it")
    if args.stage == "test" and not args.arms:
        ap.error("--stage test reads test once for a chosen arm: name it with --arms")
    for name in args.arms or []:
        if not any(name == a or name.startswith(a) or a.startswith(name) for a in ARMS):
            ap.error(f"--arms: unknown arm {name!r}; choose from {', '.join(ARMS)}")
    apply_threads(1, None)
    folds, ev, proj = build(args, make_rows=rows27)
    for f in folds:  # the 2-D head's labels, once per fold (they read the fold's own targets)
        f["s2"], f["a2"] = optimal_scale_turn(f["last"], f["knn"] - f["last"][:, None], f["tgt"])
    scored = [sub(f, f["first"]) for f in folds]
    oof, val, per_seed = {}, {}, {}
    for seed in args.seeds:
        got = [arms(concat(folds[:i] + folds[i + 1 :]), scored[i], seed) for i in range(len(folds))]
        tgt = np.concatenate([s["tgt_ll"] for s in scored])
        for name in got[0]:
            pts = np.concatenate([g[name] for g in got])
            oof.setdefault(name, []).append(per_trip(pts, tgt, proj).mean(1))
        for name, pts in arms(concat(folds), ev, seed).items():
            val.setdefault(name, []).append(per_trip(pts, ev["tgt_ll"], proj).mean(1))
        print(f"seed {seed} done", flush=True)
    per_seed = {n: [round(float(e.mean()), 1) for e in v] for n, v in val.items()}
    oof = {n: np.mean(v, 0) for n, v in oof.items()}
    val = {n: np.mean(v, 0) for n, v in val.items()}
    # the folds choose the quantile (cross-fitted, all trips)
    q_pick = min((n for n in oof if n.startswith("Q ")), key=lambda n: oof[n].mean())
    for d in (oof, val):
        d["Q quantile head"] = d[q_pick]
    names = [n for n in ARMS if n != "B scale head"]
    if args.arms:
        names = [n for n in names if any(n.startswith(a) or a.startswith(n) for a in args.arms)]
    keep = ["kNN", "B scale head", *[n for n in val if any(n.startswith(a) for a in names)]]
    lines = [f"Chosen on the cross-fitted folds: Q = {q_pick}", ""]
    fold_walker = np.concatenate([s["walker"] for s in scored])
    if args.stage == "val":
        lines += table({n: oof[n] for n in keep}, fold_walker,
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
