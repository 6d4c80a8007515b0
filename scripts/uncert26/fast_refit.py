"""The radii's fast bins refitted with val's 1-2 s stop-and-go movers (session 26, uncert26).

What it measures: trajlm-small's fast bins (radii24: histories sampled at <= 2.5 s, the larger
of fast and regular factors) fitted on radii24's val rows alone (shipped) or with
scripts/uncert26/gen_stopgo.py's couriers / pedestrians rows added (candidate), scored
    choose: leaving one val group of fast movers out at a time (fit on the rest, read it),
            and on the held-out stores' fitting part (their train splits, radii24's rows);
    fit:    the candidate written as radii.json into --out (regular bins unchanged);
    cover:  before -> after on rows (the test rows, once, after the choice): radii24_radii.py;
    paired: after - before per source with a paired bootstrap over queries.

    PYTHONPATH=$PWD .venv/bin/python scripts/uncert26/fast_refit.py choose \
        /tmp/radii24/val.parquet /tmp/uncert26/val_stopgo.parquet --fit-rows /tmp/radii24/fit.parquet
    PYTHONPATH=$PWD .venv/bin/python scripts/uncert26/fast_refit.py fit \
        /tmp/radii24/val.parquet /tmp/uncert26/val_stopgo.parquet --out trajlm/checkpoints/trajlm-small
    PYTHONPATH=$PWD .venv/bin/python scripts/radii24_radii.py cover /tmp/radii24/test.parquet \
        --before /tmp/uncert26/before --bins trajlm/checkpoints/trajlm-small
    PYTHONPATH=$PWD .venv/bin/python scripts/uncert26/fast_refit.py paired ROWS /tmp/uncert26/before \
        --out trajlm/checkpoints/trajlm-small      # after - before per source, paired CIs

Output: tables on stdout; ``fit`` writes radii.json under --out.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace

import polars as pl

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import radii22_radii as R  # noqa: E402
import radii24_radii as R24  # noqa: E402

from trajlm.eval.radii_bins import FAST_INTERVAL_S, load_radii_bins, save_radii_bins  # noqa: E402

SHIPPED = "trajlm/checkpoints/trajlm-small"


def fast_fit(val: pl.DataFrame, shipped, outer_only: bool = False):
    """``shipped`` with fast bins fitted on ``val``; ``outer_only``: their 90 / 95 % factors
    only, the 50 % ones kept as ``shipped``'s fast bins have them (bin by bin)."""
    b = R24.fit_fast(val, replace(shipped, fast=None))
    if not outer_only or shipped.fast is None:
        return b
    old, new = shipped.fast, b.fast

    def at(bins, key, lv):  # a bin's own factor, else the pooled one (as RadiiBins.factor)
        return bins.factors[key][lv] if key in bins.factors else bins.pooled[lv]

    keys = set(old.factors) | set(new.factors)
    factors = {k: {50: at(old, k, 50), 90: at(new, k, 90), 95: at(new, k, 95)} for k in keys}
    counts = {**old.counts, **new.counts}
    pooled = {50: old.pooled[50], 90: new.pooled[90], 95: new.pooled[95]}
    return replace(b, fast=replace(new, factors=factors, counts=counts, pooled=pooled))


def gap(t: pl.DataFrame) -> str:
    return " / ".join(f"{v:.1f}" for v in R24.off(t))


def choose(val: pl.DataFrame, extra: pl.DataFrame, fit_rows: pl.DataFrame) -> None:
    shipped = load_radii_bins(SHIPPED)
    both = pl.concat([val, extra], how="diagonal")
    fast_groups = both.filter(pl.col("dt") <= FAST_INTERVAL_S)["g"].unique().sort().to_list()
    print("leave one fast val group out (fit on the rest of val + extra, read it):")
    for name, pool, outer in (("shipped form, radii24's val", val, False),
                              ("candidate, + stop-and-go", both, False),
                              ("candidate, + stop-and-go, 90 / 95 only", both, True)):  # fmt: skip
        res = []
        for g in fast_groups:
            te = both.filter(pl.col("g") == g)
            tr = pool.filter(pl.col("g") != g)
            try:
                b = fast_fit(tr, shipped, outer)
            except SystemExit:  # under 2 fast groups left
                b = shipped
            res.append(R.shares(te, R24.bin_factors(te, b)))
        t = pl.concat(res)
        print(f"  {name}: mean |share - level| {gap(t)};",
              "; ".join(f"{r['g']} {r['in50']:.0f}/{r['in90']:.0f}/{r['in95']:.0f}"
                        for r in t.iter_rows(named=True)))  # fmt: skip
    for name, b in (("shipped", shipped), ("candidate", fast_fit(both, shipped)),
                    ("candidate, 90 / 95 only", fast_fit(both, shipped, True))):  # fmt: skip
        s = R.shares(fit_rows, R24.bin_factors(fit_rows, b), "source")
        fast = s.filter(pl.col("source").is_in(["cyclists-train", "gpx-train"]))
        print(f"fitting part, {name}: all 8 {gap(s)}; 1-2 s (cyclists, gpx) {gap(fast)};",
              "; ".join(f"{r['source']} {r['in50']:.1f}/{r['in90']:.1f}/{r['in95']:.1f}"
                        for r in s.iter_rows(named=True)))  # fmt: skip
        for lv in R.LEVELS:
            print(f"   fast pooled {lv}: {b.fast.pooled[lv]:.3f}")


def paired(rows: pl.DataFrame, before, after, reps: int = 1000, seed: int = 0) -> None:
    """Per source: share within each circle after - before (pts) with a paired bootstrap 95 %
    interval over queries (each query with all its answers)."""
    import numpy as np

    fb, fa = R24.bin_factors(rows, before), R24.bin_factors(rows, after)
    r = rows["r"].to_numpy()[:, None]
    diff = (r <= fa).astype(float) - (r <= fb).astype(float)
    rng = np.random.default_rng(seed)
    for src in rows["source"].unique().sort().to_list():
        m = (rows["source"] == src).to_numpy()
        q = rows.filter(pl.Series(m))["q"].to_numpy()
        if not np.abs(diff[m]).sum():
            continue
        _, qi = np.unique(q, return_inverse=True)
        per_q = np.stack([np.bincount(qi, diff[m][:, i]) for i in range(3)], 1)
        n_q = np.bincount(qi).astype(float)
        cells = []
        for i, lv in enumerate(R.LEVELS):
            b = rng.integers(0, len(n_q), (reps, len(n_q)))
            boots = per_q[b, i].sum(1) / n_q[b].sum(1) * 100
            est = per_q[:, i].sum() / n_q.sum() * 100
            lo, hi = np.percentile(boots, [2.5, 97.5])
            cells.append(f"{lv} %: {est:+.1f} [{lo:+.1f}, {hi:+.1f}]")
        print(f"{src} ({len(n_q)} queries): " + "; ".join(cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("choose", "fit", "paired"))
    ap.add_argument("val")
    ap.add_argument("extra")
    ap.add_argument("--fit-rows")
    ap.add_argument("--out")
    ap.add_argument("--outer-only", action="store_true", help="fit: new 90 / 95 only")
    a = ap.parse_args()
    if a.what == "paired":  # val: the rows; extra: the folder of the radii.json before
        paired(R.rows([a.val]), load_radii_bins(a.extra), load_radii_bins(a.out))
        return
    val, extra = R.rows([a.val]), R.rows([a.extra])
    if a.what == "choose":
        choose(val, extra, R.rows([a.fit_rows]))
        return
    both = pl.concat([val, extra], how="diagonal")
    shipped = load_radii_bins(a.out)
    b = fast_fit(both, shipped, outer_only=a.outer_only)
    what = "90 / 95 % factors" if a.outer_only else "factors"
    b = replace(b, note=f"{shipped.note}; session 26 (uncert26): the fast bins' {what} refitted "
                        "with val's stop-and-go 1-2 s movers (scripts/uncert26/gen_stopgo.py)")  # fmt: skip
    print("wrote", save_radii_bins(b, a.out), {lv: round(b.fast.pooled[lv], 3) for lv in R.LEVELS})


if __name__ == "__main__":
    main()
