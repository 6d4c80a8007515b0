"""NMEA 0183 logs (format `nmea`: `.nmea`, `.nma`): GPS receivers, data loggers, dash cams.

Positions and times come from the `$--RMC` sentences (any talker: GP, GN, GL, GA, BD), the
only standard sentence with a date; the others (GGA, GSV, VTG, ...) are skipped without being
counted. One trajectory per file (traj_id = the file stem). A log without RMC but with
`$--ZDA` (date) sentences is read from its `$--GGA` fixes instead (session 17). An RMC with status `V` (void: no
fix) or empty position fields is `no_fix`, and a sentence whose `*hh` checksum does not match
is `bad_checksum`: both are normal in a serial log and counted in both on_error modes. A log
without any RMC sentence (GGA carries no date) is one error.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from trajlm.data.readers._common import Ctx, claim_stem
from trajlm.data.readers._nmea_lines import sentence
from trajlm.data.readers.gpx import file_points
from trajlm.data.readers.gz import open_bytes, stem
from trajlm.data.schema import TrajlmInputError


def _checksum_ok(line: str) -> bool:
    body, star, cs = line[1:].partition("*")
    if not star:
        return True  # no checksum given
    x = 0
    for ch in body:
        x ^= ord(ch)
    return cs[:2].upper() == f"{x:02X}"


_DDMM = re.compile(r"^(\d{1,3})([0-5]\d(?:\.\d*)?)$")  # (d)ddmm.mmmm: minutes below 60


def _degrees(value: str, hemi: str, axis: str) -> str | None:
    """(d)ddmm.mmmm + N/S (axis "NS") or E/W ("EW") -> decimal degrees as text; None for a
    field that is not that (minutes >= 60, a sign, another hemisphere letter): a malformed_row,
    never a place read wrongly."""
    m = _DDMM.match(value)
    hemi = hemi.upper()  # 's' / 'w' from loggers that lower-case the line
    if m is None or len(hemi) != 1 or hemi not in axis:
        return None
    deg = int(m.group(1)) + float(m.group(2)) / 60
    return repr(-deg if hemi in ("S", "W") else deg)


def _iso(hms: str, dmy: str) -> str | None:
    if len(hms) < 6 or len(dmy) != 6 or not (hms[:6] + dmy).isdigit():
        return None
    yy = int(dmy[4:])
    year = 1900 + yy if yy >= 80 else 2000 + yy
    frac = hms[6:] if hms[6:7] == "." else ""
    return f"{year}-{dmy[2:4]}-{dmy[:2]}T{hms[:2]}:{hms[2:4]}:{hms[4:6]}{frac}Z"


def _gga_fix(line: str) -> tuple[str, str, str] | None:
    """(hhmmss, lat, lon) of a GGA sentence with a fix, else None."""
    p = line.split("*")[0].split(",")
    if len(p) < 7 or p[6] in ("", "0") or not p[2] or not p[4]:
        return None
    lat, lon = _degrees(p[2], p[3], "NS"), _degrees(p[4], p[5], "EW")
    return None if lat is None or lon is None or len(p[1]) < 6 else (p[1], lat, lon)


def _gga_heights(cols: dict[str, list], alts: dict[int, tuple[str, str | None]]) -> None:
    """Each RMC row's `ele`: the altitude (m above mean sea level, GGA field 9) of a good GGA of
    the same second within 2 lines of it."""
    for i, line in enumerate(cols["_line"]):
        hms = cols["time"][i][11:19].replace(":", "") if cols["time"][i] else ""
        for near in (line - 1, line + 1, line - 2, line + 2):
            if near in alts and alts[near][0] == hms:
                cols["ele"][i] = alts[near][1]
                break


def _recover(
    bad: list[int], ggas: list, rmcs: list, cols: dict[str, list], tid: str, ctx: Ctx
) -> None:
    """An RMC whose checksum fails: the position of the GGA fix next to it (within 2 lines, of
    a second no good RMC holds), dated by the nearest good RMC (a day later / earlier across
    midnight); formats21: the second was dropped though its GGA was good. Else `bad_checksum`."""
    import bisect
    import datetime as dt

    held = {h[:6] for _, h, _ in rmcs}
    lines = [r[0] for r in rmcs]
    used: set[int] = set()
    for n in bad:
        near = [g for g in ggas if abs(g[0] - n) <= 2 and g[1][:6] not in held and g[0] not in used]
        k = bisect.bisect(lines, n)
        ref = rmcs[k - 1] if k else (rmcs[0] if rmcs else None)
        iso = None
        if near and ref is not None:
            g = min(near, key=lambda g: abs(g[0] - n))
            iso = _iso(g[1], ref[2])
        if iso is None:
            ctx.report.rows_in += 1
            ctx.report.drop("bad_checksum", 1)
            continue
        day = dt.timedelta(days=1)
        when = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
        if k and g[1][:6] < ref[1][:6]:  # past midnight since the RMC that dated it
            when += day
        elif not k and g[1][:6] > ref[1][:6]:  # before midnight, dated by a later RMC
            when -= day
        used.add(g[0])
        at = bisect.bisect(cols["_line"], g[0])
        for key, v in (("traj_id", tid), ("lat", g[2]), ("lon", g[3]), ("ele", None), ("_line", g[0]),
                       ("time", when.isoformat().replace("+00:00", "Z"))):  # fmt: skip
            cols[key].insert(at, v)


def _gga_with_zda(path: Path, ctx: Ctx, cols: dict[str, list]) -> bool:
    """A log without RMC whose $--ZDA sentences give the date: its $--GGA fixes, each dated by
    the last ZDA (a time of day more than 12 h before the previous one rolls to the next day).
    GGA before the first ZDA (no date yet) are `no_date`, fix quality 0 `no_fix`, bad `*hh`
    `bad_checksum`, in both modes. False (nothing added) when the log has no ZDA."""
    import datetime as dt

    day, last, n_zda = None, None, 0
    with io.TextIOWrapper(open_bytes(path, ctx.limits), encoding="ascii", errors="replace") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            kind = line[3:6] if line.startswith("$") else ""
            if kind not in ("ZDA", "GGA"):
                continue
            p = line.split("*")[0].split(",")
            hms = p[1] if len(p) > 1 else ""
            ok = len(hms) >= 6 and hms[:6].isdigit()
            tod = int(hms[:2]) * 3600 + int(hms[2:4]) * 60 + int(hms[4:6]) if ok else None
            if kind == "ZDA":
                try:
                    day, last = dt.date(int(p[4]), int(p[3]), int(p[2])), tod
                    n_zda += 1
                except (ValueError, IndexError):
                    pass
                continue
            ctx.report.rows_in += 1
            why = ("bad_checksum" if not _checksum_ok(line) else "no_fix"
                   if len(p) < 7 or p[6] in ("", "0") or not p[2] or not p[4] else None)  # fmt: skip
            lat = lon = None
            if why is None:
                lat, lon = _degrees(p[2], p[3], "NS"), _degrees(p[4], p[5], "EW")
                why = "malformed_row" if lat is None or lon is None or tod is None else None
            if why is None and day is None:
                why = "no_date"
            if why is not None:
                ctx.report.drop(why, 1)
                continue
            ctx.report.rows_in -= 1  # counted by file_points with the kept rows
            if last is not None and tod < last - 43200:
                day += dt.timedelta(days=1)  # type: ignore[operator]
            last = tod
            cols["traj_id"].append(stem(path))
            cols["lat"].append(lat)
            cols["lon"].append(lon)
            cols["time"].append(_iso(hms, f"{day:%d%m%y}"))
            cols["ele"].append(p[9] or None if len(p) > 9 else None)
            cols["_line"].append(lineno)
    return n_zda > 0


def iter_nmea(paths: list[Path], ctx: Ctx) -> Iterator[pl.DataFrame]:
    """One canonical chunk per file."""
    stems: dict[str, Path] = {}
    for path in paths:
        file = ctx.add_path(path)
        unique = claim_stem(ctx, file, stems)
        cols: dict[str, list] = {k: [] for k in ("traj_id", "lat", "lon", "time", "ele", "_line")}
        n_rmc = n_ais = 0
        bad: list[int] = []  # lines of RMCs whose checksum fails
        ggas: list[tuple[int, str, str, str]] = []  # (line, hhmmss, lat, lon) of good GGA fixes
        alts: dict[int, tuple[str, str | None]] = {}  # line -> (hhmmss, altitude) of those
        rmcs: list[tuple[int, str, str]] = []  # (line, hhmmss, ddmmyy) of good RMCs
        with open_bytes(path, ctx.limits) as f:
            if b"\x00" in f.read(4096):  # UTF-16 / binary: no sentence would be found
                raise TrajlmInputError(
                    "not ASCII text (NUL bytes: a UTF-16 export or a binary file), so no "
                    "NMEA sentence can be read",
                    path=path,
                    hint="re-save it as ASCII / UTF-8 (iconv -f utf-16 -t ascii IN > OUT)",
                )
        with io.TextIOWrapper(
            open_bytes(path, ctx.limits), encoding="ascii", errors="replace"
        ) as f:
            for lineno, raw in enumerate(f, 1):
                line = sentence(raw.strip())  # `[Unix ms]$GPRMC...`: BlackVue (heldout40)
                n_ais += line.startswith(("!AIVDM", "!AIVDO"))
                if line.startswith("$") and line[3:6] == "GGA" and _checksum_ok(line):
                    if (g := _gga_fix(line)) is not None:
                        ggas.append((lineno, *g))
                        q = line.split("*")[0].split(",")
                        alts[lineno] = (g[0][:6], q[9] or None if len(q) > 9 else None)
                    continue
                if not (line.startswith("$") and line[3:6] == "RMC"):
                    continue
                n_rmc += 1
                if not _checksum_ok(line):
                    bad.append(lineno)
                    continue
                p = line.split("*")[0].split(",")
                if len(p) < 10 or p[2] != "A" or not p[3] or not p[5]:
                    ctx.report.rows_in += 1
                    ctx.report.drop("no_fix", 1)
                    continue
                lat, lon = _degrees(p[3], p[4], "NS"), _degrees(p[5], p[6], "EW")
                if lat is None or lon is None:
                    pos = f"{p[3]},{p[4]},{p[5]},{p[6]}"
                    if ctx.on_error == "raise":
                        raise ctx.error(
                            f"RMC position {pos!r} is not ddmm.mmmm,N|S,dddmm.mmmm,E|W "
                            "(minutes below 60, no sign)",
                            file,
                            lineno,
                            "lat" if lat is None else "lon",
                        )
                    ctx.report.rows_in += 1
                    ctx.report.drop("malformed_row", 1)
                    continue
                cols["traj_id"].append(stem(path))
                cols["lat"].append(lat)
                cols["lon"].append(lon)
                cols["time"].append(_iso(p[1], p[9]))
                cols["ele"].append(None)
                cols["_line"].append(lineno)
                rmcs.append((lineno, p[1], p[9]))
        _gga_heights(cols, alts)  # the RMC's own second's GGA altitude (badin21: was null)
        if bad:
            _recover(bad, ggas, rmcs, cols, stem(path), ctx)
        if n_rmc == 0 and n_ais:
            raise TrajlmInputError(
                "raw AIS sentences (!AIVDM): vessel positions are encoded in their payload",
                path=path,
                hint="decode them first (e.g. pyais) to a CSV of MMSI, time, lat, lon",
            )
        if n_rmc == 0 and _gga_with_zda(path, ctx, cols):  # GGA dated by ZDA (session 17)
            n_rmc = -1
        if n_rmc == 0:
            raise TrajlmInputError(
                "no $--RMC sentences (the only NMEA sentence with a date; GGA has times of day "
                "only)",
                path=path,
                hint="log RMC as well, or convert the log with gpsbabel -i nmea -o gpx",
            )
        yield from file_points(cols, file, ctx, "an RMC sentence has no valid time / date", unique)
