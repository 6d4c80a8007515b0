"""fallback40's diagnosis: when the backtest gate falls back fully, which physics answer is
closest? Exact offline from steady39's dumps (scripts/steady39/dump.py: the model's and CV's 5
answers and the truth, local metres) and the sets' own histories.

    python scripts/fallback40/physics.py DUMP.parquet SETS_DIR [SETS_DIR ...] [--tol 0.05]

A row is "gated out" when the model's 5 answers equal one of the two shipped physics answers
(the last step repeated, or the velocity over the last 2 steps: backtest_fallback_window = 2)
within --tol metres at every step. Per cell (set x fixes), over its gated-out rows: each
candidate's summed 5-step MAE over CV's (the last step's), paired bootstrap 95 % CI over trips.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "steady39"))
from probe_movers_score import HIST_END, read_trips  # noqa: E402
from rules import boot  # noqa: E402

M_PER_DEG = 111_320.0
EPOCH = pd.Timestamp("1970-01-01", tz="UTC")
K = np.arange(1, 6)[:, None]  # (5, 1) steps ahead


def histories(sets_dirs: list[str], names: set[str]) -> dict[tuple[str, int], np.ndarray]:
    """(set, trip) -> (20, 3) the first 20 fixes as x, y (metres, the dump's plane), t (s)."""
    out = {}
    for d in sets_dirs:
        for path in glob.glob(os.path.join(d, "*.csv")):
            name = os.path.basename(path).removesuffix(".csv")
            if name not in names:
                continue
            df, _ = read_trips(path, 150)
            kx = np.cos(np.deg2rad(df.groupby("trip_id").latitude.first())) * M_PER_DEG
            df = df[df.k <= HIST_END]
            for tid, g in df.groupby("trip_id"):
                t = (g.timestamp - EPOCH).dt.total_seconds().to_numpy()
                out[(name, tid)] = np.c_[g.longitude * kx[tid], g.latitude * M_PER_DEG, t]
    return out


def window_step(p: np.ndarray, n: int) -> np.ndarray:
    """(2,) the velocity over the last n steps (summed metres over summed seconds) times the
    last step's seconds: window_velocity_steps for one history (x, y, t rows)."""
    n = min(n, len(p) - 1)
    dt_last = max(p[-1, 2] - p[-2, 2], 1e-3)
    span = max(p[-1, 2] - p[-1 - n, 2], 1e-3)
    return (p[-1, :2] - p[-1 - n, :2]) / span * dt_last


def noise_ratio(p: np.ndarray) -> float:
    """The history's rms second difference over its mean step length (inf with < 2 steps)."""
    s = np.diff(p[:, :2], axis=0)
    if len(s) < 2:
        return float("inf")
    acc = np.diff(s, axis=0)
    return float(np.sqrt((acc**2).sum(1).mean()) / max(np.linalg.norm(s, axis=1).mean(), 1e-9))


def physics_pick(p: np.ndarray, horizon: int = 5) -> bool:
    """The shipped choice (backtest._physics_errors, window 2): True where the window's
    1..horizon step errors on the history are below the last step's (margin 1e-4)."""
    s = np.diff(p[:, :2], axis=0)
    dt = np.maximum(np.diff(p[:, 2]), 1e-3)
    e_cv = e_win = 0.0
    for i in range(len(s)):  # s[i]: the step into point i + 1, the base at point i + 1
        cv = s[i]
        lo = max(i - 1, 0)
        win = s[lo : i + 1].sum(0) / dt[lo : i + 1].sum() * dt[i]
        for j in range(1, horizon + 1):
            if i + j >= len(s):
                break
            disp = s[i + 1 : i + 1 + j].sum(0)
            e_cv += np.linalg.norm(cv * j - disp)
            e_win += np.linalg.norm(win * j - disp)
    return e_win < e_cv * (1 - 1e-4)


def candidates(p: np.ndarray) -> dict[str, np.ndarray]:
    """Each physics answer's 5 positions (5, 2) from one history."""
    last = p[-1, :2]
    s1, s2, s3 = (window_step(p, n) for n in (1, 2, 3))
    r = noise_ratio(p)
    dt = p[-1, 2] - p[-2, 2]
    pick = physics_pick(p)
    out = {
        "last": last + K * s1,
        "win2": last + K * s2,
        "win3": last + K * s3,
        "winall": last + K * window_step(p, len(p) - 1),
        "shipped": last + K * (s2 if pick else s1),
    }
    w = 1.0 / (1.0 + (r / 0.3) ** 2) if np.isfinite(r) else 1.0  # steady: mostly the last step
    out["blend_noise"] = last + K * (w * s1 + (1 - w) * s2)
    for thr in (0.1, 0.2, 0.4):
        out[f"noise<{thr}:last"] = last + K * (s1 if r < thr else (s2 if pick else s1))
    out["dt>=60:last"] = last + K * (s1 if dt >= 60 else (s2 if pick else s1))
    out["dt>=120:last"] = last + K * (s1 if dt >= 120 else (s2 if pick else s1))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("sets", nargs="+")
    ap.add_argument("--tol", type=float, default=0.05)
    ap.add_argument("--all-rows", action="store_true", help="score every row, not only gated")
    a = ap.parse_args()
    d = pd.read_parquet(a.dump)
    hist = histories(a.sets, set(d.set.unique()))
    truth = np.stack([d[[f"tx{s}", f"ty{s}"]].to_numpy() for s in range(5)], 1)  # (N, 5, 2)
    model = np.stack([d[[f"mx{s}", f"my{s}"]].to_numpy() for s in range(5)], 1)
    cv = np.stack([d[[f"cvx{s}", f"cvy{s}"]].to_numpy() for s in range(5)], 1)
    errs: dict[str, list[float]] = {}
    gated, cv_gap = [], []
    for i, r in enumerate(d.itertuples()):
        p = hist[(r.set, r.trip)][-r.h :]
        c = candidates(p)
        cv_gap.append(np.abs(c["last"] - cv[i]).max())
        gated.append(
            min(np.abs(model[i] - c["last"]).max(), np.abs(model[i] - c["win2"]).max()) < a.tol
        )
        c["model"] = model[i]
        for k, v in c.items():
            errs.setdefault(k, []).append(float(np.linalg.norm(v - truth[i], axis=1).mean()))
    e = {k: np.array(v) for k, v in errs.items()}
    d["gated"] = gated
    print(f"max |own last-step answer - dump CV| = {max(cv_gap):.3f} m (check)")
    names = [k for k in e if k != "last"]
    g = d.gated.to_numpy()
    print("\nWhole cells (every row; the candidate replaces the model's answer on the gated-out")
    print("rows only, an approximation: partly gated rows keep the shipped answer): worse cells")
    for k in names:
        m = np.where(g, e[k], e["model"])
        worse, logs = [], []
        for (s, h), idx in d.groupby(["set", "h"]).groups.items():
            i = np.asarray(idx)
            rr, lo, _ = boot(m[i], e["last"][i])
            logs.append(np.log(rr))
            if lo > 1 and rr > 1.002:
                worse.append(f"{s.split('_', 1)[1]}@{h} {rr:.3f}")
        print(
            f"- {k}: {len(worse)} worse, geo-mean {np.exp(np.mean(logs)):.4f}: {', '.join(worse)}"
        )
    print()
    print("| set | fixes | gated / n | " + " | ".join(names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    for (s, h), idx in d.groupby(["set", "h"]).groups.items():
        i = np.asarray(idx)
        sel = i if a.all_rows else i[d.gated.to_numpy()[i]]
        if len(sel) < 5:
            continue
        cells = []
        for k in names:
            rr, lo, hi = boot(e[k][sel], e["last"][sel])
            t = f"{rr:.3f} ({lo:.2f}-{hi:.2f})"
            cells.append(f"**{t}**" if lo > 1 and rr > 1.002 else t)
        print(f"| {s} | {h} | {len(sel)} / {len(i)} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
