"""Which polars calls keep the left frame's row order without being asked, on this machine and
polars version (order35, session 35). Each row: the call, the sizes, "kept" or "REORDERED".

    POLARS_MAX_THREADS=2 OMP_NUM_THREADS=1 PYTHONPATH=$PWD .venv/bin/python scripts/order35/probe.py

polars promises none of the "kept" rows ("do not rely on any observed ordering without
explicitly setting this parameter"); the probe shows where it already does not hold."""

from __future__ import annotations

import numpy as np
import polars as pl


def kept(df: pl.DataFrame) -> str:
    i = df["i"].drop_nulls().to_numpy()
    return "kept" if (np.diff(i) > 0).all() else "REORDERED"


def main() -> None:
    rng = np.random.default_rng(0)
    print(
        f"polars {pl.__version__}\n\n| call | left rows | right rows | left order |\n|---|---|---|---|"
    )
    for n_left, n_right in [(10, 100), (1000, 100_000), (100_000, 100_000), (100_000, 1000)]:
        keys = rng.permutation(max(n_left, n_right))
        left = pl.DataFrame({"k": keys[:n_left], "i": np.arange(n_left)})
        right = pl.DataFrame({"k": rng.permutation(keys)[:n_right], "v": np.arange(n_right)})
        for how in ("inner", "left", "semi", "anti", "full"):
            got = kept(left.join(right, on="k", how=how))
            print(f"| eager {how} join | {n_left:,} | {n_right:,} | {got} |")
    left = pl.DataFrame({"k": rng.integers(0, 100_000, 1_000_000), "i": np.arange(1_000_000)})
    right = pl.DataFrame({"k": np.arange(100_000), "v": np.arange(100_000)})
    lazy = left.lazy().join(right.lazy(), on="k", how="left").collect(engine="streaming")
    print(f"| lazy left join, streaming engine | 1,000,000 | 100,000 | {kept(lazy)} |")
    firsts = {tuple(left.group_by("k").agg(pl.col("i").first())["k"].head(5)) for _ in range(5)}
    print(
        f"| group_by: groups' order, 5 calls on one frame | 1,000,000 | - | {len(firsts)} orders |"
    )


if __name__ == "__main__":
    main()
