"""Reported speed and course before dead reckoning uses them (sessions 16-18): the great-circle
step (``destination``), whether a table has reports (``has_motion``), reports that disagree with
the positions (``report_ratio``: a unit mislabelled), and a last fix that its own reports call
a glitch (``glitched_last_report`` / ``glitched_last_fix``). Re-exported by
trajlm/eval/dead_reckoning.py, which dead-reckons from them."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.geometry import haversine
from trajlm.data.motion_columns import frame_sample, motion_columns, reported_motion
from trajlm.errors import TrajlmInputError, warn_at_caller
from trajlm.eval.dead_reckoning_course import course_in_radians

R_EARTH = 6371008.8  # metres (mean radius, as eval.metrics.haversine)


def track_arrays(df: pl.DataFrame) -> tuple[np.ndarray, ...]:
    """(start, end, lat, lon, t) of a canonical table (sorted by traj_id, t): each
    trajectory's first and last row index, and the columns as float64 arrays."""
    g = df.select(pl.col("traj_id").rle_id())["traj_id"].to_numpy()
    end = np.flatnonzero(np.r_[g[1:] != g[:-1], True])  # each trajectory's last row
    start = np.r_[0, end[:-1] + 1]
    lat, lon, t = (df[c].to_numpy().astype(np.float64) for c in ("lat", "lon", "t"))
    return start, end, lat, lon, t


def destination(lat: Any, lon: Any, course_deg: Any, dist_m: Any) -> tuple[np.ndarray, np.ndarray]:
    """The point `dist_m` metres from (lat, lon) along the great circle leaving on
    `course_deg` (degrees clockwise from north); arrays broadcast. Longitudes in [-180, 180)."""
    p1, l1 = np.radians(lat), np.radians(lon)
    b, d = np.radians(course_deg), np.asarray(dist_m, np.float64) / R_EARTH
    p2 = np.arcsin(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(b))
    l2 = l1 + np.arctan2(np.sin(b) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2))
    return np.degrees(p2), (np.degrees(l2) + 180.0) % 360.0 - 180.0


def no_motion_message(columns: list[str]) -> str:
    """The one-line refusal for a table without a reported speed and course."""
    return (
        "dead reckoning needs a reported speed and course (e.g. AIS SOG in knots and COG in "
        f"degrees: columns sog_kn / SOG or sog_mps, and cog_deg / COG); the table has {columns}"
    )


def has_motion(df: pl.DataFrame) -> bool:
    """Whether the table has a reported speed and course column pair."""
    return motion_columns(df.columns, sample=frame_sample(df)) is not None


# Session 18 (ships18): reports that disagree with the positions are not dead-reckoned. A speed
# column in m/s labelled knots (or the other way) reads 0.51x (1.94x) the speed between the
# fixes on every step; dead reckoning then put ships 10x farther off than constant velocity.
UNIT_RATIO_MAX = 1.5  # median reported / implied speed outside [1/1.5, 1.5]: not trusted
MIN_JUDGED_M = 20.0  # steps whose reports imply at least this many metres (beyond GPS noise)
MIN_JUDGED_STEPS = 3
# badin32: a slow ship's m/s under a knots name (1.85 "kn" for 1.85 m/s) was never judged (its
# reports, read as 0.95 m/s, stay under 1 m/s); a step whose fixes move this far is judged too
MIN_MOVED_M = 50.0
MIN_MOVING_MPS = 0.25  # ... where the reports say it moves (not a ship swinging at anchor)


def report_ratio(df: pl.DataFrame, sog: np.ndarray) -> np.ndarray:
    """Per trajectory (in ``df``'s order): the median over its steps of the reported speed (the
    mean of both ends) over the speed between the two fixes, on steps of at most 300 s whose
    reports imply >= MIN_JUDGED_M at >= 1 m/s or whose fixes move >= MIN_MOVED_M while the
    reports say >= MIN_MOVING_MPS; NaN with fewer than MIN_JUDGED_STEPS such steps.
    About 1 for a receiver that agrees with its positions."""
    lat, lon, t = (df[c].to_numpy().astype(np.float64) for c in ("lat", "lon", "t"))
    g = df.select(pl.col("traj_id").rle_id())["traj_id"].to_numpy()
    out = np.full(int(g.max()) + 1 if len(g) else 0, np.nan)
    if len(g) < 2:
        return out
    same = g[1:] == g[:-1]
    dt = np.diff(t)
    rep = 0.5 * (sog[1:] + sog[:-1])
    d = haversine(lat[:-1], lon[:-1], lat[1:], lon[1:])
    with np.errstate(invalid="ignore", divide="ignore"):
        fast = (rep >= 1.0) & (rep * dt >= MIN_JUDGED_M)
        moved = (d >= MIN_MOVED_M) & (rep >= MIN_MOVING_MPS)
        ok = same & (dt > 0) & (dt <= 300) & (fast | moved)
        ratio = rep * dt / np.maximum(d, 1e-3)
    by = pl.DataFrame({"g": g[1:][ok], "r": ratio[ok]}).group_by("g").agg(
        pl.col("r").median(), pl.len().alias("n")
    )  # fmt: skip
    judged = by.filter(pl.col("n") >= MIN_JUDGED_STEPS)
    out[judged["g"].to_numpy()] = judged["r"].to_numpy()
    return out


def mistrusted_headings(df: pl.DataFrame, sog: np.ndarray) -> np.ndarray:
    """Per trajectory: whether its reports disagree with its positions (``report_ratio``
    outside [1/UNIT_RATIO_MAX, UNIT_RATIO_MAX]; every one where the course column reads like
    radians, ``course_in_radians``); warns once with the count and the ratio."""
    ratio = report_ratio(df, sog)
    with np.errstate(invalid="ignore"):
        bad = (ratio > UNIT_RATIO_MAX) | (ratio < 1.0 / UNIT_RATIO_MAX)
    got = reported_motion(df)
    if got is not None and (off := course_in_radians(df, got[1])) is not None:
        name = (motion_columns(df.columns, sample=frame_sample(df)) or ("", 0.0, "the course"))[2]
        warn_at_caller(
            f"the course column {name!r} reads like radians, not degrees (every value within "
            f"0-6.283; the bearings between the fixes are {off[1]:.0f} degrees off it read as "
            f"radians, {off[0]:.0f} as degrees): dead reckoning does not use the reports; "
            "convert it to degrees (x 57.2958)"
        )
        return np.ones_like(bad, dtype=bool)
    if bad.any():
        ids = df["traj_id"].unique(maintain_order=True).to_list()
        name = (motion_columns(df.columns, sample=frame_sample(df)) or ("the speed",))[0]
        said = "; ".join(f"{_trip_of(ids[k])!r} {_unit_hint(float(ratio[k]))}"
                         for k in np.flatnonzero(bad)[:3])  # fmt: skip
        warn_at_caller(
            f"{_count_words(ids, bad)} report a speed ({name!r}) that does not "
            f"match their positions (median reported / between fixes: {said}): dead reckoning "
            "does not use their reports"
        )
    return bad


# the harness's windows are named "<trajectory>@<window>" (eval/report_times.py, horizon.py)
_WINDOW = re.compile(r"^(.+)@\d+$")


def _trip_of(traj_id: object) -> object:
    """A window's trajectory (``"<trajectory>@<window>"``), else the id as it is."""
    m = _WINDOW.match(traj_id) if isinstance(traj_id, str) else None
    return m.group(1) if m else traj_id


def _count_words(ids: list, bad: np.ndarray) -> str:
    """ "1 of 2 trajectories", or for the harness's windows "2 of 158 windows (1 of 4
    trajectories)": fit's val check read windows and said "1 of 158 trajectories" of a
    40-vessel store, naming '244297245_0@20' (session 30, newuser30)."""
    trips = [_trip_of(i) for i in ids]
    if trips == ids:
        return f"{int(bad.sum())} of {len(bad)} trajectories"
    n_bad = len({t for t, b in zip(trips, bad, strict=True) if b})
    return (f"{int(bad.sum())} of {len(bad)} windows ({n_bad} of {len(set(trips))} "
            "trajectories)")  # fmt: skip


def _unit_hint(r: float) -> str:
    """A reported / implied speed ratio, said with what it suggests."""
    if r > 20:
        return "positions standing still"
    if abs(r - 1 / 0.514444) < 0.3:
        return f"{r:.2f}x: knots in a column named for m/s? (1 m/s = 1.94 kn)"
    if abs(r - 0.514444) < 0.1:
        return f"{r:.2f}x: m/s in a column named for knots? (1 kn = 0.514 m/s)"
    return f"{r:.2f}x"


GLITCH_M = 100.0  # a last fix this far (+ GLITCH_FRAC of the reported run) off DR: a glitch
GLITCH_FRAC = 0.2


def _before_a_glitch(src, idx, start, t, lat, lon, sog, cog) -> np.ndarray:
    """Each trajectory's origin report ``src``, or the report before it when dead reckoning
    from that one (within 300 s) misses ``src``'s fix by over GLITCH_M + GLITCH_FRAC x the
    distance it ran: a last fix 300 m off is not where the ship was (session 18; a glitch
    whose step in stays under any speed limit, trajlm.check_validity's ``reported_speed``)."""
    prev = np.where(src > start, idx[np.maximum(src - 1, 0)], -1)
    ok = prev >= start
    p = np.where(ok, prev, src)
    dt = (t[src] - t[p]).astype(np.float64)
    run = np.nan_to_num(sog[p]) * dt
    la, lo = destination(lat[p], lon[p], np.nan_to_num(cog[p]), run)
    miss = haversine(la, lo, lat[src], lon[src])
    glitch = ok & (dt > 0) & (dt <= 300) & (miss > GLITCH_M + GLITCH_FRAC * run)
    glitch &= ~_a_turn(p, src, dt, lat, lon, sog, cog)
    return np.where(glitch, p, src)


STILL_MPS = 0.1 * 0.514444  # AIS speed resolution 0.1 kn: a report of 0 or 0.1 kn is still
TURN_SLACK_DEG = 30.0  # the chord's bearing may leave the reported courses' arc by this much


def _a_turn(p, src, dt, lat, lon, sog, cog) -> np.ndarray:
    """Whether the step from fix ``p`` to fix ``src`` is a turn both reports agree with
    (session 18, predict18): no longer than GLITCH_M + (1 + GLITCH_FRAC) x the run the faster
    report allows (a turn only shortens the chord) and leaving on a bearing within the arc
    from ``p``'s course to ``src``'s (+- TURN_SLACK_DEG). A car turning 60-179 deg at a corner
    within its last interval was a "glitch" to the miss rule alone (58 of 200 seeded)."""
    run = np.fmax(np.nan_to_num(sog[p]), np.nan_to_num(sog[src])) * dt
    chord = haversine(lat[p], lon[p], lat[src], lon[src])
    y = np.sin(np.radians(lon[src] - lon[p])) * np.cos(np.radians(lat[src]))
    x = np.cos(np.radians(lat[p])) * np.sin(np.radians(lat[src])) - np.sin(
        np.radians(lat[p])
    ) * np.cos(np.radians(lat[src])) * np.cos(np.radians(lon[src] - lon[p]))
    bearing = np.degrees(np.arctan2(y, x))
    c0, c1 = np.nan_to_num(cog[p]), np.nan_to_num(cog[src])
    span = (c1 - c0 + 180.0) % 360.0 - 180.0  # the turn, signed, the shorter way
    off = (bearing - c0 + 180.0) % 360.0 - 180.0  # the chord from the first course
    lo_, hi = np.minimum(0.0, span) - TURN_SLACK_DEG, np.maximum(0.0, span) + TURN_SLACK_DEG
    return (chord <= GLITCH_M + (1.0 + GLITCH_FRAC) * run) & (off >= lo_) & (off <= hi)


def still_course(sog: np.ndarray, cog: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sog, cog) with a course of 0 where a report gives a speed of at most STILL_MPS and no
    course: a moored / anchored ship reports 0 kn and COG 360 ("not available"), a report that
    it stays put, not a missing one (vessel30: dead reckoning ran on from the last report under
    way, an hour before, and put a ship at its berth 5-6 km off)."""
    still = np.isfinite(sog) & ~np.isfinite(cog) & (sog <= STILL_MPS)
    return np.where(still, 0.0, sog), np.where(still, 0.0, cog)


def report_origins(df: pl.DataFrame):  # -> sog, cog, start, end, last, src, lat, lon, t
    """Per trajectory (rows ``start`` .. ``end``) its latest row with a speed and a course
    (``last``; below ``start``: none) and the origin dead reckoning starts from (``src``: the
    report before ``last`` where ``last`` is a glitch), with the rows' reports and fixes."""
    got = reported_motion(df)
    if got is None:
        raise TrajlmInputError(no_motion_message(df.columns))
    sog, cog = still_course(*got)
    start, end, lat, lon, t = track_arrays(df)
    ok = np.isfinite(sog) & np.isfinite(cog)
    # the latest row with a report at or before each row (-1: none yet in its trajectory)
    idx = np.where(ok, np.arange(len(df)), -1)
    idx = np.maximum.accumulate(idx)
    last = idx[end]
    src = _before_a_glitch(last, idx, start, t, lat, lon, sog, cog)
    return sog, cog, start, end, last, src, lat, lon, t


def glitched_last_report(df: pl.DataFrame) -> np.ndarray:
    """(B,) bool: trajectories (in order of first appearance) whose last fix is a report that
    dead reckoning skips as a glitch (``_before_a_glitch``: it starts from the report before).
    Session 18 (motion18): ``TrajLM.predict`` then gives the model, whose rollout starts from
    that fix, no share of the mix. Raises TrajlmInputError without a speed and course."""
    _, _, start, end, last, src, *_ = report_origins(df)
    return (last == end) & (src != last)


def glitched_last_fix(df: pl.DataFrame) -> np.ndarray:
    """(B,) bool: trajectories (``df`` canonical, in order of first appearance) whose last fix
    is a position glitch by its own reports (session 18, predict18), so no rollout should start
    from it. With a speed and a course: ``glitched_last_report``. With a speed alone (SOG-only
    AIS): the step into the last fix (<= 300 s) is longer than GLITCH_M + (1 + GLITCH_FRAC) x
    the run the larger report at its two ends allows. A turn only shortens the chord between
    two fixes, so neither rule fires on a real turn at the reported speed. Reports that
    disagree with the positions (``report_ratio``: a unit mislabelled) judge nothing; a table
    without a reported speed: all False."""
    from trajlm.data.clean_split import reported_speed

    n = df["traj_id"].n_unique() if df.height else 0
    sog = reported_speed(df)
    if sog is None or n == 0:
        return np.zeros(n, bool)
    with np.errstate(invalid="ignore"):
        ratio = report_ratio(df, sog)
        trusted = ~((ratio > UNIT_RATIO_MAX) | (ratio < 1.0 / UNIT_RATIO_MAX))
    if has_motion(df):
        return glitched_last_report(df) & trusted
    start, end, lat, lon, t = track_arrays(df)
    prev = np.maximum(end - 1, start)
    dt = t[end] - t[prev]
    run = np.fmax(sog[end], sog[prev]) * dt  # NaN where neither end reports
    step = haversine(lat[prev], lon[prev], lat[end], lon[end])
    with np.errstate(invalid="ignore"):
        long = step > GLITCH_M + (1.0 + GLITCH_FRAC) * run
    return (end > start) & (dt > 0) & (dt <= 300) & np.isfinite(run) & long & trusted
