"""Write a store from a stream of cleaned chunks in bounded memory (the store layout and
content of `store.write_store`, which needs the whole table in memory).

    with StoreStreamWriter(out, sources=[...]) as w:
        for chunk in chunks:          # each trajectory whole in exactly one chunk
            w.add(chunk)
        manifest = w.close(report)

Three passes over spill files inside the store's temporary directory, each holding at most one
chunk or one output part file in memory:

1. `add`: validate the chunk, spill it to Parquet, keep its trajectory index (one row per
   trajectory) and running extents. The split of a trajectory depends on all the others
   (chronological cut), so nothing is routed yet.
2. `close`: split the index (`splits.holdout_index` on one row per trajectory), place each
   trajectory in its output part file exactly as `write_store` does (split rows sorted by
   traj_id, a file cut at the first trajectory start after `rows_per_file` rows), then route
   every spilled chunk into per-file buckets.
3. Each bucket is read, sorted by (traj_id, t) and written as its part file.

Memory: one chunk (pass 1-2), one part file of ~rows_per_file rows (pass 3), the trajectory
index (~40 B per trajectory) and the NormStats sample. NormStats needs medians and percentiles,
so it is fit on the train rows themselves: all of them up to `stats_max_points` (then the store
is identical to `write_store`'s, tested), else every k-th train trajectory (by traj_id) so the
sample stays under that cap; `n_points` in stats.json is the whole train split's.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from trajlm._safety import DirLock, check_output_dir, clean_stale_tmp, tmp_name, write_marker
from trajlm._version import __version__
from trajlm.data.features import NormStats
from trajlm.data.longitude import box_lons, table_lons
from trajlm.data.schema import SCHEMA_VERSION, DropReport, TrajlmInputError
from trajlm.data.splits import SPLITS, holdout_index, split_hours, trajectory_index
from trajlm.data.store import (
    ROW_GROUP_ROWS,
    checked_table,
    legacy_store,
    seconds_to_iso,
    swap_files_in,
)

STATS_MAX_POINTS = 1_000_000  # train points NormStats is fit on (all of them below this)
STATS_COLUMNS = ("traj_id", "t", "lat", "lon")  # what NormStats.fit reads


class StoreStreamWriter:
    """Bounded-memory twin of `write_store`: `add` cleaned chunks, then `close` (see module)."""

    def __init__(
        self,
        out: str | os.PathLike,
        sources: Sequence[str] = (),
        fractions: tuple[float, float, float] = (0.8, 0.1, 0.1),
        rows_per_file: int = 1_000_000,
        overwrite: bool = True,
        split_by: str = "time",
        stats_max_points: int = STATS_MAX_POINTS,
    ) -> None:
        self.out = Path(out)
        self.sources = [str(s) for s in sources]
        self.fractions, self.rows_per_file, self.split_by = fractions, rows_per_file, split_by
        self.stats_max_points = stats_max_points
        self.existing = check_output_dir(
            self.out, "store", overwrite=overwrite, legacy=legacy_store
        )
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.lock = DirLock(self.out.parent / f".{self.out.name}.lock", what=f"store {self.out}")
        self.lock.acquire()
        try:
            clean_stale_tmp(self.out.parent, self.out.name)
            self.tmp = self.out.parent / tmp_name(self.out.name)
            (self.tmp / ".spill").mkdir(parents=True)
        except BaseException:
            self.lock.release()
            raise
        self.n_chunks = 0
        self.schema: dict[str, pl.DataType] = {}  # union of the chunks' columns, in order
        self.indexes: list[pl.DataFrame] = []
        self.ext: dict[str, float] = {}
        self.lon_arcs: list[tuple[float, float]] = []  # each chunk's (west, east)
        self.closed = False

    def __enter__(self) -> StoreStreamWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.abort()

    def abort(self) -> None:
        """Remove the temporary directory and release the lock (no-op once closed)."""
        if not self.closed:
            self.closed = True
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.lock.release()

    # -- pass 1 ----------------------------------------------------------------------------
    def add(self, df: pl.DataFrame) -> None:
        """Spill one cleaned chunk. Its trajectories must not appear in any other chunk."""
        if len(df) == 0:
            return
        df = checked_table(df)
        for c, d in df.schema.items():
            self.schema.setdefault(c, d)
        df.write_parquet(self.tmp / ".spill" / f"chunk-{self.n_chunks:06d}.parquet")
        self.n_chunks += 1
        index = trajectory_index(df)
        owner = next((c for c in ("user_id", "vehicle_id") if c in df.columns), None)
        if self.split_by == "user" and owner is not None:
            first = df.group_by("traj_id").agg(pl.col(owner).first().alias("_owner"))
            index = index.join(first, on="traj_id", how="left")
        self.indexes.append(index)
        row = df.select(
            t0=pl.col("t").min(), t1=pl.col("t").max(),
            min_lat=pl.col("lat").min(), max_lat=pl.col("lat").max(),
            min_lon=pl.col("lon").min(), max_lon=pl.col("lon").max(),
        ).row(0, named=True)  # fmt: skip
        if row["max_lon"] - row["min_lon"] > 180.0:  # this chunk's lons the short way round
            row["min_lon"], row["max_lon"] = table_lons(df["lon"].to_numpy())
        for k, v in row.items():
            keep = min if k in ("t0", "min_lat", "min_lon") else max
            self.ext[k] = keep(self.ext.get(k, v), v)
        self.lon_arcs.append((row["min_lon"], row["max_lon"]))  # joined the short way at close

    # -- passes 2 and 3 --------------------------------------------------------------------
    def close(self, report: DropReport | None = None, reading: dict | None = None,
              clean_config: dict | None = None) -> dict:  # fmt: skip
        """Split, route, sort and write the store; move it into place; return its manifest
        (`reading`: how the inputs were read, e.g. the detected format; `clean_config`: the
        cleaning settings, which a later `--append` must match; both kept in the manifest)."""
        try:
            manifest = self._finish(report, reading, clean_config)
            write_marker(self.tmp, "store")
            shutil.rmtree(self.tmp / ".spill")
            if self.existing:
                swap_files_in(self.tmp, self.out)
            else:
                os.replace(self.tmp, self.out)
        finally:
            self.abort()
        return manifest

    def _split_index(self) -> pl.DataFrame:
        if not self.indexes:
            raise TrajlmInputError(
                "cannot write a store from an empty table", hint="check the cleaning report"
            )
        index = pl.concat(self.indexes, how="diagonal_relaxed")
        if index["traj_id"].n_unique() != len(index):
            raise ValueError("a trajectory appears in two chunks; chunks must keep them whole")
        # holdout_index reads trip starts (and owners) only: one row per trajectory suffices.
        proxy = index.select("traj_id", pl.col("t_start").alias("t"))
        if "_owner" in index.columns:
            proxy = proxy.with_columns(index["_owner"].alias("user_id"))
        labels = holdout_index(proxy, self.split_by, self.fractions).select("traj_id", "split")
        index = index.drop("_owner", strict=False).join(labels, on="traj_id", how="left")
        return index.sort(["t_start", "traj_id"])

    def _placement(self, index: pl.DataFrame) -> pl.DataFrame:
        """traj_id -> (split, file number), cut like store.write_split_files."""
        parts = []
        for s in SPLITS:
            rows = index.filter(pl.col("split") == s).sort("traj_id")
            n = rows["n_points"].to_numpy().astype(np.int64)
            starts = np.cumsum(n) - n
            file_of_traj = starts // self.rows_per_file
            # Renumber the files in use (the cut is where file_of_traj changes).
            file_no = np.cumsum(np.diff(file_of_traj, prepend=-1) != 0) - 1
            parts.append(rows.select("traj_id", "split").with_columns(_file=pl.Series(file_no)))
        return pl.concat(parts)

    def _conformed(self, df: pl.DataFrame) -> pl.DataFrame:
        """A frame with the union schema (columns a chunk lacked are null)."""
        cols = [
            pl.col(c).cast(d) if c in df.columns else pl.lit(None, dtype=d).alias(c)
            for c, d in self.schema.items()
        ]
        return df.select(cols)

    def _finish(self, report: DropReport | None, reading: dict | None = None,
                clean_config: dict | None = None) -> dict:  # fmt: skip
        index = self._split_index()
        place = self._placement(index)
        spill, buckets = self.tmp / ".spill", self.tmp / ".spill" / "buckets"
        for j in range(self.n_chunks):  # pass 2: route each chunk to its part files
            chunk = pl.read_parquet(spill / f"chunk-{j:06d}.parquet", glob=False)
            chunk = chunk.join(place, on="traj_id", how="left", maintain_order="left")
            for (s, k), rows in chunk.group_by(["split", "_file"], maintain_order=True):
                folder = buckets / f"{s}-{k:06d}"
                folder.mkdir(parents=True, exist_ok=True)
                rows.drop("split", "_file").write_parquet(folder / f"chunk-{j:06d}.parquet")
            (spill / f"chunk-{j:06d}.parquet").unlink()

        files, sizes = {}, {}
        for s in SPLITS:  # pass 3: one part file at a time
            folder = self.tmp / "points" / f"split={s}"
            folder.mkdir(parents=True)
            ids = index.filter(pl.col("split") == s)
            sizes[s] = {"n_trajectories": len(ids), "n_points": int(ids["n_points"].sum())}
            sample_every = max(1, -(-sizes[s]["n_points"] // self.stats_max_points))
            sample_ids = set(ids["traj_id"].sort().gather_every(sample_every).to_list())
            sample: list[pl.DataFrame] = []
            files[s] = []
            n_files = int(place.filter(pl.col("split") == s)["_file"].max() or 0) + 1
            for k in range(n_files):
                name = f"part-{k:05d}.parquet"
                pieces = sorted((buckets / f"{s}-{k:06d}").glob("chunk-*.parquet"))
                part = self._conformed(
                    pl.concat([pl.read_parquet(p, glob=False) for p in pieces]) if pieces
                    else pl.DataFrame(schema=self.schema)
                ).sort(["traj_id", "t"], maintain_order=True)  # fmt: skip
                pq.write_table(part.to_arrow(), folder / name, compression="zstd",
                               row_group_size=ROW_GROUP_ROWS)  # fmt: skip
                files[s].append(name)
                if s == "train":  # the columns NormStats.fit reads only (scale33: all of
                    # them held ~1 M rows of every column, the peak of a wide fleet's ingest)
                    sample.append(
                        part.select(STATS_COLUMNS).filter(pl.col("traj_id").is_in(sample_ids))
                    )
                del part  # not alive while the next part file is read and sorted (scale33)
                shutil.rmtree(buckets / f"{s}-{k:06d}", ignore_errors=True)
            if s == "train":
                if sizes[s]["n_points"] == 0:
                    raise TrajlmInputError(
                        f"the train split is empty with fractions {self.fractions}",
                        hint="give more trajectories",
                    )
                stats = NormStats.fit(pl.concat(sample))
                stats = dataclasses.replace(stats, n_points=sizes[s]["n_points"])
                stats.save(self.tmp / "stats.json")
        index.write_parquet(self.tmp / "index.parquet", compression="zstd")
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "trajlm_version": __version__,
            "created_at": seconds_to_iso(int(datetime.now(tz=UTC).timestamp())),
            "sources": self.sources,
            "n_points": int(index["n_points"].sum()),
            "n_trajectories": len(index),
            "columns": {c: str(d) for c, d in self.schema.items()},
            "time_span": {
                "start_unix": self.ext["t0"],
                "end_unix": self.ext["t1"],
                "start_iso": seconds_to_iso(self.ext["t0"]),
                "end_iso": seconds_to_iso(self.ext["t1"]),
            },
            "bbox": {
                **{k: self.ext[k] for k in ("min_lat", "min_lon", "max_lat", "max_lon")},
                **dict(
                    zip(
                        ("min_lon", "max_lon"),
                        box_lons(*zip(*self.lon_arcs, strict=True)),
                        strict=True,
                    )
                ),
            },
            "fractions": list(self.fractions),
            "split_by": self.split_by,
            "splits": sizes,
            "files": files,
            "drop_report": report.to_dict() if report is not None else None,
        }
        if self.split_by.startswith("hour"):  # as write_store records them (data18)
            manifest["split_hours_utc"] = split_hours(index)
        if reading:
            manifest["reading"] = reading
        if clean_config is not None:  # append35: an append is checked against the first ingest
            manifest["clean_config"] = clean_config
        (self.tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
        return manifest
