"""subsec39 diagnosis: what structure a kNN continuation uses on the synthetic plaza.

Replays the generator (scripts/newuser37/_walkers.py, seed 41, 600 walkers, 0.4-s steps) with
each walker's stop plan, cuts 8-in / 12-out windows every 12 fixes (eval's --windows all), and
scores constant velocity (CV), a smoothed CV (mean of the last 4 steps) and kNN continuation
(trajlm.eval.baselines.KNNContinuation: history 5, 20 neighbours, median, fitted on the first
480 walkers' fixes, scored on the last 120; no place, no time): ADE (m) overall and by window
kind (a stop starts / ends / is under way in the 12 predicted steps, or steady walking).
The generator's own ground truth, not the store's split: it says where kNN's gain comes from.
    python scripts/subsec39/structure.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from trajlm.eval.baselines import KNNContinuation

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "newuser37"))
from _walkers import simulate  # noqa: E402

OBS, PRED, HIST, K = 8, 12, 5, 20


def stop_mask(seed: int, n: int) -> dict[int, tuple[int, int]]:
    """Each walker's stop (first, last step) as the generator plans it (replayed RNG)."""
    rng = np.random.default_rng(seed)
    out, ped = {}, 0
    while ped < n:
        rng.integers(4)  # the side
        for _ in range(2):  # start and goal: _edge_point draws one uniform each
            rng.uniform()
        rng.integers(0, 900 - 120)
        rng.uniform(1.0, 1.6)
        size = int(rng.choice([1, 1, 1, 2, 2, 3]))
        stop_at = int(rng.integers(15, 40)) if rng.random() < 0.25 else -1
        stop_len = int(rng.integers(8, 25))
        for _ in range(min(size, n - ped)):
            ped += 1
            out[ped] = (stop_at, stop_at + stop_len) if stop_at >= 0 else (-1, -1)
    return out


def windows(walkers, stops):
    for w in walkers:
        xy = w.xy
        a, b = stops[w.ped]
        for c in range(OBS, len(xy) - PRED + 1, PRED):
            hist, fut = xy[c - OBS : c], xy[c : c + PRED]
            # track index k is age k (the first fix is after one step)
            ages = np.arange(c, c + PRED)
            if a < 0 or ages[-1] < a - 1 or ages[0] > b + 3:
                kind = "steady"
            elif c - 1 >= a and ages[-1] <= b:
                kind = "stopped throughout"
            elif c - 1 < a:
                kind = "stop starts"
            else:
                kind = "stop ends / walks on"
            yield w.ped, kind, hist, fut


def main() -> None:
    walkers = simulate(41, 600, 900)
    stops = stop_mask(41, 600)
    rows = list(windows(walkers, stops))
    test = [r for r in rows if r[0] > 480]
    lib = [w for w in walkers if w.ped <= 480]
    knn = KNNContinuation(n_neighbors=K, history=HIST, horizon=PRED).fit_points(
        np.concatenate([w.xy for w in lib]),
        np.repeat([w.ped for w in lib], [len(w.xy) for w in lib]),
        None,
    )
    hs = np.stack([h for _, _, h, _ in test])
    knn_pred = knn._extrapolate(hs, np.full(len(hs), OBS), PRED, None, None)
    err: dict[str, dict[str, list[float]]] = {}
    for i, (_, kind, h, f) in enumerate(test):
        v = np.diff(h, axis=0)
        steps = np.arange(1, PRED + 1)[:, None]
        cv = h[-1] + steps * v[-1]
        smooth = h[-1] + steps * v[-4:].mean(0)
        for name, p in (("CV", cv), ("smoothed CV", smooth), ("kNN", knn_pred[i])):
            e = float(np.linalg.norm(p - f, axis=1).mean())
            err.setdefault(kind, {}).setdefault(name, []).append(e)
            err.setdefault("all", {}).setdefault(name, []).append(e)
            if kind == "steady":  # along / across the last step's heading
                u = v[-1] / (np.linalg.norm(v[-1]) + 1e-9)
                d = p - f
                along = float(np.abs(d @ u).mean())
                across = float(np.abs(d @ np.array([-u[1], u[0]])).mean())
                err.setdefault("steady: along / across", {}).setdefault(name, []).append(
                    (along, across)
                )
    n_all = len(err["all"]["CV"])
    print(f"{'windows':24s} {'n':>5s} {'share':>6s}  CV ADE  smooth  kNN   kNN gain share")
    total_gain = sum(err["all"]["CV"]) - sum(err["all"]["kNN"])
    split = err.pop("steady: along / across")
    for name, v in split.items():
        a = np.asarray(v).mean(0)
        print(
            f"steady windows, {name}: mean |error| along the heading {a[0]:.3f} m, across {a[1]:.3f} m"
        )
    for kind, e in sorted(err.items(), key=lambda kv: -len(kv[1]["CV"])):
        n = len(e["CV"])
        m = {k: float(np.mean(v)) for k, v in e.items()}
        gain = sum(e["CV"]) - sum(e["kNN"])
        print(f"{kind:24s} {n:5d} {n / n_all:6.1%}  {m['CV']:.3f}  {m['smoothed CV']:.3f}  "
              f"{m['kNN']:.3f}  {gain / total_gain:6.1%}")  # fmt: skip


if __name__ == "__main__":
    main()
