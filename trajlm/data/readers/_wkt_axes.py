"""A WKT `POINT` column written latitude first (`POINT(53.38 -5.89)` where WKT writes
`POINT(lon lat)`), told by the file's own reported speed / course (fix40; badin39 left it: a
BigQuery export's `geog` of `POINT(lat lon)` beside `speed_mps` was read off Africa's coast
without a word, as the swapped-name check read two named columns only). The frames' and JSON
points' rule (`frame_axes` -> `_swapped_axes.motion_verdict`) on the first chunk's rows: the
speed says swapped, read latitude first and said; only a course says so, or the two disagree,
one line refusing. Without a speed or course nothing tells, and WKT's order is read as before."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from trajlm.data.readers._column_map import ColumnMap
from trajlm.errors import TrajlmInputError, where_text

WKT_ORDER = "WKT writes POINT(lon lat)"
WKT_REMEDY = ("write the points POINT(lon lat) as WKT does, or the two numbers in two columns "
              "named latitude / longitude (--lat-col / --lon-col)")  # fmt: skip
_PART = "_wkt_axis_"  # the check's columns (no file names a column so)


def wkt_latitude_first(
    raw: pl.DataFrame, column: str, wkt: str, cm: ColumnMap, t_ms: pl.Expr, path: Path
) -> bool:
    """Whether the WKT points of ``column`` in this chunk (``raw``: the file's text columns)
    are written latitude first, by the rows' reported motion (module docstring); said once when
    so. ``wkt``: the POINT pattern (groups `lon`, `lat`); ``t_ms``: the rows' times in ms."""
    from trajlm.data.frame_axes import frame_axes

    if column not in raw.columns or not raw.height:
        return False
    parts = pl.col(column).cast(pl.Utf8).str.strip_chars().str.extract_groups(wkt)
    try:
        df = raw.with_columns(
            parts.struct.field("lat").alias(_PART + "lat"),
            parts.struct.field("lon").alias(_PART + "lon"),
            t_ms.cast(pl.Float64).alias(_PART + "t"),
        )
    except pl.exceptions.PolarsError:  # times the row check names, row by row
        return False
    mover = cm.traj_id if cm.traj_id in raw.columns else None
    if mover is None:
        df = df.with_columns(pl.lit("").alias(_PART + "id"))
    df = df.drop_nulls([_PART + "lat", _PART + "lon", _PART + "t"])
    if not df.height or not re.search(r"\d", str(df[_PART + "lat"][0])):
        return False
    try:
        got = frame_axes(df, mover or _PART + "id", df[_PART + "t"] / 1000.0, _PART + "lat",
                         _PART + "lon", point=column, usual=WKT_ORDER,
                         remedy=WKT_REMEDY, where=f"{path.name}: ")  # fmt: skip
    except TrajlmInputError as e:  # the speed and course disagree: named with the file
        text = str(e).removeprefix(where_text(None, None, e.field))
        text = text.removesuffix(f"; {e.hint}") if e.hint else text
        raise TrajlmInputError(text, path=path, field=column, hint=e.hint) from None
    swapped = got != (_PART + "lat", _PART + "lon")
    if not swapped and not _motion_named(raw.columns):
        _say_polar(df[_PART + "lat"], df[_PART + "lon"], column, path)
    return swapped


POLAR_LAT = 66.56  # the polar circles


def _motion_named(columns: list[str]) -> bool:
    """Whether a column reports speed or course (then the motion rule above has checked)."""
    from trajlm.data.column_names import normalised
    from trajlm.data.motion_columns import SPEED_NAMES

    names = [normalised(c) for c in columns]
    return any(n in SPEED_NAMES or n in ("course", "heading", "bearing", "cog") for n in names)


def _say_polar(lat: pl.Series, lon: pl.Series, column: str, path: Path) -> None:
    """One warning where WKT points with no speed or course to check their order land inside
    a polar circle, every one, while read the other way round none would (fix40 left it: a
    `POINT(40.7 -74.0)` of New York written latitude first read near Antarctica, unsaid).
    Said, not swapped: a polar track is real data too."""
    la = lat.cast(pl.Float64, strict=False).drop_nulls()
    lo = lon.cast(pl.Float64, strict=False).drop_nulls()
    if not len(la) or not len(lo) or la.abs().min() <= POLAR_LAT or lo.abs().max() > POLAR_LAT:  # type: ignore[operator]
        return
    import warnings

    warnings.warn(
        f"{path.name}: the points of '{column}' read in WKT's order, POINT(lon lat), lie inside "
        f"a polar circle (latitudes {la.min():.3f} to {la.max():.3f}), and no speed or course "
        f"column checks that order; if they are written latitude first, they lie near "
        f"{lo[0]:.4f} N {la[0]:.4f} E: then {WKT_REMEDY}",
        UserWarning,
        stacklevel=2,
    )
