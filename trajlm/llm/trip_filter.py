"""Which trips a plan's filters keep: ``select_trips`` (its label, vehicle, store fields, hours,
weekdays, dates, speeds, lengths, stops, boxes and circles) and ``ends_within`` (where a trip started
and ended). Moved from query.py (review40) so that the plan's filters and its actions each have a file.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import polars as pl

from trajlm.data.geometry import haversine_m
from trajlm.llm.boxes import boxes_within, in_box
from trajlm.llm.plan import WEEKDAYS, CannotAnswer, QueryPlan
from trajlm.llm.trips import STORE_FIELDS

__all__ = ["ends_within", "need_column", "need_id", "select_trips"]


def need_column(trips: pl.DataFrame, column: str, field: str) -> None:
    if column not in trips.columns:
        raise CannotAnswer(f"this data has no {column} column, so '{field}' cannot be filtered")


def need_id(ids: pl.Series, wanted: str, what: str) -> None:
    """An id the data does not have is a typo more often than an empty answer: say so."""
    if not (ids.cast(pl.Utf8).str.to_lowercase() == wanted.lower()).any():
        some = ", ".join(ids.cast(pl.Utf8).unique().sort().head(3).to_list())
        raise CannotAnswer(f"no {what} {wanted!r} in this data ({what} ids look like {some})")


def select_trips(plan: QueryPlan, points: pl.DataFrame, trips: pl.DataFrame) -> pl.DataFrame:
    """The trips that pass every filter of the plan."""
    cond = pl.lit(True)
    if plan.at_end:  # "ended on a Sunday": the clock at the trip's end (session 16)
        trips = trips.with_columns(
            pl.col("start").alias("_start"),
            pl.col("start") + pl.duration(seconds=pl.col("duration_s")),
        )
    if plan.over_midnight:  # "crossed midnight" (set 36): the start's date and the end's differ
        end = pl.col("start") + pl.duration(seconds=pl.col("duration_s"))
        cond &= pl.col("start").dt.date() != end.dt.date()
    if plan.trip is not None:
        need_id(trips["traj_id"], plan.trip, "trip")
        cond &= pl.col("traj_id") == plan.trip
    if plan.vehicle is not None:
        need_column(trips, "vehicle", "vehicle")
        need_id(trips["vehicle"], plan.vehicle, "vehicle")
        cond &= pl.col("vehicle").str.to_lowercase() == plan.vehicle.lower()
    if plan.vehicle_prefix is not None:  # "the porters" (llm/race_words.py, set 29)
        need_column(trips, "vehicle", "vehicle")
        # the letters and a number: "t" is T1, T2, never TRI-3 (set 30)
        kind = rf"^{re.escape(plan.vehicle_prefix.lower())}[-_ ]?\d+$"
        cond &= pl.col("vehicle").str.to_lowercase().str.contains(kind)
    for column in STORE_FIELDS:  # "street hails" on Porto: call_type C (set 31)
        if (value := getattr(plan, column)) is not None:
            if column not in trips.columns:
                raise CannotAnswer(f"this data has no {column} column, so {column}={value} cannot be filtered "
                                   "(Porto's taxi trips carry one: A dispatched, B taxi stand, C street)")  # fmt: skip
            cond &= pl.col(column) == value
    for mode in plan.modes or ([plan.mode] if plan.mode is not None else []):
        if "mode" not in trips.columns:  # "taxi trips" on Porto: every trip is one (set 15)
            raise CannotAnswer(f"this data has no labels, so {mode!r} cannot be filtered: leave the "
                               "word out to ask about every trip")  # fmt: skip
        modes = sorted(trips["mode"].drop_nulls().str.to_lowercase().unique().to_list())
        if mode.lower() not in modes:  # a closed vocabulary: 0 would hide the reason
            raise CannotAnswer(f"no trip is labelled {mode!r} in this data (its modes: "
                               f"{', '.join(modes) or 'none labelled'})")  # fmt: skip
    if plan.mode is not None or plan.modes:
        wanted = [m.lower() for m in plan.modes or [plan.mode]]
        cond &= pl.col("mode").str.to_lowercase().is_in(wanted)
    if plan.weekdays:
        days = [WEEKDAYS.index(d) + 1 for d in plan.weekdays]  # Polars: Monday = 1
        cond &= pl.col("start").dt.weekday().is_in(days)
    hour = (
        pl.col("start").dt.hour()
        + pl.col("start").dt.minute() / 60
        + pl.col("start").dt.second() / 3600
    )
    lo, hi = plan.hour_from, plan.hour_to  # with minutes ("7:30": 7.5); whole hours read the same
    if lo is not None and hi is not None and lo > hi:
        cond &= (hour >= lo) | (hour < hi)  # wraps midnight
    else:
        if lo is not None:
            cond &= hour >= lo
        if hi is not None:
            cond &= hour < hi
    if plan.date_from is not None:
        cond &= pl.col("start").dt.date() >= plan.date_from
    if plan.date_to is not None:
        cond &= pl.col("start").dt.date() <= plan.date_to
    if (
        plan.night_of is not None
    ):  # "the night shift of 2 December" (set 26): noon to noon, the data's clock
        noon = datetime.combine(plan.night_of, time(12))
        local = pl.col("start").dt.replace_time_zone(None)
        cond &= (local >= noon) & (local < noon + timedelta(days=1))
    for name, col, op in (
        ("min_speed_kmh", "speed_kmh", "ge"),
        ("max_speed_kmh", "speed_kmh", "le"),
        ("min_duration_s", "duration_s", "ge"),
        ("max_duration_s", "duration_s", "le"),
        ("min_length_m", "length_m", "ge"),
        ("max_length_m", "length_m", "le"),
        ("min_stop_s", "stop_s", "ge"),
        ("max_stop_s", "stop_s", "le"),
    ):
        if (v := getattr(plan, name)) is not None:
            if name in plan._strict:  # "longer than": the bound itself excluded
                cond &= pl.col(col) > v if op == "ge" else pl.col(col) < v
            else:
                cond &= pl.col(col) >= v if op == "ge" else pl.col(col) <= v
    out = trips.filter(cond)
    if plan.at_end:
        out = out.with_columns(pl.col("_start").alias("start")).drop("_start")
    out = boxes_within(plan, points, ends_within(plan, points, out))
    space = pl.lit(True)
    circle = (
        plan.center() if plan.metric != "away_m" else None
    )  # a distance from a place: every trip
    if circle is not None:
        lat, lon, radius = circle
        space &= haversine_m(pl.col("lat"), pl.col("lon"), pl.lit(lat), pl.lit(lon)) <= radius
    if plan.bbox is not None:  # lon_min > lon_max: across the antimeridian (llm/boxes.py)
        space &= in_box(plan.bbox)
    if circle is not None or plan.bbox is not None:
        hit = points.filter(space).select("traj_id").unique()
        out = out.join(hit, on="traj_id", how="semi", maintain_order="left")
    return out


def ends_within(plan: QueryPlan, points: pl.DataFrame, trips: pl.DataFrame) -> pl.DataFrame:
    """The trips whose first point is within ``start_at`` and last within ``end_at``."""
    if plan.start_at is None and plan.end_at is None:
        return trips
    ends = points.sort("t").group_by("traj_id").agg(
        pl.col("lat").first().alias("a0"), pl.col("lon").first().alias("o0"),
        pl.col("lat").last().alias("a1"), pl.col("lon").last().alias("o1"),
    )  # fmt: skip
    cond = pl.lit(True)
    for c, a, o in ((plan.start_at, "a0", "o0"), (plan.end_at, "a1", "o1")):
        if c is not None:
            cond &= haversine_m(pl.col(a), pl.col(o), pl.lit(c[0]), pl.lit(c[1])) <= c[2]
    return trips.join(
        ends.filter(cond).select("traj_id"), on="traj_id", how="semi", maintain_order="left"
    )
