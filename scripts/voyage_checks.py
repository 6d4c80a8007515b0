"""Session 16 (voyage) checks on a MarineCadastre-layout AIS file (MMSI, BaseDateTime, LAT, LON,
SOG, ... ; session 15's maritime set: AIS_2026_06_15_gibraltar.csv and its truth.parquet):

    PYTHONPATH=$PWD python scripts/voyage_checks.py AIS.csv [--truth truth.parquet]

prints (1) check_validity(mode="vessel") on the deduplicated reports: points flagged, overall
and for the fast craft (SOG p90 > 20 kn); (2) ingest with and without --split-at-stops:
trajectories, points, stopped rows, pieces per vessel and, with --truth (mmsi, t, status), how
many kept points were at anchor / moored (AIS status 1 / 5) and how many under way were lost.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd
import polars as pl

import trajlm
from trajlm.data.ingest import ingest
from trajlm.data.store import read_store


def validity(csv: Path) -> None:
    mc = pd.read_csv(csv)
    mc = mc[(mc.MMSI > 0) & (mc.MMSI < 999999999) & (mc.LAT <= 90)]
    t = pd.to_datetime(mc.BaseDateTime, utc=True) - pd.Timestamp(0, tz="UTC")
    mc = mc.assign(t=t.dt.total_seconds().astype("int64"))
    mc = mc.sort_values(["MMSI", "t"]).drop_duplicates(["MMSI", "t"])
    df = pd.DataFrame({"traj_id": mc.MMSI.astype(str), "t": mc.t, "lat": mc.LAT, "lon": mc.LON})
    out = trajlm.check_validity(df, mode="vessel")
    fast = mc.groupby("MMSI").SOG.quantile(0.9)
    ff = {str(m) for m in fast[fast > 20].index}
    sub = out[out.traj_id.isin(ff)]
    print(f"validity: {len(out):,} points, flagged {int((~out.valid).sum()):,} "
          f"({100 * (1 - out.valid.mean()):.3f} %): {out.reason_code.value_counts().to_dict()}; "
          f"fast craft {sorted(ff)}: {len(sub):,} points, flagged "
          f"{int((~sub.valid).sum()):,}")  # fmt: skip


def stops(csv: Path, truth: Path | None) -> None:
    tr = None
    if truth is not None:
        tr = pl.read_parquet(truth).select(
            pl.col("mmsi").cast(pl.Utf8).alias("src"), pl.col("t").cast(pl.Int64),
            (~pl.col("status").is_in([1, 5])).alias("under_way"),
        )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for name, over in (("default", {}), ("--split-at-stops", {"stop_min_s": 600.0})):
            m = ingest(csv, "auto", Path(tmp) / name, clean_overrides=over)
            d = read_store(Path(tmp) / name)
            pieces = d.group_by("source_traj_id").agg(pl.col("traj_id").n_unique().alias("k"))
            line = (f"{name}: {m['n_trajectories']} trajectories, {m['n_points']:,} points, "
                    f"stopped {m['drop_report']['dropped'].get('stopped', 0):,}; pieces per "
                    f"vessel max {pieces['k'].max()}")  # fmt: skip
            if tr is not None:
                lab = d.select(pl.col("source_traj_id").alias("src"), pl.col("t").cast(pl.Int64))
                lab = lab.join(tr, on=["src", "t"], how="left")["under_way"]
                line += (f"; kept at anchor / moored {int((lab == False).sum()):,}, "  # noqa: E712
                         f"under way {int((lab == True).sum()):,}")  # noqa: E712  # fmt: skip
            print(line)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv", type=Path)
    ap.add_argument("--truth", type=Path, default=None)
    a = ap.parse_args()
    validity(a.csv)
    stops(a.csv, a.truth)
