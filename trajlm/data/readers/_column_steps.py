"""The steps of `detect.resolve_columns`, one idea each (leftover37: they were one 240-line
function): the file whose header is read, a sniffed separator, a time found by its layout, the
four core columns by name, positions without lat / lon names, how the time column is read, an
id told by the values. Each fills ``guessed`` ({field: column}) in resolve_columns' order."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from pathlib import Path

from trajlm.data.column_names import (
    SERVER_WORDS,
    TIERS,
    candidates,
    column_words,
    find_columns,
    normalised,
)
from trajlm.data.column_notes import fraction_note, trip_log, trip_log_words
from trajlm.data.readers._column_values import (
    COLUMBUS,
    columbus,
    is_fractional,
    is_row_key,
    say_other_ids,
    zone_in_header,
)
from trajlm.data.readers._common import ColumnMap
from trajlm.data.readers._dated_column import dated_time_column
from trajlm.data.readers._headers import geometry_columns
from trajlm.data.readers._lines import header_line, rglob_follow, sniff_sep
from trajlm.data.readers._point_text import point_named, wkt_points
from trajlm.data.readers._preamble_origin import preamble_origin
from trajlm.data.readers._row_zones import local_time_beside_zones, zone_column
from trajlm.data.readers._time_columns import (
    buddhist_era,
    date_beside_dated_time,
    day_first_by_language,
)
from trajlm.data.readers._utm_zones import utm_zone_problem
from trajlm.data.readers.file_format import first_line
from trajlm.data.readers.layouts import (
    date_column_for,
    date_part_columns,
    declared_crs,
    epoch_by_size,
    epoch_unit_column,
    id_sample,
    lone_local_time,
    nested_id,
    offset_column_for,
    several_tracks,
    study_local_time,
    unknown_zone,
    with_date_parts,
    zone_beside_given,
    zoned_time_column,
)
from trajlm.data.readers.owner_columns import OWNER_NAMES
from trajlm.data.schema import TrajlmInputError

# A csv / parquet with no id column: every file is one trajectory named after its stem.
NO_ID_COLUMN = "each file's name (no id column; --traj-col to choose one)"
_CLI = {"traj_id": "--traj-col", "t": "--time-col", "lat": "--lat-col", "lon": "--lon-col"}


def first_file(paths: str | Path | Sequence[str | Path], format: str) -> Path:
    """The file whose header is read: the first path, or the first csv / parquet under it."""
    if isinstance(paths, str | Path):
        paths = [paths]
    first = Path(paths[0])
    if first.is_dir():
        pattern = "*.parquet" if format == "parquet" else "*.csv"
        first = next(iter(rglob_follow(first, pattern)), first)
    return first


def files_of(paths: str | Path | Sequence[str | Path], format: str, most: int = 2000) -> list[Path]:
    """The csv / parquet files the paths name (a folder's, sorted; at most ``most``), for the
    checks that sample more than the first file (leftover39: the swapped-name check)."""
    pattern = "*.parquet" if format == "parquet" else "*.csv"
    out: list[Path] = []
    for p in [paths] if isinstance(paths, str | Path) else paths:
        p = Path(p)
        out += rglob_follow(p, pattern)[:most] if p.is_dir() else [p]
        if len(out) >= most:
            break
    return [p for p in out[:most] if p.is_file() and p.suffix.lower() != ".zip"]


def sniffed_separator(first: Path, format: str, cm: ColumnMap, guessed: dict) -> ColumnMap:
    """``cm`` with a `;` / tab separator sniffed from a csv's first line where none was given
    (said like a guessed column)."""
    default = ColumnMap()
    if format == "csv" and cm.sep == default.sep and first.suffix.lower() != ".zip":
        sep = sniff_sep(first_line(first))
        if sep is not None:  # `;` / tab separated: said like a guessed column
            guessed["sep"] = sep
            cm = dataclasses.replace(cm, sep=sep)
    return cm


def time_column_by_layout(
    first: Path, format: str, cm: ColumnMap, have: list[str], guessed: dict
) -> ColumnMap:
    """A time no time name finds: date-part columns, a unit in the name (`time_ms`), a zone in
    the name or the study, a local time beside zone columns; a time named by hand whose name
    carries its zone. Returns ``cm`` (with the date parts where they are the time)."""
    default = ColumnMap()
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
            stacklevel=3,
        )
    return cm


def core_columns(first: Path, format: str, cm: ColumnMap, have: list[str], guessed: dict) -> None:
    """traj_id, t, lat, lon left at their default names and absent: each matched to the one
    recognised column (column_names.find_columns), or refused naming the candidates."""
    default = ColumnMap()
    for name in ("traj_id", "t", "lat", "lon"):
        given = getattr(cm, name)
        if given != getattr(default, name) or given in have or (name == "t" and cm.t_parts):
            continue
        found = find_columns(name, have, lambda c: is_row_key(first, format, cm.sep, c))
        if name == "traj_id" and (
            angles := [c for c in found if is_fractional(first, format, cm.sep, c)]
        ):
            # a course / bearing under an id name (gpsd's `track`: 12.5, 13.25 degrees; heldout33)
            found = find_columns(name, [c for c in have if c not in angles],
                                 lambda c: is_row_key(first, format, cm.sep, c))  # fmt: skip
            warnings.warn(fraction_note(first.name, angles, "--traj-col"), stacklevel=3)
        if name == "t" and not found and (dated := dated_time_column(first, format, cm.sep, have)):
            found = [dated]  # `Date` holding `00:28:07 23-Sep-2026` (Argos; session 29)
        if name == "t" and len(found) == 1 and SERVER_WORDS & set(column_words(found[0])):
            warnings.warn(
                f"{first.name}: times from {found[0]!r}, which is named like the time a server "
                "received or stored the row, not the time of the fix; if another column holds "
                "the fix time, choose it with --time-col (Python: ColumnMap(t=...))",
                stacklevel=3,
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
            say_other_ids(first, found[0], have)


def position_columns(
    first: Path, format: str, cm: ColumnMap, have: list[str], guessed: dict
) -> None:
    """Positions no lat / lon name finds: one column holding the point, projected columns an
    `epsg` column declares (reprojected); a UTM zone that cannot be read refused."""
    default = ColumnMap()
    geo_meta = format == "parquet" and geometry_columns(first) is not None
    if not geo_meta and not any(getattr(cm, k) in have or k in guessed for k in ("lat", "lon")):
        point = [c for c in have if point_named(c)]  # one column holds the point
        if not point and format == "csv":  # heldout38: BigQuery's `ST_GEOGPOINT(...) AS geog`
            point = [c for c in have if wkt_points(id_sample(first, format, cm.sep, c))]
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


def time_reading(first: Path, format: str, cm: ColumnMap, have: list[str], guessed: dict) -> None:
    """How the time column is read: a Columbus logger's date + time, a zone beside --tz said,
    a zone in the header, a preamble's origin, Unix numbers by size, Buddhist-Era years, a
    date column beside it, day-first dates by language, a UTC-offset column."""
    if format == "csv" and cm.time_format is None and cm.t_date is None and columbus(have):
        guessed.update(COLUMBUS)  # Columbus V-900 / V-1000: YYMMDD + HHMMSS, UTC (session 20)
    tcol = guessed.get("t", cm.t)
    if (
        tcol in have
        and (cm.tz or cm.utc_offset_s)
        and (note := zone_beside_given(first, format, cm.sep, have, tcol, cm.tz, cm.utc_offset_s))
    ):  # --tz beside a `Time Zone` column: which one is used, said (readers27)
        warnings.warn(f"{first.name}: {note}", stacklevel=3)
    if tcol in have and cm.tz is None and not cm.utc_offset_s and "tz" not in guessed:
        guessed.update(zone_in_header(first, tcol))  # `Acq. Time (MDT)`: UTC-6 h (cols23)
    if (
        format == "csv"
        and not cm.t_parts
        and cm.time_format is None
        and cm.time_origin is None
        and tcol in have
        and (
            found := preamble_origin(
                first, lambda: id_sample(first, format, cm.sep, tcol), cm.tz, cm.utc_offset_s
            )
        )
    ):  # a logger's `Time` from 0 under its preamble's Log Date / Log Time (MoTeC; session 28)
        guessed["time_origin"] = found[0]
        warnings.warn(f"{first.name}: {found[1]}", stacklevel=3)
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
            warnings.warn(f"{first.name}: {found[1]}", stacklevel=3)
    if format == "csv" and not cm.t_parts and cm.t_offset is None and tcol in have:
        if offset := offset_column_for(first, format, cm.sep, tcol, have):  # + utc_offset
            guessed["t_offset"] = offset


def id_from_values(first: Path, format: str, cm: ColumnMap, have: list[str], guessed: dict) -> None:
    """No id column by name but time and positions found: a column whose values keep each
    mover's times in order is the id (a nested pair said), several tracks without one refused,
    else one trajectory per file (NO_ID_COLUMN)."""
    default = ColumnMap()
    found_all = all(getattr(cm, k) in have or k in guessed for k in ("t", "lat", "lon"))
    no_id = cm.traj_id == default.traj_id and cm.traj_id not in have and "traj_id" not in guessed
    if not (no_id and found_all):
        return
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
                stacklevel=3,
            )
            guessed["traj_id"], guessed["traj_parent"] = c, p
    if "traj_id" not in guessed and (mover := mover_named(ids)):
        warnings.warn(  # leftover39: a Splunk export's `unit` was told, not read
            f"{first.name}: {mover!r} read as the trajectory id (no column is named as one; "
            f"within each {mover!r} value the times keep in order and the steps stay possible, "
            "while the file order jumps between movers)",
            stacklevel=3,
        )
        guessed["traj_id"] = mover
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


# a column so named, the only one whose values keep each mover's times in order and steps
# possible, names the movers (a bare `unit` is no id name: a measurement's unit; leftover39)
MOVER_WORDS = (
    "unit",
    "unit_name",
    "device",
    "device_name",
    "tracker",
    "asset",
    "imei",
    "host_unit",
)


def mover_named(ids: list[str]) -> str | None:
    """The one column of ``ids`` (several_tracks' candidates) named as a mover, else None."""
    from trajlm.data.column_names import normalised

    named = [c for c in ids if normalised(c) in MOVER_WORDS]
    return named[0] if len(ids) == 1 and len(named) == 1 else None
