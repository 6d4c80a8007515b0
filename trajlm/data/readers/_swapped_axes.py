"""Latitude / longitude columns named the wrong way round, told by the file's own reported
motion (leftover38; badfix37 left it: both columns in range, so no value is out of place).

A longitude written under `lat` and a latitude under `lon` in Lisbon reads as a point in the
Indian Ocean (-9.15 N, 38.70 E): every value is in range, the track is smooth, and the file was
read without a word. A reported speed or course tells the readings apart:

- course: the bearing of each step read one way is (nearly) the mirror image of the other
  (north becomes east), so the reported course fits one reading only, anywhere on the Earth,
  unless the track runs along the north-east diagonal;
- speed: a degree of longitude is cos(latitude) of a degree of latitude, so the two readings'
  step lengths differ by a ratio that changes with the heading; the wrong reading's ratio of
  implied to reported speed follows it (slope 1), the right one's does not (slope 0). The slope,
  not the level, is read, so a speed in another unit than its name (knots read as m/s: every
  ratio off by 1.94) is not taken for a swap. Near 0 N 0 E speeds cannot tell.

The speed says swapped (and the course does not say named): read swapped, said. The speed
and the course disagree, or only the course says swapped (a course counted counter-clockwise
from east, as a robot's yaw, mirrors the bearings as swapped names do): refused in one line.
Otherwise the names are kept.
Only names trajlm found (the defaults or guessed), never columns the user mapped, are swapped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from trajlm.data.schema import TrajlmInputError

MIN_STEPS = 20  # usable steps of the sample before either check says anything
MIN_MOVE_M = 5.0  # a step shorter than this has no bearing worth reading
MIN_SPEED_MPS = 1.0  # reported speed below this: standing, its course and ratio are noise
MAX_DT_S = 600.0  # a step across a longer gap is no straight line
COURSE_FITS_DEG = 25.0  # median bearing error of a reading that fits the reported course
MIN_SPREAD = 0.05  # std of log(step as named / step swapped) below this: speeds cannot tell
SLOPE_SAYS = 0.7  # the speed's slope (0: as named, 1: swapped) beyond this, 2 errors off 0.5
# speeds named without a unit (motion_columns takes none of them, not knowing m/s from km/h):
# the slope of implied / reported speed is the same in any unit (badin39: a CSV's `speed` beside
# swapped names left Porto in the Indian Ocean without a word)
UNITLESS_SPEEDS = ("speed", "speed_mps", "velocity", "gps_speed")
SWAP_SAID = "lat/lon swapped"  # said in the guessed columns (not a ColumnMap field)


def _steps(lat: np.ndarray, lon: np.ndarray, t_s: np.ndarray, ids: np.ndarray) -> dict:
    """Per usable step (same id, 0 < dt <= MAX_DT_S; rows in (id, time) order): its start row,
    end row, distance (m) and bearing (degrees clockwise from north)."""
    from trajlm.data.geometry import haversine

    order = np.lexsort((t_s, ids))
    a, b = order[:-1], order[1:]
    dt = t_s[b] - t_s[a]
    ok = (ids[a] == ids[b]) & (dt > 0) & (dt <= MAX_DT_S)
    ok &= np.isfinite(lat[a]) & np.isfinite(lat[b]) & np.isfinite(lon[a]) & np.isfinite(lon[b])
    a, b, dt = a[ok], b[ok], dt[ok]
    d = haversine(lat[a], lon[a], lat[b], lon[b])
    dx = (lon[b] - lon[a]) * np.cos(np.radians((lat[a] + lat[b]) / 2))
    bearing = np.degrees(np.arctan2(dx, lat[b] - lat[a])) % 360.0
    return {"a": a, "b": b, "dt": dt, "d": d, "bearing": bearing}


def _course_error(st: dict, course: np.ndarray, speed: np.ndarray | None) -> float | None:
    """Median angle (degrees) between each moving step's bearing and the course reported at
    its end; None with fewer than MIN_STEPS such steps."""
    c = course[st["b"]]
    use = np.isfinite(c) & (st["d"] >= MIN_MOVE_M)
    if speed is not None:
        use &= ~(speed[st["b"]] < MIN_SPEED_MPS)  # (NaN speed: not known, kept)
    if use.sum() < MIN_STEPS or not _turns(c[use]):
        return None
    diff = np.abs((st["bearing"][use] - c[use] + 180.0) % 360.0 - 180.0)
    return float(np.median(diff))


def _turns(course: np.ndarray) -> bool:
    """Whether reported courses turn: MIN_DIRECTION_VALUES different whole degrees or more,
    spread over MIN_DIRECTION_SPREAD_DEG of the circle or more. A course that never turns
    tells a swap from a wrong course no better than a constant `90` beside steps due north
    (cols23's test file was refused as "cannot tell")."""
    from trajlm.data.motion_columns import MIN_DIRECTION_SPREAD_DEG, MIN_DIRECTION_VALUES

    whole = np.unique(np.round(course) % 360)
    if len(whole) < MIN_DIRECTION_VALUES:
        return False
    gaps = np.diff(np.concatenate([whole, whole[:1] + 360]))
    return bool(360 - gaps.max() >= MIN_DIRECTION_SPREAD_DEG)


def _speed_slope(named: dict, swapped: dict, speed: np.ndarray) -> tuple[float, float] | None:
    """(slope, its standard error) of log(implied / reported speed) as named on log(step as
    named / step swapped), over the moving steps (reported speed: the mean of the step's two
    ends); None with fewer than MIN_STEPS or where the readings hardly differ. The right
    reading's ratio does not follow the two readings' ratio (slope 0); the wrong one's does
    (slope 1). A constant factor (a speed in another unit than its name) moves neither."""
    rep = (speed[named["a"]] + speed[named["b"]]) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.log(named["d"] / named["dt"] / rep)
        x = np.log(named["d"] / swapped["d"])
    use = np.isfinite(r) & np.isfinite(x) & (rep >= MIN_SPEED_MPS) & (named["d"] >= MIN_MOVE_M)
    if use.sum() < MIN_STEPS or np.std(x[use]) < MIN_SPREAD:
        return None
    r, x = r[use], x[use]
    slope, icept = np.polyfit(x, r, 1)
    resid = r - (slope * x + icept)
    return float(slope), float(np.std(resid) / (np.std(x) * np.sqrt(len(x))))


def motion_verdict(
    lat: np.ndarray,
    lon: np.ndarray,
    t_s: np.ndarray,
    ids: np.ndarray,
    speed_mps: np.ndarray | None = None,
    course_deg: np.ndarray | None = None,
) -> tuple[str | None, str]:
    """("named" | "swapped" | "unsure" | None, why) for columns read as ``lat`` / ``lon``:
    which reading the reported speed / course fits (module docstring). None: neither check
    could say anything (too few moving steps, or both readings fit alike)."""
    named, swapped = _steps(lat, lon, t_s, ids), _steps(lon, lat, t_s, ids)
    says: dict[str, tuple[str, str]] = {}
    if course_deg is not None:
        e_named = _course_error(named, course_deg, speed_mps)
        e_swapped = _course_error(swapped, course_deg, speed_mps)
        if e_named is not None and e_swapped is not None:
            why = (f"the reported course is {e_named:.0f} degrees from the steps' bearings as "
                   f"named, {e_swapped:.0f} swapped (median)")  # fmt: skip
            if e_swapped <= COURSE_FITS_DEG and e_named >= 2 * max(e_swapped, COURSE_FITS_DEG / 2):
                says["course"] = ("swapped", why)
            elif e_named <= COURSE_FITS_DEG and e_swapped >= 2 * max(e_named, COURSE_FITS_DEG / 2):
                says["course"] = ("named", why)
    if speed_mps is not None and (got := _speed_slope(named, swapped, speed_mps)) is not None:
        slope, se = got
        why = (f"implied / reported speed follows the two readings' step lengths with slope "
               f"{slope:.2f} +- {se:.2f} (0: as named, 1: swapped)")  # fmt: skip
        if slope - 2 * se > 0.5 and slope > SLOPE_SAYS:
            says["speed"] = ("swapped", why)
        elif slope + 2 * se < 0.5 and slope < 1 - SLOPE_SAYS:
            says["speed"] = ("named", why)
    why = "; ".join(w for _, w in says.values())
    speed, course = says.get("speed", (None,))[0], says.get("course", (None,))[0]
    if "swapped" not in (speed, course):
        return ("named" if "named" in (speed, course) else None), why
    if speed == "swapped" and course in (None, "swapped"):
        return "swapped", why
    # the speed says named, or cannot tell: a course alone cannot (one counted counter-
    # clockwise from east, as a robot's yaw, mirrors the bearings as swapped names do)
    return "unsure", why + ("" if speed else "; a course counted counter-clockwise from east "
                            "would read so too, and the speed cannot tell")  # fmt: skip


def _seconds(values: Any, cm: Any, guessed: dict) -> np.ndarray:
    """The sampled time column (text) as float seconds (NaN where unread)."""
    import polars as pl

    from trajlm.data.readers._times import parse_time

    fmt = guessed.get("time_format", cm.time_format)
    origin = guessed.get("time_origin", cm.time_origin)
    try:
        ms = pl.select(
            parse_time(
                pl.lit(values), fmt, unit="ms", origin_s=origin if isinstance(origin, int) else None
            )  # fmt: skip
        ).to_series()
    except Exception:  # the reader says what is wrong with the times
        return np.full(len(values), np.nan)
    return ms.cast(pl.Float64).to_numpy() / 1000.0


def swapped_axes(first: Path, format: str, cm: Any, have: list[str], guessed: dict,
                 others: list[Path] | None = None) -> None:  # fmt: skip
    """``guessed`` given lat / lon the other way round (and SWAP_SAID, warned) where the first
    file's reported motion says its position columns are named the wrong way round; one
    TrajlmInputError where the speed and course disagree about it (module docstring).
    ``others``: more files of the read, each sampled too (up to MORE_FILES spread over them;
    leftover39: only the first file's first rows were read and decided for every file); files
    that disagree (one as named, another swapped) are refused in one line."""
    import warnings

    from trajlm.data.column_names import normalised
    from trajlm.data.motion_columns import COURSE_NAMES, motion_columns
    from trajlm.data.readers._common import ColumnMap

    lat_c, lon_c = guessed.get("lat", cm.lat), guessed.get("lon", cm.lon)
    if lat_c == lon_c or lat_c not in have or lon_c not in have or cm.crs != ColumnMap().crs:
        return  # (projected columns: no degrees to swap)
    motion = motion_columns(have, speed_alone=True)
    course = motion[2] if motion else next((c for c in have if normalised(c) in COURSE_NAMES),
                                           None)  # fmt: skip
    speed, factor = (motion[0], motion[1]) if motion else (None, 1.0)
    if speed is None:  # a speed named without its unit: the slope read below needs none
        speed = next((c for c in have if normalised(c) in UNITLESS_SPEEDS), None)
    t_c, id_c = guessed.get("t", cm.t), guessed.get("traj_id", cm.traj_id)
    if (speed is None and course is None) or t_c not in have:
        return
    names = [c for c in dict.fromkeys([t_c, lat_c, lon_c, speed, course, id_c]) if c in have]
    cols = (lat_c, lon_c, t_c, id_c, speed, factor, course)
    verdict, why = _file_verdict(first, format, cm, have, guessed, names, cols)
    said = {first: (verdict, why)}
    for path in _spread(others or [], first):
        said[path] = _file_verdict(path, format, cm, have, guessed, names, cols)
    told = {p: v for p, (v, _) in said.items() if v in ("named", "swapped")}
    if len(set(told.values())) > 1:
        one = next(p for p, v in told.items() if v == "named")
        two = next(p for p, v in told.items() if v == "swapped")
        raise TrajlmInputError(
            f"the files disagree about {lat_c!r} / {lon_c!r}: by the reported motion {one.name} "
            f"holds latitude / longitude as named, {two.name} the other way round ({said[two][1]})",
            path=two,
            field=lat_c,
            hint="read the files of each layout apart, naming the columns (--lat-col / "
            "--lon-col / --time-col; Python ColumnMap(lat=, lon=, t=))",
        )
    unsure = next((p for p, (v, _) in said.items() if v == "unsure"), None)
    if unsure is not None:
        raise TrajlmInputError(
            f"the reported motion cannot tell whether {lat_c!r} / {lon_c!r} hold latitude / "
            f"longitude or the other way round ({said[unsure][1]})",
            path=unsure,
            field=lat_c,
            hint="name them yourself, with the time column (--lat-col / --lon-col / "
            "--time-col; Python ColumnMap(lat=, lon=, t=)): names given are read as given",
        )
    if "swapped" in told.values():
        where = next(p for p, v in told.items() if v == "swapped")
        guessed.update({"lat": lon_c, "lon": lat_c, SWAP_SAID: said[where][1]})
        warnings.warn(
            f"{where.name}: {lat_c!r} holds the longitude and {lon_c!r} the latitude, read so: "
            f"{said[where][1]} (name them yourself if this is wrong: --lat-col / --lon-col / "
            "--time-col, Python ColumnMap(lat=, lon=, t=))",
            stacklevel=3,
        )


MORE_FILES = 8  # files besides the first whose rows are sampled for the swapped-name check


def _spread(others: list[Path], first: Path) -> list[Path]:
    """Up to MORE_FILES of ``others`` (not ``first``), spread evenly over the list."""
    rest = [p for p in others if p != first]
    if len(rest) <= MORE_FILES:
        return rest
    return [rest[round(i * (len(rest) - 1) / (MORE_FILES - 1))] for i in range(MORE_FILES)]


def _file_verdict(path: Path, format: str, cm: Any, have: list[str], guessed: dict,
                  names: list[str], cols: tuple) -> tuple[str | None, str]:  # fmt: skip
    """motion_verdict on the first rows of one file (None where it does not read so)."""
    import polars as pl

    from trajlm.data.motion_columns import course_degrees, in_radians
    from trajlm.data.readers._column_steps import NO_ID_COLUMN
    from trajlm.data.readers.layouts import sample_rows

    lat_c, lon_c, t_c, id_c, speed, factor, course = cols
    try:
        df = sample_rows(path, format, cm.sep, have, names)
    except Exception:  # another file's layout: its own reading says what is wrong
        return None, ""
    if df is None or df.height < MIN_STEPS:
        return None, ""
    df = df.with_columns(pl.col(c).cast(pl.Utf8) for c in names)

    def number(c: str) -> np.ndarray:
        return df[c].str.strip_chars().cast(pl.Float64, strict=False).to_numpy()

    ids = df[id_c].fill_null("").to_numpy() if id_c in names and id_c != NO_ID_COLUMN else (
        np.zeros(df.height, dtype=object))  # fmt: skip
    sog = None if speed is None else number(speed) * factor
    cog = None
    if course is not None:
        degrees = course_degrees(course, pl.String, in_radians(course))
        cog = df.select(degrees).to_series().to_numpy()
        cog = np.where((cog >= 0) & (cog < 360), cog, np.nan)
    return motion_verdict(number(lat_c), number(lon_c), _seconds(df[t_c], cm, guessed),
                          ids.astype(str), sog, cog)  # fmt: skip
