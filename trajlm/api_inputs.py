"""The API's arguments that are not trajectory frames, as arrays: times (datetimes, ISO strings
or Unix seconds, one or many), origin / destination points (arrays, frames with lat/lon
columns, or Point geometries in any CRS), and the NaN warning of positions asked at times
outside a rollout (trajlm/api.py)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from trajlm.api_asked_times import (  # noqa: F401  (importable from here, as before)
    MAX_AHEAD_S,
    asked_ahead,
    checked_seconds_ahead,
    id_key_text,
    seconds_and_kind,
    utc_seconds,
)
from trajlm.api_labels import drop_labels, index_labels  # noqa: F401 (importable here, as before)
from trajlm.data import geo
from trajlm.data.coerce import LAT, LON
from trajlm.data.coerce_columns import pick_column
from trajlm.data.geometry import haversine
from trajlm.data.schema import TrajlmInputError


def warn_nan_times(pred: pl.DataFrame) -> pl.DataFrame:
    n = int(pred["lat"].is_nan().sum())
    if n:
        warnings.warn(f"{n} requested time(s) lie before a trajectory's last point: NaN",
                      stacklevel=4)  # fmt: skip
    return pred


def latlon_array(obj: Any, what: str) -> np.ndarray:
    """(N, 2) lat/lon degrees from an array-like or a frame (lat/lon columns or Points)."""
    if hasattr(obj, "geometry") and hasattr(obj, "crs"):  # GeoDataFrame / GeoSeries
        g = obj.geometry
        g = g if obj.crs is None or geo.is_wgs84(obj.crs) else g.to_crs(4326)
        return np.stack([g.y.to_numpy(), g.x.to_numpy()], axis=1)
    if isinstance(obj, pl.LazyFrame):  # as the trajectory calls take one (badin36: TypeError)
        obj = obj.collect()
    if hasattr(obj, "columns"):
        if not isinstance(obj, pl.DataFrame) and len(set(obj.columns)) < len(obj.columns):
            twice = next(c for c in obj.columns if list(obj.columns).count(c) > 1)
            raise TrajlmInputError(f"two columns are named {twice!r}; rename or drop one "
                                   "(df.loc[:, ~df.columns.duplicated()] keeps the first)",
                                   field=what)  # fmt: skip
        df = obj if isinstance(obj, pl.DataFrame) else pl.from_pandas(obj)
        lat = pick_column("lat", None, df.columns, LAT, f"{what} lat")
        lon = pick_column("lon", None, df.columns, LON, f"{what} lon")
        return _degrees(df.select(lat, lon).to_numpy().astype(np.float64), what)
    a = np.asarray(obj, np.float64)
    if a.ndim == 1 and a.shape[0] == 2:
        a = a[None]
    if a.ndim != 2 or a.shape[1] != 2:
        raise TrajlmInputError(f"{what}: expected (N, 2) lat/lon, got shape {a.shape}")
    return _degrees(a, what)


def _degrees(a: np.ndarray, what: str) -> np.ndarray:
    """``a`` unless a pair lies outside degree ranges: then one line saying how projected
    points are given (newuser29: EPSG:25832 metres as (northing, easting) tuples were "field lat:
    out of range ... clean the input first: trajlm.clean(df)", which would drop them)."""
    if len(a) == 0:  # badin34: "no points; give at least 2 points per trajectory"
        raise TrajlmInputError("none given; give at least one (lat, lon) pair", field=what)
    if not np.isfinite(a).all():  # badin34: "field lat: NaN ... (traj_id '0'); trajlm.clean(df)"
        i = int(np.flatnonzero(~np.isfinite(a).all(axis=1))[0])
        raise TrajlmInputError(f"row {i} ({a[i, 0]:g}, {a[i, 1]:g}) is not a position; "
                               "give finite (lat, lon) degrees, or leave the pair out", field=what)  # fmt: skip
    bad = (np.abs(a[:, 0]) > 90) | (np.abs(a[:, 1]) > 180)
    if not bad.any():
        return a
    i = int(np.flatnonzero(bad)[0])
    raise TrajlmInputError(
        f"{what}: row {i} ({a[i, 0]:g}, {a[i, 1]:g}) is not (lat, lon) in degrees; projected "
        "points (metres) are given as Points with their CRS",
        field=what,
        hint="gpd.GeoSeries(gpd.points_from_xy(x, y), crs='EPSG:25832') (any CRS), or "
        "reproject to EPSG:4326 first",
    )


def od_points(od: pl.DataFrame) -> pl.DataFrame:
    """Origins and destinations as two-point tables, for check_model_input's range checks."""
    n = len(od)
    ids = [str(i) for i in range(n)]
    return pl.DataFrame({
        "traj_id": ids * 2, "t": np.r_[od["t_start"], od["t_start"] + 1],
        "lat": np.r_[od["o_lat"], od["d_lat"]], "lon": np.r_[od["o_lon"], od["d_lon"]],
    })  # fmt: skip


def same_place_warning(o: np.ndarray, d: np.ndarray, seconds: np.ndarray) -> str | None:
    """One line when some trips start where they end (under 1 m apart): the model still
    answers (it was trained on trips that move), so say what the number is not."""
    dist = haversine(o[:, 0], o[:, 1], d[:, 0], d[:, 1])
    same = dist < 1.0
    if not same.any():
        return None
    i = int(np.flatnonzero(same)[0])
    return (f"{int(same.sum())} of {len(same)} trips have origin == destination (0 m apart), "
            f"e.g. trip {i}: {float(seconds[i]):.3g} s; that is no trip's duration (the model "
            "was trained on trips that move): give a destination elsewhere")  # fmt: skip


def long_trip_warning(model: Any, o: np.ndarray, d: np.ndarray) -> str | None:
    """One line when origin-destination pairs lie farther apart (straight line) than a
    training window covers at the training data's median trip speed: the model was trained on
    ODs within windows of ``max_len`` points, and its durations saturate near that span
    beyond it (the fleet report's bus ETAs: ~830 s for every 8 km trip). None when the model
    recorded no sampling interval or speed."""
    from trajlm.model.coverage import load_coverage

    cov = load_coverage(model) or {}
    dt, v = (cov.get("dt_s") or {}).get("p50"), (cov.get("traj_speed_mps") or {}).get("p50")
    max_len = getattr(getattr(model, "config", None), "max_len", None)
    if not dt or not v or not max_len:
        return None
    window_s = (max_len - 1) * dt
    far = haversine(o[:, 0], o[:, 1], d[:, 0], d[:, 1]) > window_s * v
    if not far.any():
        return None
    return (f"{int(far.sum())} of {len(far)} trips are longer than the model's training trips "
            f"(windows of {max_len} points at a median {dt:.3g} s: {window_s / 60:.0f} min, "
            f"about {window_s * v / 1000:.2g} km at the training trips' median {v:.2g} m/s, "
            "straight line): their travel times are extrapolated and saturate; train with a "
            "longer max_len or a coarser sampling interval for such trips")  # fmt: skip


def single_point_line(df: pl.DataFrame, say: Callable[[Any], str] = repr) -> str | None:
    """One line when some trajectories have a single point: a prediction is still given (near
    that point: there is no motion to continue), so say what it is not. ``say``: how an id is
    written (``coerce_names.id_text`` of the caller's id dtype: 7, not '7')."""
    n = df.group_by("traj_id", maintain_order=True).len()
    one = n.filter(pl.col("len") == 1)
    if not len(one):
        return None
    return (f"{len(one)} of {len(n)} trajectories have a single point (e.g. {say(one['traj_id'][0])}):"
            " no motion to continue, so the prediction stays near that point; give 2+ points "
            "per trajectory for a velocity")  # fmt: skip


def coverage_view(df: pl.DataFrame, known: np.ndarray) -> pl.DataFrame:
    """What ``recover``'s coverage check reads (user test ux6 item 9): every row (the rows to
    fill have their times, so the sampling interval is over all of them, not only the known
    points), the missing positions put on the straight line between their gap's known ends
    (so speeds and step lengths are the known points' own)."""
    k = pl.Series(known)
    return (
        df.select("traj_id", "t", "lat", "lon")
        .with_columns(pl.when(k).then(pl.col(c)).otherwise(None).alias(c) for c in ("lat", "lon"))
        .sort("traj_id", "t")
        .with_columns(pl.col("lat", "lon").interpolate_by("t").over("traj_id"))
    )


def naive_time_note(model: Any, layout: Any, stacklevel: int = 4) -> None:
    """Kept for callers of earlier sessions: naive datetimes are now said once by ``coerce``
    itself (``coerce.naive_time_warning``, for every model and every frame-taking call), so
    this says nothing more (one warning per call, leftovers15 item 2)."""
    return None
