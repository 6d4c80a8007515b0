"""The reported-motion columns of a table (session 16, sogcog): which columns hold a speed over
ground and a course as the device reported them, their units, and their values in m/s and
degrees. Split from column_names.py (the four canonical fields' names), whose ``normalised``
reads a column's name alike here."""

from __future__ import annotations

import re
from typing import Any

from trajlm.data.column_names import normalised

ROW_SAMPLE = 10_000  # a frame's rows whose values say what a `direction` column holds

# Reported motion (session 16, sogcog): speed over ground and course as the device reported
# them (AIS SOG in knots / COG in degrees; a GPS log's speed in m/s), not speeds derived from
# positions (clean.AddSpeed's `speed_mps`). Stores keep them as `sog_kn` or `sog_mps` and
# `cog_deg` (schema.OPTIONAL). Normalised name -> metres per second per unit.
KNOT_MPS = 1852.0 / 3600.0
SPEED_NAMES = {"sog_kn": KNOT_MPS, "sog_mps": 1.0, "sog": KNOT_MPS, "sog_knots": KNOT_MPS,
               "speed_kn": KNOT_MPS, "speed_knots": KNOT_MPS, "speed_over_ground": KNOT_MPS,
               "speed_over_ground_kn": KNOT_MPS, "speed_m_s": 1.0,
               # a unit suffix without brackets, as fleet telematics exports write it (newuser24);
               # not `speed_mps`: trajlm derives that name itself (a derived speed, not SOG: session 17)
               "speed_kmh": 1 / 3.6, "speed_kph": 1 / 3.6, "speed_km_h": 1 / 3.6,
               "speed_mph": 0.44704}  # fmt: skip
# a device's heading is read as its course (session 36, leftover36: a fleet report's `Heading`
# holds compass points `SE`, a robot log's `heading_rad` radians): degrees or compass words.
# `bearing` too (fix36): Android's Location.getBearing and GPSLogger's column, SIRI-VM's
# `Bearing` and GTFS-Realtime's `position.bearing` are all degrees clockwise from north the
# vehicle heads. Not `direction`: transit feeds' direction is a route's way (GTFS `direction_id`
# 0 / 1, SIRI `DirectionRef` inbound / outbound), which read as degrees would point north.
COURSE_NAMES = ("cog_deg", "cog", "course", "course_deg", "course_over_ground", "heading",
                "heading_deg", "bearing", "bearing_deg")  # fmt: skip
# `direction` (and `direction_deg`) only where the file's own values are degrees (leftover37):
# numbers in 0..360, at least MIN_DIRECTION_VALUES of them different and spread over
# MIN_DIRECTION_SPREAD_DEG or more (a vehicle turning); a 0 / 1 way or `inbound` never is.
DIRECTION_NAMES = ("direction", "direction_deg")
MIN_DIRECTION_VALUES = 8
MIN_DIRECTION_SPREAD_DEG = 90.0
# ... and in radians: stores keep them as `cog_rad`, which schema.conform turns into `cog_deg`
COURSE_RAD_NAMES = ("cog_rad", "course_rad", "heading_rad", "bearing_rad")
# the 16 compass points, degrees clockwise from north (`north east` / `North-East` read as NE)
COMPASS_DEG = {p: 22.5 * i for i, p in enumerate(
    ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW",
     "NNW"))}  # fmt: skip
# A speed with its unit in parentheses / brackets (cols23: heldout23's `SOG (kn)`, `speed
# (km/h)`; `COG (deg)` is `cog` above): unit -> m/s per unit. Stores keep km/h and mph as
# `sog_kmh` / `sog_mph`, which schema.conform turns into `sog_mps`.
SPEED_UNITS = {"kn": KNOT_MPS, "kt": KNOT_MPS, "kts": KNOT_MPS, "knot": KNOT_MPS,
               "knots": KNOT_MPS, "km/h": 1 / 3.6, "kmh": 1 / 3.6, "kph": 1 / 3.6,
               "km/hr": 1 / 3.6, "m/s": 1.0, "mps": 1.0, "ms": 1.0, "mph": 0.44704,
               "mi/h": 0.44704,
               "km/u": 1 / 3.6, "km/std": 1 / 3.6}  # Dutch, German km/h (session 28: barges)  # fmt: skip
_SPEED_WORDS = ("sog", "speed", "speed_over_ground", "velocity", "spd", "gps_speed",
                "ground_speed", "groundspeed",
                # other languages' exports (heldout26-27's groomers and barges: read with the unit)
                "snelheid", "geschwindigkeit", "geschw", "velocidad", "vitesse", "velocita",
                "velocità")  # fmt: skip
_SPEED_UNIT = re.compile(r"(?P<name>.+?)\s*[(\[]\s*(?P<unit>[A-Za-z/]+)\s*[)\]]\s*")


def speed_unit(column: str) -> float | None:
    """m/s per unit of a speed column named with its unit after it (`SOG (kn)`, `speed
    [km/h]`, `Velocity (mph)`), else None."""
    m = _SPEED_UNIT.fullmatch(column.strip().strip('"'))
    if m is None or m["unit"].lower() not in SPEED_UNITS:
        return None
    name = re.sub(r"[\s.\-]+", "_", m["name"].strip().lower()).strip("_")
    return SPEED_UNITS[m["unit"].lower()] if name in _SPEED_WORDS else None


def _speed_columns(columns: list[str]) -> list[tuple[str, float]]:
    """(column, m/s per unit) of the reported speeds: SPEED_NAMES in order, then named with a
    unit (`speed_unit`)."""
    by_name: dict[str, str] = {}
    for c in columns:
        by_name.setdefault(normalised(c), c)
    named = [(by_name[n], f) for n, f in SPEED_NAMES.items() if n in by_name]
    seen = {c for c, _ in named}
    return named + [(c, f) for c in columns if c not in seen and (f := speed_unit(c)) is not None]


SOG_NOT_AVAILABLE_KN = 102.25  # AIS: 102.3 kn = "not available" (102.2 = 102.2 kn or more)
# The names AIS gives its speed over ground, in knots (fix39): only these carry the 102.3 kn
# "not available" code. A race car's `Speed (km/h)` or an aircraft's `groundspeed (kt)` over 189
# km/h was left unread with a warning, as if it were that code (heldout39's leftover).
FASTEST_REPORTED_MPS = 340.0  # clean_common.IMPOSSIBLE_SPEED_MPS: another speed over it is none
AIS_SPEED_NAMES = ("sog", "sog_kn", "sog_knots", "speed_over_ground", "speed_over_ground_kn")


def is_ais_speed(column: str) -> bool:
    """Whether ``column`` is named as AIS names its speed over ground in knots (`SOG`,
    `sog_kn`, `Speed over ground`, `SOG (kn)`): the one kind of speed whose 102.3 kn means
    "not available"."""
    if normalised(column) in AIS_SPEED_NAMES:
        return True
    m = _SPEED_UNIT.fullmatch(column.strip().strip('"'))
    if m is None or SPEED_UNITS.get(m["unit"].lower()) != KNOT_MPS:
        return False
    return re.sub(r"[\s.\-]+", "_", m["name"].strip().lower()).strip("_") in (
        "sog",
        "speed_over_ground",
    )


def motion_columns(
    columns: list[str], speed_alone: bool = False, sample: Any = None
) -> tuple[str, float, str | None] | None:
    """(speed column, its factor to m/s, course column) of a table that has both a reported
    speed and a course (SPEED_NAMES / COURSE_NAMES, first match in that order), else None.
    ``speed_alone``: a speed without a course too, its course None (session 18, motion18: the
    stop rule's drift and the validity checks read the speed; dead reckoning needs both)."""
    by_name: dict[str, str] = {}
    for c in columns:
        by_name.setdefault(normalised(c), c)
    speeds = _speed_columns(columns)
    course = next((n for n in (*COURSE_NAMES, *COURSE_RAD_NAMES) if n in by_name), None)
    found = None if course is None else by_name[course]
    if found is None and sample is not None and speeds and (way := direction_column(columns)):
        # a `direction` whose values are degrees, for files and frames alike (leftover37's
        # rule; badfix37: frames never read it)
        found = way if degrees_direction(sample(way) or []) else None
    if not speeds or (found is None and not speed_alone):
        return None
    return speeds[0][0], speeds[0][1], found


def frame_sample(df: Any) -> Any:
    """``motion_columns``' ``sample`` for a Polars frame: a column's first ROW_SAMPLE values."""
    return lambda column: df[column].head(ROW_SAMPLE).to_list()


# A course named without a unit (`heading`, `course`, `cog`, `bearing`) whose values are radians
# (badin37: 0..6.28 read as 0..6 degrees, unsaid): every one of MIN_RADIAN_ROWS or more numbers
# within 2 pi, spread over half a turn or more and MIN_RADIAN_VALUES different. A heading in
# degrees held within 6 degrees of north never spreads over pi (3.14) without a 359.
MIN_RADIAN_ROWS = 50
MIN_RADIAN_VALUES = 20


def _numbers_within(values: list, lo: float, hi: float) -> list[float] | None:
    """The sampled values as numbers (empty ones skipped); None where one is a word (a way,
    compass points) or lies outside [lo, hi] (NaN too)."""
    numbers = []
    for v in values:
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        try:
            x = float(v)
        except (TypeError, ValueError):
            return None
        if not lo <= x <= hi:
            return None
        numbers.append(x)
    return numbers


def radian_values(values: list) -> bool:
    """Whether sampled values of a course named without a unit are radians (MIN_RADIAN_ROWS
    numbers or more, all within +-2 pi, spread over pi or more, MIN_RADIAN_VALUES distinct)."""
    import math

    numbers = _numbers_within(values, -2 * math.pi - 0.01, 2 * math.pi + 0.01)
    return numbers is not None and (len(numbers) >= MIN_RADIAN_ROWS and len(set(numbers)) >= MIN_RADIAN_VALUES
            and max(numbers) - min(numbers) >= math.pi)  # fmt: skip


def unitless_course(course: str) -> bool:
    """Whether a course column's name gives no unit (`heading`, not `heading_deg` / `_rad`)."""
    n = normalised(course)
    return n not in COURSE_RAD_NAMES and not n.endswith("_deg") and n != "cog_deg"


def direction_column(columns: list[str]) -> str | None:
    """The column named `direction` / `direction_deg` (DIRECTION_NAMES), else None; read as a
    course only where ``degrees_direction`` says its values are degrees."""
    return next((c for n in DIRECTION_NAMES for c in columns if normalised(c) == n), None)


def degrees_direction(values: list) -> bool:
    """Whether sampled values of a `direction` column are a course in degrees: every one given
    is a number in [0, 360], MIN_DIRECTION_VALUES or more of them different and spread over
    MIN_DIRECTION_SPREAD_DEG or more. A transit feed's way (GTFS `direction_id`-like 0 / 1,
    SIRI's `inbound` / `outbound`) and a few codes are not: read as degrees they would point a
    bus north (fix36 left `direction` out of COURSE_NAMES for that)."""
    numbers = _numbers_within(values, 0.0, 360.0)
    if numbers is None:
        return False
    return (len(set(numbers)) >= MIN_DIRECTION_VALUES
            and max(numbers) - min(numbers) >= MIN_DIRECTION_SPREAD_DEG)  # fmt: skip


def in_radians(course: str) -> bool:
    """Whether a course column's name says radians (``COURSE_RAD_NAMES``: `heading_rad`)."""
    return normalised(course) in COURSE_RAD_NAMES


def course_degrees(column: str, dtype, radians: bool = False):  # -> pl.Expr
    """A course column as Float64 degrees in [0, 360): radians turned into degrees (negative
    ones, -pi..pi, wrapped), text read as a number (`135`, `135°`) or a compass point (`SE`,
    `south-east`, `North`); anything else null (not available, as AIS's 360)."""
    import math

    import polars as pl

    c = pl.col(column)
    if dtype == pl.String:
        text = c.str.strip_chars().str.strip_suffix("°")
        word = text.str.to_uppercase().str.replace_all(r"[\s_\-]", "")
        for long, short in (("NORTH", "N"), ("SOUTH", "S"), ("EAST", "E"), ("WEST", "W")):
            word = word.str.replace_all(long, short, literal=True)
        point = word.replace_strict(COMPASS_DEG, default=None, return_dtype=pl.Float64)
        c = pl.coalesce(text.cast(pl.Float64, strict=False), point)
    else:
        c = c.cast(pl.Float64, strict=False)
    return (c * (180.0 / math.pi)) % 360.0 if radians else c


def reported_motion(df):  # (pl.DataFrame) -> tuple[np.ndarray, np.ndarray] | None
    """(sog_mps, cog_deg) float arrays over the rows of a Polars table with a reported speed and
    course (``motion_columns``), NaN where not available (AIS 102.3 kn, COG 360 or more, a
    negative or missing value); None when the table has no such pair of columns."""
    import numpy as np
    import polars as pl

    found = motion_columns(df.columns, sample=frame_sample(df))
    if found is None:
        return None
    by_name: dict[str, str] = {}
    for col in df.columns:
        by_name.setdefault(normalised(col), col)

    def values(name: str, factor: float | None) -> np.ndarray:
        degrees = course_degrees(name, df.schema[name], in_radians(name))
        x = df.select(degrees if factor is None else pl.col(name).cast(pl.Float64, strict=False))
        x = x.to_series().to_numpy().astype(np.float64)
        with np.errstate(invalid="ignore"):
            if factor is None:  # a course
                return np.where((x >= 0) & (x < 360), x, np.nan)
            ais = factor != 1.0 and is_ais_speed(name)  # AIS's code only (fix39)
            limit = (SOG_NOT_AVAILABLE_KN * KNOT_MPS if ais else FASTEST_REPORTED_MPS) / factor
            return np.where((x >= 0) & (x < limit), x * factor, np.nan)

    # several speed (or course) columns: the one with the most values (ties: name order), so a
    # filled `SOG` beside a mostly empty `sog_mps` is read (ships18's finding)
    speeds = [values(c, f) for c, f in _speed_columns(df.columns)]
    courses = [values(by_name[n], None) for n in (*COURSE_NAMES, *COURSE_RAD_NAMES) if n in by_name]
    courses = courses or [values(found[2], None)]  # a `direction` of degrees
    v = max(speeds, key=lambda a: int(np.isfinite(a).sum()))
    c = max(courses, key=lambda a: int(np.isfinite(a).sum()))
    return v, c
