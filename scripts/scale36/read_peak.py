"""Session 36 (scale36): the peak RSS of `trajlm eval`'s store read, the old way or the new.

``--way whole``: the store read whole, merged into (traj_id, t) order, then the train / val /
test tables filtered out of it (eval before scale36; held twice). ``--way splits``: each split
read from its own part files and joined without a copy, the tables sliced out of it (eval
since scale36). Prints the process's peak and current RSS and CPU after each step (the peak
includes eval's imports). Run each way in its own process:

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python scripts/scale36/read_peak.py STORE --way splits
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

CORE = ["traj_id", "t", "lat", "lon"]


def _scale35_step():
    """scale35's read_peak.step (peak and current RSS, CPU since it was loaded)."""
    path = Path(__file__).resolve().parents[1] / "scale35" / "read_peak.py"
    spec = importlib.util.spec_from_file_location("scale35_read_peak", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.step


step = _scale35_step()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("--way", choices=("whole", "splits"), default="splits")
    ap.add_argument("--columns", choices=("all", "core"), default="core")
    a = ap.parse_args()
    import trajlm.eval.protocol  # noqa: F401  (eval's imports, counted before the read)
    from trajlm import _cli_io as io
    from trajlm.eval.protocol import split_tables

    step("imports")
    cols = None if a.columns == "all" else CORE
    read = io.read_store_checked if a.way == "whole" else io.read_splits_checked
    df = read(a.store, "--data", columns=cols)
    step(f"read ({a.way}: {df.height:,} rows, {df.width} columns, {df.n_chunks()} chunks)")
    parts = split_tables(df)
    step(f"train / val / test ({', '.join(f'{k} {len(v):,}' for k, v in parts.items())})")


if __name__ == "__main__":
    main()
