"""The recovered points' 50 % circle (session 30, uncert30; eval/recover_spread.py): where it is
off, and finer position bins as the fix.

What it measures, on uncert29's recover rows (scripts/uncert29/engine_cover.py rows: one row
per hidden point and engine; the shipped recover path's rows are read):
    where:  ROWS [--dir DIR] -> share inside DIR's 50 / 90 % circles per store and gap length,
            per store and position in the gap (0 at a known fix, 0.5 in the middle), and per
            store and scale (the metres the mover covers in the gap at its mean speed)
    halves: ROWS -> session 29's position bins (0.2, 0.35) vs the finer ones (0.1, 0.2, 0.35),
            each fitted on one half of the trips and read on the other, both ways: mean
            |share - level| at 50 / 90 / 95 over the (store, setting) and (store, position)
            cells
    floor:  ROWS -> a noise floor in the gap's scale (hypot(speed x gap, F)) for F = 0 ... 100 m,
            val halves as above, cells per (store, setting), (store, scale) and (store,
            position); a measurement (not shipped)
    fit:    ROWS --dir DIR -> DIR/recover_radii.json fitted with the finer bins
    paired: ROWS --before DIR0 --dir DIR -> share inside 50 / 90 / 95 before -> after per store
            and setting, paired bootstrap over trips (1,000 resamples)

    export PYTHONPATH=$PWD UNCERT30=/tmp/uncert30
    .venv/bin/python scripts/uncert30/recover50.py halves /tmp/uncert29/ship_val.parquet

Output: tables on stdout (``fit`` writes the file).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import polars as pl

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "uncert28"))
from recover_cover import feats, weights  # noqa: E402

from trajlm.eval.recover_spread import (  # noqa: E402
    RECOVER_RADII_FILE,
    fit_recover_spread,
    load_recover_spread,
    spread_columns,
)

LEVELS = (50, 90, 95)
OLD, NEW = (0.2, 0.35), (0.1, 0.2, 0.35)
POS_CUTS = [0.1, 0.2, 0.35]


def with_hits(d: pl.DataFrame, spread: dict) -> pl.DataFrame:
    cols = spread_columns(spread, feats(d), list(LEVELS))
    err = d["err"].to_numpy()
    return d.with_columns(
        **{f"in{lv}": pl.Series(err <= cols[f"r{lv}_m"]).cast(float) * 100 for lv in LEVELS},
        pos=pl.col("position").cut(POS_CUTS, labels=["<=0.1", "0.1-0.2", "0.2-0.35", ">0.35"]),
        gap=pl.col("gap_s").cut([60, 180, 400, 900],
                                labels=["<=60", "60-180", "180-400", "400-900", ">900"]),
    )  # fmt: skip


def fit(d: pl.DataFrame, edges: tuple[float, ...]) -> dict:
    return fit_recover_spread(d["err"].to_numpy(), feats(d), weights(d), d["source"].to_numpy(),
                              position_edges=edges)  # fmt: skip


def gaps(h: pl.DataFrame, by: str) -> str:
    c = h.group_by("source", by).agg(*(pl.col(f"in{lv}").mean() for lv in LEVELS))
    return " / ".join(f"{(c[f'in{lv}'] - lv).abs().mean():.1f}" for lv in LEVELS)


def floor(d: pl.DataFrame) -> None:
    odd = d["traj"].hash(0) % 2 == 1
    print(
        "| floor (m) | half | (store, setting) 50 / 90 / 95 | (store, scale) | (store, position) |"
    )
    print("|---|---|---|---|---|")
    for f in (0, 20, 30, 50, 75, 100):
        nums = []
        for half, (fit_, read) in enumerate(((d.filter(odd), d.filter(~odd)),
                                             (d.filter(~odd), d.filter(odd)))):  # fmt: skip
            read = read.with_columns(sb=pl.col("scale").cut([20, 50, 100, 300, 1000]))  # unfloored
            x, y = (g.with_columns(scale=np.hypot(g["scale"].to_numpy(), f)) for g in (fit_, read))
            h = with_hits(y, fit(x, NEW))
            row = []
            for by in ("setting", "sb", "pos"):
                c = h.group_by("source", by).agg(pl.len(), *(pl.col(f"in{lv}").mean()
                                                             for lv in LEVELS))  # fmt: skip
                c = c.filter(pl.col("len") >= 100)
                v = [(c[f"in{lv}"] - lv).abs().mean() for lv in LEVELS]
                nums += v
                row.append(" / ".join(f"{x:.1f}" for x in v))
            print(f"| {f} | {half} | " + " | ".join(row) + " |")
        print(f"| {f} | mean of the 18 | {np.mean(nums):.2f} | | |")


def floor_heldout(d: pl.DataFrame, held: pl.DataFrame) -> None:
    print("\n| floor (m) | store | setting | points | 50 / 90 / 95 % inside | median r90_m |")
    print("|---|---|---|---|---|---|")
    for f in (0, 50, 75):
        x, y = (g.with_columns(scale=np.hypot(g["scale"].to_numpy(), f)) for g in (d, held))
        s = fit(x, NEW)
        h = with_hits(y, s).with_columns(r90=pl.Series(spread_columns(s, feats(y), [90])["r90_m"]))
        for (src, st), g in h.group_by("source", "setting", maintain_order=True):
            cells = " / ".join(f"{g[f'in{lv}'].mean():.1f}" for lv in LEVELS)
            print(f"| {f} | {src} | {st} | {g.height} | {cells} | {g['r90'].median():.1f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("where", "halves", "floor", "fit", "paired"))
    ap.add_argument("rows", nargs="+")
    ap.add_argument("--dir", default="trajlm/checkpoints/trajlm-small")
    ap.add_argument("--before")
    ap.add_argument(
        "--heldout", help="floor: also read these rows with the floors fitted on all of ROWS"
    )
    a = ap.parse_args()
    d = pl.concat([pl.read_parquet(p) for p in a.rows]).filter(
        pl.col("err").is_finite() & (pl.col("engine") == "shipped")
    )
    pl.Config.set_tbl_rows(100)
    if a.what == "where":
        h = with_hits(d, load_recover_spread(a.dir))
        h = h.with_columns(scale_m=pl.col("scale").cut([20, 50, 100, 300, 1000]))
        for by in ("setting", "gap", "pos", "scale_m"):
            print(h.group_by("source", by).agg(pl.len(), *(pl.col(f"in{lv}").mean().round(1)
                                               for lv in (50, 90))).sort("source", by))  # fmt: skip
        return
    if a.what == "halves":
        odd = d["traj"].hash(0) % 2 == 1  # as uncert28 / uncert29
        print("| position bins | half | (store, setting) cells 50 / 90 / 95 | (store, position) |")
        print("|---|---|---|---|")
        for name, edges in (("0.2, 0.35 (session 29)", OLD), ("0.1, 0.2, 0.35", NEW)):
            for half, (f, r) in enumerate(((d.filter(odd), d.filter(~odd)),
                                           (d.filter(~odd), d.filter(odd)))):  # fmt: skip
                h = with_hits(r, fit(f, edges))
                print(f"| {name} | {half} | {gaps(h, 'setting')} | {gaps(h, 'pos')} |")
        return
    if a.what == "floor":
        floor(d)
        if a.heldout:  # uncert28's rows of held-out train splits (any engine answered)
            floor_heldout(d, pl.read_parquet(a.heldout).filter(pl.col("err").is_finite()))
        return
    if a.what == "fit":
        spread = fit(d, NEW)
        old = load_recover_spread(a.dir)
        spread["note"] = (old or {}).get("note", "") + (
            "; session 30 (uncert30): refitted with position bins 0.1 / 0.2 / 0.35 "
            "(scripts/uncert30/recover50.py fit)")  # fmt: skip
        p = os.path.join(a.dir, RECOVER_RADII_FILE)
        with open(p, "w") as fh:
            fh.write(json.dumps(spread, indent=1) + "\n")
        print(
            "wrote", p, "max_gap_s", spread["max_gap_s"], "bins", [b["bin"] for b in spread["bins"]]
        )
        return
    before, after = load_recover_spread(a.before), load_recover_spread(a.dir)
    hb, ha = with_hits(d, before), with_hits(d, after)
    rng = np.random.default_rng(0)
    print("| store | setting | points (trips) | 50 % before -> after | 90 % | 95 % | after - before, "
          "50 (95 % CI over trips) |\n|---|---|---|---|---|---|---|")  # fmt: skip
    for key in ("setting", "pos"):
        for (src, st), g in hb.with_row_index("i").group_by("source", key, maintain_order=True):
            i = g["i"].to_numpy()
            _, ti = np.unique(g["traj"].to_numpy(), return_inverse=True)
            nt = ti.max() + 1
            cnt = np.bincount(ti, minlength=nt).astype(float)
            cells = [f"{hb[f'in{lv}'].to_numpy()[i].mean():.1f} -> {ha[f'in{lv}'].to_numpy()[i].mean():.1f}"
                     for lv in LEVELS]  # fmt: skip
            diff = np.bincount(ti, ha["in50"].to_numpy()[i] - hb["in50"].to_numpy()[i], nt)
            b = rng.integers(0, nt, (1000, nt))
            lo, hi = np.percentile(diff[b].sum(1) / cnt[b].sum(1), [2.5, 97.5])
            print(
                f"| {src} | {st} | {len(i)} ({nt}) | {' | '.join(cells)} | "
                f"{diff.sum() / cnt.sum():+.1f} [{lo:+.1f}, {hi:+.1f}] |"
            )
    # the pre-registered ship rule's numbers
    for name, h in (("before", hb), ("after", ha)):
        pos = h.group_by("source", "pos").agg(pl.col("in50").mean())
        per = pos.group_by("source").agg((pl.col("in50") - 50).abs().mean())["in50"].mean()
        st = h.group_by("source", "setting").agg(pl.col("in90").mean(), pl.col("in95").mean())
        print(
            f"rule, {name}: mean over stores of mean |50 % share - 50| over position cells "
            f"{per:.1f}; mean |share - level| over (store, setting) cells at 90 / 95 "
            f"{(st['in90'] - 90).abs().mean():.1f} / {(st['in95'] - 95).abs().mean():.1f}"
        )


if __name__ == "__main__":
    main()
