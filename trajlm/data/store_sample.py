"""The train split a run's val check fits its baselines on, read at a bounded size (session 33,
newuser33): `trajlm train` streams its windows, but its val check against kNN continuation read
the whole train split into memory (a month of a 2,000-van fleet, 4.9 M train fixes: 2.2 GB of
RSS at the check after 0.6-0.9 GB while training). kNN keeps at most 300,000 windows of it
(eval/baselines.py), so a store larger than CHECK_MAX_POINTS train fixes is read as a seeded
sample of whole train trips of about that size, one part file at a time; smaller stores whole,
as before."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import polars as pl

CHECK_MAX_POINTS = 2_000_000  # train fixes the val check reads at most


def train_for_check(
    path: str | os.PathLike, max_points: int = CHECK_MAX_POINTS
) -> tuple[pl.DataFrame, str | None]:
    """(the train split, or a sample of its whole trips of at most ``max_points`` fixes ordered
    by a CRC-32 of their ids: the same trips on every run; the line saying so, None if whole)."""
    from trajlm.data.store import load_index, load_manifest, part_files, read_part, read_store

    store = Path(path)
    n = int(load_manifest(store)["splits"]["train"]["n_points"])
    if n <= max_points:
        return read_store(store, split="train").drop("split", strict=False), None
    idx = load_index(store).filter(pl.col("split") == "train").select("traj_id", "n_points")
    order = [zlib.crc32(str(t).encode()) for t in idx["traj_id"]]
    idx = idx.with_columns(_h=pl.Series(order, dtype=pl.UInt32)).sort("_h", "traj_id")
    keep = idx.filter(pl.col("n_points").cast(pl.Int64).cum_sum() <= max_points)
    ids = keep["traj_id"].implode()
    parts = [read_part(f, None).filter(pl.col("traj_id").is_in(ids))
             for f in part_files(store, "train")]  # fmt: skip
    df = pl.concat(parts).sort(["traj_id", "t"], maintain_order=True)
    line = (f"val check: the baselines fitted on {keep.height:,} of {idx.height:,} train trips "
            f"({df.height:,} of {n:,} fixes: a fixed sample of whole trips; the check reads at "
            f"most {max_points:,} train fixes, kNN keeps 300,000 windows)")  # fmt: skip
    return df, line
