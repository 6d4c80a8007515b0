"""Wide tables with a latitude / longitude column pair per mover (heldout30: a rally-raid live
tracking archive, one row per 30-s tick and `lat_201`, `lon_201`, `lat_202`, ... per car; refused
as "missing traj_id, lat, lon", closest `lat_224`, with no option that could read it). A CSV whose
header holds three or more `lat_<id>` / `lon_<id>` pairs (or `<id>_lat` / `<id>_lon`; `lat`,
`latitude`; `lon`, `lng`, `long`, `longitude`; separators `_`, `-`, `.` or a space) is written
long (`spreadsheet.sheets_as_csv`): one row per mover and tick with `traj_id` the pair's id, the
other columns (the time) repeated, and cells empty in either coordinate left out (the mover had
not started, had finished, or missed the tick). Two pairs are not enough (`pickup_lat` /
`dropoff_lat` of a trip table are two places of one row, not two movers).

Session 36 (newuser36): player tracking comes the same way in metres on a pitch, one row per
frame and `Home_11_x` / `Home_11_y`, ..., `Ball_x` / `Ball_y` (Metrica's layout); it was refused
with "closest: lat -> 'Home_1_y'", which read one player as the file. A header with no latitude /
longitude column and three or more `<id>_x` / `<id>_y` pairs is written long with `x` / `y`
columns (the ball its own mover), so the plane check and `--crs local` apply as to any x / y
table; sensor triples (`acc_x`, `gyro_x`, `mag_x`, ...) are not movers."""

from __future__ import annotations

import csv
import re
import warnings
from pathlib import Path

from trajlm.data.readers._fields import sniff_sep

_LAT, _LON = r"lat|latitude", r"lon|lng|long|longitude"
_AFTER = re.compile(rf"(?i)^({_LAT}|{_LON})[ _.-]+(.+)$")
_BEFORE = re.compile(rf"(?i)^(.+?)[ _.-]+({_LAT}|{_LON})$")
MIN_PAIRS = 3
_X, _Y = r"x", r"y"
_XY_AFTER = re.compile(rf"(?i)^({_X}|{_Y})[ _.-]+(.+)$")
_XY_BEFORE = re.compile(rf"(?i)^(.+?)[ _.-]+({_X}|{_Y})$")
_ANY_DEGREES = re.compile(rf"(?i)(^|[ _.-])({_LAT}|{_LON})([ _.-]|$)")
# x / y / z of a sensor (IMU, velocity, force): not a mover's position
# (badin37: single letters were sensors too, so a player or tag named "A", "F", "Q", "V" or "W"
# was left out of the movers unsaid, and with it a 3-mover table was not read at all)
_SENSOR = re.compile(
    r"(?i)^(acc|accel|acceleration|gyro|gyr|mag|magnet|vel|velocity|speed|force|rot|"
    r"rotation|orientation|angle|euler|quat|omega|gravity|grav|linacc|lin_acc)$"
)
_NO_VALUE = ("", "nan", "null", "none", "na", "n/a")  # an empty cell as pandas / R write one


def _axis(word: str) -> str:
    return "lat" if re.fullmatch(_LAT, word, re.I) else "lon"


def _found(header: list[str]) -> dict[str, dict[str, int]]:
    """mover id -> {"lat" / "lon": column} of every wide-looking column of ``header``."""
    found: dict[str, dict[str, int]] = {}
    for k, name in enumerate(header):
        name = name.strip()
        if m := _AFTER.match(name):
            found.setdefault(m[2], {})[_axis(m[1])] = k
        elif m := _BEFORE.match(name):
            found.setdefault(m[1], {})[_axis(m[2])] = k
    return found


def wide_pairs(header: list[str]) -> dict[str, tuple[int, int]]:
    """mover id -> (lat column, lon column) of a wide header; {} when under MIN_PAIRS pairs.
    Without latitude / longitude pairs, the (y, x) columns of `<id>_x` / `<id>_y` pairs."""
    pairs = {i: (c["lat"], c["lon"]) for i, c in _found(header).items() if len(c) == 2}
    if len(pairs) >= MIN_PAIRS:
        return pairs
    return plane_pairs(header)


def plane_pairs(header: list[str]) -> dict[str, tuple[int, int]]:
    """mover id -> (y column, x column) of a wide header in plane coordinates (`Home_11_x`,
    `Ball_y`); {} when the header names any latitude / longitude column or has < MIN_PAIRS."""
    found = _plane_found(header)
    pairs = {i: (c["y"], c["x"]) for i, c in found.items() if len(c) == 2}
    return pairs if len(pairs) >= MIN_PAIRS else {}


def _plane_found(header: list[str]) -> dict[str, dict[str, int]]:
    """mover id -> {"x" / "y": column} of every `<id>_x` / `<id>_y`-looking column."""
    if any(_ANY_DEGREES.search(name.strip()) for name in header):
        return {}
    if {"x", "y"} & {name.strip().lower() for name in header}:  # a table's own x / y: its
        return {}  # position, `v_x` ... beside it are no movers (badin37)
    found: dict[str, dict[str, int]] = {}
    for k, name in enumerate(header):
        m = _XY_AFTER.match(name.strip())
        mover, axis = (m[2], m[1]) if m else (None, None)
        if m is None and (m := _XY_BEFORE.match(name.strip())):
            mover, axis = m[1], m[2]
        if mover is not None and not _SENSOR.match(mover):
            found.setdefault(mover, {})[axis.lower()] = k
    return found


def unpaired_columns(header: list[str]) -> list[int]:
    """The latitude or longitude columns of a wide header with no partner (`lat_203` beside
    `lon_204`): a mover that cannot be read, said rather than dropped (badin30)."""
    return [k for c in _found(header).values() if len(c) == 1 for k in c.values()]


def _sep(path: Path) -> tuple[str, list[str]] | None:
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as f:
            line = f.readline(1 << 20)
    except OSError:
        return None
    sep = sniff_sep(line) or ","
    return sep, next(csv.reader([line.rstrip("\r\n")], delimiter=sep), [])


def is_wide_pairs(path: Path) -> bool:
    """A CSV whose header has MIN_PAIRS or more lat / lon column pairs, one per mover."""
    if not path.is_file() or path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        return False
    got = _sep(path)
    if got is None or len({c.strip() for c in got[1]}) < len(got[1]):  # a name twice: the
        return False  # table's own refusal names it (badin37: one `A_x` of two was read)
    return bool(wide_pairs(got[1]))


def wide_pairs_as_csv(path: Path, out: Path) -> list[int | None]:
    """Write the wide table `path` long at `out`: traj_id, the other columns, lat, lon; the
    line of `path` each CSV line comes from (None: the header; a tick's movers share its
    line), for errors (archives.member_error)."""
    at: list[int | None] = [None]
    sep, header = _sep(path)  # type: ignore[misc]
    pairs = wide_pairs(header)
    lone = unpaired_columns(header)
    plane = not _found(header) and bool(pairs)  # `Home_11_x`: written as x / y (metres)
    if plane:  # an `_x` without its `_y` (badin37: left out unsaid)
        lone = [k for c in _plane_found(header).values() if len(c) == 1 for k in c.values()]
    used = {k for ab in pairs.values() for k in ab} | set(lone)
    rest = [k for k in range(len(header)) if k not in used]
    with (
        path.open(encoding="utf-8-sig", errors="replace", newline="") as src,
        out.open("w", newline="", encoding="utf-8") as dst,
    ):
        w = csv.writer(dst, lineterminator="\n")
        w.writerow(
            ["traj_id", *(header[k] for k in rest), *(("y", "x") if plane else ("lat", "lon"))]
        )
        rows = csv.reader(src, delimiter=sep)
        next(rows, None)
        for row in rows:
            keep = [row[k] if k < len(row) else "" for k in rest]
            for mover, (a, b) in pairs.items():
                la, lo = (
                    (row[a].strip() if a < len(row) else ""),
                    (row[b].strip() if b < len(row) else ""),
                )
                if la.lower() not in _NO_VALUE and lo.lower() not in _NO_VALUE:
                    w.writerow([mover, *keep, la, lo])
                    at.append(rows.line_num)
    what = "x / y" if plane else "latitude / longitude"
    warnings.warn(
        f"{path.name}: a wide table: {len(pairs)} {what} column pairs read as one "
        f"mover each ({', '.join(list(pairs)[:3])}, ...), empty cells left out",
        stacklevel=2,
    )
    if lone:
        warnings.warn(
            f"{path.name}: a wide table: column(s) {', '.join(header[k] for k in lone)} have no "
            f"{what} partner (no mover read from them); rename them into a pair "
            f"({'<id>_x / <id>_y' if plane else 'lat_<id> / lon_<id>'}) to read that mover",
            stacklevel=2,
        )
    return at
