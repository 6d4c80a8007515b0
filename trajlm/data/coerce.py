"""In-memory input coercion: whatever frame a user has -> the canonical table (and the
``Layout`` that maps results back: trajlm/data/coerce_out.py).

    df = to_canonical(pdf)                                 # columns auto-detected
    df = to_canonical(gdf)                                 # GeoDataFrame, any CRS
    df = to_canonical(pdf, traj_col="trip", time_col="ts", crs="EPSG:2100")
    out = from_canonical(pred, like=pdf)                   # coerce_out: the caller's kind and names

Accepted: Polars and pandas DataFrames; GeoPandas GeoDataFrames of Points (one row per fix,
with a time column) or of LineStrings (one row per trajectory, times in a list column, one per
vertex); MovingPandas Trajectory / TrajectoryCollection. Columns are found by name when not
given (case-insensitive; the first tier with a match wins, two matches in one tier is an
error): scikit-mobility (uid, tid, lat, lng, datetime), trackintel positionfixes (user_id,
tracked_at, geom) and the common names in ``trajlm.data.column_names``.
Times may be datetimes (tz-aware, or naive = UTC), Unix seconds, or ISO strings.
Coordinates in another CRS (``crs=``, or the GeoDataFrame's own) are reprojected with pyproj;
for projected columns ``lat_col`` names the northing (y) and ``lon_col`` the easting (x).
Times are read by data/times.py, GeoDataFrames by data/geoframes.py; the columns are picked and
the coordinates read as numbers by data/coerce_columns.py (session 24).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from trajlm.data import geo
from trajlm.data.clean_accuracy import estimates_as_numbers
from trajlm.data.coerce_columns import (
    pick_column,
)
from trajlm.data.coerce_coords import text_coords
from trajlm.data.coerce_frame_steps import (  # its steps on a frame, in order (review39c)
    flat_frame,
    id_and_time_columns,
    keep_pandas_dtypes,
    local_clock,
    movingpandas_input,
    refuse_wrong_plane,
    unprefixed,
)
from trajlm.data.coerce_ids import refuse_row_keys_on_one_track
from trajlm.data.coerce_layout import KINDS as KINDS  # re-exported
from trajlm.data.coerce_layout import Layout, kind_of
from trajlm.data.coerce_names import relabel
from trajlm.data.coerce_path import (
    as_own_names,
    asked_clock_of_store,
    is_path,
    is_store_path,
    path_only,
    read_path_named,
)
from trajlm.data.coerce_pieces import (
    NO_ID,
    cut_pieces,
    is_mover,
    no_id_frame,
)
from trajlm.data.coerce_rows import (
    drop_repeats,
    warn_placeholders,
)
from trajlm.data.coerce_shapes import (
    index_levels,
    komoot_start,
    pandas_frame,
)
from trajlm.data.coerce_steps import naive_time_warning as naive_time_warning  # re-exported
from trajlm.data.coerce_steps import other_columns, positions, put_fractions_aside, read_times
from trajlm.data.coerce_tz import (
    check_zone_name,
    offset_zone,
    whole_offset_zone,
)
from trajlm.data.coerce_utm_zone import utm_zone_crs
from trajlm.data.column_names import LAT, LON
from trajlm.data.frame_axes import check_found_axes
from trajlm.data.geoframes import CARRIED, from_geodataframe
from trajlm.data.local_plane import (
    as_plane_columns,
    store_crs,
)
from trajlm.data.readers._grid_names import named_grid
from trajlm.data.readers._time_columns import (
    date_partner,
    join_date_column,
    lone_local_time,
)
from trajlm.data.readers.argo_index import argo_frame
from trajlm.data.readers.plane_kinds import is_plane_file
from trajlm.data.schema import (
    MIN_T,
    MIN_T_DATED,
    OPTIONAL,
    SOURCE_ID,
    DropReport,
    check_model_input,
    conform,
)
from trajlm.data.times import (
    text_style,
    time_decimals,
)
from trajlm.errors import warn_at_caller


def coerce(
    obj: Any,
    *,
    traj_col: str | None = None,
    time_col: str | None = None,
    lat_col: str | None = None,
    lon_col: str | None = None,
    crs: Any = None,
    validate: bool = True,
    source: str = "input",
    warn_naive: bool = True,
    repeats: str = "refuse",
    time_origin: Any = None,
    time_format: str | None = None,
    on_error: str | None = None,
    format: str | None = None,
    tz: str | None = None,
    split_gaps: Any = False,
    utc_offset: float | None = None,
) -> tuple[pl.DataFrame, Layout]:
    """``to_canonical`` that also returns the ``Layout`` ``from_canonical`` maps results with.
    ``warn_naive``: say once (``naive_time_warning``) when the times are datetimes without a
    zone (read as UTC). ``repeats="drop"``: receivers' repeated reports (same time, same
    position within 1e-4 deg) are dropped before the checks, counted in
    ``layout.repeats`` = (number, first dropped row); "refuse" leaves them to the checks.
    ``tz``: naive datetimes are local times of that zone (DST-aware, a repeated hour read so
    each track's times keep increasing; results come back in that zone); without it, naive
    times that step back like a DST fall-back are refused (trajlm/data/coerce_tz.py); on Unix
    numbers or zoned text it moves nothing and is kept, said, as the frame's clock for asked
    times (ingest --tz keeps the store's so; fix36).
    ``split_gaps``: True (the API's methods) cuts a vehicle's / user's fixes at ingest's gap
    rule, a number at that gap in seconds, and reads a frame without an id column as one
    mover's; False: one trajectory per id (coerce_pieces.py). A path (str / Path) is read as
    `trajlm data ingest` reads it, the column names naming the file's (coerce_path.py).
    ``utc_offset``: naive times are local times that many hours ahead of UTC (``--utc-offset``'s
    twin; coerce_tz.offset_zone)."""
    path_zone = None
    if isinstance(tz, str) and not is_path(obj):  # badin37: a Polars traceback / its hint
        check_zone_name(tz)  # ("did you mean 'CET'") for tz='+25:00' / '+05:45' on a frame
    if is_path(obj):
        cols = {"traj_col": traj_col, "time_col": time_col, "lat_col": lat_col,
                "lon_col": lon_col, "crs": crs, "tz": tz, "utc_offset": utc_offset}  # fmt: skip
        store = is_store_path(obj)
        cols_path = obj
        # ingest's --time-origin / --time-format / --on-error, as trajlm.read takes them (fix35)
        cols |= {"time_origin": time_origin, "time_format": time_format, "on_error": on_error,
                 "format": format}  # fmt: skip
        time_origin = time_format = on_error = format = None  # the read takes them
        if crs is None and not store and is_plane_file(obj):  # a plane, as ingest reads it
            cols["crs"] = crs = "local"
        local = geo.is_local(crs) or (store and store_crs(cols_path) == "local")
        obj, own = read_path_named(obj, cols)
        # the zone the file was read with stays the clock of times asked of it, as a frame's
        # tz= does (zones36: a path's was dropped, so at_times= went as UTC); a fraction of an
        # hour has no Polars zone: the times were read with it, asked ones go as UTC
        path_zone = tz if utc_offset is None else whole_offset_zone(utc_offset, tz)
        if store and path_zone is None:  # a store's own clock (--tz at ingest), as the CLI's
            path_zone = asked_clock_of_store(cols_path)  # --at-times reads it (leftover37)
        lat_col = lon_col = crs = tz = utc_offset = None  # canonical now, WGS84 and UTC
        # answers name the file's own id and time columns, as a frame read from it (leftover36)
        obj, traj_col, time_col = as_own_names(obj, own)
        if local:  # a plane's lat / lon are bookkeeping: back to x / y, answered in metres
            obj = as_plane_columns(obj)  # (newuser36: predict(path, crs="local") gave lat / lon)
            lat_col, lon_col, crs = "y", "x", "local"
        # a file's ids are movers or trips, ingest cannot tell: it cuts both at its gap rule;
        # a store's trips are ingest's own cut (maybe at stops or another --max-gap-s): kept
        split_gaps = (not store) if split_gaps == "auto" else split_gaps
    if utc_offset is not None:  # a fixed zone, read as tz= reads its zone (leftover35)
        tz = offset_zone(utc_offset, tz)
    named_zone = (
        tz or path_zone
    )  # the caller's clock: naive times', asked ones' (Layout.named_zone)
    kind = kind_of(obj)
    path_only(time_origin=time_origin, time_format=time_format, on_error=on_error, format=format)
    if kind == "movingpandas":
        return movingpandas_input(obj, kind, source, validate)
    lazy = isinstance(obj, pl.LazyFrame)
    if lazy:
        obj = obj.collect()
    layout_crs = crs
    geometry = obj.geometry.name if kind == "geopandas" else None
    if kind == "geopandas":
        obj, layout_crs = from_geodataframe(obj, time_col, crs)
        lat_col, lon_col, crs = "lat", "lon", None  # already WGS84
    given = obj  # pandas: its own id / time dtypes are given back (Layout)
    if kind in ("pandas", "geopandas"):  # NaN -> null: pandas' missing value is a missing point
        obj = pandas_frame(obj, time_col)  # a DatetimeIndex is the time column
    df, lat_col, lon_col, point = flat_frame(obj, time_col, lat_col, lon_col)
    df, traj_col, time_col, lat_col, lon_col = unprefixed(df, traj_col, time_col, lat_col,
                                                          lon_col, split_gaps)  # fmt: skip
    cols = df.columns
    levels = index_levels(given) if kind in ("pandas", "geopandas") else []
    if traj_col is None and (floats := argo_frame(df)) is not None:  # heldout40
        df, traj_col = floats  # an Argo index: each profile's float from its `file` path
        cols = df.columns
        warn_at_caller("an Argo profile index: read by each float's WMO number in 'file'")
    if traj_col is None and not levels:  # no id column: one mover's fixes (coerce_pieces)
        df, traj_col = no_id_frame(df, split_gaps)
        cols = df.columns
    df, time_col, tz = local_clock(df, time_col, tz)
    local_named = time_col is None and (time_col := lone_local_time(df.columns)) is not None
    traj, tcol = id_and_time_columns(df, cols, traj_col, time_col, levels, source)
    if lat_col is None and lon_col is None and crs is None and (grid := named_grid(cols)):
        lat_col, lon_col, crs = grid["lat"], grid["lon"], grid["crs"]  # `x_rd` / `y_rd`
        layout_crs = crs  # answers back in the frame's grid, as for crs= (heldout31)
        warn_at_caller(f"{lon_col!r} / {lat_col!r} read as {crs} eastings / northings (their "
                       "names say the grid; crs= to give another)")  # fmt: skip
    lat = pick_column("lat", lat_col, cols, LAT, "lat_col")
    lon = pick_column("lon", lon_col, cols, LON, "lon_col")
    if geo.is_wgs84(crs):  # DMS text, N/S E/W columns: as ingest reads them (predict18's finding)
        df = text_coords(df, lat, lon)
    joined = join_date_column(df, tcol)  # Date + Time columns: one time, as ingest reads them
    date = date_partner(tcol, cols) if joined is not df else None
    df, text = joined, "df[col]" if date is None else f"df[{date!r}] + ' ' + df[{tcol!r}]"
    df, t, time_kind, zone, unit, time_dtype = read_times(
        df, traj, tcol, tz, text, warn_naive, local_named
    )
    min_t = MIN_T if time_kind == "epoch" or unit else MIN_T_DATED  # dates: from 1900
    lat, lon = check_found_axes(df, traj, t, lat, lon, lat_col is not None or lon_col is not None
                                or point is not None, geo.is_wgs84(crs))  # fmt: skip
    if (zone_crs := utm_zone_crs(df, lat, lon, crs)) is not crs:  # `utm_zone` (newuser40)
        crs = layout_crs = zone_crs  # answers back in that zone, as for crs=
    la, lo = positions(df, lat, lon, crs, validate, point)
    rest = other_columns(df, traj, tcol, lat, lon, cols)
    ids = df[traj].fill_nan(None) if df[traj].dtype.is_float() else df[traj]  # NaN: no id
    canonical = [ids.cast(pl.Utf8).alias("traj_id"), t.alias("t"), la.alias("lat"),
                 lo.alias("lon")]  # fmt: skip
    out = pl.DataFrame(canonical).hstack(df.select(rest).get_columns())
    if traj_col is None:  # `req_id` on every row of one track: no mover per fix (fix39)
        refuse_row_keys_on_one_track(out, traj, [c for c in cols if isinstance(c, str)])
    if geo.is_wgs84(crs):
        out = _wrap_0_360(out, lon)
    out, sub, frac, sub_rows = put_fractions_aside(out, df, tcol, source)
    refuse_wrong_plane(out, crs, lat, lon)
    style = text_style(df[tcol], df[traj], t) if time_kind == "string" else None
    layout = Layout(kind, traj, tcol, lat, lon, time_kind, zone, layout_crs, df[traj].dtype,
                    tuple(cols), lazy, style, frac)  # fmt: skip
    keep_pandas_dtypes(layout, given, kind, traj, tcol, lat, lon)
    if sub is not None:  # results' times carry the input's decimals, not float noise
        layout.time_decimals = time_decimals(sub)
    layout.time_dtype, layout.epoch_unit, layout.point = time_dtype, unit, point
    layout.geometry = None if geometry is None else str(geometry)
    layout.named_zone = named_zone
    recast = {c: df[c].dtype for c in rest if c in OPTIONAL and df[c].dtype != OPTIONAL[c]}
    layout.extra_dtypes = recast or None
    layout.sub_second_rows = sub_rows
    if SOURCE_ID in out.columns:
        layout.ids = out.select("traj_id", pl.col(SOURCE_ID).cast(pl.Utf8)).unique("traj_id")
    layout.repeats = (0, None)
    if repeats == "drop":
        out, n_rep, first_rep = drop_repeats(out)
        layout.repeats = (n_rep, first_rep)
    if validate:
        warn_placeholders(out, traj)
    out = estimates_as_numbers(out)  # text `hdop` "2.1 (good)" read, not a cast error
    with relabel(layout), komoot_start(cols, tcol, lon):  # the caller's columns (errnames18)
        table = check_model_input(out, source, min_t) if validate else conform(out)
    if split_gaps is not False and (
        split_gaps != "auto" or is_mover(traj, traj_col not in (None, NO_ID))
    ):
        table = cut_pieces(table, layout, split_gaps, source)
    return table, layout


def _wrap_0_360(out: pl.DataFrame, lon: str) -> pl.DataFrame:
    """Trajectories written with longitudes 0..360 (180.2 for -179.8) moved to [-180, 180), as
    ingest reads them (readers/_lon_360.py), said once (heldout26: a ferry frame was refused,
    and the refusal's trajlm.clean dropped every fix east of the antimeridian)."""
    from trajlm.data.readers._lon_360 import wrap_0_360

    report = DropReport()
    out = wrap_0_360(out, report)
    if n := report.repaired.get("lon_0_360", 0):
        warn_at_caller(
            f"{n} longitude(s) in {lon!r} are past 180 on trajectories written 0..360: read as "
            "-180..180 (results give them so)"
        )
    return out


def to_canonical(
    obj: Any,
    *,
    traj_col: str | None = None,
    time_col: str | None = None,
    lat_col: str | None = None,
    lon_col: str | None = None,
    crs: Any = None,
    validate: bool = True,
    time_origin: Any = None,
    time_format: str | None = None,
    on_error: str | None = None,
    format: str | None = None,
    tz: str | None = None,
    split_gaps: Any = False,
    utc_offset: float | None = None,
) -> pl.DataFrame:
    """Any supported frame -> canonical Polars table (traj_id, t, lat, lon, + other columns).

    With ``validate`` (default) the result goes through ``schema.check_model_input``: impossible
    values raise ``TrajlmInputError`` naming the column and first bad row. ``validate=False``
    only conforms (keeps missing positions, e.g. the points ``recover`` should fill).
    ``split_gaps=True``: the trajectories the API's methods read (a vehicle's pieces named
    ``VAN-01_1``; coerce_pieces.py).
    A path (any file `trajlm data ingest` reads) also takes ``trajlm.read``'s keywords, as every
    model call given a path does (fix35): ``time_origin=`` / ``time_format=`` / ``tz=`` /
    ``format=`` as ingest's --time-origin / --time-format / --tz / --format, and
    ``on_error="skip"`` (records a reader cannot use, and a repeated time's later fixes, dropped
    and counted, as ingest drops them; by default refused in one line naming it).
    """
    table = coerce(obj, traj_col=traj_col, time_col=time_col, lat_col=lat_col, lon_col=lon_col,
                   crs=crs, validate=validate, tz=tz, split_gaps=split_gaps,
                   time_origin=time_origin, time_format=time_format, on_error=on_error,
                   format=format, utc_offset=utc_offset)[0]  # fmt: skip
    return table.drop(CARRIED, strict=False)  # a Point frame's own x / y / z: internal


def layout_of(obj: Any, **cols: Any) -> Layout:
    """The ``Layout`` of a caller's frame (column names, time kind, CRS), as ``coerce`` sees it."""
    if isinstance(obj, pl.LazyFrame) or (isinstance(obj, pl.DataFrame) and len(obj) > 2):
        obj = obj.head(2)  # detection reads names and dtypes only
    return coerce(obj, validate=False, warn_naive=False, **cols)[1]
