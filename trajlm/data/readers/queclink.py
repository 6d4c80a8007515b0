"""Queclink @Track ASCII reports (format `queclink`, session 18): the raw log of a GV300 / GV55 /
GL300 ... fleet tracker as a gateway writes it, one report a line:

    +RESP:GTFRI,2C0204,860599001122334,GV300,0,0,1,1,24.3,92,1480.0,31.0335,-17.8252,20261010060000,...$

`+RESP:` / `+BUFF:` (buffered while out of coverage) reports of any `GT...` type. The trajectory
is the device's IMEI (the third field). A report carries one or more positions, each as the
consecutive fields `<longitude>,<latitude>,<GPS UTC time YYYYMMDDHHMMSS>` (longitude first, as
the protocol has it); a report whose position fields are empty (no GPS fix yet) is `no_fix`,
counted in both modes. Other lines (`+ACK:`, heartbeats `+ACK:GTHBD`, blank) carry no position
and are not records. Only the positions are read (speed, azimuth, cell ids are not kept).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from trajlm.data.readers._common import Ctx
from trajlm.data.readers.gpx import file_points
from trajlm.data.readers.gz import iter_text_lines, open_bytes
from trajlm.data.schema import TrajlmInputError

REPORT = re.compile(r"^\+(?:RESP|BUFF):GT[A-Z]{3},")
_FIX = re.compile(r",(-?\d{1,3}\.\d+),(-?\d{1,2}\.\d+),(\d{14}),")
_NO_FIX = re.compile(r",,,(\d{14})?,")  # empty longitude / latitude (before the first fix)


def looks_like_queclink(head: str) -> bool:
    """Whether the first non-blank lines of a text are @Track reports."""
    lines = [s for s in head.splitlines()[:20] if s.strip()]
    return bool(lines) and sum(bool(REPORT.match(s.strip())) for s in lines) >= max(
        1, len(lines) // 2
    )


def _utc(stamp: str) -> str | None:
    try:
        return dt.datetime.strptime(stamp, "%Y%m%d%H%M%S").strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None


def iter_queclink(paths: list[Path], ctx: Ctx) -> Iterator[pl.DataFrame]:
    """One canonical chunk per file; trajectories by IMEI."""
    for path in paths:
        file = ctx.add_path(path)
        cols: dict[str, list] = {k: [] for k in ("traj_id", "lat", "lon", "time", "ele", "_line")}
        reports = 0
        with open_bytes(path, ctx.limits) as f:
            for lineno, line in iter_text_lines(f, path, ctx.limits.max_line_bytes):
                line = line.strip().lstrip("\ufeff")  # a BOM before the first report
                if not REPORT.match(line):
                    continue
                reports += 1
                fields = line.split(",")
                imei = fields[2] if len(fields) > 2 else ""
                fixes = _FIX.findall(line + ",")
                if not fixes:
                    why = "no_fix" if _NO_FIX.search(line) else "malformed_row"
                    if why == "malformed_row" and ctx.on_error == "raise":
                        raise ctx.error(
                            "an @Track report without a position <longitude>,<latitude>,"
                            f"<YYYYMMDDHHMMSS>: {line[:60]!r}",
                            file,
                            lineno,
                            None,
                        )
                    ctx.report.rows_in += 1
                    ctx.report.drop(why, 1)
                    continue
                for lon, lat, stamp in fixes:
                    cols["traj_id"].append(imei)
                    cols["lat"].append(lat)
                    cols["lon"].append(lon)
                    cols["time"].append(_utc(stamp))
                    cols["ele"].append(None)
                    cols["_line"].append(lineno)
        if not reports:
            raise TrajlmInputError(
                "no @Track report lines (+RESP:GT... / +BUFF:GT...): not a Queclink log",
                path=path,
                hint="skipping cannot help (the whole file)",
            )
        yield from file_points(cols, file, ctx, "a report's GPS UTC time is not a date")
