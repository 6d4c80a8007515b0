"""Seeded pedestrians on a plaza (newuser37's persona: ETH / UCY, TrajNet++, SDD).

People enter at one edge and walk to a goal at another (crossing flows), at a preferred speed
drawn from 1.0-1.6 m/s, steering a little around each other; some walk in groups of 2-3 side
by side; some stop for a while (a shop window, a phone) and walk on. Positions are metres on a
plane, sampled every 0.4 s (2.5 Hz, the ETH / UCY annotation rate). Synthetic: it says the
pipeline works, not how people really walk. Never copied from a data set."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DT = 0.4  # s: ETH / UCY annotate every 10th frame of 25 fps video
WIDTH, HEIGHT = 30.0, 20.0  # m: the plaza


@dataclass
class Walker:
    ped: int
    t0: int  # first step index
    xy: np.ndarray  # (n, 2) metres


def _edge_point(rng: np.random.Generator, side: int) -> np.ndarray:
    if side == 0:
        return np.array([0.0, rng.uniform(2, HEIGHT - 2)])
    if side == 1:
        return np.array([WIDTH, rng.uniform(2, HEIGHT - 2)])
    if side == 2:
        return np.array([rng.uniform(2, WIDTH - 2), 0.0])
    return np.array([rng.uniform(2, WIDTH - 2), HEIGHT])


def simulate(seed: int, n_peds: int = 40, steps: int = 900) -> list[Walker]:
    """``n_peds`` people (ids 1..) over ``steps`` steps of 0.4 s; groups share a start and goal."""
    rng = np.random.default_rng(seed)
    plans = []  # (t0, start, goal, speed, stop_at, stop_len)
    ped = 0
    while ped < n_peds:
        side = int(rng.integers(4))
        start, goal = _edge_point(rng, side), _edge_point(rng, side ^ 1)
        t0 = int(rng.integers(0, steps - 120))
        speed = rng.uniform(1.0, 1.6)
        size = int(rng.choice([1, 1, 1, 2, 2, 3]))
        stop_at = int(rng.integers(15, 40)) if rng.random() < 0.25 else -1
        stop_len = int(rng.integers(8, 25))
        normal = np.array([-(goal - start)[1], (goal - start)[0]])
        normal /= np.linalg.norm(normal) + 1e-9
        for k in range(min(size, n_peds - ped)):
            off = normal * 0.7 * (k - (size - 1) / 2)
            plans.append((t0, start + off, goal + off, speed, stop_at, stop_len))
            ped += 1
    pos = np.array([p[1] for p in plans], dtype=float)
    vel = np.zeros_like(pos)
    alive = np.zeros(len(plans), dtype=bool)
    done = np.zeros(len(plans), dtype=bool)
    tracks: list[list[np.ndarray]] = [[] for _ in plans]
    first = [-1] * len(plans)
    for t in range(steps):
        for i, plan in enumerate(plans):
            if t == plan[0]:
                alive[i] = True
                first[i] = t
        for i, (t0, _s, goal, speed, stop_at, stop_len) in enumerate(plans):
            if not alive[i] or done[i]:
                continue
            age = t - t0
            to_goal = goal - pos[i]
            dist = np.linalg.norm(to_goal)
            want = to_goal / (dist + 1e-9) * speed
            if stop_at >= 0 and stop_at <= age < stop_at + stop_len:
                want = np.zeros(2)
            push = np.zeros(2)
            for j in np.flatnonzero(alive & ~done):
                if j != i:
                    d = pos[i] - pos[j]
                    r = np.linalg.norm(d)
                    if 0 < r < 1.5 and plans[j][2] is not goal:
                        push += d / r * (1.5 - r) * 0.8
            vel[i] += (want - vel[i]) * 0.5 + push * DT + rng.normal(0, 0.05, 2)
            pos[i] = pos[i] + vel[i] * DT
            tracks[i].append(pos[i].copy())
            if dist < 0.8 or not (-1 < pos[i][0] < WIDTH + 1 and -1 < pos[i][1] < HEIGHT + 1):
                done[i] = True
    return [Walker(i + 1, first[i], np.array(tr)) for i, tr in enumerate(tracks) if len(tr) >= 20]


def parse_args(doc: str, seed: int, count: str = "--peds", n: int = 40) -> argparse.Namespace:
    """The generators' options: --out (default $NEWUSER37/raw), --seed, and how many movers;
    --out is made."""
    ap = argparse.ArgumentParser(description=doc)
    default = Path(os.environ.get("NEWUSER37", "/tmp/newuser37")) / "raw"
    ap.add_argument("--out", type=Path, default=default)
    ap.add_argument("--seed", type=int, default=seed)
    ap.add_argument(count, type=int, default=n)
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    return a
