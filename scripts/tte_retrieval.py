"""Travel time with retrieval features (issue 15, session 8; docs/travel-time.md).

Adds ``trajlm.eval.tte_retrieval`` features (the k train trips nearest in origin+destination,
and train trajectories that pass the origin and later the destination) to the O-D tables --
leave-one-out on the train rows -- then fits and scores arms like scripts/tte_residual.py:
mean ± std over seeds, paired bootstrap 95 % CI of (arm - GB) and of (arm - the strongest
"gb +ret" baseline named by --ref) on per-trip errors averaged over the seeds.

    python scripts/tte_retrieval.py --data /tmp/stores/porto --split val \
        --runs R0,R1,R2 --arms "gb +ret k10" "residual mae+log0 linear +ret k10" \
        --out out/tte/porto_ret_val.json

Arm names: ``gb +nn kK`` / ``gb +ret kK`` (GB on the protocol's features plus the O-D
neighbour columns / plus the sub-trip columns too: baselines), ``residual[+model] LOSS HEAD
[on gb+ret kK] [+ret kK] [bag5[med]]`` (the residual head of tte_residual over GB, or over
``gb +ret``, optionally reading the retrieval columns itself; ``bag5med``: five heads, median).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval import baselines as B  # noqa: E402
from trajlm.eval.compare import paired_bootstrap_ci  # noqa: E402
from trajlm.eval.protocol import make_tte_task, split_tables  # noqa: E402
from trajlm.eval.tte_residual import ResidualTTE  # noqa: E402
from trajlm.eval.tte_retrieval import NN_COLUMNS, SUB_COLUMNS, GBExtraTTE, RetrievalFeatures  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import ci_text, pm, seed_stats, write_results  # noqa: E402
from tte_residual import CachedTravelTime, load_model, per_trip  # noqa: E402

RET = NN_COLUMNS + SUB_COLUMNS
KS = (5, 10, 20)
HEADS = {"linear": 0, "mlp16": 16}
LOSSES = {"l1": {"loss": "l1"}, "mae+log0": {"loss": "mae+log", "log_weight": 0.0},
          "mae+log0.5": {"loss": "mae+log", "log_weight": 0.5}}  # fmt: skip
BAGS = {"": {}, " bag5": {"n_bags": 5}, " bag5med": {"n_bags": 5, "bag_median": True}}


def _arms() -> dict[str, dict | None]:
    """name -> spec: {"gb": extra columns} for GB arms, else {"k", "base_extra", "head": kw}."""
    arms: dict[str, dict | None] = {"gb": None, "linear regression": None,
                                    "distance / mean speed": None, "model": None}  # fmt: skip
    for k in KS:
        arms[f"gb +nn k{k}"] = {"gb": NN_COLUMNS, "k": k}
        arms[f"gb +ret k{k}"] = {"gb": RET, "k": k}
    for pre in ("residual", "residual+model"):
        for loss, lkw in LOSSES.items():
            for head, hidden in HEADS.items():
                for bag, bkw in BAGS.items():
                    kw = {"hidden": hidden, **lkw, **bkw, "model": pre.endswith("model")}
                    name = f"{pre} {loss} {head}"
                    arms[name + bag] = {"k": 0, "base_extra": (), "head": kw}  # no retrieval
                    for k in KS:
                        head_ret = {**kw, "extra_features": RET}
                        arms[f"{name} +ret k{k}{bag}"] = {"k": k, "base_extra": (),
                                                          "head": head_ret}  # fmt: skip
                        arms[f"{name} on gb+ret k{k}{bag}"] = {"k": k, "base_extra": RET,
                                                               "head": kw}  # fmt: skip
                        arms[f"{name} on gb+ret k{k} +ret{bag}"] = {"k": k, "base_extra": RET,
                                                                    "head": head_ret}  # fmt: skip
    return arms


ARMS = _arms()
BASELINES = {"gb": B.GradientBoostingTTE, "linear regression": B.LinearRegressionTTE,
             "distance / mean speed": B.DistanceOverMeanSpeed}  # fmt: skip


def make_estimator(name: str, seed: int, model):
    spec = ARMS[name]
    if name in BASELINES:
        return BASELINES[name]()
    if "gb" in spec:
        return GBExtraTTE(extra=spec["gb"])
    kw = {k: v for k, v in spec["head"].items() if k != "model"}
    base = GBExtraTTE(extra=spec["base_extra"]) if spec["base_extra"] else None
    return ResidualTTE(base=base, model=model if spec["head"]["model"] else None,
                       random_state=seed, **kw)  # fmt: skip


def run_arm(name, seeds, models, tables) -> tuple[dict, dict]:
    """(row, per-trip errors averaged over seeds); ``tables[k]`` = (train, target) with the
    retrieval columns of k neighbours (k = 0: none)."""
    spec = ARMS[name] or {}
    train, target = tables[spec.get("k", 0)]
    y = target["duration_s"].to_numpy().astype(np.float64)
    preds, fit_s, pred_s, n_params = [], [], [], 0
    for i, seed in enumerate(seeds):
        t0 = time.perf_counter()
        est = models[i] if name == "model" else make_estimator(name, seed, models[i] if models
                                                                else None).fit(train)  # fmt: skip
        n_params = est.num_params() if isinstance(est, ResidualTTE) else 0
        fit_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        preds.append(est.travel_time(target) if name == "model" else est.predict(target))
        pred_s.append(time.perf_counter() - t0)
        if name in BASELINES or "gb" in spec:
            break  # deterministic: one fit is every seed's
    errs = [per_trip(p, y) for p in preds]
    row = {"method": name, "n_seeds": len(preds), "head_params": n_params,
           "fit_s": float(np.mean(fit_s)),
           "latency_ms_per_trip": 1000 * float(np.mean(pred_s)) / len(y)}  # fmt: skip
    row |= seed_stats([{k: float(e[k].mean()) for k in ("mae_min", "mape_pct")} for e in errs])
    return row, {k: np.mean([e[k] for e in errs], 0) for k in ("mae_min", "mape_pct")}


def to_markdown(rows: list[dict], meta: dict) -> str:
    ref = meta["ref"]
    out = [f"### travel time + retrieval, {meta['data']} ({meta['split']} split, "
           f"{meta['n_trips']} trips)", "",
           f"| method | MAE (min) | MAPE (%) | MAE - GB [95 % CI] | MAPE - GB [95 % CI] | "
           f"MAE - {ref} | MAPE - {ref} | fit (s) |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        cells = []
        for key in ("vs_gb", "vs_ref"):
            for m in ("mae_min", "mape_pct"):
                c = r.get(key, {}).get(m)
                cells.append("–" if c is None else ci_text(c, 2, rel=False))
        sd = r["n_seeds"] > 1
        out.append(f"| {r['method']} | {pm(r['mae_min'], r['mae_min_std'] if sd else None, 2)} | "
                   f"{pm(r['mape_pct'], r['mape_pct_std'] if sd else None, 2)} | "
                   f"{' | '.join(cells)} | {r['fit_s']:.1f} |")  # fmt: skip
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="store (trajlm data ingest)")
    ap.add_argument("--split", choices=("val", "test"), default="val")
    ap.add_argument("--runs", default="", help="comma-separated trained od runs, one per seed")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--radius", type=float, default=200.0, help="sub-trip radius (m)")
    ap.add_argument("--ref", default="gb +ret k10", help="the second reference (a gb arm)")
    ap.add_argument("--arms", nargs="+", required=True, help="names: see the module docstring")
    ap.add_argument("--out", required=True, type=Path, help="JSON path (a .md beside it)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    unknown = [a for a in [*args.arms, args.ref] if a not in ARMS]
    if unknown:  # the grammar makes hundreds of names: too many to list as argparse choices
        ap.error(f"unknown arm(s) {unknown}; see the module docstring")
    runs = [r for r in args.runs.split(",") if r]
    if runs and len(runs) != len(args.seeds):
        ap.error(f"--runs has {len(runs)} runs for {len(args.seeds)} seeds")
    arms = list(dict.fromkeys(["gb", args.ref, *args.arms]))  # every arm paired against both
    needs_model = [a for a in arms if a == "model" or (ARMS[a] or {}).get("head", {}).get("model")]
    if needs_model and not runs:
        ap.error(f"arms {needs_model} need --runs")
    models = [CachedTravelTime(load_model(r)) for r in runs]
    parts = split_tables(read_store(args.data))
    train, target = make_tte_task(parts["train"]), make_tte_task(parts[args.split])
    tables = {0: (train, target)}
    for k in sorted({(ARMS[a] or {}).get("k", 0) for a in arms} - {0}):
        rf = RetrievalFeatures(k=k, radius_m=args.radius).fit(parts["train"])
        tables[k] = (rf.transform(train, exclude=train["traj_id"].to_numpy()),
                     rf.transform(target))  # fmt: skip
    rows, errs = [], {}
    for a in arms:
        row, errs[a] = run_arm(a, args.seeds, models, tables)
        rows.append(row)
        print(f"{a}: MAE {row['mae_min']:.3f} min, MAPE {row['mape_pct']:.2f} %", flush=True)
    for row in rows:  # paired CIs once both references are scored
        for key, ref in (("vs_gb", "gb"), ("vs_ref", args.ref)):
            a = row["method"]
            if a != ref:
                row[key] = {m: paired_bootstrap_ci(errs[a][m], errs[ref][m]) for m in errs[a]}
    meta = {"data": str(args.data), "split": args.split, "n_trips": len(target),
            "n_train_trips": len(train), "seeds": args.seeds, "runs": runs,
            "radius_m": args.radius, "ref": args.ref}  # fmt: skip
    doc = {"meta": meta, "rows": rows}
    write_results(args.out, doc, to_markdown(rows, meta))
    return doc


if __name__ == "__main__":
    main()
