"""A constant-turn-rate-and-velocity (CTRV) predictor answering `trajlm data queries`' windows,
as an outside method would: it reads only the exported files (no trajlm import) and writes an
answer file for `trajlm eval --predictions` (docs/protocol.md, "Session 35 (outside35)").

Per window, in a local metric frame (equirectangular about its last fix): the speed and heading
of the last move (last two fixes, as constant velocity), and the turn rate: the heading change
over the last --turns turns (between the last --turns + 1 moves; each wrapped to -180..180
degrees, summed) divided by the time between the first and last of those moves' midpoints (--ahead time) or by their count (--ahead
step), times a shrinkage --shrink in 0..1 (1: the plain CTRV; 0 would be constant velocity).
The answer follows the arc: per second to each ask's time (time: from the heading at the last
fix, the last move's chord turned by half its turn, at the arc's speed), or per step of k moves
(step: each move the last one turned by the rate once more, as eval's per-step constant
velocity repeats it). A window of fewer than --turns + 1 moves uses
the moves it has; a standing last move (zero length) answers the last fix.

    python scripts/outside35/ctrv.py q.csv q.asks.csv --out answers.csv --turns 2 --shrink 0.5
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from answer_io import run

EARTH_RADIUS_M = 6_371_000.0
MIN_MOVE_M = 0.5  # a move shorter than this has no heading (GPS jitter while standing)


def window_moves(inputs: pd.DataFrame, turns: int) -> pd.DataFrame:
    """Per query: its last fix (lat0, lon0, t0), the last move (dx, dy metres, dt seconds) and
    the turn over the last ``turns`` moves (dpsi radians, over span_s seconds / n_turns moves)."""
    fixes = inputs.sort_values(["query_id", "step"]).groupby("query_id").tail(turns + 2)
    last = fixes.groupby("query_id").last()
    lat0 = np.radians(last.lat.reindex(fixes.query_id).to_numpy())
    lon0 = np.radians(last.lon.reindex(fixes.query_id).to_numpy())
    x = (np.radians(fixes.lon.to_numpy()) - lon0) * np.cos(lat0) * EARTH_RADIUS_M
    y = (np.radians(fixes.lat.to_numpy()) - lat0) * EARTH_RADIUS_M
    f = pd.DataFrame({"query_id": fixes.query_id.to_numpy(), "x": x, "y": y,
                      "t": fixes.t.to_numpy(float)})  # fmt: skip
    g = f.groupby("query_id", sort=False)
    f["dx"], f["dy"], f["dt"] = g.x.diff(), g.y.diff(), g.t.diff()
    f["mid"] = f.t - f.dt / 2
    f["psi"] = np.arctan2(f.dy, f.dx)
    f["still"] = np.hypot(f.dx, f.dy) < MIN_MOVE_M
    moved = f.dropna(subset=["dx"])
    m = moved.groupby("query_id", sort=False)
    turn = (m.psi.diff() + np.pi) % (2 * np.pi) - np.pi  # NaN for a window's first move
    has = turn.notna()  # a heading change counted (a standing move's counts as none)
    turn = turn.where(~moved.still & ~m.still.shift(1, fill_value=True).astype(bool), 0.0)
    moved = moved.assign(turn=turn.where(has, 0.0), has=has)
    per = moved.groupby("query_id", sort=False).agg(
        dx=("dx", "last"), dy=("dy", "last"), dt=("dt", "last"), dpsi=("turn", "sum"),
        n_turns=("has", "sum"), first_mid=("mid", "first"), last_mid=("mid", "last"),
    )  # fmt: skip
    per["span_s"] = per.last_mid - per.first_mid
    return per.join(last[["lat", "lon", "t"]].rename(columns={"lat": "lat0", "lon": "lon0",
                                                                "t": "t0"}))  # fmt: skip


def answers(inputs: pd.DataFrame, asks: pd.DataFrame, turns: int, shrink: float,
            ahead: str) -> pd.DataFrame:  # fmt: skip
    per = window_moves(inputs, turns)
    a = asks.join(per, on="query_id")
    psi = np.arctan2(a.dy, a.dx).to_numpy()
    step = np.hypot(a.dx, a.dy).to_numpy()  # metres per move
    if ahead == "time":
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(a.span_s > 0, a.dpsi / a.span_s, 0.0) * shrink  # rad / s
            speed = np.where(a.dt > 0, step / a.dt, 0.0)  # m / s
        d = (a.t - a.t0).to_numpy(float)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(a.n_turns > 0, a.dpsi / a.n_turns, 0.0) * shrink  # rad / move
        speed, d = step, a.k.to_numpy(float)  # per move, k moves
    rate = np.nan_to_num(rate)
    if ahead == "time":  # the last move is a chord: the heading at the last fix is half a turn
        half = rate * np.where(a.dt > 0, a.dt, 0.0) / 2  # on, and the arc a little longer
        psi = psi + half
        speed = speed * np.where(
            np.abs(half) > 1e-9, half / np.sin(np.where(half == 0, 1, half)), 1
        )
    arc = rate * d
    small = np.abs(rate) < 1e-9
    with np.errstate(invalid="ignore", divide="ignore"):
        radius = np.where(small, 0.0, speed / np.where(small, 1.0, rate))
        px = np.where(small, speed * d * np.cos(psi), radius * (np.sin(psi + arc) - np.sin(psi)))
        py = np.where(small, speed * d * np.sin(psi), radius * (np.cos(psi) - np.cos(psi + arc)))
    if ahead == "step":  # the discrete arc: k moves of equal length, each turned by one rate
        ks = a.k.to_numpy(int)
        j = np.arange(1, ks.max() + 1)[None, :]
        use = j <= ks[:, None]
        ang = psi[:, None] + rate[:, None] * j
        px = (step[:, None] * np.cos(ang) * use).sum(1)
        py = (step[:, None] * np.sin(ang) * use).sum(1)
    still = np.hypot(a.dx, a.dy).to_numpy() < MIN_MOVE_M
    px, py = np.where(still, 0.0, px), np.where(still, 0.0, py)
    lat0, lon0 = np.radians(a.lat0.to_numpy()), np.radians(a.lon0.to_numpy())
    return pd.DataFrame({"query_id": a.query_id, "k": a.k,
                         "lat": np.degrees(lat0 + py / EARTH_RADIUS_M),
                         "lon": np.degrees(lon0 + px / (EARTH_RADIUS_M * np.cos(lat0)))})  # fmt: skip


def options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--turns", type=int, required=True, help="heading changes the turn rate is read over"
    )
    p.add_argument("--shrink", type=float, required=True, help="turn rate x this (0..1)")
    p.add_argument("--ahead", choices=("time", "step"), required=True)


def main() -> None:
    run(__doc__, options, lambda inputs, asks, a: answers(inputs, asks, a.turns, a.shrink, a.ahead))


if __name__ == "__main__":
    main()
