"""Degrees stored as integers times 10^7 (session 18): Teltonika AVL dumps, Google's E7 fields
under plain `latitude` / `longitude` names, many tracker databases. Such values cannot be metres
of any map projection (no projected coordinate exceeds ~2.1e7 m) nor plain degrees, so a chunk
whose coordinates are all integers, fit degrees once divided by 1e7, and reach beyond 2.1e7 is
read as degrees x 1e7, said once in a warning. Anything else is left to the projected-metres
check (`_degrees.check_degrees`), which names --crs."""

from __future__ import annotations

import re
import warnings

import polars as pl

from trajlm.errors import TrajlmInputError

_NOT_METRES = 2.1e7  # beyond every projected CRS's range in metres (Web Mercator: 2.0037e7)


# Names that say the scale (session 19): Webfleet's `latitude_mdeg` (micro-degrees),
# `lat_e6`, `lat_e7`, `latitudeE7`; the number is the power of ten the degrees are multiplied by.
# Google's `latitudeE7` / `longitudeE7` (lower-cased `latitudee7`: no separator before E7; a
# Takeout frame in the Python API was refused "not a latitude in degrees": heldout26)
_NAMED = re.compile(
    r".*(?:_|\b|(?<=lat)|(?<=lon)|(?<=lng)|(?<=tude))"
    r"(?:(?P<micro>mdeg|udeg|microdeg|microdegrees|e6)|(?P<e7>e7|(?<=itude_)i))$"
)  # Meshtastic's `latitude_i` / `longitude_i`: integers of 1e-7 degrees (heldout40)
# Garmin FIT's semicircles (2^31 = 180 degrees) under FIT's own field names, as fitparse /
# fit2csv / FitCSVTool write them, or a name that says so (session 20: `position_lat` of
# 606,664,131 was read as degrees x 1e7, 60.67 N for 50.85 N, 1,100 km off)
SEMICIRCLE = 2**31 / 180
_SEMICIRCLES = re.compile(r"(position_lat|position_long|.*semicircles?)")
# ... but a struct's field path (`position.lat`: an Arrow / Parquet `position` struct of
# `lat` / `lon` doubles, flattened) is no FIT field name (heldout33b: refused as "not a whole
# number ... semicircles" with no way on, since a struct's fields cannot be renamed in a CSV way)
_FIT_NAMES = ("position_lat", "position_long")


def named_scale(column: str | None) -> float | None:
    """10**6, 10**7 or 2**31 / 180 (FIT semicircles) when the column's name says its degrees
    are scaled, else None."""
    from trajlm.data.column_names import normalised

    if column and _SEMICIRCLES.fullmatch(name := normalised(column)):
        if not ("." in column and name in _FIT_NAMES):
            return SEMICIRCLE
    m = _NAMED.fullmatch(normalised(column)) if column else None
    return None if m is None else 10**6 if m["micro"] else 10**7


def _scale_words(k: float) -> str:
    return (
        "semicircles (2^31 = 180 degrees)"
        if k == SEMICIRCLE
        else f"degrees x 10^{len(str(int(k))) - 1}"
    )


def scaled_whole(df: pl.DataFrame, names: tuple[str | None, str | None], paths: list) -> None:
    """A column whose name says scaled degrees (`latitude_mdeg`: x 1e6) holds whole numbers;
    a value with a fractional part (38.72: degrees) would be read a million times too small,
    near 0, 0 without a word (badin19): one line naming the file (``paths[_file]``), line,
    column and value. ``df`` holds the values as `_lat` / `_lon` beside `_file` / `_line`."""
    for col, name in (("_lat", names[0]), ("_lon", names[1])):
        if (k := named_scale(name)) is None or col not in df.columns:
            continue
        v = df[col].cast(pl.Float64, strict=False)
        frac = ((v % 1) != 0).fill_null(False)
        if not frac.any():
            _refuse_e7_named_e6(df, v, col, name, k, paths)
            continue
        i = int(frac.arg_max())
        raise TrajlmInputError(
            f"{v[i]!r} is not a whole number, but the column's name says "
            f"{_scale_words(k)} (whole numbers: {name} -> {v[i] / k:.3g} degrees); if it "
            "holds plain degrees, rename the column (e.g. to latitude / longitude) so no scale "
            "is read from its name",
            path=paths[int(df["_file"][i])] if "_file" in df.columns else None,
            line=int(df["_line"][i]) if "_line" in df.columns else None,
            field=name,
        )


def _refuse_e7_named_e6(
    df: pl.DataFrame, v: pl.Series, col: str, name: str, k: float, paths: list
) -> None:
    """A column named as microdegrees (`LAT_e6`) whose whole numbers pass degrees' range at
    x 1e6 but fit it at x 1e7 (411,500,000: 411.5 or 41.15): the values are x 1e7, said in one
    line with the file, line and the name to give (badin29: told "they look projected")."""
    limit = 90 if col == "_lat" else 180
    over = (v.abs() > limit * k).fill_null(False)
    if k != 10**6 or not over.any() or bool((v.abs() > limit * 1e7).any()):
        return
    i = int(over.arg_max())  # type: ignore[arg-type]
    e7 = re.sub(r"(?i)(mdeg|udeg|microdeg(?:rees)?|e6)$", "e7", name)
    raise TrajlmInputError(
        f"{v[i]:,.0f} is degrees x 10^7 ({v[i] / 1e7:.5f}), not x 10^6 as the column's name "
        f"says ({v[i] / k:g} is no {'latitude' if col == '_lat' else 'longitude'}); rename the "
        f"columns to say x 10^7 (e.g. {name} -> {e7}; Python: df.rename(columns=...))",
        path=paths[int(df["_file"][i])] if "_file" in df.columns and paths else None,
        line=int(df["_line"][i]) if "_line" in df.columns else None,
        field=name,
    )


def whole_if_scaled(la: pl.Series, lo: pl.Series, lat: str, lon: str) -> None:
    """``scaled_whole`` for a frame's coordinate Series (the Python API): a column named as
    scaled degrees (`latitudeE7`, `position_lat`) holding fractions (45.1: plain degrees) is
    refused in one line, as ingest refuses it (badin26: the API read 45.1 as 4.5e-6 degrees,
    near (0, 0), and gave back 45.0). NaN is a missing fix, not a fraction."""
    if named_scale(lat) is None and named_scale(lon) is None:
        return
    vals = pl.DataFrame({"_lat": la.cast(pl.Float64, strict=False).fill_nan(None),
                         "_lon": lo.cast(pl.Float64, strict=False).fill_nan(None)})  # fmt: skip
    scaled_whole(vals, (lat, lon), [])


def e7_degrees(
    df: pl.DataFrame, lat: str = "_lat", lon: str = "_lon", names: tuple[str, str] | None = None
) -> pl.DataFrame:
    """`df` with its `lat` / `lon` columns divided by 1e7 when they are degrees x 1e7, or by
    the scale their source columns' `names` say (`latitude_mdeg`: 1e6)."""
    scales = {named_scale(n) for n in names or ()}
    if len(scales) == 1 and (k := scales.pop()) is not None:  # both named alike
        return df.with_columns(pl.col(lat).cast(pl.Float64) / k, pl.col(lon).cast(pl.Float64) / k)
    ok = df.select(lat, lon).drop_nulls()
    if len(ok) == 0:
        return df
    a, b = ok[lat].abs(), ok[lon].abs()
    whole = bool(((ok[lat] % 1 == 0) & (ok[lon] % 1 == 0)).all())
    fits = bool((a <= 90e7).all() and (b <= 180e7).all())
    beyond = max(a.max(), b.max()) > _NOT_METRES  # type: ignore[operator]
    if not (whole and fits and beyond):
        return df
    if (a <= 90e6).all() and (b <= 180e6).all():
        _refuse_either_scale(ok[lat], ok[lon], names)
    _refuse_two_scales(ok[lat], ok[lon])
    warnings.warn(
        "coordinates are whole numbers up to "
        f"{max(a.max(), b.max()):,.0f}: read as degrees x 1e7 (Teltonika / E7 integers), "  # type: ignore[arg-type]
        "divided by 1e7",
        stacklevel=2,
    )
    return df.with_columns(pl.col(lat) / 1e7, pl.col(lon) / 1e7)


def _refuse_either_scale(la: pl.Series, lo: pl.Series, names: tuple[str, str] | None) -> None:
    """Whole numbers that are degrees x 1e6 as well as x 1e7 (heldout29: a police AVL export's
    `LAT` 41,867,751 / `LONG` -87,646,305, microdegrees, were read as x 1e7: 4.19, -8.76, off
    the coast of Africa, with only a warning). Only a scale named in the header tells them apart;
    x 1e7 is certain once a latitude passes 90e6 or a longitude 180e6 (Teltonika, Google)."""
    i = int(la.abs().arg_max())  # type: ignore[arg-type]
    y, x = float(la[i]), float(lo[i])
    cols = names if names and all(names) else ("lat", "lon")
    raise TrajlmInputError(
        f"coordinates are whole numbers ({cols[0]} {y:,.0f}, {cols[1]} {x:,.0f}) that read as "
        f"degrees x 1e6 ({y / 1e6:.5f}, {x / 1e6:.5f}) or x 1e7 ({y / 1e7:.5f}, {x / 1e7:.5f}) "
        f"alike; name the scale in the header: rename them {cols[0]}_e6 / {cols[1]}_e6 "
        f"(microdegrees) or {cols[0]}_e7 / {cols[1]}_e7 (Python: df.rename(columns=...))"
    )


def _refuse_two_scales(la: pl.Series, lo: pl.Series) -> None:
    """Whole numbers of which some pass the x 1e6 range (so x 1e7 is certain for them) while
    the rest lie ten times nearer 0 (badin29: microdegrees with one row written x 1e7 were all
    read as x 1e7, Porto landing at 4.1 N 0.9 W, only a speed warning said): two scales in one
    file, refused naming a value of each. A track crossing the range's edge (9 N or 18 E in
    x 1e7) keeps its rows' sizes alike, and is read as before."""
    from trajlm.errors import TrajlmInputError

    size = la.abs() + lo.abs()
    beyond = (la.abs() > 90e6) | (lo.abs() > 180e6)
    if not beyond.any() or beyond.all():
        return
    big, small = size.filter(beyond).median(), size.filter(~beyond).median()
    if not (big and small and big > 3 * small):  # type: ignore[operator]
        return
    i, j = int(beyond.arg_max()), int((~beyond).arg_max())  # type: ignore[arg-type]
    raise TrajlmInputError(
        f"coordinates are whole numbers at two scales: ({la[i]:,.0f}, {lo[i]:,.0f}) is degrees "
        f"x 1e7 (its latitude or longitude passes x 1e6's range) while ({la[j]:,.0f}, "
        f"{lo[j]:,.0f}) and {int((~beyond).sum()) - 1:,} more lie about ten times nearer 0 "
        "(degrees x 1e6?); write one scale in the file, named in the header (lat_e6 / lon_e6 "
        "or lat_e7 / lon_e7)"
    )
