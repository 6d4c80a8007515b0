"""A seeded football match's optical player tracking in pitch metres (newuser36's persona).

A sports scientist's club exports tracking of one match: 22 players and the ball on a
105 x 68 m pitch, two halves. Writes under OUT (default $NEWUSER36/raw or /tmp/newuser36/raw):

  metrica_style.csv    one row per frame (25 Hz): Period, Frame, Time [s] (seconds since the
                       match's first frame, as Metrica's sample data), Home_1_x, Home_1_y, ...,
                       Away_25_x, Away_25_y, Ball_x, Ball_y; x / y in metres with the origin at a
                       corner (0..105, 0..68); a substitute's columns are empty until he comes on,
                       the replaced player's after he goes off; the ball's empty when out of play
  long_style.csv       Second Spectrum / TRACAB-like long rows at 12.5 Hz (every 2nd frame): period, frame,
                       timestamp (wall clock, ISO UTC), team, jersey, player_id, x, y with the
                       origin at the centre spot (-52.5..52.5, -34..34); the ball is player_id
                       "ball"
  truth/players.csv    per player and half: distance (m), sprints (> 7 m/s for >= 1 s), top
                       speed, from the 25 Hz truth (what `ask` should answer)

Motion: each player keeps a formation slot that shifts with the ball, wanders around it and now
and then sprints (the two nearest the ball chase it); the ball is passed between team-mates at
12-25 m/s and held 1-4 s. Speeds are capped at ~9.5 m/s for players.
"""

from __future__ import annotations

import argparse
import csv
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

PITCH_X, PITCH_Y = 105.0, 68.0
KICKOFF = datetime(2026, 11, 28, 15, 0, 0, tzinfo=UTC)
SECOND_HALF_GAP_S = 15 * 60 + 37.0  # half-time
FORMATION = [  # 4-4-2 for the team attacking +x, (x, y) in metres from the corner
    (5, 34),
    (25, 10),
    (22, 26),
    (22, 42),
    (25, 58),
    (45, 10),
    (42, 28),
    (42, 40),
    (45, 58),
    (62, 28),
    (62, 40),
]
HOME_NUMBERS = [1, 2, 5, 6, 3, 7, 4, 8, 11, 9, 10]
AWAY_NUMBERS = [25, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]
HOME_SUB = (9, 14)  # Home_9 off, Home_14 on at the substitution minute of the second half


def _simulate_half(rng: np.random.Generator, n: int, hz: float, home_left: bool) -> np.ndarray:
    """(n, 23, 2) positions: 11 home, 11 away, the ball; NaN ball when out of play."""
    dt = 1.0 / hz
    slots = np.array(FORMATION, dtype=float)
    home_slots = slots if home_left else np.column_stack([PITCH_X - slots[:, 0], slots[:, 1]])
    away_slots = np.column_stack([PITCH_X - home_slots[:, 0], PITCH_Y - home_slots[:, 1]])
    base = np.vstack([home_slots, away_slots])
    pos = base + rng.normal(0, 2, base.shape)
    vel = np.zeros_like(pos)
    top = rng.uniform(8.3, 9.5, 22)  # each player's top speed (m/s)
    wander = rng.normal(0, 4, base.shape)
    out = np.full((n, 23, 2), np.nan)
    holder = int(rng.integers(9, 11))  # kick-off taker
    ball = np.array([PITCH_X / 2, PITCH_Y / 2])
    hold_left, flight, dead_left = rng.uniform(0.5, 2), None, 0.0
    for i in range(n):
        if i % int(hz * 3) == 0:
            wander = 0.7 * wander + rng.normal(0, 3, base.shape)
        shift = np.array([(ball[0] - PITCH_X / 2) * 0.45, (ball[1] - PITCH_Y / 2) * 0.35])
        target = base + shift + wander
        d_ball = np.hypot(*(pos - ball).T)
        chasers = np.argsort(d_ball)[:2] if flight is None and dead_left <= 0 else []
        for c in chasers:
            target[c] = ball
        target = np.clip(target, [1, 1], [PITCH_X - 1, PITCH_Y - 1])
        want = target - pos
        dist = np.hypot(*want.T)[:, None]
        cap = np.where(np.isin(np.arange(22), chasers), top, np.minimum(top, 5.5))[:, None]
        desired = want / np.maximum(dist, 1e-9) * np.minimum(cap, dist * 0.8)
        vel += (desired - vel) * min(1.0, 1.5 * dt)  # ~0.7 s to reach a new velocity
        speed = np.hypot(*vel.T)[:, None]
        vel = np.where(speed > top[:, None], vel / speed * top[:, None], vel)
        pos += vel * dt
        if dead_left > 0:  # out of play: ball missing from the feed
            dead_left -= dt
            if dead_left <= 0:
                holder = int(np.argmin(np.hypot(*(pos - ball).T)))
                hold_left = rng.uniform(1, 3)
        elif flight is not None:
            start, end, t_left, t_all, to = flight
            t_left -= dt
            ball = end + (start - end) * max(t_left, 0) / t_all
            flight = (start, end, t_left, t_all, to) if t_left > 0 else None
            if flight is None:
                holder = to
                hold_left = rng.uniform(1, 4)
                if rng.random() < 0.04:  # out for a throw-in / goal kick
                    dead_left = rng.uniform(5, 25)
        else:
            ball = pos[holder] + vel[holder] * 0.1
            hold_left -= dt
            if hold_left <= 0:
                team = range(11) if holder < 11 else range(11, 22)
                if rng.random() < 0.2:  # lost to the other team
                    team = range(11, 22) if holder < 11 else range(11)
                mates = [j for j in team if j != holder]
                to = int(rng.choice(mates))
                end = pos[to] + vel[to] * 0.8
                t_all = max(np.hypot(*(end - ball)) / rng.uniform(12, 25), 0.2)
                flight = (ball.copy(), end, t_all, t_all, to)
        ball = np.clip(ball, [0, 0], [PITCH_X, PITCH_Y])
        out[i, :22] = pos
        if dead_left <= 0:
            out[i, 22] = ball
    return out


def _truth(tracks: np.ndarray, hz: float) -> list[tuple[float, int, float]]:
    """Per player (of 22): distance (m), sprints (> 7 m/s held >= 1 s), top speed (m/s)."""
    rows = []
    for j in range(22):
        p = tracks[:, j]
        ok = ~np.isnan(p[:, 0])
        step = np.hypot(*np.diff(p[ok], axis=0).T)
        speed = step * hz
        fast = np.concatenate([[False], speed > 7.0, [False]]).astype(int)
        edges = np.flatnonzero(np.diff(fast))
        runs = edges[1::2] - edges[::2]
        rows.append((float(step.sum()), int((runs >= hz).sum()), float(speed.max())))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("NEWUSER36", "/tmp/newuser36")) / "raw"
    ap.add_argument("--out", type=Path, default=default)
    ap.add_argument("--minutes", type=float, default=15.0, help="minutes per half")
    ap.add_argument("--seed", type=int, default=36)
    ap.add_argument("--kickoff", default=KICKOFF.isoformat(), help="ISO time of the first frame")
    args = ap.parse_args()
    kickoff = datetime.fromisoformat(args.kickoff.replace("Z", "+00:00"))
    rng = np.random.default_rng(args.seed)
    hz = 25.0
    n = int(args.minutes * 60 * hz)
    halves = [_simulate_half(rng, n, hz, home_left=True), _simulate_half(rng, n, hz, False)]
    sub_frame = int(n * 0.4)  # in the second half
    names = [f"Home_{k}" for k in HOME_NUMBERS] + [f"Away_{k}" for k in AWAY_NUMBERS]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "truth").mkdir(exist_ok=True)
    cols = [*names, f"Home_{HOME_SUB[1]}"]
    off = names.index(f"Home_{HOME_SUB[0]}")
    with open(args.out / "metrica_style.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["Period", "Frame", "Time [s]"] + [f"{c}_{a}" for c in [*cols, "Ball"] for a in "xy"]
        )
        frame = 0
        for period, tr in enumerate(halves, start=1):
            start_s = 0.0 if period == 1 else n / hz
            for i in range(n):
                frame += 1
                p = tr[i]
                sub = np.full(2, np.nan)
                players = p[:22].copy()
                if period == 2 and i >= sub_frame:
                    sub = players[off].copy()
                    players[off] = np.nan
                vals = [*players.reshape(-1), *sub, *p[22]]
                cells = ["" if np.isnan(v) else f"{v:.2f}" for v in vals]
                w.writerow([period, frame, f"{start_s + i / hz:.2f}", *cells])
    with open(args.out / "long_style.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["period", "frame", "timestamp", "team", "jersey", "player_id", "x", "y"])
        step = int(hz / 10)
        for period, tr in enumerate(halves, start=1):
            t0 = kickoff + (
                timedelta(0) if period == 1 else timedelta(seconds=n / hz + SECOND_HALF_GAP_S)
            )
            for i in range(0, n, step):
                ts = (
                    (t0 + timedelta(seconds=i / hz))
                    .isoformat(timespec="milliseconds")
                    .replace("+00:00", "Z")
                )
                frame = (period - 1) * 100_000 + i // step
                for j in range(23):
                    x, y = tr[i, j]
                    if np.isnan(x):
                        continue
                    if j == 22:
                        team, jersey, pid = "ball", "", "ball"
                    else:
                        team = "home" if j < 11 else "away"
                        jersey = str((HOME_NUMBERS + AWAY_NUMBERS)[j])
                        pid = f"{team[0].upper()}{jersey}"
                        if period == 2 and i >= sub_frame and j == off:
                            jersey, pid = str(HOME_SUB[1]), f"H{HOME_SUB[1]}"
                    w.writerow(
                        [
                            period,
                            frame,
                            ts,
                            team,
                            jersey,
                            pid,
                            f"{x - PITCH_X / 2:.2f}",
                            f"{y - PITCH_Y / 2:.2f}",
                        ]
                    )
    with open(args.out / "truth" / "players.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["half", "player", "distance_m", "sprints_over_7mps", "top_speed_mps"])
        for period, tr in enumerate(halves, start=1):
            for name, (dist, sprints, top) in zip(names, _truth(tr, hz), strict=True):
                w.writerow([period, name, f"{dist:.1f}", sprints, f"{top:.2f}"])
    print(f"wrote {args.out}/metrica_style.csv ({2 * n} frames), long_style.csv, truth/players.csv")


if __name__ == "__main__":
    main()
