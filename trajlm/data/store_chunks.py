"""Whole trajectories from a store's point files, one Parquet batch at a time.

A trajectory may span read batches (and part files): the trailing, possibly incomplete one of
each batch is carried over to the next, so every chunk yielded holds complete trajectories and
memory is bounded by one batch + the longest trajectory. `trajlm.data.loader` cuts these chunks
into training windows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pyarrow.types as pa_types

from trajlm.data.retrieval import traj_keys

POINT_COLUMNS = ["traj_id", "t", "lat", "lon"]
TRAJ_KEY = "traj_key"  # a derived column (WindowConfig.traj_keys)


def point_files(store: str | Path, split: str) -> list[Path]:
    """The split's Parquet part files in stream order (sorted by name)."""
    d = Path(store) / "points" / f"split={split}"
    files = sorted(d.glob("*.parquet"))
    if not files:
        raise FileNotFoundError(
            f"no point files in {d}; build the store with trajlm.data.store.write_store"
        )
    return files


def iter_trajectory_chunks(
    files: list[Path], read_rows: int = 65_536
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Stream complete trajectories: yields (t (n,) int64 (float64 exact seconds for a
    sub-second store), lat (n,), lon (n,) float64,
    traj_start (m,), traj_len (m,)) covering whole trajectories only.

    The last trajectory of each read batch may continue in the next one, so it is carried over
    and prepended to the next batch (works across part files too).
    """
    for cols, starts, lens in iter_column_chunks(files, read_rows):
        yield cols["t"], cols["lat"], cols["lon"], starts, lens


def _column(batch, name: str) -> np.ndarray:
    if name == TRAJ_KEY:  # not stored: a stable integer key of traj_id
        return traj_keys(batch.column("traj_id").to_numpy(zero_copy_only=False))
    if name == "t":  # Int64 whole seconds; a sub-second store's Float64 exact seconds stay
        # float (subsec38b: cast to int64, every 0.4-s training window read 0, 0, 1, 1, 2, 2, 2 s:
        # steps of 0 and 1 s, while val and eval read the exact times)
        t = batch.column("t")
        return np.asarray(
            t.to_numpy(), dtype=np.float64 if pa_types.is_floating(t.type) else np.int64
        )
    col = batch.column(name)
    if pa_types.is_integer(col.type):  # edge ids: null (unmatched) -> -1
        return np.asarray(pc.fill_null(col, -1).to_numpy(), dtype=np.int64)
    return np.asarray(pc.fill_null(col, np.nan).to_numpy(), dtype=np.float64)


def iter_column_chunks(
    files: list[Path], read_rows: int = 65_536, extra: tuple[str, ...] = ()
) -> Iterator[tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]]:
    """`iter_trajectory_chunks` with the columns as a dict (t, lat, lon and `extra`)."""
    names = ["t", "lat", "lon", *extra]
    carry: tuple[object, dict[str, np.ndarray]] | None = None
    for path in files:
        pf = pq.ParquetFile(path)
        read = POINT_COLUMNS + [c for c in extra if c != TRAJ_KEY]
        for batch in pf.iter_batches(batch_size=read_rows, columns=read):
            n = batch.num_rows
            if n == 0:
                continue
            ids = batch.column("traj_id")
            cols = {k: _column(batch, k) for k in names}
            change = pc.fill_null(pc.not_equal(ids.slice(1), ids.slice(0, n - 1)), True)
            starts = np.concatenate(
                [[0], np.flatnonzero(change.to_numpy(zero_copy_only=False)) + 1]
            )
            if carry is not None:
                cid, ccols = carry
                m = len(ccols["t"])
                cols = {k: np.concatenate([ccols[k], cols[k]]) for k in names}
                # Same id at the head: the carried trajectory continues; else it was complete.
                starts = starts[1:] + m if ids[0].as_py() == cid else starts + m
                starts = np.concatenate([[0], starts])
            last = int(starts[-1])
            carry = (ids[n - 1].as_py(), {k: v[last:] for k, v in cols.items()})
            if len(starts) > 1:
                yield {k: v[:last] for k, v in cols.items()}, starts[:-1], np.diff(starts)
    if carry is not None:
        ccols = carry[1]
        yield ccols, np.zeros(1, dtype=np.int64), np.array([len(ccols["t"])], dtype=np.int64)
