"""Latitudes / longitudes given in radians, read as degrees (session 32, badin32).

Porto in radians (0.7182, -0.1503) read as degrees is a point in the Gulf of Guinea: ingest kept
it without a word (badin31's readers 61). Every radian position lies within |lat| <= pi/2,
|lon| <= pi, read as degrees a box of ocean around 0 N 0 E where real tracks exist too (ships,
drifting and moored buoys), so the box alone decides nothing. The evidence is the speed: read as
degrees, a radian track moves 57.3x slower than it does.

* With a reported speed (SOG) on enough steps: the reported speed over the speed between the
  fixes read as degrees is ~57 for radians (refused, naming the columns), ~1 for degrees (read
  quietly).
* Without one: a median speed between fixes over ``MAX_RADIAN_MPS`` read as radians is
  degrees (a ship at 5 m/s near 0 N 0 E); anything slower is said once in a warning
  (a drifting buoy near 0 N 0 E gets that line too: it says how to read on).
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from trajlm.data.clean_split import reported_speed
from trajlm.data.geometry import haversine
from trajlm.data.schema import TrajlmInputError

DEG_PER_RAD = 180.0 / math.pi  # 57.2958 degrees in a radian
MAX_RADIAN_MPS = 100.0  # no ground vehicle, vessel or walker moves faster (median speed)
RATIO_SLACK = 1.5  # as dead reckoning's unit check (UNIT_RATIO_MAX)
MIN_STEPS = 3
_MAX_STEPS = 100_000  # evidence kept across chunks


def _in_box(df: pl.DataFrame) -> bool:
    lat, lon = df["lat"].abs(), df["lon"].abs()
    ok = lat.is_finite() & lon.is_finite()
    n = int(ok.sum())
    return n > 0 and bool(((lat <= math.pi / 2) & (lon <= math.pi)).filter(ok).all())


def _agrees(ratio: float) -> bool:
    return 1 / RATIO_SLACK <= ratio <= RATIO_SLACK


class RadiansCheck:
    """``check = RadiansCheck(("lat", "lon")); check.add(chunk)`` per raw chunk (raises on a
    reported speed that says radians), then ``check.line()`` the warning (None: nothing to say)."""

    def __init__(self, names: tuple[str, str], path: object = None) -> None:
        self.names, self.path = names, path
        self.in_box = True
        self.rows = 0
        self.speeds: list[np.ndarray] = []  # speed between fixes read as radians, m/s
        self.ratios: list[np.ndarray] = []  # reported / between fixes (as degrees, as radians)

    def add(self, chunk: pl.DataFrame) -> None:
        """Take one chunk's evidence (traj_id, t, lat, lon, maybe a speed column)."""
        if not self.in_box or chunk.height == 0:
            return
        if not _in_box(chunk):
            self.in_box = False
            return
        self.rows += chunk.height
        if sum(len(s) for s in self.speeds) >= _MAX_STEPS:
            return
        df = chunk.filter(pl.col("lat").is_finite() & pl.col("lon").is_finite())
        df = df.sort("traj_id", "t")
        lat, lon = (df[c].to_numpy().astype(np.float64) for c in ("lat", "lon"))
        t = df["t"].cast(pl.Float64).to_numpy()
        ids = df.select(pl.col("traj_id").rle_id())["traj_id"].to_numpy()
        dt = np.diff(t)
        ok = (ids[1:] == ids[:-1]) & (dt > 0) & (dt <= 300)
        d = haversine(lat[:-1], lon[:-1], lat[1:], lon[1:])
        la, lo = np.degrees(lat), np.degrees(lon)  # the same fixes read as radians
        d_rad = haversine(la[:-1], lo[:-1], la[1:], lo[1:])
        self.speeds.append(d_rad[ok] / dt[ok])
        sog = reported_speed(df)
        if sog is not None:
            rep = 0.5 * (sog[1:] + sog[:-1])
            with np.errstate(invalid="ignore", divide="ignore"):
                judged = ok & (rep >= 1.0) & (d > 0)
                run = rep[judged] * dt[judged]
                self.ratios.append(np.c_[run / d[judged], run / d_rad[judged]])
        self._refuse_on_reports()

    def _ratios(self) -> tuple[float, float] | None:
        """Median reported / between-fix speed, (read as degrees, read as radians)."""
        r = np.concatenate(self.ratios) if self.ratios else np.zeros((0, 2))
        return tuple(np.median(r, axis=0).tolist()) if len(r) >= MIN_STEPS else None

    def _refuse_on_reports(self) -> None:
        r = self._ratios()
        if r is None or _agrees(r[0]) or not _agrees(r[1]):
            return
        lat, lon = self.names
        raise TrajlmInputError(
            f"{lat!r} / {lon!r} look like radians, not degrees: every position lies within "
            f"+-{math.pi / 2:.3f} / +-{math.pi:.3f} and the reported speed is {r[0]:.0f}x the "
            f"speed between the fixes read as degrees ({r[1]:.2f}x read as radians)",
            path=self.path,  # type: ignore[arg-type]
            field=lat,
            hint=f"convert both columns to degrees (x {DEG_PER_RAD:.4f}) and read again",
        )

    def line(self) -> str | None:
        """The warning for a read whose every position lies in the radian box and whose speeds
        do not say degrees; None when nothing is in doubt."""
        if not self.in_box or self.rows == 0:
            return None
        r = self._ratios()
        if r is not None and _agrees(r[0]):
            return None  # the reported speed agrees with the positions read as degrees
        v = np.concatenate(self.speeds) if self.speeds else np.zeros(0)
        median = float(np.median(v)) if len(v) else 0.0
        if median > MAX_RADIAN_MPS:
            return None  # as radians it would move faster than anything on the ground
        lat, lon = self.names
        return (
            f"every position lies within +-{math.pi / 2:.3f} latitude / +-{math.pi:.3f} "
            f"longitude (median speed {median:.2g} m/s if they were radians): if {lat!r} / {lon!r} "
            f"hold radians, convert them to degrees (x {DEG_PER_RAD:.4f}) and read again; "
            "read as degrees (near 0 N 0 E, the Gulf of Guinea)"
        )
