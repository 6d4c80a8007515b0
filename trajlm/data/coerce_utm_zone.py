"""A frame's `utm_zone` column beside projected eastings / northings (newuser40).

River barges crossing 18 E log each fix in the zone it is in ("33N", then "34N"). A file path
was refused in one line (readers/_utm_zones.py), but a frame given `crs="EPSG:32633"` was read
whole in that zone without a word: the 34N rows landed 200+ km west of the river. Now:

- `crs=` that disagrees with the zone column (another zone on any row): one line naming the
  column, the zones and how many rows are in each, with the GeoPandas lines that convert them.
- no `crs=`, projected numbers, one valid zone ("33N" / "34S"): read in that zone's WGS 84 /
  UTM CRS, said in one warning (as a file with the column reads since formats21).
- no `crs=`, several zones: the same refusal, not "pass crs=" (which invites the wrong one).

A zone without its hemisphere letter ("33") or past 60 is not guessed: the frame reads as before.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from trajlm.data import geo
from trajlm.data.column_names import UTM_ZONE_NAMES, normalised
from trajlm.errors import TrajlmInputError, warn_at_caller

_ZONE = re.compile(r"(\d{1,2})([NS])")


def zone_epsg(zone: str) -> int | None:
    """WGS 84 / UTM's EPSG code of a Movebank-style zone ("33N" -> 32633, "19S" -> 32719)."""
    m = _ZONE.fullmatch(zone.strip().upper().replace(" ", ""))
    if m is None or not 1 <= int(m.group(1)) <= 60:
        return None
    return (32700 if m.group(2) == "S" else 32600) + int(m.group(1))


def _given_epsg(crs: Any) -> int | None:
    try:
        from pyproj import CRS

        return CRS.from_user_input(crs).to_epsg()
    except Exception:  # noqa: BLE001 - an unreadable crs= is told by positions' own line
        return None


def _recipe(column: str, lat: str, lon: str) -> str:
    return (
        f"convert each zone's rows to one CRS first, e.g. with GeoPandas: "
        f"pd.concat(gpd.GeoDataFrame(g, geometry=gpd.points_from_xy(g[{lon!r}], g[{lat!r}]), "
        f"crs=(32600 if z[-1] == 'N' else 32700) + int(z[:-1])).to_crs(3035) for z, g in df.groupby({column!r})), "
        "then pass that GeoDataFrame (or its .to_crs(4326) longitude / latitude)"
    )


def utm_zone_crs(df: pl.DataFrame, lat: str, lon: str, crs: Any) -> Any:
    """The CRS to read ``lat`` / ``lon`` in, given a UTM zone column in ``df`` (see the module
    doc): ``crs`` unchanged where there is no such column, its zones are not all readable, or
    they agree with ``crs``; the one zone's EPSG code where ``crs`` is None and the numbers
    are projected; a TrajlmInputError where rows lie in another zone than ``crs`` says."""
    by = {normalised(str(c)): c for c in df.columns}
    column = next((by[n] for n in UTM_ZONE_NAMES if n in by), None)
    if column is None or column in (lat, lon) or geo.is_local(crs):
        return crs
    counts = (
        df.select(pl.col(column).cast(pl.Utf8).str.strip_chars().str.to_uppercase().alias("z"))
        .drop_nulls()
        .group_by("z")
        .len()
        .sort("z")
    )
    zones = dict(zip(counts["z"].to_list(), counts["len"].to_list(), strict=True))
    codes = {z: zone_epsg(z) for z in zones}
    if not zones or None in codes.values():
        return crs  # "33" or "61X": not guessed (readers/_utm_zones says so for files)
    wgs84 = geo.is_wgs84(crs)
    if wgs84:
        north = df[lat].cast(pl.Float64, strict=False).abs().max()
        if north is None or north <= 180:  # degrees beside the zone column: read as degrees
            return crs
    given = None if wgs84 else _given_epsg(crs)
    other = {z: n for z, n in zones.items() if codes[z] != given}
    if len(zones) == 1 and wgs84:
        (zone,) = zones
        warn_at_caller(
            f"{lon!r} / {lat!r} read as EPSG:{codes[zone]} (WGS 84 / UTM {zone}) eastings / "
            f"northings, as {column!r} says; crs= to give another"
        )
        return f"EPSG:{codes[zone]}"
    if not other:
        return crs
    said = ", ".join(f"{z}: {n:,} rows" for z, n in zones.items())
    what = (
        f"{column!r} puts the rows in {len(zones)} UTM zones ({said}), but crs={crs!r} reads "
        f"every row in one: the rows of {', '.join(other)} would land hundreds of km away"
        if not wgs84
        else f"{column!r} puts the rows in {len(zones)} UTM zones ({said}): trajlm reads one "
        "CRS per frame, and any one of them puts the other zones' rows hundreds of km away"
    )
    raise TrajlmInputError(what, field=column, hint=_recipe(column, lat, lon))
