"""Gaps while the mover stood still: held in place, not bridged (session 28, fleetfix28).

A gap whose two known ends lie at one place (within GPS noise) and whose implied speed is a
standstill's is a stop: a van parked at a drop, a taxi at a light. The forward / backward
rollouts of a next-step model read motion from the history before each end and may carry it
into the gap, so trajlm-small's bridge strayed median 24 m (max 184 m) from a parked van's
spot where interpolation gives 0 (docs/api.md "Session 28 (newuser28)", friction 13). Such a
gap is answered by the straight line between its ends (the held position, give or take the
noise) and is not rolled out at all, which also saves the time of its two rollouts.
"""

from __future__ import annotations

import numpy as np

from trajlm.tasks.recover_interp import linear_xy, neighbours

# a stop: both ends within STOP_RADIUS_M (consumer GPS noise) and an implied speed under
# STOP_SPEED_MS (a walker's 1.4 m/s across a 2-s gap is motion, not a stop)
STOP_RADIUS_M = 15.0
STOP_SPEED_MS = 0.5


def stopped_gaps(
    xy: np.ndarray, t: np.ndarray, pn: np.ndarray,
    radius_m: float = STOP_RADIUS_M, speed_ms: float = STOP_SPEED_MS,
) -> np.ndarray:  # fmt: skip
    """(G,) bool: which gaps (rows of ``pn``: previous / next known row, -1 for none; ``xy``
    metres, ``t`` seconds) have both ends and those ends at one place, still. ``radius_m`` <= 0
    turns the rule off."""
    pn = np.asarray(pn, np.int64).reshape(-1, 2)
    both = (pn >= 0).all(1)
    held = np.zeros(len(pn), bool)
    if radius_m <= 0 or not both.any():
        return held
    p, n = pn[both, 0], pn[both, 1]
    d = np.linalg.norm(xy[n] - xy[p], axis=1)
    span = np.maximum(np.asarray(t, np.float64)[n] - np.asarray(t, np.float64)[p], 1.0)
    held[both] = (d <= radius_m) & (d / span <= speed_ms)
    return held


def hold_stops(
    out: np.ndarray, xy: np.ndarray, t: np.ndarray, known: np.ndarray, groups: np.ndarray,
    radius_m: float = STOP_RADIUS_M,
) -> tuple[np.ndarray, int, int]:  # fmt: skip
    """``out`` (P, 2 metres) with the hidden rows of stopped gaps on the line between their
    ends, whatever answered the rest (the guard's blend and an Akima / PCHIP fallback lean on
    the neighbouring motion and overshoot a stop too); how many rows were held, and in how many
    gaps (session 29: the count a user reads, "3 parked gaps held")."""
    known = np.asarray(known, bool)
    rows = np.flatnonzero(~known)
    if radius_m <= 0 or not len(rows):
        return out, 0, 0
    prev, nxt = neighbours(known, groups)
    held = rows[stopped_gaps(xy, t, np.stack([prev[rows], nxt[rows]], 1), radius_m)]
    if len(held):
        out = out.copy()
        out[held] = linear_xy(xy, t, known, groups)[held]
    return out, len(held), len(np.unique(prev[held]))  # a held gap has a known row before it


__all__ = ["STOP_RADIUS_M", "STOP_SPEED_MS", "hold_stops", "stopped_gaps"]
