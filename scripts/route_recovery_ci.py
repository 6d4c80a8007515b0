"""Saved route-recovery models (`trajlm train-recovery`) against every recovery baseline, with
95 % paired bootstrap CIs (issue 15; docs/recovery-retrieval.md "Use it").

`trajlm eval --task recover --model DIR ...` gives the MAE rows; this adds what a results
table needs: per setting (random 50 % over mask seeds 0-2 pooled, every --intervals s) the
linear / cubic / PCHIP / Akima baselines in the train projection, each model's MAE, their
mean ± std, and the CI of the models' per-point mean error minus the setting's best baseline
on --split, over points (``paired_bootstrap_ci``) and over whole trajectories.

    PYTHONPATH=. python scripts/route_recovery_ci.py --data /tmp/stores/porto --split test \
        --model runs/rec-s0 runs/rec-s1 runs/rec-s2 --out out/route-recovery

Writes OUT/route_recovery_<split>.md and .json. Nothing is fitted here: choose on val.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from trajlm.data.features import LocalProjection
from trajlm.data.store import read_store
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.eval.metrics import point_errors
from trajlm.eval.recovery_baselines import CubicSplineInterpolation, LinearInterpolation
from trajlm.eval.route_recovery_predictor import RouteRecoveryPredictor, protocol_tasks

BASELINES = {"linear": LinearInterpolation(), "cubic": CubicSplineInterpolation("cubic"),
             "pchip": CubicSplineInterpolation("pchip"), "akima": CubicSplineInterpolation("akima")}  # fmt: skip


def traj_bootstrap(a, b, groups, n_boot: int = 2000, seed: int = 0) -> dict:
    """Mean of a - b over points and its 95 % interval, resampling whole trajectories (as
    scripts/recovery_results.py)."""
    d = np.asarray(a, np.float64) - np.asarray(b, np.float64)
    _, g = np.unique(groups, return_inverse=True)
    s, n = np.bincount(g, d), np.bincount(g).astype(np.float64)
    idx = np.random.default_rng(seed).integers(0, len(s), (n_boot, len(s)))
    lo, hi = np.percentile(s[idx].sum(1) / n[idx].sum(1), [2.5, 97.5])
    return {"diff": float(d.mean()), "lo": float(lo), "hi": float(hi)}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--model", type=Path, nargs="+", required=True)
    ap.add_argument("--split", choices=("val", "test"), default="test")
    ap.add_argument("--mask-seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--intervals", type=float, nargs="+", default=[60.0, 120.0, 240.0])
    ap.add_argument("--out", type=Path, default=Path("out/route-recovery"))
    args = ap.parse_args(argv)
    proj = LocalProjection.fit(read_store(args.data, split="train"))
    df = read_store(args.data, split=args.split)
    models = [RouteRecoveryPredictor.load(p) for p in args.model]
    result = {"data": str(args.data), "split": args.split, "models": [str(p) for p in args.model],
              "rows": []}  # fmt: skip
    lines = [f"Route recovery on the {args.split} split of {args.data} ({len(models)} models)", "",
             "| setting | " + " | ".join(BASELINES) + " | route recovery | vs best | "
             "95 % CI, points (m) | 95 % CI, trips (m) |", "|---" * 9 + "|"]  # fmt: skip
    for name, tasks in protocol_tasks(df, tuple(args.mask_seeds), tuple(args.intervals)).items():
        truth = np.concatenate([t.latlon[~t.known] for t in tasks])
        groups = np.concatenate([t.groups[~t.known] for t in tasks])
        err = {}
        for b, est in BASELINES.items():
            xy = [est._recover(np.asarray(t.t, np.float64), t.xy(proj), t.known, t.groups)[~t.known]
                  for t in tasks]  # fmt: skip
            xy = np.concatenate(xy)
            err[b] = point_errors(np.stack(proj.inverse(xy[:, 0], xy[:, 1]), 1), truth)
        per_model = np.stack([point_errors(np.concatenate([m.recover(t)[~t.known] for t in tasks]),
                                           truth) for m in models])  # fmt: skip
        best = min(BASELINES, key=lambda b: err[b].mean())
        ci = paired_bootstrap_ci(per_model.mean(0), err[best])
        tci = traj_bootstrap(per_model.mean(0), err[best], groups)
        maes = per_model.mean(1)
        std = float(maes.std(ddof=1)) if len(maes) > 1 else 0.0
        result["rows"].append({"setting": name, "baselines_mae_m": {b: float(e.mean()) for b, e in err.items()},
                               "best": best, "mae_m_per_model": maes.tolist(), "mae_m": float(maes.mean()),
                               "std_m": std, "ci_points": ci, "ci_traj": tci, "n_points": len(truth)})  # fmt: skip
        cells = [
            f"**{err[b].mean():.1f}**" if b == best else f"{err[b].mean():.1f}" for b in BASELINES
        ]
        lines.append(f"| {name} | {' | '.join(cells)} | {maes.mean():.1f} ± {std:.1f} | "
                     f"{ci['rel']:+.1%} | [{ci['lo']:+.1f}, {ci['hi']:+.1f}] | "
                     f"[{tci['lo']:+.1f}, {tci['hi']:+.1f}] |")  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    md = "\n".join(lines) + "\n"
    (args.out / f"route_recovery_{args.split}.md").write_text(md)
    (args.out / f"route_recovery_{args.split}.json").write_text(json.dumps(result, indent=1))
    print(md)
    return result


if __name__ == "__main__":
    main()
