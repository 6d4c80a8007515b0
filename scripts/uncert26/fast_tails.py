"""Why 1-2 s movers' outer circles under-cover (session 26, uncert26; radii24's leftover).

What it measures: on scripts/radii24_rows.py's rows (the model's answers: err, std_m, seconds
ahead a, history span, interval dt), the share of truths inside trajlm-small's shipped 90 / 95 %
circles for histories sampled at <= 2.5 s, by seconds ahead over the history's span (a / span),
and the tail of err / radius there: val (synthetic car_1s, walker_2s) beside the held-out
fitting part (cyclists-train, gpx-train: a real 1-2 s bus).

    PYTHONPATH=$PWD .venv/bin/python scripts/uncert26/fast_tails.py \
        /tmp/radii24/val.parquet /tmp/radii24/fit.parquet

Output: tables on stdout (nothing written).
"""

from __future__ import annotations

import os
import sys

import numpy as np
import polars as pl

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import radii22_radii as R  # noqa: E402
from radii24_radii import bin_factors  # noqa: E402

from trajlm.eval.radii_bins import load_radii_bins  # noqa: E402

REACH_EDGES = (1.0, 3.0, 10.0)  # a / span: inside the history's span, ... far past it


def table(d: pl.DataFrame, f: np.ndarray, label: str) -> None:
    reach = d["a"].to_numpy() / np.maximum(d["span_s"].to_numpy(), 1.0)
    cell = np.searchsorted(REACH_EDGES, reach)
    hit = d["r"].to_numpy()[:, None] <= f
    x = pl.DataFrame({"set": d["g"], "reach": cell, **{f"in{lv}": hit[:, i] for i, lv in
                                                         enumerate(R.LEVELS)},
                      "over90": d["r"].to_numpy() / f[:, 1]})  # fmt: skip
    names = ["<1", "1-3", "3-10", ">10"]
    out = x.group_by("set", "reach").agg(
        n=pl.len(), **{f"in{lv}": pl.col(f"in{lv}").mean() * 100 for lv in R.LEVELS},
        q95_over_r90=pl.col("over90").quantile(0.95),
    ).sort("set", "reach").with_columns(reach=pl.col("reach").map_elements(lambda i: names[i],
                                                                           return_dtype=pl.String))  # fmt: skip
    print(f"## {label}: share within the shipped circles by seconds ahead / history span")
    with pl.Config(tbl_rows=60, float_precision=1, tbl_width_chars=200):
        print(out)


def main() -> None:
    val, fit = R.rows([sys.argv[1]]), R.rows([sys.argv[2]])
    bins = load_radii_bins("trajlm/checkpoints/trajlm-small")
    for d, label in ((val, "val"), (fit, "held-out fitting part (train splits)")):
        fast = d.filter(pl.col("dt") <= 2.5)
        table(fast, bin_factors(fast, bins), label + ", histories at <= 2.5 s")


if __name__ == "__main__":
    main()
