"""Run a ``QueryPlan`` on trajectory points with Polars (the model tasks run in trajlm.ask).

``trip_table(points)`` summarises each trip once (start, duration, length, mean speed, longest
stop, mode, vehicle); ``select_trips`` applies a plan's filters; ``run_plan`` computes the
action. Nothing here evaluates text from a question: every step is a fixed Polars expression
whose parameters come from the validated plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.clean import IMPOSSIBLE_SPEED_MPS
from trajlm.data.geometry import haversine_m
from trajlm.llm.boxes import boxes_within
from trajlm.llm.calendar import clock, per_period, with_start_hour
from trajlm.llm.plan import AGGREGATES, UNITS, WEEKDAYS, CannotAnswer, QueryPlan
from trajlm.llm.text import STOP_SPEED_MPS, encode
from trajlm.model.scale import GLITCH_SPEED_FACTOR

TRIP_COLUMNS = [
    "traj_id",
    "start",
    "duration_s",
    "length_m",
    "speed_kmh",
    "stop_s",
    "n_points",
    "pace_s_km",
]
# A step is a GPS jump, not travel, when it is faster than GLITCH_SPEED_FACTOR x the 99th
# percentile of the data's trips' median step speeds (model/scale.py calls that a glitch), but
# never below 200 km/h (a few trips' medians must not cut real driving) nor above sound.
GLITCH_FLOOR_MPS = 200 / 3.6


# the unit each metric's values are in (printed with a mean / median / sum)
METRIC_UNITS = {"duration_s": "s", "stop_s": "s", "length_m": "m", "speed_kmh": "km/h",
                "n_points": "points", "pace_s_km": "s/km", "start_hour": "h", "start_time": "h"}  # fmt: skip


@dataclass
class Answer:
    """A plan and what it gave: ``value`` (a number, a text) or ``table`` (a frame)."""

    plan: QueryPlan
    value: Any = None
    table: pl.DataFrame | None = None
    seconds: float | None = None  # planning + running, set by trajlm.ask
    n_total: int | None = None  # list / top: how many trips matched before the cut
    notes: list[str] = field(default_factory=list)  # said under the answer (copies left out)
    n_match: int | None = None  # share: the trips that meet the condition (of n_total)
    text: str | None = None  # printed instead of the value (peak: "07:00-08:00 (13 of 139 trips)")

    def result(self) -> Any:
        """What the evaluation compares: the number, the text, the trips' ids in order, or the
        predicted positions (rounded to 1e-5 degrees)."""
        if self.table is not None and self.plan.action == "predict":
            return [(round(a, 5), round(o, 5)) for a, o in self.table.select("lat", "lon").rows()]
        if self.table is not None:
            return self.table["traj_id"].to_list()
        return self.value

    def __str__(self) -> str:
        return "\n".join([self._body(), *(f"note: {n}" for n in self.notes)])

    def _body(self) -> str:
        if self.text is not None:
            return self.text
        if self.table is not None:
            t = self.table
            if "start" in t.columns:  # a trip table: fewer, rounded columns
                t = t.with_columns(
                    pl.col("start").dt.strftime("%Y-%m-%d %H:%M"),
                    (pl.col("duration_s") / 60).round(1).alias("minutes"),
                    (pl.col("length_m") / 1000).round(2).alias("km"),
                    pl.col("speed_kmh").round(1),
                ).select(["traj_id", "start", "minutes", "km", "speed_kmh", "stop_s"]
                         + [c for c in ("mode", "vehicle") if c in t.columns])  # fmt: skip
            if "step" in t.columns and t.schema.get("t", pl.Utf8).is_integer():  # predictions
                t = t.with_columns(pl.from_epoch("t", time_unit="s").dt.strftime("%Y-%m-%d %H:%M:%S"),
                                   pl.col("std_m").round(1))  # fmt: skip
            with pl.Config(tbl_rows=25, tbl_hide_dataframe_shape=True, tbl_width_chars=120,
                           tbl_hide_column_data_types=True, fmt_str_lengths=40):  # fmt: skip
                n = self.n_total if self.n_total is not None else len(t)
                head = f"{n} trips" + (f" (first {len(t)} shown)" if n > len(t) else "")
                if self.plan.action == "top":
                    head = f"top {len(t)} of {n} trips"
                return f"{head}\n{t}" if "start" in t.columns else str(t)
        if isinstance(self.value, float) and self.plan.action == "share":
            return f"{_three_digits(self.value)} % ({self.n_match:,} of {self.n_total:,} trips)"
        if isinstance(self.value, float) and self.plan.metric in ("start_hour", "start_time"):
            return (
                f"{self.value:.2f} h ({clock(self.value)})"  # "13.18 h (13:11)", "13.00 h (13:00)"
            )
        if isinstance(self.value, float):
            unit = self.plan.unit or METRIC_UNITS.get(self.plan.metric or "", "")
            whole = self.plan.action == "sum" and self.plan.metric == "n_points"
            return (f"{self.value:,.0f}" if whole else _three_digits(self.value)) + (
                f" {unit}" if unit else ""
            )  # a count of points is whole
        return str(self.value)


def _three_digits(v: float) -> str:
    """At least three significant digits, one decimal at least: "0.592 h", not "0.6 h" (1.4 %
    off; set 12), "6.57 mi"; 10 and above as before ("22.0", "1,234.5")."""
    if v == 0 or abs(v) >= 10 or not math.isfinite(v):
        return f"{v:,.1f}"
    return f"{v:,.{max(1, 2 - math.floor(math.log10(abs(v))))}f}"


def plausible_speed_mps(step: pl.DataFrame) -> float:
    """The fastest a step of this data can really be (see GLITCH_FLOOR_MPS), from its own
    trips: ``step`` has traj_id, _d (m) and _dt (s) per step."""
    moving = step.filter(pl.col("_dt") > 0)
    med = moving.group_by("traj_id").agg((pl.col("_d") / pl.col("_dt")).median().alias("v"))
    p99 = med["v"].quantile(0.99) if len(med) else None
    return min(IMPOSSIBLE_SPEED_MPS, max(GLITCH_FLOOR_MPS, GLITCH_SPEED_FACTOR * (p99 or 0.0)))


def _copies(points: pl.DataFrame) -> pl.DataFrame:
    """traj_id, copy_of, shift_s for every trip whose point sequence (lat, lon in time order)
    is exactly another's: the earliest-starting one is the original, the others its copies
    (GeoLife holds the same 10 points twice, 8 h apart: a time-zone shift)."""
    seq = points.group_by("traj_id").agg(
        pl.col("lat"), pl.col("lon"), pl.col("t").min().alias("_t0")
    )
    seq = seq.sort(["_t0", "traj_id"]).with_columns(
        pl.col("traj_id").first().over(["lat", "lon"]).alias("copy_of"),
        (pl.col("_t0") - pl.col("_t0").first().over(["lat", "lon"])).alias("shift_s"),
    )
    return seq.filter(pl.col("copy_of") != pl.col("traj_id")).select(
        "traj_id", "copy_of", "shift_s"
    )


def trip_table(points: pl.DataFrame) -> pl.DataFrame:
    """One row per trip: traj_id, start (UTC datetime), duration_s, length_m, speed_kmh (mean),
    stop_s (longest run of fixes slower than 1 m/s), n_points, mode / vehicle when the points
    carry ``label`` / ``vehicle_id`` (or ``user_id``), and copy_of (the trip whose exact points
    it repeats, else null; ``run_plan`` leaves copies out and says so). Steps faster than the
    data's plausible speed (``plausible_speed_mps``: GPS jumps) count no length."""
    same = pl.col("traj_id") == pl.col("traj_id").shift(1)
    step = points.sort(["traj_id", "t"]).with_columns(
        pl.when(same)
        .then(
            haversine_m(
                pl.col("lat").shift(1), pl.col("lon").shift(1), pl.col("lat"), pl.col("lon")
            )
        )
        .otherwise(0.0)
        .alias("_d"),
        pl.when(same).then(pl.col("t") - pl.col("t").shift(1)).otherwise(0).alias("_dt"),
    )
    # a step faster than the data's plausible speed is a GPS jump, not travel (GeoLife holds
    # 835 km jumps 15 s apart, a Porto taxi 4.7 km in 15 s, out and back): it adds nothing to
    # a trip's length, so its speed and "faster than" stay real
    cut = plausible_speed_mps(step)
    jump = pl.col("_d") > cut * pl.col("_dt").clip(lower_bound=1)
    step = step.with_columns(pl.when(jump).then(0.0).otherwise(pl.col("_d")).alias("_d"))
    still = (pl.col("_dt") > 0) & (pl.col("_d") < STOP_SPEED_MPS * pl.col("_dt"))
    step = step.with_columns(still.alias("_still"))
    # a stop is a run of consecutive still steps: number the runs, sum each run's seconds
    run = (pl.col("_still") != pl.col("_still").shift(1)).fill_null(True).cum_sum().over("traj_id")
    stops = (
        step.with_columns(run.alias("_run"))
        .filter(pl.col("_still"))
        .group_by("traj_id", "_run")
        .agg(pl.col("_dt").sum().alias("_stop"))
        .group_by("traj_id")
        .agg(pl.col("_stop").max().alias("stop_s"))
    )
    aggs = [
        pl.col("t").min().alias("_t0"),
        (pl.col("t").max() - pl.col("t").min()).alias("duration_s"),
        pl.col("_d").sum().alias("length_m"),
        pl.len().alias("n_points"),
    ]
    if "label" in points.columns:
        aggs.append(pl.col("label").drop_nulls().mode().sort().first().alias("mode"))
    vehicle = next((c for c in ("vehicle_id", "user_id") if c in points.columns), None)
    if vehicle is not None:
        aggs.append(pl.col(vehicle).first().alias("vehicle"))
    trips = step.group_by("traj_id", maintain_order=True).agg(aggs)
    trips = trips.join(stops, on="traj_id", how="left").with_columns(
        pl.col("stop_s").fill_null(0).cast(pl.Float64),
        pl.col("duration_s").cast(pl.Float64),
        pl.from_epoch("_t0", time_unit="s").dt.replace_time_zone("UTC").alias("start"),
        (3.6 * pl.col("length_m") / pl.col("duration_s").clip(lower_bound=1)).alias("speed_kmh"),
        # pace: seconds per km (a trip that did not move has none)
        pl.when(pl.col("length_m") > 0)
        .then(1000 * pl.col("duration_s") / pl.col("length_m"))
        .alias("pace_s_km"),
    )
    trips = trips.join(_copies(points).select("traj_id", "copy_of"), on="traj_id", how="left")
    extra = [c for c in ("mode", "vehicle") if c in trips.columns]
    return trips.select(TRIP_COLUMNS + extra + ["copy_of"]).sort("traj_id")


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
    if plan.trip is not None:
        _need_id(trips["traj_id"], plan.trip, "trip")
        cond &= pl.col("traj_id") == plan.trip
    if plan.vehicle is not None:
        _need_column(trips, "vehicle", "vehicle")
        _need_id(trips["vehicle"], plan.vehicle, "vehicle")
        cond &= pl.col("vehicle").str.to_lowercase() == plan.vehicle.lower()
    if plan.mode is not None:
        if "mode" not in trips.columns:  # "taxi trips" on Porto: every trip is one (set 15)
            raise CannotAnswer(f"this data has no labels, so {plan.mode!r} cannot be filtered: leave the "
                               "word out to ask about every trip")  # fmt: skip
        modes = sorted(trips["mode"].drop_nulls().str.to_lowercase().unique().to_list())
        if plan.mode.lower() not in modes:  # a closed vocabulary: 0 would hide the reason
            raise CannotAnswer(f"no trip is labelled {plan.mode!r} in this data (its modes: "
                               f"{', '.join(modes) or 'none labelled'})")  # fmt: skip
        cond &= pl.col("mode").str.to_lowercase() == plan.mode.lower()
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
    for name, col, op in (
        ("min_speed_kmh", "speed_kmh", "ge"),
        ("max_speed_kmh", "speed_kmh", "le"),
        ("min_duration_s", "duration_s", "ge"),
        ("max_duration_s", "duration_s", "le"),
        ("min_length_m", "length_m", "ge"),
        ("max_length_m", "length_m", "le"),
        ("min_stop_s", "stop_s", "ge"),
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
    if (c := plan.center()) is not None:
        lat, lon, radius = c
        space &= haversine_m(pl.col("lat"), pl.col("lon"), pl.lit(lat), pl.lit(lon)) <= radius
    if plan.bbox is not None:
        a, b, c2, d = plan.bbox
        space &= pl.col("lat").is_between(a, c2) & pl.col("lon").is_between(b, d)
    if plan.center() is not None or plan.bbox is not None:
        hit = points.filter(space).select("traj_id").unique()
        out = out.join(hit, on="traj_id", how="semi")
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
    return trips.join(ends.filter(cond).select("traj_id"), on="traj_id", how="semi")


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


def _copies_note(copies: pl.DataFrame) -> str:
    pairs = ", ".join(f"{c} = {o}" for c, o in copies.select("traj_id", "copy_of").head(3).rows())
    more = f" and {len(copies) - 3} more" if len(copies) > 3 else ""
    n = len(copies)
    return (f"{n} trip{'s' * (n != 1)} left out: exact copies of another trip's points with "
            f"shifted times, counted once ({pairs}{more})")  # fmt: skip


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
    if plan.per is not None:  # "trips per week", "daily distance" (llm/calendar.py)
        value, text = per_period(plan, chosen)
        return Answer(plan, value=value, text=text, n_total=len(chosen), notes=notes)
    if plan.metric in ("start_hour", "start_time"):
        chosen = with_start_hour(chosen)
    if plan.action == "count":
        return Answer(plan, value=len(chosen), notes=notes)
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
        if plan.unit is not None and len(ranked):  # "the longest stop, in minutes": its value
            top.value = float(ranked[plan.metric][0]) / UNITS[plan.metric][plan.unit]
            top.text = f"{_three_digits(top.value)} {plan.unit} (trip {ranked['traj_id'][0]} of {len(ranked):,})"
        return top
    if plan.action == "describe":
        one = points.filter(pl.col("traj_id") == plan.trip).sort("t")
        if len(one) == 0:
            raise CannotAnswer(f"no trip {plan.trip!r} in this data")
        t, lat, lon = (np.asarray(one[c].to_numpy()) for c in ("t", "lat", "lon"))
        return Answer(plan, value=encode(t, lat, lon, "semantic"))
    raise CannotAnswer(f"action {plan.action!r} needs a model: run it through trajlm.ask")
