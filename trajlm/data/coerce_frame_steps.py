"""``coerce``'s steps on a frame, in the order it takes them (review39c split the one 220-line
function into these, code moved unchanged): a MovingPandas collection's own route, the frame
flattened to one row per fix, shared column prefixes read off, a local clock found, the id and
time columns picked, positions refused on the wrong plane, pandas' own dtypes kept."""

from __future__ import annotations

from typing import Any

import polars as pl

from trajlm.data import geo
from trajlm.data.coerce_columns import fractional, pick_column, prefixed_names
from trajlm.data.coerce_epochs import time_column
from trajlm.data.coerce_layout import Layout, float64_extensions
from trajlm.data.coerce_messages import own_frame_time, past_message_id
from trajlm.data.coerce_numbered import numbered_refusal
from trajlm.data.coerce_pieces import NO_ID, is_row_key, past_row_key
from trajlm.data.coerce_shapes import explode_lists, one_item_points, split_point
from trajlm.data.coerce_tz import local_time_column
from trajlm.data.column_names import TIME, TRAJ, find_columns
from trajlm.data.column_notes import fraction_note
from trajlm.data.local_plane import PLANE_SAMPLE_ROWS, refuse_degrees_as_local, refuse_plane_metres
from trajlm.data.readers._dated_column import dated_frame_column
from trajlm.data.readers._envelopes import open_frame_envelopes
from trajlm.data.readers._time_columns import frame_local_time
from trajlm.data.readers.long_tables import reshaped_frame
from trajlm.data.schema import MIN_T_DATED, TrajlmInputError, check_model_input, conform
from trajlm.data.times import warn_future
from trajlm.data.typed_frames import untyped_frame
from trajlm.errors import warn_at_caller


def movingpandas_input(
    obj: Any, kind: str, source: str, validate: bool
) -> tuple[pl.DataFrame, Layout]:
    """A MovingPandas Trajectory / TrajectoryCollection: its own reader, its own CRS."""
    from trajlm.data.adapters import collection_crs, from_movingpandas, id_dtype

    own_crs = collection_crs(obj)  # one CRS, placed on the Earth, or one line
    df, _ = from_movingpandas(obj)
    layout = Layout(kind, crs=own_crs, traj_dtype=id_dtype(obj))
    warn_future(df["t"])
    return (check_model_input(df, source, MIN_T_DATED) if validate else conform(df)), layout


def flat_frame(obj: Any, time_col: str | None, lat_col: str | None, lon_col: str | None):
    """One row per fix (lists exploded, envelopes opened, points split): the frame, the lat /
    lon columns as found and the point column they came from (None: none)."""
    df = explode_lists(obj, time_col)  # one row per trajectory, lists -> one row per fix
    df = untyped_frame(df)  # `Item.lat.N`: a DynamoDB export normalised (heldout39)
    df = open_frame_envelopes(df, lat_col, lon_col)  # `kcat -J` lines, as a path's (fix36)
    df = reshaped_frame(df, lat_col, lon_col)  # geohashes, field / value rows (heldout33)
    df = one_item_points(df, lat_col, lon_col)  # SensorThings' `Locations` (fix34b)
    df, lat_col, lon_col, point = split_point(df, lat_col, lon_col)  # {lat, lon}, [x, y], WKT
    if (numbered := numbered_refusal(df, time_col, lat_col, lon_col)) is not None:
        raise numbered  # header=None: what the numbered columns hold, said (leftover33)
    return df, lat_col, lon_col, point


def unprefixed(df: pl.DataFrame, traj_col: str | None, time_col: str | None,
               lat_col: str | None, lon_col: str | None, split_gaps: Any):  # fmt: skip
    """Columns sharing one prefix (`gps.lat`) read without it, said; the columns as given
    otherwise."""
    if glued := prefixed_names(df, {"traj_col": traj_col, "time_col": time_col,
                                    "lat_col": lat_col, "lon_col": lon_col}):  # fmt: skip
        time_col, lat_col, lon_col = glued["time_col"], glued["lat_col"], glued["lon_col"]
        if (traj_col := glued.get("traj_col")) is None:  # `_id`: the rows' key, no mover
            if not split_gaps:
                raise TrajlmInputError("no column names the trajectory (the columns share a "
                                       "prefix; `_id` and the like number rows)", field="traj_col",
                                       hint="traj_col=NAME, or split_gaps=True to read the rows "
                                       "as one mover's fixes cut at gaps")  # fmt: skip
            df, traj_col = df.with_columns(pl.lit("0").alias(NO_ID)), NO_ID
        warn_at_caller(f"columns read without the prefix they share: {time_col!r} as the time, "
                       f"{lat_col!r} / {lon_col!r} as latitude / longitude (as `trajlm data "
                       "ingest` reads such a table)")  # fmt: skip
    return df, traj_col, time_col, lat_col, lon_col


def local_clock(df: pl.DataFrame, time_col: str | None, tz: str | None):
    """A `local_time` column beside a `tz` column: the time column and its zone (as ingest
    reads them); time_col and tz as given otherwise."""
    if time_col is None and tz is None and (local := frame_local_time(df, TIME)):
        time_col, tz = local  # `local_time` beside a one-zone `tz` column, as ingest reads it
        if df.schema[time_col] == pl.Utf8:  # naive text: naive datetimes, read in that zone
            naive = df[time_col].str.to_datetime(strict=False)
            if naive.null_count() == df[time_col].null_count() and naive.dtype.time_zone is None:
                df = df.with_columns(naive)
    elif time_col is None and tz is None:  # `local_time` beside `tz` of several zones
        time_col = local_time_column(df, TIME)
    return df, time_col, tz


def id_and_time_columns(df: pl.DataFrame, cols: list, traj_col: str | None,
                        time_col: str | None, levels: list, source: str) -> tuple[str, str]:  # fmt: skip
    """The id and time columns, given or found by name (an index's levels named when not)."""
    try:
        id_cols = cols
        if traj_col is None and (angles := [c for c in find_columns("traj_id", [c for c in cols if isinstance(c, str)]) if fractional(df, c)]):  # fmt: skip
            id_cols = [c for c in cols if c not in angles]  # gpsd's `track` course (heldout33)
            warn_at_caller(fraction_note(source, angles, "traj_col="))
        traj = pick_column(
            "traj_id", traj_col, id_cols, TRAJ, "traj_col", lambda c: is_row_key(df, c)
        )
        traj = traj if traj_col is not None else past_row_key(df, traj)  # Traccar's `id`
        tcol = pick_column("t", time_column(df, time_col), cols, TIME, "time_col",
                           fallback=lambda have: dated_frame_column(df, have))  # fmt: skip
        tcol = tcol if time_col is not None else own_frame_time(cols, tcol)  # heldout40
        traj = traj if traj_col is not None else past_message_id(df, traj, tcol)
    except TrajlmInputError as e:
        if not levels:
            raise
        raise TrajlmInputError(
            f"{e.args[0]}; the index holds {levels}: call df.reset_index() first so they are "
            "columns"
        ) from e
    return traj, tcol


def refuse_wrong_plane(out: pl.DataFrame, crs: Any, lat: str, lon: str) -> None:
    """Degrees given as crs="local", or a pitch's metres read as degrees: refused on every
    route (checked or not)."""
    # every route, checked or not (badin37: `places` / `next-place` / `clean` read a pitch's
    # metres as degrees and answered "no stay" where the plane check refused them elsewhere)
    if geo.is_wgs84(crs) or geo.is_local(crs):
        head = out.head(PLANE_SAMPLE_ROWS).sort(["traj_id", "t"], maintain_order=True)
        if geo.is_local(crs):  # degrees given as crs="local" (badin37), as ingest refuses them
            refuse_degrees_as_local(head, python=True)
        else:  # pitch / warehouse metres read as degrees (newuser36)
            refuse_plane_metres(head, (lat, lon), python=True)


def keep_pandas_dtypes(layout: Layout, given: Any, kind: str, traj: str, tcol: str, lat: str,
                       lon: str) -> None:  # fmt: skip
    """A pandas frame's own id / time / position dtypes, given back with the results."""
    pandas_cols = given.columns if kind in ("pandas", "geopandas") else ()
    if traj in pandas_cols:
        dtype = given[traj].dtype
        layout.pandas_ids = dtype if type(dtype).__module__.startswith("pandas") else None
    if tcol in pandas_cols:
        layout.pandas_time = given[tcol].dtype
    layout.pandas_positions = float64_extensions(given, (lat, lon) if len(pandas_cols) else ())
