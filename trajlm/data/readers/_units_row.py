"""A units row under a workbook's header (`Zeitstempel | Breite | Geschw.` over `MEZ | ° | km/h`;
heldout26's snow groomers): folded into the header as `Zeitstempel (MEZ)`, `Geschw. (km/h)`, so
the zone and speed-unit rules read it (zone_names, motion_columns.speed_unit), and not kept as a
row. Before (heldout27): dropped as one `no_fix` row and its zone word not read, the local times
taken as UTC with only the naive-times note."""

from __future__ import annotations

import re

from trajlm.data.zone_names import header_zone

# unit words of a units row (besides zone words): degrees, speeds, distances, durations, ...
_UNITS = {"°", "deg", "degree", "degrees", "dd", "grad", "km/h", "kmh", "kph", "m/s", "mph",
          "kn", "kt", "kts", "knots", "m", "km", "ft", "s", "sec", "ms", "h", "min", "%", "°c",
          "bpm", "rpm", "hpa", "v", "mv", "utc", "gmt", "km/u"}  # fmt: skip
_FOLDED = {"°", "deg", "degrees", "km/h", "kmh", "kph", "m/s", "mph", "kn", "kt", "kts", "knots"}


def _is_zone(cell: str) -> bool:
    return header_zone(f"t ({cell})") is not None


def fold_units_row(header: list[str], row: list[str]) -> list[str] | None:
    """`header` with the units of `row` (the first row under it) in parentheses after the names
    they belong to, when `row` is a units row: every cell empty or a unit / zone word, two or
    more of them, no number. None otherwise. Degrees, speeds and zones are folded (what the
    readers read from a name); other units (`s`, `m`) leave the name as it was."""
    cells = [c.strip() for c in row]
    said = [c for c in cells if c]
    if len(said) < 2 or any(re.fullmatch(r"[-+]?\d+([.,]\d+)?", c) for c in said):
        return None
    if not all(c.lower() in _UNITS or _is_zone(c) for c in said):
        return None
    out = []
    for k, name in enumerate(header):
        unit = cells[k] if k < len(cells) else ""
        fold = unit and name.strip() and (unit.lower() in _FOLDED or _is_zone(unit))
        out.append(f"{name} ({unit})" if fold else name)
    return out
