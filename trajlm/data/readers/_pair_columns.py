"""A point as one list-valued field of a table (`"pos": [-1.2966, 50.7671]`: tracker APIs, MongoDB
exports, regatta feeds; heldout24's regatta was refused with "missing lat, lon"): split into two
columns `<name>_lon` and `<name>_lat` before the table is read, so that the header detection finds
them and says which is which in its "columns:" line.

The order: by the name where it says it (`latlng` / `latlon`: latitude first; `lnglat` /
`lonlat` / `coordinates`: longitude first, GeoJSON), else by the values (a first number beyond
+-90 somewhere is a longitude, a second one is), else GeoJSON's [longitude, latitude], the order
of GeoJSON, MongoDB's legacy pairs and Turf.

A point as one object-valued field (`"pose": {"lat": 37.77, "lng": -122.41}`: robot and tracker
feeds; heldout25's delivery robots were refused with "missing lat, lon") is unnested into
`pose.lat`, `pose.lng`, ...: the header detection reads the part after the dot."""

from __future__ import annotations

import warnings
from typing import Any

LON_FIRST_NAMES = ("lnglat", "lonlat", "lng_lat", "lon_lat")  # besides POINT_NAMES (_point_text)
LAT_FIRST = ("latlng", "latlon", "lat_lng", "lat_lon")


def split_pairs(frame: Any, sample: Any) -> Any:
    """`frame` (a Polars LazyFrame) with each numeric list column named as a point (POINT_NAMES
    or `lnglat` ...) split into `<name>_lon` / `<name>_lat`, when the table has no latitude
    or longitude column of its own. `sample`: a few collected rows of `frame` (the order is
    read from their values)."""
    import polars as pl

    from trajlm.data.column_names import LAT, LON, candidates, normalised
    from trajlm.data.readers._point_text import POINT_NAMES

    schema = frame.collect_schema()
    names = list(schema.names())
    if candidates(LAT, names) or candidates(LON, names):
        return frame
    frame = _unnest_points(frame, schema)
    schema = frame.collect_schema()
    names = list(schema.names())
    for name in names:
        dtype = schema[name]
        if not (isinstance(dtype, pl.List) and dtype.inner.is_numeric()):
            continue
        if normalised(name) not in POINT_NAMES + LON_FIRST_NAMES:
            continue
        first, second = (sample[name].list.get(i, null_on_oob=True).abs().max() for i in (0, 1))
        lat_first = normalised(name) in LAT_FIRST or ((second or 0) > 90 and not (first or 0) > 90)
        lat_i, lon_i = (0, 1) if lat_first else (1, 0)
        named = normalised(name) in LAT_FIRST + LON_FIRST_NAMES + ("coordinates",)
        if not named and not (first or 0) > 90 and not (second or 0) > 90:
            warnings.warn(  # badin37: [lat, lon] pairs were read swapped without a word
                f"{name!r}: each value is a pair of numbers, read as [longitude, latitude] "
                "(GeoJSON's order; neither its name nor its values say which comes first); "
                f"if it holds [latitude, longitude], name the column `latlon`",
                stacklevel=2,
            )
        frame = frame.with_columns(
            pl.col(name).list.get(lon_i, null_on_oob=True).alias(f"{name}_lon"),
            pl.col(name).list.get(lat_i, null_on_oob=True).alias(f"{name}_lat"),
        ).drop(name)
    return frame


def _unnest_points(frame: Any, schema: Any) -> Any:
    """`frame` with each object (struct) column whose fields name a latitude and a longitude
    replaced by its fields, named `<column>.<field>` (read by their last part)."""
    import polars as pl

    from trajlm.data.column_names import LAT, LON, candidates

    for name, dtype in schema.items():
        if not isinstance(dtype, pl.Struct):
            continue
        fields = [f.name for f in dtype.fields]
        if len(candidates(LAT, fields)) == 1 and len(candidates(LON, fields)) == 1:
            frame = frame.with_columns(
                pl.col(name).struct.field(f).alias(f"{name}.{f}") for f in fields
            ).drop(name)
    return frame
