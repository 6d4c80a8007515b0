"""rollout40's diagnosis (issue 14, short histories): does trajlm-small's training data teach
braking after a short context, and does the model brake on a perfectly steady mover?

    python scripts/rollout40/diagnose.py data [--corpus runs/trajlm-small/corpus]
    python scripts/rollout40/diagnose.py steady [--model DIR]

``data``: every training window trajlm-small saw (each train trip cut into windows of
max_len 48 at stride 16, as the loader does); in each, positions whose causal context holds
k = 3-10 fixes (and 20, for contrast). Per (source, k): the share of contexts followed by
deceleration (the next 5 steps' mean speed < 0.8 x the context's mean step speed), steady
motion (0.8-1.2 x) and acceleration, the mean ratio, and the share whose next 5 steps run
past the trip's end (a window cut at a trip end: fewer than 5 steps left).
along1 / along5: the next 1 / 5 steps' displacement projected on the last context step, over
1 / 5 x that step (1 = constant velocity; a mean predictor learns the mean, turns included).
``steady``: noiseless straight lines at a constant speed, sampled every 15 / 60 / 300 s,
3-10 fixes of history: the model's 5 predicted steps over constant velocity's, with the
shipped inference settings and with every gate off (the weights alone).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import sys
import tempfile
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np
import pandas as pd

MAX_LEN, STRIDE, AHEAD = 48, 16, 5
KS = [3, 4, 5, 6, 8, 10, 20]
M_PER_DEG = 111_320.0


def plane(g: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """One trip's fixes in a local plane, metres."""
    x = g.lon.to_numpy() * np.cos(np.deg2rad(g.lat.iloc[0])) * M_PER_DEG
    return x, g.lat.to_numpy() * M_PER_DEG


def speeds(g: pd.DataFrame) -> np.ndarray:
    """Step speeds (m/s) of one trip, local plane."""
    x, y = plane(g)
    dt = np.maximum(np.diff(g.t.to_numpy().astype(float)), 1.0)
    return np.hypot(np.diff(x), np.diff(y)) / dt


def along(x: np.ndarray, y: np.ndarray, c: int, ahead: int) -> float:
    """The displacement from fix c-1 to fix c-1+ahead projected on the last context step
    (fix c-2 -> c-1), over ahead x that step's length: 1 = constant velocity's answer; what a
    mean (or median) predictor learns per step, turns included."""
    sx, sy = x[c - 1] - x[c - 2], y[c - 1] - y[c - 2]
    n = np.hypot(sx, sy)
    j = min(c - 1 + ahead, len(x) - 1)
    return float(((x[j] - x[c - 1]) * sx + (y[j] - y[c - 1]) * sy) / max(n * n * ahead, 1e-6))


def data_table(corpus: str) -> pd.DataFrame:
    files = glob.glob(os.path.join(corpus, "points", "split=train", "*.parquet"))
    pts = pd.concat(pd.read_parquet(f) for f in files).sort_values(["traj_id", "t"])
    rows = []
    for tid, g in pts.groupby("traj_id", sort=False):
        src = tid.split("/")[0]
        v = speeds(g)  # v[i]: step from fix i to i + 1
        x, y = plane(g)
        n = len(g)
        for s in range(0, max(n - 1, 1), STRIDE):  # window starts
            end = min(s + MAX_LEN, n)
            for k in KS:
                c = s + k  # the context is fixes s .. c-1; the next fix is c
                if c >= end:
                    continue
                ctx = v[s : c - 1]
                fut = v[c - 1 : c - 1 + AHEAD]
                cut = c - 1 + AHEAD > n - 1  # fewer than 5 steps left in the trip
                m = ctx.mean()
                if m < 0.5:  # stopped contexts: no speed to keep
                    continue
                a1, a5 = along(x, y, c, 1), along(x, y, c, AHEAD)
                rows.append((src, k, fut.mean() / m, cut, m, a1, a5))
    cols = ["source", "k", "ratio", "trip_end", "ctx_v", "along1", "along5"]
    d = pd.DataFrame(rows, columns=cols)
    out = d.groupby(["source", "k"]).agg(
        n=("ratio", "size"),
        decel=("ratio", lambda r: float((r < 0.8).mean())),
        steady=("ratio", lambda r: float(((r >= 0.8) & (r <= 1.2)).mean())),
        accel=("ratio", lambda r: float((r > 1.2).mean())),
        median_ratio=("ratio", "median"),
        trip_end=("trip_end", "mean"),
        along1_mean=("along1", "mean"),
        along1_median=("along1", "median"),
        along5_mean=("along5", "mean"),
        along5_median=("along5", "median"),
    )
    return out.reset_index()


def steady_lines(dt: float, speed: float, n_tracks: int, n_fix: int) -> pd.DataFrame:
    rng = np.random.default_rng(40)
    rows = []
    for i in range(n_tracks):
        head = rng.uniform(0, 2 * np.pi)
        for j in range(n_fix):
            d = speed * dt * j
            rows.append((f"s{i}", 1_700_000_000 + dt * j, 45.0 + d * np.sin(head) / M_PER_DEG,
                         7.0 + d * np.cos(head) / (M_PER_DEG * np.cos(np.deg2rad(45.0)))))  # fmt: skip
    df = pd.DataFrame(rows, columns=["traj_id", "t", "lat", "lon"])
    df["t"] = pd.to_datetime(df.t, unit="s")
    return df


def raw_model_dir(model: str) -> str:
    """A copy of ``model`` with every inference gate off (the weights' own answer)."""
    d = tempfile.mkdtemp(prefix="rollout40_raw_")
    for f in os.listdir(model):
        if f != "config.json" and os.path.isfile(os.path.join(model, f)):
            os.symlink(os.path.realpath(os.path.join(model, f)), os.path.join(d, f))
    cfg = json.load(open(os.path.join(model, "config.json")))
    cfg |= {"coverage_gate": "none", "backtest_gate": 0.0, "backtest_short_cap": [],
            "backtest_choice_steps": 0, "backtest_prior": 1.0, "backtest_fallback_window": 1,
            "backtest_choice_steady_only": False}  # fmt: skip
    json.dump(cfg, open(os.path.join(d, "config.json"), "w"))
    return d


def steady_table(model: str) -> pd.DataFrame:
    import torch

    torch.set_num_threads(1)
    import trajlm

    rows = []
    for label, path in (("shipped", model), ("weights only", raw_model_dir(model))):
        m = trajlm.TrajLM.from_pretrained(path, threads=1)
        for dt, speed in ((15, 8.0), (60, 8.0), (300, 28.8)):
            for h in (3, 4, 6, 8, 10):
                df = steady_lines(dt, speed, 20, h)
                p = m.predict(df, steps=5).sort_values(["traj_id", "step"])
                last = df.groupby("traj_id").tail(1).set_index("traj_id")
                kx = np.cos(np.deg2rad(45.0)) * M_PER_DEG
                px = (p.lon.to_numpy() - last.loc[p.traj_id, "lon"].to_numpy()) * kx
                py = (p.lat.to_numpy() - last.loc[p.traj_id, "lat"].to_numpy()) * M_PER_DEG
                dist = np.hypot(px, py).reshape(-1, 5)  # (tracks, steps) from the last fix
                cv = speed * dt * np.arange(1, 6)
                per_step = np.diff(np.c_[np.zeros(len(dist)), dist], axis=1) / (speed * dt)
                rows.append({"settings": label, "dt_s": dt, "speed": speed, "fixes": h,
                             "dist5_over_cv": float((dist[:, 4] / cv[4]).mean()),
                             **{f"step{s + 1}": float(per_step[:, s].mean()) for s in range(5)}})  # fmt: skip
        if label != "shipped":
            shutil.rmtree(path)
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["data", "steady"])
    ap.add_argument("--corpus", default="runs/trajlm-small/corpus")
    ap.add_argument("--model", default="trajlm/checkpoints/trajlm-small")
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    pd.set_option("display.width", 200)
    t = data_table(a.corpus) if a.what == "data" else steady_table(a.model)
    print(t.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
