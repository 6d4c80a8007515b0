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

Everything is vectorized over points (NumPy on flat arrays with a trajectory number per point);
`check_arrays` is the core the frame API (`check_validity`) and the batch checker of sampled
continuations (`trajlm.reason.regenerate`) share. Per point: `score` = min(1, limit / value)
of the worst check (1 = valid, 0.5 = twice a limit, 0 = missing or a time error).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from numbers import Real
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection, median_lon
from trajlm.errors import UserError

CODES = ("ok", "missing", "time_backwards", "duplicate_time", "teleport", "speed",
         "acceleration", "off_road")  # fmt: skip
OK, MISSING, BACKWARDS, DUPLICATE, TELEPORT, SPEED, ACCEL, OFF_ROAD = range(len(CODES))


@dataclass(frozen=True)
class ModeLimits:
    """What a mode can physically do: top speed (m/s) and the largest |acceleration| (m/s^2)
    a GPS track of it shows at 5-60 s sampling (braking included)."""

    max_speed_mps: float
    max_accel_mps2: float


# Generous limits: a check should flag the impossible, not the unusual (that is anomaly
# detection's job). Sources: typical top speeds per mode with headroom for GPS noise.
DEFAULT_LIMITS: dict[str, ModeLimits] = {
    "walk": ModeLimits(3.0, 1.5),  # 10.8 km/h: a brisk walk, not a run
    "run": ModeLimits(7.0, 3.0),
    "bike": ModeLimits(14.0, 2.5),  # 50 km/h downhill
    "bus": ModeLimits(28.0, 2.5),  # 100 km/h
    "car": ModeLimits(50.0, 6.0),  # 180 km/h; hard braking ~ 8 m/s^2 is rare at >= 5 s sampling
    "train": ModeLimits(90.0, 2.0),  # 320 km/h
    "subway": ModeLimits(35.0, 2.0),
    "vessel": ModeLimits(26.0, 1.0),  # 50 knots
    "airplane": ModeLimits(300.0, 10.0),
    "any": ModeLimits(90.0, 8.0),  # unknown mode: the fastest ground mode
}
ALIASES = {"taxi": "car", "motorcycle": "car", "truck": "car", "boat": "vessel",
           "ship": "vessel", "railway": "train", "rail": "train", "metro": "subway",
           "walking": "walk", "running": "run", "bicycle": "bike", "cycling": "bike",
           "plane": "airplane", "unknown": "any"}  # fmt: skip


LIMITS_FORM = ("limits maps a mode to ModeLimits(max_speed_mps, max_accel_mps2) or a dict, e.g. "
               "{'bike': {'max_speed_mps': 10}}; modes: " + ", ".join(DEFAULT_LIMITS)
               + " (or a new one)")  # fmt: skip


def _limit_name(name: Any) -> str:
    """A ``limits`` key as the mode it overrides (aliases: taxi -> car); a name that is not a
    mode but close to one ("bikes", "speed") is refused rather than added as a new mode."""
    import difflib

    if not isinstance(name, str) or not name.strip():
        raise UserError(f"limits key {name!r}: not a mode name", hint=LIMITS_FORM)
    key = ALIASES.get(name.strip().lower(), name.strip().lower())
    if key in DEFAULT_LIMITS:
        return key
    fields = ("max_speed_mps", "max_accel_mps2", "speed", "accel", "max_speed", "max_accel")
    if key in fields:
        raise UserError(f"limits key {name!r} is a limit, not a mode", hint=LIMITS_FORM)
    close = difflib.get_close_matches(key, [*DEFAULT_LIMITS, *ALIASES], n=1, cutoff=0.8)
    if close:
        raise UserError(
            f"limits key {name!r} is not a mode; did you mean {close[0]!r}?", hint=LIMITS_FORM
        )
    return key


@dataclass
class ValidityConfig:
    """Thresholds; `limits` adds or overrides modes ({"bike": ModeLimits(10, 2)} or a dict
    {"bike": {"max_speed_mps": 10}})."""

    limits: dict[str, Any] = field(default_factory=dict)
    teleport_min_m: float = 1000.0  # shorter jumps are speed violations, not teleports
    teleport_factor: float = 3.0  # x the mode's speed limit
    off_road_m: float = 50.0  # distance to the nearest road that counts as off the network

    def table(self) -> dict[str, ModeLimits]:
        out = dict(DEFAULT_LIMITS)
        for name, lim in self.limits.items():
            key = _limit_name(name)
            if isinstance(lim, dict):
                unknown = set(lim) - {"max_speed_mps", "max_accel_mps2"}
                if unknown:
                    raise UserError(f"limits[{name!r}]: unknown key(s) {sorted(unknown)}",
                                    hint="use max_speed_mps and max_accel_mps2")  # fmt: skip
                lim = replace(out.get(key, DEFAULT_LIMITS["any"]), **lim)
            if not isinstance(lim, ModeLimits):
                raise UserError(
                    f"limits[{name!r}] = {lim!r}: not a ModeLimits or a dict", hint=LIMITS_FORM
                )
            for f, v in (
                ("max_speed_mps", lim.max_speed_mps),
                ("max_accel_mps2", lim.max_accel_mps2),
            ):
                ok = isinstance(v, Real) and not isinstance(v, bool) and math.isfinite(v)
                if not ok or v <= 0:
                    raise UserError(f"limits[{name!r}].{f} = {v!r}: must be a number > 0",
                                    hint=LIMITS_FORM)  # fmt: skip
            out[key] = lim
        return out

    def limits_of(self, modes: np.ndarray | list[str] | str) -> tuple[np.ndarray, np.ndarray]:
        """(max speed, max accel) per entry of `modes`; an unknown name is a UserError, except
        in a label column (`strict=False` path of ``modes_of``), where it reads as "any"."""
        table = self.table()
        names = np.atleast_1d(np.asarray(modes, dtype=object))
        uniq, inv = np.unique(names.astype(str), return_inverse=True)
        speed = np.array([table[m].max_speed_mps for m in uniq])
        accel = np.array([table[m].max_accel_mps2 for m in uniq])
        return speed[inv], accel[inv]

    def canonical_mode(self, mode: Any, strict: bool = True) -> str:
        m = ALIASES.get(str(mode).strip().lower(), str(mode).strip().lower())
        if m in self.table():
            return m
        if strict:
            raise UserError(f"unknown mode {mode!r}", hint=f"one of {sorted(self.table())}, "
                            "or add it with limits={name: ModeLimits(...)}")  # fmt: skip
        return "any"


def check_arrays(
    traj: np.ndarray,
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    max_speed: np.ndarray,
    max_accel: np.ndarray,
    config: ValidityConfig | None = None,
    road_dist_m: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The checks on flat arrays (P,) in row order; `traj` numbers the trajectories (rows of
    one trajectory contiguous), x / y are metres in any local plane (NaN = missing position),
    max_speed / max_accel the limits per point, road_dist_m the distance to the nearest road.

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
    over = after & (dt_b > 0) & ~jump_b
    p, dt = np.where(over, b, p), np.where(over, dt_b, dt)
    dist, speed = np.where(over, dist_b, dist), np.where(over, speed_b, speed)
    teleport = teleport & ~over
    # acceleration at a point: the change between the step into it and the step out of the
    # previous point's step (two clean consecutive steps), over the time between their middles
    clean = has_prev & (dt > 0) & ~teleport
    pp = np.where(has_prev & clean[p], p, -1)
    ok2 = pp >= 0
    pq = np.where(ok2, pp, 0)
    with np.errstate(invalid="ignore"):
        accel = np.where(ok2 & clean, np.abs(speed - speed[pq]) / (0.5 * (dt + dt[pq])), np.nan)

    code = np.zeros(P, np.int8)
    value = np.full(P, np.nan)
    limit = np.full(P, np.nan)
    ratio = np.ones(P)  # value / limit of the worst failed check (inf for time errors)
    road = road_dist_m if road_dist_m is not None else np.full(P, np.nan)
    checks = [  # (code, failed, value, limit), in priority order
        (MISSING, missing, np.full(P, np.nan), np.full(P, np.nan)),
        (BACKWARDS, dt < 0, dt, np.zeros(P)),
        (DUPLICATE, dt == 0, dt, np.zeros(P)),
        (TELEPORT, teleport, dist, np.full(P, cfg.teleport_min_m)),
        (SPEED, speed > max_speed, speed, max_speed),
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
        ratio = np.where(failed, np.maximum(ratio, r), ratio)
    return {"code": code, "value": value, "limit": limit, "score": 1.0 / ratio,
            "speed_mps": speed}  # fmt: skip


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


_REASONS = {  # code -> (template, number formats); {mode} is the point's mode
    MISSING: "no position",
    BACKWARDS: "time goes back {v:.0f} s from the previous point",
    DUPLICATE: "same timestamp as the previous point",
    TELEPORT: "jumps {v:.0f} m at {s:.1f} m/s, over {f:g}x the {mode} limit of {ms:.1f} m/s",
    SPEED: "{v:.1f} m/s ({kmh:.0f} km/h) is above the {mode} limit of {l:.1f} m/s",
    ACCEL: "acceleration {v:.1f} m/s^2 is above the {mode} limit of {l:.1f} m/s^2",
    OFF_ROAD: "{v:.0f} m from the nearest road (limit {l:.0f} m)",
}


def reason_texts(code, value, limit, speed, modes, config: ValidityConfig | None = None) -> list:
    """One sentence per point ("" for a valid one); formats only the failed points."""
    cfg = config or ValidityConfig()
    out = [""] * len(code)
    modes = np.broadcast_to(np.asarray(modes, dtype=object), (len(code),))
    max_speed, _ = cfg.limits_of(modes) if len(code) else (np.zeros(0), None)
    for i in np.flatnonzero(code):
        c = int(code[i])
        out[i] = _REASONS[c].format(v=abs(value[i]), l=limit[i], s=speed[i], mode=modes[i],
                                    kmh=value[i] * 3.6, f=cfg.teleport_factor,
                                    ms=max_speed[i])  # fmt: skip
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
                     cfg, road)  # fmt: skip
    reasons = reason_texts(r["code"], r["value"], r["limit"], r["speed_mps"], modes, cfg)
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
    if ROW in df.columns:  # back to the caller's row order within each trajectory
        df = df.sort(["traj_id", ROW], maintain_order=True)
    out = check_frame(df, mode, network, cfg)
    if per == "trajectory":
        return from_canonical(summarize(out), layout=layout)
    if ROW in out.columns:
        out = out.sort(ROW).drop(ROW)
    return from_canonical(out, layout=layout)
