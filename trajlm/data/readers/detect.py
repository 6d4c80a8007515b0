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
from collections.abc import Sequence
from pathlib import Path

from trajlm.data.column_names import fix_times as fix_times  # re-exported
from trajlm.data.column_names import last_resort as last_resort  # re-exported
from trajlm.data.readers._column_steps import NO_ID_COLUMN as NO_ID_COLUMN  # re-exported
from trajlm.data.readers._column_steps import (
    core_columns,
    files_of,
    first_file,
    id_from_values,
    position_columns,
    sniffed_separator,
    time_column_by_layout,
    time_reading,
)
from trajlm.data.readers._common import ColumnMap
from trajlm.data.readers._headers import geometry_columns, read_header
from trajlm.data.readers._headers import is_binary_file as is_binary_file  # re-exported
from trajlm.data.readers._lines import rglob_follow as rglob_follow  # ais, ingest_columns
from trajlm.data.readers._naive_times import naive_times as naive_times  # re-exported
from trajlm.data.readers._row_zones import ZONES_SAID
from trajlm.data.readers._swapped_axes import SWAP_SAID, swapped_axes
from trajlm.data.readers._time_columns import CALENDAR_SAID
from trajlm.data.readers.file_format import (  # noqa: F401 (re-exported: detect's names before the split)
    SPREADSHEET as SPREADSHEET,
)
from trajlm.data.readers.file_format import (
    SPREADSHEET_HINT as SPREADSHEET_HINT,
)
from trajlm.data.readers.file_format import TABULAR_SUFFIXES as TABULAR_SUFFIXES  # noqa: F401 (re-exported)
from trajlm.data.readers.file_format import (
    TRACK_FORMATS as TRACK_FORMATS,
)
from trajlm.data.readers.file_format import (
    archives_in as archives_in,
)
from trajlm.data.readers.file_format import (
    csv_format as csv_format,
)
from trajlm.data.readers.file_format import (
    file_format as file_format,
)
from trajlm.data.readers.file_format import (
    mixed_tracks as mixed_tracks,
)
from trajlm.data.readers.file_format import track_files as track_files
from trajlm.data.readers.format_detect import DIR_PATTERNS as DIR_PATTERNS  # re-exported
from trajlm.data.readers.format_detect import detect_format as detect_format  # re-exported
from trajlm.data.readers.format_detect import warn_not_read as warn_not_read  # re-exported
from trajlm.data.readers.layouts import (
    BY_SIZE,
    ROW_KEY,
    matching_preset,
    row_key_fallback,
    zone_per_row,
)
from trajlm.data.readers.owner_columns import OWNER_NAMES as OWNER_NAMES  # re-exported
from trajlm.data.readers.owner_columns import USER_NAMES as USER_NAMES  # re-exported
from trajlm.data.readers.owner_columns import keep_owner_column as keep_owner_column
from trajlm.data.readers.owner_columns import unused_columns as unused_columns
from trajlm.data.readers.tabular import PRESETS
from trajlm.data.zone_names import ZONE_SAID


def resolve_columns(
    paths: str | Path | Sequence[str | Path], format: str, columns: ColumnMap | None
) -> tuple[ColumnMap | None, dict[str, str]]:
    """For csv / parquet: each canonical field still at its default name but absent from the
    first file's header is matched to a recognised name (trajlm.data.column_names). Returns the
    map to read with and {field: column} for what was guessed (empty when nothing was).
    Each step below is one idea (leftover37: this was one 240-line function); ``guessed`` is
    filled in order, as the steps read what earlier ones guessed."""
    if format not in ("csv", "parquet"):
        return columns, {}
    first = first_file(paths, format)
    cm = columns or ColumnMap()
    if not first.is_file() or cm.coord_sources or cm.t_parts:
        return columns, {}
    guessed: dict[str, str] = {}
    cm = sniffed_separator(first, format, cm, guessed)
    have = read_header(first, format, cm.sep)
    if not have:
        return (columns, {}) if not guessed else (cm, guessed)
    zone_only = dataclasses.replace(cm, tz=None, utc_offset_s=0, sep=",") == ColumnMap()
    if (columns is None or zone_only) and (preset := matching_preset(have, cm.sep)) is not None:
        found = PRESETS[preset]  # laid out like a known set (--tz / --utc-offset kept: DJI)
        if cm.tz or cm.utc_offset_s:
            found = dataclasses.replace(found, tz=cm.tz, utc_offset_s=cm.utc_offset_s)
        return found, {**guessed, "columns": preset}
    cm = time_column_by_layout(first, format, cm, have, guessed)
    core_columns(first, format, cm, have, guessed)
    if cm.tz is None and not cm.utc_offset_s and cm.t_zone is None:  # CST / MST rows
        guessed.update(zone_per_row(first, format, cm.sep, have, guessed.get("t", cm.t)))
    if "traj_id" in guessed:  # a row key (Traccar's `id`) is no trip id (layouts.py)
        guessed.update(row_key_fallback(first, format, cm.sep, guessed["traj_id"], have))
    position_columns(first, format, cm, have, guessed)
    time_reading(first, format, cm, have, guessed)
    id_from_values(first, format, cm, have, guessed)
    if (columns is None or zone_only) and not cm.named:  # names given are their word
        swapped_axes(first, format, cm, have, guessed, files_of(paths, format))  # (leftover38)
    if format == "parquet" and cm.lat not in have and cm.lon not in have:
        geom = geometry_columns(first)
        if geom is not None:  # GeoParquet points (the tabular reader decodes them)
            guessed["lat/lon"] = f"{geom[0]} points in {geom[1]}"
    if not guessed:
        return columns, {}
    fields = {
        k: None if v == NO_ID_COLUMN else v
        for k, v in guessed.items()
        if not (k == "t" and cm.t_parts)
        and k not in ("lat/lon", ROW_KEY, BY_SIZE, ZONE_SAID, ZONES_SAID, CALENDAR_SAID, SWAP_SAID)
    }
    return dataclasses.replace(cm, **fields), guessed
