"""Session 35 (scale35): the peak RSS of the store read `trajlm eval` makes, step by step.

Reads STORE as eval does (read_store, check_model_input, the train / val / test tables) with
every column or the four core ones, and prints the process's peak and current RSS and CPU after
each step (the peak includes eval's imports, ~390 MB). Run it with another checkout first on
PYTHONPATH to compare (`git archive 1017fee5` for the code before scale35):

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python scripts/scale35/read_peak.py STORE --columns core
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

T0 = time.process_time()


def step(what: str) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open("/proc/self/statm") as f:
        now = int(f.read().split()[1]) * 4096 / 2**20
    print(f"{what}: peak {peak:,.0f} MB, now {now:,.0f} MB, CPU {time.process_time() - T0:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("--columns", choices=("all", "core"), default="all")
    a = ap.parse_args()
    import trajlm.eval.protocol  # noqa: F401  (eval's imports, counted before the read)
    from trajlm.data.schema import MIN_T_DATED, check_model_input
    from trajlm.data.store import read_store
    from trajlm.eval.protocol import split_tables

    step("imports")
    cols = None if a.columns == "all" else ["traj_id", "t", "lat", "lon"]
    df = read_store(a.store, columns=cols)
    step(f"read_store ({df.height:,} rows, {df.width} columns)")
    df = check_model_input(df, source=str(a.store), min_t=MIN_T_DATED)
    step("check_model_input")
    parts = split_tables(df)
    step(f"train / val / test ({', '.join(f'{k} {len(v):,}' for k, v in parts.items())})")


if __name__ == "__main__":
    main()
