"""The format of the inputs from file names, folder contents and CSV headers (split out of
detect.py in session 20, badin20; `trajlm.data.readers.detect.detect_format` still works).

    detect_format(["Data/"])            -> "geolife"   (*.plt files under it)
    detect_format(["trips.csv"])        -> "porto" if the header has TRIP_ID and POLYLINE, ...

A folder that holds files of another format than the one read is said in one warning; no
format, or a mix of formats, is one TrajlmInputError naming the file and what to pass.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

from trajlm.data.readers._lines import rglob_follow
from trajlm.data.readers.file_format import (
    SPREADSHEET,
    SPREADSHEET_HINT,
    TRACK_FORMATS,
    archives_in,
    csv_format,
    file_format,
    is_mds,
    json_folder,
    mixed_tracks,
    no_positions,
)
from trajlm.data.schema import TrajlmInputError

DIR_PATTERNS = (("*.plt", "geolife"), ("*.gpx", "gpx"), ("*.parquet", "parquet"),
                 ("*.json", "mfjson"), ("*.geojson", "mfjson"), ("*.kml", "kml"), ("*.kmz", "kml"),
                 ("*.tcx", "tcx"), ("*.nmea", "nmea"), ("*.fit", "fit"), ("*.igc", "igc"),
                 ("*.pb", "gtfs_rt"), ("*.gz", "gz"), ("*.csv", "csv"))  # fmt: skip


# Formats read by content from files another pattern names (.plt, .nmea, .gz): not warned about.
_READ_TOO = {"ozi": ("geolife",), "aivdm": ("nmea",), "tracks": (*TRACK_FORMATS, "gz", "geolife")}


# Read as single files only (named on the command line), never inside a folder read as a format.
_NEVER_IN_FOLDERS = ("*.tsv", "*.jsonl", "*.geojsonl", "*.ods", "*.xlsx", "*.xls", "*.db",
                     "*.sqlite", "*.nc", "*.feather", "*.arrow", "*.arrows")  # fmt: skip


# Every suffix a folder's files are read by (above): device_logs adds its logs' own to say the
# files a folder of logs leaves unread (one list since tidy33, session 33).
NAMED_SUFFIXES = frozenset(p[1:] for p, _ in DIR_PATTERNS) | {p[1:] for p in _NEVER_IN_FOLDERS}


def not_read_line(folder: Path, kind: str, other: dict[str, int]) -> str:
    """The warning for a folder read as ``kind`` that also holds ``other`` ({suffix: files})."""
    files = ", ".join(f"{n} {ext}" for ext, n in other.items())
    return (f"{folder}: reading its {kind} files only; it also holds {files} file(s) that are "
            "not read (ingest each format on its own: --format, or a subfolder)")  # fmt: skip


def warn_not_read(folder: Path, fmt: str) -> None:
    """Warn about trajectory files under `folder` that format `fmt` will not read (a folder of
    Records.json + .kml + .nmea + .csv read only the JSON, silently; fuzz14)."""
    from trajlm.data.readers._export_folders import export_data_files

    if fmt == "mfjson" and export_data_files(folder):  # a DynamoDB export: its data read
        return
    csv_like = fmt not in {f for _, f in DIR_PATTERNS if f != "csv"}  # csv, ais, presets
    other: dict[str, int] = {}
    for pattern, f in DIR_PATTERNS:
        if f == fmt or (f == "csv" and csv_like) or f in _READ_TOO.get(fmt, ()):
            continue
        if fmt == "tracks" and pattern == "*.geojson":  # read file by file (track_files)
            continue
        if n := len(rglob_follow(folder, pattern)):
            other[pattern[1:]] = n
    for pattern in _NEVER_IN_FOLDERS:  # badin33: a .jsonl / .ods beside CSVs, unread unsaid
        if n := len(rglob_follow(folder, pattern)):
            other[pattern[1:]] = n
    if other:
        warnings.warn(not_read_line(folder, fmt, other), stacklevel=3)


def dir_format(path: Path) -> str | None:
    """A folder: the format of the files it holds (GeoLife's Data/<user>/Trajectory/*.plt, ...)."""
    if mixed_tracks(path) or archives_in(path):  # an export's zips of tracks: archives.py
        return "tracks"
    if is_mds(path):  # MDS trips pages (+ status_changes): one CSV (mds.py)
        return "csv"
    for pattern, fmt in (("*.plt", "geolife"), ("*_input.txt", "porto_mapmatched"),
                         ("*.gpx", "gpx"), ("*.parquet", "parquet"), ("*.json", "mfjson"),
                         ("*.geojson", "mfjson"), ("*.kml", "kml"), ("*.kmz", "kml"), ("*.tcx", "tcx"),
                         ("*.nmea", "nmea"), ("*.fit", "fit"), ("*.igc", "igc"), ("*.pb", "gtfs_rt"),
                         ("*.gz", "gz"), ("*.gps", "nmea")):  # fmt: skip
        if found := rglob_follow(path, pattern):
            if pattern == "*.gps" and file_format(found[0]) != "nmea":
                continue  # a dashcam's `.gps` NMEA (heldout40); other `.gps` files not
            if fmt == "gz":  # a folder of gzipped files of one format
                fmt = file_format(found[0])
                if fmt is None or fmt in ("csv", "ais", "tdrive"):  # gzipped CSVs: named explicitly
                    continue
            if fmt in ("nmea", "geolife") and file_format(found[0]) in ("aivdm", "ozi"):
                return file_format(found[0])  # by content: raw AIS, an OziExplorer .plt
            return fmt
    first = next(iter(rglob_follow(path, "*.csv")), None)
    if first is None and json_folder(path):  # JSON files under other names (formats21)
        return "mfjson"
    return csv_format(first) if first is not None else None


def _binary_named(p: Path) -> str | None:
    """ "an SQLite" / "a NetCDF" where ``p``'s name says so (its header did not)."""
    from trajlm.data.readers.data_files import NETCDF_SUFFIXES, SQLITE_SUFFIXES

    suffix = p.suffix.lower()
    if not p.is_file():
        return None
    return ("an SQLite" if suffix in SQLITE_SUFFIXES
            else "a NetCDF" if suffix in NETCDF_SUFFIXES
            else "a Stata (.dta)" if suffix == ".dta" else None)  # fmt: skip  # badin34b


def near_miss(p: Path) -> str | None:
    """What ``p`` nearly is, where its name or first line says a kind its bytes are not (a
    `.gz` that is no gzip, or holds nothing; a TRACAB-like frame line that is not one), or
    None: said in place of "cannot tell the format from the name" (badin38)."""
    import gzip

    from trajlm.data.readers._file_io import head
    from trajlm.data.readers.pitch_feeds import tracab_near_miss

    if p.suffix.lower() == ".gz":
        start = head(p, 16)
        if not start.startswith(b"\x1f\x8b"):
            return (f"named .gz but not gzip-compressed (it starts {start!r}); rename it "
                    "without .gz (or pass --format)")  # fmt: skip
        try:
            with gzip.open(p) as f:
                if not f.read(1):
                    return "a gzip file that holds nothing (0 bytes inside)"
        except (OSError, EOFError) as e:
            return f"a gzip file that does not open ({e}): copy it again whole"
    from trajlm.data.readers._mqtt_near_miss import mqtt_near_miss

    return tracab_near_miss(p) or mqtt_near_miss(p)


def detect_format(paths: str | Path | Sequence[str | Path]) -> str:
    """The reader format of `paths` (files or folders), from names and CSV headers."""
    if isinstance(paths, str | Path):
        paths = [paths]
    found: dict[str, Path] = {}
    for p in map(Path, paths):
        if not p.exists():
            raise TrajlmInputError("no such file or folder", path=p)
        if (why := no_positions(p)) is not None:  # (a folder: a Zarr store, heldout37)
            raise TrajlmInputError(why, path=p)
        fmt = dir_format(p) if p.is_dir() else file_format(p)
        if fmt is None and p.suffix.lower() in SPREADSHEET:
            raise TrajlmInputError(
                "a spreadsheet workbook, not CSV text", path=p, hint=SPREADSHEET_HINT
            )
        if fmt is None and p.is_file() and p.stat().st_size == 0:  # badin33: "from the name"
            raise TrajlmInputError("the file is empty (0 bytes)", path=p,
                                   hint="was it copied or downloaded whole?")  # fmt: skip
        if fmt is None and (kind := _binary_named(p)):  # badin33: "from the name" of a .db
            from trajlm.data.readers._file_io import head

            raise TrajlmInputError(f"named as {kind} file but it is not one (it starts "
                                   f"{head(p, 24)!r})", path=p,
                                   hint="if it is text, rename it (.csv) or pass --format csv")  # fmt: skip
        if fmt is None and p.is_file() and (why := near_miss(p)):  # badin38: "from the name"
            raise TrajlmInputError(why, path=p)
        if fmt is None:
            what = ("no file trajlm reads under the folder (.plt, .gpx, .parquet, .json, .csv, "
                    ".kml, .kmz, .tcx, .nmea, .fit, .igc, .pb, their .gz, *_input.txt)" if p.is_dir()
                    else "cannot tell the format from the name")  # fmt: skip
            raise TrajlmInputError(
                what,
                path=p,
                hint="pass --format (in Python: trajlm.read(path, format=...), then give its "
                "frame): porto, geolife, ais, gpx, tdrive, csv, parquet, porto_mapmatched, mfjson (also GeoJSON, Google location history), kml, "
                "tcx, sml (Suunto), nmea, fit, igc, ozi, aivdm (raw AIS), queclink (@Track "
                "+RESP reports) or gtfs_rt (GTFS-realtime "
                ".pb); also read by name: .jsonl, .geojsonl, .feather / .arrow / .arrows; others: "
                "convert to CSV or GPX first (gpsbabel)",
            )
        if p.is_dir():
            warn_not_read(p, fmt)
        found.setdefault(fmt, p)
    if len(found) > 1:
        mix = ", ".join(f"{p} ({fmt})" for fmt, p in found.items())
        raise TrajlmInputError(
            f"the inputs mix formats: {mix}", hint="ingest each format on its own (--format)"
        )
    return next(iter(found))
