"""Three text layouts written as CSV before the read (`spreadsheet.sheets_as_csv`), each refused
with no way on before heldout31 (docs/data.md "Session 31 (heldout31)"):

- **XML Spreadsheet 2003** (`.xls` / `.xml` holding `urn:schemas-microsoft-com:office:spreadsheet`:
  legacy fleet portals' "Excel" button): its largest worksheet, one line per `<Row>` (`ss:Index`
  gaps kept), so a title row above the header is skipped like any title line. `pd.read_excel`
  cannot read it, which the "spreadsheet workbook" refusal advised.
- **DJI drone video telemetry** (`.srt` subtitles, a cue per frame): the cue's clock line
  (`2026-05-09 14:03:21.345`, the drone's local clock) and `[latitude: ..] [longitude: ..]`
  (older firmware: `[longtitude : ..]`, or `GPS(lon, lat, alt)`), `rel_alt` / `abs_alt` kept
  as columns; one clip = one file = one trajectory (named after the clip).
- **RTKLIB solutions** (`.pos`, `rnx2rtkp` / RTKPOST / RTKNAVI): `%` header lines, then
  `GPST` (or `UTC`) date + time, or GPS week + seconds of week, latitude, longitude, height, Q
  and the standard deviations. GPS time runs ahead of UTC by the leap seconds since 1980 (18 s
  since 2017): written as UTC, said. ECEF / ENU solutions and degree-minute-second output are
  refused in one line naming the RTKLIB option that writes degrees.

A folder of `.srt` / `.pos` files (a drone's card, a survey's days) is written as a folder of
CSVs, one per file."""

from __future__ import annotations

import csv
import re
import warnings
from datetime import datetime, timedelta
from pathlib import Path
from xml.etree.ElementTree import iterparse

from trajlm.data.readers._file_io import head as _head
from trajlm.data.readers._file_io import write_csv
from trajlm.data.readers.binary_logs import is_ubx, is_wln, ubx_as_csv, wln_as_csv
from trajlm.data.readers.czml import czml_as_csv, is_czml
from trajlm.data.readers.data_files import data_file_as_csv, data_file_kind, pad_to_header
from trajlm.data.readers.flight_logs import acmi_as_csv, is_acmi, is_tlog, tlog_as_csv
from trajlm.data.readers.gpsd_json import gpsd_as_csv, is_gpsd_json
from trajlm.data.readers.lorawan import is_lorawan, lorawan_as_csv
from trajlm.data.schema import TrajlmInputError

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
Where = list[int] | list[str]  # a converted CSV's lines in its source: line numbers or names


def _by_suffix(path: Path) -> dict[str, list[Path]]:
    """The files under `path` (or `path` itself) by lower-cased suffix, from one walk of a
    folder (each converter's suffix looked up in it, not a walk each: heldout33 added three)."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    out: dict[str, list[Path]] = {}
    for p in files if path.exists() else []:
        out.setdefault(p.suffix.lower(), []).append(p)
    return out


def log_files(path: Path) -> tuple[str, list[Path]] | None:
    """("xml2003" | "lorawan" | "gpsd" | "srt" | "pos" | "ubx" | "wln" | "tlog" | "acmi" | "czml" |
    "sqlite" | "netcdf" | "ods", the files) when `path` is such a file or a folder holding such
    files (and no other track file that trajlm reads is needed: the converter takes only those);
    None otherwise. (UBX / WLN: binary_logs.py; SQLite / NetCDF 3 / ODS: data_files.py,
    heldout32; MAVLink .tlog, Tacview .acmi: flight_logs.py; CZML: czml.py, heldout33.)"""
    if (
        path.is_file()
        and path.suffix.lower() in (".xls", ".xml")
        and b"urn:schemas-microsoft-com:office:spreadsheet" in _head(path)
    ):
        return "xml2003", [path]
    if is_lorawan(path):
        return "lorawan", [path]
    if is_gpsd_json(path):
        return "gpsd", [path]
    members = _by_suffix(path)
    srt = [p for p in members.get(".srt", []) if _is_dji_srt(p)]
    if srt:
        return "srt", srt
    pos = [p for p in members.get(".pos", []) if _is_rtklib(p)]
    if pos:
        return "pos", pos
    if kind := data_file_kind(path):
        return kind, [path]
    for kind, suffix, test in (("ubx", ".ubx", is_ubx), ("wln", ".wln", is_wln),
                               ("tlog", ".tlog", is_tlog), ("acmi", ".acmi", is_acmi),
                               ("czml", ".czml", is_czml)):  # fmt: skip
        if path.is_file() and test(path):
            return kind, [path]
        if path.is_dir() and (found := members.get(suffix)):
            return kind, found
    return None


# files read by their name as logs (beside format_detect.NAMED_SUFFIXES: a folder's formats), said
# when a folder of logs leaves them unread (below)
_LOG_SUFFIXES = frozenset((".txt", ".srt", ".pos", ".ubx", ".wln", ".zip"))


def say_unread_beside_logs(folder: Path, kind: str, read: list[Path]) -> None:
    """One warning naming the track files of ``folder`` a folder of ``kind`` logs leaves unread
    (badin33: a folder of .ubx logs beside CSV / .wln exports read the .ubx only, silently), in
    the words `format_detect.warn_not_read` uses for other folders."""
    from trajlm.data.readers.format_detect import NAMED_SUFFIXES, not_read_line

    named = NAMED_SUFFIXES | _LOG_SUFFIXES
    done = {f.resolve() for f in read}
    other: dict[str, int] = {}
    for f in sorted(folder.rglob("*")):
        ext = f.suffix.lower()
        if f.is_file() and ext in named and f.resolve() not in done:
            other[ext] = other.get(ext, 0) + 1
    if other:
        warnings.warn(not_read_line(folder, kind, other), UserWarning, stacklevel=3)


# -- XML Spreadsheet 2003 -------------------------------------------------------------------


def xml2003_as_csv(path: Path, out: Path) -> list[str] | None:
    """The largest worksheet of an XML Spreadsheet 2003 file as a CSV at `out`; each CSV line's
    worksheet row (`worksheet 'Positions' row 4`, for errors: `Where`), or None where a cell
    holds a line break (the CSV's lines are then not the rows)."""
    sheets: list[tuple[list[list[str]], list[str]]] = []
    rows: list[list[str]] = []
    where: list[str] = []
    name, n = "", 0
    try:
        for event, el in iterparse(path, events=("start", "end")):
            if event == "start" and el.tag == f"{_SS}Worksheet":
                rows, where, name, n = [], [], el.get(f"{_SS}Name", ""), 0
            elif event == "start" and el.tag == f"{_SS}Row":
                at = el.get(f"{_SS}Index") or ""
                n = int(at) if at.isdigit() else n + 1  # `ss:Index`: empty rows left out
            elif event == "end" and el.tag == f"{_SS}Row":
                rows.append(_row_cells(el))
                where.append(f"worksheet {name!r} row {n}" if name else f"row {n}")
                el.clear()
            elif event == "end" and el.tag == f"{_SS}Worksheet":
                sheets.append((rows, where))
    except Exception as e:  # ParseError: the file cut short or not XML after all
        raise TrajlmInputError(
            f"an XML Spreadsheet 2003 file that does not parse ({e})",
            path=path,
            hint="export the report again, or as CSV if the portal offers it",
        ) from None
    best, at = max(sheets + [(rows, where)], key=lambda s: len(s[0]))
    if not any(best):
        raise TrajlmInputError("an XML Spreadsheet 2003 file with no rows", path=path)
    kept = [k for k, r in enumerate(best) if any(r)]
    with out.open("w", newline="", encoding="utf-8") as dst:
        csv.writer(dst, lineterminator="\n").writerows(pad_to_header([best[k] for k in kept]))
    broken = any("\n" in c or "\r" in c for k in kept for c in best[k])
    return None if broken else [at[k] for k in kept]


def _row_cells(row) -> list[str]:  # noqa: ANN001 (an ElementTree element)
    cells: list[str] = []
    for cell in row.findall(f"{_SS}Cell"):
        if (at := cell.get(f"{_SS}Index")) and at.isdigit():
            cells += [""] * (int(at) - 1 - len(cells))  # `ss:Index`: empty cells left out
        data = cell.find(f"{_SS}Data")
        cells.append("".join(data.itertext()).strip() if data is not None else "")
    return cells


# -- DJI .SRT -------------------------------------------------------------------------------

# the clock opens its line, or follows Phantom 4's `HOME(lon,lat) ` (badin32: every real
# Phantom 4 clip was refused "no cue holding a clock line"); a 12-hour clock's AM / PM read
_SRT_CLOCK = re.compile(
    r"^(?:HOME\([^)]*\)\s*)?(\d{4})[-.](\d{2})[-.](\d{2})[ T](\d{2}:\d{2}:\d{2}(?:[.,]\d+)?)"
    r"(?:\s*([AaPp][Mm])\b)?"
)
_SRT_LAT = re.compile(r"\[latitude\s*:\s*(-?[\d.]+)\]")
_SRT_LON = re.compile(r"\[longt?itude\s*:\s*(-?[\d.]+)\]")
_SRT_GPS = re.compile(r"GPS\s*\(\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*,")
_SRT_ALT = re.compile(r"\b(rel_alt|abs_alt|altitude)\s*:\s*(-?[\d.]+)")


def _text_codec(path: Path) -> str:
    """A clip's text encoding: UTF-16 behind its byte-order mark (a caption re-saved on Windows,
    badin32: "cannot tell the format"), else UTF-8."""
    head = _head(path, 4)
    return "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"


def _is_dji_srt(path: Path) -> bool:
    text = _head(path, 2048).decode(_text_codec(path), errors="replace")
    return "-->" in text and bool(_SRT_LAT.search(text) or _SRT_GPS.search(text))


def _hours24(clock: str, half: str | None) -> str:
    """``hh:mm:ss[.f]`` on a 24-hour clock from a 12-hour one (``half`` AM / PM, or None)."""
    if not half:
        return clock
    h = int(clock[:2]) % 12 + (12 if half.lower() == "pm" else 0)
    return f"{h:02d}{clock[2:]}"


def srt_as_csv(path: Path, out: Path) -> list[int]:
    """A DJI `.SRT` file's cues as `time,lat,lon,rel_alt,abs_alt` rows at `out`; each CSV
    line's line in the clip (for errors)."""
    rows, clock, alts, lines = [], None, ("rel_alt", "abs_alt"), [1]
    with path.open(encoding=_text_codec(path), errors="replace") as f:
        for k, line in enumerate(f, 1):
            line = line.strip().removeprefix('<font size="28">')
            if m := _SRT_CLOCK.match(line):
                clock = f"{m[1]}-{m[2]}-{m[3]} {_hours24(m[4].replace(',', '.'), m[5])}"
            lat, lon = _SRT_LAT.search(line), _SRT_LON.search(line)
            if gps := _SRT_GPS.search(line):  # Phantom 4: GPS(lon, lat, satellites)
                lon, lat = gps[1], gps[2]
            else:
                lat, lon = lat and lat[1], lon and lon[1]
            if lat and lon and clock:
                alt = dict(_SRT_ALT.findall(line))
                alt.setdefault("abs_alt", alt.get("altitude", ""))
                rows.append([clock, lat, lon, *(alt.get(a, "") for a in alts)])
                lines.append(k)
                clock = None  # one fix per cue
    if not rows:
        raise TrajlmInputError(
            "a DJI .SRT file with no cue holding a clock line and a latitude / longitude",
            path=path,
            hint="turn on the video caption (subtitles) in the DJI app, or export the flight "
            "record (.txt) as CSV (airdata / phantomhelp)",
        )
    write_csv(out, ["time", "lat", "lon", *alts], rows)
    return lines


# -- RTKLIB .pos ----------------------------------------------------------------------------

# GPS - UTC (leap seconds since 1980-01-06), from the date each step took effect
_LEAPS = ((datetime(2017, 1, 1), 18), (datetime(2015, 7, 1), 17), (datetime(2012, 7, 1), 16),
          (datetime(2009, 1, 1), 15), (datetime(2006, 1, 1), 14), (datetime(1999, 1, 1), 13))  # fmt: skip
_GPS_EPOCH = datetime(1980, 1, 6)


def _is_rtklib(path: Path) -> bool:
    head = _head(path).decode("utf-8", errors="replace")
    return head.startswith("%") and (
        "RTKLIB" in head or re.search(r"^%\s+(GPST|UTC)\s", head, re.M) is not None
    )


def _gps_to_utc(t: datetime) -> datetime:
    return t - timedelta(seconds=next((s for d, s in _LEAPS if t >= d), 13))


def pos_as_csv(path: Path, out: Path) -> list[int]:
    """An RTKLIB `.pos` solution as `time,lat,lon,height,q,ns,sdn,sde` rows (UTC) at `out`;
    each CSV line's line in the file (for errors)."""
    names, scale, n_gpst = None, None, 0
    rows, lines = [], [1]
    with path.open(encoding="utf-8", errors="replace") as f:
        for k, line in enumerate(f, 1):
            if line.startswith("%"):
                if re.match(r"^%\s+(GPST|UTC|JST)\s", line):
                    names = line[1:].split()
                    scale, lines[0] = names[0], k
                    _check_columns(path, k, names)
                continue
            if not line.strip():
                continue
            if names is None:
                raise TrajlmInputError(
                    "an RTKLIB .pos file without its `%  GPST  latitude(deg) ...` header line",
                    path=path,
                    line=k,
                )
            f_ = line.split()
            t = _pos_time(path, k, f_)
            if scale == "GPST":
                t, n_gpst = _gps_to_utc(t), n_gpst + 1
            elif scale == "JST":
                t -= timedelta(hours=9)
            vals = f_[2:9]  # a solution without the standard deviations: empty cells
            rows.append(
                [t.isoformat(timespec="milliseconds") + "Z", *vals, *[""] * (7 - len(vals))]
            )
            lines.append(k)
    if n_gpst:
        warnings.warn(
            f"{path.name}: times in GPS time (GPST) read as UTC, {(rows and _leap(rows)) or 18} s "
            "earlier (the leap seconds GPS time does not have)",
            stacklevel=2,
        )
    write_csv(out, ["time", "lat", "lon", "height", "q", "ns", "sdn", "sde"], rows)
    return lines


_POS_DATE = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})")
_POS_CLOCK = re.compile(r"(\d{1,2}):(\d{2}):(\d{2}(?:\.\d*)?)")


def _pos_time(path: Path, line: int, fields: list[str]) -> datetime:
    """A solution line's time: ``yyyy/mm/dd hh:mm:ss[.sss]`` (a UTC leap second's :60 read as
    the next second) or GPS week + seconds of week; one TrajlmInputError naming the line
    else (badin32: a time without its fraction was strptime's bare ValueError, a line of one
    field an IndexError)."""
    if len(fields) < 4:
        raise TrajlmInputError(
            f"an RTKLIB .pos line of {len(fields)} field(s); expected a time, latitude, longitude "
            "and height",
            path=path,
            line=line,
        )
    week = re.fullmatch(r"\d{1,4}", fields[0]) and re.fullmatch(r"\d+(\.\d*)?", fields[1])
    if week:  # GPS week, seconds of week
        return _GPS_EPOCH + timedelta(weeks=int(fields[0]), seconds=float(fields[1]))
    d, c = _POS_DATE.fullmatch(fields[0]), _POS_CLOCK.fullmatch(fields[1])
    try:
        if not (d and c):
            raise ValueError
        day = datetime(int(d[1]), int(d[2]), int(d[3]), int(c[1]), int(c[2]))
        return day + timedelta(seconds=float(c[3]))
    except ValueError:
        raise TrajlmInputError(
            f"time {fields[0]} {fields[1]!r} is not RTKLIB's yyyy/mm/dd hh:mm:ss.sss nor a GPS "
            "week and seconds of week",
            path=path,
            line=line,
        ) from None


def _leap(rows: list) -> int:
    return next((s for d, s in _LEAPS if datetime.fromisoformat(rows[0][0][:-1]) >= d), 13)


def _check_columns(path: Path, line: int, names: list[str]) -> None:
    if any(n.startswith("latitude(d'") for n in names):  # `47 22 36.1234`: three fields
        raise TrajlmInputError(
            "an RTKLIB .pos file with latitude / longitude in degrees, minutes, seconds",
            path=path,
            line=line,
            hint="write degrees as ddd.ddddddd (RTKPOST: Options > Output > Latitude / "
            "Longitude Format; rnx2rtkp without -g)",
        )
    if any(n.startswith("latitude") for n in names):
        return
    what = "ECEF x / y / z" if any("ecef" in n for n in names) else "east / north / up baselines"
    raise TrajlmInputError(
        f"an RTKLIB .pos file of {what}, not latitude / longitude",
        path=path,
        line=line,
        hint="write the solution as lat / lon / height (RTKPOST: Options > Output > Solution "
        "Format 'Lat/Lon/Height', degrees as ddd.ddddddd; rnx2rtkp without -e / -a)",
    )


def as_csv(kind: str, path: Path, out: Path) -> dict[Path, Where]:
    """Write `path` (a file of `kind`, see `log_files`) as a CSV at `out` (an .ods's sheet per
    vehicle: a CSV per sheet beside it); for each CSV, where each of its lines comes from in
    `path` (a line number, or a record's name; errors name the source's line, not the CSV's:
    badfix32, readfix32). A converter that cannot tell (a cell holding a line break) says []."""
    convert = {"xml2003": xml2003_as_csv, "srt": srt_as_csv, "pos": pos_as_csv,
               "lorawan": lorawan_as_csv, "ubx": ubx_as_csv, "wln": wln_as_csv,
               "gpsd": gpsd_as_csv, "tlog": tlog_as_csv, "acmi": acmi_as_csv, "czml": czml_as_csv}  # fmt: skip
    if kind in convert:
        where = convert[kind](path, out)
        return {out: where or []}
    where = data_file_as_csv(kind, path, out)
    return where if isinstance(where, dict) else {out: where}
