"""Point features: local metres, deltas, cyclic time, and normalization statistics.

Projection: a local tangent plane (equirectangular about a centre lat0/lon0):
    x = R * cos(lat0) * (lon - lon0),   y = R * (lat - lat0)   (radians, R = 6,371,008.8 m)
Within ~50 km of the centre the distortion is below 0.1 % of the distance (cos(lat) varies
slowly), which is far under GPS noise; it is exactly invertible and needs no CRS lookup.
The centre is fit on the train split (median lat/lon) and saved with the statistics.

Cyclic time uses UTC hour and day of week (Unix day 0 was a Thursday): datasets in other time
zones shift the phase by a constant, which the model absorbs.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.geometry import EARTH_RADIUS_M, cyclic_time


@dataclass
class LocalProjection:
    """Equirectangular local tangent plane about (lat0, lon0), in metres."""

    lat0: float
    lon0: float

    @property
    def _kx(self) -> float:
        # np.cos: lat0 may also be an (N, 1) array of per-row centres (TrajectoryFrames)
        return EARTH_RADIUS_M * np.cos(np.radians(self.lat0)) * math.pi / 180.0

    @property
    def _ky(self) -> float:
        return EARTH_RADIUS_M * math.pi / 180.0

    def forward(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lat, lon) degrees -> (x, y) metres east/north of the centre."""
        dlon = (np.asarray(lon, dtype=np.float64) - self.lon0 + 180.0) % 360.0 - 180.0
        return dlon * self._kx, (np.asarray(lat, dtype=np.float64) - self.lat0) * self._ky

    def inverse(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) metres -> (lat, lon) degrees."""
        lat = np.asarray(y, dtype=np.float64) / self._ky + self.lat0
        lon = np.asarray(x, dtype=np.float64) / self._kx + self.lon0
        return lat, (lon + 180.0) % 360.0 - 180.0

    @classmethod
    def fit(cls, df: pl.DataFrame) -> LocalProjection:
        if len(df) == 0:
            raise ValueError("cannot fit a projection on an empty table")
        return cls(float(df["lat"].median()), median_lon(df["lon"]))


def median_lon(lon: pl.Series | np.ndarray) -> float:
    """The median longitude, on the circle when the points straddle the antimeridian.

    The plain median of [179.9, -179.9] is 0, the far side of the Earth, and would put the
    plane's seam (centre + 180 deg) inside the data: a 360 deg jump between neighbours. Where
    the values span more than 180 deg but fit in an arc of at most 180 deg of the circle (a
    region across the antimeridian), the median is taken along that arc. Otherwise the plain
    median, bit for bit as before (also for data all around the globe, where every seam cuts
    some track: icebergs around Antarctica)."""
    arr = lon.drop_nulls().to_numpy() if isinstance(lon, pl.Series) else np.asarray(lon)
    arr = np.asarray(arr, dtype=np.float64)
    arr = np.sort(arr[np.isfinite(arr)])
    plain = float(lon.median()) if isinstance(lon, pl.Series) else float(np.median(arr))
    if len(arr) < 2 or float(arr[-1] - arr[0]) <= 180.0:
        return plain
    gaps = np.diff(arr)  # the widest empty stretch inside [-180, 180]: the arc starts after it
    k = int(np.argmax(gaps))
    if 360.0 - float(gaps[k]) > 180.0:
        return plain
    start = arr[k + 1]
    d = (arr - start) % 360.0
    return float((start + np.median(d) + 180.0) % 360.0 - 180.0)


def add_local_xy(df: pl.DataFrame, proj: LocalProjection) -> pl.DataFrame:
    """Add x_m, y_m (float64 metres in the local plane)."""
    x, y = proj.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
    return df.with_columns(pl.Series("x_m", x), pl.Series("y_m", y))


def add_deltas(df: pl.DataFrame) -> pl.DataFrame:
    """Add dx_m, dy_m, dt_s to the previous point of the same trajectory (0 at the first)."""
    if "x_m" not in df.columns:
        raise ValueError("add_deltas needs x_m/y_m: call add_local_xy first")
    first = pl.col("traj_id") != pl.col("traj_id").shift(1)
    return df.with_columns(
        [
            pl.when(first)
            .then(0.0)
            .otherwise(pl.col(c) - pl.col(c).shift(1))
            .fill_null(0.0)
            .alias(n)
            for c, n in (("x_m", "dx_m"), ("y_m", "dy_m"))
        ]
        + [
            pl.when(first)
            .then(0)
            .otherwise(pl.col("t") - pl.col("t").shift(1))
            .fill_null(0)
            .cast(pl.Float64)
            .alias("dt_s")
        ]
    )


def add_cyclic_time(df: pl.DataFrame) -> pl.DataFrame:
    c = cyclic_time(df["t"].to_numpy())
    names = ("hour_sin", "hour_cos", "dow_sin", "dow_cos")
    return df.with_columns([pl.Series(n, c[:, i]) for i, n in enumerate(names)])


def add_features(df: pl.DataFrame, proj: LocalProjection) -> pl.DataFrame:
    """All point features: x_m, y_m, dx_m, dy_m, dt_s, hour/dow sin/cos."""
    return add_cyclic_time(add_deltas(add_local_xy(df, proj)))


@dataclass
class NormStats:
    """Normalization statistics, fit on the train split only, saved as JSON.

    Positions are normalized as (xy - xy_mean) / xy_scale with one isotropic scale (keeps
    angles); deltas as dxy / dxy_scale and (dt - dt_mean) / dt_scale. The fit is robust to
    outliers (median / MAD / clipped RMS), see `fit`.
    """

    lat0: float
    lon0: float
    xy_mean: tuple[float, float]
    xy_scale: float
    dxy_scale: float
    dt_mean: float
    dt_scale: float
    n_points: int = 0

    @property
    def projection(self) -> LocalProjection:
        return LocalProjection(self.lat0, self.lon0)

    @classmethod
    def fit(cls, train: pl.DataFrame) -> NormStats:
        """Robust statistics: real slices hold GPS glitches (GeoLife has 100 km jumps within
        five minutes) that would blow up plain means and standard deviations, so positions use
        the median and 1.4826 * MAD, and steps the RMS of the steps below their 99th percentile.
        """
        proj = LocalProjection.fit(train)
        f = add_deltas(add_local_xy(train, proj))
        first = (f["traj_id"] != f["traj_id"].shift(1)).fill_null(True).to_numpy()
        x, y = f["x_m"].to_numpy(), f["y_m"].to_numpy()
        dx, dy = f["dx_m"].to_numpy()[~first], f["dy_m"].to_numpy()[~first]
        dt = f["dt_s"].to_numpy()[~first]
        mx, my = float(np.median(x)), float(np.median(y))
        mad = 0.5 * (np.median(np.abs(x - mx)) + np.median(np.abs(y - my)))
        step = np.hypot(dx, dy)
        if step.size:
            inlier = step <= np.percentile(step, 99)
            dxy_scale = float(np.sqrt(0.5 * np.mean(step[inlier] ** 2)))
            dt_in = dt[dt <= np.percentile(dt, 99)]
        else:
            dxy_scale, dt_in = 1.0, dt
        return cls(
            lat0=proj.lat0,
            lon0=proj.lon0,
            xy_mean=(mx, my),
            xy_scale=max(1.4826 * float(mad), 1.0),
            dxy_scale=max(dxy_scale, 1e-3),
            dt_mean=float(dt_in.mean()) if dt_in.size else 0.0,
            dt_scale=max(float(dt_in.std()) if dt_in.size else 1.0, 1.0),
            n_points=len(train),
        )

    def to_dict(self) -> dict:
        d = asdict(self)
        d["xy_mean"] = list(self.xy_mean)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> NormStats:
        d = dict(d)
        d["xy_mean"] = tuple(d["xy_mean"])
        return cls(**d)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2))

    @classmethod
    def load(cls, path: str | Path) -> NormStats:
        return cls.from_dict(json.loads(Path(path).read_text()))
