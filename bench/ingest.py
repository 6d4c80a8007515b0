"""Ingest benchmark: GeoLife PLT -> split at 300 s gaps -> speed column, trajlm vs MovingPandas.

Both sides do the same work on the same files: read every .plt, split each file's trajectory
where consecutive fixes are > 300 s apart (segments need >= 2 points), add a speed column.
trajlm additionally drops invalid coordinates, sorts and de-duplicates timestamps (its `clean`
always does), which only adds work on its side. MovingPandas also discards segments of zero
spatial length; we count those on the trajlm side too so the segment counts compare like with
like. It also runs the PROTOCOL.md GeoLife preset (thin 15 s, split 300 s, >= 10 points) and
reports its segment count against the sanity value 3,329.

    .venv/bin/python bench/ingest.py                 # all 31 users (MovingPandas takes minutes)
    .venv/bin/python bench/ingest.py --users 5       # first 5 users only, for both sides
    .venv/bin/python bench/ingest.py --skip-mpd      # trajlm only

Prints a small table; `--out bench/results/ingest.json` writes the JSON. Needs
`pip install -e .[bench]`.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import polars as pl
from _results import add_out, write_result

from trajlm.data.clean import PRESETS, CleanConfig, clean
from trajlm.data.schema import conform, data_root

PLT_COLUMNS = ["lat", "lon", "zero", "alt_ft", "days", "date", "time"]
PLT_DTYPES = [pl.Float64, pl.Float64, pl.Int64, pl.Float64, pl.Float64, pl.Utf8, pl.Utf8]
PLT_HEADER_LINES = 6


def plt_files(root: Path, n_users: int | None) -> list[Path]:
    users = sorted(p for p in (root / "Data").iterdir() if p.is_dir())[:n_users]
    return sorted(f for u in users for f in (u / "Trajectory").glob("*.plt"))


def read_plt_trajlm(files: list[Path]) -> pl.DataFrame:
    """All PLT files -> one canonical table, parsed in one Polars call (no per-row Python).

    Each file's 6 header lines are cut off and the bodies are concatenated into one CSV buffer;
    a file's rows are tagged with its traj_id "<user>/<stem>" by repeating ids per line count.
    Times are the file's date + time columns (GMT per the GeoLife user guide).
    """
    bodies, ids, counts = [], [], []
    for f in files:
        raw = f.read_bytes()
        pos = 0
        for _ in range(PLT_HEADER_LINES):
            pos = raw.index(b"\n", pos) + 1
        body = raw[pos:]
        if body and not body.endswith(b"\n"):
            body += b"\n"
        bodies.append(body)
        ids.append(f"{f.parent.parent.name}/{f.stem}")
        counts.append(body.count(b"\n"))
    df = pl.read_csv(
        b"".join(bodies),
        has_header=False,
        schema=dict(zip(PLT_COLUMNS, PLT_DTYPES, strict=True)),
    )
    traj_id = pl.Series("traj_id", np.repeat(np.array(ids, dtype=object), counts), dtype=pl.Utf8)
    t = (
        pl.concat_str("date", pl.lit(" "), "time")
        .str.to_datetime("%Y-%m-%d %H:%M:%S", time_zone="UTC")
        .dt.epoch("s")
    )
    df = df.select(
        traj_id.alias("traj_id"),
        t.alias("t"),
        pl.col("lat").cast(pl.Float64),
        pl.col("lon").cast(pl.Float64),
    )
    return conform(df.with_columns(pl.col("traj_id").str.split("/").list.get(0).alias("user_id")))


def run_trajlm(files: list[Path]) -> dict:
    t0 = time.perf_counter()
    df = read_plt_trajlm(files)
    t_read = time.perf_counter() - t0
    cfg = CleanConfig(max_gap_s=300, min_points=2, add_speed=True)
    out, report = clean(df, cfg)
    t_total = time.perf_counter() - t0
    seg_len = out.group_by("traj_id").agg(
        (pl.col("speed_mps") * pl.col("t").diff()).sum().alias("length_m")
    )
    t1 = time.perf_counter()
    protocol, preport = clean(df, PRESETS["geolife"])
    t_protocol = time.perf_counter() - t1
    return {
        "points_read": len(df),
        "files": len(files),
        "segments": out["traj_id"].n_unique(),
        "segments_nonzero_length": int((seg_len["length_m"] > 0).sum()),
        "points_out": len(out),
        "read_s": round(t_read, 3),
        "total_s": round(t_total, 3),
        "drop_report": report.to_dict(),
        "protocol_preset": {
            "segments": protocol["traj_id"].n_unique(),
            "points": len(protocol),
            "clean_s": round(t_protocol, 3),
            "drop_report": preport.to_dict(),
            "sanity_value_segments": 3329,
        },
    }


def run_movingpandas(files: list[Path]) -> dict:
    import warnings

    warnings.filterwarnings("ignore", message="Missing optional dependencies")
    import movingpandas as mpd
    import pandas as pd

    t0 = time.perf_counter()
    frames = []
    for f in files:
        d = pd.read_csv(f, skiprows=PLT_HEADER_LINES, header=None, names=PLT_COLUMNS)
        d["t"] = pd.to_datetime(d["date"] + " " + d["time"])
        d["traj_id"] = f"{f.parent.parent.name}/{f.stem}"
        frames.append(d[["traj_id", "t", "lat", "lon"]])
    df = pd.concat(frames, ignore_index=True)
    n_read = len(df)
    # Same invalid-coordinate rule as trajlm (GeoLife has one lat > 90, which geopy rejects).
    df = df[df["lat"].between(-90, 90) & df["lon"].between(-180, 180)]
    t_read = time.perf_counter() - t0
    tc = mpd.TrajectoryCollection(df, traj_id_col="traj_id", t="t", x="lon", y="lat", crs=4326)
    t_build = time.perf_counter() - t0
    split = mpd.ObservationGapSplitter(tc).split(gap=timedelta(seconds=300))
    t_split = time.perf_counter() - t0
    split.add_speed(overwrite=True)
    t_total = time.perf_counter() - t0
    return {
        "points_read": n_read,
        "segments": len(split.trajectories),
        "points_out": int(sum(len(tr.df) for tr in split.trajectories)),
        "read_s": round(t_read, 3),
        "build_collection_s": round(t_build - t_read, 3),
        "split_s": round(t_split - t_build, 3),
        "speed_s": round(t_total - t_split, 3),
        "total_s": round(t_total, 3),
    }


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for p in ("trajlm", "polars", "numpy", "movingpandas", "geopandas", "shapely", "pandas"):
        try:
            out[p] = version(p)
        except PackageNotFoundError:
            out[p] = None
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=data_root() / "geolife")
    ap.add_argument("--users", type=int, default=None, help="first N users only (both sides)")
    ap.add_argument("--skip-mpd", action="store_true", help="run trajlm only")
    add_out(ap, "ingest.json")
    args = ap.parse_args()
    if not (args.data / "Data").is_dir():
        raise SystemExit(f"GeoLife slice not found at {args.data} (set TRAJLM_DATA)")
    files = plt_files(args.data, args.users)
    ours = run_trajlm(files)
    ref = None if args.skip_mpd else run_movingpandas(files)
    result = {
        "bench": "ingest: GeoLife PLT read -> split at 300 s gaps -> speed",
        "data": str(args.data.name),
        "subset": f"first {args.users} users" if args.users else "all users",
        "trajlm": ours,
        "movingpandas": ref,
        "speedup": round(ref["total_s"] / ours["total_s"], 1) if ref else None,
        "segment_count_rel_diff": (
            round(ours["segments_nonzero_length"] / ref["segments"] - 1, 4) if ref else None
        ),
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor(),
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
        },
        "versions": versions(),
    }
    write_result(result, args.out, "ingest.json")
    rows = [("", "trajlm", "MovingPandas")]
    rows.append(("points read", ours["points_read"], ref["points_read"] if ref else "-"))
    rows.append(
        (
            "segments (>=2 pts, length>0)",
            ours["segments_nonzero_length"],
            ref["segments"] if ref else "-",
        )
    )
    rows.append(("read s", ours["read_s"], ref["read_s"] if ref else "-"))
    rows.append(("total s", ours["total_s"], ref["total_s"] if ref else "-"))
    for r in rows:
        print(f"{r[0]:<30} {r[1]!s:>12} {r[2]!s:>14}")
    if ref:
        print(
            f"speedup {result['speedup']}x, segment count diff {result['segment_count_rel_diff']:+.2%}"
        )
    pp = ours["protocol_preset"]
    print(f"GeoLife protocol preset: {pp['segments']} segments (sanity 3,329) in {pp['clean_s']} s")


if __name__ == "__main__":
    main()
