"""Choose the radii factors of ``eval/spread_radii.py`` (session 21, tails21) on val rows written
by scripts/tails21_cover.py: the split-conformal quantile of err / std_m at 50 / 90 / 95 %, each
val source (Porto, GeoLife, movers) weighted equally; beside it, the quantiles per source and
per lag / interval bucket (is one factor enough?) and the 2-D Student-t that matches them.

    PYTHONPATH=$PWD python scripts/tails21_tune.py /tmp/tails21/val.parquet
"""

from __future__ import annotations

import argparse

import numpy as np
import polars as pl
from scipy import optimize

LEVELS = (0.5, 0.9, 0.95)


def weighted_quantile(r: np.ndarray, w: np.ndarray, p: float) -> float:
    """The conformal (upper) quantile: the smallest r whose weighted share at or below it is
    at least p (n+1 correction: one more row of the mean weight counted above)."""
    o = np.argsort(r)
    r, w = r[o], w[o]
    c = np.cumsum(w) / (w.sum() + w.mean())
    return float(r[min(np.searchsorted(c, p), len(r) - 1)])


def t_share(k: np.ndarray, nu: float, s: float) -> np.ndarray:
    """P(|err| <= k) for a 2-D isotropic Student-t of ``nu`` dof and per-axis scale s."""
    return 1 - (1 + (np.asarray(k) / s) ** 2 / nu) ** (-nu / 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rows", nargs="+")
    a = ap.parse_args()
    d = pl.concat([pl.read_parquet(p) for p in a.rows], how="diagonal")
    d = d.filter(pl.col("err").is_finite() & pl.col("std").is_finite() & (pl.col("std") > 0))
    d = d.with_columns(r=pl.col("err") / pl.col("std"), k=pl.col("a") / pl.col("dt"))
    n_src = d.group_by("source").len()
    d = d.join(n_src, on="source").with_columns(w=1.0 / pl.col("len"))
    r, w = d["r"].to_numpy(), d["w"].to_numpy()
    print("Gaussian reading:", [round(float(np.sqrt(-2 * np.log(1 - p))), 3) for p in LEVELS])
    fac = [weighted_quantile(r, w, p) for p in LEVELS]
    print("conformal factors (sources weighted equally):", [round(f, 3) for f in fac])
    for (s,), g in d.group_by("source", maintain_order=True):
        print(f"  {s}: n {g.height}", [round(float(np.quantile(g["r"], p)), 2) for p in LEVELS])
    d = d.with_columns(kb=pl.col("k").cut([1.01, 3, 10, 40]).cast(pl.String))
    for (kb,), g in d.group_by("kb", maintain_order=True):
        q = [weighted_quantile(g["r"].to_numpy(), g["w"].to_numpy(), p) for p in LEVELS]
        print(f"  lag / interval {kb}: n {g.height}", [round(x, 2) for x in q])
    grid = np.linspace(0.05, 8, 400)
    emp = np.array([w[r <= k].sum() / w.sum() for k in grid])
    (nu, s), _ = optimize.curve_fit(t_share, grid, emp, p0=(3.0, 0.7), bounds=([0.5, 0.1], [50, 5]))
    print(f"2-D Student-t fit: nu {nu:.2f}, per-axis scale {s:.3f} x std_m")
    for k in (1, 2, 3):
        print(f"  within {k} std_m: val {100 * w[r <= k].sum() / w.sum():.1f} %, t fit "
              f"{100 * t_share(k, nu, s):.1f} %, Gaussian {100 * (1 - np.exp(-k * k / 2)):.1f} %")  # fmt: skip


if __name__ == "__main__":
    main()
