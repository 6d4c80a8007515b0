"""Projected coordinates whose column names name their grid (heldout31: a Dutch cycling study's
`x_rd;y_rd` in Rijksdriehoek metres was refused "they look projected ... name their CRS", and
the line named UTM, web-map and British codes, not the Dutch one).

A pair of columns that differ only in the axis word (x / y, e / n, east / north, easting /
northing, Rechtswert / Hochwert) and share a grid's name (`rd`, `lv95`, `bng`, `l93`,
`epsg28992`, `EPSG:2154`) is read in that grid: x / e / east the easting, y / n / north the
northing. `layouts.declared_crs` returns it as an `epsg` column's code is returned."""

from __future__ import annotations

import re

GRIDS = {
    "rd": 28992, "rdnew": 28992, "rd_new": 28992, "rijksdriehoek": 28992,  # the Netherlands
    "lv95": 2056, "ch1903plus": 2056,  # Switzerland (E 2.6 M / N 1.2 M)
    "bng": 27700, "osgb": 27700, "osgb36": 27700,  # Great Britain
    "l93": 2154, "lambert93": 2154,  # France
    "itm": 2157,  # Ireland
}  # fmt: skip
_EAST = {"x", "e", "east", "easting", "rechtswert"}
_NORTH = {"y", "n", "north", "northing", "hochwert"}
_EPSG = re.compile(r"^(?:epsg)?(\d{4,5})$")


def _parts(column: str) -> tuple[str | None, str | None]:
    """(axis, grid) of a name such as `x_rd`, `RD_Y`, `E (LV95)`, `easting_epsg27700`."""
    words = [w for w in re.split(r"[^a-z0-9]+", column.lower().replace("epsg:", "epsg")) if w]
    axes = [w for w in words if w in _EAST or w in _NORTH]
    rest = [w for w in words if w not in axes]
    if len(axes) != 1 or len(rest) != 1:
        return None, None
    grid = rest[0]
    if grid not in GRIDS and not _EPSG.match(grid):
        return None, None
    return ("east" if axes[0] in _EAST else "north"), grid


def named_grid(have: list[str]) -> dict[str, str] | None:
    """{"crs": "EPSG:NNNN", "lat": northing column, "lon": easting column} when exactly one pair
    of columns names one grid; else None."""
    found: dict[str, dict[str, str]] = {}
    for c in have:
        axis, grid = _parts(c)
        if axis:
            found.setdefault(grid, {}).setdefault(axis, c)
    pairs = {g: v for g, v in found.items() if len(v) == 2}
    if len(pairs) != 1:
        return None
    grid, cols = pairs.popitem()
    code = GRIDS.get(grid) or int(_EPSG.match(grid).group(1))
    return {"crs": f"EPSG:{code}", "lat": cols["north"], "lon": cols["east"]}
