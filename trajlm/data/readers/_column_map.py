"""`ColumnMap`: how the columns of a generic CSV / Parquet file map to the canonical table
(split from _common.py, session 16; `_common` re-exports it)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from trajlm.data.geo import crs_refusal
from trajlm.data.readers._times import (
    T_PARTS,
    TIME_FORMAT_HELP,
    TIME_FORMATS,
    frame_rate,
    origin_seconds,
)

ELAPSED_FORMATS = ("elapsed_s", "elapsed_h")
_FRAME_NAMES = re.compile(r"(?i)^(frame|frames|frame[ _.-]?(id|no|nr|num|number|idx|index|count))$")


def counts_frames(column: str | None) -> bool:
    """A time column named for frame numbers (`frame`, `Frame`, `frame_id`, `frameIdx`)."""
    return isinstance(column, str) and bool(_FRAME_NAMES.match(column.strip()))


@dataclass
class ColumnMap:
    """How the columns of a generic CSV/Parquet file map to the canonical table.

    time_format: None (auto: Unix seconds if numeric, else ISO-8601), "unix", "unix_ms", "iso",
    or a strptime format such as "%d/%m/%Y %H:%M" ("%Y%j" = year + day of year). Times without
    an offset are local times `utc_offset_s` seconds ahead of UTC (T-Drive: 8 * 3600);
    t_utc = t_local - utc_offset_s; or, with `tz` (an IANA name such as "Europe/Helsinki"),
    local times of that zone, daylight saving included (give one of the two). "elapsed_s" / "elapsed_h" declare times relative to each
    trajectory's start: such files are refused (canonical t is absolute), with a message.
    traj_id=None makes each file (or zip member) one trajectory named after its stem;
    traj_id_per_file=True prefixes the id with the file stem ("<stem>/<id>") when ids restart
    in every file (trackintel user_id).
    extra maps output column -> input column (e.g. {"vehicle_id": "ID"}), kept as-is.

    Backwards-compatible extensions (defaults keep the plain behaviour):
    t_parts: time built from several integer columns instead of `t`, e.g. {"year": "Year",
        "month": "Month", "day": "Day", "hour": "Hour"} (hour/minute/second default to 0);
        impossible dates (Feb 30) are unparseable times (malformed_row).
    coord_sources: {name: (lat_col, lon_col)} in priority order, for files that carry several
        position sources of which any subset may be present (icebergs: one pair per sensor).
        Per row the first present pair with a fix wins; its name goes to column `coord_source`.
    no_fix: a coordinate value meaning "no fix" when lat and lon both equal it (icebergs: 0).
        Such rows are dropped and counted as `no_fix` in both on_error modes (a documented
        "no data" marker, not an error), like Porto's MISSING_DATA.
    min_t: earliest plausible time (default None = 1990-01-01, no civil GPS before); set it for
        historical non-GPS records (hurricanes since 1944, icebergs since 1978). Earlier rows
        are `timestamp_before_min_t`.
    crs: coordinate reference system of lat/lon. Another CRS that pyproj knows is reprojected
        to WGS84 (lat = northing, lon = easting; needs trajlm[geo]); others are refused.
    zip_members: glob for the members read from a `.zip` input (matched on the member path).
    """

    traj_id: str | None = "traj_id"
    t: str = "t"
    lat: str = "lat"
    lon: str = "lon"
    time_format: str | None = None
    utc_offset_s: int = 0
    extra: dict[str, str] = field(default_factory=dict)
    sep: str = ","
    t_parts: dict[str, str] = field(default_factory=dict)
    coord_sources: dict[str, tuple[str, str]] = field(default_factory=dict)
    no_fix: float | None = None
    min_t: int | None = None
    crs: str = "EPSG:4326"
    traj_id_per_file: bool = False
    zip_members: str = "*.csv"
    tz: str | None = None  # IANA zone of naive times ("Europe/Helsinki", DST-aware); else offset
    # The instant elapsed times count from (ISO 8601 with a zone, or Unix seconds): numeric
    # times are then seconds (time_format "elapsed_h": hours) since it, every trajectory's 0
    # at that instant (MAT sets; session 16). None: elapsed times are refused.
    time_origin: str | None = None
    # A separate date column (session 17): the time is "<t_date> <t>" (Date + Time columns,
    # DJI's CUSTOM.date / CUSTOM.updateTime), parsed with time_format (None: ISO).
    t_date: str | None = None
    # A column of each row's UTC offset (session 18: `utc_offset` "+01:00" beside naive local
    # times, changing at DST): the time is "<t><offset>", read as zoned.
    t_offset: str | None = None
    # A column naming each row's zone (session 26: `Time Zone` CST / MST, `tz` of several IANA
    # names beside naive local times): each row read in its own zone (_row_zones.py).
    t_zone: str | None = None
    # The layer of a GeoPackage / multi-layer GIS file to read (formats21; None: the one point
    # layer with times, several are one line naming them). CLI --layer.
    layer: str | None = None
    # Kept columns (``extra``'s output names) that the first file lacks and a later file of
    # the read has (fix33b: an `accuracy` column from day 16 on): the files without one read
    # it as empty, said once, not refused (readers._table_columns.dropped_extras).
    later_extras: tuple[str, ...] = ()
    # A column the id is numbered again inside (heldout34: a survey's `persid` 1, 2, 3 in every
    # `hhid`): the trajectory id is "<traj_parent>/<traj_id>". Set by detection (CSV), said.
    traj_parent: str | None = None
    # A football pitch's "length x width" in metres (sports37: Metrica's 0-1 coordinates, the
    # origin of TRACAB's centimetres; readers/pitch_feeds.py, default 105x68). CLI --pitch-size.
    pitch: str | None = None
    # A sub-second source's path and fastest step kept on each second's kept fix as `path_m` /
    # `peak_mps` (sports37, data/full_rate.py). CLI --full-rate; on for Metrica / TRACAB feeds.
    full_rate: bool = False
    # Keep every fix of a source faster than 1 Hz at its exact time (subsec38: `t` Float64
    # seconds in the store, data/subsec_store.py). CLI --sub-second; off: one fix a second.
    sub_second: bool = False
    # The position / time fields the caller named (ingest's column_map, read's keywords), even
    # at their default names: `--lat-col lat --lon-col lon --time-col t` is the user's word,
    # not a guess to check for swapped names (leftover39: such a file could not pass a refusal).
    named: tuple[str, ...] = ()

    def origin_s(self) -> int | None:
        """time_origin as Unix seconds (None when not given or not readable)."""
        return origin_seconds(self.time_origin)

    def refusal(self) -> str | None:
        """Why rows under this mapping cannot become canonical points (None: they can)."""
        why = []
        if frame_rate(self.time_format) is not None and self.time_origin is None:
            why.append(
                f"times are frame numbers (time_format={self.time_format!r}), but canonical t is "
                "absolute UTC: declare the instant of frame 0 with time_origin= (--time-origin "
                "2026-11-28T15:00Z)"
            )
        if self.time_origin is not None and self.time_format is None and counts_frames(self.t):
            why.append(
                f"time column {self.t!r} counts frames, not seconds: reading frame numbers as "
                "seconds after the time origin would slow every mover by the frame rate; give "
                "the rate: time_format='frames@25' (--time-format frames@25)"
            )
        if self.time_format in ELAPSED_FORMATS and self.time_origin is None:
            unit = "hours" if self.time_format == "elapsed_h" else "seconds"
            why.append(
                f"times are {unit} elapsed since each trajectory's start (time_format="
                f"{self.time_format!r}), but canonical t is absolute UTC: an absolute start "
                "time per trajectory is needed and the data do not carry one; declare one with "
                "time_origin= (--time-origin 2020-01-01T00:00Z): every trajectory's 0 at it"
            )
        if crs_refusal(self.crs):  # a CRS pyproj knows is reprojected (geo, issue 12)
            why.append(crs_refusal(self.crs))
        return "; ".join(why) or None

    def option_error(self) -> str | None:
        """What is wrong with time_format / tz / utc_offset_s as given (None: nothing)."""
        tf = self.time_format
        if self.time_origin is not None and self.origin_s() is None:
            if naive_iso(self.time_origin):  # badin37: a time, said "not a time"
                return (f"time origin {self.time_origin!r} has no zone: give its zone "
                        f"({str(self.time_origin).strip()}Z for UTC, or +01:00 ...), so frame 0 "
                        "is one instant")  # fmt: skip
            return (f"time origin {self.time_origin!r} is not a time: give ISO 8601 with a zone "
                    "(2020-01-01T00:00Z) or Unix seconds")  # fmt: skip
        if (rate := frame_rate(tf)) is not None and not 0 < rate <= 100_000:
            return (f"time format {tf!r}: the frame rate must be above 0 and at most 100,000 "
                    "frames per second")  # fmt: skip
        if rate is None and isinstance(tf, str) and re.match(r"(?i)\s*frames?\b", tf):
            return (
                f"time format {tf!r}: give the frame rate as a number of frames per second "
                "above 0: frames@25, frames@12.5"
            )  # badin37: was "a time origin counts ..."
        if self.time_origin is not None and tf not in (None, *ELAPSED_FORMATS) and rate is None:
            return f"a time origin counts elapsed seconds / hours, not time_format {tf!r}"
        if (tf is not None and tf not in (*TIME_FORMATS, *ELAPSED_FORMATS) and "%" not in tf
                and rate is None):  # fmt: skip
            return f"{tf!r} is not a time format: give {TIME_FORMAT_HELP}"
        if self.full_rate and self.sub_second:
            return FULL_RATE_AND_SUB_SECOND
        if self.t_zone is not None and (self.tz is not None or self.utc_offset_s):
            return (f"times are read in each row's zone from {self.t_zone!r}: give no --tz / "
                    "--utc-offset beside it")  # fmt: skip
        if self.tz is not None:
            if self.utc_offset_s:
                return "give a zone (tz / --tz) or a fixed offset (utc_offset_s / --utc-offset)"
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(self.tz)
            except (ZoneInfoNotFoundError, ValueError):
                return unknown_zone_line(self.tz)
        if abs(self.utc_offset_s) > 14 * 3600:
            return f"UTC offset {self.utc_offset_s / 3600:g} h is outside [-14, 14] h"
        return None

    def time_columns(self) -> list[str]:
        if self.t_parts:
            unknown = set(self.t_parts) - set(T_PARTS)
            if unknown:
                raise ValueError(f"t_parts keys must be among {list(T_PARTS)}, got {unknown}")
            return list(self.t_parts.values())
        cols = [self.t_date, self.t] if self.t_date else [self.t]
        cols = cols + [self.t_offset] if self.t_offset else cols
        return cols + [self.t_zone] if self.t_zone else cols

    def time_field(self) -> str:
        """The input field(s) of time, for error messages."""
        return "/".join(self.time_columns())


FULL_RATE_AND_SUB_SECOND = (
    "--full-rate (full_rate=True) keeps the path of the fixes a whole-second store drops, "
    "--sub-second (sub_second=True) keeps every fix itself: give one"
)


def naive_iso(text: object) -> bool:
    """True for ISO 8601 date-time text without a zone (``2026-11-03T15:00:00``)."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(str(text).strip()).tzinfo is None
    except ValueError:
        return False


_OFFSET = re.compile(r"(?i)^\s*(?:utc|gmt)?\s*([+-]?)\s*(\d{1,2})(?::?(\d{2}))?\s*$")


def unknown_zone_line(tz: str) -> str:
    """The line for a zone option no zone database knows; a fixed offset written as a zone
    (``+05:45``, ``UTC+14``, ``GMT-3:30``) is pointed to the option that takes it (badin37:
    "give an IANA name" named no way to read Nepal's +05:45 clock)."""
    m = _OFFSET.match(str(tz))
    if m is None:
        return f"unknown time zone {tz!r}: give an IANA name such as Europe/Helsinki"
    hours = (-1 if m[1] == "-" else 1) * (int(m[2]) + int(m[3] or 0) / 60)
    if abs(hours) > 14:
        return (f"unknown time zone {tz!r}: a UTC offset of {hours:+g} h is not a clock on the "
                "Earth (offsets lie within -12 .. +14 h)")  # fmt: skip
    return (f"unknown time zone {tz!r}: a fixed offset is not a zone name; give it as "
            f"--utc-offset {hours:g} (Python utc_offset={hours:g}), or the zone's IANA name "
            "(Asia/Kathmandu) where its clock changes")  # fmt: skip


def option_refusal(format: str, cm: ColumnMap) -> str | None:
    """What ingest cannot take of a map's zone / CRS options for files of ``format``, on every
    format, before its readers (badin37: a UTC GPX kept `--tz +05:45` and `--utc-offset 25`
    as its clock, which the CSV route refused; `--crs local` on a GPX was dropped unsaid)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from trajlm.data.readers._crs_check import crs_not_used

    if abs(cm.utc_offset_s or 0) > 14 * 3600:
        hours = cm.utc_offset_s / 3600
        return f"--utc-offset {hours:g}: UTC offset {hours:g} h is outside [-14, 14] h"
    if cm.tz is not None:
        try:
            ZoneInfo(str(cm.tz))
        except (ZoneInfoNotFoundError, ValueError):
            return f"--tz {cm.tz}: {unknown_zone_line(str(cm.tz))}"
    return crs_not_used(format, cm.crs)


def named_fields(columns: ColumnMap, given: dict | None) -> ColumnMap:
    """``columns`` with ``named`` set to the lat / lon / t fields ``given`` names (a caller's
    column_map or keywords), so a name equal to the default still counts as given."""
    named = tuple(k for k in ("lat", "lon", "t") if (given or {}).get(k))
    return dataclasses.replace(columns, named=named) if named else columns
