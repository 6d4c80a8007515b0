"""The tables of docs/reasoning.md: generation with rejection and DPO on the model's own samples.

    python scripts/reasoning_results.py regen --data STORE --runs RUN [RUN ...] --out DIR
        [--split test] [--mode car] [--max-tries 8] [--retry-draws 1] [--reps 4]
    python scripts/reasoning_results.py dpo --data STORE --runs RUN [RUN ...] --out DIR
        [--split test] [--beta 0.05 --lr 3e-5 --steps 100 --sft-weight 1.0 --rounds 1]

regen: per run, the invalid rate of plain sampling (one draw per history, `reps` passes) vs
sampling with rejection (`max_tries`), the cost (rows drawn per row, and wall time per row vs
plain), the 5-step ADE (m) of the plain draw, the regenerated draw and the mean rollout.
dpo: per run (one seed each), pairs from the run's own samples on the TRAIN split, DPO through
the Trainer, then the invalid rate of plain sampling and the mean-rollout 5-step ADE on
`split`, before and after. Modes: the store's `label` per trip, else --mode (Porto: car).
Writes DIR/reason_<cmd>.json and DIR/reason_<cmd>.md.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import polars as pl
import torch

from trajlm.data.features import NormStats
from trajlm.data.metrics import ade, point_errors
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval.report import write_markdown_table
from trajlm.model import TrajectoryModel
from trajlm.model.rollout import ModelPredictor
from trajlm.reason.align import align, build_pairs
from trajlm.reason.regenerate import ContinuationChecker, sample_valid, task_batches


def task_and_modes(store: str, split: str, mode: str | None, limit: int | None):
    df = read_store(store, split=split)
    task = make_prediction_task(df)
    if limit and len(task.lengths) > limit:  # the first `limit` trips (deterministic)
        keep = df["traj_id"].unique(maintain_order=True).sort().head(limit)
        task = make_prediction_task(df.filter(pl.col("traj_id").is_in(keep.implode())))
    if mode is None and "label" in df.columns:
        lab = df.group_by("traj_id").agg(pl.col("label").first().fill_null("any"))
        lut = dict(zip(lab["traj_id"], lab["label"], strict=True))
        modes = np.array([lut[i] for i in task.traj_ids], dtype=object)
    else:
        modes = np.full(len(task.lengths), mode or "any", dtype=object)
    return task, modes


def sampled(model, task, modes, max_tries: int, seed: int, reps: int, retry_draws: int = 1) -> dict:
    """Invalid rates, cost and ADE of `reps` passes of sample_valid over the task."""
    proj = NormStats.from_dict(model.config.stats).projection
    checker = ContinuationChecker(proj)
    g = torch.Generator().manual_seed(seed)
    first, final, tries, pos, horizon = [], [], [], [], []
    t0 = time.perf_counter()
    for _ in range(reps):
        for sl, batch in task_batches(task, proj):
            r = sample_valid(model, batch, 5, modes[sl], checker, max_tries, g,
                             retry_draws=retry_draws)  # fmt: skip
            first.append(r.first_valid.numpy())
            final.append(r.valid.numpy())
            tries.append(r.tries.numpy())
            pos.append(r.pos.double().numpy())
            last = batch["t"][torch.arange(len(r.t)), batch["mask"].sum(1) - 1]
            horizon.append((r.t[:, -1] - last).double().numpy())  # seconds to the 5th point
    wall = time.perf_counter() - t0
    xy = np.concatenate(pos)
    latlon = np.stack(proj.inverse(xy[..., 0], xy[..., 1]), -1)
    truth = np.concatenate([task.target_latlon] * reps)
    n = len(task.lengths)
    # per history (averaged over the reps): invalid indicator and ADE, for paired bootstraps
    per_invalid = (1 - np.concatenate(final).astype(float)).reshape(reps, n).mean(0)
    per_ade = point_errors(latlon, truth).mean(1).reshape(reps, n).mean(0)
    first_ok = np.concatenate(first).reshape(reps, n)
    by_mode = {str(m): 100 * (1 - float(first_ok[:, modes == m].mean())) for m in np.unique(modes)}
    return {"invalid_first": 1 - float(np.concatenate(first).mean()),
            "invalid_first_pct_by_mode": by_mode,
            "horizon_s": float(np.concatenate(horizon).mean()),
            "invalid": 1 - float(np.concatenate(final).mean()),
            "cost_rows": float(np.concatenate(tries).mean()), "wall_s": wall,
            "ade_m": ade(latlon, truth), "n": len(truth),
            "per_invalid": per_invalid, "per_ade": per_ade}  # fmt: skip


def mean_ade(model, task) -> tuple[float, np.ndarray]:
    """(5-step ADE of the mean rollout, per-history ADE)."""
    err = point_errors(ModelPredictor(model).predict_next(task), task.target_latlon)
    return float(err.mean()), err.mean(1)


def paired_ci(
    before: list[np.ndarray],
    after: list[np.ndarray],
    ratio: bool,
    n_boot: int = 2000,
    seed: int = 0,
) -> tuple[float, float]:
    """95 % paired bootstrap CI (histories resampled, the same draw for every seed) of the
    mean over seeds of after - before (or after / before - 1 with `ratio`)."""
    b, a = np.stack(before), np.stack(after)  # (S, N)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, b.shape[1], size=(n_boot, b.shape[1]))
    mb, ma = b[:, idx].mean(2), a[:, idx].mean(2)  # (S, n_boot)
    stat = (ma / mb - 1 if ratio else ma - mb).mean(0)
    lo, hi = np.percentile(stat, [2.5, 97.5])
    return float(lo), float(hi)


def regen(args) -> list[dict]:
    task, modes = task_and_modes(args.data, args.split, args.mode, args.limit)
    rows, paired = [], {"inv0": [], "inv1": [], "ade0": [], "ade1": []}
    for run in args.runs:
        model = TrajectoryModel.from_pretrained(run)
        plain = sampled(model, task, modes, 1, args.seed, args.reps)
        regen_ = sampled(model, task, modes, args.max_tries, args.seed, args.reps, args.retry_draws)
        paired["inv0"].append(plain["per_invalid"])
        paired["inv1"].append(regen_["per_invalid"])
        paired["ade0"].append(plain["per_ade"])
        paired["ade1"].append(regen_["per_ade"])
        rows.append({"run": run, "n_histories": plain["n"],
                     "invalid_plain_pct": 100 * plain["invalid"],
                     "invalid_regen_pct": 100 * regen_["invalid"],
                     "cost_rows": regen_["cost_rows"],
                     "cost_wall": regen_["wall_s"] / plain["wall_s"],
                     "ade_plain_m": plain["ade_m"], "ade_regen_m": regen_["ade_m"],
                     "ade_mean_m": mean_ade(model, task)[0],
                     "horizon_true_s": float((task.target_t[:, -1] - task.hist_t[
                         np.arange(len(task.lengths)), task.lengths - 1]).mean()),
                     "horizon_plain_s": plain["horizon_s"], "horizon_regen_s": regen_["horizon_s"],
                     "invalid_plain_pct_by_mode": plain["invalid_first_pct_by_mode"]})  # fmt: skip
        print(json.dumps(rows[-1]))
    return rows, change_cis(paired)


def dpo(args) -> list[dict]:
    task, modes = task_and_modes(args.data, args.split, args.mode, args.limit)
    train, train_modes = task_and_modes(args.data, "train", args.mode, args.limit_train)
    rows, paired = [], {"inv0": [], "inv1": [], "ade0": [], "ade1": []}
    for i, run in enumerate(args.runs):
        model = TrajectoryModel.from_pretrained(run)
        before = sampled(model, task, modes, 1, args.seed, args.reps)
        ade0, per0 = mean_ade(model, task)
        t0, n_pairs = time.perf_counter(), 0
        for r in range(args.rounds):  # iterative DPO: round r+1 pairs the aligned model's draws
            g = torch.Generator().manual_seed(1000 * r + i)
            pairs = build_pairs(model, train, train_modes, generator=g)
            n_pairs += len(pairs["t0"])
            if len(pairs["t0"]):  # a model whose draws are all valid (or all invalid) has none
                align(model, pairs, args.steps, args.lr, args.beta, args.sft_weight, seed=i)
        if args.save:  # the aligned model, e.g. for `regen` on it (rejection after DPO)
            model.save_pretrained(Path(args.save) / f"aligned_{i}")
        after = sampled(model, task, modes, 1, args.seed, args.reps)
        ade1, per1 = mean_ade(model, task)
        paired["inv0"].append(before["per_invalid"])
        paired["inv1"].append(after["per_invalid"])
        paired["ade0"].append(per0)
        paired["ade1"].append(per1)
        rows.append({"run": run, "n_pairs": n_pairs, "train_s": time.perf_counter() - t0,
                     "invalid_before_pct": 100 * before["invalid"],
                     "invalid_after_pct": 100 * after["invalid"],
                     "ade_before_m": ade0, "ade_after_m": ade1,
                     "ade_change_pct": 100 * (ade1 / ade0 - 1)})  # fmt: skip
        print(json.dumps(rows[-1]))
    return rows, change_cis(paired)


def change_cis(paired: dict) -> dict:
    """95 % CIs of the change in invalid share (points) and in ADE (%), paired over histories."""
    return {"invalid_change_pp_ci95": [100 * v for v in paired_ci(paired["inv0"], paired["inv1"],
                                                                  False)],
            "ade_change_pct_ci95": [100 * v for v in paired_ci(paired["ade0"], paired["ade1"],
                                                               True)]}  # fmt: skip


def mean_std(rows: list[dict], key: str) -> str:
    v = np.array([r[key] for r in rows], dtype=float)
    return f"{v.mean():.2f} ± {v.std(ddof=1) if len(v) > 1 else 0.0:.2f}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cmd", choices=("regen", "dpo"))
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", nargs="+", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--split", default="test")
    ap.add_argument("--mode", default=None, help="one mode for every trip (default: label)")
    ap.add_argument("--limit", type=int, default=None, help="at most this many trips")
    ap.add_argument("--limit-train", type=int, default=1500)
    ap.add_argument("--max-tries", type=int, default=8)
    ap.add_argument("--reps", type=int, default=4)
    ap.add_argument("--retry-draws", type=int, default=1, help="draws per invalid row per retry")
    ap.add_argument("--seed", type=int, default=123)
    ap.add_argument("--beta", type=float, default=0.05)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--sft-weight", type=float, default=1.0)
    ap.add_argument("--rounds", type=int, default=1, help="DPO rounds (fresh pairs each)")
    ap.add_argument("--save", default=None, help="dpo: save each aligned model under this dir")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    rows, ci = regen(args) if args.cmd == "regen" else dpo(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"reason_{args.cmd}.json").write_text(json.dumps({"runs": rows, "paired_ci95": ci,
                                                             "args": vars(args)}, indent=2))  # fmt: skip
    keys = [k for k in rows[0] if k != "run" and not isinstance(rows[0][k], dict)]
    summary = {k: mean_std(rows, k) for k in keys}
    cis = [f"[{lo:+.2f}, {hi:+.2f}]" for lo, hi in ci.values()]
    write_markdown_table(out / f"reason_{args.cmd}.md", ["runs", *keys, *ci],
                         [[str(len(rows)), *summary.values(), *cis]])  # fmt: skip


if __name__ == "__main__":
    main()
