"""Latitude / longitude named the wrong way round in a frame (`TrajLM.predict(df)`,
`trajlm.clean(df)`, HTTP rows): the files' rule (readers/_swapped_axes.py, leftover38) on the
frame's own reported speed / course (leftover39: frames and HTTP rows were not checked, so a
pandas frame of Lisbon vans with `lat` holding -9.15 was read in the Indian Ocean). Only
columns trajlm found (never ``lat_col=`` / ``lon_col=``) are checked; the speed says swapped:
read swapped with a warning; only a course says so, or the two disagree: one TrajlmInputError."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.errors import TrajlmInputError, warn_at_caller

SAMPLE_ROWS = 10_000  # the rows read, as the files' check reads a file's first rows
FRAME_REMEDY = "name them yourself: lat_col= / lon_col= (names given are read as given)"
# A JSON file's point has no column to name: its order is told by writing it unambiguously
JSON_ORDER = "GeoJSON's and Elasticsearch's order is [lon, lat]"
POINT_REMEDY = ('write each point as an object {"lat": ..., "lon": ...} (or as "lat,lon" '
                "text), which is read by its names")  # fmt: skip


def frame_axes(
    df: pl.DataFrame,
    traj: str,
    t: pl.Series,
    lat: str,
    lon: str,
    point: str | None = None,
    usual: str = JSON_ORDER,
    remedy: str = POINT_REMEDY,
    where: str = "",
) -> tuple[str, str]:
    """(the latitude column, the longitude column) of ``df`` whose ``lat`` / ``lon`` were
    found by name: swapped where its reported motion says so (said), as found otherwise.
    ``point``: the JSON key whose `[a, b]` points were split into ``lat`` / ``lon`` (a file's
    records, a WKT column: said as that point's order, ``usual`` the order such points are
    written in, ``remedy`` a file's way to say it, not a frame's ``lat_col=``; ``where``: the
    file's name, said first)."""
    from trajlm.data.column_names import normalised
    from trajlm.data.motion_columns import COURSE_NAMES, course_degrees, in_radians, motion_columns
    from trajlm.data.readers._motion_verdict import MIN_STEPS, UNITLESS_SPEEDS, motion_verdict

    names = [c for c in df.columns if isinstance(c, str)]
    motion = motion_columns(names, speed_alone=True)
    course = motion[2] if motion else next((c for c in names if normalised(c) in COURSE_NAMES),
                                           None)  # fmt: skip
    speed, factor = (motion[0], motion[1]) if motion else (None, 1.0)
    if speed is None:  # a speed named without its unit, as the files' check reads it (fix40)
        speed = next((c for c in names if normalised(c) in UNITLESS_SPEEDS), None)
    if (speed is None and course is None) or lat == lon or df.height < MIN_STEPS:
        return lat, lon
    n = min(df.height, SAMPLE_ROWS)

    def number(c: str) -> np.ndarray:
        col = df[c].head(n)
        col = col.cast(pl.Utf8).str.strip_chars() if col.dtype == pl.Utf8 else col
        return col.cast(pl.Float64, strict=False).to_numpy()

    seconds = t.head(n).cast(pl.Float64, strict=False).to_numpy()
    cog = None
    if course is not None:
        degrees = course_degrees(course, df.schema[course], in_radians(course))
        cog = df.head(n).select(degrees).to_series().cast(pl.Float64).to_numpy()
        cog = np.where((cog >= 0) & (cog < 360), cog, np.nan)
    # a signed speed (a velocity): its size (fix40)
    sog = None if speed is None else np.abs(number(speed)) * factor
    ids = df[traj].head(n).cast(pl.Utf8).fill_null("").to_numpy().astype(str)
    order = np.lexsort((seconds, ids))  # each mover's rows in time order
    verdict, why = motion_verdict(number(lat)[order], number(lon)[order], seconds[order],
                                  ids[order], None if sog is None else sog[order],
                                  None if cog is None else cog[order])  # fmt: skip
    if verdict == "unsure":
        what = (f"the points of {point!r} are [lon, lat] or [lat, lon]" if point else
                f"{lat!r} / {lon!r} hold latitude / longitude or the other way round")  # fmt: skip
        raise TrajlmInputError(
            f"the reported motion cannot tell whether {what} ({why})",
            field=point or lat,
            hint=remedy if point else FRAME_REMEDY,
        )
    if verdict is None and cog is None and sog is not None and not point:
        _say_idle_speed(speed, df[speed].head(n).to_list(), sog[order], number(lat)[order],
                        number(lon)[order], seconds[order], ids[order], (lat, lon))  # fmt: skip
    if verdict != "swapped":
        return lat, lon
    if point:  # fix40: a file's JSON point was told a frame's lat_col= / lon_col= (fix39b)
        warn_at_caller(f"{where}the points of {point!r} are written latitude first ({usual}), read "
                       f"so: {why} (if this is wrong: {remedy})")  # fmt: skip
        return lon, lat
    warn_at_caller(f"{lat!r} holds the longitude and {lon!r} the latitude, read so: {why} "
                   "(name them yourself if this is wrong: lat_col= / lon_col=)")  # fmt: skip
    return lon, lat


def _say_idle_speed(speed: str, text: list, mps: np.ndarray, la: np.ndarray, lo: np.ndarray,
                    t_s: np.ndarray, ids: np.ndarray, names: tuple[str, str]) -> None:  # fmt: skip
    """A frame's speed column that says nothing while its fixes move: said, as files say it
    (`readers/_idle_speed.py`, fix40)."""
    from trajlm.data.readers._idle_speed import idle_speed_note
    from trajlm.data.readers._motion_verdict import MIN_STEPS, axis_steps

    note = idle_speed_note(speed, text, mps, la, lo, axis_steps(la, lo, t_s, ids), MIN_STEPS)
    if note:
        warn_at_caller(f"{note}; if they are not there: lat_col={names[1]!r}, "
                       f"lon_col={names[0]!r}")  # fmt: skip


def check_found_axes(df: Any, traj: str, t: Any, lat: str, lon: str, given: bool,
                     wgs84: bool) -> tuple[str, str]:  # fmt: skip
    """``frame_axes`` where the columns were found (not ``given``) and read as degrees."""
    if given or not wgs84 or not isinstance(df, pl.DataFrame):
        return lat, lon
    return frame_axes(df, traj, t, lat, lon)
