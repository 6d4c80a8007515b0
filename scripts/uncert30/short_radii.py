"""Short-history multipliers of the prediction circles (session 30, uncert30): choose, fit and
measure them (trajlm/eval/radii_short.py holds the form).

What it measures: on the rows of scripts/uncert30/start_rows.py (one answer per H-fix window,
its error and its radii without a short multiplier), each candidate's share of truths inside
the 50 / 90 / 95 % circles per (source, history length) cell:
- ``choose VAL [--fit-rows HELDOUT]``: val read leaving one val source out at a time (fitted on
  the others) and the held-out stores' rows (fitted on all of val); mean |share - level| over
  the cells of 1-3 fixes (``short``) and of more (``long``), cells of >= 30 answers.
- ``fit VAL --pick NAME --dir DIR``: the candidate fitted on all of VAL into DIR/radii.json.
- ``cover ROWS --bins DIR``: before (no multiplier) -> after (DIR's radii.json), per cell, with
  a paired bootstrap over trajectories (1,000 resamples) of after - before.

    export PYTHONPATH=$PWD UNCERT30=/tmp/uncert30 OMP_NUM_THREADS=1
    .venv/bin/python scripts/uncert30/short_radii.py choose $UNCERT30/val.parquet \
        --fit-rows $UNCERT30/fit.parquet

Output: tables on stdout (nothing written but ``fit``'s radii.json).
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import replace

import numpy as np
import polars as pl

from trajlm.eval.radii_short import short_crossing, short_multiplier
from trajlm.eval.radii_short_fit import fit_short

LEVELS = (50, 90, 95)
MIN_CELL = 30
# name -> (caps, widen_only, one fix left alone, 1-2 s movers apart); the first four were
# decided before any row was read, the last six after the first val read (one fix: the next
# fix's time is unknown; 2-3 fixes: 1-2 s movers over, the others under)
CANDIDATES = {
    "1 / 2 / 3 fixes, both ways": ((1, 2, 3), False, False, False),
    "1 / 2 / 3 fixes, widen only": ((1, 2, 3), True, False, False),
    "1 / 2 / 3 / 4-5 fixes, both ways": ((1, 2, 3, 5), False, False, False),
    "1 / 2 / 3 / 4-9 fixes, both ways": ((1, 2, 3, 9), False, False, False),
    "2 / 3 fixes, widen only": ((1, 2, 3), True, True, False),
    "2 / 3 / 4-5 fixes, widen only": ((1, 2, 3, 5), True, True, False),
    "2 / 3 fixes, widen only, 1-2 s apart": ((1, 2, 3), True, True, True),
    "2 / 3 fixes, both ways, 1-2 s apart": ((1, 2, 3), False, True, True),
    "2 / 3 / 4-5 fixes, widen only, 1-2 s apart": ((1, 2, 3, 5), True, True, True),
    "2 / 3 / 4-9 fixes, widen only, 1-2 s apart": ((1, 2, 3, 9), True, True, True),
}
FAST_S = 2.5  # radii24's 1-2 s movers: a window's median interval at most this


def radius(d: pl.DataFrame, lv: int) -> np.ndarray:
    """The rows' radius at ``lv`` without a short multiplier."""
    col = f"r{lv}_noshort" if f"r{lv}_noshort" in d.columns else f"r{lv}_m"
    return d[col].to_numpy()


def weights(d: pl.DataFrame, caps: tuple[int, ...]) -> np.ndarray:
    """Each source weighs the same in each length bin."""
    edges = [0, *caps, 10**9]
    b = np.searchsorted(edges, d["h"].to_numpy(), side="left")
    key = d["source"].cast(pl.String).to_numpy().astype(object) + "#" + b.astype(str)
    _, inv, cnt = np.unique(key, return_inverse=True, return_counts=True)
    return 1.0 / cnt[inv]


def quick(d: pl.DataFrame) -> np.ndarray:
    dt = d["interval"].to_numpy()
    return np.isfinite(dt) & (dt > 0) & (dt <= FAST_S)


def fitted(d: pl.DataFrame, caps: tuple[int, ...], widen: bool, skip1: bool = False,
           fast: bool = False) -> dict:  # fmt: skip
    """{"fixes": multipliers} fitted on ``d`` (and "fast_fixes", fitted on 1-2 s movers'
    windows only, where ``fast``: the regular set then on the other windows)."""

    def one(part: pl.DataFrame) -> dict:
        r = {lv: part["err"].to_numpy() / radius(part, lv) for lv in LEVELS}
        out = fit_short(r, weights(part, caps), part["source"].to_numpy(), part["h"].to_numpy(),
                        LEVELS, caps, widen_only=widen)  # fmt: skip
        if skip1:
            out[1] = {lv: 1.0 for lv in LEVELS}
        return out

    if not fast:
        return {"fixes": one(d)}
    q = quick(d)
    return {"fixes": one(d.filter(~pl.Series(q))), "fast_fixes": one(d.filter(pl.Series(q)))}


def inside(d: pl.DataFrame, short: dict | None) -> dict[int, np.ndarray]:
    h = d["h"].to_numpy()
    q = quick(d)
    out = {}
    for lv in LEVELS:
        m = short_multiplier((short or {}).get("fixes"), lv, h, h.shape)
        if short and short.get("fast_fixes"):
            m = np.where(q, short_multiplier(short["fast_fixes"], lv, h, h.shape), m)
        out[lv] = d["err"].to_numpy() <= radius(d, lv) * m
    return out


def cells(d: pl.DataFrame, hit: dict[int, np.ndarray]) -> pl.DataFrame:
    t = d.select("source", "h").with_columns(
        **{f"c{lv}": pl.Series(hit[lv].astype(float) * 100) for lv in LEVELS}
    )
    return t.group_by("source", "h").agg(pl.len().alias("n"), *(pl.col(f"c{lv}").mean()
                                                             for lv in LEVELS)).sort("source", "h")  # fmt: skip


def gap(c: pl.DataFrame, short: bool) -> str:
    c = c.filter((pl.col("n") >= MIN_CELL) & ((pl.col("h") <= 3) if short else (pl.col("h") > 3)))
    return " / ".join(f"{(c[f'c{lv}'] - lv).abs().mean():.1f}" for lv in LEVELS)


def choose(a: argparse.Namespace) -> None:
    val = pl.read_parquet(a.rows)
    held = pl.read_parquet(a.fit_rows) if a.fit_rows else None
    print(
        "| candidate | val LOGO, 1-3 fixes | val LOGO, more | held-out, 1-3 fixes | held-out, more |"
    )
    print("|---|---|---|---|---|")
    rows = {"shipped (none)": None, **CANDIDATES}
    per_cell = {}
    for name, spec in rows.items():
        logo = []
        for s in val["source"].unique().sort():
            rest, one = val.filter(pl.col("source") != s), val.filter(pl.col("source") == s)
            short = None if spec is None else fitted(rest, *spec)
            logo.append(cells(one, inside(one, short)))
        lc = pl.concat(logo)
        cells_h = None
        if held is not None:
            short = None if spec is None else fitted(val, *spec)
            cells_h = cells(held, inside(held, short))
            per_cell[name] = cells_h
        hs = "" if cells_h is None else f"{gap(cells_h, True)} | {gap(cells_h, False)}"
        print(f"| {name} | {gap(lc, True)} | {gap(lc, False)} | {hs} |")
        if spec is not None:
            print("    fitted on all of val:", json.dumps(fitted(val, *spec)))
    for name, c in per_cell.items():
        print(f"\n{name}: held-out cells (share inside, 50 / 90 / 95)")
        for r in c.filter(pl.col("h") <= 6).iter_rows(named=True):
            print(
                f"  {r['source']:<20} h={r['h']:<3} n={r['n']:<4} {r['c50']:.1f} / {r['c90']:.1f} / {r['c95']:.1f}"
            )


def fit(a: argparse.Namespace) -> None:
    from trajlm.eval.radii_bins import load_radii_bins, save_radii_bins

    val = pl.read_parquet(a.rows)
    short = fitted(val, *CANDIDATES[a.pick])
    bins = load_radii_bins(a.dir)
    states = [{lv: 1.0 for lv in bins.levels}, *(bins.motion or {}).values(),
              *(bins.motion_fast or {}).values()]  # fmt: skip
    for key in short:
        if problem := short_crossing([bins.pooled, *bins.factors.values()], states, short[key]):
            raise SystemExit(f"the pick's multipliers cross: {problem}")
    note = (f"{bins.note}; session 30 (uncert30): short-history multipliers ({a.pick}) fitted on "
            "val (scripts/uncert30/short_radii.py)")  # fmt: skip
    new = replace(bins, short=short["fixes"], short_fast=short.get("fast_fixes"), note=note)
    print("wrote", save_radii_bins(new, a.dir), short)


def cover(a: argparse.Namespace) -> None:
    from trajlm.eval.radii_bins import load_radii_bins

    d = pl.read_parquet(a.rows)
    if a.starts:
        d = d.filter(pl.col("offset") == 0)
    bins = load_radii_bins(a.bins)
    short = {"fixes": bins.short, "fast_fixes": bins.short_fast}
    before, after = inside(d, None), inside(d, short)
    if "r90_noshort" in d.columns:  # rows of the shipped path: its own radii are the after
        after = {lv: d["err"].to_numpy() <= d[f"r{lv}_m"].to_numpy() for lv in LEVELS}
    rng = np.random.default_rng(0)
    print("| source | fixes | answers (trips) | 50 % before -> after | 90 % before -> after | "
          "95 % before -> after | after - before, 90 (95 % CI) | 95 (95 % CI) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for (src, h), g in d.with_row_index("row").group_by("source", "h", maintain_order=True):
        idx = g["row"].to_numpy()
        trips = g["traj"].to_numpy()
        uniq, inv = np.unique(trips, return_inverse=True)
        cellsd = []
        for lv in LEVELS:
            b, f = before[lv][idx].astype(float), after[lv][idx].astype(float)
            cellsd.append(f"{b.mean() * 100:.1f} -> {f.mean() * 100:.1f}")
        cis = []
        for lv in (90, 95):
            diff = after[lv][idx].astype(float) - before[lv][idx].astype(float)
            per = np.bincount(inv, diff, len(uniq))
            cnt = np.bincount(inv, None, len(uniq))
            boots = []
            for _ in range(1000):
                s = rng.integers(0, len(uniq), len(uniq))
                boots.append(per[s].sum() / cnt[s].sum() * 100)
            lo, hi = np.percentile(boots, [2.5, 97.5])
            cis.append(f"{diff.mean() * 100:+.1f} [{lo:+.1f}, {hi:+.1f}]")
        print(f"| {src} | {h} | {len(idx)} ({len(uniq)}) | " + " | ".join(cellsd + cis) + " |")
    rule(d, before, after)


def rule(d: pl.DataFrame, before: dict, after: dict) -> None:
    """The pre-registered ship rule's numbers: per store, mean |90 % share - 90| over its 2-5
    fix cells of >= MIN_CELL answers, and the largest move of a cell of 6 or more fixes."""
    x = d.select("source", "h").with_columns(b=pl.Series(before[90] * 100.0),
                                             a=pl.Series(after[90] * 100.0))  # fmt: skip
    c = x.group_by("source", "h").agg(pl.len().alias("n"), pl.col("b").mean(), pl.col("a").mean())
    short = c.filter(pl.col("h").is_between(2, 5) & (pl.col("n") >= MIN_CELL))
    per = short.group_by("source").agg((pl.col("b") - 90).abs().mean().alias("before"),
                                       (pl.col("a") - 90).abs().mean().alias("after")).sort("source")  # fmt: skip
    print("\nrule: per store, mean |90 % share - 90| over 2-5 fix cells (>= 30 answers)")
    for r in per.iter_rows(named=True):
        print(f"  {r['source']}: {r['before']:.1f} -> {r['after']:.1f}")
    print(f"  mean over stores: {per['before'].mean():.1f} -> {per['after'].mean():.1f}")
    long = c.filter(pl.col("h") >= 6)
    print(f"  largest move of a 6+ fix cell: {(long['a'] - long['b']).abs().max():.1f} pts")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("choose")
    c.add_argument("rows")
    c.add_argument("--fit-rows")
    f = sub.add_parser("fit")
    f.add_argument("rows")
    f.add_argument("--pick", required=True, choices=list(CANDIDATES))
    f.add_argument("--dir", required=True)
    v = sub.add_parser("cover")
    v.add_argument("rows")
    v.add_argument("--bins", required=True)
    v.add_argument("--starts", action="store_true", help="starting windows only (offset 0)")
    a = ap.parse_args()
    {"choose": choose, "fit": fit, "cover": cover}[a.cmd](a)


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
