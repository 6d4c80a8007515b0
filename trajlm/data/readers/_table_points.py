"""A table's rows as canonical points, shared by the CSV and Parquet readers: the coordinate
columns read (portal-marked outliers and rows without a fix dropped and counted, sensor pairs
picked, projected metres reprojected), then the canonical columns selected (`to_points`) and the
field names errors use (`column_fields`). Out of tabular.py (review40b), code unchanged.
"""

from __future__ import annotations

import polars as pl

from trajlm.data.geo import is_wgs84, reproject_columns
from trajlm.data.outlier_flags import MARKED_OUTLIER, invalid_fix_mask, no_lock_mask, outlier_mask
from trajlm.data.readers._argos import ARGOS_COLUMN
from trajlm.data.readers._common import T_RAW, ColumnMap, Ctx, exact_time
from trajlm.data.readers._coord_text import RAW
from trajlm.data.readers._crs_check import check_not_degrees
from trajlm.data.readers._estimate_units import hdop_number
from trajlm.data.readers._scaled_degrees import e7_degrees, scaled_whole
from trajlm.data.readers._sensors import (
    ACCURACY_COLUMNS,
    SENSOR_COLUMNS,
    accuracy_metres,
    sensor_value,
)
from trajlm.data.readers._speed_text import STORE_UNITS, speed_value
from trajlm.data.readers._table_columns import present_sources


def table_coords(df: pl.DataFrame, cm: ColumnMap, ctx: Ctx) -> pl.DataFrame:
    """Float `lat`/`lon` columns (named cm.lat/cm.lon or from coord_sources) -> `_lat`, `_lon`
    (+ `coord_source`); rows without a fix (no_fix) and rows the portal marked as outliers
    (Movebank's `visible` false, `*-marked-outlier` true: marked_outlier) are dropped and
    counted in both modes."""
    if (marked := outlier_mask(df.columns)) is not None:  # session 26 (newuser26)
        n = len(df)
        df = df.filter(~marked)
        ctx.report.rows_in += n - len(df)
        ctx.report.drop(MARKED_OUTLIER, n - len(df))
    if (invalid := invalid_fix_mask(df.columns)) is not None:  # Traccar's `valid` 0 (heldout30)
        n = len(df)
        df = df.filter(~invalid)
        ctx.report.rows_in += n - len(df)
        ctx.report.drop("no_fix", n - len(df))
    if (no_lock := no_lock_mask(df.columns)) is not None:  # GoPro's `fix` 0 (fix39b)
        n = len(df)
        df = df.filter(~no_lock)
        ctx.report.rows_in += n - len(df)
        ctx.report.drop("no_fix", n - len(df))
    if cm.coord_sources:
        srcs = present_sources(cm, df.columns)
        if cm.no_fix is None:
            has = {
                k: pl.col(a).is_not_null() & pl.col(b).is_not_null() for k, (a, b) in srcs.items()
            }
        else:
            has = {k: ~((pl.col(a) == cm.no_fix) & (pl.col(b) == cm.no_fix)).fill_null(False)
                   for k, (a, b) in srcs.items()}  # fmt: skip
        pick = [(has[k], a, b, k) for k, (a, b) in srcs.items()]
        df = df.with_columns(
            _lat=pl.coalesce([pl.when(h).then(pl.col(a)) for h, a, _, _ in pick]),
            _lon=pl.coalesce([pl.when(h).then(pl.col(b)) for h, _, b, _ in pick]),
            coord_source=pl.coalesce([pl.when(h).then(pl.lit(k)) for h, _, _, k in pick]),
        )
        fix = pl.col("coord_source").is_not_null()
    else:
        df = df.with_columns(_lat=pl.col(cm.lat), _lon=pl.col(cm.lon))
        fix = pl.lit(True)
        if cm.no_fix is not None:
            fix = ~((pl.col("_lat") == cm.no_fix) & (pl.col("_lon") == cm.no_fix)).fill_null(False)
    if cm.no_fix is not None:
        n = len(df)
        df = df.filter(fix)
        ctx.report.rows_in += n - len(df)
        ctx.report.drop("no_fix", n - len(df))
    if is_wgs84(cm.crs):
        scaled_whole(df, (cm.lat, cm.lon), ctx.paths)  # `_mdeg` of 38.72: refused
        df = e7_degrees(df, names=(cm.lat, cm.lon))  # x 1e7 (Teltonika), `_mdeg`: x 1e6
    if not is_wgs84(cm.crs):  # projected: cm.lat = northing, cm.lon = easting (trajlm[geo])
        # easting 0 / northing 0 is a logger's "no fix", not a place: dropped and counted as
        # no_fix (heldout30: a harvester's British-grid zeros were read as a point off the
        # Scilly Isles, 400 steps faster than 340 m/s with only a warning)
        n = len(df)
        df = df.filter(~((pl.col("_lat") == 0) & (pl.col("_lon") == 0)).fill_null(False))
        ctx.report.rows_in += n - len(df)
        ctx.report.drop("no_fix", n - len(df))
        raw = df.select("_lat", "_lon")
        df = reproject_columns(df, cm.crs, lat="_lat", lon="_lon")
        check_not_degrees(raw["_lat"].to_numpy(), raw["_lon"].to_numpy(),
                          df["_lat"].to_numpy(), df["_lon"].to_numpy(), cm.crs)  # fmt: skip
    return df


def to_points(
    df: pl.DataFrame, cm: ColumnMap, stem: str, t_expr: pl.Expr, local: list[pl.Expr]
) -> pl.DataFrame:
    if cm.traj_id and cm.traj_id_per_file:
        tid = pl.concat_str(
            [pl.lit(stem + "/"), pl.col(cm.traj_id).cast(pl.Utf8).str.strip_chars()]
        )
    else:
        tid = pl.col(cm.traj_id).cast(pl.Utf8) if cm.traj_id else pl.lit(stem)
    src = ["coord_source"] if "coord_source" in df.columns else []
    raw = [] if cm.t_parts else [pl.col(cm.t).cast(pl.Utf8).alias(T_RAW)]
    raw += [pl.col(RAW + c).alias(RAW + k) for k, c in (("lat", cm.lat), ("lon", cm.lon))
            if c and RAW + c in df.columns]  # coordinate text that did not parse  # fmt: skip
    return df.select(
        tid.alias("traj_id"),
        *exact_time(t_expr),
        *local,
        *raw,
        pl.col("_lat").alias("lat"),
        pl.col("_lon").alias("lon"),
        *src,
        *[_extra(df, k, v).alias(k) for k, v in cm.extra.items()],
        "_file",
        "_line",
    )


def _extra(df: pl.DataFrame, name: str, column: str) -> pl.Expr:
    """A kept column: sensors as numbers, an accuracy in metres ('1500 m', '0.8 km' read in
    their unit: readers27), anything else as it is."""
    if name == "accuracy_m":
        return accuracy_metres(column, df.schema[column].is_numeric())
    if name == "hdop":  # "2.1 (good)": the number (session 28)
        return hdop_number(column, df.schema[column].is_numeric())
    if name == ARGOS_COLUMN:  # Argos location classes: "3" ... "Z", upper case (session 29)
        return pl.col(column).cast(pl.Utf8).str.strip_chars().str.to_uppercase()
    if name in STORE_UNITS:  # "18 km/u", "5 kn": read in the cell's unit (session 29)
        return speed_value(column, name, df.schema[column].is_numeric())
    return sensor_value(column) if name in (*SENSOR_COLUMNS, *ACCURACY_COLUMNS) else pl.col(column)


def column_fields(cm: ColumnMap) -> dict[str, str]:
    lat, lon = cm.lat, cm.lon
    if cm.coord_sources:
        lat = "|".join(a for a, _ in cm.coord_sources.values())
        lon = "|".join(b for _, b in cm.coord_sources.values())
    return {"traj_id": cm.traj_id or "<file stem>", "t": cm.time_field(), "lat": lat, "lon": lon}
