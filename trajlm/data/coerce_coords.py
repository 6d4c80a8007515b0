"""Coordinates written as text or beside hemisphere columns, read in a frame as `trajlm data
ingest` reads them in a file (readers/_coord_text.py): degrees-minutes-seconds and hemisphere
letters in the field (`41°08'59.9"N`), or unsigned values beside N/S and E/W columns (tracker
dumps `lat,ns,lon,ew`; NMEA `ddmm.mmmm`). Shared by the Python API (coerce.py) and `trajlm predict
--input` (_cli_points.py), so a frame, a CSV given to predict and an ingested file agree."""

from __future__ import annotations

import polars as pl

from trajlm.data.readers._coord_text import hemisphere_columns, parse_coords
from trajlm.errors import TrajlmInputError


def text_coords(
    df: pl.DataFrame, lat: str, lon: str, where: str = "row", first: int = 0
) -> pl.DataFrame:
    """`df` with its `lat` / `lon` columns signed and parsed to Float64 when they are text or sit
    beside hemisphere columns; unchanged when they are plain numbers without hemisphere columns,
    or when text does not parse (the caller's number check then names the field and value).
    An unsigned value or letter the hemisphere columns cannot sign: one line naming it as
    ``where`` and its index + ``first`` ("row 3"; a CSV: "line 5" with first=2, the header)."""
    if lat not in df.columns or lon not in df.columns or lat == lon:
        return df
    hemi = hemisphere_columns(list(df.columns), lat, lon)
    if hemi is None and df[lat].dtype != pl.Utf8 and df[lon].dtype != pl.Utf8:
        return df
    text = df.with_columns(pl.col(lat, lon).cast(pl.Utf8))
    parsed = parse_coords(text, {lat: "lat", lon: "lon"}, hemi)
    lost = parsed.select(
        pl.any_horizontal(pl.col(c).is_null() & df[c].is_not_null() for c in (lat, lon))
    ).to_series()
    if lost.any() and hemi is None:  # text left as it was: the number check names it
        return df
    if lost.any():
        i = int(lost.arg_max())
        raise TrajlmInputError(
            f"{where} {i + first}: {lat}={df[lat][i]!r} {hemi[lat]}={df[hemi[lat]][i]!r} "
            f"{lon}={df[lon][i]!r} {hemi[lon]}={df[hemi[lon]][i]!r}: expected an unsigned "
            "number and N/S, E/W letters (as `trajlm data ingest` reads them)",
            field=lat,
        )
    return parsed
