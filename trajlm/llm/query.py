"""Run a ``QueryPlan`` on trajectory points with Polars (the model tasks run in trajlm.ask).

``trip_table(points)`` (``trajlm/llm/trips.py``) summarises each trip once (start, duration,
length, mean speed, longest stop, mode, vehicle); ``select_trips`` (``trajlm/llm/trip_filter.py``)
applies a plan's filters; ``run_plan`` computes the action into an ``Answer``
(``trajlm/llm/answer.py``), one named step per kind of answer. Nothing here
evaluates text from a question: every step is a fixed Polars expression whose parameters come
from the validated plan.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from trajlm.llm.answer import METRIC_UNITS, Answer, three_digits
from trajlm.llm.calendar import per_period, with_start_hour
from trajlm.llm.daymax import pick_period
from trajlm.llm.days import count_days
from trajlm.llm.departures import when
from trajlm.llm.dwells import dwell, longest_stop_said, one_stop_said
from trajlm.llm.half_splits import half_split
from trajlm.llm.headways import headway
from trajlm.llm.home_range import home_range
from trajlm.llm.inside import with_away, with_inside
from trajlm.llm.midnight import (
    dated_pieces,
    dated_total,
    split_at_midnight,
    split_said,
    splits,
    whole_days_said,
)
from trajlm.llm.plan import AGGREGATES, PERIODS, UNITS, WEEKDAYS, CannotAnswer, QueryPlan
from trajlm.llm.slow_movers import refuse_slow_split
from trajlm.llm.speeds import with_above
from trajlm.llm.splits import split
from trajlm.llm.tables import per_key
from trajlm.llm.text import encode
from trajlm.llm.trip_filter import ends_within, need_column, select_trips
from trajlm.llm.trips import GLITCH_FLOOR_MPS, TRIP_COLUMNS, plausible_speed_mps, trip_table
from trajlm.llm.vehicles import per_vehicle

# select_trips / ends_within moved to trip_filter.py (review40): importable from here as before
__all__ = ["GLITCH_FLOOR_MPS", "METRIC_UNITS", "TRIP_COLUMNS", "Answer", "ends_within", "plausible_speed_mps",
           "run_plan", "select_trips", "trip_table"]  # fmt: skip


def _peak(plan: QueryPlan, chosen: pl.DataFrame, notes: list[str]) -> Answer:
    """The hour (0-23) / weekday / date the most (fewest) chosen trips started in, counting those with none;
    ties are all named."""
    if len(chosen) == 0:
        return Answer(plan, value="no trips match", notes=notes)
    when = (
        pl.col("start") + pl.duration(seconds=pl.col("duration_s"))
        if plan.at_end
        else pl.col("start")
    )
    key = {"hour": when.dt.hour(), "weekday": when.dt.weekday(), "date": when.dt.date()}[plan.by]
    counts = chosen.group_by(key.alias("k")).len()
    if plan.by == "date":
        lo, hi = counts["k"].min(), counts["k"].max()
        every = pl.DataFrame({"k": pl.date_range(lo, hi, "1d", eager=True)})
    else:  # the hours / weekdays the plan's own filter allows
        lo, hi = math.floor(plan.hour_from or 0), math.ceil(plan.hour_to or 24)
        hours = list(range(lo, hi)) if lo < hi else [*range(lo, 24), *range(hi)]
        days = [WEEKDAYS.index(d) + 1 for d in plan.weekdays or WEEKDAYS]
        every = pl.DataFrame({"k": hours if plan.by == "hour" else days}).cast(
            {"k": counts.schema["k"]}
        )
    counts = every.join(counts, on="k", how="left").fill_null(0)
    best = counts["len"].min() if plan.ascending else counts["len"].max()
    ks = counts.filter(pl.col("len") == best)["k"].sort().to_list()
    name = {"hour": lambda h: f"{h:02d}:00-{h + 1:02d}:00", "weekday": lambda d: WEEKDAYS[d - 1],
            "date": str}[plan.by]  # fmt: skip
    each = " each" if len(ks) > 1 else ""
    text = f"{' and '.join(name(k) for k in ks)} ({best:,} of {len(chosen):,} trips{each})"
    value = ks[0] if len(ks) == 1 and plan.by == "hour" else text  # an hour: its number
    return Answer(plan, value=value, n_total=len(chosen), n_match=int(best), notes=notes, text=text)


def _ties(ranked: pl.DataFrame, metric: str, k: int) -> str | None:
    """Trips past the cut with the same value as the last one shown (set 16: six delivery rounds
    stopped 1800 s, "the longest idle time" showed one of them without a word)."""
    if len(ranked) <= k:
        return None
    last = ranked[metric][k - 1]
    more = ranked[k:].filter(pl.col(metric) == last)
    if last is None or len(more) == 0:
        return None
    ids = ", ".join(str(x) for x in more["traj_id"].head(3).to_list())
    rest = f" and {len(more) - 3} more" if len(more) > 3 else ""
    return f"{len(more)} more trip{'s' * (len(more) != 1)} tie with the last shown ({metric} {last:g}): {ids}{rest}"


def _copies_note(copies: pl.DataFrame) -> str:
    pairs = ", ".join(f"{c} = {o}" for c, o in copies.select("traj_id", "copy_of").head(3).rows())
    more = f" and {len(copies) - 3} more" if len(copies) > 3 else ""
    n = len(copies)
    return (f"{n} trip{'s' * (n != 1)} left out: exact copies of another trip's points with "
            f"shifted times, counted once ({pairs}{more})")  # fmt: skip


def _jumps_note(plan: QueryPlan, chosen: pl.DataFrame) -> str | None:
    """A distance (or a speed, a pace: distance over time) over trips whose GPS jumps count no length (trips.py)
    says so: Porto's mean trip length is 6.40 km, 6.91 km with its jumps (session 19)."""
    distance = plan.metric in ("length_m", "speed_kmh", "pace_s_km")
    if (
        not distance
        or plan.action not in ("mean", "median", "sum", "percentile", "top")
        or "jump_m" not in chosen.columns
    ):
        return None
    jumped = chosen.filter(pl.col("jump_m") > 0)
    if len(jumped) == 0:
        return None
    n, km = len(jumped), float(jumped["jump_m"].sum()) / 1000
    return (f"{n:,} of these {len(chosen):,} trips hold GPS jumps (a step faster than the data's vehicles can "
            f"move): their {km:,.1f} km count no distance")  # fmt: skip


def run_plan(plan: QueryPlan, points: pl.DataFrame, trips: pl.DataFrame | None = None) -> Answer:
    """Run a data plan (count, list, mean / median / sum, top, describe) on canonical points. ``predict``
    needs a model and is run by ``trajlm.ask``."""
    trips = trip_table(points) if trips is None else trips
    chosen = select_trips(plan, points, trips)
    chosen, notes = _counted_once(plan, chosen)
    refuse_slow_split(
        plan, points, chosen
    )  # walking elephants are not standing still (slow_movers.py)
    if (
        plan.pick is not None
    ):  # "the most km V5 drove in one day", "... per vehicle" (llm/daymax.py)
        value, text = pick_period(plan, chosen, points)
        return Answer(plan, value=value, text=text, n_total=len(chosen), notes=notes)
    chosen = _by_date(plan, points, trips, chosen, notes)
    if (grouped := _grouped(plan, chosen, trips, notes)) is not None:
        return grouped
    chosen = _with_metric(plan, points, chosen)
    if (answer := _from_helper(plan, points, trips, chosen, notes)) is not None:
        return answer
    if plan.action == "share":  # the base: only the filters in share_of (session 15)
        return _share(plan, points, trips, chosen, notes)
    if plan.action == "list":
        return Answer(plan, table=chosen.head(plan.k or 20), n_total=len(chosen), notes=notes)
    if plan.action == "peak":
        return _peak(plan, chosen, notes)
    if plan.action in AGGREGATES:
        return _aggregate(plan, chosen, notes)
    if plan.action == "top":
        return _top(plan, chosen, notes)
    if plan.action == "describe":
        return _describe(plan, points)
    raise CannotAnswer(f"action {plan.action!r} needs a model: run it through trajlm.ask")


def _counted_once(plan: QueryPlan, chosen: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """The chosen trips less exact copies, and the notes every answer over them carries."""
    notes = []
    if plan.trip is None and "copy_of" in chosen.columns:  # a copy is not a second trip
        copies = chosen.filter(pl.col("copy_of").is_not_null())
        chosen = chosen.filter(pl.col("copy_of").is_null())
        if len(copies):
            notes.append(_copies_note(copies))
    if (jumps := _jumps_note(plan, chosen)) is not None:
        notes.append(jumps)
    if (longest := longest_stop_said(plan)) is not None:  # not every stop's mean (dwells.py)
        notes.append(longest)
    return chosen, notes


def _by_date(
    plan: QueryPlan,
    points: pl.DataFrame,
    trips: pl.DataFrame,
    chosen: pl.DataFrame,
    notes: list[str],
) -> pl.DataFrame:
    """The trips' parts on a named date, or split at midnight for a daily total (notes said)."""
    if dated_total(plan):  # "km AMB-13 drove on 4 December": the parts on that date (midnight.py)
        chosen, line = dated_pieces(plan, points, trips, select_trips)
        notes += [line] if line else []
    if (line := whole_days_said(plan, points, chosen)) is not None:
        notes.append(line)
    if splits(plan):  # daily distance: split at midnight
        chosen, n_split, zone = split_at_midnight(points, chosen)
        notes += [split_said(n_split, zone)] if n_split else []
    return chosen


def _grouped(
    plan: QueryPlan, chosen: pl.DataFrame, trips: pl.DataFrame, notes: list[str]
) -> Answer | None:
    """A table per hour / label / period / vehicle, or a value per period; None for one value."""
    if plan.group in (
        "hour",
        "mode",
        *PERIODS,
    ):  # "trips in each hour of the day", "tankers faster than cargo?" (tables.py)
        table, text = per_key(plan, chosen)
        return Answer(plan, value=text, table=table, text=text, n_total=len(chosen), notes=notes)
    if (
        plan.group is not None
    ):  # "which driver drove the most km", "total hours per vessel" (llm/vehicles.py)
        table, value, text = per_vehicle(plan, chosen)
        notes += [one] if (one := one_stop_said(plan, chosen)) else []
        return Answer(plan, value=value if value is not None else text, table=table if len(table) else None,
                      text=text, n_total=len(chosen), notes=notes)  # fmt: skip
    if plan.per is not None:  # "trips per week", "daily distance" (llm/calendar.py)
        value, text = per_period(plan, chosen, trips)
        return Answer(plan, value=value, text=text, n_total=len(chosen), notes=notes)
    return None


def _with_metric(plan: QueryPlan, points: pl.DataFrame, chosen: pl.DataFrame) -> pl.DataFrame:
    """The chosen trips with the column a metric measured from the points needs."""
    if plan.metric in ("start_hour", "start_time"):
        chosen = with_start_hour(chosen)
    if (
        plan.metric == "reach_m" and plan.vehicle is not None and len(chosen) > 1
    ):  # each trip has its own start
        raise CannotAnswer(f"{plan.vehicle} has {len(chosen)} trips here, each measured from its own start: name one "
                           f"trip ({', '.join(chosen['traj_id'].head(3).to_list())}) or a day")  # fmt: skip
    if plan.metric == "inside_s":  # time inside the plan's circle (llm/inside.py)
        chosen = with_inside(plan, points, chosen)
    if plan.metric == "above_s":  # the time above a speed (llm/speeds.py)
        chosen = with_above(plan, points, chosen)
    if plan.metric == "away_m":  # the furthest from the plan's place (llm/inside.py)
        chosen = with_away(plan, points, chosen)
    return chosen


def _from_helper(
    plan: QueryPlan,
    points: pl.DataFrame,
    trips: pl.DataFrame,
    chosen: pl.DataFrame,
    notes: list[str],
) -> Answer | None:
    """The actions answered by a module of their own (a count, departures, splits, stops, headways,
    home ranges, days, vehicles); None for the rest."""
    if plan.action == "count":
        return Answer(plan, value=len(chosen), notes=notes)
    if (
        plan.action == "when"
    ):  # "what time did V2 leave the depot on 22 October" (llm/departures.py)
        value, text = when(plan, chosen)
        return Answer(plan, value=value, text=text, n_total=len(chosen), notes=notes)
    if (
        plan.action == "split" and plan.unit == "half"
    ):  # "did Jonas run a negative split" (llm/half_splits.py)
        value, text = half_split(plan, points, chosen)
        return Answer(plan, value=value, text=text, n_total=len(chosen), notes=notes)
    if plan.action == "split":  # "Amara's fastest km on 13 September" (llm/splits.py, set 36)
        value, text = split(plan, points, chosen)
        return Answer(plan, value=value, text=text, n_total=len(chosen), notes=notes)
    if plan.action in (
        "dwell",
        "stops",
    ):  # "the average stop length of LV21 KXR" (llm/dwells.py, set 36)
        value, text = dwell(plan, points, chosen)
        return Answer(plan, value=value, text=text, n_total=len(chosen), notes=notes)
    if plan.action == "headway":  # "the average headway on route 14" (llm/headways.py, set 35)
        gap, text = headway(plan, chosen)
        return Answer(plan, value=gap, text=text, n_total=len(chosen), notes=notes)
    if plan.action == "home_range":  # "the home range of Kito" (llm/home_range.py, set 34)
        area, text = home_range(plan, points, chosen)
        return Answer(plan, value=area, text=text, n_total=len(chosen), notes=notes)
    if plan.action == "days":  # "how many days of data for WS-03" (llm/days.py)
        n = count_days(plan, points, chosen)
        return Answer(
            plan, value=n, text=f"{n} day{'s' if n != 1 else ''}", n_total=len(chosen), notes=notes
        )
    if plan.action == "vehicles":  # "how many participants came within 100 m of X" (session 20)
        need_column(trips, "vehicle", "how many vehicles")
        return Answer(plan, value=chosen["vehicle"].drop_nulls().n_unique(), notes=notes)
    return None


def _aggregate(plan: QueryPlan, chosen: pl.DataFrame, notes: list[str]) -> Answer:
    """A mean / median / sum / percentile of the plan's metric over the chosen trips."""
    # a total over no trips is 0 (ask23: "time within 300 m of the airport on Sunday" said
    # "no trips match"), but one named trip outside the filters has no value (badin29: "bib
    # 1's finish time on Monday" answered 0.0 for a runner who ran on Sunday)
    if len(chosen) == 0 and plan.action == "sum" and plan.trip is None:
        notes.append("no trip matches, so the total is 0")
        return Answer(plan, value=0.0, n_total=0, notes=notes)
    if len(chosen) == 0 and plan.trip is not None:
        notes.append(f"trip {plan.trip} does not meet the question's other conditions (its "
                     "day, time or place)")  # fmt: skip
        return Answer(plan, value="no trips match", notes=notes)
    if len(chosen) == 0:
        return Answer(plan, value="no trips match", notes=notes)
    column = chosen[plan.metric]
    value = {"mean": column.mean, "median": column.median, "sum": column.sum,
             "percentile": lambda: column.quantile((plan.percentile or 50) / 100, "linear")}[plan.action]()  # fmt: skip
    scale = UNITS[plan.metric][plan.unit] if plan.unit is not None else 1.0
    return Answer(plan, value=float(value) / scale, notes=notes)


def _top(plan: QueryPlan, chosen: pl.DataFrame, notes: list[str]) -> Answer:
    """The k trips with the highest (lowest) metric, ties with the last one shown said."""
    ranked = chosen.sort([plan.metric, "traj_id"], descending=[not plan.ascending, False])
    top = Answer(plan, table=ranked.head(plan.k or 5), n_total=len(chosen), notes=notes)
    if (tie := _ties(ranked, plan.metric, plan.k or 5)) is not None:
        notes.append(tie)
    if plan.unit is not None and len(ranked):  # "the longest stop, in minutes": its value
        top.value = float(ranked[plan.metric][0]) / UNITS[plan.metric][plan.unit]
        top.text = f"{three_digits(top.value)} {plan.unit} (trip {ranked['traj_id'][0]} of {len(ranked):,})"
    return top


def _share(
    plan: QueryPlan,
    points: pl.DataFrame,
    trips: pl.DataFrame,
    chosen: pl.DataFrame,
    notes: list[str],
) -> Answer:
    """The chosen trips' percentage of the trips that pass only the filters in ``share_of``."""
    keep = set(plan.share_of or [])
    drop = {k: None for k in plan.key() if k not in keep | {"action", "share_of", "unit", "k"}}
    base = select_trips(plan.model_copy(update=drop), points, trips)
    if "copy_of" in base.columns:
        base = base.filter(pl.col("copy_of").is_null())
    if len(base) == 0:
        return Answer(plan, value="no trips match", notes=notes)
    return Answer(plan, value=100.0 * len(chosen) / len(base), n_total=len(base), n_match=len(chosen),
                  notes=notes)  # fmt: skip


def _describe(plan: QueryPlan, points: pl.DataFrame) -> Answer:
    """One trip's points encoded as text."""
    one = points.filter(pl.col("traj_id") == plan.trip).sort("t")
    if len(one) == 0:
        raise CannotAnswer(f"no trip {plan.trip!r} in this data")
    t, lat, lon = (np.asarray(one[c].to_numpy()) for c in ("t", "lat", "lon"))
    return Answer(plan, value=encode(t, lat, lon, "semantic"))
