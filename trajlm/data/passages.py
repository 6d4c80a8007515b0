"""Passage times between two places, from the user's own tracks (session 27, fitstore27).

    p = trajlm.passages(gulls, a=(51.335, 3.195), b=(51.447, 3.585), radius_m=1000,
                        traj_col="individual-local-identifier")
    p["duration_s"].median(), len(p), p.groupby("individual-local-identifier").size()

"How long do my movers take from A to B" is no model's question: it is read off the fixes. A
passage of a mover (one id: a vehicle, an animal, a trip) is its last fix within ``radius_m``
of ``a`` before its next fix within ``radius_m`` of ``b``, with no fix near ``a`` or ``b`` in
between: it left ``a`` at that fix and reached ``b`` at this one (newuser26 friction 15: a
multitask run answered 18.5 h for a gull's 30-km colony-to-colony flight of about an hour,
because a gull-day is mostly spent sitting; nothing timed the passages themselves).

Durations are between fixes, so each includes up to one sampling interval at each end (the
mover left ``a`` somewhere after its last fix there and reached ``b`` somewhere before its
first fix there): ``max_gap_s`` says how coarse each passage's fixes were. Each id is read as
one mover's whole track (its fixes are not cut at gaps, unlike the model's trajectories).
"""

from __future__ import annotations

import math
import warnings
from numbers import Real
from typing import Any

import numpy as np
import polars as pl

from trajlm._arguments import COLUMN_KEYWORDS, check_keywords
from trajlm.data.geometry import haversine, haversine_m
from trajlm.errors import TrajlmInputError

COLUMNS = ("left_a", "reached_b", "duration_s", "path_m", "n_fixes", "max_gap_s")


def _place(value: Any, name: str) -> tuple[float, float]:
    """A (lat, lon) pair of WGS84 degrees, or one line naming the argument."""
    try:
        lat, lon = (float(v) for v in value)
    except (TypeError, ValueError):
        raise TrajlmInputError(f"{name} must be a (lat, lon) pair of degrees, got {value!r}",
                               field=name) from None  # fmt: skip
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise TrajlmInputError(f"{name} = ({lat}, {lon}) is not a (lat, lon) pair of degrees "
                               "(lat in [-90, 90], lon in [-180, 180])", field=name)  # fmt: skip
    return lat, lon


def _radius(value: Any, a: tuple[float, float], b: tuple[float, float]) -> float:
    """radius_m in metres, small enough that no fix lies within it of both places."""
    # badin27: numpy's numbers (np.int64(500), a radius read from an array) were refused
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real) or not value > 0 \
            or not math.isfinite(value):  # fmt: skip
        raise TrajlmInputError(f"radius_m must be a positive number of metres, got {value!r}",
                               field="radius_m")  # fmt: skip
    apart = float(haversine(a[0], a[1], b[0], b[1]))
    if apart < 1.0:  # before: "give radius_m below 0" (badin35)
        raise TrajlmInputError(f"a and b are the same place ({apart:.1f} m apart): a passage "
                               "leaves one place for another", field="b",
                               hint="give b elsewhere")  # fmt: skip
    if apart <= 2 * value:
        raise TrajlmInputError(f"a and b are {apart:,.0f} m apart: circles of radius_m={value:g} "
                               "around them overlap (a fix could be at both)", field="radius_m",
                               hint=f"give radius_m below {apart / 2:,.0f}")  # fmt: skip
    return float(value)


def passages(df: Any, a: Any, b: Any, *, radius_m: float = 500.0, **columns: Any) -> Any:
    """The passages of ``df``'s movers from place ``a`` to place ``b``: one row per passage,
    in the caller's kind (pandas / Polars; a GeoDataFrame gives a pandas DataFrame), with the
    caller's id column, ``left_a`` and ``reached_b`` (the fixes' times as the caller's time
    column has them), ``duration_s``, ``path_m`` (along the fixes), ``n_fixes`` (from the
    one at ``a`` to the one at ``b``, both included) and ``max_gap_s`` (the longest interval
    between them). ``a``, ``b``: (lat, lon) WGS84 degrees; ``radius_m``: how near a fix must
    be to count as at a place. ``columns``: the column keywords ``trajlm.clean`` takes.
    Rows without a position and rows marked as outliers (Movebank's flags) are skipped. No
    passage: an empty frame and one warning counting the fixes near each place."""
    from trajlm.data.coerce import coerce
    from trajlm.data.coerce_out import from_canonical
    from trajlm.data.outlier_flags import marked_rows

    check_keywords("trajlm.passages", columns, COLUMN_KEYWORDS)
    a, b = _place(a, "a"), _place(b, "b")
    radius = _radius(radius_m, a, b)
    table, layout = coerce(df, validate=False, **{"split_gaps": False, **columns})
    marked = marked_rows(table)
    if marked is not None:
        table = table.filter(~marked)
    lat, lon = pl.col("lat"), pl.col("lon")
    table = table.filter(lat.is_not_null() & lon.is_not_null()).sort("traj_id", "t")
    # badin27: an export's repeated rows counted twice in n_fixes; kept once
    table = table.unique(["traj_id", "t", "lat", "lon"], keep="first", maintain_order=True)
    step = haversine_m(lat.shift(1), lon.shift(1), lat, lon).over("traj_id").fill_null(0.0)
    near = [haversine_m(lat, lon, pl.lit(p[0]), pl.lit(p[1])) <= radius for p in (a, b)]
    fixes = table.select(
        "traj_id",
        "t",
        pl.int_range(pl.len()).alias("row"),
        step.cum_sum().over("traj_id").alias("along_m"),
        pl.when(near[0]).then(pl.lit("a")).when(near[1]).then(pl.lit("b")).alias("zone"),
    )
    visits = fixes.filter(pl.col("zone").is_not_null())
    nxt = [pl.col(c).shift(-1).over("traj_id").alias(f"next_{c}")
           for c in ("zone", "t", "row", "along_m")]  # fmt: skip
    found = visits.with_columns(nxt).filter((pl.col("zone") == "a") & (pl.col("next_zone") == "b"))
    dt = np.diff(fixes["t"].to_numpy().astype(np.float64), prepend=np.nan)
    starts, ends = found["row"].to_numpy() + 1, found["next_row"].to_numpy() + 1
    bounds = np.stack([starts, ends], axis=1).reshape(-1)  # each passage's steps, in order
    max_gap = np.maximum.reduceat(np.append(dt, np.nan), bounds)[::2] if len(found) else []
    out = found.select(
        "traj_id",
        pl.col("t").alias("left_a"),
        pl.col("next_t").alias("reached_b"),
        (pl.col("next_t") - pl.col("t")).cast(pl.Float64).alias("duration_s"),
        (pl.col("next_along_m") - pl.col("along_m")).alias("path_m"),
        (pl.col("next_row") - pl.col("row") + 1).cast(pl.Int64).alias("n_fixes"),
        pl.Series("max_gap_s", max_gap, pl.Float64),
    )
    if out.height == 0:
        counts = visits.group_by("zone").agg(pl.len(), pl.col("traj_id").n_unique().alias("ids"))
        said = {z: (n, k) for z, n, k in counts.iter_rows()}
        warnings.warn(
            "no passage from a to b: "
            + ", ".join(f"{said.get(z, (0, 0))[0]} fix(es) of {said.get(z, (0, 0))[1]} "
                        f"mover(s) within {radius:g} m of {z}" for z in ("a", "b"))
            + " (a passage leaves a and next reaches b; check the places, their order and "
            "radius_m, and traj_col= if one mover's fixes come under several ids)",
            stacklevel=2,
        )  # fmt: skip
    return from_canonical(out, layout=layout, times=("left_a", "reached_b"))
