"""A constant-velocity Kalman filter answering `trajlm data queries`' windows, as an outside
method would: it reads only the exported files (no trajlm import) and writes an answer file for
`trajlm eval --predictions` (docs/protocol.md, "Session 34 (kalman34)").

Per window, in a local metric frame (equirectangular about the window's last fix): state
(x, y, vx, vy), white-noise acceleration of spectral density --q (m^2/s^3), position measured
with --r metres std. The filter runs over the input fixes with their real time gaps; the
answers are the filtered state's mean carried forward, to each ask's time (--ahead time) or by
k times the last input gap (--ahead step, as eval's per-step constant velocity).

    python scripts/kalman34/kalman.py q.csv q.asks.csv --out answers.csv --q 1 [--r 10]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

EARTH_RADIUS_M = 6_371_000.0
INITIAL_SPEED_STD_MS = 30.0  # no speed known before the first fix: a wide, city-scale prior


def filtered_state(xy: np.ndarray, t: np.ndarray, q: float, r: float) -> np.ndarray:
    """The last filtered (x, y, vx, vy) of fixes xy (n, 2) in metres at Unix seconds t."""
    state = np.array([xy[0, 0], xy[0, 1], 0.0, 0.0])
    cov = np.diag([r**2, r**2, INITIAL_SPEED_STD_MS**2, INITIAL_SPEED_STD_MS**2])
    observe = np.hstack([np.eye(2), np.zeros((2, 2))])
    noise_r = np.eye(2) * r**2
    for i in range(1, len(xy)):
        dt = float(t[i] - t[i - 1])
        if dt > 0:  # a repeated timestamp is a second measurement of the same moment
            move = np.eye(4)
            move[0, 2] = move[1, 3] = dt
            # discrete white-noise acceleration: per axis q * [[dt^3/3, dt^2/2], [dt^2/2, dt]]
            block = q * np.array([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]])
            noise_q = np.zeros((4, 4))
            noise_q[np.ix_([0, 2], [0, 2])] = block
            noise_q[np.ix_([1, 3], [1, 3])] = block
            state = move @ state
            cov = move @ cov @ move.T + noise_q
        gain = cov @ observe.T @ np.linalg.inv(observe @ cov @ observe.T + noise_r)
        state = state + gain @ (xy[i] - observe @ state)
        cov = (np.eye(4) - gain @ observe) @ cov
    return state


def answers(
    inputs: pd.DataFrame, asks: pd.DataFrame, q: float, r: float, ahead: str
) -> pd.DataFrame:
    rows = []
    asks_by_query = dict(tuple(asks.groupby("query_id", sort=False)))
    for query_id, fixes in inputs.sort_values(["query_id", "step"]).groupby("query_id"):
        lat0, lon0 = np.radians(fixes.lat.iloc[-1]), np.radians(fixes.lon.iloc[-1])
        xy = np.column_stack(
            [
                (np.radians(fixes.lon.to_numpy()) - lon0) * np.cos(lat0) * EARTH_RADIUS_M,
                (np.radians(fixes.lat.to_numpy()) - lat0) * EARTH_RADIUS_M,
            ]
        )
        t = fixes.t.to_numpy(dtype=float)
        x, y, vx, vy = filtered_state(xy, t, q, r)
        wanted = asks_by_query[query_id]
        if ahead == "time":
            seconds = wanted.t.to_numpy(dtype=float) - t[-1]
        else:
            last_gap = t[-1] - t[-2] if len(t) > 1 else 0.0
            seconds = wanted.k.to_numpy(dtype=float) * last_gap
        px, py = x + seconds * vx, y + seconds * vy
        rows.append(
            pd.DataFrame(
                {
                    "query_id": query_id,
                    "k": wanted.k.to_numpy(),
                    "lat": np.degrees(lat0 + py / EARTH_RADIUS_M),
                    "lon": np.degrees(lon0 + px / (EARTH_RADIUS_M * np.cos(lat0))),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("queries")
    p.add_argument("asks")
    p.add_argument("--out", required=True)
    p.add_argument("--q", type=float, required=True, help="process noise, m^2/s^3")
    p.add_argument("--r", type=float, default=10.0, help="fix noise std, metres")
    p.add_argument("--ahead", choices=["time", "step"], default="time")
    a = p.parse_args()
    text = {"query_id": str, "traj_id": str}
    inputs, asks = pd.read_csv(a.queries, dtype=text), pd.read_csv(a.asks, dtype=text)
    got = answers(inputs, asks, a.q, a.r, a.ahead)
    got.to_csv(a.out, index=False)
    print(f"wrote {a.out} ({len(got):,} answers; q={a.q:g}, r={a.r:g}, ahead={a.ahead})")


if __name__ == "__main__":
    main()
