"""Per-trip dump for steady39's offline rule search (exact: a rule only rescales the answer's
deviation from constant velocity, answer = CV + f x (model - CV), on the rows it picks).

    python scripts/steady39/dump.py OUT.parquet SET.csv [SET.csv ...] [--hist 3 4 5 6 8 10]
        [--model DIR]

Sets are probe_movers_score.py's format (trip_id, timestamp, latitude, longitude; history =
fixes 0..19, its last h; truth = fixes 20..24). Per (set, h, trip): the model's and constant
velocity's 5 positions and the truth in local metres, and the history's steadiness features.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np
import pandas as pd
import torch

torch.set_num_threads(1)
import trajlm  # noqa: E402
from trajlm.baselines import ConstantVelocity  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from probe_movers_score import HIST_END, read_trips  # noqa: E402

M_PER_DEG = 111_320.0


def features(x: np.ndarray, y: np.ndarray, t: np.ndarray) -> dict[str, float]:
    """Steadiness of one history (metres, seconds): speed spread (std / mean) and mean / max
    absolute heading change over its steps, the last step's speed over the mean speed."""
    dx, dy, dt = np.diff(x), np.diff(y), np.maximum(np.diff(t), 1.0)
    v = np.hypot(dx, dy) / dt
    head = np.arctan2(dy, dx)
    turn = np.abs((np.diff(head) + np.pi) % (2 * np.pi) - np.pi) if len(head) > 1 else np.zeros(1)
    mean_v = float(v.mean())
    net = float(np.hypot(x[-1] - x[0], y[-1] - y[0]))
    path = float(np.hypot(dx, dy).sum())
    net_v = net / max(float(t[-1] - t[0]), 1.0)
    return {
        "straight": net / max(path, 1e-6),
        "net_ratio": float(v[-1] / max(net_v, 1e-6)),
        "spread": float(v.std() / max(mean_v, 1e-6)),
        "mean_turn": float(np.rad2deg(turn.mean())),
        "max_turn": float(np.rad2deg(turn.max())),
        "last_ratio": float(v[-1] / max(mean_v, 1e-6)),
        "mean_v": mean_v,
        "min_ratio": float(v.min() / max(v.max(), 1e-6)),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("sets", nargs="+")
    ap.add_argument("--hist", type=int, nargs="+", default=[3, 4, 5, 6, 8, 10])
    ap.add_argument("--model", default="trajlm/checkpoints/trajlm-small")
    ap.add_argument("--max-trips", type=int, default=150)
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    model = trajlm.TrajLM.from_pretrained(a.model, threads=1)
    rows = []
    for path in a.sets:
        name = os.path.basename(path).removesuffix(".csv")
        df, _ = read_trips(path, a.max_trips)
        # each trip's own plane (sets span cities): x = lon x cos(its first latitude)
        kx = np.cos(np.deg2rad(df.groupby("trip_id").latitude.first())) * M_PER_DEG
        df["x"], df["y"] = df.longitude * df.trip_id.map(kx), df.latitude * M_PER_DEG
        df["ts"] = df.timestamp.astype("int64") / 1e9
        fut = df[(df.k > HIST_END) & (df.k <= HIST_END + 5)]
        truth = {tid: g[["x", "y"]].to_numpy() for tid, g in fut.groupby("trip_id")}
        for h in a.hist:
            hist = df[(df.k <= HIST_END) & (df.k > HIST_END - h)]
            cols = ["trip_id", "timestamp", "latitude", "longitude"]
            preds = {}
            for arm, fn in (("m", model.predict), ("cv", ConstantVelocity().predict)):
                p = fn(hist[cols], steps=5).sort_values(["trip_id", "step"])
                preds[arm] = {
                    tid: np.c_[g.longitude.to_numpy() * kx[tid], g.latitude.to_numpy() * M_PER_DEG]
                    for tid, g in p.groupby("trip_id")
                }
            for tid, g in hist.groupby("trip_id"):
                r = {"set": name, "h": h, "trip": tid}
                r |= features(g.x.to_numpy(), g.y.to_numpy(), g.ts.to_numpy())
                for arm in ("m", "cv"):
                    for s in range(5):
                        r[f"{arm}x{s}"], r[f"{arm}y{s}"] = preds[arm][tid][s]
                for s in range(5):
                    r[f"tx{s}"], r[f"ty{s}"] = truth[tid][s]
                rows.append(r)
        print(name, flush=True)
    pd.DataFrame(rows).to_parquet(a.out)


if __name__ == "__main__":
    main()
