"""Trajectories as images: a fixed-size raster per trajectory, for vision(-language) models.

``render(df, size=64)`` -> float32 array ``(n_trajectories, 3, size, size)``, rows north-up:

channel 0  occupancy: the share of the trajectory's points that fall in the pixel (sums to 1)
channel 1  speed: mean speed of those points, divided by ``max_speed_mps`` and clipped to [0, 1]
channel 2  time: mean elapsed-time fraction of those points (0 = start, 1 = end), so the
           direction of travel is visible

Each trajectory is framed on its own square box (its longer side plus ``margin``, centred,
aspect ratio kept) unless ``bbox=(lat_min, lon_min, lat_max, lon_max)`` gives one shared box;
points outside a shared box are dropped. The pixel of every point is computed for the whole
table at once and the channels are accumulated with ``np.bincount`` (no per-point Python
loop), so the output is deterministic: the same table gives the same bytes.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.geometry import haversine, trajectory_offsets
from trajlm.data.longitude import arc_width, near_lon
from trajlm.llm.plan import wrapped_box_ok

CHANNELS = ("occupancy", "speed", "time")


def _point_speed(t: np.ndarray, lat: np.ndarray, lon: np.ndarray, first: np.ndarray) -> np.ndarray:
    """m/s from the previous point of the same trajectory; a trajectory's first point gets the
    speed of its second step (0 for a one-point trajectory)."""
    d = np.r_[0.0, haversine(lat[:-1], lon[:-1], lat[1:], lon[1:])]
    dt = np.r_[1.0, np.diff(t).astype(np.float64)]
    v = np.where(dt > 0, d / np.maximum(dt, 1e-9), 0.0)
    nxt = np.minimum(np.arange(len(v)) + 1, len(v) - 1)
    own_next = ~first[nxt] & (nxt != np.arange(len(v)))
    return np.where(first, np.where(own_next, v[nxt], 0.0), v)


def render(
    df: pl.DataFrame,
    size: int = 64,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    margin: float = 0.05,
    max_speed_mps: float = 30.0,
) -> np.ndarray:
    """A canonical table (``traj_id, t, lat, lon`` sorted by traj_id, t) -> ``(B, 3, size,
    size)`` float32, one image per trajectory in table order (see the module docstring)."""
    if size < 2:
        raise ValueError(f"size must be >= 2, got {size}")
    if len(df) == 0:
        return np.zeros((0, len(CHANNELS), size, size), np.float32)
    starts, lengths = trajectory_offsets(df)
    n_traj = len(starts)
    traj = np.repeat(np.arange(n_traj), lengths)
    t = df["t"].to_numpy().astype(np.int64)
    lat, lon = df["lat"].to_numpy(), df["lon"].to_numpy()
    first = np.zeros(len(df), bool)
    first[starts] = True

    # Box per point: y = lat, x = lon scaled by cos(lat) so a square box is square on the ground.
    coslat = np.cos(np.radians(np.median(lat)))
    # longitudes the short way about each trajectory's first fix (a voyage across +-180 deg is
    # not a picture of the whole globe; irreg25); unchanged, bit for bit, within 180 deg of it
    lon = near_lon(lon, lon[starts][traj])
    if bbox is not None and bbox[1] > bbox[3]:  # a box across the antimeridian
        lon = near_lon(lon, bbox[1] + float(arc_width(bbox[1], bbox[3])) / 2)
    x, y = lon * coslat, lat
    if bbox is None:
        x0, x1 = np.minimum.reduceat(x, starts), np.maximum.reduceat(x, starts)
        y0, y1 = np.minimum.reduceat(y, starts), np.maximum.reduceat(y, starts)
        side = np.maximum(np.maximum(x1 - x0, y1 - y0), 1e-9) * (1.0 + 2.0 * margin)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        left, bottom = (cx - side / 2)[traj], (cy - side / 2)[traj]
        side = side[traj]
    else:
        lat_min, lon_min, lat_max, lon_max = bbox
        if not wrapped_box_ok(bbox):
            raise ValueError(f"bbox must be (lat_min, lon_min, lat_max, lon_max), got {bbox}")
        width = float(arc_width(lon_min, lon_max))  # lon_min > lon_max: across the line
        left, bottom = float(near_lon(lon_min, lon_min + width / 2)) * coslat, lat_min
        side = np.maximum(width * coslat, lat_max - lat_min)
    col = np.floor((x - left) / side * size).astype(np.int64)
    row = size - 1 - np.floor((y - bottom) / side * size).astype(np.int64)  # north up
    inside = (col >= 0) & (col < size) & (row >= 0) & (row < size)

    span = np.maximum((t[starts + lengths - 1] - t[starts]).astype(np.float64), 1.0)
    frac = (t - t[starts][traj]) / span[traj]
    speed = np.clip(_point_speed(t, lat, lon, first) / max_speed_mps, 0.0, 1.0)

    cell = (traj * size + row) * size + col
    cell, traj_in = cell[inside], traj[inside]
    n_cells = n_traj * size * size
    count = np.bincount(cell, minlength=n_cells).astype(np.float64)
    seen = np.maximum(count, 1.0)
    per_traj = np.bincount(traj_in, minlength=n_traj).astype(np.float64)
    occupancy = count / np.maximum(per_traj, 1.0).repeat(size * size)
    mean_speed = np.bincount(cell, speed[inside], minlength=n_cells) / seen
    mean_time = np.bincount(cell, frac[inside], minlength=n_cells) / seen
    out = np.stack([occupancy, mean_speed, mean_time]).reshape(3, n_traj, size, size)
    return out.transpose(1, 0, 2, 3).astype(np.float32)
