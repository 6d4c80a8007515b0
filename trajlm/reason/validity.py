"""Physical validity of trajectories: each point passes or fails with a reason code and a reason.

Checks, in priority order (a point carries the first one it fails):

    code  name             fails when (step = this point and the previous one of its trajectory)
    1     missing          the point has no position
    2     time_backwards   its time is before the previous point's (in the caller's row order)
    3     duplicate_time   its time equals the previous point's
    4     teleport         the step is >= teleport_min_m long AND faster than teleport_factor x
                           the mode's speed limit (a jump no vehicle of that mode makes); a
                           single outlier's jump back is not a second one: the point after it
                           is judged by the step from the point before the outlier
    5     speed            the step is faster than the mode's speed limit
    6     acceleration     |speed change| / time between the two steps' mid-times is above the
                           mode's limit (both steps must be clean: a teleport is not also a jerk)
    7     off_road         (with a RoadGraph) farther than off_road_m from every road
    8     reported_speed   the step is far faster than the reported speed (SOG) at both ends: a
                           position glitch even under the mode's limit (checked after speed)
    9     frozen           the position barely moves while the reports at both ends say the
                           mover is under way (a frozen transponder; checked after the time
                           errors); the point after the frozen stretch is measured from its start

With a reported speed column (AIS SOG; session 17, trajlm/reason/validity_sog.py) a step that
agrees with the report at either end fails neither teleport nor speed.

Dense reports (a 2-s AIS feed): GPS noise over a 2-s step reads as m/s of speed and m/s^2 of
acceleration, so a step shorter than a baseline (ValidityConfig.baselines: >= 5 s, longer
for a low limit) fails speed / acceleration only when the point also fails measured back to
a point at least a baseline earlier; sampling at or above the baseline reads as before.
Limits and thresholds: trajlm/reason/validity_limits.py. Vessels' speeds are said in knots too.

Everything is vectorized over points (NumPy on flat arrays with a trajectory number per point);
`check_arrays` is the core the frame API (`check_validity`) and the batch checker of sampled
continuations (`trajlm.reason.regenerate`) share. Per point: `score` = min(1, limit / value)
of the worst check (1 = valid, 0.5 = twice a limit, 0 = missing or a time error).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection, median_lon
from trajlm.errors import TrajlmInputError, UserError
from trajlm.reason.validity_limits import (  # noqa: F401  (re-exported)
    ALIASES,
    DEFAULT_LIMITS,
    LIMITS_FORM,
    ModeLimits,
    ValidityConfig,
    _limit_name,
    _over_baseline,
)
from trajlm.reason.validity_sog import frozen_steps, lone_glitch, reported_speed, sog_checks
from trajlm.reason.validity_text import (  # noqa: F401  (re-exported)
    ACCEL,
    BACKWARDS,
    CODES,
    DUPLICATE,
    FROZEN,
    KNOT_MPS,
    KNOTS_MODES,
    MISSING,
    OFF_ROAD,
    OK,
    OUT_OF_RANGE,
    SOG,
    SPEED,
    TELEPORT,
    reason_texts,
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
    frozen, frozen_m = np.zeros(P, bool), np.full(P, np.nan)
    if reported_mps is not None:  # a frozen stretch: the point after it is measured from its start
        frozen, frozen_m, fp = frozen_steps(dist, dt, p, has_prev, reported_mps, start, cfg)
        moved = fp != p
        p = fp
        dt = np.where(moved, t - t[p], dt)
        dist = np.where(moved, np.hypot(x - x[p], y - y[p]), dist)
        with np.errstate(divide="ignore", invalid="ignore"):
            speed = np.where(moved, np.where(dt > 0, dist / dt, np.nan), speed)
    teleport = (dist >= cfg.teleport_min_m) & (speed > cfg.teleport_factor * max_speed)
    # One outlier (a GPS glitch) makes two teleports, the jump out and the jump back. Judge
    # the pair: when the step over it (from the point before it) is no teleport, the outlier
    # is blamed and the good point after it is measured from the point before the outlier.
    after = has_prev & teleport & has_prev[p] & teleport[p]
    b = np.where(after, p[p], 0)
    dt_b, dist_b = t - t[b], np.hypot(x - x[b], y - y[b])
    with np.errstate(divide="ignore", invalid="ignore"):
        speed_b = np.where(dt_b > 0, dist_b / dt_b, np.nan)
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
    agree = np.zeros(P, bool)
    sog = np.zeros(P, bool)
    sog_thr = np.full(P, np.nan)
    sog_val = speed  # the speed a reported_speed failure names (a blamed glitch's: its step out)
    if reported_mps is not None:
        rep = np.asarray(reported_mps, np.float64)
        agree, sog, sog_thr = sog_checks(speed, dt, p, has_prev, rep, cfg)
        # one bad fix makes two bad steps (out and back): the point after it is measured from
        # the point before it when that step agrees with the reports (or is within the mode)
        bad = sog | (~agree & (speed > max_speed))
        after = has_prev & bad & has_prev[p] & bad[p]
        q = np.where(after, p[p], 0)
        dt_q = np.where(after, t - t[q], np.nan)
        dist_q = np.hypot(x - x[q], y - y[q])
        with np.errstate(divide="ignore", invalid="ignore"):
            sp_q = np.where(dt_q > 0, dist_q / dt_q, np.nan)
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
    speed_b = _over_baseline(traj, t, x, y, missing, b_speed)[0]
    long_s = ~(dt < b_speed)  # NaN dt (first points) counts as long: nothing to re-measure
    speed_chk = np.where(long_s, speed, np.where(np.isfinite(speed_b),
                                                 np.fmin(speed, speed_b), np.nan))  # fmt: skip
    speed_fail = (speed_chk > max_speed) & ~agree
    fails = teleport | speed_fail | sog | frozen
    v_a, a_row, dt_a = _over_baseline(traj, t, x, y, missing, b_accel)
    ar = np.maximum(a_row, 0)
    aa = np.where(a_row >= 0, a_row[ar], -1)
    ok_b = (a_row >= 0) & (aa >= 0) & ~fails & ~fails[ar] & ~fails[np.maximum(aa, 0)]
    with np.errstate(invalid="ignore", divide="ignore"):
        accel_b = np.where(ok_b, np.abs(v_a - v_a[ar]) / (0.5 * (dt_a + dt_a[ar])), np.nan)
    short_a = (dt < b_accel) | (dt[pq] < b_accel)
    accel = np.where(short_a, np.minimum(accel, accel_b), accel)  # NaN: not judged

    code = np.zeros(P, np.int8)
    value = np.full(P, np.nan)
    limit = np.full(P, np.nan)
    ratio = np.ones(P)  # value / limit of the worst failed check (inf for time errors)
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
    if reported_mps is not None:  # the reports each sentence names (validity_sog.sog_reason)
        out["reported"] = np.asarray(reported_mps, np.float64)
        out["reported_before"] = np.where(has_prev, out["reported"][p], np.nan)
    return out


def off_road_distance(network: Any, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Metres from each point to the nearest road piece of a `trajlm.roads.RoadGraph` (NaN for a
    missing point); one STRtree query for all points."""
    import shapely

    lat, lon = np.asarray(lat, np.float64), np.asarray(lon, np.float64)
    out = np.full(len(lat), np.nan)
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any():
        return out
    x, y = network.projection.forward(lat[ok], lon[ok])
    tree, _ = network.segment_index()
    pts = shapely.points(np.stack([x, y], 1))
    (pi, _si), dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
    d = np.full(ok.sum(), np.nan)
    d[pi] = dist
    out[ok] = d
    return out


def summarize(points: pl.DataFrame) -> pl.DataFrame:
    """Per trajectory: n_points, n_invalid, valid (no failed point), score (the worst point's),
    valid_frac, and the first failed point's reason_code / reason."""
    return points.group_by("traj_id", maintain_order=True).agg(
        pl.len().alias("n_points"),
        (~pl.col("valid")).sum().alias("n_invalid"),
        pl.col("valid").all().alias("valid"),
        pl.col("score").min().alias("score"),
        pl.col("valid").mean().alias("valid_frac"),
        pl.col("reason_code").filter(~pl.col("valid")).first().fill_null("ok"),
        pl.col("reason").filter(~pl.col("valid")).first().fill_null(""),
    )


ROW = "__validity_row"


def check_frame(
    df: pl.DataFrame,
    mode: str | None = None,
    network: Any = None,
    config: ValidityConfig | None = None,
) -> pl.DataFrame:
    """Canonical table (traj_id, t, lat, lon, [label / mode], in the caller's row order within
    each trajectory) -> the same rows + valid, reason_code, reason, score, speed_mps.

    `mode`: one mode for every point; None reads a `mode` or `label` column (an unknown label
    reads as "any"), else "any"."""
    cfg = config or ValidityConfig()
    if mode is not None:
        modes = np.full(len(df), cfg.canonical_mode(mode), dtype=object)
    else:
        col = next((c for c in ("mode", "label") if c in df.columns), None)
        raw = (
            df[col].cast(pl.Utf8).fill_null("any") if col else pl.repeat("any", len(df), eager=True)
        )
        uniq = raw.unique().to_list()
        lut = {u: cfg.canonical_mode(u, strict=False) for u in uniq}
        modes = raw.replace_strict(lut, return_dtype=pl.Utf8).to_numpy().astype(object)
    lat = df["lat"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    lon = df["lon"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    # a coordinate off the globe (longitude 500) is no position: judged as missing, so its
    # neighbours are not a 12,000-km "teleport", then said as out of range (errnames18's finding)
    with np.errstate(invalid="ignore"):
        bad_lat, bad_lon = np.abs(lat) > 90, np.abs(lon) > 180
    outside, said = bad_lat | bad_lon, np.where(bad_lat, lat, lon)
    lat, lon = np.where(outside, np.nan, lat), np.where(outside, np.nan, lon)
    finite = np.isfinite(lat) & np.isfinite(lon)
    proj = network.projection if network is not None else LocalProjection(
        float(np.median(lat[finite])) if finite.any() else 0.0,
        median_lon(lon[finite]) if finite.any() else 0.0,
    )  # fmt: skip
    x, y = proj.forward(lat, lon)
    ids = df["traj_id"]
    traj = ((ids != ids.shift(1)).fill_null(True).cum_sum()).to_numpy()
    max_speed, max_accel = cfg.limits_of(modes)
    road = off_road_distance(network, lat, lon) if network is not None else None
    r = check_arrays(traj, df["t"].cast(pl.Float64).to_numpy(), x, y, max_speed, max_accel,
                     cfg, road, reported_speed(df))  # fmt: skip
    r["code"][outside], r["value"][outside] = OUT_OF_RANGE, said[outside]
    r["limit"][outside] = np.where(bad_lat, 90, 180)[outside]
    said = (r["reported"], r["reported_before"]) if "reported" in r else None
    reasons = reason_texts(r["code"], r["value"], r["limit"], r["speed_mps"], modes, cfg, said)
    return df.with_columns(
        valid=pl.Series(r["code"] == OK),
        reason_code=pl.Series(np.asarray(CODES)[r["code"]]),
        reason=pl.Series(reasons, dtype=pl.Utf8),
        score=pl.Series(r["score"]),
        speed_mps=pl.Series(r["speed_mps"]).fill_nan(None),
    )


def check_validity(
    data: Any,
    mode: str | None = None,
    network: Any = None,
    *,
    per: str = "point",
    config: ValidityConfig | None = None,
    limits: dict[str, Any] | None = None,
    **cols: Any,
) -> Any:
    """Check a frame of trajectories (Polars, pandas, GeoPandas, MovingPandas; columns
    detected like ``TrajLM.predict``) and return, in the caller's kind, one row per point
    (``per="point"``: valid, reason_code, reason, score, speed_mps) or per trajectory
    (``per="trajectory"``: n_points, n_invalid, valid, score, valid_frac, reason_code, reason).

    Rows keep the caller's order within each trajectory, so a time going backwards is seen
    (the model-input checks would refuse such a frame; this one reports it).
    """
    from trajlm.data.coerce import coerce, kind_of
    from trajlm.data.coerce_names import relabel
    from trajlm.data.coerce_out import from_canonical

    if per not in ("point", "trajectory"):
        raise UserError(f"per must be 'point' or 'trajectory', got {per!r}")
    cfg = config or ValidityConfig()
    if limits is not None and not isinstance(limits, dict):
        raise UserError(f"limits must be a dict, got {type(limits).__name__}", hint=LIMITS_FORM)
    if limits:
        cfg = replace(cfg, limits={**cfg.limits, **limits})
    cfg.table()  # bad limits: one line now, not only where a point reaches them
    kind = kind_of(data)
    tagged = data
    if kind == "polars":
        tagged = (data.collect() if isinstance(data, pl.LazyFrame) else data).with_row_index(ROW)
    elif kind in ("pandas", "geopandas"):
        tagged = data.copy(deep=False)
        tagged[ROW] = np.arange(len(data))
    df, layout = coerce(tagged, validate=False, source="validity input", **cols)
    if len(df) == 0:
        raise UserError("validity input: no points")
    with relabel(layout):  # in the caller's column names (errnames18)
        _check_ids(df)
    if ROW in df.columns:  # back to the caller's row order within each trajectory
        df = df.sort(["traj_id", ROW], maintain_order=True)
    out = check_frame(df, mode, network, cfg)
    if per == "trajectory":
        return from_canonical(summarize(out), layout=layout)
    if ROW in out.columns:
        out = out.sort(ROW).drop(ROW)
    return from_canonical(out, layout=layout)


def _check_ids(df: pl.DataFrame) -> None:
    """A point without a trajectory id belongs to no trajectory: refused in one line (it split
    its trajectory in two, each side judged alone, and was reported valid; errnames18)."""
    missing = df["traj_id"].is_null()
    if missing.any():
        row = int(df[ROW][int(missing.arg_max())]) if ROW in df.columns else None
        at = f" (first at row {row})" if row is not None else ""
        raise TrajlmInputError(
            f"missing value (null or NaN) in {int(missing.sum())} row(s){at}",
            path="validity input",
            field="traj_id",
            hint="give every point its trajectory's id, or drop those rows",
        )
