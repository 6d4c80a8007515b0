"""Steady straight tracks through the Python API: the session-11 new-user probe.

Straight lines at constant speed (3, 8, 15, 25 m/s) with 5 m GPS noise, sampled every 5, 15,
30 or 60 s, in Porto and Helsinki; 10 trips per cell, 40 points in, the next 5 out. Constant
velocity is the right answer here (up to noise), so a model that generalizes must not be worse.
Prints per sampling interval the geometric mean over cells of the 5-step MAE ratio to
ConstantVelocity, and the worst cell (docs/generalization.md "Session 11").

    python scripts/probe_steady.py --model trajlm-small [--backtest-gate 0]
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd
import torch

M_PER_DEG = 111_320.0


def steady_trips(rng, lat0: float, lon0: float, dt: float, v: float, n: int = 45, k: int = 10):
    cos = np.cos(np.radians(lat0))
    rows = []
    for j in range(k):
        heading = rng.uniform(0, 2 * np.pi)
        s = v * dt * np.arange(n)
        y = s * np.cos(heading) + rng.normal(0, 5, n)
        x = s * np.sin(heading) + rng.normal(0, 5, n)
        rows.append(pd.DataFrame({"traj_id": f"t{j}", "t": 1_700_000_000 + 3600 * j + dt * np.arange(n),
                                  "lat": lat0 + y / M_PER_DEG, "lon": lon0 + x / (M_PER_DEG * cos)}))  # fmt: skip
    return pd.concat(rows)


def mae(model, history: pd.DataFrame, truth: pd.DataFrame, lat0: float) -> float:
    p = model.predict(history, steps=5).merge(truth, on=["traj_id", "step"], suffixes=("_p", ""))
    dx = (p.lon_p - p.lon) * M_PER_DEG * np.cos(np.radians(lat0))
    return float(np.hypot((p.lat_p - p.lat) * M_PER_DEG, dx).mean())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="trajlm-small")
    ap.add_argument("--backtest-gate", type=float, help="override the model's (0 = off)")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    import trajlm
    from trajlm.baselines import ConstantVelocity

    model = trajlm.TrajLM.from_pretrained(args.model)
    if args.backtest_gate is not None:
        model.model.config.backtest_gate = args.backtest_gate
    rng = np.random.default_rng(0)
    ratios: dict[int, list[float]] = {}
    for lat0, lon0 in ((41.15, -8.61), (60.0, 24.9)):  # Porto, Helsinki
        for dt in (5, 15, 30, 60):
            for v in (3, 8, 15, 25):
                df = steady_trips(rng, lat0, lon0, dt, v)
                history = df.groupby("traj_id").head(40)
                truth = df.groupby("traj_id").tail(5).copy()
                truth["step"] = truth.groupby("traj_id").cumcount() + 1
                cv = mae(ConstantVelocity(), history, truth, lat0)
                ratios.setdefault(dt, []).append(mae(model, history, truth, lat0) / cv)
    print(f"{args.model}: 5-step MAE / constant velocity, geometric mean over 8 cells (worst)")
    for dt, r in ratios.items():
        print(f"  every {dt:2d} s: {np.exp(np.mean(np.log(r))):.2f} ({max(r):.2f})")


if __name__ == "__main__":
    main()
