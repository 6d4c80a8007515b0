"""Porto taxi (ECML/PKDD 2015) reader: one CSV row per trip, POLYLINE = JSON [[lon, lat], ...].

Point k of a trip is at TIMESTAMP + 15 * k seconds (TIMESTAMP is Unix seconds, UTC, the pickup).
Output: traj_id = TRIP_ID, vehicle_id = TAXI_ID, call_type = CALL_TYPE (when present).

Counting (`rows_in`): points of every parsed trip, plus one unit per CSV row that yields no point
(malformed row, POLYLINE that is not valid JSON, empty POLYLINE `[]`). Drop reasons:
  missing_data_flag      points of trips with MISSING_DATA=True (the publisher flags them as
                         incomplete); dropped and counted in both on_error modes
  empty_polyline         trips with POLYLINE `[]` (1 unit each); counted in both modes
  invalid_polyline_json  POLYLINE that is not a JSON list of [lon, lat] pairs (1 unit each)
  duplicate_trip_id      a row whose TRIP_ID an earlier row (any file of the read) already has:
                         one row is one trip, so two rows with one id must never be merged; the
                         first is kept, the later one's points are counted (raise mode: an error
                         naming both lines)
  truncated_last_row     the file ends without a newline inside its last row (a cut copy)
  malformed_row, nan_coordinate, out_of_range, timestamp_*   as for every reader
POLYLINE is decoded vectorized (polars json_decode) per chunk; only when a chunk fails are the bad
rows located, by bisection (still polars). Lines of any length (a 10 MB POLYLINE) are fine.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.readers._common import Ctx, check_rows, finalize
from trajlm.data.readers._lines import (
    first_line,
    header_names,
    iter_line_blocks,
    lines_frame,
    split_fields,
)
from trajlm.data.schema import TrajlmInputError, conform

SAMPLE_INTERVAL_S = 15
REQUIRED_COLUMNS = ("TRIP_ID", "TAXI_ID", "TIMESTAMP", "POLYLINE")
POINTS_PER_TRIP = 50  # to turn chunk_rows (points) into trips per chunk
_POLYLINE = pl.List(pl.List(pl.Float64))


def _undecodable(polylines: pl.Series) -> np.ndarray:
    """Bool mask of rows that polars cannot decode, by bisection: O(bad * log n) decode calls,
    all in Rust, and the same JSON rules as the fast path (so no row is judged twice)."""
    try:
        polylines.str.json_decode(_POLYLINE)
        return np.zeros(len(polylines), dtype=bool)
    except pl.exceptions.ComputeError:
        if len(polylines) == 1:
            return np.ones(1, dtype=bool)
        mid = len(polylines) // 2
        return np.concatenate([_undecodable(polylines[:mid]), _undecodable(polylines[mid:])])


def _decode(raw: pl.DataFrame, ctx: Ctx) -> pl.DataFrame:
    """Add `pts` (list of [lon, lat]); rows whose POLYLINE is not valid raise or are counted."""
    try:
        pts = raw["POLYLINE"].str.json_decode(_POLYLINE)
        bad = pts.is_null() | pts.list.eval(pl.element().list.len() != 2).list.any()
    except pl.exceptions.ComputeError:
        bad = pl.Series(_undecodable(raw["POLYLINE"]))
        pts = None
    bad_rows = raw.filter(bad)
    if len(bad_rows):
        if ctx.on_error == "raise":
            r = bad_rows.row(0, named=True)
            text = (r["POLYLINE"] or "")[:60]
            raise ctx.error(
                f"POLYLINE is not a valid JSON list of [lon, lat] pairs: {text!r}",
                r["_file"],
                r["_line"],
                "POLYLINE",
            )
        ctx.report.rows_in += len(bad_rows)
        ctx.report.drop("invalid_polyline_json", len(bad_rows))
        raw = raw.filter(~bad)
        pts = None if pts is None else pts.filter(~bad)
    if pts is None:
        pts = raw["POLYLINE"].str.json_decode(_POLYLINE)
        not_pairs = pts.is_null() | pts.list.eval(pl.element().list.len() != 2).list.any()
        if not_pairs.any():  # decodable but not [lon, lat] pairs: locate and handle them too
            return _decode(raw, ctx)
    return raw.with_columns(pts.alias("pts"))


class SeenTrips:
    """TRIP_IDs already read, as sorted 64-bit hashes with their (file, line): 24 bytes per trip
    (about 40 MB for the 1.7 M trips of the full Porto set), found with binary search. A hash
    collision between two different ids (probability ~n^2 / 2^65, 1e-7 for 1.7 M trips) would
    be reported as a duplicate; the message shows both lines, so it can be checked."""

    def __init__(self) -> None:
        self.hashes = np.zeros(0, np.uint64)
        self.where = np.zeros((0, 2), np.int64)  # (file, line) of each hash

    def earlier(self, df: pl.DataFrame) -> np.ndarray:
        """(N, 2) (file, line) of an earlier row with the same TRIP_ID, or -1; then remember
        the rows that had none."""
        h = df["TRIP_ID"].str.strip_chars().hash(seed=0).to_numpy()
        here = np.stack([df["_file"].to_numpy(), df["_line"].to_numpy()], 1).astype(np.int64)
        prev = np.full((len(h), 2), -1, np.int64)
        if len(self.hashes):
            pos = np.minimum(np.searchsorted(self.hashes, h), len(self.hashes) - 1)
            hit = self.hashes[pos] == h
            prev[hit] = self.where[pos[hit]]
        _, first, inverse = np.unique(h, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        again = (first[inverse] != np.arange(len(h))) & (prev[:, 0] < 0)
        prev[again] = here[first[inverse[again]]]
        new = np.flatnonzero(prev[:, 0] < 0)
        order = new[np.argsort(h[new], kind="stable")]
        at = np.searchsorted(self.hashes, h[order])
        self.hashes = np.insert(self.hashes, at, h[order])
        self.where = np.insert(self.where, at, here[order], axis=0)
        return prev


def _drop_duplicates(df: pl.DataFrame, ctx: Ctx, seen: SeenTrips) -> pl.DataFrame:
    """Keep the first row of each TRIP_ID; raise on, or count (in points), the later ones."""
    prev = seen.earlier(df)
    dup = prev[:, 0] >= 0
    if not dup.any():
        return df
    if ctx.on_error == "raise":
        i = int(np.flatnonzero(dup)[0])
        r = df.row(i, named=True)
        f0, l0 = int(prev[i, 0]), int(prev[i, 1])
        first = f"line {l0}" if f0 == r["_file"] else f"{ctx.paths[f0].name} line {l0}"
        raise ctx.error(
            f"TRIP_ID {r['TRIP_ID']!r} is already used by {first}; one row is one trip in the "
            "Porto format, so two rows with one TRIP_ID cannot both be read (duplicate_trip_id)",
            r["_file"],
            r["_line"],
            "TRIP_ID",
        )
    mask = pl.Series(dup)
    n_points = int(
        df.filter(mask).select(pl.col("pts").list.len().clip(lower_bound=1).sum()).item()
    )
    ctx.report.rows_in += n_points
    ctx.report.drop("duplicate_trip_id", n_points)
    return df.filter(~mask)


def _chunk(raw: pl.DataFrame, ctx: Ctx, seen: SeenTrips) -> pl.DataFrame:
    df = _drop_duplicates(_decode(raw, ctx), ctx, seen)
    n = pl.col("pts").list.len()
    empty = df.filter(n == 0)
    ctx.report.rows_in += len(empty)
    ctx.report.drop("empty_polyline", len(empty))
    df = df.filter(n > 0)
    if "MISSING_DATA" in df.columns:
        flagged = pl.col("MISSING_DATA").str.strip_chars().str.to_lowercase() == "true"
        n_flagged = int(df.filter(flagged).select(n.sum()).item() or 0)
        ctx.report.rows_in += n_flagged
        ctx.report.drop("missing_data_flag", n_flagged)
        df = df.filter(~flagged.fill_null(False))
    extra = [pl.col("CALL_TYPE").alias("call_type")] if "CALL_TYPE" in df.columns else []
    pts = (
        df.select(
            pl.col("TRIP_ID").alias("traj_id"),
            pl.col("TAXI_ID").alias("vehicle_id"),
            *extra,
            pl.col("TIMESTAMP").str.strip_chars().cast(pl.Int64, strict=False).alias("t0"),
            "pts",
            pl.int_ranges(0, n).alias("k"),
            "_file",
            "_line",
        )
        .explode(["pts", "k"])
        .with_columns(
            t=pl.col("t0") + SAMPLE_INTERVAL_S * pl.col("k"),
            lon=pl.col("pts").list.get(0),
            lat=pl.col("pts").list.get(1),
        )
        .drop(["t0", "pts", "k"])
    )
    fields = {"traj_id": "TRIP_ID", "t": "TIMESTAMP", "lat": "POLYLINE", "lon": "POLYLINE"}
    return finalize(check_rows(pts, ctx, fields))


def iter_porto(paths: list[Path], ctx: Ctx, chunk_rows: int) -> Iterator[pl.DataFrame]:
    """Stream canonical chunks of whole trips (about chunk_rows points each)."""
    trips_per_chunk = max(1, chunk_rows // POINTS_PER_TRIP)
    seen = SeenTrips()
    max_line = ctx.limits.max_line_bytes
    for path in paths:
        file = ctx.add_path(path)
        opener = functools.partial(open, path, "rb")
        first = first_line(opener, path, max_line).decode("utf-8", errors="replace")
        if not first.strip():
            if ctx.on_error == "raise":
                raise ctx.error("file is empty (expected the Porto CSV header)", file, None, None)
            ctx.report.rows_in += 1
            ctx.report.drop("empty_file", 1)
            continue
        names = header_names(first, ",", path)
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        if missing:
            raise TrajlmInputError(
                f"not a Porto taxi CSV: missing column(s) {missing}; the file has {names}",
                path=path,
                line=1,
                hint='for other CSV layouts use format="csv" with columns=ColumnMap(...)',
            )
        rows_before = ctx.report.rows_in
        for data, line0 in iter_line_blocks(path, trips_per_chunk, 1, None, max_line):
            raw = split_fields(lines_frame([(file, data, line0)], ctx), names, ",", ctx)
            out = _chunk(raw, ctx, seen)
            if len(out):
                yield conform(out)
        if ctx.report.rows_in == rows_before:  # header only
            if ctx.on_error == "raise":
                raise ctx.error("file has a header but no trips", file, None, None)
            ctx.report.rows_in += 1
            ctx.report.drop("empty_file", 1)
