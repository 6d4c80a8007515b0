"""A mover's places: where it stays, clustered (session 32, next32).

    pl_ = trajlm.places(gps, traj_col="participant_id")   # one row per (mover, place)

"Where does P07 go" is asked of places (home, work, the gym; a van's depot and customers; a
vessel's berths), not of positions. A *stay* is what ``trajlm data ingest --split-at-stops``
cuts at (data/clean_split.py: within ``STOP_RADIUS_M`` for ``STOP_MIN_S`` or more, each fix
allowed its own stated accuracy); a *place* is a mover's stays within ``radius_m`` of one another:
leader clustering, longest stays first (each stay joins the first place whose seed stay lies
within ``radius_m``, else it seeds a new one), so the same fixes give the same places. A place's
centre is its stays' time-weighted mean position; places are numbered 0, 1, ... per mover by
total time there, most first (place 0 is usually home, or a van's depot). A *visit* is a run of
consecutive stays at one place: a phone asleep overnight or an app killed for an hour cuts a
stay in two, and is not a trip.

Fixes whose stated accuracy is over 200 m (cell-tower fixes) are left out, as ingest leaves
them out. Everything here is read off the fixes: no model.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.clean_accuracy import DEFAULT_MAX_ACCURACY_M, DropInaccurate
from trajlm.data.clean_split import STOP_MIN_S, STOP_RADIUS_M, fix_error_m, stop_rows
from trajlm.data.geometry import haversine
from trajlm.errors import TrajlmInputError

PLACE_RADIUS_M = 250.0  # a home's / an office's stays: indoor fixes 10-80 m off, medians nearer
PLACE_COLUMNS = ("place", "lat", "lon", "visits", "stay_s", "first_arrival", "last_departure")
STAY_SCHEMA = {"traj_id": pl.Utf8, "arrive": pl.Int64, "leave": pl.Int64,
               "lat": pl.Float64, "lon": pl.Float64}  # fmt: skip
TRIP_COL = "_trip"  # a trip's id kept beside its mover's (by_mover(keep_trip=True))
# places / next_place's stop_minutes default: ingest's stay length, in the keyword's unit
STOP_MINUTES = STOP_MIN_S / 60


def check_radius(value: Any, name: str = "radius_m") -> float:
    """A positive finite number of metres, or one line naming the argument."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real) or not value > 0 \
            or not math.isfinite(value):  # fmt: skip
        unit = " of metres" if name.endswith("_m") else ""
        raise TrajlmInputError(f"{name} must be a positive number{unit}, got {value!r}",
                               field=name)  # fmt: skip
    return float(value)


def stays(
    table: pl.DataFrame, min_s: float = STOP_MIN_S, stay_radius_m: float = STOP_RADIUS_M
) -> pl.DataFrame:
    """Each stay of a canonical table (traj_id, t, lat, lon[, accuracy_m]): traj_id, arrive and
    leave (its first and last fix, Unix s), lat, lon (its fixes' median), in (traj_id, arrive)
    order. A stay at the start or end of a mover's fixes counts (a mover at home now is).
    ``min_s``: how long a stay lasts at least (a van's 2-8 min deliveries: 120; dispatch33).
    ``stay_radius_m``: how near its fixes stay (100 m; smaller on a pitch / warehouse plane)."""
    h = DropInaccurate(DEFAULT_MAX_ACCURACY_M).apply(table)[0]
    h = h.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    h = h.sort("traj_id", "t").unique(["traj_id", "t"], keep="first", maintain_order=True)
    schema = {**STAY_SCHEMA, "traj_id": h.schema["traj_id"]}
    lo, hi = stop_rows(h, stay_radius_m, window_s(h, min_s), drift_mps=None)
    if TRIP_COL in h.columns:  # a mover's trips (by_mover(keep_trip=True)): parked between
        lo, hi = _union(lo, hi, *between_trips(h, min_s, stay_radius_m))
    if len(lo) == 0:
        return pl.DataFrame(schema=schema)
    lat, lon, t = (h[c].to_numpy() for c in ("lat", "lon", "t"))
    rows = {
        "traj_id": h["traj_id"].gather(pl.Series(lo)),
        "arrive": t[lo].astype(np.int64),
        "leave": t[hi].astype(np.int64),
        "lat": [float(np.median(lat[a : b + 1])) for a, b in zip(lo, hi, strict=True)],
        "lon": [float(np.median(lon[a : b + 1])) for a, b in zip(lo, hi, strict=True)],
    }
    return pl.DataFrame(rows, schema=schema).sort("traj_id", "arrive")


def between_trips(
    h: pl.DataFrame, min_s: float, stay_radius_m: float = STOP_RADIUS_M
) -> tuple[np.ndarray, np.ndarray]:
    """(last row of a trip, first row of the mover's next trip) where the next trip starts
    ``min_s`` or more later within ``STOP_RADIUS_M`` (each fix allowed its stated accuracy) of
    where the last one ended: the mover stood there between them. Trip records (e-scooter MDS
    trips, bike-share rides, a van's jobs) hold no fix while parked, so the window rule never
    sees those stays (newuser35: a month of 1,950 scooter trips, "no stay" at all). Inside one
    trip a gap is lost fixes, not a stay, and stays so."""
    if h.height < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    same = (h["traj_id"] == h["traj_id"].shift(1)).fill_null(False).to_numpy()
    other = (h[TRIP_COL] != h[TRIP_COL].shift(1)).fill_null(False).to_numpy()
    t = h["t"].to_numpy().astype(np.int64)
    lat, lon = h["lat"].to_numpy(), h["lon"].to_numpy()
    k = np.flatnonzero(same & other)
    k = k[t[k] - t[k - 1] >= min_s]
    acc = np.broadcast_to(np.asarray(fix_error_m(h), np.float64), (h.height,))
    near = haversine(lat[k - 1], lon[k - 1], lat[k], lon[k]) <= stay_radius_m + acc[k - 1] + acc[k]
    k = k[near]
    return (k - 1).astype(np.int64), k.astype(np.int64)


def _union(lo: np.ndarray, hi: np.ndarray, lo2: np.ndarray, hi2: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Row intervals of both sets, those that share a row joined (rows are one mover's in
    order, so joined intervals never cross movers)."""
    a, b = np.r_[lo, lo2].astype(np.int64), np.r_[hi, hi2].astype(np.int64)
    if len(a) == 0:
        return a, b
    order = np.lexsort((b, a))
    a, b = a[order], b[order]
    out_lo, out_hi = [int(a[0])], [int(b[0])]
    for x, y in zip(a[1:], b[1:], strict=True):
        if x <= out_hi[-1]:
            out_hi[-1] = max(out_hi[-1], int(y))
        else:
            out_lo.append(int(x))
            out_hi.append(int(y))
    return np.asarray(out_lo, np.int64), np.asarray(out_hi, np.int64)


def window_s(table: pl.DataFrame, min_s: float) -> float:
    """The stay rule's window: ``min_s``, or the fixes' median spacing where that is longer.
    A window holding one fix settles nothing: badin33b, ``stop_minutes=0.01`` on fixes a minute
    apart found "no stay" in hours of standing still (a stay of two fixes lasts one spacing)."""
    same = table["traj_id"] == table["traj_id"].shift(1)
    step = table["t"].diff().filter(same.fill_null(False)).cast(pl.Float64).median()
    if step is None or step <= min_s:
        return min_s
    from trajlm.errors import warn_at_caller

    warn_at_caller(f"stop_minutes={min_s / 60:g} is shorter than the fixes' median spacing "
                   f"({step:g} s): stays are read as {step / 60:g}+ min (two fixes)")  # fmt: skip
    return float(step)


def cluster(stay_rows: pl.DataFrame, radius_m: float) -> pl.DataFrame:
    """One mover's stays -> its places: place (0 = most time), lat, lon (seed stay's position,
    for assigning), c_lat, c_lon (the time-weighted centre); leader clustering, longest first."""
    dur = (stay_rows["leave"] - stay_rows["arrive"]).to_numpy().astype(np.float64)
    lat, lon = stay_rows["lat"].to_numpy(), stay_rows["lon"].to_numpy()
    order = np.lexsort((stay_rows["arrive"].to_numpy(), -dur))
    seeds: list[int] = []
    label = np.full(len(dur), -1)
    for i in order:
        if seeds:
            d = haversine(lat[seeds], lon[seeds], lat[i], lon[i])
            j = int(np.argmin(d))
            if d[j] <= radius_m:
                label[i] = j
                continue
        label[i] = len(seeds)
        seeds.append(int(i))
    w = np.maximum(dur, 1.0)
    total = np.bincount(label, w)
    first = np.array([stay_rows["arrive"].to_numpy()[label == j].min() for j in range(len(seeds))])
    rank = np.lexsort((first, -total))  # most time first, then first seen
    out = pl.DataFrame({
        "place": np.argsort(rank).astype(np.int64),
        "lat": lat[seeds], "lon": lon[seeds],
        "c_lat": np.bincount(label, w * lat) / total,
        "c_lon": np.bincount(label, w * lon) / total,
    })  # fmt: skip
    return out.sort("place")


def assign(stay_rows: pl.DataFrame, places: pl.DataFrame, radius_m: float) -> np.ndarray:
    """Each stay's place (the nearest place seed within ``radius_m``), -1 for none."""
    if places.height == 0 or stay_rows.height == 0:
        return np.full(stay_rows.height, -1, np.int64)
    d = haversine(places["lat"].to_numpy()[None, :], places["lon"].to_numpy()[None, :],
                  stay_rows["lat"].to_numpy()[:, None], stay_rows["lon"].to_numpy()[:, None])  # fmt: skip
    j = np.argmin(d, axis=1)
    ok = d[np.arange(len(j)), j] <= radius_m
    return np.where(ok, places["place"].to_numpy()[j], -1)


def visits(stay_rows: pl.DataFrame, place: np.ndarray) -> pl.DataFrame:
    """One mover's stays (arrive order) and their places -> visits (place, arrive, leave,
    stays, stay_s: the stays' own time, a night without fixes between two not counted):
    consecutive stays at one place are one visit."""
    new = np.r_[True, place[1:] != place[:-1]] if len(place) else np.zeros(0, bool)
    group = np.cumsum(new) - 1
    frame = stay_rows.select("arrive", "leave").with_columns(
        pl.Series("place", place, pl.Int64), pl.Series("g", group, pl.Int64)
    )
    return frame.group_by("g", maintain_order=True).agg(
        pl.col("place").first(), pl.col("arrive").first(), pl.col("leave").last(),
        pl.len().cast(pl.Int64).alias("stays"),
        (pl.col("leave") - pl.col("arrive")).sum().cast(pl.Float64).alias("stay_s"),
    ).drop("g")  # fmt: skip


def mover_places(
    table: pl.DataFrame, radius_m: float, min_s: float = STOP_MIN_S,
    stay_radius_m: float = STOP_RADIUS_M,
) -> dict[Any, tuple[pl.DataFrame, pl.DataFrame]]:  # fmt: skip
    """{mover: (its places, its visits)} for each mover of a canonical table with a stay (of
    ``min_s`` seconds or more)."""
    found = stays(table, min_s, stay_radius_m)
    out = {}
    for (mover,), rows in found.group_by("traj_id", maintain_order=True):
        places = cluster(rows, radius_m)
        out[mover] = (places, visits(rows, assign(rows, places, radius_m)))
    return out


def by_mover(table: pl.DataFrame, layout: Any, columns: dict[str, Any], said: str,
             keep_trip: bool = False) -> tuple[pl.DataFrame, Any]:  # fmt: skip
    """``table`` keyed by its mover where its ids are trips of an owner column (a phone
    study's ``trip_id`` beside its ``participant_id``, a van's trips beside its ``vehicle_id``:
    the owner names ingest keeps), said in one warning;
    as given where the caller named ``traj_col`` or no owner groups the trips (badin33: places
    and next places were each day's, the participant's user_id dropped, without a word)."""
    from dataclasses import replace

    from trajlm.data.coerce_pieces import mover_column
    from trajlm.errors import warn_at_caller

    if columns.get("traj_col"):
        return table, layout
    owner = mover_column(table.columns)  # the names ingest keeps as the owner
    if owner is None:
        return table, layout
    # a trip id two movers use (a provider's counter) is two trips (badin36: read as one, its
    # stays lost)
    n_trips, n_movers = table.select("traj_id", owner).unique().height, table[owner].n_unique()
    if n_movers >= n_trips:
        return table, layout
    if n_null := table[owner].null_count():  # before: read per trip without a word (badin36)
        warn_at_caller(f"{said}: {n_null:,} fix(es) have no {owner!r}: each trip of "
                       f"{layout.traj_col!r} is read as a mover of its own; fill {owner!r} to "
                       "read a mover's places across its trips")  # fmt: skip
        return table, layout
    warn_at_caller(f"{said}: the {n_trips:,} trips of {layout.traj_col!r} are read as the "
                   f"{n_movers:,} movers of {owner!r} (a mover's places span its trips); "
                   f"traj_col={layout.traj_col!r} gives each trip's own")  # fmt: skip
    if keep_trip:  # stays between a mover's trips (between_trips)
        table = table.with_columns(pl.col("traj_id").alias(TRIP_COL))
    table = table.with_columns(pl.col(owner).alias("traj_id")).drop(owner)
    # ids=None: a store's `source_traj_id` names trips, not movers (newuser35: an empty
    # `source_traj_id` column on every places / next-place answer)
    return table, replace(layout, traj_col=owner, traj_dtype=table.schema["traj_id"], ids=None)


def no_stays_error(
    table: pl.DataFrame, said: str, min_s: float = STOP_MIN_S, stay_radius_m: float = STOP_RADIUS_M
) -> TrajlmInputError:
    """The one line for fixes holding no stay (and how many fixes the accuracy rule left out
    first: badin33, "no stay in the 1,275 fixes" of a table whose every fix it dropped)."""
    left = DropInaccurate(DEFAULT_MAX_ACCURACY_M).apply(table)[0].height
    out = (f" ({table.height - left:,} left out first for an accuracy over "
           f"{DEFAULT_MAX_ACCURACY_M:.0f} m or below 0)" if left < table.height else "")  # fmt: skip
    return TrajlmInputError(
        f"{said}: no stay in the {table.height:,} fixes{out} of {table['traj_id'].n_unique():,} "
        f"mover(s) (a stay: {min_s / 60:g}+ min within {stay_radius_m:g} m, each fix "
        "allowed its stated accuracy, as `trajlm data ingest --split-at-stops` finds them)",
        field="data",
        hint="give each mover's whole track (traj_col= names the mover, not a trip), fixes at "
        "least every few minutes while it stands still; shorter stops (a van's deliveries): "
        "stop_minutes=2",
    )


def check_stop_minutes(value: Any) -> float:
    """``stop_minutes`` as seconds (a positive finite number of minutes), or one line."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real) or not value > 0 \
            or not math.isfinite(value):  # fmt: skip
        raise TrajlmInputError(f"stop_minutes must be a positive number of minutes, got "
                               f"{value!r}", field="stop_minutes")  # fmt: skip
    return float(value) * 60.0


def places(df: Any, *, radius_m: float = PLACE_RADIUS_M, stop_minutes: float = STOP_MINUTES,
           stay_radius_m: float | None = None, **columns: Any) -> Any:  # fmt: skip
    """Each mover's places (module doc): one row per (mover, place) in the caller's kind, with
    the caller's id column, ``place`` (0 = most time there), ``lat``, ``lon`` (time-weighted
    centre of its stays), ``visits``, ``stay_s`` (total time from each stay's first to last
    fix: a night without fixes between two stays is not counted; between two of a mover's
    trips that end and start at one place, the time parked counts: between_trips),
    ``first_arrival``,
    ``last_departure`` (times as the caller's time column has them).
    ``radius_m``: how near two stays must be to be one place. ``stop_minutes``: how long a
    stay lasts at least (10, as ingest's ``--split-at-stops``; a van's deliveries: 2).
    ``stay_radius_m``: how near a stay's fixes keep (default 100 m; a pitch / warehouse plane
    takes less: ``trajlm places`` on a ``--crs local`` store uses min(100, radius_m); sports37).
    ``columns``: the column keywords ``trajlm.clean`` takes. No stay at all: one line
    (``TrajlmInputError``)."""
    from trajlm._arguments import COLUMN_KEYWORDS, check_keywords
    from trajlm.data.coerce import coerce
    from trajlm.data.coerce_out import from_canonical

    check_keywords("trajlm.places", columns, COLUMN_KEYWORDS)
    radius, min_s = check_radius(radius_m), check_stop_minutes(stop_minutes)
    stay = STOP_RADIUS_M if stay_radius_m is None else check_radius(stay_radius_m, "stay_radius_m")
    table, layout = coerce(df, validate=False, **{"split_gaps": False, **columns})
    table, layout = by_mover(table, layout, columns, "trajlm.places", keep_trip=True)
    found = mover_places(table, radius, min_s, stay)
    if not found:
        raise no_stays_error(table, "trajlm.places", min_s, stay)
    parts = []
    for mover, (pl_, vis) in found.items():
        per = vis.group_by("place").agg(
            pl.len().cast(pl.Int64).alias("visits"),
            pl.col("stay_s").sum(),
            pl.col("arrive").min().alias("first_arrival"),
            pl.col("leave").max().alias("last_departure"),
        )
        one = pl_.select("place", pl.col("c_lat").alias("lat"), pl.col("c_lon").alias("lon"))
        one = one.join(per, on="place", how="left").sort("place")
        parts.append(
            one.select(pl.lit(mover, table.schema["traj_id"]).alias("traj_id"), *PLACE_COLUMNS)
        )
    out = pl.concat(parts)
    return from_canonical(out, layout=layout, times=("first_arrival", "last_departure"))


__all__ = ["PLACE_RADIUS_M", "assign", "cluster", "mover_places", "places", "stays", "visits"]
