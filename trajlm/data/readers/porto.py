"""Porto taxi (ECML/PKDD 2015) reader: one CSV row per trip, POLYLINE = JSON [[lon, lat], ...].

Point k of a trip is at TIMESTAMP + 15 * k seconds (TIMESTAMP is Unix seconds, UTC, the pickup).
Output: traj_id = TRIP_ID, vehicle_id = TAXI_ID, call_type = CALL_TYPE (when present).

Counting (`rows_in`): points of every parsed trip, plus one unit per CSV row that yields no point
(malformed row, POLYLINE that is not valid JSON, empty POLYLINE `[]`). Drop reasons:
  missing_data_flag      points of trips with MISSING_DATA=True (the publisher flags them as
                         incomplete); dropped and counted in both on_error modes
  empty_polyline         trips with POLYLINE `[]` (1 unit each); counted in both modes
  invalid_polyline_json  POLYLINE that is not a JSON list of [lon, lat] pairs (1 unit each)
  malformed_row, nan_coordinate, out_of_range, timestamp_*   as for every reader
POLYLINE is decoded vectorized (polars json_decode) per chunk; only when a chunk fails are the bad
rows located, by bisection (still polars). Lines of any length (a 10 MB POLYLINE) are fine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.readers._common import Ctx, check_rows, finalize
from trajlm.data.readers._lines import header_names, iter_line_blocks, lines_frame, split_fields
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


def _chunk(raw: pl.DataFrame, ctx: Ctx) -> pl.DataFrame:
    df = _decode(raw, ctx)
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
    for path in paths:
        file = ctx.add_path(path)
        with open(path, "rb") as f:
            first = f.readline().decode("utf-8", errors="replace")
        if not first.strip():
            if ctx.on_error == "raise":
                raise ctx.error("file is empty (expected the Porto CSV header)", file, None, None)
            ctx.report.rows_in += 1
            ctx.report.drop("empty_file", 1)
            continue
        names = header_names(first, ",")
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        if missing:
            raise TrajlmInputError(
                f"not a Porto taxi CSV: missing column(s) {missing}; the file has {names}",
                path=path,
                line=1,
                hint='for other CSV layouts use format="csv" with columns=ColumnMap(...)',
            )
        rows_before = ctx.report.rows_in
        for data, line0 in iter_line_blocks(path, trips_per_chunk, skip=1):
            raw = split_fields(lines_frame([(file, data, line0)], ctx), names, ",", ctx)
            out = _chunk(raw, ctx)
            if len(out):
                yield conform(out)
        if ctx.report.rows_in == rows_before:  # header only
            if ctx.on_error == "raise":
                raise ctx.error("file has a header but no trips", file, None, None)
            ctx.report.rows_in += 1
            ctx.report.drop("empty_file", 1)
