"""Recovery on 1-s tracks with a causal checkpoint (the bidirectional bridge,
trajlm/tasks/recover_bridge.py): this code vs the reference it replaces, one run each, on the
same call, and the largest difference of their answers (must be <= 1e-6 m).

Reference: main at 6595dcc (session 23): each gap side's history thinned by its own
``thin_side`` call (a median and a searchsorted walk per side); ours: ``thin_sides``, every
side at once. The model's forward passes are the same in both (already batched: 512
pseudo-trajectories per rollout call, padding + mask, a KV cache over the rollout steps).

Calls: trajlm-small, ``BridgeRecoverer(**BRIDGE_DEFAULT, check="off")`` (the guarded bridge's
own answer, not the call check's fallback, so that the comparison sees the model's numbers);
random 50 % of the fixes hidden (seed 0; ends kept). Tracks: synthetic cyclists at 1 s
(``--trips`` x ``--points``, seeded) and, when present, the shared Limerick bus GPX (2,144
fixes at 1-2 s; ``$TRAJLM_DATA`` or ../shared/data), one thread; after a warm-up call, the
arms alternate ``--repeats`` times and each keeps its fastest call (the box is shared).

    .venv/bin/python bench/recover_speed.py [--trips 8 --points 600] --out bench/results/recover_speed.json
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch
from _results import add_out, write_result

import trajlm
from trajlm.data.features import LocalProjection
from trajlm.data.readers import read
from trajlm.tasks import recover_bridge
from trajlm.tasks.recover_bridge import BRIDGE_DEFAULT, BridgeRecoverer
from trajlm.tasks.recover_dense import thin_side, thin_sides

GPX = "bus_gpx_limerick/304 to UL 2019-02-18 0745.gpx"


def per_side(times, js, lo, hi, step, dt, cap):  # the reference: one thin_side call per side
    return [thin_side(times, int(j), int(a), int(b), step, dt, cap)
            for j, a, b in zip(js, lo, hi, strict=True)]  # fmt: skip


def cyclists(n_trips: int, n: int, seed: int = 0) -> tuple:
    """(groups, t, latlon) of n_trips synthetic 1-s tracks: ~5 m/s, wandering heading, 3 m
    GPS noise."""
    rng = np.random.default_rng(seed)
    proj = LocalProjection(53.40, -2.98)
    g, t, ll = [], [], []
    for i in range(n_trips):
        v = 5 + rng.normal(0, 0.3, n).cumsum() * 0.05
        head = rng.uniform(0, 2 * np.pi) + rng.normal(0, 0.05, n).cumsum()
        x = np.cumsum(v * np.cos(head)) + rng.normal(0, 3, n) + 50 * i
        y = np.cumsum(v * np.sin(head)) + rng.normal(0, 3, n)
        g.append(np.full(n, i))
        t.append(1_700_000_000 + 10_000 * i + np.arange(n))
        ll.append(np.stack(proj.inverse(x, y), 1))
    return np.concatenate(g), np.concatenate(t), np.concatenate(ll)


def limerick() -> tuple | None:
    root = Path(os.environ.get("TRAJLM_DATA", Path(__file__).resolve().parents[2] / "shared/data"))
    if not (root / GPX).exists():
        return None
    df = read(root / GPX)[0].sort("t")
    return (np.zeros(len(df), np.int64), df["t"].to_numpy().astype(np.int64),
            df.select("lat", "lon").to_numpy().astype(np.float64))  # fmt: skip


def task(groups, t, ll, seed: int = 0) -> SimpleNamespace:
    known = np.random.default_rng(seed).random(len(t)) >= 0.5
    edge = np.r_[True, groups[1:] != groups[:-1]] | np.r_[groups[1:] != groups[:-1], True]
    known[edge] = True
    return SimpleNamespace(groups=groups, t=t, latlon=ll, known=known)


def timed(model, tk, thin) -> tuple[float, np.ndarray]:
    recover_bridge.thin_sides = thin
    try:
        rec = BridgeRecoverer(model, **{**BRIDGE_DEFAULT, "check": "off"})
        t0 = time.perf_counter()
        with torch.inference_mode():
            out = rec.recover(tk)
        return time.perf_counter() - t0, out
    finally:
        recover_bridge.thin_sides = thin_sides


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trips", type=int, default=8)
    ap.add_argument("--points", type=int, default=600)
    ap.add_argument("--repeats", type=int, default=2, help="calls per arm, alternating; best kept")
    add_out(ap, "recover_speed.json")
    args = ap.parse_args()
    torch.set_num_threads(1)
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1).model
    timed(model, task(*cyclists(1, 120)), thin_sides)  # warm-up: torch's first-call costs
    sets = {f"cyclists {args.trips} x {args.points} at 1 s": cyclists(args.trips, args.points)}
    bus = limerick()
    if bus is not None:
        sets["Limerick bus GPX (1 x 2,144 at 1-2 s)"] = bus
    rows = []
    for name, data in sets.items():
        tk = task(*data)
        runs = [timed(model, tk, thin) for _ in range(args.repeats)
                for thin in (per_side, thin_sides)]  # alternating, the best of each  # fmt: skip
        ref_s, ref = min(runs[0::2], key=lambda r: r[0])
        our_s, ours = min(runs[1::2], key=lambda r: r[0])
        proj = LocalProjection(float(tk.latlon[:, 0].mean()), float(tk.latlon[:, 1].mean()))
        dx = np.hypot(*(np.stack(proj.forward(ours[:, 0], ours[:, 1]))
                        - np.stack(proj.forward(ref[:, 0], ref[:, 1]))))  # fmt: skip
        rows.append({"set": name, "points": len(tk.t), "hidden": int((~tk.known).sum()),
                     "reference_s": round(ref_s, 2), "ours_s": round(our_s, 2),
                     "speedup": round(ref_s / our_s, 2), "max_diff_m": float(dx.max())})  # fmt: skip
    print(
        "| set | points | hidden | reference (per-side thin_side) s | ours s | ratio | max diff m |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['set']} | {r['points']:,} | {r['hidden']:,} | {r['reference_s']} | "
              f"{r['ours_s']} | **{r['speedup']}x** | {r['max_diff_m']:.1e} |")  # fmt: skip
    assert all(r["max_diff_m"] <= 1e-6 for r in rows), "answers differ by more than 1e-6 m"
    write_result({"reference": "main 6595dcc: thin_side per gap side", "repeats": args.repeats,
                  "rows": rows},
                 args.out, "recover_speed.json")  # fmt: skip


if __name__ == "__main__":
    main()
