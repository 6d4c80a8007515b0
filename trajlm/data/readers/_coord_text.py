"""Coordinates written as text the way GPS screens, spreadsheets and logbooks show them
(session 18): degrees, minutes and seconds (`12°02'47.04"S`), degrees and decimal minutes
(`N 44° 25.6080'`), decimal degrees with a hemisphere letter (`48.8566N`, `S 33.8688`).

A plain number is read as before (`parse_float`); only a field that is not a number is tried
here, so files of plain numbers take no extra work. A letter of the other axis (`E` in a
latitude column), minutes or seconds of 60 or more, or a sign beside a letter stay unparsed
(the row check names the field, as for any text that is not a coordinate). Where some text
did not parse, `parse_coords` keeps it as `RAW + column` and `why_not(text, axis)` says why in a
few words (badin18), for the row check to show instead of `value None`.
"""

from __future__ import annotations

import polars as pl

from trajlm.data.readers._common import parse_float
from trajlm.data.readers._coord_forms import AXIS_LETTERS, PATTERN, UNMARKED_SEP  # noqa: F401
from trajlm.data.readers._coord_forms import why_not as why_not  # re-exported

_EASTERN_DIGITS = list("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")
_ASCII = list("0123456789") * 2
_EASTERN = "[۰-۹٠-٩]"


def coord_from_text(col: str, axis: str) -> pl.Expr:
    """Degrees (float, null when the text is none of the forms) from a text column."""
    pos, neg = AXIS_LETTERS[axis]
    g = pl.col(col).str.strip_chars().str.extract_groups(PATTERN)
    h1, h2 = g.struct.field("h1").str.to_uppercase(), g.struct.field("h2").str.to_uppercase()
    hemi = pl.coalesce(h1, h2)
    d, m, s = (
        # not strict: PATTERN's \d takes any script's digits (badin32: `35.7۰` raised polars'
        # InvalidOperationError, a traceback from `trajlm data ingest`)
        g.struct.field(k).str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
        for k in ("d", "m", "s")
    )
    value = d + m.fill_null(0) / 60 + s.fill_null(0) / 3600
    ok = (
        (h1.is_null() | h2.is_null())  # one letter at most
        & (hemi.is_null() | hemi.is_in([pos, neg]))  # of this axis
        & (hemi.is_null() | g.struct.field("sign").is_null())  # a sign or a letter
        & (hemi.is_not_null() | m.is_not_null())  # something a number is not
        & (m.is_null() | (d == d.floor()))
        & (  # minutes with no ' mark: `41 08.123N` only (_coord_forms.UNMARKED_SEP)
            m.is_null()
            | g.struct.field("mk").is_not_null()
            | (hemi.is_not_null() & pl.col(col).str.strip_chars().str.contains(UNMARKED_SEP))
        )
        & (m.fill_null(0) < 60)
        & (s.is_null() | ((m == m.floor()) & (s < 60)))
    )
    negative = (hemi == neg).fill_null(False) | (g.struct.field("sign") == "-").fill_null(False)
    return pl.when(ok).then(pl.when(negative).then(-value).otherwise(value))


_HEMI = {
    "lat": ("ns", "n_s", "n/s", "lat_dir", "latdir", "lat_hemisphere", "lat_ref", "latitude_ref",
            "latitude_dir", "latref", "gpslatituderef", "gps_latitude_ref"),
    "lon": ("ew", "e_w", "e/w", "lon_dir", "londir", "lon_hemisphere", "lon_ref", "longitude_ref",
            "longitude_dir", "lonref", "lng_dir", "gpslongituderef", "gps_longitude_ref"),
}  # fmt: skip


def hemisphere_columns(names: list[str], lat: str, lon: str) -> dict[str, str] | None:
    """{lat column: its N/S column, lon column: its E/W column} when the header has both
    (tracker dumps `lat,ns,lon,ew`, EXIF `GPSLatitudeRef`), else None."""
    from trajlm.data.column_names import normalised

    by = {normalised(n): n for n in names}
    found = {a: next((by[h] for h in _HEMI[a] if h in by), None) for a in ("lat", "lon")}
    if found["lat"] is None or found["lon"] is None or lat not in names or lon not in names:
        return None
    return {lat: found["lat"], lon: found["lon"]}


def _with_hemispheres(df: pl.DataFrame, hemi: dict[str, str]) -> pl.DataFrame:
    """Unsigned coordinates + hemisphere letter columns -> signed text degrees. NMEA's
    `ddmm.mmmm` / `dddmm.mmmm` (4 / 5 digits before the point on every row, minutes < 60)
    are degrees and minutes; other numbers are degrees. A letter of the wrong axis or a
    signed value beside a letter is left unparsed (the row check names it)."""
    (lat, ns), (lon, ew) = hemi.items()
    text = {c: pl.col(c).cast(pl.Utf8).str.strip_chars() for c in (lat, lon)}
    nmea = (
        df.select(
            text[lat].str.contains(r"^\d{4}\.\d+$").all()
            & text[lon].str.contains(r"^\d{5}\.\d+$").all()
        ).item()
        and len(df) > 0
    ) or _nmea_unpadded(df, text[lat], text[lon])
    out = []
    for col, letters, (pos, neg) in ((lat, ns, ("N", "S")), (lon, ew, ("E", "W"))):
        v = text[col].cast(pl.Float64, strict=False)
        if nmea:
            deg = (v / 100).floor()
            v = pl.when(v - deg * 100 < 60).then(deg + (v - deg * 100) / 60)
        h = pl.col(letters).cast(pl.Utf8).str.strip_chars().str.to_uppercase()
        signed = pl.when(h == pos).then(v).when(h == neg).then(-v)
        ok = text[col].str.contains(r"^\d")  # unsigned
        out.append(pl.when(ok).then(signed).cast(pl.Utf8).alias(col))
    return df.with_columns(out)


def _nmea_unpadded(df: pl.DataFrame, lat: pl.Expr, lon: pl.Expr) -> bool:
    """ddmm.mmmm whose leading zeros a spreadsheet dropped (`536.2220` for 05°36.222'):
    every latitude has 3-4 digits before the point, which no latitude in degrees has (> 90),
    and every longitude 1-5 (badin18: was "look projected")."""
    if len(df) == 0:
        return False
    return bool(
        df.select(
            lat.str.contains(r"^\d{3,4}\.\d+$").all() & lon.str.contains(r"^\d{1,5}\.\d+$").all()
        ).item()
    )


RAW = "_raw_"  # parse_coords keeps a field's text as RAW + name where it did not parse


def parse_coords(
    df: pl.DataFrame, axes: dict[str, str], hemi: dict[str, str] | None = None
) -> pl.DataFrame:
    """Coordinate columns {name: 'lat' | 'lon'} of text -> Float64: numbers as `parse_float`,
    then, where a field did not parse, the degree / minute / second and hemisphere forms;
    `hemi` ({lat: N/S column, lon: E/W column}): unsigned values signed by those letters."""
    if hemi:
        df = _with_hemispheres(df, hemi)
    df = df.with_columns(parse_float(c).alias(f"_num_{c}") for c in axes)
    redo = [
        c for c in axes if df[f"_num_{c}"].null_count() > df[c].null_count()
    ]  # some text is not a plain number
    eastern = [c for c in redo if df[c].dtype == pl.String and df[c].str.contains(_EASTERN).any()]
    if eastern:  # Persian / Arabic-Indic digits (an Iranian export: `۳۵.۷۰`) read as ASCII
        df = df.with_columns(pl.col(c).str.replace_many(_EASTERN_DIGITS, _ASCII) for c in eastern)
        df = df.with_columns(parse_float(c).alias(f"_num_{c}") for c in eastern)
        redo = [c for c in redo if df[f"_num_{c}"].null_count() > df[c].null_count()]
    out = [
        (
            pl.coalesce(f"_num_{c}", coord_from_text(c, a)) if c in redo else pl.col(f"_num_{c}")
        ).alias(c)
        for c, a in axes.items()
    ]
    raw = [pl.col(c).cast(pl.Utf8).alias(RAW + c) for c in redo]  # the text, for the row check
    return df.with_columns(raw).with_columns(out).drop(f"_num_{c}" for c in axes)
