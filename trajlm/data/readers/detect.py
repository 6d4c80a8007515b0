"""What a user would otherwise have to say: the format of the inputs (format_detect.py, split
out in session 20), and which columns of a generic CSV / Parquet file hold the trajectory id,
time, latitude and longitude (here; owner columns: owner_columns.py).

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

from trajlm.data.column_names import (
    SERVER_WORDS,
    TIERS,
    _words,
    candidates,
    find_columns,
    normalised,
)
from trajlm.data.column_names import fix_times as fix_times  # re-exported
from trajlm.data.column_names import last_resort as last_resort  # re-exported
from trajlm.data.column_notes import fraction_note, trip_log, trip_log_words
from trajlm.data.readers._column_values import (
    COLUMBUS,
    _fractional,
    _header_zone,
    _other_ids,
    _row_key,
    columbus,
)
from trajlm.data.readers._common import ColumnMap
from trajlm.data.readers._dated_column import dated_time_column
from trajlm.data.readers._headers import _binary_file as _binary_file  # re-exported
from trajlm.data.readers._headers import _geometry, _header
from trajlm.data.readers._lines import header_line, rglob_follow, sniff_sep
from trajlm.data.readers._naive_times import naive_times as naive_times  # re-exported
from trajlm.data.readers._point_text import point_named
from trajlm.data.readers._preamble_origin import preamble_origin
from trajlm.data.readers._row_zones import ZONES_SAID, local_time_beside_zones, zone_column
from trajlm.data.readers._time_columns import (
    CALENDAR_SAID,
    buddhist_era,
    date_beside_dated_time,
    day_first_by_language,
)
from trajlm.data.readers._utm_zones import utm_zone_problem
from trajlm.data.readers.file_format import _TABULAR as _TABULAR  # noqa: F401 (re-exported)
from trajlm.data.readers.file_format import (  # noqa: F401 (re-exported: detect's names before the split)
    SPREADSHEET as SPREADSHEET,
)
from trajlm.data.readers.file_format import (
    SPREADSHEET_HINT as SPREADSHEET_HINT,
)
from trajlm.data.readers.file_format import (
    TRACK_FORMATS as TRACK_FORMATS,
)
from trajlm.data.readers.file_format import (
    _csv_format as _csv_format,
)
from trajlm.data.readers.file_format import _file_format as _file_format  # corpus_discover's name
from trajlm.data.readers.file_format import (
    _first_line,
)
from trajlm.data.readers.file_format import (
    _mixed_tracks as _mixed_tracks,
)
from trajlm.data.readers.file_format import (
    archives_in as archives_in,
)
from trajlm.data.readers.file_format import (
    file_format as file_format,
)
from trajlm.data.readers.file_format import track_files as track_files
from trajlm.data.readers.format_detect import _DIR_PATTERNS as _DIR_PATTERNS  # re-exported
from trajlm.data.readers.format_detect import _dir_format as _dir_format  # corpus_discover's
from trajlm.data.readers.format_detect import _not_read as _not_read  # re-exported
from trajlm.data.readers.format_detect import detect_format as detect_format  # re-exported
from trajlm.data.readers.layouts import (
    BY_SIZE,
    ROW_KEY,
    _id_sample,
    date_column_for,
    date_part_columns,
    declared_crs,
    epoch_by_size,
    epoch_unit_column,
    lone_local_time,
    matching_preset,
    nested_id,
    offset_column_for,
    row_key_fallback,
    several_tracks,
    study_local_time,
    unknown_zone,
    with_date_parts,
    zone_beside_given,
    zone_per_row,
    zoned_time_column,
)
from trajlm.data.readers.owner_columns import OWNER_NAMES as OWNER_NAMES  # re-exported
from trajlm.data.readers.owner_columns import USER_NAMES as USER_NAMES  # re-exported
from trajlm.data.readers.owner_columns import keep_owner_column as keep_owner_column
from trajlm.data.readers.owner_columns import unused_columns as unused_columns
from trajlm.data.readers.tabular import PRESETS
from trajlm.data.schema import TrajlmInputError
from trajlm.data.zone_names import ZONE_SAID

# A csv / parquet with no id column: every file is one trajectory named after its stem.
NO_ID_COLUMN = "each file's name (no id column; --traj-col to choose one)"
_CLI = {"traj_id": "--traj-col", "t": "--time-col", "lat": "--lat-col", "lon": "--lon-col"}


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
        elif (local := local_time_beside_zones(have)) and zone_column(
            first, format, cm.sep, have, local
        ):  # several zones: each row read in its own (_row_zones.py)
            guessed["t"] = local
        elif local := lone_local_time(have):  # `local_time` alone: read, its zone said (newuser28)
            guessed["t"] = local
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
        found = find_columns(name, have, lambda c: _row_key(first, format, cm.sep, c))
        if name == "traj_id" and (
            angles := [c for c in found if _fractional(first, format, cm.sep, c)]
        ):
            # a course / bearing under an id name (gpsd's `track`: 12.5, 13.25 degrees; heldout33)
            found = find_columns(name, [c for c in have if c not in angles],
                                 lambda c: _row_key(first, format, cm.sep, c))  # fmt: skip
            warnings.warn(fraction_note(first.name, angles, "--traj-col"), stacklevel=2)
        if name == "t" and not found and (dated := dated_time_column(first, format, cm.sep, have)):
            found = [dated]  # `Date` holding `00:28:07 23-Sep-2026` (Argos; session 29)
        if name == "t" and len(found) == 1 and SERVER_WORDS & set(_words(found[0])):
            warnings.warn(
                f"{first.name}: times from {found[0]!r}, which is named like the time a server "
                "received or stored the row, not the time of the fix; if another column holds "
                "the fix time, choose it with --time-col (Python: ColumnMap(t=...))",
                stacklevel=2,
            )
        if (
            len(found) > 1
            and (log := trip_log(have))
            and (cm.lat, cm.lon) == (default.lat, default.lon)
        ):
            raise TrajlmInputError(log, path=first, line=header_line(first))  # heldout36
        if len(found) > 1:
            raise TrajlmInputError(
                f"several columns could be {name}: {found}; the file has {have}"
                + trip_log_words(found),
                path=first,
                line=header_line(first),
                hint=f"choose one with {_CLI[name]} (Python: columns=ColumnMap({name}=...))",
            )
        if found:
            guessed[name] = found[0]
        if name == "traj_id" and found and normalised(found[0]) in OWNER_NAMES:
            _other_ids(first, found[0], have)
    if cm.tz is None and not cm.utc_offset_s and cm.t_zone is None:  # CST / MST rows
        guessed.update(zone_per_row(first, format, cm.sep, have, guessed.get("t", cm.t)))
    if "traj_id" in guessed:  # a row key (Traccar's `id`) is no trip id (layouts.py)
        guessed.update(row_key_fallback(first, format, cm.sep, guessed["traj_id"], have))
    geo_meta = format == "parquet" and _geometry(first) is not None
    if not geo_meta and not any(getattr(cm, k) in have or k in guessed for k in ("lat", "lon")):
        point = [c for c in have if point_named(c)]  # one column holds the point
        if len(point) == 1 and cm.lat == default.lat and cm.lon == default.lon:
            guessed["lat"] = guessed["lon"] = point[0]
    if (
        format == "csv"
        and cm.crs == default.crs
        and (declared := declared_crs(first, format, cm.sep, have))
    ):  # an `epsg` column with one code: its projected columns, reprojected
        if not any(getattr(cm, k) in have or k in guessed for k in ("lat", "lon")):
            guessed.update({k: v for k, v in declared.items() if k in ("lat", "lon")})
        chosen = {k: guessed.get(k, getattr(cm, k)) for k in ("lat", "lon")}
        other = "lat" in declared and chosen != {k: declared[k] for k in ("lat", "lon")}
        if any(v in have for v in chosen.values()) and not other:
            guessed["crs"] = declared["crs"]  # (not for degree columns beside the projected
            # ones: Movebank's location-lat / -long with utm-*: badin21, was refused)
    elif (
        format == "csv"
        and cm.crs == default.crs
        and (bad := utm_zone_problem(first, format, cm.sep, have, guessed.get("lat", cm.lat)))
    ):
        raise TrajlmInputError(bad[1], path=first, field=bad[0])
    if format == "csv" and cm.time_format is None and cm.t_date is None and columbus(have):
        guessed.update(COLUMBUS)  # Columbus V-900 / V-1000: YYMMDD + HHMMSS, UTC (session 20)
    tcol = guessed.get("t", cm.t)
    if (
        tcol in have
        and (cm.tz or cm.utc_offset_s)
        and (note := zone_beside_given(first, format, cm.sep, have, tcol, cm.tz, cm.utc_offset_s))
    ):  # --tz beside a `Time Zone` column: which one is used, said (readers27)
        warnings.warn(f"{first.name}: {note}", stacklevel=2)
    if tcol in have and cm.tz is None and not cm.utc_offset_s and "tz" not in guessed:
        guessed.update(_header_zone(first, tcol))  # `Acq. Time (MDT)`: UTC-6 h (cols23)
    if (
        format == "csv"
        and not cm.t_parts
        and cm.time_format is None
        and cm.time_origin is None
        and tcol in have
        and (
            found := preamble_origin(
                first, lambda: _id_sample(first, format, cm.sep, tcol), cm.tz, cm.utc_offset_s
            )
        )
    ):  # a logger's `Time` from 0 under its preamble's Log Date / Log Time (MoTeC; session 28)
        guessed["time_origin"] = found[0]
        warnings.warn(f"{first.name}: {found[1]}", stacklevel=2)
    if (
        not cm.t_parts
        and cm.time_format is None
        and cm.time_origin is None
        and "time_origin" not in guessed
        and tcol in have
        and guessed.get("t_date") != COLUMBUS["t_date"]
    ):
        guessed.update(epoch_by_size(first, format, cm.sep, tcol, have, guessed))
        tcol = guessed.get("t", cm.t)
    if not cm.t_parts and tcol in have:  # Thai exports' Buddhist-Era years (heldout28)
        guessed.update(buddhist_era(first, format, cm.sep, tcol))
    if (
        format == "csv"
        and not cm.t_parts
        and cm.t_date is None
        and tcol in have
        and "t_date" not in guessed
    ):
        if date := date_column_for(first, format, cm.sep, tcol, have):  # Date + Time columns
            guessed["t_date"] = date
        elif "t" in guessed and (
            apart := date_beside_dated_time(first, format, cm.sep, tcol, have)
        ):
            raise TrajlmInputError(apart, path=first, field=tcol)  # Datum beside a dated Tijd
    if format == "csv" and not cm.t_parts and cm.time_format is None and tcol in have:
        named = [c for c in (guessed.get("t_date", cm.t_date), tcol) if c in have]
        if found := day_first_by_language(first, format, cm.sep, named):  # `Datum` 01-03-2026
            guessed["time_format"] = found[0]
            warnings.warn(f"{first.name}: {found[1]}", stacklevel=2)
    if format == "csv" and not cm.t_parts and cm.t_offset is None and tcol in have:
        if offset := offset_column_for(first, format, cm.sep, tcol, have):  # + utc_offset
            guessed["t_offset"] = offset
    found_all = all(getattr(cm, k) in have or k in guessed for k in ("t", "lat", "lon"))
    no_id = cm.traj_id == default.traj_id and cm.traj_id not in have and "traj_id" not in guessed
    if no_id and found_all:
        used = {getattr(cm, k) for k in ("t", "lat", "lon", "t_date", "t_offset")}
        used |= {v for k, v in guessed.items() if k != "traj_id"}
        tdate = guessed.get("t_date", cm.t_date)
        tfmt = guessed.get("time_format", cm.time_format)
        tfmt = tfmt if isinstance(tfmt, str) else None
        pos = (guessed.get("lat", cm.lat), guessed.get("lon", cm.lon))
        if ids := several_tracks(
            first, format, cm.sep, guessed.get("t", cm.t), used, have, tdate, tfmt, pos
        ):
            if nested := nested_id(first, ids, have, guessed.get("t", cm.t), used):
                p, c = nested  # `persid` 1, 2, 3 in every `hhid`: the mover is the pair
                warnings.warn(
                    f"{first.name}: {c!r} numbers the movers again inside each {p!r} (its "
                    f"values recur under other {p!r} values): each ({p}, {c}) pair read as "
                    f"one trajectory, '<{p}>/<{c}>' (--traj-col {c!r} alone would read "
                    "several movers as one)",
                    stacklevel=2,
                )
                guessed["traj_id"], guessed["traj_parent"] = c, p
        if "traj_id" not in guessed and ids:
            raise TrajlmInputError(
                "no column is recognised as the trajectory id, and the times go back in file "
                "order (or the positions jump between movers): the file holds several "
                "trajectories, which would be read as one; "
                f"the column(s) {ids} keep times in order within each value (or each run of "
                "rows with one value, or never repeat a time within one)",
                path=first,
                line=header_line(first),
                hint=f"name the id column: --traj-col {ids[0]!r} (Python: "
                f"ColumnMap(traj_id={ids[0]!r}))",
            )
        if "traj_id" not in guessed:
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
        if not (k == "t" and cm.t_parts)
        and k not in ("lat/lon", ROW_KEY, BY_SIZE, ZONE_SAID, ZONES_SAID, CALENDAR_SAID)
    }
    return dataclasses.replace(cm, **fields), guessed
