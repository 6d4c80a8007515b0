"""ERDDAP's units row: a tabledap `.csv` writes the CF units of its columns on the line under
the header (`,UTC,degrees_north,degrees_east`). Before session 32 (badfix32) the row was read as
a data row and dropped as one `no_fix` row, so a file whose units say `degrees_west` (CF allows
it) had its longitudes read as east without a word, and a file of the header and units row only
was "line 2: missing trajectory id". Now the row is skipped, and longitudes in degrees west /
latitudes in degrees south are negated, said once. A `radians` unit marks the row too but turns
nothing: badin32's probe labels degrees so (-33.5 cannot be radians), and radians that are
radians are `radians_check.py`'s (said, or refused against a reported speed)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import IO

# CF's spellings of degrees (degrees_north, degree_N, degreesN, ...) and radians
_DEGREES = re.compile(r"degrees?_?(north|south|east|west|[nsew])", re.IGNORECASE)
_RADIANS = re.compile(r"rad(ian)?s?", re.IGNORECASE)
_NUMBER = re.compile(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?")
_NEGATED = {"south": "lat", "s": "lat", "west": "lon", "w": "lon"}


def _unit(cell: str) -> tuple[str, float] | None:
    """(the unit as written, the factor to degrees north / east), or None: not a CF unit."""
    cell = cell.strip().strip('"')
    if m := _DEGREES.fullmatch(cell):
        return cell, -1.0 if m[1].lower() in _NEGATED else 1.0
    if _RADIANS.fullmatch(cell):
        return cell, 1.0
    return None


def cf_units_row(
    opener: Callable[[], IO[bytes]], skip: int, names: list[str], sep: str, lat: str, lon: str
) -> dict[str, tuple[str, float]] | None:
    """The units of the `lat` / `lon` columns (`{"lat": (unit, factor to degrees north / east), ...}`) when the line
    after the header (line `skip + 1`) is a CF units row: no number in it, and a CF degrees or
    radians unit under latitude or longitude. None otherwise (the line is data)."""
    if lat not in names or lon not in names:
        return None
    with opener() as f:
        for _ in range(skip):
            f.readline(1 << 20)
        line = f.readline(1 << 20).decode("utf-8", errors="replace").rstrip("\r\n")
    cells = line.split(sep)
    if len(cells) != len(names) or any(_NUMBER.fullmatch(c.strip()) for c in cells):
        return None
    units = {k: _unit(cells[names.index(col)]) for k, col in (("lat", lat), ("lon", lon))}
    if not any(units.values()):
        return None
    return {k: u for k, u in units.items() if u is not None}


def say_units(path: Path, units: dict[str, tuple[str, float]], names: dict[str, str]) -> None:
    """One warning for the lat / lon units that change the values read (west, south)."""
    said = []
    for k, (unit, factor) in units.items():
        if factor == -1.0:
            said.append(f"{names[k]} in {unit}: negated (trajlm reads degrees north / east)")
    if said:
        warnings.warn(f"{path.name}: units row under the header: {'; '.join(said)}", stacklevel=3)
