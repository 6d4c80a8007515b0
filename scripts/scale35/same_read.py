"""Session 35 (scale35): the store read eval makes, old way and new way, compared row for row.

Old: every split's part files concatenated, then one stable sort by (traj_id, t), then
check_model_input (which sorted again). New: `read_store` (the splits' sorted parts merged) and
check_model_input (no sort of a table already in order). Both tables must be equal, in order,
column for column (floats to the bit). Prints the result per store; exit 1 on a difference.

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python scripts/scale35/same_read.py STORE [STORE ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from trajlm.data.schema import MIN_T_DATED, check_model_input
from trajlm.data.store import SPLITS, part_files, read_part, read_store


def old_read(store: Path) -> pl.DataFrame:
    frames = [pl.concat([read_part(f, None) for f in part_files(store, s)]).with_columns(
        pl.lit(s).alias("split")) for s in SPLITS]  # fmt: skip
    return pl.concat(frames).sort(["traj_id", "t"], maintain_order=True)


def main() -> int:
    bad = 0
    for arg in sys.argv[1:]:
        store = Path(arg)
        old, new = old_read(store), read_store(store)
        assert_frame_equal(old, new, check_exact=True)
        old = check_model_input(old.sort(["traj_id", "t"], maintain_order=True), min_t=MIN_T_DATED)
        new = check_model_input(new, min_t=MIN_T_DATED)
        try:
            assert_frame_equal(old, new, check_exact=True)
            print(f"{store}: same ({new.height:,} rows, {new.width} columns)")
        except AssertionError as e:
            bad += 1
            print(f"{store}: DIFFERENT: {e}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
