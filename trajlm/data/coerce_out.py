"""Results back in the caller's kind: a table in trajlm's names (traj_id, t, lat, lon, ...)
-> the caller's frame kind, column names, id and time types, sub-second times and CRS, as
``coerce`` recorded them in a ``Layout`` (trajlm/data/coerce.py reads frames in).

    df, layout = coerce(pdf)                             # in
    out = from_canonical(pred, layout=layout)            # out: pandas, same names and zone
"""

from __future__ import annotations

from typing import Any

import polars as pl

from trajlm.data import geo
from trajlm.data.coerce import Layout, layout_of
from trajlm.data.coerce_epochs import epoch_back
from trajlm.data.coerce_names import cast_back
from trajlm.data.coerce_pieces import pieces_back
from trajlm.data.coerce_shapes import pack_point
from trajlm.data.coerce_subsec import FRAC, FRAC_NS, T_NS
from trajlm.data.geoframes import ATTR, X_COL, Y_COL, Z_COL, restore_points
from trajlm.data.schema import SOURCE_ID
from trajlm.data.time_text import times_as_text
from trajlm.data.times import epoch_datetimes
from trajlm.errors import warn_at_caller


def with_source_ids(df: pl.DataFrame, points: pl.DataFrame | None) -> pl.DataFrame:
    """A result keyed by ``traj_id`` with the user's own id beside it: ``source_traj_id`` of
    ``points`` (a cleaned table or a store's points; traj_id, source_traj_id pairs) joined on,
    where the result lacks it. Unchanged when ``points`` has no such column."""
    if points is None or SOURCE_ID not in points.columns or SOURCE_ID in df.columns:
        return df
    if "traj_id" not in df.columns:
        return df
    pairs = points.select("traj_id", SOURCE_ID).unique("traj_id", maintain_order=True)
    return df.join(pairs, on="traj_id", how="left", maintain_order="left")


def exact_times(df: pl.DataFrame, layout: Layout, ns: bool = False) -> pl.DataFrame:
    """A result in trajlm's names with the input's sub-second times put back (``t`` then Float
    Unix seconds): a row at an input fix's second gets that fix's fraction; a row after a
    trajectory's fixes (predict) its last fix's, so a step of 10 s from 12.2 s is 22.2 s;
    predict(at_times=...) rows the exact times asked. Whole-second input: unchanged. ``ns``
    (from_canonical): with ns datetimes below the microsecond, also T_NS, the exact integer
    nanoseconds (a float ``t`` holds ~0.2 us at today's epochs)."""
    if "t" not in df.columns or "traj_id" not in df.columns:
        return df
    if layout.frac is not None and len(layout.frac) and df.schema["t"].is_integer():
        frac = layout.frac.rename({FRAC: "__own"})
        with_ns = ns and FRAC_NS in frac.columns
        if not with_ns:
            frac = frac.drop(FRAC_NS, strict=False)
        own = ["__own", *(["__own_ns"] if with_ns else [])]
        frac = frac.rename({FRAC_NS: "__own_ns"}) if with_ns else frac
        last = frac.sort("t").group_by("traj_id").agg(pl.col(c).last().alias(c + "_l") for c in own)
        df = (
            df.join(frac, on=["traj_id", "t"], how="left", maintain_order="left")
            .join(last, on="traj_id", how="left", maintain_order="left")
            .with_columns(
                *[
                    (
                        pl.col("t").cast(pl.Int64) * 1_000_000_000
                        + pl.coalesce("__own_ns", "__own_ns_l", pl.lit(0))
                    ).alias(T_NS)
                ][: int(with_ns)],
                t=pl.col("t") + pl.coalesce("__own", "__own_l", pl.lit(0.0)).cast(pl.Float64),
            )  # fmt: skip
            .drop(*own, *[c + "_l" for c in own])
        )
    if layout.time_decimals is not None and df.schema["t"].is_float():
        # the input's own decimals: a step the model predicted in float32 showed its noise
        # (1772441228.4099982 after fixes written to the hundredth; fix34)
        df = df.with_columns(pl.col("t").round(layout.time_decimals))
    if layout.at_exact is not None and "step" in df.columns:
        # the times asked, to the microsecond (a sum of floats, not its last bits)
        at = layout.at_exact.select("traj_id", "step", pl.col("t").round(6).alias("__at"))
        df = (
            df.join(at, on=["traj_id", "step"], how="left", maintain_order="left")
            .with_columns(t=pl.coalesce("__at", pl.col("t").cast(pl.Float64)))
            .drop("__at")
        )  # fmt: skip
    return df


def replaced_column_warning(df: pl.DataFrame, name: str = "recovered") -> None:
    """One warning when the caller's frame has a column ``name`` that a result replaces (a
    boolean one is taken for the flag of an earlier call and replaced quietly)."""
    if name in df.columns and df[name].dtype != pl.Boolean:
        warn_at_caller(
            f"the input's column {name!r} ({df[name].dtype}) is replaced by the {name} flag "
            "(True where a point was filled); rename it first to keep it"
        )


def from_canonical(df: pl.DataFrame, like: Any = None, *, layout: Layout | None = None,
                   caller_order: bool = False, times: tuple[str, ...] = (),
                   ranked: bool = False, **cols: Any) -> Any:  # fmt: skip
    """A result table in trajlm's names (traj_id, t, lat, lon, ...) -> the caller's kind.

    Names, time type (datetime in the caller's zone, Unix seconds; ISO text with a UTC offset
    comes back as text on each trajectory's offset, other ISO text as UTC datetimes) and CRS
    follow ``like`` (or a ``layout``). Polars in -> Polars out (a
    LazyFrame -> a LazyFrame), pandas
    -> pandas, GeoDataFrame -> a GeoDataFrame of Points in the caller's CRS, MovingPandas ->
    a TrajectoryCollection. Tables without positions (embeddings, labels) come back as a plain
    pandas DataFrame for the pandas/geo kinds. ``caller_order`` puts the caller's columns
    first, in their order (for results that carry the input's rows, like ``recover``).
    ``times``: other columns of Unix seconds converted as ``t`` is (kept in their names).
    A vehicle's pieces come in piece order (``VAN-01_2`` before ``VAN-01_10``) unless
    ``ranked`` (rows in an order of their own, highest score first: coerce_pieces.pieces_back).
    """
    if layout is None:
        if like is None:
            raise ValueError("from_canonical needs like= (the caller's frame) or layout=")
        layout = layout_of(like, **cols)
    has_pos = "lat" in df.columns and "lon" in df.columns
    if layout.kind == "movingpandas":
        if has_pos and "t" in df.columns:
            from trajlm.data.adapters import to_movingpandas

            # in the caller's CRS; integer Trajectory ids stay integers (gisuser19)
            return to_movingpandas(
                df, crs=layout.crs, traj_dtype=layout.traj_dtype, points_if_short=True
            )
        if "traj_id" in df.columns and layout.traj_dtype is not None:
            df = df.with_columns(cast_back(df["traj_id"], layout.traj_dtype))
        # a table's other times (AnomalyDetector's seg_start_t) as the collection's index has
        # them: tz-naive UTC datetimes, not Unix seconds (session 20, analyst20)
        for name in (n for n in times if n in df.columns):
            t = epoch_datetimes(pl.col(name), df.schema[name].is_float())
            df = df.with_columns(t.dt.replace_time_zone(None).alias(name))
        return df.to_pandas()
    out = with_source_ids(exact_times(df, layout, ns=layout.time_kind == "datetime"), layout.ids)
    out = pieces_back(out, layout, ranked)  # a vehicle's pieces: its own id and `piece` (frames21)
    if layout.sub_second_rows is not None and "recovered" in out.columns:
        out = sub_second_rows_back(out, layout.sub_second_rows)
    if SOURCE_ID in out.columns and layout.traj_dtype is not None:  # the user's dtype, as traj_id
        out = out.with_columns(cast_back(out[SOURCE_ID], layout.traj_dtype))
    for name, dtype in (layout.extra_dtypes or {}).items():
        if name in out.columns:
            out = out.with_columns(cast_back(out[name], dtype))
    out = _times_back(out, layout, times).drop(T_NS, strict=False)
    if "traj_id" in out.columns and layout.traj_dtype is not None:
        out = out.with_columns(cast_back(out["traj_id"], layout.traj_dtype))
    if layout.kind == "geopandas" and has_pos:
        gpd = geo.require("geopandas")
        pdf = out.drop("lat", "lon").rename(_names(out, layout, pos=False))
        if caller_order:
            pdf = _caller_order(pdf, [c for c in layout.columns if c not in ("lat", "lon")])
        pdf = _pandas_ids(_to_pandas(pdf), layout)
        points = gpd.points_from_xy(out["lon"].to_numpy(), out["lat"].to_numpy())
        own = pdf[[c for c in (X_COL, Y_COL, Z_COL) if c in pdf.columns]]
        pdf = pdf.drop(columns=list(own.columns)).rename(columns={v: k for k, v in ATTR.items()})
        gdf = gpd.GeoDataFrame(pdf, geometry=points, crs="EPSG:4326")
        name = layout.geometry  # the caller's active geometry column's name (gisuser19)
        if name and name != "geometry" and name not in gdf.columns:
            gdf = gdf.rename_geometry(name)
        gdf = gdf if geo.is_wgs84(layout.crs) else gdf.to_crs(layout.crs)
        return restore_points(gdf, own) if len(own.columns) else gdf
    if has_pos and not geo.is_wgs84(layout.crs):
        x, y = geo.from_wgs84(out["lat"].to_numpy(), out["lon"].to_numpy(), layout.crs)
        out = out.with_columns(lat=pl.Series(y), lon=pl.Series(x))
    elif has_pos:
        out = _scaled_back(out, layout)
    out = out.rename(_names(out, layout, pos=True))
    out = _caller_order(out, list(layout.columns)) if caller_order else out
    if layout.point is not None:  # the caller's point column ({lat, lon}, [x, y], WKT) again
        out = pack_point(out, layout.point, layout.lat_col, layout.lon_col)
    if layout.kind == "polars":
        return out.lazy() if layout.lazy else out
    return _pandas_positions(_pandas_time(_pandas_ids(_to_pandas(out), layout), layout), layout)


def _times_back(out: pl.DataFrame, layout: Layout, times: tuple[str, ...]) -> pl.DataFrame:
    """``t`` and the ``times`` columns (Unix seconds) as the caller's time column had them."""
    if (text := _offset_text(out, layout)) is not None:  # ISO text with a UTC offset
        for name in (n for n in ("t", *times) if n in out.columns):
            out = out.with_columns(times_as_text(out[name], text, layout.time_text).alias(name))
    elif layout.time_kind in ("datetime", "string"):
        zone = layout.time_zone if layout.time_kind == "datetime" else _text_clock(layout)
        for name in ("t", *times):
            if name not in out.columns:
                continue
            t = epoch_datetimes(pl.col(name), out.schema[name].is_float())
            if name == "t" and T_NS in out.columns:  # ns datetimes: their own nanoseconds
                t = pl.coalesce(pl.from_epoch(T_NS, time_unit="ns"), t.cast(pl.Datetime("ns")))
            t = t.dt.replace_time_zone("UTC")
            t = t.dt.convert_time_zone(zone) if zone else t.dt.replace_time_zone(None)
            out = out.with_columns(_time_back(t, layout).alias(name))
    elif layout.time_kind == "epoch" and layout.time_dtype is not None:
        for name in ("t", *times):  # Float64 seconds in, Float64 out (not Int64)
            if name in out.columns and layout.time_dtype.is_float():
                out = out.with_columns(pl.col(name).cast(layout.time_dtype))
    return out


def _text_clock(layout: Layout) -> str:
    """The zone results of text times come back in: the caller's named clock (tz= /
    utc_offset=) for zone-less text it placed (`2026-03-21 10:58:29` in Europe/Budapest),
    as naive datetimes read with tz= come back; UTC otherwise (`Z` text, or no zone named).
    newuser40: the barges' local text came back as UTC datetimes, an hour off its pings'
    clock when put beside them (left since newuser25 #19 / newuser27 #20)."""
    style = layout.time_text or {}
    return layout.named_zone if layout.named_zone and style.get("zone") == "none" else "UTC"


def _offset_text(out: pl.DataFrame, layout: Layout) -> pl.Series | None:
    """Each result row's trajectory id for ``times_as_text`` when the caller's times were ISO
    text with a UTC offset (``2026-03-18T08:00:00+01:00``): results are written the same way, on
    each trajectory's own offset, as `trajlm predict --out` writes them (session 25, newuser25;
    they came back as UTC datetimes). None otherwise: text on UTC (``Z``, ``+00:00``, no zone)
    comes back as UTC datetimes, as before (pandas writes aware UTC times as ``+00:00``)."""
    style = layout.time_text or {}
    if layout.time_kind != "string" or style.get("zone") != "offset":
        return None
    if not any(style["offsets"].values()):  # every trajectory on UTC
        return None
    if "traj_id" in out.columns:
        return out["traj_id"]
    offsets = set(style["offsets"].values())
    if len(offsets) != 1:  # no id to pick each row's offset: UTC datetimes, as before
        return None
    return pl.Series([next(iter(style["offsets"]))] * out.height, dtype=pl.Utf8)


def _time_back(t: pl.Expr, layout: Layout) -> pl.Expr:
    """Result datetimes (UTC or the caller's zone) as the caller's time column had them: Unix
    numbers in the unit its name said (ts_ms), or datetimes of its unit (ms / ns)."""
    if layout.epoch_unit is not None:
        return epoch_back(t, layout.epoch_unit, layout.time_dtype)
    dtype = layout.time_dtype
    if isinstance(dtype, pl.Datetime) and dtype.time_unit != "us":
        return t.dt.cast_time_unit(dtype.time_unit)
    return t


def _pandas_time(pdf: Any, layout: Layout) -> Any:
    """The caller's pandas datetime resolution back on the time column (datetime64[ns] or
    [s] in, the same out; Polars carries us / ms / ns only)."""
    dtype, name = layout.pandas_time, layout.time_col
    if dtype is None or name not in pdf.columns or pdf[name].dtype == dtype:
        return pdf
    if getattr(dtype, "kind", "") == "M" and getattr(pdf[name].dtype, "kind", "") == "M":
        try:
            pdf[name] = pdf[name].astype(dtype)
        except (TypeError, ValueError):
            pass
    return pdf


def _pandas_positions(pdf: Any, layout: Layout) -> Any:
    """The caller's pandas position dtypes (``float64_extensions``) back on their columns."""
    for name, dtype in (layout.pandas_positions or {}).items():
        if name in pdf.columns and pdf[name].dtype != dtype:
            pdf[name] = pdf[name].astype(dtype)
    return pdf


def _pandas_ids(pdf: Any, layout: Layout) -> Any:
    """The caller's pandas id dtype (nullable Int64, ...) back on the id columns, where every
    value fits it (split ids "17_0" stay text)."""
    if layout.pandas_ids is None:
        return pdf
    for name in (layout.traj_col, SOURCE_ID):
        if name in pdf.columns and pdf[name].dtype != layout.pandas_ids:
            try:
                ids = pdf[name].astype(layout.pandas_ids)
            except (TypeError, ValueError):
                continue
            if int(ids.isna().sum()) == int(pdf[name].isna().sum()):  # a category "a_0": kept
                pdf[name] = ids
    return pdf


def _to_pandas(df: pl.DataFrame) -> Any:
    """``df.to_pandas()``, with integer columns that hold nulls as pandas' nullable integers
    (``Int64``: an unmatched ``edge_id`` is <NA>, not a float NaN)."""
    import pandas as pd

    pdf = df.to_pandas()
    for name, dtype in df.schema.items():
        if dtype.is_integer() and df[name].null_count():
            pdf[name] = pd.array(df[name].to_list(), dtype=str(dtype))
    return pdf


def _caller_order(df: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """The caller's columns first, in their order, then the others."""
    columns = [c for c in columns if c in df.columns]
    return df.select(columns + [c for c in df.columns if c not in columns])


def _scaled_back(out: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    """Positions in the unit the caller's column names say (`position_lat`: semicircles,
    `lat_e7` / `latitudeE7`: degrees x 1e7), whole numbers as those units are written, as times
    come back in the caller's unit. heldout26: `trajlm.clean(df)` of a fitparse frame gave
    degrees back under `position_lat`, which the next `predict` divided again (2^31 / 180):
    every fix near (0, 0), 4,883 km from the training area, answered without an error."""
    from trajlm.data.readers._scaled_degrees import named_scale

    scales = {c: named_scale(n) for c, n in (("lat", layout.lat_col), ("lon", layout.lon_col))}
    if layout.point is not None or not any(scales.values()):
        return out
    return out.with_columns(
        (pl.col(c) * k).round(0).alias(c) for c, k in scales.items() if k is not None
    )


def _names(df: pl.DataFrame, layout: Layout, pos: bool) -> dict[str, str]:
    names = {"traj_id": layout.traj_col, "t": layout.time_col}
    if pos:
        names |= {"lat": layout.lat_col, "lon": layout.lon_col}
    return {a: b for a, b in names.items() if a in df.columns and a != b}


def sub_second_rows_back(out: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """A recover result (``t`` with its fractions back, a ``recovered`` column) with the fixes
    coerce dropped for sharing a second with the fix it kept put back before or after that
    one, by time (a track's first / last second may keep a later known fix; badin19): a known fix
    with its own position (recovered False), a missing one filled at its own exact time
    (recovered True), linearly between the nearest fixes with a position (known, or filled by
    the model) before and after it, so the result has every row the caller gave. (Filled with
    its second's kept position, a 10 Hz drone at 12 m/s was 1.2-4.7 m off; session 18.)"""
    if not out.schema["t"].is_float():  # exact_times puts fractions back, so t is float
        out = out.with_columns(pl.col("t").cast(pl.Float64))
    kept = out.with_row_index("__at").select("__at", "traj_id", pl.col("t").alias("__kt"),
        pl.col("t").floor().cast(pl.Int64).alias("__sec"))  # fmt: skip
    known = pl.col("lat").is_not_null() & pl.col("lon").is_not_null()
    back = (
        rows.with_columns(
            __sec=pl.col("t"), t=pl.col("t") + pl.col(FRAC).cast(pl.Float64), recovered=~known
        )  # fmt: skip
        .drop(FRAC)
        .join(kept, on=["traj_id", "__sec"], how="left", maintain_order="left")
        .with_columns(  # before or after its second's kept fix, by time (badin19)
            __at=pl.col("__at").cast(pl.Float64)
            + pl.when(pl.col("t") < pl.col("__kt")).then(-0.5).otherwise(0.5)
        )
        .drop("__sec", "__kt")
    )
    both = pl.concat([out.with_row_index("__at").with_columns(pl.col("__at").cast(pl.Float64)),
                      back], how="diagonal_relaxed")  # fmt: skip
    both = both.sort("__at", "t", maintain_order=True).drop("__at")
    both = _fill_along_track(both)  # rows outside the known ends stay empty, not recovered
    return both.with_columns(recovered=pl.col("recovered") & pl.col("lat").is_not_null()).select(
        out.columns
    )


def _fill_along_track(df: pl.DataFrame) -> pl.DataFrame:
    """Null lat / lon of each trajectory (rows in time order) linear in time between the
    nearest rows with a position; before the first / after the last such row left empty
    (recover's edge rows: never extrapolated; fix31). Longitudes across the antimeridian are
    interpolated the short way round."""
    if not (df["lat"].is_null() | df["lon"].is_null()).any():
        return df
    lon0 = pl.col("lon").drop_nulls().first().over("traj_id")
    rel = (pl.col("lon") - lon0 + 180.0) % 360.0 - 180.0  # near the trajectory's first lon
    gap = pl.col("lat").is_null() | pl.col("lon").is_null()
    filled = df.with_columns(
        __lat=pl.when(gap).then(None).otherwise(pl.col("lat")),
        __rel=pl.when(gap).then(None).otherwise(rel),
        __lon0=lon0,
    ).with_columns(
        pl.col(c).interpolate_by("t").over("traj_id")
        for c in ("__lat", "__rel")
    )  # fmt: skip
    return filled.with_columns(
        lat=pl.coalesce("lat", "__lat"),
        lon=pl.coalesce("lon", (pl.col("__lon0") + pl.col("__rel") + 180.0) % 360.0 - 180.0),
    ).drop("__lat", "__rel", "__lon0")
