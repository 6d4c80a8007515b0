"""The reported-motion verdict on which of two degree columns is the latitude (split out of
_swapped_axes.py by fix40, so that frames, JSON points and WKT columns read it without the
files' sampling; the rule is described there)."""

from __future__ import annotations

import numpy as np

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


def axis_steps(lat: np.ndarray, lon: np.ndarray, t_s: np.ndarray, ids: np.ndarray) -> dict:
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
    named, swapped = axis_steps(lat, lon, t_s, ids), axis_steps(lon, lat, t_s, ids)
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
