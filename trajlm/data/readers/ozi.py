"""OziExplorer track files (format `ozi`: `.plt` with Ozi's own 6-line header, as OziExplorer,
GPSBabel, OruxMaps and many loggers write them; GeoLife's `.plt` is read by `geolife`).

Header: line 1 `OziExplorer Track Point File Version 2.x`, line 2 the datum (only `WGS 84` is
read: another datum is one error, as its coordinates would be metres off), lines 3-6 altitude
unit, reserved, track info, point count. Rows: `lat,lon,break,altitude_ft,days,date,time`;
`days` (Delphi TDateTime: days since 1899-12-30) is the time, read as UTC as GeoLife's are;
altitude in feet (-777 = none) becomes `elevation_m`; a `1` in the break field starts a new
segment: traj_id = `<file stem>/<segment>`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from trajlm.data.readers._common import Ctx, claim_stem
from trajlm.data.readers.gpx import file_points
from trajlm.data.readers.gz import iter_text_lines, open_bytes, stem
from trajlm.data.schema import TrajlmInputError

MAGIC = "OziExplorer Track Point File"
_DELPHI_EPOCH = dt.datetime(1899, 12, 30, tzinfo=dt.UTC)


def _time(days: str) -> str | None:
    try:
        t = _DELPHI_EPOCH + dt.timedelta(days=float(days))
    except (ValueError, OverflowError):
        return None
    return (t + dt.timedelta(milliseconds=500)).strftime("%Y-%m-%dT%H:%M:%SZ")  # nearest second


def iter_ozi(paths: list[Path], ctx: Ctx) -> Iterator[pl.DataFrame]:
    """One canonical chunk per file."""
    stems: dict[str, Path] = {}
    for path in paths:
        file = ctx.add_path(path)
        unique = claim_stem(ctx, file, stems)
        cols: dict[str, list] = {k: [] for k in ("traj_id", "lat", "lon", "time", "ele", "_line")}
        seg = -1
        with open_bytes(path, ctx.limits) as f:
            for lineno, line in iter_text_lines(f, path, ctx.limits.max_line_bytes):
                if lineno == 1 and not line.lstrip("\ufeff").startswith(MAGIC):
                    raise TrajlmInputError(
                        f"not an OziExplorer track: {line[:60]!r}", path=path, line=1
                    )
                if lineno == 2 and line.replace(" ", "").upper() not in ("WGS84", "WGS1984"):
                    raise TrajlmInputError(
                        f"datum {line[:40]!r}: only WGS 84 tracks are read (another datum's "
                        "coordinates are tens to hundreds of metres off)",
                        path=path,
                        line=2,
                        hint="re-save the track in WGS 84 (OziExplorer, gpsbabel)",
                    )
                if lineno <= 6 or not line:
                    continue
                p = [x.strip() for x in line.split(",")]
                if len(p) < 5:
                    if ctx.on_error == "raise":
                        raise ctx.error(
                            f"not a track row lat,lon,break,alt,days: {line[:60]!r}",
                            file,
                            lineno,
                            None,
                        )
                    ctx.report.rows_in += 1
                    ctx.report.drop("malformed_row", 1)
                    continue
                if p[2] == "1" or seg < 0:
                    seg += 1
                alt = p[3]
                cols["traj_id"].append(f"{stem(path)}/{seg}")
                cols["lat"].append(p[0])
                cols["lon"].append(p[1])
                cols["time"].append(_time(p[4]))
                ok = alt not in ("", "-777") and alt.lstrip("-").replace(".", "", 1).isdigit()
                cols["ele"].append(repr(float(alt) * 0.3048) if ok else None)
                cols["_line"].append(lineno)
        if not cols["traj_id"]:
            raise TrajlmInputError("no track points after the 6 header lines", path=path,
                                   hint="skipping cannot help (the whole file)")  # fmt: skip
        yield from file_points(
            cols, file, ctx, "the days field (TDateTime) is not a number", unique
        )
