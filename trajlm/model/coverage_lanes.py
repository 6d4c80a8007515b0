"""How far apart the training trajectories' own lanes lie (session 25, irreg25): the position
warning's margin for fleets whose movers each keep a lane of their own.

The position check (model/coverage.py) fires where a fix lies over a margin from every training
region: 5 km, or two median training steps for sparse tracks. A fleet of container ships crossing
the Pacific on lanes 6-215 km apart fired on 88 % of its own held-out voyages (ships24): a new
voyage of the same fleet sails between the training lanes, and 6 km is not "outside" on an
ocean whose lanes are tens of km apart. ``lane_spread_m`` measures that spacing on the train
split (for each train trajectory, the median distance from its fixes to the nearest fix of
another train trajectory; p50 / p90 over trajectories); the margin takes twice its p90 where
that is larger. On a city's taxis or walkers the spacing is metres (Porto p90 11 m, GeoLife
308 m), so the margin stays 5 km there; measured in docs/generalization.md "Session 25".
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.longitude import mean_lon

MAX_POINTS = 50_000  # fixes sampled (seeded) for the nearest-neighbour search
NEIGHBOURS = 16  # nearest fixes searched first for one of another trajectory, then 4x more
MAX_NEIGHBOURS = 1024  # none of another trajectory among these: the farthest one's distance
MIN_TRAJECTORIES = 10  # fewer: no spacing of lanes (two far-apart trips are not a fleet's band)
LANE_FACTOR = 2.0  # the margin: twice the p90 spacing (a held-out lane lies between two)


def lane_spread_m(traj: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> dict[str, float] | None:
    """p50 / p90 over trajectories of each one's median distance (m) from its fixes to the
    nearest fix of another trajectory; None with fewer than ``MIN_TRAJECTORIES``. Where none of a
    fix's ``MAX_NEIGHBOURS`` nearest belongs to another trajectory, the farthest of them stands
    in (a lower bound: the margin errs towards warning)."""
    from scipy.spatial import cKDTree

    traj = np.asarray(traj)
    if len(traj) == 0 or len(np.unique(traj)) < MIN_TRAJECTORIES:
        return None
    if len(traj) > MAX_POINTS:
        keep = np.sort(np.random.default_rng(0).choice(len(traj), MAX_POINTS, replace=False))
        traj, lat, lon = traj[keep], np.asarray(lat)[keep], np.asarray(lon)[keep]
    _, code = np.unique(traj, return_inverse=True)
    proj = LocalProjection(float(np.median(lat)), mean_lon(lon))  # wraps across +-180 deg
    x, y = proj.forward(np.asarray(lat, np.float64), np.asarray(lon, np.float64))
    xy = np.c_[x, y]
    tree = cKDTree(xy)
    near = np.full(len(xy), np.nan)
    todo = np.arange(len(xy))
    k = NEIGHBOURS
    while len(todo):  # more neighbours only for the fixes whose nearest were all their own
        kk = min(k + 1, len(xy))
        dist, idx = tree.query(xy[todo], k=kk)
        other = code[idx] != code[todo][:, None]
        found = other.any(1)
        last = kk == len(xy) or k >= MAX_NEIGHBOURS
        pick = np.where(found, other.argmax(1), kk - 1)
        done = found | last
        near[todo[done]] = dist[np.flatnonzero(done), pick[done]]
        todo, k = todo[~done], k * 4
    medians = pl.DataFrame({"c": code, "d": near}).group_by("c").agg(pl.col("d").median())
    p50, p90 = np.percentile(medians["d"].to_numpy(), [50, 90])
    return {"p50": float(p50), "p90": float(p90)}


def lane_margin_m(cov: dict) -> float:
    """``LANE_FACTOR`` x the record's p90 lane spacing (0 for records written before)."""
    spread = (cov.get("lane_spread_m") or {}).get("p90")
    return LANE_FACTOR * float(spread) if spread else 0.0
