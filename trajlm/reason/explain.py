"""Explanations: what is unusual in a trajectory's worst segment, in one sentence.

The detector (trajlm/reason/anomaly.py) finds the segment whose steps the model found least
likely; this module looks at the points there (the segment padded by `pad` points each side),
measures the kinematics and compares them with what is usual in normal data (``usual_stats``
of the calibration split), then fills the first template that applies:

    frozen     "position frozen 15 min from 04:10 UTC near (...) while reporting 22 km/h,
                12.0 kn: the reports moved it 5.6 km (a stuck transponder or GPS)" (vessels
                with a reported speed; session 18)
    jump       "jumped 2.3 km in 15 s (550 km/h) at 03:10 UTC near (41.16120, -8.61020)"
    speed      "moved at 140 km/h for 20 s from 03:10 UTC near (...), 3.1x the usual top speed
                (45 km/h)"
    stop       "stopped 14 min at 03:10 UTC near (...), 6.0x longer than usual here (95 % of
                stops end within 2.3 min)"
    wrong_way  "turned around at 03:10 UTC near (...) and drove 420 m back south-west against
                its direction of travel"
    detour     "left its route at 03:10 UTC near (...) for a 1.2 km loop (4 min) that came back
                to where it left"
    unusual    "moved unlike usual from 03:10 UTC near (...): <the segment in the semantic text
                encoding of trajlm/llm/text.py>"

Vessels (a trajectory with a speed in knots such as AIS SOG / ``sog_kn``, or ``source`` "AIS")
have their speeds said in knots too: "jumped 2.3 km in 15 s (550 km/h, 297.0 kn)" (session 17).

Directions are trajlm.llm.text's compass SECTORS and a step slower than its STOP_SPEED_MPS is
standing still, so the sentences read like the semantic text encoding of the same points.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.geometry import haversine, trajectory_offsets
from trajlm.llm.text import SECTORS, STOP_SPEED_MPS, encode

EXPLAIN_KINDS = ("frozen", "jump", "speed", "stop", "wrong_way", "detour", "unusual",
                 "went_dark")  # fmt: skip
# went_dark: a reporting gap while under way (trajlm/reason/anomaly_gaps.py); frozen: the
# position stood still while the reported speed said under way (session 18)
FROZEN_MIN_M = 200.0  # a frozen stretch said as the cause: the reports moved the ship this far
TURN_AROUND_DEG = 150.0  # a heading change this sharp between moving steps is a U-turn
MOVING_M = 12.0  # steps shorter than this have GPS-noise headings (noise ~5 m per axis)
KNOT_MPS = 1852.0 / 3600.0


def _kmh(v: float, knots: bool = False) -> str:
    """A speed (m/s) as said in the sentences: km/h, and knots for vessels."""
    return f"{3.6 * v:.0f} km/h" + (f", {v / KNOT_MPS:.1f} kn" if knots else "")


def vessel_trajectories(points: pl.DataFrame, start: np.ndarray) -> np.ndarray:
    """Per trajectory (``start``: its first row in ``points``, sorted by traj_id, t): whether
    it is a vessel's, to say its speeds in knots too: a reported speed in knots (AIS SOG,
    ``sog_kn``, ...; motion_columns.SPEED_NAMES) with a value, or ``source`` "AIS"."""
    from trajlm.data.column_names import normalised
    from trajlm.data.motion_columns import KNOT_MPS as KN
    from trajlm.data.motion_columns import SPEED_NAMES

    out = np.zeros(len(start), bool)
    if not len(points):
        return out
    rows = np.zeros(len(points), bool)
    for c in points.columns:
        if SPEED_NAMES.get(normalised(c)) == KN:
            rows |= points[c].cast(pl.Float64, strict=False).is_not_null().to_numpy()
    if "source" in points.columns:
        src = points["source"].cast(pl.Utf8).str.strip_chars().str.to_lowercase()
        rows |= (src == "ais").fill_null(False).to_numpy()
    return np.logical_or.reduceat(rows, start) if len(start) else out


def step_kinematics(t: np.ndarray, lat: np.ndarray, lon: np.ndarray, start: np.ndarray):
    """Per row: distance (m), dt (s), speed (m/s) and heading (deg, clockwise from north) of the
    step into it; NaN at first points."""
    first = np.zeros(len(t), bool)
    first[start] = True
    plat, plon = np.r_[lat[:1], lat[:-1]], np.r_[lon[:1], lon[:-1]]
    d = haversine(plat, plon, lat, lon)
    dt = np.diff(t, prepend=t[:1]).astype(np.float64)
    dx = np.radians(lon - plon) * np.cos(np.radians(lat)) * 6_371_008.8
    dy = np.radians(lat - plat) * 6_371_008.8
    head = np.degrees(np.arctan2(dx, dy)) % 360.0
    for a in (d, dt, head):
        a[first] = np.nan
    return d, dt, d / np.maximum(dt, 1.0), head


def still_speed(t, lat, lon, start: np.ndarray, length: np.ndarray, k: int = 3) -> np.ndarray:
    """Per row: mean speed (m/s) over the last `k` steps (fewer at a trajectory's start; NaN
    at first points). Over k steps GPS jitter of a few metres averages out, where one step
    of it can read as > 1 m/s and cut a stop in pieces."""
    rows = np.arange(len(t))
    first = np.repeat(start, length)
    back = np.maximum(rows - k, first)
    d = haversine(lat[back], lon[back], lat, lon)
    v = d / np.maximum((t - t[back]).astype(np.float64), 1.0)
    v[rows == first] = np.nan
    return v


def stop_runs(speed: np.ndarray, dt: np.ndarray, start: np.ndarray, length: np.ndarray):
    """Runs of consecutive stationary steps: (first row, last row, seconds) arrays."""
    traj = np.repeat(np.arange(len(start)), length)
    still = speed < STOP_SPEED_MPS  # NaN (first points) is not still
    same = np.r_[False, traj[1:] == traj[:-1]]  # row i and i-1 in one trajectory
    # one GPS-noise "step" between still ones does not end a stop (jitter of a few metres
    # reads as > 1 m/s now and then at short intervals)
    bridged = np.r_[False, still[:-2] & still[2:] & same[1:-1] & same[2:], False]
    still = still | bridged if len(still) > 2 else still
    new = still & ~np.r_[False, still[:-1] & same[1:]]
    run = np.cumsum(new) - 1
    rows = np.flatnonzero(still)
    if len(rows) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    g = pl.DataFrame({"run": run[rows], "row": rows, "dt": dt[rows]}).group_by(
        "run", maintain_order=True
    )
    agg = g.agg(pl.col("row").min().alias("lo"), pl.col("row").max().alias("hi"),
                pl.col("dt").sum().alias("s"))  # fmt: skip
    return agg["lo"].to_numpy(), agg["hi"].to_numpy(), agg["s"].to_numpy()


def usual_stats(points: pl.DataFrame) -> dict:
    """What normal data looks like (the calibration split): speed and step-length percentiles,
    stop durations, in m, s and m/s."""
    start, length = trajectory_offsets(points)
    t, lat, lon = (points[c].to_numpy() for c in ("t", "lat", "lon"))
    t = t.astype(np.int64)
    d, dt, v, _ = step_kinematics(t, lat, lon, start)
    ok = np.isfinite(v)
    _, _, stops = stop_runs(still_speed(t, lat, lon, start, length), dt, start, length)

    def q(a: np.ndarray, p: float, default: float) -> float:
        return float(np.quantile(a, p)) if len(a) else default

    return {
        "speed_p50_mps": q(v[ok], 0.5, 5.0),
        "speed_p99_mps": q(v[ok], 0.99, 20.0),
        "speed_p999_mps": q(v[ok], 0.999, 30.0),
        "step_p99_m": q(d[ok], 0.99, 300.0),
        "dt_p50_s": q(dt[ok], 0.5, 10.0),
        "stop_p50_s": q(stops, 0.5, 30.0),
        "stop_p95_s": q(stops, 0.95, 120.0),
    }


def when_where(tz: str | None, t: int, lat: float, lon: float, local: bool = False) -> str:
    """ "08:50 AEDT near (lat, lon)": the clock time in the caller's zone ``tz`` (UTC when
    None: Unix seconds or naive times in); ``local``: lat / lon are a `--crs local` plane's
    bookkeeping, said as "near x 12 m, y 30 m" (local36: the stand-in 1 N 1 E was shown)."""
    from trajlm.data.local_plane import plane_place

    where = plane_place(lat, lon) if local else f"({lat:.5f}, {lon:.5f})"
    if tz is None or tz == "UTC":
        return f"{datetime.fromtimestamp(int(t), UTC).strftime('%H:%M')} UTC near {where}"
    from zoneinfo import ZoneInfo

    clock = datetime.fromtimestamp(int(t), ZoneInfo(tz))
    return f"{clock.strftime('%H:%M')} {clock.tzname() or tz} near {where}"


def duration_text(s: float) -> str:
    return f"{s / 60:.0f} min" if s >= 600 else f"{s / 60:.1f} min" if s >= 60 else f"{s:.0f} s"


def distance_text(m: float) -> str:
    return f"{m / 1000:.1f} km" if m >= 1000 else f"{m:.0f} m"


def _loop(lat, lon, cum, lo: int, hi: int, min_len_m: float = 200.0):
    """The longest closed loop within rows [lo, hi]: (i, j) rows where the track comes back
    within 30 m of an earlier point after >= 4 steps and >= min_len_m of travel, else None."""
    idx = np.arange(lo, hi + 1)
    if len(idx) < 5:
        return None
    d = haversine(lat[idx, None], lon[idx, None], lat[None, idx], lon[None, idx])
    gap = idx[None, :] - idx[:, None]
    travel = cum[idx][None, :] - cum[idx][:, None]
    ok = (d < 30.0) & (gap >= 4) & (travel >= min_len_m)
    if not ok.any():
        return None
    i, j = np.unravel_index(np.where(ok, travel, -1.0).argmax(), ok.shape)
    return int(idx[i]), int(idx[j])


def _roundness(lat, lon, i: int, j: int) -> float:
    """4 pi area / perimeter^2 of the closed track i..j: 1 for a circle, ~0.75 for a loop
    around a block, ~0 for driving out and back along one street."""
    x, y = LocalProjection(float(lat[i]), float(lon[i])).forward(lat[i : j + 1], lon[i : j + 1])
    area = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
    per = np.hypot(np.diff(np.r_[x, x[:1]]), np.diff(np.r_[y, y[:1]])).sum()
    return float(4 * np.pi * area / max(per, 1e-9) ** 2)


def _frozen(t, lat, lon, d, dt, reported, A: int, B: int, tz, knots: bool, local: bool = False
            ) -> str | None:  # fmt: skip
    """The sentence for the longest frozen stretch (validity_sog.frozen_steps: the position
    stood still while the reports said under way) touching rows [A, B], when the reports
    moved the ship at least FROZEN_MIN_M over it; None otherwise."""
    from trajlm.reason.validity_limits import ValidityConfig
    from trajlm.reason.validity_sog import frozen_steps

    n = len(t)
    prev = np.maximum(np.arange(n) - 1, 0)
    has = np.arange(n) > 0
    frozen, expected, _ = frozen_steps(np.nan_to_num(d, nan=np.inf), dt, prev, has, reported,
                                       np.zeros(n, np.int64), ValidityConfig())  # fmt: skip
    if not frozen.any():
        return None
    new = frozen & ~np.r_[False, frozen[:-1]]
    run = np.cumsum(new) * frozen  # 1.. per stretch, 0 elsewhere
    best, best_m = 0, 0.0
    for k in np.unique(run[run > 0]):
        rows = np.flatnonzero(run == k)
        m = float(np.nansum(expected[rows]))
        if rows[0] - 1 <= B and rows[-1] >= A and m > best_m:
            best, best_m = k, m
    if best_m < FROZEN_MIN_M:
        return None
    rows = np.flatnonzero(run == best)
    i = rows[0] - 1  # the fix that was repeated
    secs = float(t[rows[-1]] - t[i])
    v = float(np.nanmedian(reported[rows]))
    return (
        f"position frozen {duration_text(secs)} from {when_where(tz, t[i], lat[i], lon[i], local)} while "
        f"reporting {_kmh(v, knots)}: the reports moved it {distance_text(best_m)} (a stuck "
        "transponder or GPS)"
    )


def explain_one(
    t: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    lo: int,
    hi: int,
    usual: dict,
    pad: int = 8,
    tz: str | None = None,
    knots: bool = False,
    reported: np.ndarray | None = None,
    local: bool = False,
) -> tuple[str, str]:
    """(kind, sentence) for rows [lo, hi] of ONE trajectory (arrays of its points); clock
    times in zone ``tz`` (the caller's; UTC when None); ``knots``: speeds in knots too;
    ``reported``: the reported speed (m/s, NaN where none) per point, e.g. AIS SOG; ``local``:
    places said as x / y metres of a `--crs local` plane."""
    n = len(t)
    t = np.asarray(t, np.int64)
    d, dt, v, head = step_kinematics(t, lat, lon, np.array([0]))
    A, B = max(lo - pad, 0), min(hi + pad, n - 1)
    r = np.arange(max(A, 1), B + 1)  # steps into these rows
    if len(r) == 0:
        return "unusual", f"too short to explain ({n} point{'s' * (n != 1)})"
    if reported is not None:  # a frozen position, before the jump that ends it
        reported = np.asarray(reported, np.float64)
        said = _frozen(t, lat, lon, d, dt, reported, A, B, tz, knots, local)
        if said:
            return "frozen", said
    v_top = usual["speed_p99_mps"]
    # jump: one step far longer than any normal one, at an impossible speed
    j = r[np.nanargmax(d[r])]
    if d[j] > max(3 * usual["step_p99_m"], 500.0) and v[j] > 2 * usual["speed_p999_mps"]:
        return "jump", (
            f"jumped {distance_text(d[j])} in {dt[j]:.0f} s ({_kmh(v[j], knots)}) at "
            f"{when_where(tz, t[j], lat[j], lon[j], local)}"
        )
    fast = r[v[r] > 1.5 * v_top]
    if len(fast):
        k = fast[np.argmax(v[fast])]
        said = ""
        if reported is not None:  # the mover's own log says far slower: a position glitch
            rep = np.fmax(reported[k], reported[k - 1])
            if np.isfinite(rep) and v[k] > 2.0 * rep + 2.0:
                said = f" while reporting {_kmh(float(rep), knots)} (a position glitch)"
        return "speed", (
            f"moved at {_kmh(v[k], knots)} for {dt[fast].sum():.0f} s from "
            f"{when_where(tz, t[fast[0]], lat[fast[0]], lon[fast[0]], local)}, {v[k] / v_top:.1f}x the "
            f"usual top speed ({_kmh(v_top, knots)}){said}"
        )
    one, whole = np.array([0]), np.array([n])
    s_lo, s_hi, secs = stop_runs(still_speed(t, lat, lon, one, whole), dt, one, whole)
    touch = (s_hi >= A) & (s_lo <= B)
    if touch.any():
        k = np.flatnonzero(touch)[np.argmax(secs[touch])]
        p95 = max(usual["stop_p95_s"], 1.0)
        if secs[k] > max(2 * p95, 120.0):
            i = max(int(s_lo[k]) - 1, 0)  # where the vehicle stood (the step's start point)
            return "stop", (
                f"stopped {duration_text(secs[k])} at {when_where(tz, t[i], lat[i], lon[i], local)}, "
                f"{secs[k] / p95:.1f}x longer than usual here (95 % of stops end within "
                f"{duration_text(p95)})"
            )
    cum = np.r_[0.0, np.nancumsum(d[1:])]  # distance travelled to each row
    loop = _loop(lat, lon, cum, max(A - 3 * pad, 0), min(B + 3 * pad, n - 1))
    if loop is not None and _roundness(lat, lon, *loop) >= 0.2:  # not a there-and-back
        i, k = loop
        return "detour", (
            f"left its route at {when_where(tz, t[i], lat[i], lon[i], local)} for a "
            f"{distance_text(cum[k] - cum[i])} loop ({duration_text(float(t[k] - t[i]))}) that came "
            "back to where it left"
        )
    moving = np.flatnonzero(d > MOVING_M)
    mv = moving[(moving >= max(A, 1)) & (moving <= B)]
    turn = np.abs((np.diff(head[mv]) + 180.0) % 360.0 - 180.0) if len(mv) > 1 else np.zeros(0)
    # a U-turn, unless the next moving step turns around again: that is a GPS spike (one
    # point off and back), not travel in the other direction
    sharp = turn >= TURN_AROUND_DEG
    around = np.flatnonzero(sharp & ~np.r_[sharp[1:], False] & ~np.r_[False, sharp[:-1]])
    if len(around):
        i = int(mv[around[0]])  # the turning point: where the step before the turn ends
        # how far back: until the next U-turn among all moving steps, or the segment's end
        later = moving[moving > mv[around[0]]]
        tt = np.abs((np.diff(head[later]) + 180.0) % 360.0 - 180.0) if len(later) > 1 else []
        nxt = np.flatnonzero(np.asarray(tt) >= TURN_AROUND_DEG)
        end = int(later[nxt[0]]) if len(nxt) else B
        back = cum[end] - cum[i]
        sector = SECTORS[int(np.rint(head[mv[around[0] + 1]] / 45.0)) % 8]  # after the turn
        again = ", then turned again" if len(nxt) else ""
        return "wrong_way", (
            f"turned around at {when_where(tz, t[i], lat[i], lon[i], local)} and drove "
            f"{distance_text(back)} back {sector} against its direction of travel{again}"
        )
    legs = encode(t[A : B + 1], lat[A : B + 1], lon[A : B + 1], "semantic").split("; ")[1:-1]
    seg = "; ".join(legs[:4]) + ("; ..." if len(legs) > 4 else "")
    if knots:  # "at 31 km/h" -> "at 31 km/h (16.7 kn)"
        seg = re.sub(r"(\d+) km/h", lambda m: f"{m[1]} km/h ({float(m[1]) / 1.852:.1f} kn)", seg)
    return (
        "unusual",
        f"moved unlike usual from {when_where(tz, t[A], lat[A], lon[A], local)}: {seg}",
    )


def explain_segments(
    points: pl.DataFrame,
    start: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    usual: dict,
    tz: str | None = None,
    local: bool = False,
) -> tuple[list[str], list[str]]:
    """(kinds, sentences) for each trajectory's segment [lo, hi] (global rows of `points`,
    sorted by traj_id, t). A loop over trajectories; the work inside is vectorized."""
    t = points["t"].to_numpy().astype(np.int64)
    lat, lon = points["lat"].to_numpy(), points["lon"].to_numpy()
    ends = np.r_[start[1:], len(points)]
    vessel = vessel_trajectories(points, np.asarray(start))
    from trajlm.data.clean_split import reported_speed

    rep = reported_speed(points)
    kinds, text = [], []
    for s, e, a, b, kn in zip(start, ends, lo, hi, vessel, strict=True):
        k, sentence = explain_one(t[s:e], lat[s:e], lon[s:e], int(a - s), int(b - s), usual,
                                  tz=tz, knots=bool(kn),
                                  reported=None if rep is None else rep[s:e], local=local)  # fmt: skip
        kinds.append(k)
        text.append(sentence)
    return kinds, text
