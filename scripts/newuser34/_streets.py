"""A rotated street grid and a mover on it, shared by newuser34's two generators.

Positions are local metres (x east, y north) about a city centre; `to_latlon` turns them into
degrees. Movers follow grid streets (L-shaped routes with a jog), slow at intersections, stop
at some lights, and report with GPS noise and the odd multipath outlier.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

M_PER_DEG = 111_320.0


def to_latlon(
    x: np.ndarray, y: np.ndarray, lat0: float, lon0: float
) -> tuple[np.ndarray, np.ndarray]:
    lat = lat0 + y / M_PER_DEG
    lon = lon0 + x / (M_PER_DEG * math.cos(math.radians(lat0)))
    return lat, lon


class Grid:
    """Streets every `block_m` metres, rotated by `angle_deg`, inside a square of half-width `half_m`."""

    def __init__(self, block_m: float, angle_deg: float, half_m: float):
        self.block = block_m
        self.cos, self.sin = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
        self.half = half_m

    def snap(self, u: float, v: float) -> tuple[float, float]:
        return round(u / self.block) * self.block, round(v / self.block) * self.block

    def to_xy(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return u * self.cos - v * self.sin, u * self.sin + v * self.cos

    def route(
        self, a: tuple[float, float], b: tuple[float, float], rng: np.random.Generator
    ) -> np.ndarray:
        """Grid-coordinate corner points from a to b: an L with one jog at a random street."""
        (ua, va), (ub, vb) = self.snap(*a), self.snap(*b)
        pts = [(ua, va)]
        if rng.random() < 0.5:  # east-west first, then a jog
            um = self.snap(ua + (ub - ua) * rng.uniform(0.3, 0.7), 0)[0]
            pts += [(um, va), (um, vb), (ub, vb)]
        else:
            vm = self.snap(0, va + (vb - va) * rng.uniform(0.3, 0.7))[1]
            pts += [(ua, vm), (ub, vm), (ub, vb)]
        out = [pts[0]]
        for p in pts[1:]:
            if p != out[-1]:
                out.append(p)
        return np.array(out, dtype=float)


def drive(
    corners: np.ndarray,
    cruise_mps: float,
    dt_s: float,
    rng: np.random.Generator,
    light_p: float = 0.25,
    light_s: tuple[float, float] = (10.0, 45.0),
    jitter_s: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Move along the corner polyline; returns (elapsed s, u, v) sampled every ~dt_s.

    Speed follows the cruise speed with slow noise, eases into each corner (turns at ~40 %),
    and waits at a red light with probability light_p at each corner.
    """
    seg = np.diff(corners, axis=0)
    seg_len = np.hypot(seg[:, 0], seg[:, 1])
    # a fine (1 s) simulation, sampled afterwards
    t, s, times, dists = 0.0, 0.0, [0.0], [0.0]
    total = float(seg_len.sum())
    bounds = np.concatenate([[0.0], np.cumsum(seg_len)])
    waited = set()
    speed = cruise_mps * rng.uniform(0.8, 1.1)
    while s < total - 0.5:
        nxt = bounds[np.searchsorted(bounds, s + 1e-6)]
        to_corner = nxt - s
        k = int(np.searchsorted(bounds, s + 1e-6))
        if to_corner < 3.0 and k not in waited and 0 < k < len(bounds) - 1:
            waited.add(k)
            if rng.random() < light_p:
                for _ in range(int(rng.uniform(*light_s))):
                    t += 1.0
                    times.append(t)
                    dists.append(s)
        speed += rng.normal(0, 0.08 * cruise_mps)
        speed = float(np.clip(speed, 0.5 * cruise_mps, 1.25 * cruise_mps))
        v = min(speed, 0.4 * cruise_mps + 0.35 * to_corner) if to_corner < 25 else speed
        s = min(total, s + max(v, 1.0))
        t += 1.0
        times.append(t)
        dists.append(s)
    times, dists = np.array(times), np.array(dists)
    sample_t = [0.0]
    while sample_t[-1] + dt_s < times[-1]:
        sample_t.append(sample_t[-1] + dt_s + (rng.uniform(-jitter_s, jitter_s) if jitter_s else 0))
    if times[-1] - sample_t[-1] > 0.5 * dt_s:
        sample_t.append(times[-1])
    st = np.array(sample_t)
    sd = np.interp(st, times, dists)
    u = np.interp(sd, bounds, corners[:, 0])
    v = np.interp(sd, bounds, corners[:, 1])
    return st, u, v


def gps_noise(
    n: int, rng: np.random.Generator, sigma_m: float, outlier_p: float
) -> tuple[np.ndarray, np.ndarray]:
    """Metres of error per fix: Gaussian plus rare 30-80 m multipath jumps."""
    dx, dy = rng.normal(0, sigma_m, n), rng.normal(0, sigma_m, n)
    out = rng.random(n) < outlier_p
    ang = rng.uniform(0, 2 * math.pi, out.sum())
    r = rng.uniform(30, 80, out.sum())
    dx[out] += r * np.cos(ang)
    dy[out] += r * np.sin(ang)
    return dx, dy


def write_rows(out: str, header: str, rows: list[tuple[str, ...]]) -> None:
    """The rows as a CSV file (the folder made), as the operator's export would be."""
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w") as f:
        f.write(header + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")
