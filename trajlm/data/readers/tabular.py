"""Generic point-per-row CSV / Parquet reader with a column mapping, plus presets.

Presets (`PRESETS[name]`, pass as `columns=`; "ais" and "tdrive" are also formats):
  ais            boat-positions.csv (MovingPandas / VesselsValue): ID, ais_pos_timestamp
                 "DD/MM/YYYY HH:MM" UTC, longitude, latitude; traj_id = vehicle_id = ID.
  tdrive         T-Drive TaxiID,TimeStamp,Longitude,Latitude. TimeStamp is Beijing local time
                 (UTC+8, no DST), converted to UTC by subtracting 8 h; traj_id = vehicle_id = TaxiID.
  liverpool_bus  UK BODS export: trip_id, timestamp (UTC), latitude, longitude, vehicle_id, bearing.
  geolife_small  MovingPandas demo extract (`;`-separated, X=lon, Y=lat, t with "+00" offset).

Rows of a trajectory are assumed contiguous in the file (true for all shared data): `iter_read`
then yields whole trajectories per chunk. If they are not, `read` is still correct (it sorts the
concatenation) but a trajectory may appear in two streamed chunks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from trajlm.data.readers._common import (
    ColumnMap,
    Ctx,
    check_rows,
    finalize,
    header_names,
    hold_back,
    iter_line_blocks,
    lines_frame,
    parse_float,
    parse_time,
    split_fields,
)
from trajlm.data.schema import TrajlmInputError, conform

PRESETS: dict[str, ColumnMap] = {
    "ais": ColumnMap(
        traj_id="ID",
        t="ais_pos_timestamp",
        lat="latitude",
        lon="longitude",
        time_format="%d/%m/%Y %H:%M",
        extra={"vehicle_id": "ID"},
    ),
    "tdrive": ColumnMap(
        traj_id="TaxiID",
        t="TimeStamp",
        lat="Latitude",
        lon="Longitude",
        time_format="%Y-%m-%d %H:%M:%S",
        utc_offset_s=8 * 3600,
        extra={"vehicle_id": "TaxiID"},
    ),
    "liverpool_bus": ColumnMap(
        traj_id="trip_id",
        t="timestamp",
        lat="latitude",
        lon="longitude",
        time_format="%Y-%m-%d %H:%M:%S",
        extra={"vehicle_id": "vehicle_id", "heading_deg": "bearing"},
    ),
    "geolife_small": ColumnMap(
        traj_id="trajectory_id", t="t", lat="Y", lon="X", sep=";", extra={"user_id": "tracker"}
    ),
}


def _needed(cm: ColumnMap) -> list[str]:
    cols = [cm.t, cm.lat, cm.lon, *cm.extra.values()]
    return ([cm.traj_id] if cm.traj_id else []) + cols


def _check_columns(cm: ColumnMap, have: list[str], path: Path) -> None:
    missing = [c for c in dict.fromkeys(_needed(cm)) if c not in have]
    if missing:
        raise TrajlmInputError(
            f"missing column(s) {missing}; the file has {have}",
            path=path,
            line=1,
            hint="map them with columns=ColumnMap(traj_id=..., t=..., lat=..., lon=...)",
        )


def _empty(ctx: Ctx, file: int, what: str) -> None:
    """A file with no data rows: an error, or one counted `empty_file` unit."""
    if ctx.on_error == "raise":
        raise ctx.error(what, file, None, None)
    ctx.report.rows_in += 1
    ctx.report.drop("empty_file", 1)


def _to_points(df: pl.DataFrame, cm: ColumnMap, stem: str, t_expr: pl.Expr) -> pl.DataFrame:
    tid = pl.col(cm.traj_id).cast(pl.Utf8) if cm.traj_id else pl.lit(stem)
    return df.select(
        tid.alias("traj_id"),
        t_expr.alias("t"),
        pl.col(cm.lat).alias("lat"),
        pl.col(cm.lon).alias("lon"),
        *[pl.col(v).alias(k) for k, v in cm.extra.items()],
        "_file",
        "_line",
    )


def _fields(cm: ColumnMap) -> dict[str, str]:
    return {"traj_id": cm.traj_id or "<file stem>", "t": cm.t, "lat": cm.lat, "lon": cm.lon}


def iter_csv(paths: list[Path], cm: ColumnMap, ctx: Ctx, chunk_rows: int) -> Iterator[pl.DataFrame]:
    """Stream canonical chunks (whole trajectories) from point-per-row CSV files."""
    for path in paths:
        file = ctx.add_path(path)
        with open(path, "rb") as f:
            first = f.readline()
        if not first.strip():
            _empty(ctx, file, "file is empty (expected a header line)")
            continue
        try:
            names = header_names(first.decode("utf-8"), cm.sep)
        except UnicodeDecodeError:
            if ctx.on_error == "raise":
                raise ctx.error("header is not valid UTF-8", file, 1, None) from None
            _empty(ctx, file, "")
            continue
        _check_columns(cm, names, path)
        carry, rows_before = None, ctx.report.rows_in
        for data, line0 in iter_line_blocks(path, chunk_rows, skip=1):
            raw = split_fields(lines_frame([(file, data, line0)], ctx), names, cm.sep, ctx)
            raw = raw.with_columns(parse_float(cm.lat), parse_float(cm.lon))
            t_expr = parse_time(cm.t, cm.time_format, cm.utc_offset_s)
            pts = check_rows(_to_points(raw, cm, path.stem, t_expr), ctx, _fields(cm))
            done, carry = hold_back(finalize(pts), carry)
            if len(done):
                yield conform(done)
        if carry is not None and len(carry):
            yield conform(carry)
        if ctx.report.rows_in == rows_before:
            _empty(ctx, file, "file has a header but no data rows")


def _parquet_time(col: pl.Series, cm: ColumnMap) -> pl.Expr:
    name = col.name
    if col.dtype == pl.Datetime or isinstance(col.dtype, pl.Datetime):
        naive = col.dtype.time_zone is None  # type: ignore[union-attr]
        return pl.col(name).dt.epoch("s") - (cm.utc_offset_s if naive else 0)
    if col.dtype.is_numeric():
        scale = 1000 if cm.time_format == "unix_ms" else 1
        return (pl.col(name).cast(pl.Float64) / scale).floor().cast(pl.Int64)
    return parse_time(pl.col(name).cast(pl.Utf8), cm.time_format, cm.utc_offset_s)


def iter_parquet(
    paths: list[Path], cm: ColumnMap, ctx: Ctx, chunk_rows: int
) -> Iterator[pl.DataFrame]:
    """Stream canonical chunks from Parquet files, one record batch at a time.

    Errors name the 1-based row number as the "line"."""
    import pyarrow.parquet as pq

    for path in paths:
        file = ctx.add_path(path)
        try:
            pf = pq.ParquetFile(path)
        except Exception as e:  # pyarrow raises several types for a broken file
            raise TrajlmInputError(f"not a readable Parquet file ({e})", path=path) from None
        have = pf.schema_arrow.names
        _check_columns(cm, have, path)
        if pf.metadata.num_rows == 0:
            _empty(ctx, file, "Parquet file has no rows")
            continue
        carry, row0 = None, 1
        cols = list(dict.fromkeys(_needed(cm)))
        for batch in pf.iter_batches(batch_size=chunk_rows, columns=cols):
            raw = pl.from_arrow(batch)
            assert isinstance(raw, pl.DataFrame)
            n = len(raw)
            raw = raw.with_columns(
                pl.col(cm.lat).cast(pl.Float64, strict=False),
                pl.col(cm.lon).cast(pl.Float64, strict=False),
                _file=pl.lit(file, dtype=pl.Int32),
                _line=pl.int_range(row0, row0 + n, dtype=pl.Int64),
            )
            row0 += n
            pts = _to_points(raw, cm, path.stem, _parquet_time(raw[cm.t], cm))
            pts = check_rows(pts, ctx, _fields(cm))
            done, carry = hold_back(finalize(pts), carry)
            if len(done):
                yield conform(done)
        if carry is not None and len(carry):
            yield conform(carry)
