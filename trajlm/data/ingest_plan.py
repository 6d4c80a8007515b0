"""What `ingest` settles before its first chunk, in the order it does so: the format, the
columns read and kept, the time zone, the layout and text encoding, the cleaning settings;
each one said once in the store's ``reading`` (the dict its manifest keeps) or as a warning.

Steps of data/ingest.py's `_ingest`, moved unchanged (review39).
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

from trajlm.data.clean import CleanConfig
from trajlm.data.geo import is_local
from trajlm.data.ingest_cleaning import SOURCE_OVERRIDES, clean_config
from trajlm.data.ingest_columns import keep_label_column, keep_mds_columns, keep_sensor_columns
from trajlm.data.kind_columns import is_taxon
from trajlm.data.periods import keep_period_column
from trajlm.data.readers import ColumnMap, detect_format, resolve_columns
from trajlm.data.readers._argos import SAID as ARGOS_SAID
from trajlm.data.readers._argos import keep_argos_column
from trajlm.data.readers._column_map import named_fields, option_refusal
from trajlm.data.readers._encoding import text_encodings
from trajlm.data.readers._geojson_points import point_columns
from trajlm.data.readers._naive_times import (
    STORE_CLOCK,
    kept_clock_line,
    text_offset_s,
    zone_given,
    zone_not_used,
    zone_refusal,
)
from trajlm.data.readers.ais import keep_motion_columns
from trajlm.data.readers.detect import keep_owner_column, naive_times
from trajlm.data.readers.gis_files import prj_crs
from trajlm.data.whole_labelled import mover_line, one_label_per_trajectory, per_mover_label
from trajlm.errors import warn_at_caller

# Known layouts whose times are the device's local time without a zone (said like any naive
# time column: --tz to place them).
LOCAL_TIME_LAYOUTS = ("dji_flightrecord",)


def start_reading(
    paths: list[Path], format: str, sources: list[str], keep_copies: bool,
    converted: dict[str, str] | None,
) -> tuple[str, dict]:  # fmt: skip
    """The format read (detected for "auto") and the store's ``reading`` begun with it."""
    reading: dict = {"format": format}
    if keep_copies:  # the store says it holds byte copies twice (PROTOCOL's GeoLife split)
        reading["keep_copies"] = True
    if format == "auto":
        format = reading["format"] = detect_format(paths)
        reading["format_detected"] = True
    if converted:  # `app.db` read as the CSV it was written to: the kind read said too
        reading["converted_from"] = sorted(set(converted.values()))
        reading["converted_all"] = len(converted) == len(sources)
    return format, reading


def chosen_columns(
    paths: list[Path], format: str, column_map: dict | None, column_preset: str | None,
    reading: dict,
) -> tuple[ColumnMap | None, dict]:  # fmt: skip
    """The columns given (a preset and / or a map), checked against the format and the files,
    then completed from the header; returns them and what was guessed."""
    columns = None
    if column_preset or column_map:
        from trajlm.data.readers import PRESETS as COLUMN_PRESETS

        if column_preset and column_preset not in COLUMN_PRESETS:
            raise ValueError(
                f"unknown column mapping {column_preset!r}; choose from {sorted(COLUMN_PRESETS)}"
            )
        base = COLUMN_PRESETS[column_preset] if column_preset else ColumnMap()
        columns = named_fields(dataclasses.replace(base, **(column_map or {})), column_map)
        if column_preset:  # the layout named (`--columns liverpool_bus`): `trajlm ask` reads it
            reading["columns"] = column_preset
    if columns is not None and (why := option_refusal(format, columns)):  # every format (badin37:
        raise ValueError(why)  # a UTC GPX kept --tz +05:45 / --utc-offset 25 as its clock)
    if columns is not None and (why := zone_refusal(paths, format, columns)):
        raise ValueError(why)  # a UTC GPX is taken: the zone is its clock (zones36)
    columns, guessed = resolve_columns(paths, format, columns)
    if guessed:
        reading["columns_guessed"] = guessed
    if format == "csv" and columns is not None and not (column_map or {}).get("crs"):
        if (crs := prj_crs(paths)) is not None:  # `cabs.csv` + `cabs.prj` (session 20)
            columns = dataclasses.replace(columns, crs=crs)
            reading["crs_from_prj"] = crs
            # stacklevel 3: ingest()'s line, as when this was inline in _ingest
            warnings.warn(f"coordinates in {crs}, from the .prj file beside the CSV", stacklevel=3)
    if columns is not None and is_local(columns.crs):  # outputs go back to x / y (newuser36)
        reading["crs"] = "local"
    return columns, guessed


def kept_columns(
    paths: list[Path], format: str, columns: ColumnMap | None, vehicle_col: str | None,
    reading: dict,
) -> tuple[ColumnMap | None, str | None, str | None, str | None]:  # fmt: skip
    """The columns kept beside traj_id / t / lat / lon (owner, label, motion, sensors, Argos
    class, period); returns the columns, the owner column, the label column and the column
    naming a kind of mover (the label found or given), each None when there is none."""
    columns, owner = keep_owner_column(paths, format, columns, vehicle_col)
    if owner is not None:
        reading["owner_column"] = owner
    columns, label = keep_label_column(paths, format, columns)
    given = columns.extra.get("label") if columns is not None and label is None else None
    kind_col = (
        label or given
    )  # --label-col ship_type is a kind of mover as the found one is (badin23)
    if (
        owner is None
        and kind_col is not None
        and columns is not None
        and columns.traj_id
        and is_taxon(kind_col)
    ):
        # a Movebank animal's id is its mover's ("how many red deer" counts animals, not gap-split tracks; labels22)
        columns = dataclasses.replace(
            columns, extra={**columns.extra, "vehicle_id": columns.traj_id}
        )
        reading["owner_column"] = owner = columns.traj_id
    columns, _ = keep_motion_columns(paths, format, columns)  # SOG / COG kept (session 16)
    columns, _ = keep_mds_columns(paths, format, columns)  # provider, sticker (leftover36)
    columns, sensors = keep_sensor_columns(paths, format, columns)  # hr, cadence, ... (17)
    columns, accuracy = keep_sensor_columns(paths, format, columns, accuracy=True)
    columns, argos = keep_argos_column(paths, format, columns)  # Argos classes (session 29)
    columns, period = keep_period_column(paths, format, columns)  # a match's halves (sports37)
    if period is not None:
        reading["period_column"] = period
    if argos:
        warn_at_caller(ARGOS_SAID.format(col=argos))
    sensors = {**sensors, **accuracy}  # accuracy_m <- 'accuracy' (clean_accuracy.py)
    if sensors:  # said with the guessed columns: `heart_rate_bpm <- 'hr'`
        reading["columns_guessed"] = {**reading.get("columns_guessed", {}), **sensors}
    if label is not None:
        reading["label_column"] = label  # said once (the CLI prints which column was taken)
    return columns, owner, label, kind_col


def say_time_zone(paths: list[Path], format: str, columns: ColumnMap | None, reading: dict) -> None:
    """The zone the hours are asked on (`trajlm ask`): the one given, or the offset every row's
    text carries; a zone given for times that already carry theirs is said not used."""
    if columns is not None and (columns.tz or columns.utc_offset_s):  # hours for `trajlm ask`
        reading["local_time"] = {"tz": columns.tz, "utc_offset_s": columns.utc_offset_s}
        # Unix times, `Z` / `+01:00` text, a UTC GPX: the instants stay and the zone is the
        # store's clock (leftover36: MDS trips in Los Angeles), said once (zones36: in the words
        # every route says it; the CLI says it with its options); badin36 found it unsaid
        kind = zone_not_used(paths, format, columns)
        if kind or (
            format in ("csv", "parquet")
            and not naive_times(
                paths, format, dataclasses.replace(columns, tz=None, utc_offset_s=None)
            )
        ):
            kind = kind or "Unix or zoned"
            reading["local_time"] |= {"times_kept": True, "times_kind": kind,
                                      "time_column": columns.t}  # fmt: skip
            given = zone_given(columns.tz, columns.utc_offset_s)
            warn_at_caller(kept_clock_line(given, columns.t, kind, STORE_CLOCK))
    elif off := text_offset_s(
        paths, format, columns
    ):  # "06:30+01:00" in every row: asked on that clock
        reading["local_time"] = {"tz": None, "utc_offset_s": off, "from_text": True}


def layout_source(
    paths: list[Path], format: str, columns: ColumnMap | None, column_preset: str | None,
    guessed: dict, reading: dict,
) -> str | None:  # fmt: skip
    """The layout the cleaning settings are chosen by: the preset named, the one recognised
    from the header, or a GeoJSON point table."""
    source = column_preset or guessed.get("columns")  # a layout recognised from the header
    if format == "mfjson" and (props := point_columns(list(paths), columns)) is not None:
        source = "geojson_points"  # a point table: cleaned like a CSV (gap split), not per Feature
        given = columns or ColumnMap()
        said = {k: v for k, v in props.items() if getattr(given, k) != v}
        if said:
            reading["columns_guessed"] = {**guessed, **said}
    return source


def say_text_reading(
    paths: list[Path], format: str, columns: ColumnMap | None, source: str | None, reading: dict
) -> None:
    """How a CSV's bytes were read (a code page named) and times read as UTC without a zone."""
    cut: list[str] = []  # lines a code page cannot read (a character cut short: session 29)
    if format == "csv" and (codecs := text_encodings(paths, cut)):  # Shift-JIS ... (heldout27)
        reading["encoding"] = codecs
        warn_at_caller(f"text read as {', '.join(codecs)}, from the bytes of the file(s)")
        for note in cut:
            warn_at_caller(note)
    local = source in LOCAL_TIME_LAYOUTS  # a known layout of naive local times: said too
    records = format == "mfjson"  # an API's records: their own naive text (heldout40)
    if (source is None or local or records) and (naive := naive_times(paths, format, columns)):
        reading["times_naive"] = naive  # read as UTC: said once (the CLI prints it)


def cleaning_settings(
    paths: list[Path], format: str, columns: ColumnMap | None, *, preset: str,
    clean_overrides: dict | None, source: str | None, kind_col: str | None, owner: str | None,
    reading: dict,
) -> CleanConfig:  # fmt: skip
    """The cleaning config: the preset's, the overrides given, and no gap split when every
    labelled trajectory carries one class (said, like a label that is one per mover)."""
    overrides = dict(clean_overrides or {})
    if columns is not None and columns.min_t is not None:  # historical records (hurricanes)
        overrides.setdefault("min_t", columns.min_t)
    cfg = clean_config(format, preset, overrides, source=source)
    mover = per_mover_label(kind_col, owner, columns)  # per mover, not per trip: gaps still split
    if preset == "auto" and cfg.max_gap_s and "max_gap_s" not in {
        **overrides, **SOURCE_OVERRIDES.get(source or format, {})
    }:  # fmt: skip
        if (n := one_label_per_trajectory(paths, format, columns)) is not None and mover:
            reading["label_per_mover"] = mover
            warn_at_caller(mover_line(mover, cfg.max_gap_s))
        elif n is not None:
            cfg = dataclasses.replace(cfg, max_gap_s=None, gap_intervals=None)
            reading["whole_labelled"] = n  # classify22: one labelled sample per trajectory
            warn_at_caller(f"every labelled trajectory carries one class ({n:,} trajectories): "
                           "each is kept whole, not split at time gaps (--max-gap-s S splits "
                           "them; Python: clean_overrides={'max_gap_s': S})")  # fmt: skip
    return cfg
