"""Are a file's coordinates degrees, in the columns named so? (out of _common.py, review35): the
readers' check that latitude and longitude are not swapped and not projected metres, with a hint
naming the CRS a file's range fits (UTM, web map, British National Grid)."""

from __future__ import annotations

from typing import Any

import polars as pl

from trajlm.data.schema import TrajlmInputError


def _mercator(lat: pl.Series, lon: pl.Series) -> bool:
    """Metres that fit Web Mercator (EPSG:3857): |x| within its 20,037,508 m, |y| likewise."""
    return bool((lat <= 20_037_509).all() and (lon <= 20_037_509).all())


def _uk_grid(ok: pl.DataFrame) -> bool:
    """Eastings 0-700 km and northings 0-1,300 km: they fit the British National Grid (heldout30:
    a harvester's export was told only of UTM and web-map codes; a UTM zone can fit it too, so
    the hint names it beside them)."""
    return bool(ok["lon"].is_between(0, 700_000).all() and ok["lat"].is_between(0, 1_300_000).all())


def check_degrees(df: pl.DataFrame, ctx: Any, fields: dict[str, str]) -> None:
    """Refuse a file whose latitude and longitude columns look swapped, or whose coordinates
    look projected (metres), naming the field and how to map or reproject them (``ctx``: the
    read's ``_common.Ctx``, its paths and whether the columns were mapped)."""
    ok = df.filter(pl.col("lat").is_finite() & pl.col("lon").is_finite())
    if len(ok) == 0:
        return
    lat, lon = ok["lat"].abs(), ok["lon"].abs()
    file = int(df["_file"][0])
    if ((lat > 90).mean() > 0.5) and (lon <= 90).all() and (lat <= 180).all():
        raise TrajlmInputError(
            f"{int((lat > 90).sum())} of {len(ok)} latitudes are outside [-90, 90] while every "
            "longitude is inside: the latitude and longitude columns look swapped",
            path=ctx.paths[file],
            field=fields["lat"],
            hint=f"map them the other way: columns=ColumnMap(lat={fields['lon']!r}, "
            f"lon={fields['lat']!r})"
            if ctx.columns_mapped
            else _FIXED_HINT,
        )
    if ((lat > 180) | (lon > 360)).mean() > 0.5:
        raise TrajlmInputError(
            f"most coordinates are far outside degree ranges (e.g. lat={ok['lat'][0]}, "
            f"lon={ok['lon'][0]}): they look projected (metres), not WGS84 degrees",
            path=ctx.paths[file],
            field=fields["lat"],
            # the CLI's option first and the user's own column names (newuser29: x / y read
            # as "lat = northing, lon = easting", the Python spelling before --crs)
            hint=f"name their CRS (--crs EPSG:NNNN on the CLI, ColumnMap(crs='EPSG:NNNN') in "
            f"Python; {fields['lat']!r} is then read as the northing, {fields['lon']!r} as the "
            "easting; a UTM zone is EPSG:326NN / 327NN, ETRS89 / UTM EPSG:258NN"
            + (", web-map x/y EPSG:3857" if _mercator(lat, lon) else "")
            + (", in Great Britain the National Grid EPSG:27700" if _uk_grid(ok) else "")
            + ") or reproject to EPSG:4326 before reading"
            if ctx.columns_mapped
            else _FIXED_HINT,
        )


# Formats whose layout fixes which field is the latitude and its unit (session 19, badin18):
_FIXED_HINT = (
    "this format fixes which field is the latitude and its unit, so no option can remap it: "
    "the file is damaged or not of this format (convert it to CSV to map the columns yourself)"
)
