"""Session 38 (scale38): what single steps of `trajlm eval` hold at a store's scale (RSS, MB).

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python scripts/scale38/probes.py STEP STORE

STEP: ``read`` (the four columns read raw, then a `split` column of one literal beside them),
``counts`` (trajectories per split: check_scored_split's group-by, then from traj_id's runs),
``points`` (retrieval.table_points of the train split: peak and held), ``columns`` (the
table eval reads, split column included: each column's dtype and estimated size). A thread samples
VmRSS every 5 ms; each line: the step, RSS before it, its peak over that and what it left.
``boot [ITEMS]``: the ratios' bootstrap at 14,520 items (BLOCK_ITEMS = ITEMS, default: the
code's), one block size per process (NumPy's heap keeps what a first run freed).
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

COLUMNS = ["traj_id", "t", "lat", "lon"]


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


PEAK = [0.0]


def watch() -> None:
    while True:
        PEAK[0] = max(PEAK[0], rss_mb())
        time.sleep(0.005)


def measure(name: str, step) -> object:
    time.sleep(0.3)
    before = PEAK[0] = rss_mb()
    got = step()
    time.sleep(0.3)
    print(f"{name}: RSS {before:.0f}, peak +{PEAK[0] - before:.0f}, left +{rss_mb() - before:.0f}"
          f" -> {getattr(got, 'shape', got)}", flush=True)  # fmt: skip
    return got


def main() -> None:
    threading.Thread(target=watch, daemon=True).start()
    step, store = sys.argv[1], Path(sys.argv[2]) if len(sys.argv) > 2 else None
    import numpy as np
    import polars as pl

    if step == "boot":
        from trajlm.eval import compare

        rng = np.random.default_rng(0)
        a, b, w = rng.random(14_520), rng.random(14_520), rng.integers(1, 5, 14_520)
        compare.BLOCK_ITEMS = int(sys.argv[2]) if len(sys.argv) > 2 else compare.BLOCK_ITEMS
        measure(f"bootstrap, blocks of {compare.BLOCK_ITEMS} items",
                lambda: compare.paired_bootstrap_ratio(a, b, weights=w)["lo"])  # fmt: skip
        return
    from trajlm import _cli_io as io
    from trajlm.data.store_read import part_files

    if step == "read":
        files = [f for s in ("train", "val", "test") for f in part_files(store, s)]
        df = measure("read raw", lambda: pl.concat([pl.read_parquet(f, columns=COLUMNS)
                                                    for f in files], rechunk=False))  # fmt: skip
        measure(
            "a literal split column", lambda: df.with_columns(pl.lit("train").alias("split")).height
        )
        return
    df = io.read_splits_checked(store, "--data", columns=COLUMNS)
    if step == "columns":  # as eval reads them: each column's dtype and estimated MB
        print({c: (str(df[c].dtype), round(df[c].estimated_size() / 2**20, 1)) for c in df.columns})
        return
    time.sleep(3)
    pl.DataFrame({"a": [1]}).sum()  # the allocator's decay runs on its next call
    if step == "counts":
        from trajlm.eval.eval_splits import trips_per_split

        measure("group_by", lambda: df.group_by("traj_id").agg(pl.col("t").min(),
                                                              pl.col("split").first()).height)  # fmt: skip
        time.sleep(3)
        pl.DataFrame({"a": [1]}).sum()
        measure("runs", lambda: trips_per_split(df))
    elif step == "points":
        from trajlm.data.features import LocalProjection
        from trajlm.data.retrieval import table_points
        from trajlm.eval.protocol import split_tables

        train = split_tables(df)["train"]
        proj = LocalProjection.fit(train)
        held: list = []  # the points stay held while "left" is read
        measure(
            "table_points",
            lambda: [a.shape for a in held.extend(table_points(train, proj)) or held],
        )


if __name__ == "__main__":
    main()
