"""Errors in the caller's names (session 18, errnames18): the checks that run on the canonical
table after coercion (``check_model_input``, gap filling's ends, ``check_validity``'s input)
raise with trajlm's fields (``t``, ``lat``, ``traj_id 'a'``); inside ``relabel(layout)`` they
name the caller's columns and id values instead (``epoch``, ``latitude``, ``vessel 7``).

    with relabel(layout):
        df = check_model_input(out, source, min_t)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import polars as pl

from trajlm.errors import TrajlmInputError


def user_names(layout: Any) -> dict[str, str]:
    """{canonical field: the caller's column} of a coerce ``Layout``: the id, time and
    coordinate columns (a point column split into lat / lon, or a GeoDataFrame's geometry, is
    named for both)."""
    names = {"traj_id": layout.traj_col, "t": layout.time_col, "lat": layout.lat_col,
             "lon": layout.lon_col}  # fmt: skip
    point = getattr(layout, "point", None)
    if point is not None:  # {lat, lon} struct fields, [x, y], WKT: the caller's one column
        names["lat"], names["lon"] = _point_names(point)
    geometry = getattr(layout, "geometry", None)
    if geometry is not None:
        names["lat"] = names["lon"] = geometry
    return {k: str(v) for k, v in names.items() if v is not None}


def _point_names(point: tuple) -> tuple[str, str]:
    """(lat, lon) as the caller names them in a point column (coerce_shapes.split_point's
    ``point``): the struct's fields ("pos.lat"), else the column itself."""
    col, form, fields = point[0], point[1], point[2]
    if form == "struct" and fields:
        return f"{col}.{fields[1]}", f"{col}.{fields[0]}"
    return str(col), str(col)


@contextmanager
def point_names(point: tuple | None) -> Iterator[None]:
    """Errors about the two columns a point column was split into (coerce's internal
    ``_geom_y`` / ``_geom_x``) name the caller's point column (or its struct fields)."""
    try:
        yield
    except TrajlmInputError as e:
        if point is not None:
            from trajlm.data.readers._geoparquet import GEO_X, GEO_Y

            lat, lon = _point_names(point)
            e.relabel({GEO_Y: lat, GEO_X: lon})
            text = str(e.args[0]).replace(repr(GEO_Y), repr(lat)).replace(repr(GEO_X), repr(lon))
            e.args = (text,)
        raise


def id_text(dtype: Any) -> Any:
    """How the caller's id value is said, from trajlm's text id: unquoted for a numeric or
    boolean id column ('7' -> 7), quoted otherwise ('a' -> 'a')."""
    try:
        plain = dtype is not None and (dtype.is_numeric() or dtype == pl.Boolean)
    except (AttributeError, TypeError):  # not a Polars dtype
        plain = False
    return str if plain else repr


@contextmanager
def relabel(layout: Any) -> Iterator[None]:
    """Re-raise a ``TrajlmInputError`` raised inside with the caller's column names and id
    values of ``layout`` (``TrajlmInputError.relabel``); others pass unchanged."""
    try:
        yield
    except TrajlmInputError as e:
        if layout is not None:
            e.relabel(user_names(layout), id_text(getattr(layout, "traj_dtype", None)))
        raise


def cast_back(s: pl.Series, dtype: Any) -> pl.Series:
    """Text ids ``s`` in the caller's id ``dtype`` again, only where every value casts: a split
    trip's "17_0", or a column of the user's own with another meaning ("phone-7" under integer
    ids), stays text rather than becoming null. Booleans ("true" / "false") too, which Polars
    cannot cast from text."""
    if s.dtype == dtype:
        return s
    try:
        if dtype == pl.Boolean and s.dtype == pl.Utf8:
            low = s.str.to_lowercase()
            ids = low.replace_strict({"true": True, "false": False}, default=None,
                                     return_dtype=pl.Boolean)  # fmt: skip
        else:
            ids = s.cast(dtype, strict=False)
    except pl.exceptions.PolarsError:
        return s
    if ids.null_count() != s.null_count():
        return s
    if s.dtype.is_numeric() and not (ids.cast(s.dtype, strict=False) == s).fill_null(True).all():
        return s  # 1.7 m/s computed by clean: not truncated to the caller's integer 1
    return ids
