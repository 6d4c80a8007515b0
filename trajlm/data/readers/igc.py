"""IGC flight logs (format `igc`: `.igc`, `.igc.gz`; gliders, paragliders, hang gliders; FAI IGC
specification, Appendix A).

One trajectory per file (traj_id = the file stem). The date comes from the `HFDTE` header (old
`HFDTEddmmyy` and new `HFDTEDATE:ddmmyy,NN` forms); each `B` record `BHHMMSSDDMMmmmNDDDMMmmmEV...`
gives a UTC time of day and a position in degrees and thousandths of minutes. B records are in
time order, so a time of day more than 12 h earlier than the previous one is the next UTC day (a
flight over 00:00 UTC). Fix validity `V` (2D / no GPS) is kept as logged. The `G` security record
is not checked (it needs the logger maker's key). A malformed B record is `malformed_row`; a
file without `HFDTE` or without B records is one error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from trajlm.data.readers._common import Ctx, claim_stem
from trajlm.data.readers.gpx import file_points
from trajlm.data.readers.gz import iter_text_lines, open_bytes, stem
from trajlm.data.schema import TrajlmInputError

_DATE = re.compile(r"^HFDTE(?:DATE:)?\s*(\d{2})(\d{2})(\d{2})")
_ALT = re.compile(r"-\d{4}|\d{5}")
_B = re.compile(r"^B(\d{2})(\d{2})(\d{2})(\d{2})(\d{5})([NS])(\d{3})(\d{5})([EW])([AV])")


def _coord(deg: str, mmm: str, hemi: str) -> float | None:
    minutes = int(mmm) / 1000
    if minutes >= 60:
        return None
    value = int(deg) + minutes / 60
    return -value if hemi in "SW" else value


def iter_igc(paths: list[Path], ctx: Ctx) -> Iterator[pl.DataFrame]:
    """One canonical chunk per file."""
    stems: dict[str, Path] = {}
    for path in paths:
        file = ctx.add_path(path)
        unique = claim_stem(ctx, file, stems)
        cols: dict[str, list] = {k: [] for k in ("traj_id", "lat", "lon", "time", "ele", "_line")}
        day: dt.date | None = None
        prev = -1
        n_b = 0
        with open_bytes(path, ctx.limits) as f:
            for lineno, line in iter_text_lines(f, path, ctx.limits.max_line_bytes):
                if line.startswith("HFDTE") and day is None:
                    m = _DATE.match(line)
                    try:
                        d, mo, y = (int(x) for x in m.groups()) if m else (0, 0, 0)
                        day = dt.date(2000 + y if y < 80 else 1900 + y, mo, d)
                    except ValueError:
                        raise TrajlmInputError(f"HFDTE header {line!r} is not a date ddmmyy",
                                               path=path, line=lineno) from None  # fmt: skip
                    continue
                if not line.startswith("B"):
                    continue
                n_b += 1
                if day is None:
                    raise TrajlmInputError(
                        "B record before any HFDTE date header: the day of the flight is unknown",
                        path=path, line=lineno, hint="an IGC file starts with an HFDTE line",
                    )  # fmt: skip
                m = _B.match(line)
                lat = _coord(m[4], m[5], m[6]) if m else None
                lon = _coord(m[7], m[8], m[9]) if m else None
                sec = int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3]) if m else 86_400
                if lat is None or lon is None or sec >= 86_400:
                    if ctx.on_error == "raise":
                        raise ctx.error(f"not a B record BHHMMSSDDMMmmmNDDDMMmmmEV: {line[:40]!r}",
                                        file, lineno, "B")  # fmt: skip
                    ctx.report.rows_in += 1
                    ctx.report.drop("malformed_row", 1)
                    continue
                if prev >= 0 and sec < prev - 43_200:  # over 00:00 UTC
                    day += dt.timedelta(days=1)
                prev = sec
                t = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=sec)
                cols["traj_id"].append(stem(path))
                cols["lat"].append(repr(lat))
                cols["lon"].append(repr(lon))
                cols["time"].append(t.strftime("%Y-%m-%dT%H:%M:%SZ"))
                cols["ele"].append(
                    line[30:35] if _ALT.fullmatch(line[30:35]) else None
                )  # GNSS altitude
                cols["_line"].append(lineno)
        if n_b == 0:
            raise TrajlmInputError(
                "no B (fix) records: not an IGC flight log, or an empty one",
                path=path,
                hint="skipping cannot help (the whole file)",
            )
        yield from file_points(cols, file, ctx, "a B record has no time", unique)
