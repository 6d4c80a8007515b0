"""Latitude / longitude columns named the wrong way round, told by the file's own reported
motion (leftover38; badfix37 left it: both columns in range, so no value is out of place).

A longitude written under `lat` and a latitude under `lon` in Lisbon reads as a point in the
Indian Ocean (-9.15 N, 38.70 E): every value is in range, the track is smooth, and the file was
read without a word. A reported speed or course tells the readings apart:

- course: the bearing of each step read one way is (nearly) the mirror image of the other
  (north becomes east), so the reported course fits one reading only, anywhere on the Earth,
  unless the track runs along the north-east diagonal;
- speed: a degree of longitude is cos(latitude) of a degree of latitude, so the two readings'
  step lengths differ by a ratio that changes with the heading; the wrong reading's ratio of
  implied to reported speed follows it (slope 1), the right one's does not (slope 0). The slope,
  not the level, is read, so a speed in another unit than its name (knots read as m/s: every
  ratio off by 1.94) is not taken for a swap. Near 0 N 0 E speeds cannot tell.

The speed says swapped (and the course does not say named): read swapped, said. The speed
and the course disagree, or only the course says swapped (a course counted counter-clockwise
from east, as a robot's yaw, mirrors the bearings as swapped names do): refused in one line.
Otherwise the names are kept.
Only names trajlm found (the defaults or guessed), never columns the user mapped, are swapped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from trajlm.data.readers._motion_verdict import (  # noqa: F401 (the names read from here before fix40)
    COURSE_FITS_DEG,
    MAX_DT_S,
    MIN_MOVE_M,
    MIN_SPEED_MPS,
    MIN_SPREAD,
    MIN_STEPS,
    SLOPE_SAYS,
    UNITLESS_SPEEDS,
    axis_steps,
    motion_verdict,
)
from trajlm.data.schema import TrajlmInputError

SWAP_SAID = "lat/lon swapped"  # said in the guessed columns (not a ColumnMap field)


def _seconds(values: Any, cm: Any, guessed: dict) -> np.ndarray:
    """The sampled time column (text) as float seconds (NaN where unread)."""
    import polars as pl

    from trajlm.data.readers._times import parse_time

    fmt = guessed.get("time_format", cm.time_format)
    origin = guessed.get("time_origin", cm.time_origin)
    try:
        ms = pl.select(
            parse_time(
                pl.lit(values), fmt, unit="ms", origin_s=origin if isinstance(origin, int) else None
            )  # fmt: skip
        ).to_series()
    except Exception:  # the reader says what is wrong with the times
        return np.full(len(values), np.nan)
    return ms.cast(pl.Float64).to_numpy() / 1000.0


def swapped_axes(first: Path, format: str, cm: Any, have: list[str], guessed: dict,
                 others: list[Path] | None = None) -> None:  # fmt: skip
    """``guessed`` given lat / lon the other way round (and SWAP_SAID, warned) where the first
    file's reported motion says its position columns are named the wrong way round; one
    TrajlmInputError where the speed and course disagree about it (module docstring).
    ``others``: more files of the read, each sampled too (up to MORE_FILES spread over them;
    leftover39: only the first file's first rows were read and decided for every file); files
    that disagree (one as named, another swapped) are refused in one line."""
    import warnings

    from trajlm.data.column_names import normalised
    from trajlm.data.motion_columns import COURSE_NAMES, motion_columns
    from trajlm.data.readers._common import ColumnMap

    lat_c, lon_c = guessed.get("lat", cm.lat), guessed.get("lon", cm.lon)
    if lat_c == lon_c or lat_c not in have or lon_c not in have or cm.crs != ColumnMap().crs:
        return  # (projected columns: no degrees to swap)
    motion = motion_columns(have, speed_alone=True)
    course = motion[2] if motion else next((c for c in have if normalised(c) in COURSE_NAMES),
                                           None)  # fmt: skip
    speed, factor = (motion[0], motion[1]) if motion else (None, 1.0)
    if speed is None:  # a speed named without its unit: the slope read below needs none
        speed = next((c for c in have if normalised(c) in UNITLESS_SPEEDS), None)
    t_c, id_c = guessed.get("t", cm.t), guessed.get("traj_id", cm.traj_id)
    if (speed is None and course is None) or t_c not in have:
        return
    names = [c for c in dict.fromkeys([t_c, lat_c, lon_c, speed, course, id_c]) if c in have]
    cols = (lat_c, lon_c, t_c, id_c, speed, factor, course)
    verdict, why = _file_verdict(first, format, cm, have, guessed, names, cols)
    said = {first: (verdict, why)}
    for path in _spread(others or [], first):
        said[path] = _file_verdict(path, format, cm, have, guessed, names, cols)
    told = {p: v for p, (v, _) in said.items() if v in ("named", "swapped")}
    if len(set(told.values())) > 1:
        one = next(p for p, v in told.items() if v == "named")
        two = next(p for p, v in told.items() if v == "swapped")
        raise TrajlmInputError(
            f"the files disagree about {lat_c!r} / {lon_c!r}: by the reported motion {one.name} "
            f"holds latitude / longitude as named, {two.name} the other way round ({said[two][1]})",
            path=two,
            field=lat_c,
            hint="read the files of each layout apart, naming the columns (--lat-col / "
            "--lon-col / --time-col; Python ColumnMap(lat=, lon=, t=))",
        )
    unsure = next((p for p, (v, _) in said.items() if v == "unsure"), None)
    if unsure is not None:
        raise TrajlmInputError(
            f"the reported motion cannot tell whether {lat_c!r} / {lon_c!r} hold latitude / "
            f"longitude or the other way round ({said[unsure][1]})",
            path=unsure,
            field=lat_c,
            hint="name them yourself, with the time column (--lat-col / --lon-col / "
            "--time-col; Python ColumnMap(lat=, lon=, t=)): names given are read as given",
        )
    if not told and (note := said[first][1]):  # fix40: the speed column says nothing
        warnings.warn(f"{first.name}: {note}; if they are not there: --lat-col {lon_c} "
                      f"--lon-col {lat_c} (Python ColumnMap(lat={lon_c!r}, lon={lat_c!r}))",
                      stacklevel=3)  # fmt: skip
    if "swapped" in told.values():
        where = next(p for p, v in told.items() if v == "swapped")
        guessed.update({"lat": lon_c, "lon": lat_c, SWAP_SAID: said[where][1]})
        warnings.warn(
            f"{where.name}: {lat_c!r} holds the longitude and {lon_c!r} the latitude, read so: "
            f"{said[where][1]} (name them yourself if this is wrong: --lat-col / --lon-col / "
            "--time-col, Python ColumnMap(lat=, lon=, t=))",
            stacklevel=3,
        )


MORE_FILES = 8  # files besides the first whose rows are sampled for the swapped-name check


def _spread(others: list[Path], first: Path) -> list[Path]:
    """Up to MORE_FILES of ``others`` (not ``first``), spread evenly over the list."""
    rest = [p for p in others if p != first]
    if len(rest) <= MORE_FILES:
        return rest
    return [rest[round(i * (len(rest) - 1) / (MORE_FILES - 1))] for i in range(MORE_FILES)]


def _file_verdict(path: Path, format: str, cm: Any, have: list[str], guessed: dict,
                  names: list[str], cols: tuple) -> tuple[str | None, str]:  # fmt: skip
    """motion_verdict on the first rows of one file (None where it does not read so)."""
    import polars as pl

    from trajlm.data.motion_columns import course_degrees, in_radians
    from trajlm.data.readers._column_steps import NO_ID_COLUMN
    from trajlm.data.readers.layouts import sample_rows

    lat_c, lon_c, t_c, id_c, speed, factor, course = cols
    try:
        df = sample_rows(path, format, cm.sep, have, names)
    except Exception:  # another file's layout: its own reading says what is wrong
        return None, ""
    if df is None or df.height < MIN_STEPS:
        return None, ""
    df = df.with_columns(pl.col(c).cast(pl.Utf8) for c in names)

    def number(c: str) -> np.ndarray:
        return df[c].str.strip_chars().cast(pl.Float64, strict=False).to_numpy()

    ids = df[id_c].fill_null("").to_numpy() if id_c in names and id_c != NO_ID_COLUMN else (
        np.zeros(df.height, dtype=object))  # fmt: skip
    sog = (
        None if speed is None else np.abs(number(speed)) * factor
    )  # a signed speed: its size (fix40)
    cog = None
    if course is not None:
        degrees = course_degrees(course, pl.String, in_radians(course))
        cog = df.select(degrees).to_series().to_numpy()
        cog = np.where((cog >= 0) & (cog < 360), cog, np.nan)
    lat, lon, t_s = number(lat_c), number(lon_c), _seconds(df[t_c], cm, guessed)
    verdict, why = motion_verdict(lat, lon, t_s, ids.astype(str), sog, cog)
    if verdict is None and cog is None and sog is not None:  # a speed that says nothing (fix40)
        from trajlm.data.readers._idle_speed import idle_speed_note

        why = idle_speed_note(speed, df[speed].to_list(), sog, lat, lon,
                              axis_steps(lat, lon, t_s, ids.astype(str)), MIN_STEPS)  # fmt: skip
    return verdict, why
