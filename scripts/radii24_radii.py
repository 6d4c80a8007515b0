"""Session 24's radii candidates (radii24): a GPS-noise floor added in quadrature to ``std_m``
and a sampling-interval bin, scored offline on scripts/radii24_rows.py's rows.

``choose``: each candidate (1) left one val group out at a time (Porto, GeoLife, each mover kind
of seed 2001), fitted on the rest, scored on it; (2) fitted on all val and scored on the held-out
stores' fitting part (their train splits). Numbers: mean |share - level| (pts) at 50 / 90 / 95.
``fit``: the pick (fast bins, max over the unchanged bins) fitted on val's 1-2 s movers and
added to a checkpoint's radii.json (its regular bins kept as they are). ``cover``: before (the
``--before`` folder's radii.json) -> after (``--bins``) per set, on any rows.

    python scripts/radii24_radii.py choose /tmp/radii24/val.parquet --fit-rows /tmp/radii24/fit.parquet
    python scripts/radii24_radii.py fit /tmp/radii24/val.parquet --out trajlm/checkpoints/trajlm-small
    python scripts/radii24_radii.py cover /tmp/radii24/test.parquet --before /tmp/radii24/before \
        --bins trajlm/checkpoints/trajlm-small
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace

import numpy as np
import polars as pl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import radii22_radii as R  # noqa: E402

from trajlm.eval.radii_bins import (  # noqa: E402
    FAST_INTERVAL_S,
    fit_radii_bins,
    load_radii_bins,
    relative_std,
    save_radii_bins,
)

LEVELS = R.LEVELS
MIN_FAST_GROUPS = int(os.environ.get("RADII24_MIN_FAST_GROUPS", "2"))


def eff_std(d: pl.DataFrame, floor: float) -> np.ndarray:
    """std_m with the history's jitter x ``floor`` added in quadrature (jitter NaN: std_m)."""
    s = d["std"].to_numpy().astype(np.float64)
    j = np.nan_to_num(d["jit_m"].to_numpy().astype(np.float64), nan=0.0)
    return np.sqrt(s**2 + (floor * j) ** 2)


def fitted(tr: pl.DataFrame, floor: float, fast_s: float = 0.0, keep_all: bool = False):
    """Bins fitted on err / eff_std; with ``fast_s`` > 0 a second bin set for histories whose
    median interval is <= fast_s (needs its own >= 2 groups per bin, else the pooled rule)."""

    def one(x):  # noqa: E306
        s = eff_std(x, floor)
        return fit_radii_bins(x["err"].to_numpy() / s, x["w"].to_numpy(), x["g"].to_numpy(),
                              x["a"].to_numpy(), relative_std(s, x["speed"], x["a"]), LEVELS)  # fmt: skip

    if not fast_s:
        return one(tr), None
    fast = pl.Series(tr["dt"].to_numpy() <= fast_s)
    ft = tr.filter(fast)
    if ft["g"].n_unique() < MIN_FAST_GROUPS:  # radii22's rule: no factors from one val group
        return one(tr), None
    return (one(tr) if keep_all else one(tr.filter(~fast))), one(ft)


def factors(
    te: pl.DataFrame, model, floor: float, fast_s: float = 0.0, how: str = "own"
) -> np.ndarray:
    """(rows, levels) radius / std_m of ``te`` under a fitted candidate. ``how`` for the fast
    rows: "own" (the fast bins' factors), "max" (the larger of fast and regular), "50" (fast
    at level 50 only)."""
    slow, fast = model
    s = eff_std(te, floor)
    a, sp = te["a"].to_numpy(), te["speed"].to_numpy()
    f = np.stack([slow.factor(lv, a, sp, s) for lv in LEVELS], 1)
    if fast is not None:
        m = te["dt"].to_numpy() <= fast_s
        ff = np.stack([fast.factor(lv, a, sp, s) for lv in LEVELS], 1)
        if how == "max":
            ff = np.maximum(ff, f)
        elif how == "50":
            ff[:, 1:] = f[:, 1:]
        f[m] = ff[m]
    return f * (s / te["std"].to_numpy())[:, None]


def off(t: pl.DataFrame) -> list[float]:
    return [float((t[f"in{lv}"] - lv).abs().mean()) for lv in LEVELS]


CANDS = {
    "bins (session 22)": (0.0, 0.0, "own"),
    **{f"floor {c}": (c, 0.0, "own") for c in (0.5, 1.0, 2.0)},
    "interval <= 2.5 s": (0.0, 2.5, "own"),
    "interval <= 2.5 s, max": (0.0, 2.5, "max"),
    "interval <= 2.5 s, 50 only": (0.0, 2.5, "50"),
    "interval <= 1.5 s, max": (0.0, 1.5, "max"),
    "interval <= 3.5 s, max": (0.0, 3.5, "max"),
    "floor 1.0 + interval": (1.0, 2.5, "own"),
    "interval <= 2.5 s, max over unchanged bins": (0.0, 2.5, "max+all"),
    "interval <= 2.5 s, 50 only, unchanged bins": (0.0, 2.5, "50+all"),
}


def choose(val: pl.DataFrame, fit_rows: pl.DataFrame | None) -> None:
    before = load_radii_bins("trajlm/checkpoints/trajlm-small")
    out = []
    for name, (c, fs, how) in CANDS.items():
        res = []
        for g in val["g"].unique().sort().to_list():
            tr, te = val.filter(pl.col("g") != g), val.filter(pl.col("g") == g)
            res.append(
                R.shares(
                    te,
                    factors(
                        te, fitted(tr, c, fs, how.endswith("+all")), c, fs, how.removesuffix("+all")
                    ),
                )
            )
        t = pl.concat(res)
        row = {"cand": name}
        row |= {f"logo{lv}": v for lv, v in zip(LEVELS, off(t), strict=True)}
        row["worst50"] = (
            t["g"][int((t["in50"] - 50).abs().arg_max())]
            + f" {t['in50'][int((t['in50'] - 50).abs().arg_max())]:.1f}"
        )
        for k in ("movers2001/car_1s", "movers2001/walker_2s"):
            row[k.split("/")[1] + "50"] = float(t.filter(pl.col("g") == k)["in50"][0])
        if fit_rows is not None:
            fs_ = R.shares(
                fit_rows,
                factors(
                    fit_rows,
                    fitted(val, c, fs, how.endswith("+all")),
                    c,
                    fs,
                    how.removesuffix("+all"),
                ),
                "source",
            )
            row |= {f"fit{lv}": v for lv, v in zip(LEVELS, off(fs_), strict=True)}
            for r_ in fs_.iter_rows(named=True):
                row[r_["source"].removesuffix("-train")] = "/".join(
                    f"{r_[f'in{lv}']:.0f}" for lv in LEVELS
                )
        out.append(row)
    if fit_rows is not None:
        b = R.shares(fit_rows, R.factors(fit_rows, before), "source")
        print("shipped radii.json on the fitting part:", [round(v, 1) for v in off(b)])
        with pl.Config(tbl_rows=40, float_precision=1, tbl_width_chars=250, tbl_cols=40):
            print(b)
    with pl.Config(tbl_rows=40, float_precision=1, tbl_width_chars=300, tbl_cols=40):
        print(pl.DataFrame(out))


def fit_fast(val: pl.DataFrame, shipped, fast_s: float = FAST_INTERVAL_S):
    """``shipped`` with fast bins fitted on val's answers of histories sampled at <= fast_s."""
    ft = val.filter(pl.col("dt") <= fast_s)
    if ft["g"].n_unique() < MIN_FAST_GROUPS:
        raise SystemExit(f"val has {ft['g'].n_unique()} group(s) of <= {fast_s} s movers; need 2")
    fast = fit_radii_bins(ft["r"].to_numpy(), ft["w"].to_numpy(), ft["g"].to_numpy(),
                          ft["a"].to_numpy(), ft["rel"].to_numpy(), LEVELS,
                          note=f"val answers of histories sampled at <= {fast_s} s")  # fmt: skip
    note = shipped.note + f"; fast bins (radii24): {sorted(set(ft['g'].to_list()))}"
    return replace(shipped, fast=fast, fast_interval_s=fast_s, note=note)


def bin_factors(d: pl.DataFrame, bins) -> np.ndarray:
    """(rows, levels) radius / std_m as the API reads them (the history's interval included)."""
    a, sp, s, dt = (d[c].to_numpy() for c in ("a", "speed", "std", "dt"))
    return np.stack([bins.factor(lv, a, sp, s, None, dt) for lv in LEVELS], 1)


def cover(d: pl.DataFrame, before, after) -> None:
    """Per set: answers, queries, share within 50 / 90 / 95 before -> after, a 95 % bootstrap
    over queries (after), the mean |share - level| over held-out stores and over mover kinds."""
    fb, fa = bin_factors(d, before), bin_factors(d, after)
    key = (
        pl.when(pl.col("source").str.starts_with("movers"))
        .then(pl.col("kind"))
        .otherwise(pl.col("source"))
    )
    d2 = d.with_columns(source=key)
    b, a = R.shares(d2, fb, "source"), R.shares(d2, fa, "source")
    ci = R.boot_ci(d2, fa)
    print("| set | queries | 50 % | 90 % | 95 % | after, 95 % CI at 50 % |")
    print("|---|---|---|---|---|---|")
    for rb, ra in zip(b.iter_rows(named=True), a.iter_rows(named=True), strict=True):
        cells = " | ".join(f"{rb[f'in{lv}']:.1f} -> **{ra[f'in{lv}']:.1f}**" for lv in LEVELS)
        lo, hi = ci[(rb["source"], 50)]
        print(f"| {rb['source']} | {rb['queries']} | {cells} | {lo:.1f}-{hi:.1f} |")
    kinds = set(d.filter(pl.col("source").str.starts_with("movers"))["kind"].to_list())
    for name, sel in (("held-out stores", ~pl.col("source").is_in(list(kinds))),
                      ("mover kinds", pl.col("source").is_in(list(kinds)))):  # fmt: skip
        tb, ta = b.filter(sel), a.filter(sel)
        if tb.height:
            print(f"{name} ({tb.height}): mean |share - level| 50 / 90 / 95:",
                  " / ".join(f"{x:.1f}" for x in off(tb)), "->",
                  " / ".join(f"{x:.1f}" for x in off(ta)))  # fmt: skip
    mv = d.filter(pl.col("source").str.starts_with("movers"))
    if mv.height:  # per seed (pooled over kinds), mean +- t CI over seeds
        from scipy import stats

        for name, bins in (("before", before), ("after", after)):
            t = R.shares(mv, bin_factors(mv, bins), "source")
            tq = stats.t.ppf(0.975, max(t.height - 1, 1))
            print(f"movers per seed ({t.height}), {name}:", "; ".join(
                f"{lv}: {t[f'in{lv}'].mean():.1f} +- {tq * (t[f'in{lv}'].std() or 0.0) / np.sqrt(t.height):.1f}"
                for lv in LEVELS))  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("choose", "fit", "cover"))
    ap.add_argument("val", help="rows (choose / fit: val rows; cover: the rows to measure)")
    ap.add_argument("--out", help="fit: the checkpoint folder whose radii.json gets fast bins")
    ap.add_argument("--before", default="trajlm/checkpoints/trajlm-small")
    ap.add_argument("--bins", help="cover: the folder of the radii.json to measure")
    ap.add_argument("--fit-rows")
    ap.add_argument("--test-rows")
    ap.add_argument("--floor", type=float, default=1.0)
    ap.add_argument("--fast-s", type=float, default=0.0)
    a = ap.parse_args()
    val = R.rows([a.val])
    if a.what == "choose":
        choose(val, R.rows([a.fit_rows]) if a.fit_rows else None)
        return
    if a.what == "fit":
        shipped = load_radii_bins(a.out)
        if shipped is None:
            raise SystemExit(f"--out {a.out}: no radii.json to add fast bins to")
        b = fit_fast(val, replace(shipped, fast=None))
        for lv in LEVELS:
            print(
                lv,
                "pooled",
                round(shipped.pooled[lv], 3),
                "fast pooled",
                round(b.fast.pooled[lv], 3),
            )
        for k, (n, g) in sorted(b.fast.counts.items()):
            f = b.fast.factors.get(k)
            print(
                "  fast bin",
                k,
                "n",
                n,
                "groups",
                g,
                {x: round(y, 2) for x, y in f.items()} if f else "-> fast pooled",
            )
        print("wrote", save_radii_bins(b, a.out))
        return
    cover(val, load_radii_bins(a.before), load_radii_bins(a.bins))


if __name__ == "__main__":
    main()
