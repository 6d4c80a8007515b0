"""Point-per-row Parquet files (split from tabular.py, session 17): one record batch at a
time through the same column mapping, checks and cleaning as a CSV; positions from lat / lon
columns, a GeoParquet geometry or any one column holding the point (_geoparquet.point_xy)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from trajlm.data.outlier_flags import flag_columns
from trajlm.data.readers._clock_change import resolve_local
from trajlm.data.readers._common import (
    ColumnMap,
    Ctx,
    check_rows,
    count_resorted,
    finalize,
    hold_back,
)
from trajlm.data.readers._geoparquet import GEO_X, GEO_Y, geometry_source, point_xy
from trajlm.data.readers._parquet_time import parquet_time as parquet_time  # re-exported
from trajlm.data.readers._row_zones import naive_text, zoned_times
from trajlm.data.readers._sensors import say_unread_estimates
from trajlm.data.readers._speed_text import say_unread_speeds
from trajlm.data.readers._table_columns import dropped_extras, renamed_columns
from trajlm.data.readers._table_points import column_fields, table_coords, to_points
from trajlm.data.readers._tabular_times import (
    column_time_hint,
    local_time_exprs,
    time_expr,
    zone_reader,
)
from trajlm.data.readers._zone_mix import refuse_zone_mix
from trajlm.data.readers.tabular import (
    check_columns,
    check_mapping,
    coord_cols,
    file_without_rows,
    needed_columns,
)
from trajlm.data.schema import TrajlmInputError, conform


def iter_parquet(
    paths: list[Path], cm: ColumnMap, ctx: Ctx, chunk_rows: int
) -> Iterator[pl.DataFrame]:
    """Stream canonical chunks from Parquet files, one record batch at a time.

    Errors name the 1-based row number as the "line"."""
    import pyarrow.parquet as pq

    check_mapping(cm, paths)
    if cm.min_t is not None:
        ctx.min_t = cm.min_t
    ctx.time_hint, ctx.zone_column = column_time_hint(cm), cm.t_zone
    for path in paths:
        file = ctx.add_path(path)
        try:
            pf = pq.ParquetFile(path)
        except Exception as e:  # pyarrow raises several types for a broken file
            raise TrajlmInputError(f"not a readable Parquet file ({e})", path=path) from None
        have = renamed_columns(cm, read_as := pf.schema_arrow.names, path, ctx.said)  # newuser33
        renamed = {o: n for o, n in zip(read_as, have, strict=True) if o != n}
        back = {n: o for o, n in renamed.items()}
        fcm, geom = cm, None
        if (cm.lat not in have and cm.lon not in have or cm.lat == cm.lon) and not cm.coord_sources:
            found = geometry_source(pf.schema_arrow, path)  # GeoParquet: points, with a CRS
            if cm.lat == cm.lon and cm.lat in have and (found is None or found[0] != cm.lat):
                found = (cm.lat, cm.crs)  # one column holds the point (_geoparquet.point_xy)
            if found is not None:
                geom = found[0]
                fcm = dataclasses.replace(cm, lat=GEO_Y, lon=GEO_X, crs=found[1])
                if fcm.refusal():
                    check_mapping(fcm, [path])
        empty = dropped_extras(fcm, have, path, file, ctx.said)  # gone in a later file
        check_columns(fcm, [*have, *empty, GEO_X, GEO_Y] if geom else [*have, *empty], path)
        if pf.metadata.num_rows == 0:
            file_without_rows(ctx, file, "Parquet file has no rows")
            continue
        carry, row0 = None, 1
        cols = [c for c in needed_columns(fcm, have) if c not in (GEO_X, GEO_Y, *empty)]
        cols += [geom] if geom else []
        cols += [c for c in flag_columns(have).values() if c not in cols]  # Movebank's flags
        for batch in pf.iter_batches(batch_size=chunk_rows, columns=[back.get(c, c) for c in cols]):
            raw = pl.from_arrow(batch)
            assert isinstance(raw, pl.DataFrame)
            raw = raw.rename(renamed, strict=False)
            raw = raw.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in empty)
            if geom:
                raw = point_xy(raw, geom)
            n = len(raw)
            raw = raw.with_columns(
                *[pl.col(c).cast(pl.Float64, strict=False) for c in coord_cols(fcm, raw.columns)],
                _file=pl.lit(file, dtype=pl.Int32),
                _line=pl.int_range(row0, row0 + n, dtype=pl.Int64),
            )
            row0 += n
            raw = table_coords(raw, fcm, ctx)
            if cm.t_zone:  # each row's own zone, read as the CSV reader reads it (readers27)
                raw = raw.with_columns(naive_text(raw[cm.t]))
                raw, t_expr, local = zoned_times(raw, cm.t, cm.t_zone, zone_reader(cm))
            else:
                refuse_zone_mix(raw, cm, path)  # `10:00 AKST` beside zone-less text (leftover30)
                t_expr = time_expr(cm) if cm.t_parts else parquet_time(raw[cm.t], cm)
                local = local_time_exprs(cm, None if cm.t_parts else raw[cm.t])
            say_unread_estimates(raw, fcm.extra, ctx)
            say_unread_speeds(raw, fcm.extra, ctx)  # "fast" in a speed column (session 29)
            pts = to_points(raw, fcm, path.stem, t_expr, local)
            fields = column_fields(fcm) | (
                {"lat": f"{geom} (y)", "lon": f"{geom} (x)"} if geom else {}
            )
            pts = check_rows(resolve_local(pts, ctx, cm.tz, fields["t"]), ctx, fields)
            count_resorted(pts, ctx, across_chunks=True)
            done, carry = hold_back(finalize(pts), carry)
            if len(done):
                yield conform(done)
        if carry is not None and len(carry):
            yield conform(carry)
