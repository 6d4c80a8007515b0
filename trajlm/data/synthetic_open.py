"""Synthetic open-road motion: vessels, ferries, highway and rural traffic, trains.

The synthetic city (synthetic.py) is all grid streets: blocks of 200-250 m, turns, red lights.
A model trained on it and on city taxis has never seen a vehicle keep its speed and heading
for minutes, and predicts one to brake (session 11: trajlm-small was 2-28x worse than
constant velocity on straight steady tracks at 15-60 s). This generator draws what lies
between the grid and the ocean, each trip with its own physics, so that no single data set's
speeds, sampling or noise are the only ones seen:
- speed: a per-trip cruise speed (log-uniform), changed now and then (a new cruise level
  approached at a bounded acceleration) and, for some trips, one stop with a dwell;
- heading: an Ornstein-Uhlenbeck turn rate around 0 (per-trip strength, log-uniform): from
  ruler-straight tracks to gently winding roads;
- sampling: a per-trip interval (log-uniform, jittered), per-trip Gaussian GPS noise and rare
  outliers 50-150 m off.
Only `np.random.default_rng(seed)` is used: the same config gives a bit-identical table.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.schema import conform


@dataclass
class OpenMotionConfig:
    """Ranges are drawn per trip, log-uniform between their ends."""

    n_trajectories: int = 400
    seed: int = 0
    center_lat: float = 38.7  # the Tagus estuary: ferries, bridges, motorways
    center_lon: float = -9.2
    spread_km: float = 30.0  # trips start within this distance of the centre
    sample_interval_s: tuple[float, float] = (1.0, 120.0)
    speed_mps: tuple[float, float] = (1.5, 35.0)
    gps_noise_m: tuple[float, float] = (1.0, 15.0)  # std per axis
    turn_rate_deg_s: tuple[float, float] = (0.005, 1.0)  # std of the turn rate
    turn_memory_s: float = 60.0  # the turn rate's correlation time
    speed_changes_per_h: float = 3.0
    speed_change: tuple[float, float] = (0.6, 1.4)  # new cruise = old x this
    accel_mps2: float = 0.5
    p_stop: float = 0.2  # share of trips with one stop
    dwell_s: tuple[float, float] = (30.0, 600.0)
    outlier_rate: float = 0.002
    min_points: int = 24
    max_points: int = 120
    start_date: str = "2024-01-01"
    n_days: int = 28

    def __post_init__(self) -> None:
        for name in ("sample_interval_s", "speed_mps", "gps_noise_m", "turn_rate_deg_s",
                     "speed_change", "dwell_s"):  # fmt: skip
            lo, hi = getattr(self, name)
            if not 0 < lo <= hi:
                raise ValueError(f"{name} must be [low, high] with 0 < low <= high, got {lo, hi}")
        if self.n_trajectories < 1 or not 2 <= self.min_points <= self.max_points:
            raise ValueError("need n_trajectories >= 1 and 2 <= min_points <= max_points")


def _log_uniform(rng: np.random.Generator, lo_hi: tuple[float, float], n: int | None = None):
    lo, hi = lo_hi
    return np.exp(rng.uniform(math.log(lo), math.log(hi), n))


def _speed_profile(cfg: OpenMotionConfig, rng, n: int, h: float) -> np.ndarray:
    """(n,) speed (m/s) on a grid of h seconds: cruise levels approached at accel_mps2."""
    target = np.full(n, _log_uniform(rng, cfg.speed_mps))
    n_changes = rng.poisson(cfg.speed_changes_per_h * n * h / 3600.0)
    for at in np.sort(rng.integers(0, n, n_changes)):
        target[at:] = target[at] * _log_uniform(rng, cfg.speed_change)
    if rng.random() < cfg.p_stop:
        at = int(rng.integers(n // 4, max(n // 4 + 1, 3 * n // 4)))
        target[at : at + max(1, int(_log_uniform(rng, cfg.dwell_s) / h))] = 0.0
    v = np.empty(n)  # follow the target at bounded acceleration
    v[0], dv = target[0], cfg.accel_mps2 * h
    for k in range(1, n):
        v[k] = v[k - 1] + np.clip(target[k] - v[k - 1], -dv, dv)
    return v


def _heading(cfg: OpenMotionConfig, rng, n: int, h: float) -> np.ndarray:
    """(n,) heading (rad) on a grid of h seconds: integrated Ornstein-Uhlenbeck turn rate."""
    sigma = math.radians(float(_log_uniform(rng, cfg.turn_rate_deg_s)))
    a = math.exp(-h / cfg.turn_memory_s)
    kick = sigma * math.sqrt(1 - a * a) * rng.standard_normal(n)
    rate = np.empty(n)
    rate[0] = sigma * rng.standard_normal()
    for k in range(1, n):
        rate[k] = a * rate[k - 1] + kick[k]
    return rng.uniform(0, 2 * np.pi) + np.cumsum(rate) * h


def _trip(cfg: OpenMotionConfig, rng) -> tuple[np.ndarray, np.ndarray]:
    """One trip -> fix times (m,) int seconds from its start and positions (m, 2) metres."""
    base = float(_log_uniform(rng, cfg.sample_interval_s))
    m = int(rng.integers(cfg.min_points, cfg.max_points + 1))
    steps = np.maximum(np.round(base * rng.uniform(0.9, 1.1, m - 1)), 1.0)
    t = np.r_[0.0, np.cumsum(steps)]
    h = max(1.0, base / 4)  # simulation grid: a few points per fix
    n = int(t[-1] / h) + 2
    v, psi = _speed_profile(cfg, rng, n, h), _heading(cfg, rng, n, h)
    path = np.cumsum(np.stack([v * np.cos(psi), v * np.sin(psi)], 1) * h, 0)
    grid = np.arange(n) * h
    xy = np.stack([np.interp(t, grid, path[:, i]) for i in (0, 1)], 1)
    xy += rng.normal(0.0, float(_log_uniform(rng, cfg.gps_noise_m)), xy.shape)
    outlier = rng.random(m) < cfg.outlier_rate
    ang, r = rng.uniform(0, 2 * np.pi, m), rng.uniform(50.0, 150.0, m)
    xy[outlier] += np.stack([r * np.cos(ang), r * np.sin(ang)], 1)[outlier]
    start = rng.normal(0.0, cfg.spread_km * 1000 / 2, 2)
    return t.astype(np.int64), xy + start


def generate_open_motion(config: OpenMotionConfig | None = None, **overrides) -> pl.DataFrame:
    """The canonical table (traj_id, t, lat, lon, label "open") of `n_trajectories` trips;
    keyword overrides replace fields of `config` (as a corpus spec's table gives them)."""
    overrides = {k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()}
    cfg = dataclasses.replace(config or OpenMotionConfig(), **overrides)
    rng = np.random.default_rng(cfg.seed)
    midnight = datetime.fromisoformat(cfg.start_date).replace(tzinfo=UTC).timestamp()
    proj = LocalProjection(cfg.center_lat, cfg.center_lon)
    width = max(6, len(str(cfg.n_trajectories - 1)))
    frames = []
    for j in range(cfg.n_trajectories):
        t, xy = _trip(cfg, rng)
        t0 = int(midnight + rng.integers(0, cfg.n_days * 86400))
        lat, lon = proj.inverse(xy[:, 0], xy[:, 1])
        frames.append(pl.DataFrame({"traj_id": f"open-{j:0{width}d}", "t": t0 + t,
                                    "lat": lat, "lon": lon, "label": "open"}))  # fmt: skip
    return conform(pl.concat(frames))
