"""Session 36 (scale36): eval's train / val / test tables read the old way and the new, equal?

The old way: the store read whole (read_store_checked, merged into (traj_id, t) order), the
splits filtered out of it. The new: each split read from its own part files
(read_splits_checked), the splits sliced out. Prints one line per split and exits 1 on any
difference (rows, order, columns, dtypes, values to the bit: `DataFrame.equals`).

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python scripts/scale36/same_splits.py STORE [...] [--columns all]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stores", type=Path, nargs="+")
    ap.add_argument("--columns", choices=("all", "core"), default="core")
    a = ap.parse_args()
    from trajlm import _cli_io as io
    from trajlm.eval.protocol import split_tables

    cols = None if a.columns == "all" else ["traj_id", "t", "lat", "lon"]
    bad = 0
    for store in a.stores:
        old = split_tables(io.read_store_checked(store, "--data", columns=cols))
        new = split_tables(io.read_splits_checked(store, "--data", columns=cols))
        for s, table in old.items():
            same = table.equals(new[s]) and table.schema == new[s].schema
            bad += not same
            print(f"{store} {s}: {len(table):,} rows, {table.width} columns: "
                  f"{'identical' if same else 'DIFFERENT'}")  # fmt: skip
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
