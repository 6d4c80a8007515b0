"""Rows of short-history predictions (session 30, uncert30): the prediction circles of
trajlm-small on histories of 1, 2, 3, ... fixes, with the next fix as the truth.

What it measures: per STORE:SPLIT (or seeded movers, ``--movers-seed``) and history length H,
``TrajLM.predict(df, steps=1, radii=[50, 90, 95])`` on H consecutive fixes of each trajectory
starting at fix 0 (a starting history; ``offset`` 0) and, with ``--mid N``, also at every N-th
fix further on (a short history cut from the middle; ``offset`` > 0), truth = the fix after the
window. One row per answer: source, traj, offset, h, err (m), r50_m / r90_m / r95_m (with the
checkpoint's radii file: ``--model``, default trajlm-small; where that file holds session 30's
short-history multipliers, also r50_noshort / ... without them), std_m, the window's median sampling
interval (s; NaN for one fix), and the seconds ahead of the answer and of the truth.

    export PYTHONPATH=$PWD UNCERT30=/tmp/uncert30 OMP_NUM_THREADS=1
    .venv/bin/python scripts/uncert30/start_rows.py /tmp/stores/porto:val /tmp/stores/geolife:val \
        --movers-seed 2001 --out $UNCERT30/val.parquet

Output: Parquet at --out (default $UNCERT30/rows.parquet; $UNCERT30 defaults to /tmp/uncert30).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

import polars as pl

OUT = os.environ.get("UNCERT30", "/tmp/uncert30")
LEVELS = (50, 90, 95)


def store_tracks(spec: str) -> tuple[str, pl.DataFrame]:
    """(source name, canonical rows sorted by trajectory and time) of PATH:SPLIT."""
    from trajlm.data.store import read_store

    path, _, split = spec.partition(":")
    df = read_store(path, split or "val").select("traj_id", "t", "lat", "lon")
    return f"{os.path.basename(path.rstrip('/'))}-{split or 'val'}", df


def mover_tracks(seed: int, n: int) -> tuple[str, pl.DataFrame]:
    """(movers{seed}, the histories of uncert20's seeded mover kinds as trajectories)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import uncert20_calib as C

    parts = [h for h, _ in C.movers(seed, n).values()]
    return f"movers{seed}", pl.concat(parts)


def windows(df: pl.DataFrame, h: int, mid: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(history rows, truth rows) of the H-fix windows at offset 0 and every ``mid`` fixes
    (0: starts only); query id = "{traj}@{offset}"."""
    df = df.with_columns(pl.col("t").cast(pl.Float64)) if not df["t"].dtype.is_temporal() else df
    d = df.sort("traj_id", "t").with_columns(
        traj=pl.col("traj_id").cast(pl.String), i=pl.int_range(pl.len()).over("traj_id"),
        n=pl.len().over("traj_id"),
    )  # fmt: skip
    starts = [0] if mid <= 0 else list(range(0, int(d["n"].max()), mid))
    hist, truth = [], []
    for o in starts:
        w = d.filter((pl.col("i") >= o) & (pl.col("i") < o + h) & (pl.col("n") > o + h))
        t = d.filter(pl.col("i") == o + h)
        q = pl.col("traj") + f"@{o}"
        hist.append(w.with_columns(traj_id=q, offset=pl.lit(o)))
        truth.append(t.with_columns(traj_id=q, offset=pl.lit(o)))
    return pl.concat(hist), pl.concat(truth)


def rows(source: str, df: pl.DataFrame, lengths: list[int], mid: int, model) -> pl.DataFrame:
    from trajlm.eval.metrics import haversine
    from trajlm.eval.radii_bins import seconds

    parts = []
    for h in lengths:
        hist, truth = windows(df, h, mid)
        if not truth.height:
            continue
        hs = hist.with_columns(ts=seconds(hist["t"]))
        per = hs.group_by("traj_id").agg(
            interval=pl.col("ts").sort().diff().median(), t_last=pl.col("ts").max()
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = model.predict(hist.select("traj_id", "t", "lat", "lon"), steps=1,
                                radii=list(LEVELS))  # fmt: skip
        bins = model.radii_bins
        if bins is not None and (
            bins.short or bins.short_fast
        ):  # the radii without session 30's multiplier too
            from dataclasses import replace

            from trajlm.eval.spread_radii import with_radii

            plain = with_radii(out, LEVELS, bins=replace(bins, short=None, short_fast=None),
                               history=hist.select("traj_id", "t", "lat", "lon"))  # fmt: skip
            out = out.with_columns(plain.select(
                **{f"r{lv}_noshort": f"r{lv}_m" for lv in LEVELS}))  # fmt: skip
        tr = truth.select("traj_id", "traj", "offset", tlat="lat", tlon="lon",
                          tt=seconds(truth["t"]))  # fmt: skip
        j = out.with_columns(tp=seconds(out["t"])).join(tr, on="traj_id").join(per, on="traj_id")
        err = haversine(j["lat"].to_numpy(), j["lon"].to_numpy(), j["tlat"].to_numpy(),
                        j["tlon"].to_numpy())  # fmt: skip
        parts.append(pl.DataFrame({
            "source": source, "traj": j["traj"], "offset": j["offset"], "h": h, "err": err,
            **{f"r{lv}_m": j[f"r{lv}_m"] for lv in LEVELS}, "std_m": j["std_m"],
            **{c: j[c] for c in j.columns if c.endswith("_noshort")},
            "interval": j["interval"].fill_null(float("nan")),
            "ahead_pred": j["tp"] - j["t_last"], "ahead_true": j["tt"] - j["t_last"],
        }))  # fmt: skip
        print(source, h, j.height, "answers", flush=True)
    return pl.concat(parts)


def main() -> None:
    import torch

    import trajlm

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("specs", nargs="*", help="STORE:SPLIT")
    ap.add_argument("--movers-seed", type=int, action="append", default=[])
    ap.add_argument("--n", type=int, default=60, help="tracks per mover kind")
    ap.add_argument("--lengths", default="1,2,3,4,6,10,20")
    ap.add_argument("--mid", type=int, default=0, help="also windows every MID fixes")
    ap.add_argument("--model", default="trajlm-small")
    ap.add_argument("--out", default=os.path.join(OUT, "rows.parquet"))
    a = ap.parse_args()
    torch.set_num_threads(1)
    model = trajlm.TrajLM.from_pretrained(a.model, threads=1)
    lengths = [int(x) for x in a.lengths.split(",")]
    tracks = [store_tracks(s) for s in a.specs] + [mover_tracks(s, a.n) for s in a.movers_seed]
    d = pl.concat([rows(name, df, lengths, a.mid, model) for name, df in tracks])
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    d.write_parquet(a.out)
    print("wrote", a.out, d.height, "rows")


if __name__ == "__main__":
    main()
