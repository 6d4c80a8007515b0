"""Per-day totals split at midnight (session 25, ask25; askday24's leftover).

A night shift's run from 23:10 to 01:20 drives on two calendar days. Counts of trips per day keep each trip on the
day of its start (a trip is one trip, counted once), but a per-day (per-week) total of distance or time ("the most
km S-01 drove in one day", "P-02's average daily distance", "which unit drove the most km in one day") now splits
a trip that crosses midnight there, in the plan's clock (the data's zone, or the one asked): each piece is the
trip's steps that began that day (``day_pieces``: the cut of session 20's long tracks, moved here from tracks.py), so the pieces
add up to the trip. Before, the whole trip counted on its start's day (said in the answer): on set 25's night
plows the best day of S-01 was 168.1 km for 163.1 km driven that day. A date filter ("the km driven on 17
November") still selects whole trips by their start, as before (the plan line says so).

Session 26 (ask26; badin25's leftover): a dated *total* of distance or time ("how many km did AMB-13 drive on 4
December", "the distance travelled on Friday 20 November") adds the parts of the trips that lie on those dates, in
the plan's clock: a night run that started on the 3rd adds its km after midnight to the 4th (``dated_pieces``),
as a per-day total does. Counts, means and lists still select whole trips by their start; with hours ("on the
morning of 5 December") the hours are the trip's start, whole trips as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import polars as pl

from trajlm.llm.plan import WEEKDAYS, QueryPlan, dated_total
from trajlm.llm.trips import trip_table

# the totals a day can hold part of: a trip's distance and its time (all of it, moving or stopped)
SPLIT_METRICS = ("length_m", "duration_s", "moving_s", "stopped_s")
__all__ = [
    "SPLIT_METRICS",
    "dated_pieces",
    "dated_total",
    "split_at_midnight",
    "splits",
    "whole_days_said",
]


def splits(plan: QueryPlan) -> bool:
    """Whether the plan adds up a metric per day or week (then trips over midnight are split there)."""
    # a night (set 26) holds its trips whole: it spans midnight
    return (
        plan.per in ("day", "week", "month")
        and plan.action != "count"
        and plan.metric in SPLIT_METRICS
    )


def crossing(points: pl.DataFrame, trips: pl.DataFrame) -> list[str]:
    """The trips whose own fixes lie on two calendar days or more (in the clock of the trips' ``start``); a track's
    day piece (tracks.py) holds the next day's first fix only in its trip row, not among its points: not split again."""
    if len(trips) == 0:
        return []
    zone = trips["start"].dtype.time_zone or "UTC"
    day = (
        pl.from_epoch("t", time_unit="s")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(zone)
        .dt.date()
    )
    ids = trips["traj_id"].cast(pl.Utf8)
    mine = points.filter(pl.col("traj_id").cast(pl.Utf8).is_in(ids.to_list()))
    days = mine.group_by(pl.col("traj_id").cast(pl.Utf8)).agg(day.n_unique().alias("_days"))
    return sorted(days.filter(pl.col("_days") > 1)["traj_id"].to_list())


TRIP_OF = "_trip"  # a piece's trip (split_at_midnight)


def split_at_midnight(points: pl.DataFrame, trips: pl.DataFrame) -> tuple[pl.DataFrame, int, str]:
    """(trips with each one over midnight replaced by its days, how many were split, the zone) for per-day totals."""
    over = crossing(points, trips)
    zone = trips["start"].dtype.time_zone or "UTC"
    if not over:
        return trips, 0, zone
    mine = points.filter(pl.col("traj_id").cast(pl.Utf8).is_in(over))
    _, pieces = day_pieces(mine, trips, over, zone)
    # badin25: a trip's days were counted as trips ("3 trips that week" for 2): each piece
    # keeps its trip's id ("W01 2026-03-10" -> "W01") for the counts
    kept = trips["traj_id"].cast(pl.Utf8).filter(~trips["traj_id"].cast(pl.Utf8).is_in(over))
    tid = pl.col("traj_id").cast(pl.Utf8)
    pieces = pieces.with_columns(
        pl.when(tid.is_in(kept.implode())).then(tid).otherwise(tid.str.head(-11)).alias(TRIP_OF)
    )
    return pieces, len(over), zone


def n_trips(frame: pl.DataFrame) -> pl.Expr:
    """The trips in a group of ``frame``'s rows: a trip split at midnight counts once."""
    return pl.col(TRIP_OF).n_unique() if TRIP_OF in frame.columns else pl.len()


def dated_pieces(
    plan: QueryPlan, points: pl.DataFrame, trips: pl.DataFrame, select: Callable
) -> tuple[pl.DataFrame, str | None]:
    """(the parts on the plan's dates of its trips, a note when a trip over midnight was split): the trips the
    plan selects with its first date moved a day earlier (a run from the evening before), split at midnight, their
    parts on the dates (and weekdays) kept. ``select`` is query.select_trips (passed in: no import cycle)."""
    wider = plan.model_copy(
        update={
            "date_from": plan.date_from - timedelta(days=1) if plan.date_from else None,
            "weekdays": None,
        }
    )
    cand = select(wider, points, trips)
    if "copy_of" in cand.columns:
        cand = cand.filter(pl.col("copy_of").is_null())
    pieces, n_split, zone = split_at_midnight(points, cand)
    day = pl.col("start").dt.date()
    keep = pl.lit(True)
    if plan.date_from is not None:
        keep &= day >= plan.date_from
    if plan.date_to is not None:
        keep &= day <= plan.date_to
    if plan.weekdays:
        keep &= pl.col("start").dt.weekday().is_in([WEEKDAYS.index(d) + 1 for d in plan.weekdays])
    kept = pieces.filter(keep)
    if not n_split or TRIP_OF not in kept.columns:
        return kept, None
    split = kept.filter(pl.col(TRIP_OF) != pl.col("traj_id").cast(pl.Utf8))
    if len(split) == 0:
        return kept, None
    n = split[TRIP_OF].n_unique()
    return kept, (f"{n} trip{'s' * (n != 1)} over midnight split there, {zone}: only the part on the date "
                  "asked is counted")  # fmt: skip


def whole_days_said(
    plan: QueryPlan, points: pl.DataFrame | None, chosen: pl.DataFrame
) -> str | None:
    """badin25: "km V1 drove on 19 October" sums the trips that started that day, whole; one that ran
    past midnight was counted whole with no word (where "the most km in one day" splits it)."""
    dated = plan.date_from is not None or plan.date_to is not None
    if (
        not dated
        or splits(plan)
        or dated_total(plan)
        or plan.metric not in SPLIT_METRICS
        or points is None
    ):
        return None
    if plan.action == "count" or not (over := crossing(points, chosen)):
        return None
    return (
        f"{len(over)} trip{'s' * (len(over) != 1)} ran past midnight (e.g. {over[0]!r}): counted whole on "
        "the day it started"
    )


def split_said(n_split: int, zone: str) -> str:
    """The answer's words for how the days were read."""
    if n_split == 0:
        return f"no trip over midnight, {zone}"
    return (f"{n_split} trip{'s' * (n_split != 1)} over midnight split there, {zone}: each part on its own day; "
            "trips are counted on the day they start")  # fmt: skip


def day_pieces(
    points: pl.DataFrame, trips: pl.DataFrame, ids: list[str], zone: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(points, trips) with each track of ``ids`` replaced by its days in ``zone`` (``trips``: a trip
    table, start in UTC): traj_id "W01 2026-03-10", start the day's first fix; a step belongs to the day
    of its first fix (that day's piece also holds the next day's first fix)."""
    pts = points.filter(pl.col("traj_id").cast(pl.Utf8).is_in(ids)).sort(["traj_id", "t"])
    day = pl.from_epoch("t", time_unit="s").dt.replace_time_zone("UTC").dt.convert_time_zone(zone)
    pts = pts.with_columns(
        (pl.col("traj_id").cast(pl.Utf8) + " " + day.dt.date().cast(pl.Utf8)).alias("_piece"),
        pl.lit(False).alias("_dup"),
    )
    before = pl.col("_piece").shift(1).over("traj_id")
    pts = pts.with_columns(before.alias("_before"))
    closing = pts.filter(pl.col("_before").is_not_null() & (pl.col("_before") != pl.col("_piece")))
    closing = closing.with_columns(pl.col("_before").alias("_piece"), pl.lit(True).alias("_dup"))
    both = pl.concat([pts, closing]).drop("_before")
    dups = both.group_by("_piece").agg(pl.col("_dup").sum().alias("_n_dup"))
    cut = both.drop("traj_id").rename({"_piece": "traj_id"}).drop("_dup")
    table = trip_table(cut)
    table = table.join(dups.rename({"_piece": "traj_id"}), on="traj_id", how="left")
    # a track's last fix alone on its day only closes the day before (no step began that day)
    table = table.filter(pl.col("n_points") > 1)
    zone_of = (
        trips["start"].dtype.time_zone or "UTC"
    )  # the caller's clock (the data's zone, or UTC)
    table = table.with_columns(
        pl.col("start").dt.convert_time_zone(zone_of),
        (pl.col("n_points") - pl.col("_n_dup").fill_null(0)).cast(table["n_points"].dtype),
        pl.lit(None, dtype=table["copy_of"].dtype).alias(
            "copy_of"
        ),  # a day like another is no copy
    ).drop("_n_dup")
    rest = trips.filter(~pl.col("traj_id").cast(pl.Utf8).is_in(ids))
    others = points.filter(~pl.col("traj_id").cast(pl.Utf8).is_in(ids))
    own = (
        both.filter(~pl.col("_dup")).drop("traj_id").rename({"_piece": "traj_id"})
    )  # places: a day's own fixes
    points = pl.concat([others, own.select(others.columns)], how="vertical_relaxed")
    return points, pl.concat([rest, table.select(rest.columns)], how="vertical_relaxed").sort(
        "traj_id"
    )
