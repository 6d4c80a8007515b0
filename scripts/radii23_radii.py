"""Per-call radii (session 23, radii23): fit radii.json version 2 (the bins of session 22 on
err / (std_m x the backtest multiplier), eval/radii_bins.BacktestScale) on val rows of
scripts/radii23_rows.py, and measure coverage before (a version-1 radii.json) -> after.

    python scripts/radii23_radii.py fit /tmp/radii23/val.parquet --out trajlm/checkpoints/trajlm-small
    python scripts/radii23_radii.py cover /tmp/radii23/test.parquet \
        --before /tmp/radii23/radii_v1 --bins trajlm/checkpoints/trajlm-small

The choice (alpha 1, decay 1, clip 3, 6 backtest fixes) is scripts/radii23_logo.py's.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import polars as pl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import radii22_radii as R  # noqa: E402
import radii23_logo as L  # noqa: E402

from trajlm.eval.radii_bins import (  # noqa: E402
    BacktestScale,
    fit_radii_bins,
    load_radii_bins,
)

NOTE = ("fitted on val: Porto, GeoLife, movers seed 2001, with a per-call backtest scale "
        "(scripts/radii23_radii.py)")  # fmt: skip


def mult(d: pl.DataFrame, bins) -> np.ndarray | None:
    if bins is None or bins.scale is None:
        return None
    return bins.scale.mult(d["bm"].to_numpy(), d["lagmax"].to_numpy(), d["a"].to_numpy())


def factors(d: pl.DataFrame, bins) -> np.ndarray:
    """(rows, levels) radius / std_m of ``bins`` (a version-1 or -2 radii.json)."""
    a, sp, s, m = d["a"].to_numpy(), d["speed"].to_numpy(), d["std"].to_numpy(), mult(d, bins)
    return np.stack([bins.factor(lv, a, sp, s, m) for lv in R.LEVELS], 1)


def fit(d: pl.DataFrame, alpha: float = 1.0, decay: float = 1.0, clip: float = 3.0):
    s = d["bm"].to_numpy()
    scale = BacktestScale(float(np.nanmedian(np.where(s > 0, s, np.nan))), 6, alpha, decay, clip)
    m = scale.mult(s, d["lagmax"].to_numpy(), d["a"].to_numpy())
    return fit_radii_bins(d["r"].to_numpy(), d["w"].to_numpy(), d["g"].to_numpy(),
                          d["a"].to_numpy(), d["rel"].to_numpy(), R.LEVELS, note=NOTE,
                          scale=scale, mult=m)  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("fit", "cover"))
    ap.add_argument("rows", nargs="+")
    ap.add_argument("--out", help="fit: the checkpoint folder to write radii.json into")
    ap.add_argument("--bins", help="cover: the folder of the radii.json to measure (after)")
    ap.add_argument("--before", help="cover: the folder of the radii.json before")
    a = ap.parse_args()
    d = L.prep(a.rows)
    if a.what == "fit":
        b = fit(d)
        R.print_bins(b, a.out, ("scale", b.scale))
        return
    before, after = load_radii_bins(a.before), load_radii_bins(a.bins)
    # R.cover compares session 21's pooled factors (bins None) with ``bins``: point its
    # factors at the two files instead
    R.factors = lambda d, bins: factors(d, before if bins is None else after)  # noqa: E731
    R.cover(d, after)


if __name__ == "__main__":
    main()
