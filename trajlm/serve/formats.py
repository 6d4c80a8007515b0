"""Trajectories in and out of the HTTP API: GeoJSON, Moving Features JSON and a plain table.

Accepted request documents (the ``trajectories`` field of a request):

* GeoJSON: a ``FeatureCollection`` or a ``Feature`` whose geometry is a ``LineString`` (or
  ``MultiPoint``) of ``[lon, lat]`` with one time per vertex in ``properties.times`` (or
  ``datetimes``): ISO 8601 strings or Unix seconds. The trajectory id is ``properties.traj_id``,
  else the Feature's ``id``, else its index in the collection.
* OGC Moving Features JSON: Features with a ``temporalGeometry`` of type ``MovingPoint``
  (``coordinates`` and ``datetimes``: ISO strings or, as the spec says, Unix milliseconds), or
  a bare ``MovingPoint``.
* A table: a list of ``{"traj_id": ..., "t": ..., "lat": ..., "lon": ...}`` rows.

Everything becomes the canonical Polars table and goes through ``check_model_input``; every
problem is a ``TrajlmInputError`` whose field is a JSON path (``trajectories.features[2]...``).
Responses use the request's format (MF-JSON in, MF-JSON out).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.schema import MIN_T, MIN_T_DATED, TrajlmInputError, check_model_input
from trajlm.data.times import time_column_seconds
from trajlm.serve import echo, names
from trajlm.serve.output import (  # noqa: F401  (re-exported)
    EXTRA,
    GEOJSON,
    MFJSON,
    TABLE,
    floats,
    iso,
    render_points,
    set_offset,
)
from trajlm.serve.plane import PLANE, read_plane
from trajlm.serve.rows import (  # noqa: F401  (IGNORED, REPEATS, ignored_line re-exported)
    ID_KEY,
    IGNORED,
    REPEATS,
    bad_field,
    ignored_line,
    is_number,
    js,
    rows_into_tracks,
)

NUMBER = r"^\s*[+-]?\d+(\.\d*)?\s*$"  # Unix seconds as text (data.times reads them as numbers)


@dataclass(frozen=True)
class Limits:
    """What one request may hold (the server's settings)."""

    max_points_per_trajectory: int = 2_000
    max_points_per_request: int = 20_000
    max_trajectories_per_request: int = 500
    max_id_chars: int = 256  # a traj_id is echoed on every answer row (badapi: a 3 MB id)


class _Tracks:
    """Collects (traj_id, times, lats, lons) per trajectory while checking types and limits."""

    def __init__(self, limits: Limits, field: str) -> None:
        self.limits, self.field = limits, field
        self.ids: list[str] = []
        self.t: list[Any] = []
        self.lat: list[float] = []
        self.lon: list[float] = []
        self.lengths: list[int] = []
        self.extra: list[str | None] = []  # a table row's other keys as JSON (keep_extra)
        self.keep_extra = False
        self.wheres: list[str] = []
        self.dated = False
        self.int_ids: bool | None = None  # every id sent a JSON integer (answered as integers)
        self.sent = (0, 0)  # (points, trajectories) of the whole request, for the size refusal
        self.rows = False  # table rows (rows._table): put in time order (_in_time_order)

    def add(self, tid: Any, coords: Any, times: Any, where: str, ms: bool = False,
            extra: list[str | None] | None = None) -> None:  # fmt: skip
        if not isinstance(coords, list) or not isinstance(times, list):
            raise bad_field("coordinates and times must be lists", where)
        if len(coords) != len(times):
            raise bad_field(f"{len(coords)} coordinates but {len(times)} times", where)
        if len(coords) == 0:
            raise bad_field(
                "empty trajectory (no points)", where, "give its points (2+ for a velocity)"
            )
        lim = self.limits
        if len(coords) > lim.max_points_per_trajectory:
            raise bad_field(f"{len(coords)} points; the limit is {lim.max_points_per_trajectory} "
                       "per trajectory", where, "send the last points only")  # fmt: skip
        if len(self.lengths) >= lim.max_trajectories_per_request:
            raise bad_field(f"more than {lim.max_trajectories_per_request} trajectories in one "
                       "request", self.field, "split the request")  # fmt: skip
        if len(self.lat) + len(coords) > lim.max_points_per_request:
            raise self._too_many_points()
        for i, c in enumerate(coords):
            ok = isinstance(c, list) and len(c) >= 2
            if not (ok and all(is_number(v) or v is None for v in c[:2])):
                raise bad_field(
                    f"{js(c)} is not a [lon, lat] pair of numbers", f"{where}.coordinates[{i}]"
                )
            self.lon.append(math.nan if c[0] is None else float(c[0]))  # null: a missing point
            self.lat.append(math.nan if c[1] is None else float(c[1]))
        for i, v in enumerate(times):
            if not (is_number(v) or isinstance(v, str)):
                raise bad_field(f"{js(v)} is not a time (ISO 8601 string or Unix seconds)",
                           f"{where}.times[{i}]")  # fmt: skip
            self.t.append(v / 1000 if ms and is_number(v) else v)
        if len(str(tid)) > lim.max_id_chars:
            raise bad_field(f"traj_id is {len(str(tid)):,} characters; the limit is "
                       f"{lim.max_id_chars}", where, "give a short id (a key into your data)")  # fmt: skip
        self.ids.append(str(tid))
        is_int = isinstance(tid, int) and not isinstance(tid, bool)
        self.int_ids = is_int if self.int_ids is None else self.int_ids and is_int
        self.lengths.append(len(coords))
        self.wheres.append(where)
        self.extra.extend(extra or [None] * len(coords))

    def _where(self, i: int) -> str:
        """The JSON path of the request's i-th time (trajectory by trajectory)."""
        ends = np.cumsum(self.lengths)
        k = int(np.searchsorted(ends, i, side="right"))
        return f"{self.wheres[k]}.times[{i - (int(ends[k - 1]) if k else 0)}]"

    def _too_many_points(self) -> TrajlmInputError:
        """The request-size refusal with what was sent and what fits (session 14: 500
        trajectories of 60 points were refused without saying how to fit them)."""
        lim, (n, k) = self.limits, self.sent
        each = lim.max_points_per_request // max(k, 1)
        what = f"{n:,} points in {k:,} trajectories" if n else "more points"
        return bad_field(f"{what}; the limit is {lim.max_points_per_request:,} points per request",
                    self.field, f"split the request, or send each trajectory's last {each:,} "
                    "points (predict reads only a model's last max_len - steps, GET /model)")  # fmt: skip

    def frame(self, ordered: bool = True) -> pl.DataFrame:
        """The canonical table (unsorted; numpy and one DataFrame: this runs per request);
        `ordered`: refuse times that do not increase (False for /validity, which reports them)."""
        if not self.lengths:
            raise bad_field("no trajectories", self.field, "give at least one trajectory")
        if len(set(self.ids)) < len(self.ids):
            raise bad_field(
                "two trajectories share an id", self.field, "give each a unique traj_id"
            )
        kinds = {isinstance(v, str) for v in self.t}
        if len(kinds) > 1:
            raise bad_field("times mix strings and numbers", self.field, "use one kind")
        # ISO strings: dates, read from 1900 as the API reads them (numbers as text: numbers)
        strings = pl.Series("t", self.t, dtype=pl.Utf8) if kinds == {True} else None
        self.dated = strings is not None and not strings.str.contains(NUMBER).all()
        set_offset(strings if self.dated else None)  # answers on the request's clock
        if strings is not None and not self.dated:  # numbers as text: read as the numbers
            self.t, strings = strings.str.strip_chars().cast(pl.Float64).to_list(), None
        if strings is not None:
            secs = _seconds(strings)
            exact = secs.astype(np.float64)
            if self.dated:  # each trajectory's own offsets where they differ (fix32)
                set_offset(strings, np.repeat(self.ids, self.lengths), secs)
            if self.dated:  # sub-second ISO times (".4Z"): the exact instant, for the order
                try:
                    us = strings.str.to_datetime(time_zone="UTC").dt.epoch("us").to_numpy()
                    exact = us / 1e6
                except pl.exceptions.PolarsError:
                    pass
        else:
            t = np.array(self.t, dtype=np.float64)
            if not np.isfinite(t).all():
                raise bad_field("a time is not a finite number", self.field)
            t = echo.to_seconds(t, self.field, self._where)  # ms (Date.now()), us, ns: by size
            # milliseconds and the like: time_column_seconds says what they look like
            secs = np.floor(t).astype(np.int64) if np.abs(t).max() <= 1e11 else _seconds(t)
            exact = t
        if ordered and self.rows:  # table rows in any order (newuser28)
            exact, secs = self._in_time_order(exact, secs)
        if ordered:
            _check_order(exact, self.lengths, self.wheres)
        # times with a part below the second reach the model exact (float seconds): positions
        # at the instants sent, answers labelled with them (output.whole_and_ms; session 18:
        # before, they were floored unless two fixes shared a second). Fixes under a second
        # apart: the model call (the Python API's coerce) keeps the earliest of each second
        # and says so in the answer's warnings
        tcol = exact if bool((exact != secs).any()) else secs
        ids = np.repeat(np.array(self.ids, dtype=object), self.lengths)
        return pl.DataFrame({
            "traj_id": pl.Series(ids.tolist(), dtype=pl.Utf8), "t": tcol,
            "lat": pl.Series(np.array(self.lat), nan_to_null=True),
            "lon": pl.Series(np.array(self.lon), nan_to_null=True),
        } | ({EXTRA: pl.Series(self.extra, dtype=pl.Utf8)} if any(self.extra) else {}))  # fmt: skip

    def _in_time_order(self, exact: np.ndarray, secs: np.ndarray) -> tuple:
        """Table rows put in time order within each trajectory (a stable sort of their
        instants, once their unit is read): a telematics export's rows in arrival order
        (``df.to_json(orient="records")``) were refused "time 1 is before the time of point
        0" where `TrajLM.predict` and `trajlm predict` read them (newuser28). GeoJSON / MF-JSON
        vertices keep their order (a line's order is its shape), and /validity (``ordered``
        False) reports steps back as sent."""
        bounds = np.r_[0, np.cumsum(self.lengths)]
        order = np.concatenate([a + np.argsort(exact[a:b], kind="stable")
                                for a, b in zip(bounds[:-1], bounds[1:], strict=True)])  # fmt: skip
        if (order == np.arange(len(order))).all():
            return exact, secs
        self.lat = [self.lat[k] for k in order]
        self.lon = [self.lon[k] for k in order]
        self.extra = [self.extra[k] for k in order]
        return exact[order], secs[order]

    def plausible(self) -> bool:
        """Every position finite and in range and every time after MIN_T: a request that
        check_model_input would pass (it runs on every model call; this skips a second run
        per request on the hot path, and anything else is left to check_model_input)."""
        lat, lon = np.array(self.lat), np.array(self.lon)
        with np.errstate(invalid="ignore"):
            return bool((np.abs(lat) <= 90).all() and (np.abs(lon) <= 180).all())


def _seconds(t: Any) -> np.ndarray:
    s = t if isinstance(t, pl.Series) else pl.Series("t", t)
    secs, _, _ = time_column_seconds(s.to_frame(), "t")
    if secs.null_count():
        raise TrajlmInputError("a time does not parse", field="t", hint="use ISO 8601 or Unix s")
    return secs.to_numpy()


def _check_order(t: np.ndarray, lengths: list[int], wheres: list[str]) -> None:
    """Times must increase along each trajectory, as sent (the model reads them in order)."""
    start = 0
    for n, where in zip(lengths, wheres, strict=True):
        d = np.diff(t[start : start + n])
        bad = np.flatnonzero(d <= 0)
        if bad.size:
            i = int(bad[0]) + 1
            what = "repeats" if d[bad[0]] == 0 else "is before"
            raise bad_field(f"time {i} {what} the time of point {i - 1}", f"{where}.times[{i}]",
                       "send each trajectory's points in time order, one per timestamp")  # fmt: skip
        start += n


def _feature_track(feat: Any, where: str) -> tuple[list, list, bool, bool]:
    """(coordinates, times, times_in_ms, is_mfjson) of one Feature."""
    if not isinstance(feat, dict):
        raise bad_field("not a GeoJSON Feature object", where)
    tg = feat.get("temporalGeometry")
    if isinstance(tg, dict):
        if tg.get("type") != "MovingPoint":
            raise bad_field(f"temporalGeometry type {tg.get('type')!r} (only MovingPoint)",
                       f"{where}.temporalGeometry.type")  # fmt: skip
        return tg.get("coordinates"), tg.get("datetimes"), True, True
    geom = feat.get("geometry")
    if not isinstance(geom, dict) or geom.get("type") not in ("LineString", "MultiPoint"):
        kind = geom.get("type") if isinstance(geom, dict) else type(geom).__name__
        raise bad_field(f"geometry is {kind!r}; expected a LineString with properties.times",
                   f"{where}.geometry")  # fmt: skip
    props = feat.get("properties") or {}
    if not isinstance(props, dict):
        raise bad_field("properties must be an object", f"{where}.properties")
    key = next((k for k in ("times", "datetimes", "timestamps") if k in props), None)
    if key is None:
        raise bad_field("no times: give one time per vertex", f"{where}.properties.times",
                   "ISO 8601 strings or Unix seconds")  # fmt: skip
    return geom.get("coordinates"), props[key], key == "datetimes", key == "datetimes"


def _coords(feat: Any) -> list:
    """A Feature's vertex list (empty where it has none: the parse names the problem)."""
    if not isinstance(feat, dict):
        return []
    g = feat.get("temporalGeometry") or feat.get("geometry")
    c = g.get("coordinates") if isinstance(g, dict) else None
    return c if isinstance(c, list) else []


def parse_trajectories(
    doc: Any,
    limits: Limits,
    field: str = "trajectories",
    validate: bool = True,
    ordered: bool = True,
    dates: bool = False,
    keep_extra: bool = False,
    crs: str | None = None,
) -> tuple[pl.DataFrame, str]:
    """A request document -> (canonical table, format of the document). The table is checked by
    ``check_model_input`` unless ``validate=False`` (recover: missing positions are the point):
    when a cheap look finds a NaN, out-of-range value or old time; every model method runs
    ``check_model_input`` on what it is given anyway (and the batcher, on the whole batch).

    Times as the Python API reads them (docs/data.md, "Session 12 (ux7)"): numbers (Unix
    seconds, MF-JSON milliseconds) from 1990, ISO strings (dates) from 1900. ``dates``: the
    ``t`` of ISO input comes back as UTC datetimes, so a model method reads them as dates
    too (``as_seconds`` turns its answer back); otherwise ``t`` is Unix seconds. ``crs``:
    "local", x / y metres read onto the stand-in plane (serve/plane.py)."""
    tracks = _Tracks(limits, field)
    tracks.keep_extra = keep_extra  # table rows' other keys ride along (column EXTRA)
    IGNORED.set(())
    REPEATS.set((0, ""))
    PLANE.set(crs is not None)  # a parse error on a plane says x / y too (badin38)
    ID_KEY.set(None)
    echo.reset()
    names.reset()  # the rows' own keys, for "keys": "request" (serve40)
    if isinstance(doc, list):
        rows_into_tracks(doc, tracks, field)
        fmt = TABLE
    elif isinstance(doc, dict):
        kind = doc.get("type")
        if kind == "FeatureCollection":
            feats = doc.get("features")
            if not isinstance(feats, list):
                raise bad_field("a FeatureCollection needs a 'features' list", f"{field}.features")
            items = [(f, f"{field}.features[{k}]", k) for k, f in enumerate(feats)]
        elif kind == "Feature":
            items = [(doc, field, 0)]
        elif kind == "MovingPoint":
            items = [({"type": "Feature", "temporalGeometry": doc}, field, 0)]
        else:
            raise bad_field(f"type {kind!r}: expected a GeoJSON FeatureCollection or Feature, a "
                       "MovingPoint, or a list of {traj_id, t, lat, lon} rows", f"{field}.type")  # fmt: skip
        fmt = GEOJSON
        tracks.sent = (sum(len(_coords(f)) for f, _, _ in items), len(items))
        for feat, where, k in items:
            coords, times, ms, mf = _feature_track(feat, where)
            props = feat.get("properties") if isinstance(feat.get("properties"), dict) else {}
            tid = props.get("traj_id", feat.get("id", str(k)))  # an index is no id sent
            tracks.add(tid, coords, times, where, ms=ms)
            fmt = MFJSON if mf else fmt
    else:
        raise bad_field(
            f"expected GeoJSON, MF-JSON or a list of rows, got {type(doc).__name__}", field
        )
    df = read_plane(tracks.frame(ordered), crs)  # x / y metres: the stand-in plane (local37)
    echo.INT_IDS.set(bool(tracks.int_ids))
    min_t = MIN_T_DATED if tracks.dated else MIN_T
    plausible = crs is None and tracks.plausible()  # the sent values are metres on a plane
    if validate and not (plausible and df["t"].min() >= min_t):
        if df["t"].dtype.is_float():  # sub-second fixes: checked as the API will read them
            whole = df.with_columns(pl.col("t").floor().cast(pl.Int64))
            # every row's position first (session 18: a bad one later in its second reached
            # the API's coerce, whose refusal is Python advice: "pass crs='EPSG:...'")
            rank = pl.int_range(pl.len()).over("traj_id").cast(pl.Int64)
            check_model_input(whole.with_columns(t=rank + whole["t"].min()), field, min_t)
            check_model_input(
                whole.unique(["traj_id", "t"], keep="first", maintain_order=True), field, min_t
            )
        else:
            df = check_model_input(df, field, min_t)  # raises, naming the column and first row
    if not dates:  # numbers: Unix seconds (float where a time has a part below the second)
        return df, fmt
    if tracks.dated:
        us = (pl.col("t").cast(pl.Float64) * 1e6).round().cast(pl.Int64)
        df = df.with_columns(pl.from_epoch(us, "us").dt.replace_time_zone("UTC"))
    return df, fmt


def check_times(values: Any, field: str) -> tuple[Any, str | None]:
    """Times given outside a trajectory (at_times, depart) parse, or an error naming `field`:
    (the values with numbers in Unix seconds, the epoch unit their size said: echo)."""
    values, unit = echo.values_in_seconds(values, field)
    _check_times(values, field)
    return values, unit


def _check_times(values: Any, field: str) -> None:
    if isinstance(values, dict):  # per trajectory: {traj_id: times}
        for tid, v in values.items():
            _check_times(v, f"{field}[{tid!r}]")
        return
    vals = values if isinstance(values, list) else [values]
    if len({isinstance(v, str) for v in vals}) > 1:
        raise bad_field("mixes strings and numbers", field, "use one kind")
    try:
        _seconds(vals if isinstance(vals[0], str) else np.array(vals, dtype=np.float64))
    except TrajlmInputError as e:
        raise bad_field(str(e).removeprefix("field t: "), field) from None
