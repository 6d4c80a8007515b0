"""Synthetic city kinematics: per-mode constants, the speed profile of each leg and its knots.

Split from synthetic.py (which plans trips and samples fixes): this file turns a planned route
into a piecewise constant-acceleration profile (cruise by mode and road kind, braking for turns,
red lights and bus stops with dwell). Only the generator passed in draws random numbers, in the
same order as before the split, so the same config gives a bit-identical table.
"""

from __future__ import annotations

import numpy as np

from trajlm.data.roads import ARTERIAL, LOCAL, RoadNetwork

# Per mode: acceleration and braking (m/s^2), speed through a sharp turn (m/s),
# probability of stopping at a traffic light, cruise-speed range (fraction of the limit for
# motor traffic, m/s for bikes and pedestrians).
ACCEL_MPS2 = np.array([2.0, 1.0, 1.0, 0.5])
BRAKE_MPS2 = np.array([2.5, 1.2, 1.5, 0.5])
TURN_SPEED_MPS = np.array([4.5, 3.5, 3.0, 99.0])
P_RED_LIGHT = np.array([0.4, 0.4, 0.35, 0.3])
CRUISE_RANGE = np.array([[0.8, 1.05], [0.65, 0.85], [4.0, 6.0], [1.2, 1.6]])
# Fastest plausible speed per mode on each road kind, for trip-duration lower bounds.
MAX_FACTOR = np.array([1.05, 0.85, 1.0, 1.0])
GAP = 1.0  # metres / seconds between trips on the global distance and time axes


def _rush(hour: np.ndarray) -> np.ndarray:
    """0..1 rush-hour intensity (weekday morning and evening peaks)."""
    return np.exp(-0.5 * ((hour - 8.0) / 1.0) ** 2) + np.exp(-0.5 * ((hour - 17.8) / 1.2) ** 2)


# ---------------------------------------------------------------------------------------------
# Legs (one edge traversal each) and their speed profile


def trip_legs(roads: RoadNetwork, trips: dict, rng: np.random.Generator) -> dict:
    nodes = trips["nodes"]
    n_legs = np.array([len(p) - 1 for p in nodes])
    traj = np.repeat(np.arange(len(nodes)), n_legs)
    u = np.concatenate([p[:-1] for p in nodes])
    v = np.concatenate([p[1:] for p in nodes])
    stop_at_end = np.concatenate([s[1:] for s in trips["bus_stop"]])
    edge = roads.edge_index()[u, v]
    assert (edge >= 0).all(), "route uses a non-edge"
    xy = roads.node_xy_m
    length = roads.edge_length_m[edge]
    heading = np.arctan2(*(xy[v] - xy[u])[:, ::-1].T)
    kind = roads.edge_kind[edge]
    mode = trips["mode"][traj]

    # Cruise speed: per-trip habit x per-leg variation; motor traffic is slower at rush hour
    # on main roads (congestion), which gives the model a time-of-day effect to learn.
    habit = rng.uniform(CRUISE_RANGE[trips["mode"], 0], CRUISE_RANGE[trips["mode"], 1])[traj]
    per_leg = rng.uniform(0.9, 1.1, len(traj))
    limit = roads.speed_limit_mps[edge]
    motor = mode <= 1
    jam = 1.0 - 0.35 * np.clip(_rush(trips["hour"]), 0, 1)[traj] * trips["weekday"][traj]
    jam = np.where(motor & (kind != LOCAL), jam, 1.0)
    cruise = np.where(motor, habit * limit * jam, np.minimum(habit, limit)) * per_leg
    cruise = np.where((mode == 0) & (kind == ARTERIAL), np.clip(cruise, 8.0, 15.0), cruise)

    # Speed and dwell at the node ending each leg: through, turning, red light, bus stop.
    last = np.r_[traj[1:] != traj[:-1], True]
    nxt = np.minimum(np.arange(len(traj)) + 1, len(traj) - 1)
    turn = np.abs((heading[nxt] - heading + np.pi) % (2 * np.pi) - np.pi)
    v_end = np.minimum(cruise, cruise[nxt])
    v_end = np.where(turn > np.radians(30), np.minimum(v_end, TURN_SPEED_MPS[mode]), v_end)
    red = roads.node_signal[v] & (rng.random(len(traj)) < P_RED_LIGHT[mode])
    dwell = np.where(red, rng.uniform(5.0, 45.0, len(traj)), 0.0)
    dwell = np.where(stop_at_end, np.maximum(dwell, rng.uniform(10.0, 30.0, len(traj))), dwell)
    stop = red | stop_at_end | last | (turn > np.radians(150))
    v_end = np.where(stop, 0.0, v_end)
    dwell = np.where(last, 0.0, dwell)
    v_start = np.r_[0.0, v_end[:-1]]
    v_start[np.r_[True, last[:-1]]] = 0.0
    return {
        "traj": traj, "u": u, "v": v, "edge": edge, "length": length, "mode": mode,
        "cruise": cruise, "v_start": v_start, "v_end": v_end, "dwell": dwell,
    }  # fmt: skip


def leg_knots(legs: dict) -> dict:
    """Piecewise constant-acceleration profile: 5 knots (s, v) per leg, times from kinematics.

    Knots per leg: start, end of acceleration, start of braking, end, end after dwell. Between
    two knots the acceleration is constant, so the time is 2 * ds / (v0 + v1).
    """
    L, vc, va, vb = legs["length"], legs["cruise"], legs["v_start"], legs["v_end"]
    a1, a2 = ACCEL_MPS2[legs["mode"]], BRAKE_MPS2[legs["mode"]]
    d_up = (vc**2 - va**2) / (2 * a1)
    d_dn = (vc**2 - vb**2) / (2 * a2)
    short = d_up + d_dn > L
    # Too short to reach cruise speed: peak where the acceleration and braking curves meet.
    vp2 = (L + va**2 / (2 * a1) + vb**2 / (2 * a2)) / (1 / (2 * a1) + 1 / (2 * a2))
    vp = np.where(short, np.sqrt(np.maximum(vp2, np.maximum(va, vb) ** 2)), vc)
    d_up = np.clip((vp**2 - va**2) / (2 * a1), 0.0, L)
    d_dn = np.clip((vp**2 - vb**2) / (2 * a2), 0.0, L - d_up)

    leg_s0 = np.r_[0.0, np.cumsum(L)[:-1]] + GAP * legs["traj"]
    s = np.stack([leg_s0, leg_s0 + d_up, leg_s0 + L - d_dn, leg_s0 + L, leg_s0 + L], 1).ravel()
    v = np.stack([va, vp, vp, vb, vb], 1).ravel()
    ds = np.diff(s, prepend=s[0])
    vsum = v + np.r_[v[0], v[:-1]]
    dt = np.where(ds > 0, 2 * ds / np.maximum(vsum, 1e-9), 0.0)
    dt[4::5] = legs["dwell"]
    knot_traj = np.repeat(legs["traj"], 5)
    first = np.r_[True, knot_traj[1:] != knot_traj[:-1]]
    dt[first] = 0.0
    t = np.cumsum(dt) + GAP * knot_traj
    starts = np.flatnonzero(first)
    ends = np.r_[starts[1:], len(t)] - 1
    return {"s": s, "v": v, "t": t, "t0": t[starts], "duration_s": t[ends] - t[starts],
            "leg_s0": leg_s0}  # fmt: skip
