"""Seed 001's open questions (issue 14 item 5), measured small: delta vs absolute targets,
normalized vs absolute coordinates, and the absolute position as context, in-city and across
cities (docs/generalization.md "Seed 001's open questions, measured").

    OMP_NUM_THREADS=1 python scripts/seed001_ablations.py --train /tmp/stores/porto \
        --score porto=/tmp/stores/porto --score geolife=/tmp/stores/geolife \
        --seeds 0 1 2 --steps 300 --set eval_every=150 --out out/seed001

Four arms, each the recipe of configs/pretrain_model.toml (d_model 64, context dropout 0.5)
trained on --train for --steps steps per seed (the best of the val checks, as the Trainer
keeps it):

- ``trajectory``: every trajectory in its own normalized frame (position_frame "trajectory":
  steps, time steps and the clock, never the absolute position);
- ``store``: the absolute position in the store's plane (position_frame "store");
- ``store_ctx``: ``store`` with the absolute position as droppable context
  (context_features "time+position": the dropout hides clock and position together);
- ``store_abs``: ``store`` with absolute targets (step_target "absolute": the head says the
  next point's position, not the step).

``trajectory`` is also scored with its clock hidden (``trajectory/motion``), and
``store_ctx`` three ways with the same weights: ``full`` (reads the position),
``motion`` (hides clock and position, as its dropout did) and ``auto`` (hides them per trip
outside the training coverage). Every arm is scored on each --score store's --split (PROTOCOL
task 1: 20 points in, the next 5 out): 5-step MAE per seed, ratio to constant velocity with a
paired bootstrap 95 % CI over trips, and the paired bootstrap CI of the difference between the
seed-averaged per-trip errors of the pairs in PAIRS (trajlm/eval/compare.py). Writes
scores.json and table.md under --out; a run that exists is reused.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BASE_CONFIG = ROOT / "configs" / "pretrain_model.toml"
MODEL_KEYS = ("step_target",)  # [model] fields the arms set that the recipe does not name
ARMS = {  # name -> [model] overrides of configs/pretrain_model.toml
    "trajectory": {},
    "store": {"position_frame": '"store"'},
    "store_ctx": {"position_frame": '"store"', "context_features": '"time+position"'},
    "store_abs": {"position_frame": '"store"', "step_target": '"absolute"'},
}
# (arm, inference context) scored; None = the arm's own setting (auto for every arm here)
VARIANTS = [("trajectory", None), ("trajectory", "motion"), ("store", None), ("store_ctx", "full"),
            ("store_ctx", "motion"), ("store_ctx", "auto"), ("store_abs", None)]  # fmt: skip
PAIRS = [  # (a, b, question): a - b per trip, negative = a better
    ("store_abs", "store", "Q1 absolute vs delta targets"),
    ("trajectory", "store", "Q2 normalized vs absolute coordinates"),
    ("store_ctx/motion", "store_ctx/full", "Q3 without vs with the position context"),
    ("store_ctx/full", "store", "Q3 position as droppable context vs always read"),
    ("store_ctx/auto", "trajectory", "Q3 position as droppable context vs never read"),
    ("trajectory/motion", "trajectory", "clock hidden vs read (auto)"),
]


def write_config(arm: str, path: Path, overrides: dict[str, str]) -> Path:
    """configs/pretrain_model.toml with the arm's [model] overrides and `overrides` (any key
    of the file, e.g. the tests' smaller [train] batch)."""
    text = BASE_CONFIG.read_text()
    for key, value in (ARMS[arm] | overrides).items():
        text, n = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        if n == 0 and key in MODEL_KEYS:  # a [model] field the recipe leaves at its default
            text, n = re.subn(r"(?m)^\[model\]$", f"[model]\n{key} = {value}", text)
        if n != 1:
            raise SystemExit(f"{BASE_CONFIG}: no single `{key} = ...` line to override")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def train(store: Path, arm: str, seed: int, steps: int, out: Path, extra: dict) -> Path:
    run = out / "runs" / f"{arm}_s{seed}"
    if (run / "best" / "model.safetensors").exists():
        return run / "best"
    cfg = write_config(arm, out / "configs" / f"{arm}.toml", extra)
    cmd = [sys.executable, "-m", "trajlm.cli", "train", "--data", str(store), "--out", str(run),
           "--config", str(cfg), "--max-steps", str(steps), "--seed", str(seed),
           "--threads", "1", "--overwrite"]  # fmt: skip
    log = run.parent / f"{arm}_s{seed}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as f:
        subprocess.run(cmd, check=True, stdout=f, stderr=subprocess.STDOUT, cwd=ROOT)
    best = run / "best"
    return best if (best / "model.safetensors").exists() else run


def model_errors(weights: Path, task, context: str | None) -> np.ndarray:
    from trajlm.model import TrajectoryModel
    from trajlm.model.rollout import ModelPredictor

    sys.path.insert(0, str(ROOT / "scripts"))
    from pretrain_eval import trip_errors

    model = TrajectoryModel.from_pretrained(str(weights)).eval()
    if context is not None:
        model.embed.context = context
    return trip_errors(ModelPredictor(model).predict_next(task), task.target_latlon)


def score_store(name: str, store: Path, split: str, runs: dict, max_trips: int) -> dict:
    """Per-trip errors of CV and of every (arm, context) x seed on one store's split."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from pretrain_eval import cv_errors, ratio_ci

    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import read_store
    from trajlm.eval.compare import paired_bootstrap_ci

    df = read_store(store, split=split)
    if max_trips:
        keep = df["traj_id"].unique(maintain_order=True).head(max_trips)
        df = df.filter(df["traj_id"].is_in(keep.implode()))
    task = make_prediction_task(df)
    base = cv_errors(task, store)
    rows, per_trip = [], {}
    rows.append({"model": "constant velocity", "mae_m": float(base.mean()), "ratio": 1.0})
    for arm, context in VARIANTS:
        key = arm if context is None else f"{arm}/{context}"
        per_seed = [model_errors(w, task, context) for w in runs[arm]]
        maes = np.array([e.mean() for e in per_seed])
        per_trip[key] = np.mean(per_seed, axis=0)
        rows.append({
            "model": key, "n_seeds": len(maes), "mae_per_seed": maes.tolist(),
            "mae_m": float(maes.mean()), "mae_std_m": float(maes.std(ddof=1)) if len(maes) > 1
            else 0.0, "ratio": float(maes.mean() / base.mean()),
            "ratio_ci95": list(ratio_ci(per_trip[key], base)),
        })  # fmt: skip
    pairs = []
    for a, b, question in PAIRS:
        ci = paired_bootstrap_ci(per_trip[a], per_trip[b])
        pairs.append({"question": question, "a": a, "b": b} | ci)
    return {"store": name, "path": str(store), "split": split, "n_trips": len(base),
            "rows": rows, "pairs": pairs}  # fmt: skip


def table(scores: list[dict]) -> str:
    lines = ["| scored on | model | seeds | 5-step MAE (m) | / CV | 95 % CI vs CV |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for s in scores:
        where = f"{s['store']} {s['split']} ({s['n_trips']} trips)"
        for r in s["rows"]:
            if "ratio_ci95" not in r:
                lines.append(f"| {where} | {r['model']} | | {r['mae_m']:.1f} | 1.000 | |")
                continue
            lo, hi = r["ratio_ci95"]
            lines.append(f"| {where} | {r['model']} | {r['n_seeds']} | {r['mae_m']:.1f} ± "
                         f"{r['mae_std_m']:.1f} | {r['ratio']:.3f} | {lo:.3f}-{hi:.3f} |")  # fmt: skip
    lines += ["", "| scored on | question | a - b | mean diff (m) | 95 % CI (paired) | rel. |",
              "|---|---|---|---|---|---|"]  # fmt: skip
    for s in scores:
        for p in s["pairs"]:
            lines.append(f"| {s['store']} {s['split']} | {p['question']} | {p['a']} - {p['b']} | "
                         f"{p['diff']:+.1f} | {p['lo']:+.1f} to {p['hi']:+.1f} | "
                         f"{100 * p['rel']:+.1f} % |")  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", required=True, type=Path, help="store every arm is trained on")
    ap.add_argument("--score", action="append", required=True, help="NAME=STORE (repeatable)")
    ap.add_argument("--split", default="test", choices=("test", "val"), help="split scored")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--max-trips", type=int, default=0, help="score the first N trips only")
    ap.add_argument("--set", nargs="*", default=[], help="KEY=TOML_VALUE config overrides")
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args(argv)
    # the trainings run with cwd=ROOT: a relative path means the caller's folder, not the repo's
    args.train, args.out = args.train.resolve(), args.out.resolve()

    import torch

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    extra = dict(kv.split("=", 1) for kv in args.set)
    runs: dict[str, list[Path]] = {arm: [] for arm in ARMS}
    for seed in args.seeds:  # seed-major: every arm has seed 0 before any has seed 1
        for arm in ARMS:
            runs[arm].append(train(args.train, arm, seed, args.steps, args.out, extra))
    scores = []
    for spec in args.score:
        name, path = spec.split("=", 1)
        scores.append(score_store(name, Path(path), args.split, runs, args.max_trips))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scores.json").write_text(json.dumps(scores, indent=2))
    md = table(scores)
    (args.out / "table.md").write_text(md)
    print(md)
    return scores


if __name__ == "__main__":
    main()
