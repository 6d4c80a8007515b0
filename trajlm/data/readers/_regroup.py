"""Chunks that never split or merge a trajectory, whatever the order of rows in the input.

A reader's chunks hold whole trajectories only when the rows of each trajectory are contiguous
in the input. A time-ordered feed (all vehicles interleaved, a vehicle's rows spread over the
whole file) or one vehicle spread over several files breaks that: a trajectory then appears in
several chunks, and a consumer that cleans chunk by chunk (ingest) would gap-split each piece on
its own and store two pieces under the same id with a gap larger than max_gap_s between them.

`regroup` makes every traj_id appear in exactly one yielded chunk, so chunk-by-chunk results
equal whole-input results:
  * while the input fits in `chunk_rows` points, chunks are held in memory and cut into
    whole-trajectory chunks at the end (no disk, the common case for small inputs);
  * beyond that, every chunk is spilled to a temporary directory as Parquet, partitioned into
    SPILL_BUCKETS buckets by a hash of traj_id; at the end each bucket (all the rows of its
    trajectories) is read back, sorted and yielded in whole-trajectory chunks. Memory is then
    about one bucket (total points / SPILL_BUCKETS) instead of the whole input; the temporary
    directory is removed when the generator finishes or is closed.
Points per trajectory are counted across chunks while spilling, so a trajectory over
limits.max_points_per_traj is refused before its bucket is loaded.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from trajlm.data.readers._common import Ctx
from trajlm.data.schema import TrajlmInputError, conform

SPILL_BUCKETS = 64


def regroup(chunks: Iterator[pl.DataFrame], ctx: Ctx, chunk_rows: int) -> Iterator[pl.DataFrame]:
    """Re-cut canonical chunks so that each traj_id appears in exactly one output chunk."""
    held: list[pl.DataFrame] = []
    n_held = 0
    for chunk in chunks:
        if len(chunk):
            held.append(chunk)
            n_held += len(chunk)
        if n_held > chunk_rows:
            yield from _spill(held, chunks, ctx, chunk_rows)
            return
    if held:
        yield from cut_whole(conform(pl.concat(held, how="diagonal_relaxed")), chunk_rows)


def cut_whole(df: pl.DataFrame, chunk_rows: int) -> Iterator[pl.DataFrame]:
    """Slices of a table sorted by traj_id, whole trajectories, at most chunk_rows rows each
    (unless one trajectory alone is longer)."""
    if len(df) <= chunk_rows:
        if len(df):
            yield df
        return
    first = (pl.col("traj_id") != pl.col("traj_id").shift(1)).fill_null(True)
    ends = [*df.with_row_index("_i").filter(first)["_i"].to_list()[1:], len(df)]
    begin = prev = 0
    for end in ends:
        if end - begin > chunk_rows and prev > begin:
            yield df.slice(begin, prev - begin)
            begin = prev
        prev = end
    yield df.slice(begin)


def _spill(
    held: list[pl.DataFrame], rest: Iterator[pl.DataFrame], ctx: Ctx, chunk_rows: int
) -> Iterator[pl.DataFrame]:
    with tempfile.TemporaryDirectory(prefix="trajlm-regroup-") as tmp:
        root = Path(tmp)
        counts: pl.DataFrame | None = None
        n_parts = 0

        def write(chunk: pl.DataFrame) -> None:
            nonlocal counts, n_parts
            counts = _count_points(chunk, counts, ctx)
            bucket = (pl.col("traj_id").hash(seed=0) % SPILL_BUCKETS).alias("_bucket")
            parts = chunk.with_columns(bucket).partition_by("_bucket", as_dict=True)
            for (b,), part in parts.items():
                (root / str(b)).mkdir(exist_ok=True)
                part.drop("_bucket").write_parquet(root / str(b) / f"{n_parts}.parquet")
            n_parts += 1

        _each(held, write)
        held.clear()
        _each(rest, write)
        out: list[pl.DataFrame] = []
        n_out = 0
        for b in range(SPILL_BUCKETS):
            files = sorted((root / str(b)).glob("*.parquet"), key=lambda p: int(p.stem))
            for bucket in _read_buckets(files, chunk_rows):
                for piece in cut_whole(bucket, chunk_rows):
                    if out and n_out + len(piece) > chunk_rows:
                        yield conform(pl.concat(out, how="diagonal_relaxed"))
                        out, n_out = [], 0
                    out.append(piece)
                    n_out += len(piece)
        if out:
            yield conform(pl.concat(out, how="diagonal_relaxed"))


def _read_buckets(files: list[Path], chunk_rows: int, depth: int = 0) -> Iterator[pl.DataFrame]:
    """The rows of one spill bucket (files in input order), conformed, in frames of about
    2 x chunk_rows at most: a bucket holds total / SPILL_BUCKETS points, which grows with the
    input (1.6 M points at 100 M), so a big one is split again by another hash of traj_id
    (trajectories stay whole; each one's rows keep their input order)."""
    if not files:
        return
    n = sum(pq.read_metadata(f).num_rows for f in files)
    if n <= 2 * chunk_rows or depth >= 4:  # depth: one huge trajectory cannot be split
        parts = [pl.read_parquet(f, glob=False) for f in files]  # in input order
        yield conform(pl.concat(parts, how="diagonal_relaxed"))
        return
    k = -(-n // chunk_rows)
    sub = files[0].parent / f"split{depth}"
    held: list[pl.DataFrame] = []
    n_held = n_written = 0

    def flush() -> None:
        nonlocal held, n_held, n_written
        if not held:
            return
        df = pl.concat(held, how="diagonal_relaxed")
        bucket = (pl.col("traj_id").hash(seed=depth + 1) % k).alias("_bucket")
        for (b,), part in df.with_columns(bucket).partition_by("_bucket", as_dict=True).items():
            (sub / str(b)).mkdir(parents=True, exist_ok=True)
            part.drop("_bucket").write_parquet(sub / str(b) / f"{n_written}.parquet")
        held, n_held, n_written = [], 0, n_written + 1

    for f in files:
        held.append(pl.read_parquet(f, glob=False))
        n_held += len(held[-1])
        f.unlink()
        if n_held >= chunk_rows:
            flush()
    flush()
    for b in range(k):
        parts = sorted((sub / str(b)).glob("*.parquet"), key=lambda p: int(p.stem))
        yield from _read_buckets(parts, chunk_rows, depth + 1)


def _each(chunks, fn: Callable[[pl.DataFrame], None]) -> None:
    for chunk in chunks:
        if len(chunk):
            fn(chunk)


def _count_points(chunk: pl.DataFrame, counts: pl.DataFrame | None, ctx: Ctx) -> pl.DataFrame:
    """Running points per traj_id; refuse a trajectory over limits.max_points_per_traj."""
    now = chunk.group_by("traj_id").len()
    if counts is not None:
        now = pl.concat([counts, now]).group_by("traj_id").agg(pl.col("len").sum())
    check_points_per_traj(now, ctx)
    return now


def check_points_per_traj(counts: pl.DataFrame, ctx: Ctx) -> None:
    """counts: traj_id, len. Raise (both on_error modes) if a trajectory is over the limit."""
    limit = ctx.limits.max_points_per_traj
    over = counts.filter(pl.col("len") > limit)
    if len(over) == 0:
        return
    tid, n = over.row(0)
    raise TrajlmInputError(
        f"trajectory {tid!r} has more than {limit:,} points ({n:,} so far; limit "
        "max_points_per_traj): a missing or constant trajectory id column, or a feed that "
        "must be split into trajectories first",
        path=ctx.paths[-1] if ctx.paths else None,
        field="traj_id",
        hint="if it is genuine, raise the limit: ReadLimits(max_points_per_traj=...) or the "
        "TRAJLM_MAX_POINTS_PER_TRAJ environment variable",
    )
