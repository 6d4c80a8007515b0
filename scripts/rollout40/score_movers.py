"""rollout40's mover table: the arm's seeds against constant velocity (and trajlm-small) per
set x history, from steady39's dumps (scripts/steady39/dump.py, one per model).

    python scripts/rollout40/score_movers.py BASE.parquet ARM_SEED.parquet [ARM_SEED ...]

Per cell: trajlm-small / CV and arm / CV, where the arm's per-trip 5-step MAE is the mean over
its seeds' dumps; ratio = sum over trips / CV's sum, paired bootstrap 95 % CI over trips
(steady39's ``boot``: 1000 resamples, seed 0). Worse = the CI's lower end above 1; a ratio
<= 1.002 is float-level (listed apart, as steady39). Ends with the counts the rule reads.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "steady39"))
from rules import boot, mae  # noqa: E402

FLOAT_LEVEL = 1.002


def cell(m: np.ndarray, c: np.ndarray) -> tuple[str, bool]:
    r, lo, hi = boot(m, c)
    worse = lo > 1.0 and r > FLOAT_LEVEL
    text = f"{r:.3f} ({lo:.2f}-{hi:.2f})"
    return (f"**{text}**" if worse else text), worse


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("arm", nargs="+")
    a = ap.parse_args()
    key = ["set", "h", "trip"]
    base = pd.read_parquet(a.base).sort_values(key).reset_index(drop=True)
    arms = [pd.read_parquet(p).sort_values(key).reset_index(drop=True) for p in a.arm]
    for d in arms:
        assert (d[key].to_numpy() == base[key].to_numpy()).all(), "dumps of different trips"
    cv = mae(base, "cv")
    m_base = mae(base, "m")
    m_arm = np.mean([mae(d, "m") for d in arms], axis=0)
    per_seed = [mae(d, "m") for d in arms]
    print("| set | fixes | n | trajlm-small / CV | arm (seed mean) / CV | arm seeds / CV |")
    print("|---|---|---|---|---|---|")
    n_base = n_arm = 0
    logs = []
    for (s, h), idx in base.groupby(["set", "h"]).groups.items():
        i = np.asarray(idx)
        tb, wb = cell(m_base[i], cv[i])
        ta, wa = cell(m_arm[i], cv[i])
        seeds = " / ".join(f"{p[i].sum() / cv[i].sum():.3f}" for p in per_seed)
        n_base += wb
        n_arm += wa
        logs.append(np.log(m_arm[i].sum() / m_base[i].sum()))
        print(f"| {s} | {h} | {len(i)} | {tb} | {ta} | {seeds} |")
    print(f"\ncells worse than CV with the CI above 1: trajlm-small {n_base}, arm {n_arm}"
          f" (of {len(logs)}); arm / trajlm-small geometric mean over cells "
          f"{float(np.exp(np.mean(logs))):.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
