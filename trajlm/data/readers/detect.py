"""What a user would otherwise have to say: the format of the inputs, and which columns of a
generic CSV / Parquet file hold the trajectory id, time, latitude and longitude.

    detect_format(["Data/"])            -> "geolife"   (*.plt files under it)
    detect_format(["trips.csv"])        -> "porto" if the header has TRIP_ID and POLYLINE, ...
    resolve_columns(["pts.csv"], "csv", None) -> (ColumnMap(traj_id="id", t="time", ...),
                                                 {"traj_id": "id", "t": "time"})

Guesses are never silent: `resolve_columns` returns what it guessed (the CLI prints it, the
store manifest records it), and anything it cannot decide (two candidate columns, no
recognisable name, a mix of formats) is one TrajlmInputError naming the file and what to pass.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from pathlib import Path

from trajlm.data.column_names import TIERS, by_ending, candidates, normalised
from trajlm.data.readers._common import ColumnMap
from trajlm.data.readers._encoding import SNIFF_BYTES, is_binary
from trajlm.data.readers._geoparquet import geometry_source
from trajlm.data.readers._lines import header_names, rglob_follow, sniff_sep
from trajlm.data.readers._naive_times import naive_times as naive_times  # re-exported
from trajlm.data.readers._point_text import POINT_NAMES
from trajlm.data.readers.file_format import _TABULAR as _TABULAR  # noqa: F401 (re-exported)
from trajlm.data.readers.file_format import (  # re-exported: detect's names before the split
    SPREADSHEET,
    SPREADSHEET_HINT,
    TRACK_FORMATS,
    _csv_format,
    _first_line,
    _mixed_tracks,
    archives_in,
    file_format,
)
from trajlm.data.readers.file_format import _file_format as _file_format  # corpus_discover's name
from trajlm.data.readers.file_format import track_files as track_files
from trajlm.data.readers.layouts import (
    BY_SIZE,
    ROW_KEY,
    date_column_for,
    date_part_columns,
    declared_crs,
    epoch_by_size,
    epoch_unit_column,
    matching_preset,
    offset_column_for,
    row_key_fallback,
    several_tracks,
    study_local_time,
    unknown_zone,
    with_date_parts,
    zoned_time_column,
)
from trajlm.data.readers.tabular import PRESETS
from trajlm.data.schema import TrajlmInputError

# A csv / parquet with no id column: every file is one trajectory named after its stem.
NO_ID_COLUMN = "each file's name (no id column; --traj-col to choose one)"
_CLI = {"traj_id": "--traj-col", "t": "--time-col", "lat": "--lat-col", "lon": "--lon-col"}


_DIR_PATTERNS = (("*.plt", "geolife"), ("*.gpx", "gpx"), ("*.parquet", "parquet"),
                 ("*.json", "mfjson"), ("*.geojson", "mfjson"), ("*.kml", "kml"), ("*.kmz", "kml"),
                 ("*.tcx", "tcx"), ("*.nmea", "nmea"), ("*.fit", "fit"), ("*.igc", "igc"),
                 ("*.pb", "gtfs_rt"), ("*.gz", "gz"), ("*.csv", "csv"))  # fmt: skip


# Formats read by content from files another pattern names (.plt, .nmea, .gz): not warned about.
_READ_TOO = {"ozi": ("geolife",), "aivdm": ("nmea",), "tracks": (*TRACK_FORMATS, "gz", "geolife")}


def _not_read(folder: Path, fmt: str) -> None:
    """Warn about trajectory files under `folder` that format `fmt` will not read (a folder of
    Records.json + .kml + .nmea + .csv read only the JSON, silently; fuzz14)."""
    csv_like = fmt not in {f for _, f in _DIR_PATTERNS if f != "csv"}  # csv, ais, presets
    other: dict[str, int] = {}
    for pattern, f in _DIR_PATTERNS:
        if f == fmt or (f == "csv" and csv_like) or f in _READ_TOO.get(fmt, ()):
            continue
        if fmt == "tracks" and pattern == "*.geojson":  # read file by file (track_files)
            continue
        if n := len(rglob_follow(folder, pattern)):
            other[pattern[1:]] = n
    if other:
        files = ", ".join(f"{n} {ext}" for ext, n in other.items())
        warnings.warn(
            f"{folder}: reading its {fmt} files only; it also holds {files} file(s) that are "
            "not read (ingest each format on its own: --format, or a subfolder)",
            stacklevel=3,
        )


def _dir_format(path: Path) -> str | None:
    """A folder: the format of the files it holds (GeoLife's Data/<user>/Trajectory/*.plt, ...)."""
    if _mixed_tracks(path) or archives_in(path):  # an export's zips of tracks: archives.py
        return "tracks"
    for pattern, fmt in (("*.plt", "geolife"), ("*_input.txt", "porto_mapmatched"),
                         ("*.gpx", "gpx"), ("*.parquet", "parquet"), ("*.json", "mfjson"),
                         ("*.geojson", "mfjson"), ("*.kml", "kml"), ("*.kmz", "kml"), ("*.tcx", "tcx"),
                         ("*.nmea", "nmea"), ("*.fit", "fit"), ("*.igc", "igc"), ("*.pb", "gtfs_rt"),
                         ("*.gz", "gz")):  # fmt: skip
        if found := rglob_follow(path, pattern):
            if fmt == "gz":  # a folder of gzipped files of one format
                fmt = file_format(found[0])
                if fmt is None or fmt in ("csv", "ais", "tdrive"):  # gzipped CSVs: named explicitly
                    continue
            if fmt in ("nmea", "geolife") and file_format(found[0]) in ("aivdm", "ozi"):
                return file_format(found[0])  # by content: raw AIS, an OziExplorer .plt
            return fmt
    first = next(iter(rglob_follow(path, "*.csv")), None)
    return _csv_format(first) if first is not None else None


def detect_format(paths: str | Path | Sequence[str | Path]) -> str:
    """The reader format of `paths` (files or folders), from names and CSV headers."""
    if isinstance(paths, str | Path):
        paths = [paths]
    found: dict[str, Path] = {}
    for p in map(Path, paths):
        if not p.exists():
            raise TrajlmInputError("no such file or folder", path=p)
        fmt = _dir_format(p) if p.is_dir() else file_format(p)
        if fmt is None and p.suffix.lower() in SPREADSHEET:
            raise TrajlmInputError(
                "a spreadsheet workbook, not CSV text", path=p, hint=SPREADSHEET_HINT
            )
        if fmt is None:
            what = ("no file trajlm reads under the folder (.plt, .gpx, .parquet, .json, .csv, "
                    ".kml, .kmz, .tcx, .nmea, .fit, .igc, .pb, their .gz, *_input.txt)" if p.is_dir()
                    else "cannot tell the format from the name")  # fmt: skip
            raise TrajlmInputError(
                what,
                path=p,
                hint="pass --format (format= in Python): porto, geolife, ais, gpx, tdrive, csv, "
                "parquet, porto_mapmatched, mfjson (also GeoJSON, Google location history), kml, "
                "tcx, sml (Suunto), nmea, fit, igc, ozi, aivdm (raw AIS), queclink (@Track "
                "+RESP reports) or gtfs_rt (GTFS-realtime "
                ".pb); also read by name: .jsonl, .geojsonl, .feather / .arrow; others: "
                "convert to CSV or GPX first (gpsbabel)",
            )
        if p.is_dir():
            _not_read(p, fmt)
        found.setdefault(fmt, p)
    if len(found) > 1:
        mix = ", ".join(f"{p} ({fmt})" for fmt, p in found.items())
        raise TrajlmInputError(
            f"the inputs mix formats: {mix}", hint="ingest each format on its own (--format)"
        )
    return next(iter(found))


def _header(path: Path, format: str, sep: str) -> list[str] | None:
    if format == "parquet":
        import pyarrow.parquet as pq

        try:
            return list(pq.ParquetFile(path).schema_arrow.names)
        except Exception:  # the reader says what is wrong with the file
            return None
    if path.suffix.lower() == ".zip":
        return None  # members may differ; the reader checks each
    line = _first_line(path)
    try:
        return header_names(line, sep, path) if line.strip() else None
    except TrajlmInputError:
        if path.suffix.lower() != ".gz" and _binary_file(path):
            return None  # random bytes named .csv: the reader says "binary", naming the file
        raise


def _binary_file(path: Path) -> bool:
    with open(path, "rb") as f:
        return is_binary(f.read(SNIFF_BYTES))


# Columbus V-900 / V-1000 CSV (session 20: was "before 1990, value 10000"): `DATE` YYMMDD and
# `TIME` HHMMSS in UTC, told by the logger's header (YYMMDD vs NMEA's DDMMYY: not by values)
COLUMBUS = {"t_date": "DATE", "t": "TIME", "time_format": "%y%m%d %H%M%S"}


def columbus(have: list[str]) -> bool:
    """A Columbus GPS logger's CSV header (INDEX, TAG, DATE, TIME, LATITUDE N/S, ...)."""
    names = {c.strip().strip("\x00").upper() for c in have}
    return {"INDEX", "TAG", "DATE", "TIME", "LATITUDE N/S", "LONGITUDE E/W"} <= names


def resolve_columns(
    paths: str | Path | Sequence[str | Path], format: str, columns: ColumnMap | None
) -> tuple[ColumnMap | None, dict[str, str]]:
    """For csv / parquet: each canonical field still at its default name but absent from the
    first file's header is matched to a recognised name (trajlm.data.column_names). Returns the
    map to read with and {field: column} for what was guessed (empty when nothing was)."""
    if format not in ("csv", "parquet"):
        return columns, {}
    if isinstance(paths, str | Path):
        paths = [paths]
    first = Path(paths[0])
    if first.is_dir():
        pattern = "*.parquet" if format == "parquet" else "*.csv"
        first = next(iter(rglob_follow(first, pattern)), first)
    cm = columns or ColumnMap()
    if not first.is_file() or cm.coord_sources or cm.t_parts:
        return columns, {}
    default = ColumnMap()
    guessed: dict[str, str] = {}
    if format == "csv" and cm.sep == default.sep and first.suffix.lower() != ".zip":
        sep = sniff_sep(_first_line(first))
        if sep is not None:  # `;` / tab separated: said like a guessed column
            guessed["sep"] = sep
            cm = dataclasses.replace(cm, sep=sep)
    have = _header(first, format, cm.sep)
    if not have:
        return (columns, {}) if not guessed else (cm, guessed)
    zone_only = dataclasses.replace(cm, tz=None, utc_offset_s=0, sep=",") == ColumnMap()
    if (columns is None or zone_only) and (preset := matching_preset(have, cm.sep)) is not None:
        found = PRESETS[preset]  # laid out like a known set (--tz / --utc-offset kept: DJI)
        if cm.tz or cm.utc_offset_s:
            found = dataclasses.replace(found, tz=cm.tz, utc_offset_s=cm.utc_offset_s)
        return found, {**guessed, "columns": preset}
    if cm.t == default.t and cm.t not in have and not candidates(TIERS["t"], have):
        if parts := date_part_columns(have):  # Year, Month, Day (, Hour) columns
            cm = with_date_parts(cm, parts)
            guessed["t"] = "+".join(parts.values())
        elif unit := epoch_unit_column(have):  # time_ms, timestamp_us: the unit in the name
            guessed["t"] = unit[0]
            if cm.time_format is None:
                guessed["time_format"] = unit[1]
    if cm.t == default.t and cm.t not in have and not candidates(TIERS["t"], have):
        zoned = zoned_time_column(have) or study_local_time(first, format, cm.sep, have)
        if zoned:  # `Time (America/Los_Angeles)`, Movebank's study-local time: the zone too
            guessed["t"] = zoned[0]
            if cm.tz is None and not cm.utc_offset_s:
                guessed["tz"] = zoned[1]
    elif (
        cm.t in have and cm.tz is None and not cm.utc_offset_s and (z := zoned_time_column([cm.t]))
    ):
        guessed["tz"] = z[1]  # named by hand, its zone still read (badin19: was read as UTC)
    elif cm.t in have and cm.tz is None and not cm.utc_offset_s and (u := unknown_zone(cm.t)):
        warnings.warn(
            f"{first}: the zone {u!r} in the column name {cm.t!r} is not one Python's zone "
            "database knows: its times are read as UTC unless they carry an offset (--tz NAME "
            "or --utc-offset HOURS; tz= / utc_offset= in Python)",
            stacklevel=2,
        )
    for name in ("traj_id", "t", "lat", "lon"):
        given = getattr(cm, name)
        if given != getattr(default, name) or given in have or (name == "t" and cm.t_parts):
            continue
        found = candidates(TIERS[name], have) or by_ending(name, have)  # files (session 20)
        if len(found) > 1:
            raise TrajlmInputError(
                f"several columns could be {name}: {found}; the file has {have}",
                path=first,
                line=1,
                hint=f"choose one with {_CLI[name]} (Python: columns=ColumnMap({name}=...))",
            )
        if found:
            guessed[name] = found[0]
    if "traj_id" in guessed:  # a row key (Traccar's `id`) is no trip id (layouts.py)
        guessed.update(row_key_fallback(first, format, cm.sep, guessed["traj_id"], have))
    geo_meta = format == "parquet" and _geometry(first) is not None
    if not geo_meta and not any(getattr(cm, k) in have or k in guessed for k in ("lat", "lon")):
        point = [c for c in have if normalised(c) in POINT_NAMES]  # one column holds the point
        if len(point) == 1 and cm.lat == default.lat and cm.lon == default.lon:
            guessed["lat"] = guessed["lon"] = point[0]
    if (
        format == "csv"
        and cm.crs == default.crs
        and (declared := declared_crs(first, format, cm.sep, have))
    ):  # an `epsg` column with one code: its projected columns, reprojected
        if not any(getattr(cm, k) in have or k in guessed for k in ("lat", "lon")):
            guessed.update({k: v for k, v in declared.items() if k in ("lat", "lon")})
        if any(getattr(cm, k) in have or k in guessed for k in ("lat", "lon")):
            guessed["crs"] = declared["crs"]
    if format == "csv" and cm.time_format is None and cm.t_date is None and columbus(have):
        guessed.update(COLUMBUS)  # Columbus V-900 / V-1000: YYMMDD + HHMMSS, UTC (session 20)
    tcol = guessed.get("t", cm.t)
    if (
        not cm.t_parts
        and cm.time_format is None
        and cm.time_origin is None
        and tcol in have
        and guessed.get("t_date") != COLUMBUS["t_date"]
    ):
        guessed.update(epoch_by_size(first, format, cm.sep, tcol, have, guessed))
        tcol = guessed.get("t", cm.t)
    if (
        format == "csv"
        and not cm.t_parts
        and cm.t_date is None
        and tcol in have
        and "t_date" not in guessed
    ):
        if date := date_column_for(first, format, cm.sep, tcol, have):  # Date + Time columns
            guessed["t_date"] = date
    if format == "csv" and not cm.t_parts and cm.t_offset is None and tcol in have:
        if offset := offset_column_for(first, format, cm.sep, tcol, have):  # + utc_offset
            guessed["t_offset"] = offset
    found_all = all(getattr(cm, k) in have or k in guessed for k in ("t", "lat", "lon"))
    no_id = cm.traj_id == default.traj_id and cm.traj_id not in have and "traj_id" not in guessed
    if no_id and found_all:
        used = {getattr(cm, k) for k in ("t", "lat", "lon", "t_date", "t_offset")}
        used |= {v for k, v in guessed.items() if k != "traj_id"}
        if ids := several_tracks(first, format, cm.sep, guessed.get("t", cm.t), used, have):
            raise TrajlmInputError(
                "no column is recognised as the trajectory id, and the times go back in file "
                "order: the file holds several trajectories, which would be read as one; "
                f"the column(s) {ids} keep times in order within each value",
                path=first,
                line=1,
                hint=f"name the id column: --traj-col {ids[0]!r} (Python: "
                f"ColumnMap(traj_id={ids[0]!r}))",
            )
        guessed["traj_id"] = NO_ID_COLUMN  # one track per file (GPSLogger, DJI Airdata)
    if format == "parquet" and cm.lat not in have and cm.lon not in have:
        geom = _geometry(first)
        if geom is not None:  # GeoParquet points (the tabular reader decodes them)
            guessed["lat/lon"] = f"{geom[0]} points in {geom[1]}"
    if not guessed:
        return columns, {}
    fields = {
        k: None if v == NO_ID_COLUMN else v
        for k, v in guessed.items()
        if not (k == "t" and cm.t_parts) and k not in ("lat/lon", ROW_KEY, BY_SIZE)
    }
    return dataclasses.replace(cm, **fields), guessed


def _geometry(path: Path) -> tuple[str, str] | None:
    import pyarrow.parquet as pq

    try:
        return geometry_source(pq.ParquetFile(path).schema_arrow, path)
    except Exception:  # the reader says what is wrong with the file
        return None


# Column names kept as the owner of each trajectory (resplit --by user holds owners out);
# normalised as in column_names (case, spaces, dashes and dots ignored).
USER_NAMES = ("user_id", "uid", "user")
OWNER_NAMES = ("vehicle_id", *USER_NAMES, "driver_id", "taxi_id", "device_id", "vessel_id",
               "mmsi", "imei", "individual_id", "animal_id", "vehicle_no", "vehicle")  # fmt: skip


def keep_owner_column(
    paths: str | Path | Sequence[str | Path],
    format: str,
    columns: ColumnMap | None,
    given: str | None = None,
) -> tuple[ColumnMap | None, str | None]:
    """csv / parquet: keep a vehicle / user id column (`given`, else the first recognised name
    of OWNER_NAMES) in the store as vehicle_id / user_id, so `resplit --by user` can hold
    owners out. Returns the map to read with and the column kept (None: none)."""
    from trajlm.data.column_names import normalised

    cm = columns or ColumnMap()
    if format not in ("csv", "parquet") or ({"vehicle_id", "user_id"} & set(cm.extra)):
        return columns, None
    first = Path(paths if isinstance(paths, str | Path) else paths[0])
    if first.is_dir():
        pattern = "*.parquet" if format == "parquet" else "*.csv"
        first = next(iter(rglob_follow(first, pattern)), first)
    have = _header(first, format, cm.sep) if first.is_file() else None
    if given is not None:
        if have is not None and given not in have:
            raise TrajlmInputError(f"--vehicle-col {given!r} is not a column; the file has {have}",
                                   path=first, line=1)  # fmt: skip
        return dataclasses.replace(cm, extra={**cm.extra, "vehicle_id": given}), given
    by_name = {normalised(c): c for c in reversed(have or [])}
    col = next((by_name[n] for n in OWNER_NAMES if n in by_name), None)
    if col is None:
        return columns, None
    name = "user_id" if normalised(col) in USER_NAMES else "vehicle_id"
    return dataclasses.replace(cm, extra={**cm.extra, name: col}), col


def unused_columns(
    paths: str | Path | Sequence[str | Path], format: str, columns: ColumnMap | None
) -> list[str]:
    """Columns of the first csv / parquet file's header that the mapping does not read (they
    are not kept in the store), e.g. a `speed` column; [] for other formats."""
    if format not in ("csv", "parquet"):
        return []
    if isinstance(paths, str | Path):
        paths = [paths]
    first = Path(paths[0])
    if not first.is_file() or first.suffix.lower() == ".zip":
        return []
    cm = columns or ColumnMap()
    have = _header(first, format, cm.sep) or []
    used = {cm.traj_id, *cm.time_columns(), cm.lat, cm.lon, *cm.extra.values()}
    used |= {c for pair in cm.coord_sources.values() for c in pair}
    if format == "parquet" and cm.lat not in have and (geom := _geometry(first)) is not None:
        used.add(geom[0])
    return [c for c in have if c not in used and c.strip() and not c.startswith("Unnamed: ")]
