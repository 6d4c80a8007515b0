"""What asking polars for row order costs on a 1 M-row frame (order35, session 35): median ms
of 7 runs of each call with and without ``maintain_order``; one markdown row a call.

    POLARS_MAX_THREADS=2 OMP_NUM_THREADS=1 PYTHONPATH=$PWD .venv/bin/python scripts/order35/cost.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import polars as pl

N_ROWS, REPEATS = 1_000_000, 7


def median_ms(call: Callable[[], object]) -> float:
    """Median wall time of REPEATS calls, in ms."""
    took = []
    for _ in range(REPEATS):
        a = time.perf_counter()
        call()
        took.append(time.perf_counter() - a)
    return 1000 * float(np.median(took))


def main() -> None:
    rng = np.random.default_rng(0)
    n = N_ROWS  # points of n / 100 trajectories, sorted; a per-trajectory table shuffled
    pts = pl.DataFrame({"traj_id": np.sort(rng.integers(0, n // 100, n)), "t": np.arange(n),
                        "lat": rng.random(n)})  # fmt: skip
    per = pl.DataFrame(
        {"traj_id": rng.permutation(n // 100), "split": rng.integers(0, 3, n // 100)}
    )
    few = per.head(n // 200)
    calls = {
        "left join": lambda **k: pts.join(per, on="traj_id", how="left", **k),
        "inner join": lambda **k: pts.join(per, on="traj_id", **k),
        "semi join": lambda **k: pts.join(few, on="traj_id", how="semi", **k),
        "group_by.agg": lambda **k: pts.group_by("traj_id", **k).agg(pl.col("lat").sum()),
        "unique(subset, keep=first)": lambda **k: pts.unique(["traj_id"], keep="first", **k),
        "sort (2 keys)": lambda **k: pts.sort("traj_id", "t", **k),
    }
    print("| call (1 M rows) | as written (ms) | maintain_order (ms) |\n|---|---|---|")
    for name, call in calls.items():
        keep = "left" if "join" in name else True
        plain, kept = median_ms(call), median_ms(lambda c=call, k=keep: c(maintain_order=k))
        print(f"| {name} | {plain:.1f} | {kept:.1f} |")


if __name__ == "__main__":
    main()
