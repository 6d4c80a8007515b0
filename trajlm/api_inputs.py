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

from trajlm.api_labels import drop_labels, index_labels  # noqa: F401 (importable here, as before)
from trajlm.api_subsec import exact_last
from trajlm.data import geo
from trajlm.data.coerce import LAT, LON, _pick
from trajlm.data.coerce_epochs import unit_values
from trajlm.data.geometry import haversine
from trajlm.data.schema import SOURCE_ID, TrajlmInputError
from trajlm.data.times import time_column_seconds


def warn_nan_times(pred: pl.DataFrame) -> pl.DataFrame:
    n = int(pred["lat"].is_nan().sum())
    if n:
        warnings.warn(f"{n} requested time(s) lie before a trajectory's last point: NaN",
                      stacklevel=4)  # fmt: skip
    return pred


def _seconds(values: Any, what: str) -> np.ndarray:
    """Datetimes / ISO strings / Unix seconds (scalar or sequence) -> (N,) float64 UTC seconds."""
    return seconds_and_kind(values, what)[0]


def seconds_and_kind(values: Any, what: str) -> tuple[np.ndarray, str]:
    """``_seconds`` and the times' kind ("epoch" for numbers; dates are read from 1900)."""
    if isinstance(values, str) or not hasattr(values, "__len__"):
        values = [values]  # one time for every row
    if np.asarray(values).dtype.kind == "M":  # numpy datetime64 of any unit (polars takes ms..ns)
        values = np.asarray(values).astype("datetime64[us]")
    try:
        s = values.alias(what) if isinstance(values, pl.Series) else pl.Series(what, values)
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
        raise TrajlmInputError(  # e.g. ISO text next to numbers (session 14, fuzz14)
            "times of mixed kinds; give all datetimes, all ISO strings or all Unix seconds",
            field=what) from None  # fmt: skip
    if len(s) == 0:
        raise ValueError(f"{what} is empty: give at least one time")
    if s.dtype.is_float() and not s.is_finite().all():
        raise TrajlmInputError("NaN / infinite time(s)", field=what)
    t, kind, _ = time_column_seconds(s.to_frame(), what)  # errors name the argument (field=what)
    if t.null_count():
        raise TrajlmInputError(f"{what}: missing time(s)", field=what)
    return t.to_numpy().astype(np.float64), kind


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
        lat = _pick("lat", None, df.columns, LAT, f"{what} lat")
        lon = _pick("lon", None, df.columns, LON, f"{what} lon")
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


def asked_ahead(
    at_times: Any, seconds_ahead: Any, last: pl.DataFrame, traj_col: Any
) -> tuple[np.ndarray, np.ndarray | None, list[str] | None]:
    """The seconds after each trajectory's last point that ``predict`` is asked for: (B, m)
    ``req`` over the rows of ``last`` (traj_id, t), plus, when the times are given per
    trajectory (a dict or a two-column frame keyed by trajectory id), the (B, m) mask of the
    asked entries (shorter lists are padded with their last time) and the ids asked (``last``
    must then be restricted to them, in their order there). ``traj_col``: the id column's
    name, or the input's ``Layout``: then sub-second times (the input's fixes, the times
    asked) are kept: ``req`` from each trajectory's exact last fix, and the exact times asked
    recorded in ``layout.at_exact`` for the result (coerce.exact_times)."""
    asked = _asked_ahead(at_times, seconds_ahead, last, traj_col)
    if at_times is not None:  # zone-less times read as UTC: said, as a frame's (leftover34b)
        from trajlm.api_time_checks import zoneless_note

        zoneless_note(at_times, "at_times", None if isinstance(traj_col, str) else traj_col)
    return asked


def _asked_ahead(
    at_times: Any, seconds_ahead: Any, last: pl.DataFrame, traj_col: Any
) -> tuple[np.ndarray, np.ndarray | None, list[str] | None]:
    """``asked_ahead`` (see there), the times read."""
    layout = None if isinstance(traj_col, str) else traj_col
    traj_col = traj_col if layout is None else layout.traj_col
    if at_times is not None and layout is not None:
        at_times = unit_values(at_times, layout.epoch_unit, traj_col)  # by their own size (ms, s)
        return _asked_exact(at_times, last, traj_col, layout)
    what = "at_times" if at_times is not None else "seconds_ahead"
    values = at_times if at_times is not None else seconds_ahead
    per = _per_trajectory(values, last["traj_id"].to_list(), traj_col, what, layout)
    if per is None:
        if at_times is not None:
            return _seconds(at_times, what)[None, :] - last["t"].to_numpy()[:, None], None, None
        ahead = _ahead(seconds_ahead)
        if layout is not None:
            _record_exact_ahead(layout, last, last["traj_id"].to_list(), [ahead] * len(last))
        return np.broadcast_to(ahead[None, :], (len(last), len(ahead))), None, None
    t_last = dict(zip(last["traj_id"].to_list(), last["t"].to_numpy(), strict=True))
    ids = [i for i in last["traj_id"].to_list() if i in per]
    rows = [_seconds(per[i], what) - t_last[i] if at_times is not None else _ahead(per[i])
            for i in ids]  # fmt: skip
    if layout is not None and at_times is None:
        _record_exact_ahead(layout, last, ids, rows)
    m = max(len(r) for r in rows)
    req = np.stack([np.r_[r, np.full(m - len(r), r[-1])] for r in rows])
    valid = np.arange(m)[None, :] < np.array([len(r) for r in rows])[:, None]
    return req, valid, ids


def _record_exact_ahead(layout: Any, last: pl.DataFrame, ids: list, rows: list) -> None:
    """seconds_ahead's result times, exact: each trajectory's exact last fix + the seconds
    asked (``layout.at_exact``; the positions are computed there already). Without it a
    sub-second input or a fractional request was labelled with the whole-second sum plus the
    last fix's fraction (1.6 s after 03.2 read 05.2, not 04.8; session 17)."""
    if layout.frac is None and not any(np.any(r % 1 != 0) for r in rows):
        return  # whole seconds everywhere: the integer times of before, bit for bit
    t_last = exact_last(last, layout)
    layout.at_exact = pl.DataFrame({
        "traj_id": [i for i, r in zip(ids, rows, strict=True) for _ in r],
        "step": [k + 1 for r in rows for k in range(len(r))],
        "t": np.concatenate([t_last[i] + r for i, r in zip(ids, rows, strict=True)]),
    }, schema_overrides={"step": pl.Int64, "t": pl.Float64})  # fmt: skip


def _exact_seconds(values: Any, what: str, layout: Any = None) -> np.ndarray:
    """``_seconds`` with the part below the second kept (datetimes, ISO text, Unix seconds).
    ``layout``: naive datetimes asked of a frame whose times carry a zone are refused
    (``naive_against_aware``)."""
    from trajlm.api_time_checks import asked_in_zone, missing_time, naive_against_aware
    from trajlm.data.times import sub_seconds

    missing_time(values, what)
    naive_against_aware(values, layout, what)
    t = asked_in_zone(values, _seconds(values, what), layout, what)
    if isinstance(values, str) or not hasattr(values, "__len__"):
        values = [values]
    if np.asarray(values).dtype.kind == "M":
        values = np.asarray(values).astype("datetime64[us]")
    s = values.alias(what) if isinstance(values, pl.Series) else pl.Series(what, values)
    sub = sub_seconds(s.to_frame(), what)
    return t if sub is None else t + sub.to_numpy()


def _asked_exact(at_times: Any, last: pl.DataFrame, traj_col: str, layout: Any):
    """``asked_ahead`` for at_times, sub-second parts kept (see there)."""
    what = "at_times"
    ids_all = last["traj_id"].to_list()
    t_exact = exact_last(last, layout)
    t_last = np.array([t_exact[i] for i in ids_all], np.float64)
    per = _per_trajectory(at_times, ids_all, traj_col, what, layout)
    if per is None and getattr(layout, "pieces", None) is not None:
        # one list of times for vehicles cut into pieces: a vehicle's earlier pieces ended
        # hours before (their answers were NaN beside a warning): asked of its last piece only
        per = _latest_pieces({k: at_times for k in layout.pieces[SOURCE_ID].unique()},
                             set(ids_all), layout.pieces)  # fmt: skip
        per = {k: v for k, v in per.items() if k in set(ids_all)}
    if per is None:
        asked = _exact_seconds(at_times, what, layout)
        rows, ids, out_ids = [asked] * len(ids_all), ids_all, None
        req = asked[None, :] - t_last[:, None]
    else:
        ids = out_ids = [i for i in ids_all if i in per]
        rows = [_exact_seconds(per[i], what, layout) for i in ids]
        tl = dict(zip(ids_all, t_last, strict=True))
        m = max(len(r) for r in rows)
        req = np.stack(
            [np.r_[r, np.full(m - len(r), r[-1])] - tl[i] for r, i in zip(rows, ids, strict=True)]
        )
    valid = None
    if per is not None:
        m = req.shape[1]
        valid = np.arange(m)[None, :] < np.array([len(r) for r in rows])[:, None]
    exact = layout.frac is not None or any(np.any(r % 1 != 0) for r in rows)
    if exact:
        layout.at_exact = pl.DataFrame({
            "traj_id": [i for i, r in zip(ids, rows, strict=True) for _ in r],
            "step": [k + 1 for r in rows for k in range(len(r))],
            "t": np.concatenate(rows).astype(np.float64),
        }, schema_overrides={"step": pl.Int64})  # fmt: skip
    else:  # whole seconds everywhere: the integer request of before, bit for bit
        req = np.rint(req)
    return req, valid, out_ids


MAX_AHEAD_S = 365 * 86_400.0  # far beyond any rollout (NaN + a warning past its reach)


def _ahead(seconds_ahead: Any) -> np.ndarray:
    items = np.asarray(seconds_ahead, dtype=object).reshape(-1).tolist()
    try:  # badin25: [True] was read as 1 s; ["x"] / [timedelta]: numpy's lines, no field named
        if any(isinstance(v, (bool, np.bool_)) for v in items):
            raise TypeError
        ahead = np.array([np.nan if v is None else float(v) for v in items], np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"seconds_ahead must be numbers of seconds (e.g. [30, 60]), got "
                         f"{items[:5]!r}") from None  # fmt: skip
    if ahead.size == 0 or not np.all(np.isfinite(ahead)) or np.any(ahead <= 0):
        raise ValueError(
            f"seconds_ahead must be finite numbers > 0 (after each trajectory's last "
            f"point), got {[float(a) for a in ahead[:5]]}"  # nan, not np.float64(nan)
        )
    if np.any(ahead > MAX_AHEAD_S):  # 1e300 overflowed the output times (fuzz14)
        raise ValueError(
            f"seconds_ahead must be at most {MAX_AHEAD_S:.0f} s (a year), got {ahead.max():g}"
        )
    return ahead


def _per_trajectory(
    values: Any, ids: list[str], traj_col: str, what: str, layout: Any = None
) -> dict | None:
    """{trajectory id (as trajlm reads it, a string): its times} from a dict or a frame of
    (trajectory id, time) rows; None for one list of times for every trajectory. A vehicle cut
    into pieces (``layout.pieces``, coerce_pieces.py) is asked by its own id: its last piece."""
    if isinstance(values, dict):
        have = set(ids)
        per = {_key_text(k, have): v for k, v in values.items()}
    elif hasattr(values, "columns") and not hasattr(values, "geometry"):
        df = values if isinstance(values, pl.DataFrame) else pl.from_pandas(values)
        key = next((c for c in (traj_col, "traj_id") if c in df.columns), None)
        others = [c for c in df.columns if c != key]
        if key is None or len(others) != 1:
            raise TrajlmInputError(
                f"{what} as a frame: give two columns, the trajectory id ({traj_col!r}) and "
                f"the times; got {df.columns}", field=what)  # fmt: skip
        df = df.with_columns(pl.col(key).cast(pl.Utf8))
        per = {k: g[others[0]] for (k,), g in df.group_by(key, maintain_order=True)}
    else:
        return None
    per = _latest_pieces(per, set(ids), getattr(layout, "pieces", None), what)
    known = set(ids)
    unknown = [k for k in per if k not in known]
    if unknown:
        raise TrajlmInputError(
            f"{what}: {len(unknown)} trajectory id(s) not in the data, e.g. {unknown[0]!r}",
            field=what, hint=f"key the times by the values of the id column {traj_col!r}")  # fmt: skip
    if not per or any(len(np.atleast_1d(np.asarray(v, dtype=object))) == 0 for v in per.values()):
        raise ValueError(f"{what}: give at least one time per trajectory listed")
    return per


def _latest_pieces(
    per: dict, ids: set[str], pieces: pl.DataFrame | None, what: str = "at_times"
) -> dict:
    """``per`` with a vehicle's own id (not a piece id) re-keyed to its last piece."""
    if pieces is None:
        return per
    last = pieces.sort("piece").group_by(SOURCE_ID, maintain_order=True).last()
    latest = dict(zip(last[SOURCE_ID].to_list(), last["traj_id"].to_list(), strict=True))
    out: dict = {}
    named: dict = {}
    for k, v in per.items():
        # a vehicle's own id first (vehicle 'X_1' is not piece 1 of vehicle 'X'), then a piece id
        key = latest[k] if k in latest else k
        if key in out:  # badin21: {"A": [60], "A_1": [30]} kept one of them without a word
            raise TrajlmInputError(
                f"{what}: keys {named[key]!r} and {k!r} both ask trajectory {key!r} (a vehicle's own id "
                "asks its last piece); give one of them, or both times under one key",
                field=what,
            )
        out[key], named[key] = v, k
    return out


def _key_text(key: Any, ids: set[str]) -> str:
    """A per-trajectory dict's key as trajlm's text id: True -> "true" (as Polars writes a
    boolean id), and a number matched by value (1 for the float id "1.0", 2.0 for "2")."""
    if isinstance(key, bool | np.bool_):
        return str(bool(key)).lower()
    text = str(key)
    if text in ids or not isinstance(key, int | float | np.integer | np.floating):
        return text
    value = float(key)
    tries = [repr(value)] + ([str(int(value))] if value.is_integer() else [])
    return next((t for t in tries if t in ids), text)


def naive_time_note(model: Any, layout: Any, stacklevel: int = 4) -> None:
    """Kept for callers of earlier sessions: naive datetimes are now said once by ``coerce``
    itself (``coerce.naive_time_warning``, for every model and every frame-taking call), so
    this says nothing more (one warning per call, leftovers15 item 2)."""
    return None
