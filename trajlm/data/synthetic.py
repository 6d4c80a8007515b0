"""Synthetic city: realistic-looking urban GPS trajectories on a generated road graph.

The embedded default dataset for the demo and for tests without real data. What it models:
- a jittered grid city with fast arterials, diagonal avenues, missing blocks and traffic lights
  (`trajlm/data/roads.py`);
- a few hundred users with a home and a work node who make commute trips at rush hours and
  other trips during the day (weekends flatter), by car, bus (fixed lines with stops), bike, walk;
- routes are shortest paths (travel time for cars, distance for bikes and pedestrians), chained
  when a trip is too short to give `min_points` fixes;
- kinematics with constant acceleration: cruise speed by mode and road kind (slower at rush hour
  for motor traffic), braking for turns, red lights and bus stops with dwell;
- irregular sampling (per-trip base interval, jitter, missed fixes), Gaussian GPS noise and rare
  multipath outliers 50-150 m off.

Everything is vectorized over all legs and fixes except route planning (a short loop per trip).
Only `np.random.default_rng(seed)` is used: the same config gives a bit-identical table.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np
import polars as pl
from scipy.sparse.csgraph import shortest_path

from trajlm.data.features import LocalProjection
from trajlm.data.roads import RoadNetwork, make_grid_network
from trajlm.data.schema import conform
from trajlm.data.synthetic_kinematics import CRUISE_RANGE, MAX_FACTOR, leg_knots, trip_legs

MODES = ("car", "bus", "bike", "walk")


@dataclass
class CityConfig:
    """Synthetic city parameters (units in names)."""

    n_trajectories: int = 1000
    seed: int = 0
    center_lat: float = 45.07  # Turin
    center_lon: float = 7.69
    utc_offset_h: float = 1.0  # local time = UTC + offset (CET in March)
    grid_size: int = 12  # intersections per side
    block_m: float = 200.0
    node_jitter_m: float = 12.0
    n_arterials: int = 3
    n_diagonals: int = 2
    removed_edge_frac: float = 0.05
    n_bus_lines: int = 6
    n_users: int | None = None  # default: n_trajectories / 4, at most 500
    gps_noise_m: float = 5.0  # std per axis
    outlier_rate: float = 0.005
    sample_interval_s: tuple[float, float] = (5.0, 30.0)
    missed_fix_rate: float = 0.03
    min_points: int = 12
    max_points: int = 200
    start_date: str = "2024-03-04"  # a Monday
    n_days: int = 14
    modes: dict[str, float] = field(
        default_factory=lambda: {"car": 0.4, "bus": 0.2, "bike": 0.2, "walk": 0.2}
    )


@dataclass
class SyntheticCity:
    """Generated points (canonical table + ground truth), the road graph and the projection."""

    points: pl.DataFrame  # canonical + label, user_id, speed_mps, segment_id, segment_frac
    roads: RoadNetwork
    projection: LocalProjection
    bus_lines: list[np.ndarray]  # node sequence of each bus line
    config: CityConfig


def generate_city(config: CityConfig | None = None, **overrides) -> SyntheticCity:
    """Generate a synthetic city; keyword overrides replace fields of `config`."""
    cfg = dataclasses.replace(config or CityConfig(), **overrides)
    _check(cfg)
    rng = np.random.default_rng(cfg.seed)
    roads = make_grid_network(
        rng, cfg.grid_size, cfg.block_m, cfg.n_arterials, cfg.n_diagonals,
        cfg.node_jitter_m, cfg.removed_edge_frac,
    )  # fmt: skip
    trips = _plan_trips(cfg, roads, rng)
    legs = trip_legs(roads, trips, rng)
    knots = leg_knots(legs)
    pts = _sample(cfg, trips, knots, rng)
    table = _to_table(cfg, roads, trips, legs, knots, pts, rng)
    proj = LocalProjection(cfg.center_lat, cfg.center_lon)
    return SyntheticCity(table, roads, proj, trips["bus_lines"], cfg)


def _check(cfg: CityConfig) -> None:
    if cfg.n_trajectories < 1:
        raise ValueError(f"n_trajectories must be >= 1, got {cfg.n_trajectories}")
    unknown = set(cfg.modes) - set(MODES)
    if unknown or not cfg.modes or min(cfg.modes.values()) < 0 or sum(cfg.modes.values()) <= 0:
        raise ValueError(f"modes must map a subset of {MODES} to weights >= 0; got {cfg.modes}")
    lo, hi = cfg.sample_interval_s
    if not 1.0 <= lo <= hi:
        raise ValueError(f"sample_interval_s must satisfy 1 <= lo <= hi, got {(lo, hi)}")
    if not 2 <= cfg.min_points <= cfg.max_points:
        raise ValueError("need 2 <= min_points <= max_points")


# ---------------------------------------------------------------------------------------------
# Trips: who, when, how, along which nodes


def _departures(cfg: CityConfig, rng: np.random.Generator, n: int):
    """Day index, local hour (float) and weekday flag per trip, from a daily profile."""
    day = rng.integers(0, cfg.n_days, n)
    weekday = (date.fromisoformat(cfg.start_date).weekday() + day) % 7 < 5
    comp = rng.random(n)
    hour = np.where(
        weekday,
        np.select(
            [comp < 0.25, comp < 0.5, comp < 0.62],
            [rng.normal(8.0, 0.9, n), rng.normal(17.8, 1.2, n), rng.normal(12.8, 1.0, n)],
            rng.uniform(6.5, 22.5, n),
        ),
        np.where(comp < 0.5, rng.normal(14.0, 3.0, n), rng.uniform(8.0, 22.0, n)),
    )
    return day, np.clip(hour, 0.0, 23.95), weekday


def _path(pred: np.ndarray, o: int, d: int) -> list[int]:
    out = [d]
    while out[-1] != o:
        out.append(int(pred[o, out[-1]]))
    return out[::-1]


def _plan_trips(cfg: CityConfig, roads: RoadNetwork, rng: np.random.Generator) -> dict:
    n, n_nodes = cfg.n_trajectories, roads.n_nodes
    names = [m for m in MODES if m in cfg.modes]
    w = np.array([cfg.modes[m] for m in names], dtype=np.float64)
    mode_ids = np.array([MODES.index(m) for m in names])
    n_users = cfg.n_users or min(500, max(1, math.ceil(n / 4)))

    # Users: home, work and a usual mode; a trip uses the usual mode 80 % of the time, so the
    # overall mix still follows `cfg.modes`.
    home, work = rng.integers(0, n_nodes, n_users), rng.integers(0, n_nodes, n_users)
    user_mode = mode_ids[rng.choice(len(w), n_users, p=w / w.sum())]
    user = np.sort(rng.integers(0, n_users, n))
    mode = np.where(
        rng.random(n) < 0.8, user_mode[user], mode_ids[rng.choice(len(w), n, p=w / w.sum())]
    )
    day, hour, weekday = _departures(cfg, rng, n)
    lo, hi = cfg.sample_interval_s
    interval_s = rng.uniform(lo, hi, n)
    # Lower bound on the trip time needed for min_points fixes (+ margin for missed fixes).
    need_s = (cfg.min_points + 2) * interval_s * 1.25

    # Travel-time lower bounds (s) for cars (limits) and distances for bikes/pedestrians.
    limit = roads.speed_limit_mps
    t_car, pred_car = shortest_path(
        roads.graph(roads.edge_length_m / limit), return_predecessors=True
    )
    d_len, pred_len = shortest_path(roads.graph(), return_predecessors=True)
    v_max = CRUISE_RANGE[:, 1]
    est = [t_car / MAX_FACTOR[0], t_car / MAX_FACTOR[1], d_len / v_max[2], d_len / v_max[3]]

    # Bus lines: fastest paths between opposite sides of the city, stops at every other node.
    x, y = roads.node_xy_m.T
    q = lambda a, f: np.quantile(a, f)  # noqa: E731
    side = [x < q(x, 0.15), x > q(x, 0.85), y < q(y, 0.15), y > q(y, 0.85)]
    bus_lines = []
    for k in range(max(cfg.n_bus_lines, 1)):
        a, b = (0, 1) if k % 2 == 0 else (2, 3)
        o, d = (int(rng.choice(np.flatnonzero(side[i]))) for i in (a, b))
        bus_lines.append(np.array(_path(pred_car, o, d)))

    nodes_out, stop_out = [], []
    for j in range(n):
        m, u = int(mode[j]), int(user[j])
        if m == 1:  # bus: ride a piece of a line, in either direction
            line = bus_lines[int(rng.integers(len(bus_lines)))]
            stops = np.arange(len(line)) % 2 == 0
            if rng.random() < 0.5:
                line, stops = line[::-1], stops[::-1]
            leg_t = np.r_[0.0, np.cumsum(t_car[line[:-1], line[1:]])] / MAX_FACTOR[1]
            starts = np.flatnonzero(leg_t[-1] - leg_t >= need_s[j])
            i0 = int(rng.choice(starts)) if len(starts) else 0
            i1 = int(np.searchsorted(leg_t, leg_t[i0] + need_s[j]))
            i1 = min(i1 + int(rng.integers(0, 4)), len(line) - 1)
            nodes_out.append(line[i0 : i1 + 1])
            stop_out.append(stops[i0 : i1 + 1])
            continue
        pred = pred_car if m == 0 else pred_len
        commute = weekday[j] and rng.random() < 0.6
        if commute and hour[j] < 11:
            o, d = home[u], work[u]
        elif commute and hour[j] > 15:
            o, d = work[u], home[u]
        else:
            o = home[u] if rng.random() < 0.5 else int(rng.integers(n_nodes))
            d = int(rng.integers(n_nodes))
        path, total = [int(o)], 0.0
        # Chain destinations (errands) until the trip is long enough for min_points fixes.
        while True:
            if d != path[-1]:
                total += est[m][path[-1], d]
                path += _path(pred, path[-1], int(d))[1:]
            if total >= need_s[j] and len(path) > 1:
                break
            far = np.flatnonzero(est[m][path[-1]] >= need_s[j] - total)
            d = int(rng.choice(far)) if len(far) else int(np.argmax(est[m][path[-1]]))
        nodes_out.append(np.array(path))
        stop_out.append(np.zeros(len(path), bool))
    return {
        "mode": mode, "user": user, "day": day, "hour": hour, "weekday": weekday,
        "interval_s": interval_s, "nodes": nodes_out, "bus_stop": stop_out,
        "bus_lines": bus_lines, "mode_names": names,
    }  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Sampling, noise, table


def _sample(cfg: CityConfig, trips: dict, knots: dict, rng: np.random.Generator) -> dict:
    """Integer fix times per trip (seconds from departure) and the global time of each fix."""
    dur = knots["duration_s"]
    # Keep min_points reachable on the rare trip that came out short.
    base = np.maximum(np.minimum(trips["interval_s"], dur / (1.4 * cfg.min_points + 2)), 1.0)
    n_gen = np.minimum(
        np.ceil(dur / np.maximum(np.round(0.85 * base), 1.0)) + 2, cfg.max_points * 2
    )
    n_gen = n_gen.astype(np.int64)
    traj = np.repeat(np.arange(len(dur)), n_gen)
    lo, hi = cfg.sample_interval_s
    # Jittered steps stay inside the configured range (unless a short trip needed a faster rate).
    step = np.round(base[traj] * rng.uniform(0.85, 1.15, len(traj)))
    step = np.clip(step, np.ceil(np.minimum(lo, base))[traj], max(hi, 1.0))
    offset = np.floor(rng.uniform(0.0, base))  # trips start mid-leg
    first = np.r_[0, np.cumsum(n_gen)[:-1]]
    step[first] = offset
    c = np.cumsum(step)
    t_rel = c - np.repeat(c[first] - offset, n_gen)
    keep = t_rel <= dur[traj]
    missed = (rng.random(len(traj)) < cfg.missed_fix_rate) & (step > 0)
    missed[first] = False
    # Missed fixes only where the trip keeps min_points fixes anyway.
    n_kept = np.bincount(traj, weights=keep & ~missed, minlength=len(dur))
    keep &= ~(missed & (n_kept >= cfg.min_points)[traj])
    traj, t_rel = traj[keep], t_rel[keep]
    counts = np.bincount(traj, minlength=len(dur))
    rank = np.arange(len(traj)) - np.repeat(np.cumsum(counts) - counts, counts)
    keep = rank < cfg.max_points  # long trips are cut: they end mid-route
    traj, t_rel = traj[keep], t_rel[keep]
    return {"traj": traj, "t_rel": t_rel.astype(np.int64), "t_global": knots["t0"][traj] + t_rel}


def _to_table(
    cfg: CityConfig,
    roads: RoadNetwork,
    trips: dict,
    legs: dict,
    knots: dict,
    pts: dict,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Positions, true speed and road segment at each fix, then noise, outliers and lat/lon."""
    # Exact position on the constant-acceleration piece that contains each fix.
    kt, ks, kv = knots["t"], knots["s"], knots["v"]
    i = np.clip(np.searchsorted(kt, pts["t_global"], side="right") - 1, 0, len(kt) - 2)
    tau = pts["t_global"] - kt[i]
    span = kt[i + 1] - kt[i]
    acc = np.where(span > 0, (kv[i + 1] - kv[i]) / np.where(span > 0, span, 1.0), 0.0)
    s = ks[i] + kv[i] * tau + 0.5 * acc * tau**2
    speed = np.maximum(kv[i] + acc * tau, 0.0)

    leg = np.clip(np.searchsorted(knots["leg_s0"], s, side="right") - 1, 0, len(legs["u"]) - 1)
    frac = np.clip((s - knots["leg_s0"][leg]) / legs["length"][leg], 0.0, 1.0)
    xy = roads.node_xy_m
    pos = xy[legs["u"][leg]] + frac[:, None] * (xy[legs["v"][leg]] - xy[legs["u"][leg]])
    edge = legs["edge"][leg]
    forward = roads.edges[edge, 0] == legs["u"][leg]
    seg_frac = np.where(forward, frac, 1.0 - frac)

    n = len(s)
    pos = pos + rng.normal(0.0, cfg.gps_noise_m, (n, 2))
    outlier = rng.random(n) < cfg.outlier_rate
    ang, r = rng.uniform(0, 2 * np.pi, n), rng.uniform(50.0, 150.0, n)
    pos[outlier] += np.stack([r * np.cos(ang), r * np.sin(ang)], 1)[outlier]
    lat, lon = LocalProjection(cfg.center_lat, cfg.center_lon).inverse(pos[:, 0], pos[:, 1])

    midnight = datetime.fromisoformat(cfg.start_date).replace(tzinfo=UTC).timestamp()
    depart = np.floor(midnight + trips["day"] * 86400 + (trips["hour"] - cfg.utc_offset_h) * 3600)
    width = max(6, len(str(cfg.n_trajectories - 1)))
    ids = pl.Series([f"syn-{j:0{width}d}" for j in range(cfg.n_trajectories)])
    users = pl.Series([f"user-{u:04d}" for u in range(int(trips["user"].max()) + 1)])
    modes = pl.Series(list(MODES))
    tj = pts["traj"]
    df = pl.DataFrame(
        {
            "traj_id": ids.gather(tj),
            "t": depart.astype(np.int64)[tj] + pts["t_rel"],
            "lat": lat,
            "lon": lon,
            "user_id": users.gather(trips["user"][tj]),
            "label": modes.gather(trips["mode"][tj]),
            "speed_mps": speed,
            "segment_id": edge.astype(np.int64),
            "segment_frac": seg_frac,
        }
    )
    return conform(df)
