"""Run a ``QueryPlan`` on trajectory points with Polars (the model tasks run in trajlm.ask).

``trip_table(points)`` (``trajlm/llm/trips.py``) summarises each trip once (start, duration,
length, mean speed, longest stop, mode, vehicle); ``select_trips`` applies a plan's filters;
``run_plan`` computes the action into an ``Answer`` (``trajlm/llm/answer.py``). Nothing here
evaluates text from a question: every step is a fixed Polars expression whose parameters come
from the validated plan.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, time, timedelta

import numpy as np
import polars as pl

from trajlm.data.geometry import haversine_m
from trajlm.llm.answer import METRIC_UNITS, Answer, three_digits
from trajlm.llm.boxes import boxes_within, in_box
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
from trajlm.llm.speeds import with_above
from trajlm.llm.splits import split
from trajlm.llm.tables import per_key
from trajlm.llm.text import encode
from trajlm.llm.trips import (
    GLITCH_FLOOR_MPS,
    STORE_FIELDS,
    TRIP_COLUMNS,
    plausible_speed_mps,
    trip_table,
)
from trajlm.llm.vehicles import per_vehicle

__all__ = ["GLITCH_FLOOR_MPS", "METRIC_UNITS", "TRIP_COLUMNS", "Answer", "plausible_speed_mps",
           "run_plan", "select_trips", "trip_table"]  # fmt: skip


def _need_column(trips: pl.DataFrame, column: str, field: str) -> None:
    if column not in trips.columns:
        raise CannotAnswer(f"this data has no {column} column, so '{field}' cannot be filtered")


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
        _need_id(trips["traj_id"], plan.trip, "trip")
        cond &= pl.col("traj_id") == plan.trip
    if plan.vehicle is not None:
        _need_column(trips, "vehicle", "vehicle")
        _need_id(trips["vehicle"], plan.vehicle, "vehicle")
        cond &= pl.col("vehicle").str.to_lowercase() == plan.vehicle.lower()
    if plan.vehicle_prefix is not None:  # "the porters" (llm/race_words.py, set 29)
        _need_column(trips, "vehicle", "vehicle")
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


def _need_id(ids: pl.Series, wanted: str, what: str) -> None:
    """An id the data does not have is a typo more often than an empty answer: say so."""
    if not (ids.cast(pl.Utf8).str.to_lowercase() == wanted.lower()).any():
        some = ", ".join(ids.cast(pl.Utf8).unique().sort().head(3).to_list())
        raise CannotAnswer(f"no {what} {wanted!r} in this data ({what} ids look like {some})")


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
    if (
        plan.pick is not None
    ):  # "the most km V5 drove in one day", "... per vehicle" (llm/daymax.py)
        value, text = pick_period(plan, chosen, points)
        return Answer(plan, value=value, text=text, n_total=len(chosen), notes=notes)
    if dated_total(plan):  # "km AMB-13 drove on 4 December": the parts on that date (midnight.py)
        chosen, line = dated_pieces(plan, points, trips, select_trips)
        notes += [line] if line else []
    if (line := whole_days_said(plan, points, chosen)) is not None:
        notes.append(line)
    if splits(plan):  # daily distance: split at midnight
        chosen, n_split, zone = split_at_midnight(points, chosen)
        notes += [split_said(n_split, zone)] if n_split else []
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
        _need_column(trips, "vehicle", "how many vehicles")
        return Answer(plan, value=chosen["vehicle"].drop_nulls().n_unique(), notes=notes)
    if plan.action == "share":  # the base: only the filters in share_of (session 15)
        keep = set(plan.share_of or [])
        drop = {k: None for k in plan.key() if k not in keep | {"action", "share_of", "unit", "k"}}
        base = select_trips(plan.model_copy(update=drop), points, trips)
        if "copy_of" in base.columns:
            base = base.filter(pl.col("copy_of").is_null())
        if len(base) == 0:
            return Answer(plan, value="no trips match", notes=notes)
        return Answer(plan, value=100.0 * len(chosen) / len(base), n_total=len(base), n_match=len(chosen),
                      notes=notes)  # fmt: skip
    if plan.action == "list":
        return Answer(plan, table=chosen.head(plan.k or 20), n_total=len(chosen), notes=notes)
    if plan.action == "peak":
        return _peak(plan, chosen, notes)
    if plan.action in AGGREGATES:
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
    if plan.action == "top":
        ranked = chosen.sort([plan.metric, "traj_id"], descending=[not plan.ascending, False])
        top = Answer(plan, table=ranked.head(plan.k or 5), n_total=len(chosen), notes=notes)
        if (tie := _ties(ranked, plan.metric, plan.k or 5)) is not None:
            notes.append(tie)
        if plan.unit is not None and len(ranked):  # "the longest stop, in minutes": its value
            top.value = float(ranked[plan.metric][0]) / UNITS[plan.metric][plan.unit]
            top.text = f"{three_digits(top.value)} {plan.unit} (trip {ranked['traj_id'][0]} of {len(ranked):,})"
        return top
    if plan.action == "describe":
        one = points.filter(pl.col("traj_id") == plan.trip).sort("t")
        if len(one) == 0:
            raise CannotAnswer(f"no trip {plan.trip!r} in this data")
        t, lat, lon = (np.asarray(one[c].to_numpy()) for c in ("t", "lat", "lon"))
        return Answer(plan, value=encode(t, lat, lon, "semantic"))
    raise CannotAnswer(f"action {plan.action!r} needs a model: run it through trajlm.ask")
