"""OGC Moving Features CSV (OGC 14-084r2; heldout34: a pedestrian-simulation export was
"missing column(s) ['traj_id', 't', 'lat', 'lon']"): an `@stboundedby` line (CRS, dimension,
the box's corners, the start and end times, the unit of the time offsets), an `@columns` line
(`mfidref`, `trajectory`, then attribute name / type pairs), then one row per moving segment:
the mover's id, the segment's start and end time (offsets in the unit from the start time, or
ISO times), its positions (`x y x y ...`, 3 numbers each in 3D), its attributes.

Each row becomes one point per position, written as a temporary CSV (`spreadsheet.
sheets_as_csv`) of `traj_id, t, lat, lon` plus the attributes, so the usual checks apply. A
segment of more than two positions gives its inner positions times at constant speed along it
(the standard's linear movement); the point that ends one segment and starts the next is
written once. Axis order is the CRS's own: EPSG:4326 (`urn:...:EPSG::4326`, `EPSG:6.6:4326`)
writes latitude first, CRS84 longitude first; a CRS with a projected or unknown code is one
line. A first number beyond 90 degrees under a latitude-first CRS is read longitude first,
said."""

from __future__ import annotations

import csv
import math
import re
import warnings
from datetime import UTC, datetime
from pathlib import Path

from trajlm.data.schema import TrajlmInputError

_UNITS = {"sec": 1.0, "second": 1.0, "s": 1.0, "msec": 0.001, "ms": 0.001, "millisecond": 0.001,
          "minute": 60.0, "min": 60.0, "hour": 3600.0, "h": 3600.0, "day": 86400.0}  # fmt: skip
_MAX_FIELD = 1 << 30  # a long segment is one field


def is_mf_csv(path: Path) -> bool:
    """A text file whose first line starts `@stboundedby,` (a byte-order mark allowed)."""
    if not path.is_file() or path.suffix.lower() not in (".csv", ".txt", ".mfcsv"):
        return False
    try:
        with path.open("rb") as f:
            head = f.read(64)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf").lower().startswith(b"@stboundedby,")


def _lat_first(crs: str, path: Path) -> bool:
    """Whether the CRS writes latitude first (EPSG:4326 and its URN forms: yes; CRS84: no)."""
    low = crs.lower()
    if "crs84" in low:
        return False
    code = re.findall(r"(\d+)\s*$", low)
    if code and code[0] in ("4326", "4979"):
        return True
    raise TrajlmInputError(
        f"@stboundedby names the CRS {crs!r}: not WGS84 degrees (EPSG:4326 or CRS84)",
        path=path, line=1,
        hint="convert the positions to EPSG:4326 first (the CSV reader's --crs reads projected "
        "x / y columns)",
    )  # fmt: skip


def _time(text: str, t0: float, unit: float, path: Path, line: int) -> float:
    """Unix seconds of a row's start / end: an offset in `unit` from `t0`, or an ISO time."""
    text = text.strip()
    try:
        return t0 + float(text) * unit
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TrajlmInputError(
            f"segment time {text!r} is neither an offset nor an ISO time", path=path, line=line
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def _header(path: Path, first: list[str]) -> tuple[bool, float, float]:
    """(latitude first, the start's Unix seconds, seconds per offset unit) of `@stboundedby`."""
    if len(first) < 7:
        raise TrajlmInputError(
            f"@stboundedby has {len(first) - 1} values; it needs the CRS, the dimension, two "
            "corners and the start / end times (then the time unit)",
            path=path, line=1,
        )  # fmt: skip
    lat_first = _lat_first(first[1], path)
    try:
        start = datetime.fromisoformat(first[5].strip().replace("Z", "+00:00"))
    except ValueError:
        raise TrajlmInputError(
            f"@stboundedby's start time {first[5]!r} is not an ISO time", path=path, line=1
        ) from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    unit_name = first[7].strip().lower() if len(first) > 7 and first[7].strip() else "sec"
    if unit_name not in _UNITS:
        raise TrajlmInputError(
            f"@stboundedby's time unit {unit_name!r} is not one of {sorted(_UNITS)}",
            path=path, line=1,
        )  # fmt: skip
    return lat_first, start.timestamp(), _UNITS[unit_name]


def mf_csv_as_csv(path: Path, out: Path) -> list[int | None]:
    """Write the positions of every segment row of `path` as a point CSV at `out`; the line of
    `path` each CSV line comes from (None: the header), for errors (archives.member_error)."""
    csv.field_size_limit(_MAX_FIELD)
    at: list[int | None] = [None]
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as f:
        rows = csv.reader(f)
        first = next(rows)
        lat_first, t0, unit = _header(path, first)
        dim = first[2].strip().upper() if len(first) > 2 else ""  # "2D" / "3D"
        names: list[str] = []
        parsed: list[tuple[int, str, list[tuple[float, float, float]], list[str]]] = []
        swapped = 0
        for row in rows:
            line = rows.line_num
            if not row or not "".join(row).strip():
                continue
            if row[0].strip().lower() == "@columns":
                names = [row[k].strip() for k in range(3, len(row), 2)]  # name, type pairs
                continue
            if row[0].startswith("@"):
                continue  # another annotation (`@foliation`, ...): no positions
            if len(row) < 4:
                raise TrajlmInputError(
                    f"a segment row of {len(row)} fields; it needs the id, start, end and "
                    "positions", path=path, line=line,
                )  # fmt: skip
            t1, t2 = _time(row[1], t0, unit, path, line), _time(row[2], t0, unit, path, line)
            if t2 < t1:  # read with its times reversed and a point dropped, unsaid (badin34b)
                raise TrajlmInputError(
                    f"the segment ends ({row[2].strip()}) before it starts ({row[1].strip()})",
                    path=path, line=line, field="end",
                )  # fmt: skip
            try:
                nums = [float(v) for v in row[3].split()]
            except ValueError:
                raise TrajlmInputError(
                    f"positions {row[3][:40]!r} are not numbers", path=path, line=line,
                    field="trajectory",
                ) from None  # fmt: skip
            # the header's dimension, else a guess: a 3D file's 2 positions are 6 numbers,
            # read as 3 positions of 2 by the count alone (badin34b)
            width = {"2D": 2, "3D": 3}.get(dim) or (
                3 if len(nums) % 2 and len(nums) % 3 == 0 else 2
            )
            if len(nums) < 2 * width or len(nums) % width:
                raise TrajlmInputError(
                    f"{len(nums)} numbers are not 2+ positions of {width}"
                    + (f" (@stboundedby says {dim})" if dim in ("2D", "3D") else ""), path=path,
                    line=line, field="trajectory",
                )  # fmt: skip
            pts = [(nums[k], nums[k + 1]) for k in range(0, len(nums), width)]
            if lat_first and any(abs(a) > 90 for a, _ in pts):
                swapped += 1  # written longitude first under a latitude-first CRS
            parsed.append((line, row[0].strip(), _timed(pts, t1, t2), row[4:]))
    if swapped and swapped < len(parsed):
        raise TrajlmInputError(
            f"{swapped} of {len(parsed)} segments have a first number beyond 90 degrees: the "
            "rows mix latitude-first and longitude-first positions", path=path,
        )  # fmt: skip
    if swapped:
        lat_first = False
        warnings.warn(
            f"{path.name}: positions read longitude first (a first number beyond 90 degrees), "
            "not latitude first as @stboundedby's CRS says", stacklevel=2,
        )  # fmt: skip
    with out.open("w", newline="", encoding="utf-8") as o:
        w = csv.writer(o, lineterminator="\n")
        w.writerow(["traj_id", "t", "lat", "lon", *names])
        last: dict[str, tuple[float, float, float]] = {}
        for line, mover, timed, attrs in parsed:
            attrs = (attrs + [""] * len(names))[: len(names)]
            for t, a, b in timed:
                lat, lon = (a, b) if lat_first else (b, a)
                if last.get(mover) == (t, lat, lon):
                    continue  # the previous segment's end, written once
                last[mover] = (t, lat, lon)
                when = datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds")
                w.writerow([mover, when.replace("+00:00", "Z"), repr(lat), repr(lon), *attrs])
                at.append(line)
    return at


def _timed(
    pts: list[tuple[float, float]], t1: float, t2: float
) -> list[tuple[float, float, float]]:
    """Each position with its time: the ends at `t1` / `t2`, inner ones at constant speed."""
    steps = [math.dist(pts[k], pts[k + 1]) for k in range(len(pts) - 1)]
    total = sum(steps)
    out, done = [], 0.0
    for k, (a, b) in enumerate(pts):
        share = k / (len(pts) - 1) if total == 0 else done / total
        out.append((t1 + (t2 - t1) * share, a, b))
        if k < len(steps):
            done += steps[k]
    return out
