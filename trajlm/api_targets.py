"""The points a call is asked about, read from what the caller gave (session 31, eta31): reach's
``to`` stops and divert's ``order`` (one (lat, lon) pair, pairs, an (n, 2) array, a frame with
latitude / longitude columns or a GeoDataFrame of Points). Apart from api_reach so that
``trajlm.divert``, which runs no model, reads its orders without loading torch (review35)."""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm._arguments import is_number
from trajlm.data.schema import TrajlmInputError


def latlon_columns(to: Any) -> tuple[str, str]:
    """A frame's (lat, lon) column names: the one column whose name holds "lat" and the one
    holding "lon" / "lng" (GTFS stops.txt's stop_lat / stop_lon, lat / lon, Latitude /
    Longitude)."""
    cols = [str(c) for c in to.columns]
    lat = [c for c in cols if "lat" in c.lower()]
    lon = [c for c in cols if "lon" in c.lower() or "lng" in c.lower()]
    if len(lat) != 1 or len(lon) != 1:
        raise TrajlmInputError(
            f"give a frame with one latitude and one longitude column (e.g. stop_lat, "
            f"stop_lon), got columns {cols[:8]}",
            field="to",
        )
    return lat[0], lon[0]


def _frame_targets(to: Any) -> np.ndarray:
    """A frame's (lat, lon) columns as an (n, 2) array."""
    lat, lon = latlon_columns(to)
    return np.column_stack([np.asarray(to[lat]), np.asarray(to[lon])])


def target_points(to: Any) -> Any:
    """``to`` as given, but a GeoDataFrame of stops as the frame every model call reads it as
    (data/geoframes.py: Points in its own CRS, reprojected to lat / lon; fix33: it was refused
    for lacking lat / lon columns), its other columns kept for the answer."""
    if not hasattr(to, "geometry") or not hasattr(to, "crs") or not hasattr(to, "columns"):
        return to
    from trajlm.data.geoframes import CARRIED, from_geodataframe

    try:
        points, _ = from_geodataframe(to, None, None)
    except TrajlmInputError as e:
        raise TrajlmInputError(str(e), field="to") from None
    if "lat" not in points.columns:  # LineStrings: vertices, not stops
        raise TrajlmInputError("give the stops as Points, one a row", field="to")
    return points.drop(columns=[c for c in CARRIED if c in points.columns])


def read_targets(to: Any) -> np.ndarray:
    """``to`` as an (n, 2) float array of (lat, lon) in degrees: one (lat, lon) pair, a list of
    pairs, an (n, 2) array or a frame with latitude / longitude columns."""
    raw = _frame_targets(to) if hasattr(to, "columns") else to
    try:
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        if hasattr(to, "columns"):  # badin32: the frame's repr showed its header, not the value
            bad = next((v for v in np.asarray(raw).ravel() if not is_number(v)), None)
            raise TrajlmInputError(
                f"the frame's latitude / longitude hold {bad!r}, not a number in degrees "
                "(decimal point, not comma)",
                field="to",
            ) from None
        raise TrajlmInputError(
            f"give (lat, lon) numbers, a list of them or a frame of points, got {to!r:.80}",
            field="to",
        ) from None
    arr = arr.reshape(1, -1) if arr.ndim == 1 else arr
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
        raise TrajlmInputError(
            f"give (lat, lon) pairs, got an array of shape {np.shape(raw)}", field="to"
        )
    bad = ~np.isfinite(arr).all(1) | (np.abs(arr[:, 0]) > 90) | (np.abs(arr[:, 1]) > 180)
    if bad.any():
        i = int(np.argmax(bad))
        raise TrajlmInputError(
            f"target {i} {arr[i].tolist()} is not a (lat, lon) in degrees "
            "(lat within +-90, lon within +-180)",
            field="to",
        )
    return arr
