"""Paired comparison of two recipes on the same trips (docs/generalization.md "Session 7"):
the mean difference of their seed-averaged per-trip 5-step errors, with a paired bootstrap
95 % CI (trajlm/eval/compare.py), so "recipe A beats recipe B" is tested directly rather than
each against constant velocity.

    python scripts/robust_compare.py --data /tmp/stores/geolife --split val \\
        --a "ctxpos=runs/rb/porto_robust_aug_ctxpos_s0/best,..." \\
        --b "speed_aug=runs/rb/porto_robust_speed_aug_s0/best,..." \\
        --label "Porto -> GeoLife" --out out/robust7/compare_val.json

--b cv is constant velocity (so --level 0.975 tests "below CV" at a Bonferroni level for two
recipes read on test); --coverage-gate speed scores both with the gate; --speed-range LO:HI scores only the trips
whose history's median speed lies in [LO, HI) (as scripts/pretrain_eval.py). Appends one JSON
record to --out (a list).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
from pathlib import Path

import numpy as np


def _pretrain_eval():
    spec = importlib.util.spec_from_file_location(
        "pretrain_eval", Path(__file__).with_name("pretrain_eval.py")
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def seed_averaged(ev, dirs: str, task, gate: str | None) -> np.ndarray:
    """NAME=DIR[,DIR...]'s DIRs -> (N,) per-trip error averaged over the seeds."""
    return np.mean([ev.model_errors(d, task, gate) for d in dirs.split(",")], axis=0)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, type=Path, help="store whose split is scored")
    ap.add_argument("--a", required=True, help="NAME=DIR[,DIR...] (one weights dir per seed)")
    ap.add_argument("--b", required=True, help="NAME=DIR[,DIR...], the reference, or cv")
    ap.add_argument("--level", type=float, default=0.95, help="confidence level of the CI")
    ap.add_argument("--label", default="", help="row label, e.g. 'Porto -> GeoLife'")
    ap.add_argument("--split", default="test", choices=("test", "val"))
    ap.add_argument("--coverage-gate", choices=("none", "speed"), help="override both models'")
    ap.add_argument("--speed-range", help="LO:HI m/s: only trips with history median speed in it")
    ap.add_argument("--out", type=Path, help="append the record to this JSON list")
    args = ap.parse_args(argv)

    import torch

    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import read_store
    from trajlm.eval.compare import paired_bootstrap_ci

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    ev = _pretrain_eval()
    task = make_prediction_task(read_store(args.data, split=args.split))
    if args.speed_range:  # the same trip filter as pretrain_eval.py --speed-range
        lo, hi = (float(x) for x in args.speed_range.split(":"))
        v = ev.median_speeds(task)
        keep = (v >= lo) & (v < hi)
        arrays = ("hist_latlon", "hist_t", "lengths", "target_latlon", "target_t")
        task = dataclasses.replace(
            task,
            traj_ids=[i for i, k in zip(task.traj_ids, keep, strict=True) if k],
            **{f: getattr(task, f)[keep] for f in arrays},
        )
        args.label = f"{args.label}, history median speed {lo:g}-{hi:g} m/s"
    name_a, dirs_a = args.a.split("=", 1)
    err_a = seed_averaged(ev, dirs_a, task, args.coverage_gate)
    if args.b == "cv":
        name_b, dirs_b, err_b = "constant velocity", "", ev.cv_errors(task, args.data)
    else:
        name_b, dirs_b = args.b.split("=", 1)
        err_b = seed_averaged(ev, dirs_b, task, args.coverage_gate)
    ci = paired_bootstrap_ci(err_a, err_b, level=args.level)
    record = {"label": args.label, "data": str(args.data), "split": args.split,
              "coverage_gate": args.coverage_gate, "a": name_a, "b": name_b,
              "n_seeds": [len(dirs_a.split(",")), len(dirs_b.split(",")) if dirs_b else 0],
              "level": args.level,
              "mae_a_m": float(err_a.mean()), "mae_b_m": float(err_b.mean()), **ci}  # fmt: skip
    print(f"{args.label}: {name_a} - {name_b} = {ci['diff']:+.2f} m ({100 * ci['rel']:+.1f} %), "
          f"{100 * args.level:g}% CI {ci['lo']:+.2f} to {ci['hi']:+.2f} (n = {ci['n']})")  # fmt: skip
    if args.out:
        old = json.loads(args.out.read_text()) if args.out.exists() else []
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(old + [record], indent=2))
    return record


if __name__ == "__main__":
    main()
