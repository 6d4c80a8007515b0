"""Session 33 (newuser33): the fleet pipeline's Python glue, reading trajlm stores the way a data
engineer reads any Parquet data set (Polars with Hive partitions, PyArrow datasets), with no
trajlm import: store layout in docs/data.md "Store".

Checks, written as JSON to OUT: rows per split (Polars and PyArrow); the month built from its
nights' stores holds the same trips, ids, points and splits as the month read from the raw files
(OTHER); reused van ids kept apart per region (owners per region prefix); the drop report (the
re-sent day counted once, the truncated row counted) beside the fixes gen_fleet.py wrote.

Command: python scripts/newuser33/glue.py STORE [OTHER_STORE] OUT.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl
import pyarrow.dataset as ds


def main() -> None:
    store, *again, out = sys.argv[1:]
    pts = pl.scan_parquet(f"{store}/points/**/*.parquet", hive_partitioning=True)
    manifest = json.loads(Path(store, "manifest.json").read_text())
    res: dict = {"rows": pts.select(pl.len()).collect().item()}
    res["rows_per_split"] = dict(pts.group_by("split").len().sort("split").collect().iter_rows())
    arrow = ds.dataset(f"{store}/points", format="parquet", partitioning="hive")
    res["pyarrow_rows"] = arrow.count_rows()
    res["drop_report"] = manifest.get("drop_report")
    if "vehicle_id" in pts.collect_schema().names():
        owners = pts.select(pl.col("vehicle_id").unique()).collect()["vehicle_id"]
        regions = owners.str.split("/").list.first().value_counts().sort("vehicle_id")
        res["vans_per_region_prefix"] = dict(regions.iter_rows())
    src = Path(manifest["sources"][0]).resolve()
    for up in src.parents:  # gen_fleet.py's own record, beside raw/
        if (up / "truth.json").exists():
            res["truth_fixes_written"] = json.loads((up / "truth.json").read_text())["fixes"]
            break
    if again:
        key = ["traj_id", "t", "lat", "lon", "split"]
        a = pts.select(key).sort(key[:2]).collect()
        other = pl.scan_parquet(f"{again[0]}/points/**/*.parquet", hive_partitioning=True)
        res["same_as_other_store"] = a.equals(other.select(key).sort(key[:2]).collect())
    Path(out).write_text(json.dumps(res, indent=1))
    print(json.dumps(res))


if __name__ == "__main__":
    main()
