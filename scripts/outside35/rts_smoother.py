"""An RTS smoother answering `trajlm data queries --task recover`'s gaps, as an outside method
would: it reads only the exported files (no trajlm import) and writes an answer file for
`trajlm eval --task recover --predictions` (docs/protocol.md, "Session 35 (outside35)").

Per gap query (one mask of one trajectory), in a local metric frame (equirectangular about its
first known fix): a constant-velocity Kalman filter (state: position and velocity per axis,
white-noise acceleration of spectral density --q m^2/s^3, fixes measured with --r m std) runs
forward over the known fixes AND the hidden points' times (no measurement there), then the
Rauch-Tung-Striebel pass runs backward; each hidden point's answer is its smoothed position.
The two axes share one covariance (same q, r, times), so one 2x2 covariance serves both; all
queries are run at once, padded to the longest (a padded step is a zero-time step, no fix).

    python scripts/outside35/rts_smoother.py r.csv r.asks.csv --out answers.csv --q 1 --r 5
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from answer_io import run

EARTH_RADIUS_M = 6_371_000.0
INITIAL_SPEED_STD_MS = 30.0  # no speed known before the first fix: a wide, city-scale prior
INITIAL_POSITION_STD_M = 1e4  # the first row may be a hidden point: no position known yet
BATCH_CELLS = 400_000  # queries x padded rows run at once (memory: ~100 bytes a cell)


def padded(inputs: pd.DataFrame, asks: pd.DataFrame):
    """Every query's known and asked rows merged in time order, as (Q, L) arrays: t, x, y (m,
    local), measured (bool), the ask's row in ``asks`` (-1: none), and each query's frame."""
    known = inputs.assign(_ask=-1, _measured=True)
    wanted = asks.assign(_ask=np.arange(len(asks)), _measured=False, lat=np.nan, lon=np.nan)
    rows = pd.concat([known, wanted], ignore_index=True)
    # a hidden point and a fix at one second: the fix first (its measurement then informs both)
    rows = rows.sort_values(["query_id", "t", "_measured"], ascending=[True, True, False],
                            kind="stable")  # fmt: skip
    codes, names = pd.factorize(rows.query_id, sort=False)
    first = inputs.groupby("query_id")[["lat", "lon"]].first().loc[names]
    lat0 = np.radians(first.lat.to_numpy())[codes]
    lon0 = np.radians(first.lon.to_numpy())[codes]
    x = (np.radians(rows.lon.to_numpy()) - lon0) * np.cos(lat0) * EARTH_RADIUS_M
    y = (np.radians(rows.lat.to_numpy()) - lat0) * EARTH_RADIUS_M
    n = np.bincount(codes)
    start = np.r_[0, np.cumsum(n)[:-1]]
    col = np.arange(len(rows)) - start[codes]
    Q, L = len(n), int(n.max())
    out = {k: np.zeros((Q, L)) for k in ("t", "x", "y")}
    for k, v in (("t", rows.t.to_numpy(float)), ("x", x), ("y", y)):
        out[k][codes, col] = v
    out["t"] = np.where(np.arange(L)[None] < n[:, None], out["t"], np.nan)
    out["t"] = pd.DataFrame(out["t"]).ffill(axis=1).to_numpy()  # padding: zero-time steps
    measured = np.zeros((Q, L), bool)
    measured[codes, col] = rows._measured.to_numpy(bool)
    ask = np.full((Q, L), -1)
    ask[codes, col] = rows._ask.to_numpy()
    frame = (np.radians(first.lat.to_numpy()), np.radians(first.lon.to_numpy()))
    return out["t"], out["x"], out["y"], measured, ask, frame


def smooth(t, x, y, measured, q: float, r: float) -> tuple[np.ndarray, np.ndarray]:
    """Smoothed positions (Q, L) per axis: the forward filter, then the RTS backward pass."""
    Q, L = t.shape
    pos = np.zeros((Q, L, 2))  # the filtered position per axis
    vel = np.zeros((Q, L, 2))
    P = np.zeros((Q, L, 2, 2))  # the filtered covariance (one per query and row, both axes)
    Pp = np.zeros((Q, L, 2, 2))  # the predicted covariance (before the row's measurement)
    pp = np.zeros((Q, L, 2))  # the predicted position and velocity per axis
    vp = np.zeros((Q, L, 2))
    m, v = np.zeros((Q, 2)), np.zeros((Q, 2))
    cov = np.zeros((Q, 2, 2))
    cov[:, 0, 0], cov[:, 1, 1] = INITIAL_POSITION_STD_M**2, INITIAL_SPEED_STD_MS**2
    meas = np.stack([x, y], -1)
    for j in range(L):
        dt = t[:, j] - t[:, j - 1] if j else np.zeros(Q)
        m = m + dt[:, None] * v  # predict: x += dt v
        c = cov.copy()
        c[:, 0, 0] = cov[:, 0, 0] + 2 * dt * cov[:, 0, 1] + dt**2 * cov[:, 1, 1] + q * dt**3 / 3
        c[:, 0, 1] = c[:, 1, 0] = cov[:, 0, 1] + dt * cov[:, 1, 1] + q * dt**2 / 2
        c[:, 1, 1] = cov[:, 1, 1] + q * dt
        pp[:, j], vp[:, j], Pp[:, j] = m, v, c
        s = c[:, 0, 0] + r**2  # update where a fix is measured
        k0, k1 = c[:, 0, 0] / s, c[:, 0, 1] / s
        obs = measured[:, j]
        innov = np.where(obs[:, None], meas[:, j] - m, 0.0)
        m = m + k0[:, None] * innov
        v = v + k1[:, None] * innov
        new = c.copy()
        new[:, 0, 0] = c[:, 0, 0] - k0 * c[:, 0, 0]
        new[:, 0, 1] = new[:, 1, 0] = c[:, 0, 1] - k0 * c[:, 0, 1]
        new[:, 1, 1] = c[:, 1, 1] - k1 * c[:, 0, 1]
        cov = np.where(obs[:, None, None], new, c)
        pos[:, j], vel[:, j], P[:, j] = m, v, cov
    sm, sv = pos[:, -1].copy(), vel[:, -1].copy()
    out = np.zeros((Q, L, 2))
    out[:, -1] = sm
    for j in range(L - 2, -1, -1):
        dt = t[:, j + 1] - t[:, j]
        Pf, Pn = P[:, j], Pp[:, j + 1]
        # C = Pf F' Pn^-1, F = [[1, dt], [0, 1]]
        PfFt = np.stack([np.stack([Pf[:, 0, 0] + dt * Pf[:, 0, 1], Pf[:, 0, 1]], -1),
                         np.stack([Pf[:, 1, 0] + dt * Pf[:, 1, 1], Pf[:, 1, 1]], -1)], 1)  # fmt: skip
        det = Pn[:, 0, 0] * Pn[:, 1, 1] - Pn[:, 0, 1] ** 2
        inv = np.stack([np.stack([Pn[:, 1, 1], -Pn[:, 0, 1]], -1),
                        np.stack([-Pn[:, 0, 1], Pn[:, 0, 0]], -1)], 1) / det[:, None, None]  # fmt: skip
        C = PfFt @ inv
        dm, dv = sm - pp[:, j + 1], sv - vp[:, j + 1]  # (Q, 2 axes)
        sm = pos[:, j] + C[:, 0, 0, None] * dm + C[:, 0, 1, None] * dv
        sv = vel[:, j] + C[:, 1, 0, None] * dm + C[:, 1, 1, None] * dv
        out[:, j] = sm  # (the smoothed covariance is not needed for the means)
    return out[..., 0], out[..., 1]


def answers(inputs: pd.DataFrame, asks: pd.DataFrame, q: float, r: float) -> pd.DataFrame:
    """Every ask's smoothed position; queries run in batches of similar length (padding)."""
    asks = asks.reset_index(drop=True)
    size = inputs.groupby("query_id").size().add(asks.groupby("query_id").size(), fill_value=0)
    order = size.sort_values(kind="stable")
    lat, lon = np.zeros(len(asks)), np.zeros(len(asks))
    batch: list = []
    for qid, n in list(order.items()) + [(None, 0)]:
        if qid is not None and (not batch or (len(batch) + 1) * n <= BATCH_CELLS):
            batch.append(qid)
            continue
        rows = asks.index[asks.query_id.isin(batch)]
        known = inputs[inputs.query_id.isin(batch)]
        t, x, y, measured, ask, (lat0, lon0) = padded(known, asks.loc[rows])
        sx, sy = smooth(t, x, y, measured, q, r)
        hit = ask >= 0
        which = np.broadcast_to(np.arange(len(lat0))[:, None], ask.shape)[hit]
        at = rows.to_numpy()[ask[hit]]
        lat[at] = np.degrees(lat0[which] + sy[hit] / EARTH_RADIUS_M)
        lon[at] = np.degrees(lon0[which] + sx[hit] / (EARTH_RADIUS_M * np.cos(lat0[which])))
        batch = [qid]
    return pd.DataFrame({"query_id": asks.query_id, "k": asks.k, "lat": lat, "lon": lon})


def options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--q", type=float, required=True, help="process noise, m^2/s^3")
    p.add_argument("--r", type=float, required=True, help="fix noise std, m")


def main() -> None:
    run(__doc__, options, lambda inputs, asks, a: answers(inputs, asks, a.q, a.r))


if __name__ == "__main__":
    main()
