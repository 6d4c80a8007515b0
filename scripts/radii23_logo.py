"""Leave-one-group-out over val for session 23's radii candidates (radii23).

Rows of scripts/radii23_rows.py. Each val group (Porto, GeoLife, each mover kind of the seed) is
left out in turn; a candidate is fitted on the other groups and scored on it: the mean over
groups of |share within the radius - level| at 50 / 90 / 95 %, the worst group, and the mean
over (group, mode, horizon cell) cells.

    python scripts/radii23_logo.py /tmp/radii23/val.parquet
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import polars as pl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import radii22_radii as R  # noqa: E402

from trajlm.eval.radii_bins import fit_radii_bins  # noqa: E402

LEVELS = R.LEVELS


def prep(paths: list[str]) -> pl.DataFrame:
    d = R.rows(paths)
    return d.with_columns(
        bm=pl.col("bt_r").list.eval(pl.element().median()).list.first(),
        bq=pl.col("bt_r").list.eval(pl.element().quantile(0.75)).list.first(),
        lagmax=pl.col("bt_a").list.max(),
    )


def scale(d: pl.DataFrame, kind: str) -> np.ndarray:
    """The per-call scale of each answer (1 where it cannot be read)."""
    if kind == "none":
        return np.ones(d.height)
    s = d[kind].to_numpy().astype(np.float64)
    return np.where(np.isfinite(s) & (s > 0), s, np.nan)


def candidate(tr: pl.DataFrame, te: pl.DataFrame, kind: str, alpha: float, clip: float,
              bins: bool = True, decay: float = 0.0) -> np.ndarray:  # fmt: skip
    """(rows of te, levels) factors: the per-call scale s (normalised by its train median,
    clipped to [1 / clip, clip]) to the power alpha times the bin's conformal quantile of
    r / s^alpha."""
    s_tr, s_te = scale(tr, kind), scale(te, kind)
    med = np.nanmedian(s_tr) if kind != "none" else 1.0

    def norm(s, d):  # noqa: E306
        s = np.where(np.isfinite(s), s / med, 1.0)
        if decay and kind != "none":
            lag = d["lagmax"].to_numpy().astype(np.float64)
            w = np.where(np.isfinite(lag), np.minimum(1.0, lag / d["a"].to_numpy()), 0.0) ** decay
        else:
            w = 1.0
        return np.clip(s, 1 / clip, clip) ** (alpha * w)

    m_tr, m_te = norm(s_tr, tr), norm(s_te, te)
    a, rel = tr["a"].to_numpy(), tr["rel"].to_numpy()
    if not bins:
        a = np.full_like(a, 1.0)
    b = fit_radii_bins(tr["r"].to_numpy() / m_tr, tr["w"].to_numpy(), tr["g"].to_numpy(), a,
                       rel, LEVELS)  # fmt: skip
    ta = te["a"].to_numpy() if bins else np.full(te.height, 1.0)
    if not bins:
        f = np.tile([b.pooled[lv] for lv in LEVELS], (te.height, 1))
    else:
        f = np.stack([b.factor(lv, ta, te["speed"].to_numpy(), te["std"].to_numpy())
                      for lv in LEVELS], 1)  # fmt: skip
    return f * m_te[:, None]


def logo(d: pl.DataFrame, cands: dict) -> pl.DataFrame:
    res = []
    for g in d["g"].unique().sort().to_list():
        tr, te = d.filter(pl.col("g") != g), d.filter(pl.col("g") == g)
        for name, kw in cands.items():
            res.append(R.shares(te, candidate(tr, te, **kw)).with_columns(fit=pl.lit(name)))
    t = pl.concat(res)
    base = t.filter(pl.col("fit") == "bins (radii22)").select(
        "g", *[pl.col(f"in{lv}").alias(f"b{lv}") for lv in LEVELS]
    )
    t = t.join(base, on="g", how="left")
    # a group "hurt": its |share - level| over 5 pts worse than with session 22's bins
    hurt = [
        ((pl.col(f"in{lv}") - lv).abs() - (pl.col(f"b{lv}") - lv).abs() > 5)
        .sum()
        .alias(f"hurt{lv}")
        for lv in LEVELS
    ]
    offs = [(pl.col(f"in{lv}") - lv).abs().mean().alias(f"off{lv}") for lv in LEVELS]
    worst = [(pl.col(f"in{lv}") - lv).abs().max().alias(f"worst{lv}") for lv in LEVELS]
    cells = [pl.col(f"cell{lv}").mean() for lv in LEVELS]
    return t, t.group_by("fit").agg(*offs, *worst, *cells, *hurt).sort("off50")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rows", nargs="+")
    ap.add_argument("--detail", action="append", default=[], help="print per group for these")
    a = ap.parse_args()
    d = prep(a.rows)
    cands = {"pooled": dict(kind="none", alpha=0, clip=1, bins=False),
             "bins (radii22)": dict(kind="none", alpha=0, clip=1)}  # fmt: skip
    for kind in ("bm",):
        for alpha in (0.25, 0.5, 0.75, 1.0):
            for decay in (0.0, 0.25, 0.5, 1.0):
                cands[f"bins x {kind}^{alpha} decay {decay}"] = dict(kind=kind, alpha=alpha,
                                                                     clip=3, decay=decay)  # fmt: skip
        cands[f"pooled x {kind}^0.5"] = dict(kind=kind, alpha=0.5, clip=3, bins=False)
        cands[f"pooled x {kind}^0.75 decay 0.5"] = dict(
            kind=kind, alpha=0.75, clip=3, bins=False, decay=0.5
        )
    for kind in ("turn", "spcv", "noise_m"):
        for alpha in (0.25, 0.5):
            cands[f"bins x {kind}^{alpha}"] = dict(kind=kind, alpha=alpha, clip=3)
    t, s = logo(d, cands)
    with pl.Config(tbl_rows=100, float_precision=1, tbl_width_chars=220, tbl_cols=20):
        print(s)
        for name in a.detail:
            print(name)
            print(t.filter(pl.col("fit") == name).drop("fit", "b50", "b90", "b95"))


if __name__ == "__main__":
    main()
