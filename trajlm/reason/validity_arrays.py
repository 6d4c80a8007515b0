"""The vectorized core of the validity checks: ``check_arrays`` on flat arrays (one trajectory
number per point). The checks, their codes and the frame API are described in
trajlm/reason/validity.py, which re-exports this function."""

from __future__ import annotations

import numpy as np

from trajlm.reason.validity_limits import ValidityConfig, speeds_over_baseline
from trajlm.reason.validity_sog import frozen_steps, lone_glitch, sog_checks, step_from
from trajlm.reason.validity_text import (
    ACCEL,
    BACKWARDS,
    DUPLICATE,
    FROZEN,
    MISSING,
    OFF_ROAD,
    SOG,
    SPEED,
    TELEPORT,
)


def check_arrays(
    traj: np.ndarray,
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    max_speed: np.ndarray,
    max_accel: np.ndarray,
    config: ValidityConfig | None = None,
    road_dist_m: np.ndarray | None = None,
    reported_mps: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The checks on flat arrays (P,) in row order; `traj` numbers the trajectories (rows of
    one trajectory contiguous), x / y are metres in any local plane (NaN = missing position),
    max_speed / max_accel the limits per point, road_dist_m the distance to the nearest road,
    reported_mps the reported speed per point (NaN: none; validity_sog.py).

    Returns code (P,) int8, value (P,) and limit (P,) of the failed check (NaN when valid),
    score (P,) in [0, 1], speed_mps (P,) of the step into each point (NaN for a first point).
    """
    cfg = config or ValidityConfig()
    traj = np.asarray(traj)
    t, x, y = (np.asarray(a, np.float64) for a in (t, x, y))
    P = len(t)
    missing, first, start, has_prev, p, dt, dist, speed = _steps_into(traj, t, x, y)
    frozen, frozen_m = np.zeros(P, bool), np.full(P, np.nan)
    if reported_mps is not None:  # a frozen stretch: the point after it is measured from its start
        frozen, frozen_m, fp = frozen_steps(dist, dt, p, has_prev, reported_mps, start, cfg)
        moved = fp != p
        p = fp
        dt = np.where(moved, t - t[p], dt)
        dist = np.where(moved, np.hypot(x - x[p], y - y[p]), dist)
        with np.errstate(divide="ignore", invalid="ignore"):
            speed = np.where(moved, np.where(dt > 0, dist / dt, np.nan), speed)
    teleport, second, p, dt, dist, speed = _glitch_pairs(
        t, x, y, max_speed, cfg, has_prev, p, dt, dist, speed
    )
    agree = np.zeros(P, bool)
    sog = np.zeros(P, bool)
    sog_thr = np.full(P, np.nan)
    sog_val = speed  # the speed a reported_speed failure names (a blamed glitch's: its step out)
    if reported_mps is not None:
        rep = np.asarray(reported_mps, np.float64)
        agree, sog, sog_thr, sog_val, teleport, p, dt, dist, speed = _reported_steps(
            t, x, y, max_speed, rep, cfg, first, has_prev, second, teleport, p, dt, dist, speed
        )
    speed_chk, speed_fail, accel = _speed_and_accel(
        traj, t, x, y, missing, max_speed, max_accel, cfg, has_prev, p, dt, speed, teleport, agree,
        sog, frozen,
    )  # fmt: skip
    road = road_dist_m if road_dist_m is not None else np.full(P, np.nan)
    checks = [  # (code, failed, value, limit), in priority order
        (MISSING, missing, np.full(P, np.nan), np.full(P, np.nan)),
        (BACKWARDS, dt < 0, dt, np.zeros(P)),
        (DUPLICATE, dt == 0, dt, np.zeros(P)),
        (FROZEN, frozen, dist, frozen_m),
        (TELEPORT, teleport, dist, np.full(P, cfg.teleport_min_m)),
        (SPEED, speed_fail, speed_chk, max_speed),
        (SOG, sog, sog_val, sog_thr),
        (ACCEL, accel > max_accel, accel, max_accel),
        (OFF_ROAD, road > cfg.off_road_m, road, np.full(P, cfg.off_road_m)),
    ]
    out = _verdict(checks, cfg, speed, dist, frozen_m, max_speed)
    if reported_mps is not None:  # the reports each sentence names (validity_sog.sog_reason)
        out["reported"] = np.asarray(reported_mps, np.float64)
        out["reported_before"] = np.where(has_prev, out["reported"][p], np.nan)
    return out


def _steps_into(
    traj: np.ndarray, t: np.ndarray, x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Each point's step from its previous point with a position in the same trajectory:
    missing, first (of its trajectory), start (its trajectory's first row), has_prev, p (the
    previous row), dt, dist and speed (NaN where there is no step)."""
    P = len(t)
    missing = ~(np.isfinite(x) & np.isfinite(y))
    # Each point's previous point with a position, within the same trajectory.
    idx = np.where(missing, -1, np.arange(P))
    prev = np.maximum.accumulate(np.r_[-1, idx[:-1]]) if P else idx
    first = np.r_[True, traj[1:] != traj[:-1]] if P else np.zeros(0, bool)
    start = np.maximum.accumulate(np.where(first, np.arange(P), 0)) if P else idx
    has_prev = ~missing & (prev >= start) & (prev >= 0)
    p = np.where(has_prev, prev, 0)
    dt = np.where(has_prev, t - t[p], np.nan)
    dist = np.where(has_prev, np.hypot(x - x[p], y - y[p]), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(dt > 0, dist / dt, np.nan)
    return missing, first, start, has_prev, p, dt, dist, speed


def _glitch_pairs(
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    max_speed: np.ndarray,
    cfg: ValidityConfig,
    has_prev: np.ndarray,
    p: np.ndarray,
    dt: np.ndarray,
    dist: np.ndarray,
    speed: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Teleports, with one outlier's jump out and back judged as a pair: teleport, second (two
    positions taking turns) and the steps (p, dt, dist, speed) with the point after a blamed
    outlier measured from the point before it."""
    teleport = (dist >= cfg.teleport_min_m) & (speed > cfg.teleport_factor * max_speed)
    # One outlier (a GPS glitch) makes two teleports, the jump out and the jump back. Judge
    # the pair: when the step over it (from the point before it) is no teleport, the outlier
    # is blamed and the good point after it is measured from the point before the outlier.
    after = has_prev & teleport & has_prev[p] & teleport[p]
    b = np.where(after, p[p], 0)
    dt_b, dist_b, speed_b = step_from(b, t, x, y)
    jump_b = (dist_b >= cfg.teleport_min_m) & (speed_b > cfg.teleport_factor * max_speed)
    # ... unless the outlier sits where the one before it sat: two positions taking turns
    # (two ships on one MMSI) make a second track, not glitches
    o = np.where(after & teleport[b] & has_prev[b], p[b], b)
    pj = np.where(after, p, 0)
    dt_o, dist_o = t[pj] - t[o], np.hypot(x[pj] - x[o], y[pj] - y[o])
    with np.errstate(divide="ignore", invalid="ignore"):
        second = (
            (o != b)
            & (dt_o > 0)
            & ~((dist_o >= cfg.teleport_min_m) & (dist_o / dt_o > cfg.teleport_factor * max_speed))
        )
    over = after & (dt_b > 0) & ~jump_b & ~second
    p, dt = np.where(over, b, p), np.where(over, dt_b, dt)
    dist, speed = np.where(over, dist_b, dist), np.where(over, speed_b, speed)
    teleport = teleport & ~over
    return teleport, second, p, dt, dist, speed


def _reported_steps(
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    max_speed: np.ndarray,
    rep: np.ndarray,
    cfg: ValidityConfig,
    first: np.ndarray,
    has_prev: np.ndarray,
    second: np.ndarray,
    teleport: np.ndarray,
    p: np.ndarray,
    dt: np.ndarray,
    dist: np.ndarray,
    speed: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The steps judged against the reported speed (validity_sog.py): agree, sog (failed),
    sog_thr, sog_val (the speed a failure names), teleport (less those the reports agree with)
    and the steps re-measured around one bad fix."""
    agree, sog, sog_thr = sog_checks(speed, dt, p, has_prev, rep, cfg)
    # one bad fix makes two bad steps (out and back): the point after it is measured from
    # the point before it when that step agrees with the reports (or is within the mode)
    bad = sog | (~agree & (speed > max_speed))
    after = has_prev & bad & has_prev[p] & bad[p]
    q = np.where(after, p[p], 0)
    dt_q, dist_q, sp_q = step_from(q, t, x, y, where=after)
    agree_q, sog_q, _ = sog_checks(sp_q, dt_q, q, after & (dt_q > 0), rep, cfg)
    clear = after & (dt_q > 0) & ~sog_q & (agree_q | (sp_q <= max_speed)) & ~second
    p, dt = np.where(clear, q, p), np.where(clear, dt_q, dt)
    dist, speed = np.where(clear, dist_q, dist), np.where(clear, sp_q, speed)
    agree = np.where(clear, agree_q, agree)
    sog, sog_thr = sog & ~clear, np.where(clear, np.nan, sog_thr)
    # a glitch whose step out fails but whose step in passed: blame it, not the point after
    calm_next = np.r_[~bad[1:] & ~first[1:], False]  # the step out of the point passed
    blame = lone_glitch(t, x, y, p, has_prev, sog, bad, second | ~calm_next, rep, cfg)
    sog_val = speed.copy()
    if blame.any():
        j, g = np.flatnonzero(blame), p[blame]
        sog_val[g], sog_thr[g], sog[g], sog[j] = speed[j], sog_thr[j], True, False
        p[j] = p[g]
        dt[j], dist[j] = t[j] - t[p[j]], np.hypot(x[j] - x[p[j]], y[j] - y[p[j]])
        speed[j], agree[j], sog_thr[j] = dist[j] / dt[j], True, np.nan
    teleport = teleport & ~agree
    return agree, sog, sog_thr, sog_val, teleport, p, dt, dist, speed


def _speed_and_accel(
    traj: np.ndarray,
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    missing: np.ndarray,
    max_speed: np.ndarray,
    max_accel: np.ndarray,
    cfg: ValidityConfig,
    has_prev: np.ndarray,
    p: np.ndarray,
    dt: np.ndarray,
    speed: np.ndarray,
    teleport: np.ndarray,
    agree: np.ndarray,
    sog: np.ndarray,
    frozen: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The speed checked (over a baseline where a step is shorter), whether it fails, and the
    acceleration into each point (NaN: not judged)."""
    # acceleration at a point: the change between the step into it and the step out of the
    # previous point's step (two clean consecutive steps), over the time between their middles
    clean = has_prev & (dt > 0) & ~teleport
    pp = np.where(has_prev & clean[p], p, -1)
    ok2 = pp >= 0
    pq = np.where(ok2, pp, 0)
    with np.errstate(invalid="ignore"):
        accel = np.where(ok2 & clean, np.abs(speed - speed[pq]) / (0.5 * (dt + dt[pq])), np.nan)
    # noise-aware: a step shorter than its baseline fails only when it also fails measured
    # over the baseline (the value said is the smaller); with no point a baseline back it is
    # within GPS noise and not judged on speed / acceleration
    b_speed, b_accel = cfg.baselines(np.asarray(max_speed, float), np.asarray(max_accel, float))
    speed_b = speeds_over_baseline(traj, t, x, y, missing, b_speed)[0]
    long_s = ~(dt < b_speed)  # NaN dt (first points) counts as long: nothing to re-measure
    speed_chk = np.where(long_s, speed, np.where(np.isfinite(speed_b),
                                                 np.fmin(speed, speed_b), np.nan))  # fmt: skip
    speed_fail = (speed_chk > max_speed) & ~agree
    fails = teleport | speed_fail | sog | frozen
    v_a, a_row, dt_a = speeds_over_baseline(traj, t, x, y, missing, b_accel)
    ar = np.maximum(a_row, 0)
    aa = np.where(a_row >= 0, a_row[ar], -1)
    ok_b = (a_row >= 0) & (aa >= 0) & ~fails & ~fails[ar] & ~fails[np.maximum(aa, 0)]
    with np.errstate(invalid="ignore", divide="ignore"):
        accel_b = np.where(ok_b, np.abs(v_a - v_a[ar]) / (0.5 * (dt_a + dt_a[ar])), np.nan)
    short_a = (dt < b_accel) | (dt[pq] < b_accel)
    accel = np.where(short_a, np.minimum(accel, accel_b), accel)  # NaN: not judged
    return speed_chk, speed_fail, accel


def _verdict(
    checks: list,
    cfg: ValidityConfig,
    speed: np.ndarray,
    dist: np.ndarray,
    frozen_m: np.ndarray,
    max_speed: np.ndarray,
) -> dict[str, np.ndarray]:
    """code, value and limit of each point's highest-priority failed check, its score (1 /
    the worst value-over-limit ratio) and speed_mps."""
    P = len(speed)
    code = np.zeros(P, np.int8)
    value = np.full(P, np.nan)
    limit = np.full(P, np.nan)
    ratio = np.ones(P)  # value / limit of the worst failed check (inf for time errors)
    for c, failed, val, lim in reversed(checks):  # the highest priority is written last
        code = np.where(failed, c, code)
        value = np.where(failed, val, value)
        limit = np.where(failed, lim, limit)
    for c, failed, val, lim in checks:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.inf if c in (MISSING, BACKWARDS, DUPLICATE) else val / lim
        if c == TELEPORT:
            r = speed / (cfg.teleport_factor * max_speed)
        if c == FROZEN:  # the expected metres over the moved ones (at least the GPS noise)
            r = frozen_m / np.fmax(dist, cfg.gps_noise_m)
        ratio = np.where(failed, np.maximum(ratio, r), ratio)
    out = {"code": code, "value": value, "limit": limit, "score": 1.0 / ratio,
           "speed_mps": speed}  # fmt: skip
    return out
