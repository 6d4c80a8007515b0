"""One column that holds the point (session 18, pyuser18; out of data/coerce_shapes.py, review37;
importable from there as before): a struct ``{lat, lon}`` / ``{x, y}``, an ``[x, y]`` list, WKB
(or PostGIS' hex WKB text) or WKT / ``"lat,lon"`` text (readers/_geoparquet.point_xy), given as
``lat_col == lon_col`` or found by name / by its fields when there are no latitude / longitude
columns, split into lat / lon; results carry the point back in the same column and form
(``pack_point``). A non-point or unreadable value is one line naming column and row."""

from __future__ import annotations

from typing import Any

import polars as pl

from trajlm.data.column_names import LAT, LON, candidates, normalised
from trajlm.data.derived_points import measured
from trajlm.data.schema import TrajlmInputError


def _point_column(df: pl.DataFrame, lat_col: str | None, lon_col: str | None) -> str | None:
    """The column that holds whole points: ``lat_col == lon_col``, or, with neither given and
    no latitude / longitude columns, the only struct with lat/lon (x/y) fields or the only
    column named like a point (readers' POINT_NAMES: geom, location, position, ...)."""
    from trajlm.data.readers._point_text import POINT_NAMES, point_named

    def named_point(c: str) -> bool:  # heldout27: `Location (Lat, Long)`; GeoJSON features
        # through pd.json_normalize: `geometry.coordinates` ([lon, lat, alt], GeoJSON's order)
        return point_named(c) or normalised(c.rsplit(".", 1)[-1]) in POINT_NAMES

    if lat_col is not None and lat_col == lon_col and lat_col in df.columns:
        return lat_col
    if lat_col is not None or lon_col is not None:
        return None
    cols = [str(c) for c in df.columns]
    if candidates(LAT, cols) or candidates(LON, cols):
        return None
    structs = [c for c, d in df.schema.items() if isinstance(d, pl.Struct)
               and candidates(LAT, [f.name for f in d.fields])
               and candidates(LON, [f.name for f in d.fields])]  # fmt: skip
    if len(structs) == 1:
        return structs[0]
    named = [c for c in cols if named_point(c)
             and (not isinstance(df.schema[c], pl.List) or _pairs(df[c]))]  # fmt: skip
    lists = [c for c in cols if named_point(c) and c not in named
             and isinstance(df.schema[c], pl.List)]  # fmt: skip
    if not named and len(lists) == 1:
        c = lists[0]
        first = df[c].drop_nulls().head(1).to_list()
        raise TrajlmInputError(
            f"column {c!r} holds lists ({df.schema[c]}; row 0: {str(first[0] if first else None)[:60]}),"
            " not one point a row as [x, y] or [lon, lat, z]",
            field=c,
            hint="one row per fix with [lon, lat] lists, or lat / lon columns (lat_col=, lon_col=)",
        )
    if not named:  # heldout38: BigQuery's `ST_GEOGPOINT(...) AS geog`, WKT whatever its name
        from trajlm.data.readers._point_text import wkt_points

        named = [c for c, d in df.schema.items() if d == pl.Utf8
                 and wkt_points(df[c].head(100).to_list())]  # fmt: skip
    named = measured(named)  # `geometry` beside `computed_geometry` (Mapillary; heldout39)
    return named[0] if len(named) == 1 else None


def _pairs(s: pl.Series) -> bool:
    """A list column of 2-3 numbers per row (a point), not a trajectory's list of values."""
    n = s.list.len().drop_nulls()
    return len(n) > 0 and bool(n.is_between(2, 3).all()) and s.dtype.inner.is_numeric()


def one_item_points(df: pl.DataFrame, lat_col: str | None, lon_col: str | None) -> pl.DataFrame:
    """``df`` with a one-item list column of objects holding a GeoJSON Point (SensorThings'
    `Locations: [{"location": {"type": "Point", ...}}]` through pd.json_normalize) replaced by
    that point as column `Locations.location`, as the JSON reader flattens it
    (readers/_json_records._flat; heldout34b's frame was told "no lat column"). Unchanged when
    lat / lon columns are named or found, or no single such column exists."""
    if lat_col is not None or lon_col is not None:
        return df
    cols = [str(c) for c in df.columns]
    if candidates(LAT, cols) or candidates(LON, cols):
        return df
    found = []
    for c, d in df.schema.items():
        if not (isinstance(d, pl.List) and isinstance(d.inner, pl.Struct)):
            continue
        points = [f.name for f in d.inner.fields if isinstance(f.dtype, pl.Struct)
                  and {"type", "coordinates"} <= {g.name for g in f.dtype.fields}]  # fmt: skip
        n = df[c].list.len().drop_nulls()
        if len(points) == 1 and len(n) and bool((n == 1).all()):
            found.append((c, points[0]))
    if len(found) != 1:
        return df
    c, field = found[0]
    point = pl.col(c).list.first().struct.field(field).alias(f"{c}.{field}")
    return df.with_columns(point).select([point.meta.output_name() if x == c else x
                                          for x in df.columns])  # fmt: skip


def split_point(
    df: pl.DataFrame, lat_col: str | None, lon_col: str | None
) -> tuple[pl.DataFrame, str | None, str | None, tuple | None]:
    """(frame, lat_col, lon_col, point) with a point column split into two float columns
    (``point`` = (column, form, (x field, y field), struct field order) for ``pack_point``);
    unchanged otherwise."""
    from trajlm.data.readers._geoparquet import GEO_X, GEO_Y, point_xy

    col = _point_column(df, lat_col, lon_col)
    if col is None:
        return df, lat_col, lon_col, None
    dtype = df.schema[col]
    ny, nx = f"{col}.y", f"{col}.x"  # errors name the caller's column, not GEO_Y
    if isinstance(dtype, pl.Struct):
        names = [f.name for f in dtype.fields]
        x = (candidates(LON, names) or [None])[0]
        y = (candidates(LAT, names) or [None])[0]
        point = (col, "struct", (x, y) if x and y else ("x", "y"), names)
        if not (x and y) and "coordinates" in names:  # a GeoJSON Point per row (heldout29)
            point = (col, "geojson", None, names)
        if not (x and y):  # point_xy names the fields it could not read
            return point_xy(df, col), GEO_Y, GEO_X, point
        ny, nx = f"{col}.{y}", f"{col}.{x}"
        out = df.with_columns(
            pl.col(col).struct.field(x).cast(pl.Float64, strict=False).alias(GEO_X),
            pl.col(col).struct.field(y).cast(pl.Float64, strict=False).alias(GEO_Y),
        )
    else:
        hexed = _is_hex_wkb(df[col])  # PostGIS' text output of a geometry: hex WKB
        if hexed:
            df = df.with_columns(pl.col(col).str.decode("hex"))
            dtype = pl.Binary
        try:
            out = point_xy(df, col)
        except TrajlmInputError:
            raise
        except Exception as e:  # shapely's GEOSException on bytes that are not WKB
            raise TrajlmInputError(
                f"column {col!r} holds bytes that are not WKB points ({e})",
                field=col,
                hint="give WKB points (shapely.to_wkb), WKT 'POINT (x y)' text or lat/lon columns",
            ) from None
        form = "list" if isinstance(dtype, pl.List | pl.Array) else "binary" if (
            dtype == pl.Binary) else "wkt" if _is_wkt(df[col]) else "pair"  # fmt: skip
        point = (col, "hex" if hexed else form, None, None)
        _no_point(df, out, col, form)
        if form == "pair" and df.schema[col] == pl.Utf8:  # "41.89, -87.67" under `(Long, Lat)`
            out = _pair_by_values(df, out, col)
    if {ny, nx} & set(out.columns):
        ny, nx = GEO_Y, GEO_X  # the caller has such columns: keep the internal names
    at = out.columns.index(col)
    rest = [c for c in out.columns if c not in (col, GEO_X, GEO_Y)]
    out = out.select(*rest[:at], GEO_Y, GEO_X, *rest[at:]).rename({GEO_Y: ny, GEO_X: nx})
    return out, ny, nx, point


def _pair_by_values(df: pl.DataFrame, out: pl.DataFrame, col: str) -> pl.DataFrame:
    """`out` with its split point's x / y swapped where the text pairs' values say they are
    written the other way round than the column's name gives (readers._point_text.pair_order,
    as ingest reads them: session 28), said."""
    from trajlm.data.readers._geoparquet import GEO_X, GEO_Y
    from trajlm.data.readers._point_text import lon_first, pair_order
    from trajlm.errors import warn_at_caller

    first, note = pair_order(df, col)
    if note is None or first == ("lon" if lon_first(col) else "lat"):
        return out
    warn_at_caller(note)
    if first == "row":  # rows in both orders, each told by its values (_point_mix; session 29)
        swap = out[GEO_Y].abs() > 90
        return out.with_columns(pl.when(swap).then(pl.col(GEO_X)).otherwise(pl.col(GEO_Y)).alias(GEO_Y),
                                pl.when(swap).then(pl.col(GEO_Y)).otherwise(pl.col(GEO_X)).alias(GEO_X))  # fmt: skip
    return out.with_columns(pl.col(GEO_X).alias(GEO_Y), pl.col(GEO_Y).alias(GEO_X))


def _no_point(df: pl.DataFrame, out: pl.DataFrame, col: str, form: str) -> None:
    """One line for the first row whose point column holds a value that gave no position
    (WKT of another geometry, text that is no point, a 1-item list); empty points
    (``POINT EMPTY``) and nulls stay missing positions, said by the row check."""
    from trajlm.data.readers._geoparquet import GEO_X, GEO_Y

    given = df[col].is_not_null()
    if form in ("wkt", "pair") and df.schema[col] == pl.Utf8:
        given = given & ~df[col].str.to_uppercase().str.contains("EMPTY").fill_null(False)
    lost = given & (out[GEO_X].is_null() | out[GEO_Y].is_null())
    if not lost.any():
        return
    i = int(lost.arg_true()[0])
    v = df[col][i]
    value = str(v.to_list() if isinstance(v, pl.Series) else v)[:80]
    raise TrajlmInputError(
        f"column {col!r} row {i}: {value!r} is not a point"
        f" ({int(lost.sum())} row(s) like it); a point is WKT 'POINT (x y)', [x, y], "
        "{lat, lon} or 'lat,lon'",
        field=col,
        hint="one row per fix: explode other geometries to points first (gdf.get_coordinates())",
    )


def _is_hex_wkb(s: pl.Series) -> bool:
    """Text of hex WKB points (`0101000000...`, PostGIS' default output), every value."""
    if s.dtype != pl.Utf8 or s.drop_nulls().len() == 0:
        return False
    return bool(s.drop_nulls().str.contains(r"^0[01](?:[0-9A-Fa-f]{2}){20,}$").all())


def _is_wkt(s: pl.Series) -> bool:
    first = s.drop_nulls().head(1).to_list()
    return bool(first) and str(first[0]).strip().upper().lstrip("SRID=0123456789;").startswith(
        "POINT"
    )


def pack_point(df: pl.DataFrame, point: tuple, lat: str, lon: str) -> pl.DataFrame:
    """A result with the positions in columns ``lat`` / ``lon`` (the caller's CRS) put back
    into the caller's point column, in its form (struct fields, [x, y] list, WKT, WKB,
    "lat,lon" text), where the point column was."""
    col, form, fields, order = point
    if lat not in df.columns or lon not in df.columns:
        return df
    y, x = pl.col(lat), pl.col(lon)
    missing = y.is_null() | x.is_null() | y.is_nan() | x.is_nan()
    if form == "struct":
        parts = {fields[0]: x.alias(fields[0]), fields[1]: y.alias(fields[1])}
        expr = pl.struct([parts[f] for f in (order or fields) if f in parts])  # the caller's order
    elif form == "geojson":  # {"type": "Point", "coordinates": [lon, lat]} in the caller's order
        parts = {"type": pl.lit("Point").alias("type"),
                 "coordinates": pl.concat_list(x, y).alias("coordinates")}  # fmt: skip
        expr = pl.struct([parts[f] for f in order if f in parts])
    elif form == "list":
        expr = pl.concat_list(x, y)
    elif form == "binary":
        import shapely

        pts = shapely.points(df[lon].to_numpy(), df[lat].to_numpy())
        expr = pl.lit(pl.Series(col, shapely.to_wkb(pts), dtype=pl.Binary))
    elif form == "hex":
        import shapely

        pts = shapely.points(df[lon].to_numpy(), df[lat].to_numpy())
        expr = pl.lit(pl.Series(col, shapely.to_wkb(pts, hex=True), dtype=pl.Utf8))
    elif form == "wkt":
        expr = pl.format("POINT ({} {})", x, y)
    else:
        expr = pl.format("{},{}", y, x)
    expr = (
        pl.when(missing).then(None).otherwise(expr) if form not in ("struct", "geojson") else expr
    )
    at = df.columns.index(lat)
    out = df.with_columns(expr.alias(col))
    rest = [c for c in out.columns if c not in (col, lat, lon)]
    return out.select(*rest[:at], col, *rest[at:])


# the point column forms a file of this kind can hold (CSV: text only; Parquet: any)
_POINT_FORMS = {".csv": ("wkt", "hex", "pair"), ".parquet": ("wkt", "hex", "pair", "struct",
                                                             "list", "binary")}  # fmt: skip


def point_for_file(df: pl.DataFrame, layout: Any, suffix: str) -> tuple[pl.DataFrame, str | None]:
    """(``df`` with its positions (the layout's lat / lon columns) put back into the input's
    point column, in its form, where the input had one: a WKT `geometry` column -> `POINT (lon
    lat)` again, as the Python API gives it back (session 25; `trajlm predict` wrote
    `geometry.y` / `geometry.x`), the words for the CLI's "wrote" line or None). Only WGS84
    input (projected points are written as lat / lon) and forms a ``suffix`` file can hold
    (CSV: WKT / hex WKB / "lat,lon" text; Parquet: any)."""
    from trajlm.data import geo

    point = layout.point
    if point is None or not geo.is_wgs84(layout.crs) or layout.kind == "geopandas":
        return df, None
    col, form = point[0], point[1]
    if form not in _POINT_FORMS.get(suffix, ()) or not {layout.lat_col, layout.lon_col} <= set(
        df.columns
    ):
        return df, None
    kind = {"wkt": "WKT POINT", "hex": "hex WKB", "pair": '"lat,lon" text'}.get(form, form)
    return pack_point(
        df, point, layout.lat_col, layout.lon_col
    ), f"{col} as the input's ({kind}, WGS84)"


# ------------------------------------------------------------- one row per trajectory, lists
