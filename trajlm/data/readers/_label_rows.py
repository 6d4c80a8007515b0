"""Label rows under a CSV's header (heldout39): a lap-timing app's export (RaceChrono Pro's CSV
v3) writes its column names, then a units row (`unix time,,,s,m,...,deg,deg,...`) and a sources
row (`,,,,100: gps,...`). Read as data they were 2 `no_fix` rows and a warning naming `'m'` as
an accuracy value. Rule: up to two lines right under the header with as many cells, no cell a
number, and a unit word (`deg`, `°`, CF's `degrees_north`, ...) or a source label (`100: gps`)
under both the latitude and the longitude are skipped as part of the header. A data row with its
position missing or in DMS text is none (its position cells are no unit, no label)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import IO

_NUMBER = re.compile(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?")
_DEGREE_UNIT = re.compile(
    r"°|deg|degs|degree|degrees|dd|decimal degrees|degrees?_?(north|south|east|west|[nsew])",
    re.IGNORECASE,
)
_SOURCE = re.compile(r"\d+:\s*\w[\w ./-]*")  # RaceChrono's `100: gps` (a channel's source)
MOST = 2


def _label(cell: str) -> bool:
    cell = cell.strip().strip('"')
    return bool(_DEGREE_UNIT.fullmatch(cell) or _SOURCE.fullmatch(cell))


def label_rows(
    opener: Callable[[], IO[bytes]], skip: int, names: list[str], sep: str, lat: str, lon: str
) -> int:
    """How many lines after line `skip` (the header's) are label rows (0 to MOST)."""
    if lat not in names or lon not in names:
        return 0
    at = (names.index(lat), names.index(lon))
    n = 0
    with opener() as f:
        for _ in range(skip):
            f.readline(1 << 20)
        for _ in range(MOST):
            line = f.readline(1 << 20).decode("utf-8", errors="replace").rstrip("\r\n")
            cells = line.split(sep)
            if len(cells) != len(names) or any(_NUMBER.fullmatch(c.strip()) for c in cells):
                break
            if not all(_label(cells[i]) for i in at):
                break
            n += 1
    return n
