"""Radii per motion state (session 28, uncert28): stopped / starting / moving multipliers.

What it measures: trajlm-small's circles (radii.json: radii22's bins, radii24's fast bins,
uncert26's refit) on scripts/uncert28/motion_rows.py's rows (the model's answers with the
history's motion state, eval/motion_state.py), by state; and candidates that multiply an
answer's factor by its state's conformal multiplier (the quantile at the level of r / factor
over val's answers in that state; eval/radii_bins.RadiiBins.motion):

    choose: each val group (Porto, GeoLife, each mover kind, the stop-and-go couriers and
            pedestrians) left out in turn, multipliers fitted on the rest, read on it; and
            fitted on all val, read on the held-out stores' train splits. Mean |share - level|
            (pts) at 50 / 90 / 95 per set and per (set, state) cell of >= 30 answers.
    fit:    the pick written into --out's radii.json (its bins kept as they are).
    cover:  before (--before's radii.json) -> after (--bins') per set and state, on any rows
            (the test rows once, after the choice), with a paired bootstrap over queries.

    export PYTHONPATH=$PWD UNCERT28=/tmp/uncert28
    .venv/bin/python scripts/uncert28/motion_radii.py choose $UNCERT28/val.parquet \
        $UNCERT28/val_stopgo.parquet --fit-rows $UNCERT28/fit.parquet
    .venv/bin/python scripts/uncert28/motion_radii.py fit $UNCERT28/val.parquet \
        $UNCERT28/val_stopgo.parquet --out trajlm/checkpoints/trajlm-small
    .venv/bin/python scripts/uncert28/motion_radii.py cover $UNCERT28/test.parquet \
        --before $UNCERT28/before --bins trajlm/checkpoints/trajlm-small

Output: tables on stdout; ``fit`` writes radii.json under --out.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace

import numpy as np
import polars as pl

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import radii22_radii as R  # noqa: E402

from trajlm.eval.radii_bins import (  # noqa: E402
    FAST_INTERVAL_S,
    load_radii_bins,
    save_radii_bins,
)
from trajlm.eval.radii_motion import fit_motion  # noqa: E402

LEVELS = R.LEVELS
MIN_CELL = 30  # answers in a (set, state) cell for it to count in the mean gap
# candidate: (states given a multiplier, widen only, levels refitted, fast histories only)
SS = ("stopped", "starting")
CANDS = {
    "shipped (no state)": None,
    "stopped + starting, widen, all levels": (SS, True, LEVELS, "no"),
    "stopped + starting, widen, 90 / 95": (SS, True, (90, 95), "no"),
    "stopped + starting, both ways, all levels": (SS, False, LEVELS, "no"),
    "all 3 states, both ways, all levels": (SS + ("moving",), False, LEVELS, "no"),
    "stopped + starting, widen, all levels, 1-2 s only": (SS, True, LEVELS, "only"),
    "stopped + starting, widen, 90 / 95, 1-2 s only": (SS, True, (90, 95), "only"),
    "stopped + starting, widen, all levels, 1-2 s apart": (SS, True, LEVELS, "split"),
    "stopped + starting, widen, 90 / 95, 1-2 s apart": (SS, True, (90, 95), "split"),
}  # fmt: skip


def factors(d: pl.DataFrame, bins) -> np.ndarray:
    """(rows, levels) radius / std_m as the API reads them (interval and state included)."""
    a, sp, s, dt = (d[c].to_numpy() for c in ("a", "speed", "std", "dt"))
    st = d["state"].to_numpy()
    return np.stack([bins.factor(lv, a, sp, s, None, dt, st) for lv in LEVELS], 1)


def candidate(val: pl.DataFrame, shipped, cand):
    if cand is None:
        return replace(shipped, motion=None, motion_fast=None)
    states, widen, levels, fast = cand
    base = replace(shipped, motion=None, motion_fast=None)
    return fit_motion(base, val["r"].to_numpy(), val["w"].to_numpy(), val["g"].to_numpy(),
                      val["a"].to_numpy(), val["speed"].to_numpy(), val["std"].to_numpy(),
                      val["dt"].to_numpy(), val["state"].to_numpy(), states=states,
                      widen_only=widen, levels=levels,
                      fast=fast)  # fmt: skip


def by_state(d: pl.DataFrame, f: np.ndarray, key: str) -> pl.DataFrame:
    """Per (key, state): answers and share within each circle (%)."""
    hit = d["r"].to_numpy()[:, None] <= f
    x = d.select(key, "state").with_columns(
        **{f"in{lv}": pl.Series(hit[:, i]) for i, lv in enumerate(LEVELS)}
    )
    return x.group_by(key, "state").agg(
        n=pl.len(), **{f"in{lv}": pl.col(f"in{lv}").mean() * 100 for lv in LEVELS}
    ).sort(key, "state")  # fmt: skip


def gaps(t: pl.DataFrame) -> list[float]:
    t = t.filter(pl.col("n") >= MIN_CELL)
    return [float((t[f"in{lv}"] - lv).abs().mean()) for lv in LEVELS]


def fmt(v: list[float]) -> str:
    return " / ".join(f"{x:.1f}" for x in v)


def choose(val: pl.DataFrame, fit_rows: pl.DataFrame, shipped) -> None:
    fast_g = set(val.filter(pl.col("dt") <= FAST_INTERVAL_S)["g"].unique().to_list())
    for name, cand in CANDS.items():
        res = []
        for g in val["g"].unique().sort().to_list():
            te, tr = val.filter(pl.col("g") == g), val.filter(pl.col("g") != g)
            res.append(by_state(te, factors(te, candidate(tr, shipped, cand)), "g"))
        t = pl.concat(res)
        whole = t.group_by("g").agg(
            n=pl.col("n").sum(),
            **{f"in{lv}": (pl.col(f"in{lv}") * pl.col("n")).sum() / pl.col("n").sum()
               for lv in LEVELS})  # fmt: skip
        b = candidate(val, shipped, cand)
        ft = by_state(fit_rows, factors(fit_rows, b), "source")
        fw = by_state(fit_rows.with_columns(state=pl.lit("all")), factors(fit_rows, b), "source")
        fast = ft.filter(pl.col("source").is_in(["cyclists-train", "gpx-train"]))
        print(f"## {name}")
        print(
            f"  val LOGO: per set {fmt(gaps(whole))}; per (set, state) {fmt(gaps(t))};"
            f" fast sets' (set, state) {fmt(gaps(t.filter(pl.col('g').is_in(fast_g))))}"
        )
        print(
            f"  held-out train splits: per store {fmt(gaps(fw))}; per (store, state) "
            f"{fmt(gaps(ft))}; 1-2 s (cyclists, gpx) (store, state) {fmt(gaps(fast))}"
        )
        for what, ms in (("multipliers", b.motion), ("1-2 s multipliers", b.motion_fast)):
            if ms:
                print(f"  {what} (all val):", {s: {lv: round(m, 3) for lv, m in v.items()}
                                               for s, v in ms.items()})  # fmt: skip
        if os.environ.get("UNCERT28_TABLES"):
            with pl.Config(tbl_rows=80, float_precision=1, tbl_width_chars=200):
                print(ft.filter(pl.col("n") >= MIN_CELL))


def paired(d: pl.DataFrame, fb: np.ndarray, fa: np.ndarray, key: str, reps: int = 1000,
           seed: int = 0) -> dict:  # fmt: skip
    """Per key value: after - before share (pts) per level with a 95 % paired bootstrap over
    queries (each query with all its answers)."""
    r = d["r"].to_numpy()[:, None]
    diff = (r <= fa).astype(float) - (r <= fb).astype(float)
    rng, out = np.random.default_rng(seed), {}
    for v in d[key].unique().sort().to_list():
        m = (d[key] == v).to_numpy()
        _, qi = np.unique(d.filter(pl.Series(m))["q"].to_numpy(), return_inverse=True)
        per_q = np.stack([np.bincount(qi, diff[m][:, i]) for i in range(len(LEVELS))], 1)
        n_q = np.bincount(qi).astype(float)
        b = rng.integers(0, len(n_q), (reps, len(n_q)))
        cells = []
        for i in range(len(LEVELS)):
            boots = per_q[b, i].sum(1) / n_q[b].sum(1) * 100
            lo, hi = np.percentile(boots, [2.5, 97.5])
            cells.append((per_q[:, i].sum() / n_q.sum() * 100, lo, hi))
        out[v] = cells
    return out


def cover(d: pl.DataFrame, before, after) -> None:
    key = pl.when(pl.col("source").str.starts_with("movers")).then(pl.col("kind")) \
        .otherwise(pl.col("source"))  # fmt: skip
    d = d.with_columns(set=key)
    fb, fa = factors(d, before), factors(d, after)
    for name, dd, k in (("per set", d.with_columns(state=pl.lit("all")), "set"),
                        ("per (set, state)", d, "set")):  # fmt: skip
        b, a = by_state(dd, fb, k), by_state(dd, fa, k)
        dd = dd.with_columns(cell=pl.col("set") + " / " + pl.col("state"))
        pr = paired(dd, fb, fa, "cell")
        print(f"## {name}: share inside the circle before -> after; after - before, paired CI")
        print("| set | state | answers | 50 % | 90 % | 95 % | after - before 90 / 95 (95 % CI) |")
        print("|---|---|---|---|---|---|---|")
        for rb, ra in zip(b.iter_rows(named=True), a.iter_rows(named=True), strict=True):
            if rb["n"] < MIN_CELL and rb["state"] != "all":
                continue
            c = pr[f"{rb['set']} / {rb['state']}"]
            diff = " / ".join(f"{c[i][0]:+.1f} [{c[i][1]:+.1f}, {c[i][2]:+.1f}]" for i in (1, 2))
            cells = " | ".join(f"{rb[f'in{lv}']:.1f} -> **{ra[f'in{lv}']:.1f}**" for lv in LEVELS)
            print(f"| {rb['set']} | {rb['state']} | {rb['n']} | {cells} | {diff} |")
        kinds = set(d.filter(pl.col("source").str.starts_with("movers"))["kind"].to_list())
        for what, sel in (("held-out stores", ~pl.col("set").is_in(list(kinds))),
                          ("mover kinds", pl.col("set").is_in(list(kinds)))):  # fmt: skip
            print(
                f"{what}: mean |share - level| (cells of >= {MIN_CELL}) "
                f"{fmt(gaps(b.filter(sel)))} -> {fmt(gaps(a.filter(sel)))}"
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("choose", "fit", "cover"))
    ap.add_argument("rows", nargs="+", help="choose / fit: val rows; cover: the rows to read")
    ap.add_argument("--fit-rows")
    ap.add_argument("--out")
    ap.add_argument("--before")
    ap.add_argument("--bins")
    ap.add_argument("--pick", default="stopped + starting, widen, all levels")
    a = ap.parse_args()
    rows = R.rows(a.rows)
    if a.what == "choose":
        choose(rows, R.rows([a.fit_rows]), load_radii_bins("trajlm/checkpoints/trajlm-small"))
    elif a.what == "fit":
        shipped = load_radii_bins(a.out)
        b = candidate(rows, shipped, CANDS[a.pick])
        b = replace(b, note=f"{shipped.note}; session 28 (uncert28): motion-state multipliers "
                            f"({a.pick}) fitted on val (scripts/uncert28/motion_radii.py)")  # fmt: skip
        print("wrote", save_radii_bins(b, a.out), b.motion, b.motion_fast)
    else:
        cover(rows, load_radii_bins(a.before), load_radii_bins(a.bins))


if __name__ == "__main__":
    main()
