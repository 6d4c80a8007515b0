"""Classify whole labelled trajectories of held-out data sets: a fine-tuned trajlm-small vs
gradient boosting and the majority class, 3 seeds (session 21, classify21; docs/finetune.md).

Each set keeps its own train / test files (MAT vehicles, animals; the seeded synthetic set);
hurricanes (one file) is split 80/10/10 by storm, stratified by class (split seed 0). Val is
20 % of train's trajectories, stratified (``trajlm.tasks.classify_split.split_by_source``,
as `trajlm finetune --task classify --test-data`). ``--score-on val`` ranks settings without
reading test; ``--score-on test`` reads it once.

    python scripts/classify21_measure.py --sets vehicles animals --score-on val \
        --epochs 10 --batch-size 32 --out /tmp/classify21/val_b32.json
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

DATA = Path(os.environ.get("TRAJLM_SHARED_DATA", Path(__file__).parents[2] / "shared" / "data"))
SYNTH = Path("/tmp/classify21")


def load(name: str) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """(train file, test file or None) as canonical tables with a ``label`` column."""
    import trajlm

    def mat(kind: str, unit: str, origin: str, crs: str | None):
        out = []
        for s in ("train", "test"):
            p = pd.read_csv(DATA / kind / f"specific_{s}.csv")
            p["time"] = pd.Timestamp(origin, tz="UTC") + pd.to_timedelta(p["time"], unit)
            out.append(trajlm.to_canonical(p, **({"crs": crs} if crs else {})))
        return out[0], out[1]

    if name == "vehicles":
        return mat("vehicles", "s", "2002-01-01", "EPSG:2100")
    if name == "animals":  # values read as degrees: the user's declaration (docs/finetune.md)
        return mat("animals", "h", "1995-06-01", None)
    if name == "hurricanes":
        p = pd.read_csv(DATA / "hurricanes" / "Hurricanes_1944_to_2013.csv")
        p["t"] = pd.to_datetime(
            {"year": p.Year, "month": p.Month, "day": p.Day, "hour": p.Hour}, utc=True
        )
        p = p[["tid", "t", "lat", "lon", "class"]].rename(columns={"class": "label"})
        p, _ = trajlm.clean(p, time_col="t")
        return trajlm.to_canonical(p, time_col="t"), None
    if name == "synth":
        out = []
        for s in ("train", "test"):
            p = pd.read_csv(SYNTH / f"synth_{s}.csv").rename(columns={"mode": "label"})
            out.append(trajlm.to_canonical(p, traj_col="trip", time_col="when",
                                           lat_col="northing", lon_col="easting",
                                           crs="EPSG:32633"))  # fmt: skip
        return out[0], out[1]
    raise SystemExit(f"unknown set {name!r}")


def parts_of(name: str) -> dict[str, pl.DataFrame]:
    from trajlm.data.segments import make_mode_segments
    from trajlm.tasks.classify_split import split_by_source

    train, test = load(name)
    cmap = {c: c for c in train["label"].drop_nulls().unique().to_list()}
    seg, _ = make_mode_segments(train, cmap, min_points=3)
    if test is None:
        return split_by_source(seg)
    parts = split_by_source(seg, (0.8, 0.2, 0.0))
    parts["test"], _ = make_mode_segments(test, cmap, min_points=3)
    return parts


def mean_ci(x: list[float]) -> dict:
    """Mean and t-based 95 % CI half-width over seeds (t = 4.303 for 3 seeds)."""
    from scipy import stats

    a = np.asarray(x, float)
    if len(a) < 2:
        return {"mean": float(a.mean()), "ci95": float("nan"), "runs": a.tolist()}
    half = stats.t.ppf(0.975, len(a) - 1) * a.std(ddof=1) / np.sqrt(len(a))
    return {"mean": round(float(a.mean()), 1), "ci95": round(float(half), 1), "runs": a.round(1).tolist()}  # fmt: skip


def diff_ci(a: list[np.ndarray], b: list[np.ndarray]) -> dict[str, float]:
    """Accuracy difference (pp) of per-seed hit arrays `a` minus `b`, with the paired bootstrap
    95 % CI, rounded (classify22_measure.py too)."""
    from trajlm.eval.compare import paired_bootstrap_ci

    ci = paired_bootstrap_ci(np.mean(a, 0), np.mean(b, 0))
    return {x: round(ci[x], 1) for x in ("diff", "lo", "hi")}


def parsed(ap: argparse.ArgumentParser) -> argparse.Namespace:
    """The arguments with the options both measure scripts end with (--no-model, --out), torch
    on one thread (classify22_measure.py too)."""
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    return args


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", nargs="+", default=["vehicles", "animals", "hurricanes", "synth"])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--score-on", choices=("val", "test"), default="val")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch-size", default="32", help="an integer or 'auto'")
    ap.add_argument("--mode", default="lora")
    ap.add_argument("--init", default="trajlm-small", help="a run, or 'scratch'")
    args = parsed(ap)
    from trajlm.eval.classify import (
        FeatureGBClassifier,
        MajorityClassifier,
        classification_metrics,
        segment_labels,
    )
    from trajlm.eval.classify_ensembles import ProbabilityEnsemble
    from trajlm.tasks.classify import ModelClassifier

    bs = args.batch_size if args.batch_size == "auto" else int(args.batch_size)
    report = {"args": {k: str(v) for k, v in vars(args).items()}, "sets": {}}
    for name in args.sets:
        parts = parts_of(name)
        train, val = parts["train"], parts["val"]
        scored = parts[args.score_on]
        truth = segment_labels(scored)
        classes = sorted(set(segment_labels(train)))
        res: dict[str, dict] = {}
        hits: dict[str, list[np.ndarray]] = {}

        def run(method: str, clf, ctx=(train, val, scored, truth, classes, res, hits)):
            tr, va, sc, tru, cls, rs, hs = ctx
            t0 = time.perf_counter()
            clf.fit(tr, va)
            pred = np.asarray(clf.classify(sc)).astype(str)
            m, _ = classification_metrics(pred, tru, cls)
            r = rs.setdefault(method, {"acc": [], "f1": [], "fit_s": []})
            r["acc"].append(m["accuracy_pct"])
            r["f1"].append(m["macro_f1_pct"])
            r["fit_s"].append(time.perf_counter() - t0)
            hs.setdefault(method, []).append((pred == tru).astype(float) * 100)
            return clf

        for seed in range(args.seeds):
            if seed == 0:
                run("majority class", MajorityClassifier())
            gb_fit = run("GB features", FeatureGBClassifier(random_state=seed))
            run("GB features [balanced]", FeatureGBClassifier(class_weight="balanced",
                                                                random_state=seed))  # fmt: skip
            if not args.no_model:
                init = None if args.init == "scratch" else args.init
                mode = "full" if init is None else args.mode
                model = run(f"model ({args.init}, {mode})", ModelClassifier(
                    init, mode=mode, lora_r=1, epochs=args.epochs, n_points=64, head="linear",
                    lr=3e-3, seed=seed, batch_size=bs))  # fmt: skip
                run("GB + model, w on val", ProbabilityEnsemble(gb_fit, model))
            print(name, seed, {k: round(v["acc"][-1], 1) for k, v in res.items()}, flush=True)
        gb = max(("GB features", "GB features [balanced]"), key=lambda k: np.mean(res[k]["acc"]))
        out = {"n_train": int(train["traj_id"].n_unique()), "n_val": int(val["traj_id"].n_unique()),
               f"n_{args.score_on}": int(len(truth)), "classes": classes, "methods": {}}  # fmt: skip
        for k, r in res.items():
            row = {"accuracy_pct": mean_ci(r["acc"]), "macro_f1_pct": mean_ci(r["f1"]),
                   "fit_s": round(float(np.mean(r["fit_s"])), 1)}  # fmt: skip
            if k.startswith("model") or k.startswith("GB + model"):
                row[f"acc_minus_{gb}"] = diff_ci(hits[k], hits[gb])
            out["methods"][k] = row
        report["sets"][name] = out
        print(json.dumps({name: out}, indent=1), flush=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
