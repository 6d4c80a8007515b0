"""The typed query plan that a question becomes, and its validation.

A plan is data, never code: a flat pydantic model with one action, optional filters and a few
options. The planners (trajlm/llm/planner.py) only fill it in; ``trajlm.llm.query`` runs it on
Polars and ``trajlm.ask`` sends the model tasks to ``trajlm.TrajLM``. Anything a plan cannot
say is refused with ``CannotAnswer`` ("can't answer that: ..."), never improvised.

Semantics (docs/llm.md): filters select *trips*; time filters look at the trip's start in UTC,
or in the store's own zone when it was ingested with --tz / --utc-offset (``_zone``, set by
the Asker; session 14): ``hour_from <= hour < hour_to``, ``hour_from > hour_to`` wraps
midnight; dates are inclusive; a place or circle matches trips with any point within
``radius_m``; speed is the trip's mean speed; ``min_stop_s`` is the trip's longest stop
(consecutive fixes slower than 1 m/s).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from trajlm.data.longitude import arc_width
from trajlm.errors import UserError
from trajlm.llm.plan_describe import dated_total, describe  # noqa: F401 (dated_total: importable from here)
from trajlm.llm.plan_words import (  # noqa: F401 (the plan's words, importable from here as before)
    AGGREGATES,
    DEFAULT_RADIUS_M,
    EARTH_HALF_M,
    PERIODS,
    PLACE_RADIUS_M,
    PLACES,
    UNITS,
    WEEKDAYS,
    Action,
    Metric,
    Weekday,
)


class CannotAnswer(UserError):
    """A question that no plan can express, or a plan that does not validate."""

    def __init__(self, reason: str):
        super().__init__(f"can't answer that: {reason}")
        self.reason = reason


def wrapped_box_ok(box) -> bool:
    """A box is [lat_min, lon_min, lat_max, lon_max] with lat_min < lat_max and, for its
    longitudes, lon_min < lon_max or, across the antimeridian, lon_min > lon_max with the arc
    from lon_min east to lon_max at most 180 deg (wider reads as two values swapped)."""
    if not box[2] > box[0]:
        return False
    return box[3] > box[1] or (box[1] > box[3] and float(arc_width(box[1], box[3])) <= 180.0)


class QueryPlan(BaseModel):
    """What to compute (``action``), over which trips (the filters), and how."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    metric: Metric | None = None  # for mean / median / sum / top
    k: int | None = Field(None, ge=1, le=1000)  # top-k, or at most k rows for list
    ascending: bool = False  # top: smallest first
    minutes: float | None = Field(None, gt=0, le=120)  # predict: horizon
    # filters
    trip: str | None = None
    vehicle: str | None = None
    # the vehicles whose id starts so: a kind of vehicle named by its ids ("the porters": POR-14, POR-22; set 29)
    vehicle_prefix: str | None = None
    mode: str | None = None
    # a store column the trips carry beside their points (STORE_FIELDS): Porto's call type, A dispatched from the
    # central, B taxi stand, C on the street ("street hails": C; set 31); Porto's "taxi trips" stay every trip
    call_type: Literal["A", "B", "C"] | None = None
    # trips with any of two or more labels ("which truck or van had the most tours"; session 20)
    modes: list[str] | None = Field(None, min_length=2)
    weekdays: list[Weekday] | None = None
    # whole hours, or with minutes as a fraction ("before 7:30 am": 7.5; session 17)
    hour_from: int | float | None = Field(None, ge=0, lt=24)
    hour_to: int | float | None = Field(None, gt=0, le=24)
    date_from: date | None = None
    date_to: date | None = None
    night_of: date | None = (
        None  # "the night (shift) of 2 December": starts from its noon to the next noon (set 26)
    )
    place: str | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    radius_m: float | None = Field(None, gt=0, le=EARTH_HALF_M)  # 20,037.5 km: every point (set 23)
    bbox: tuple[float, float, float, float] | None = None  # lat_min, lon_min, lat_max, lon_max
    min_speed_kmh: float | None = Field(None, ge=0)
    max_speed_kmh: float | None = Field(None, gt=0)
    min_duration_s: float | None = Field(None, ge=0)
    max_duration_s: float | None = Field(None, gt=0)
    min_length_m: float | None = Field(None, ge=0)
    max_length_m: float | None = Field(None, gt=0)
    min_stop_s: float | None = Field(None, gt=0)
    # the trip's longest stop at most this: 0 for "trips that did not stop" (no step slower than 1 m/s; set 33)
    max_stop_s: float | None = Field(None, ge=0)
    above_kmh: float | None = Field(
        None, gt=0
    )  # metric above_s: the speed a step must beat (session 24)
    unit: str | None = None  # mean / median / sum reported in this unit (UNITS), else the metric's
    # share: the filters that name the trips the share is of (the rest are its condition);
    # "what share of bike trips were shorter than 2 km" -> ["mode"] (session 15, llm/shares.py)
    share_of: list[str] | None = None
    # where trips started / ended: [lat, lon, radius_m] of the first / last point (session 16,
    # llm/endpoints.py; a place above matches any point); at_end: hours, days and dates are
    # read at the trip's end ("ended on a Sunday")
    start_at: tuple[float, float, float] | None = None
    end_at: tuple[float, float, float] | None = None
    at_end: bool = False
    # over_midnight: the trip's start and end on two dates of the plan's clock ("crossed midnight"; set 36)
    over_midnight: bool = False
    # peak: the hour / weekday / date with the most trips (fewest: ascending) (session 16, llm/peaks.py)
    by: Literal["hour", "weekday", "date"] | None = None
    # percentile: which one ("the 90th percentile of duration": 90; linear between trips, as numpy's default)
    percentile: float | None = Field(None, gt=0, lt=100)
    # per: a count or total per calendar day / ISO week of the start, averaged over the days (weeks)
    # with trips ("daily distance", "trips per week"; session 17, llm/calendar.py)
    per: Literal["day", "week", "night", "month"] | None = None
    # pick: instead of that mean, the day (week) with the largest ("most") / smallest ("least") total, named
    # ("the longest distance V5 drove in a day", "which day did the fleet cover the most km"; llm/daymax.py)
    # "busiest" / "quietest": the total on the day with the most / fewest trips ("the km driven on the busiest day")
    pick: Literal["most", "least", "busiest", "quietest"] | None = None
    # group: the plan's count / sum / mean / median per vehicle, ranked (k shown; ascending: smallest first)
    # ("which driver drove the most km", "total hours per vessel"; session 18, llm/vehicles.py)
    # "hour": per hour of the trip's start, every hour shown; "mode": per label of ``modes``, two labels compared
    # ("were tanker voyages faster than cargo voyages"; session 22, llm/tables.py)
    # "day" / "week" / "month": one row per period of the trip's start with the trips' own mean there ("average trip
    # duration per week", ask36b), where ``per`` averages the periods' totals ("average daily distance")
    group: Literal["vehicle", "hour", "mode", "day", "week", "month"] | None = None
    # boxes (lat_min, lon_min, lat_max, lon_max): via = a point in the first, then a later point in the second;
    # start_box / end_box = the trip's first / last point inside (session 17, llm/boxes.py)
    via: tuple[tuple[float, float, float, float], tuple[float, float, float, float]] | None = None
    start_box: tuple[float, float, float, float] | None = None
    end_box: tuple[float, float, float, float] | None = None
    # the zone the start's hours, days and dates are read in: set by the Asker from the data
    # (a store ingested with --tz / --utc-offset), never by a planner; None is UTC
    _zone: str | None = PrivateAttr(default=None)
    # min_* / max_* bounds a question excluded ("longer than 20 min" is > 1200 s, "at least"
    # is >=): set by the rule planner (session 14); a plan from a dict or a model includes them
    _strict: frozenset[str] = PrivateAttr(default=frozenset())
    # "which ferry was stopped the longest" (ask37b): ranked by stopped time added up, the single longest stop
    # said in a note (llm/dwells.py); set by llm/vehicles.py
    _one_stop_too: bool = PrivateAttr(default=False)
    # a run's halves (unit "half", llm/half_splits.py; ask37b): negative / positive / even, and one trip picked
    _half_kind: str | None = PrivateAttr(default=None)
    # "trips per week, Sunday to Saturday" (ask39): the plan's weeks (per / group "week") begin on Sunday
    _sunday_weeks: bool = PrivateAttr(default=False)
    _pick: str | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _consistent(self) -> QueryPlan:
        a = self.action
        if (a in AGGREGATES or a == "top") and self.metric is None:
            raise ValueError(f"action {a!r} needs a metric ({', '.join(Metric.__args__)})")
        if self.unit is not None:
            one = (
                a == "top" and self.k == 1
            )  # the longest stop's value, in the unit asked (session 17)
            allowed = UNITS.get(self.metric or "", {}) if a in AGGREGATES or one else {}
            allowed = ("km2", "ha") if a == "home_range" else allowed  # set 34
            allowed = (
                UNITS["stop_s"]
                if a == "dwell"
                else ("km", "mi", "half")
                if a == "split"
                else allowed
            )  # set 36
            if self.unit not in allowed:
                raise ValueError(f"unit {self.unit!r} does not fit {a} of {self.metric} "
                                 f"(allowed: {', '.join(allowed) or 'none'})")  # fmt: skip
        if self.modes is not None and self.mode is not None:
            raise ValueError("mode and modes: give one label in mode or several in modes")
        if (a == "share") != (self.share_of is not None):
            raise ValueError("action 'share' and share_of go together")
        if a == "share":
            given = {k for k in self.key() if k not in ("action", "share_of", "unit", "k")}
            if not set(self.share_of) <= given or not given - set(self.share_of):
                raise ValueError(
                    "share_of names the set filters that are not the share's condition"
                )
        if self.group is not None and a not in ("count", "sum", "mean", "median"):
            raise ValueError(f"group {self.group!r} counts trips or adds up / averages a metric per "
                             f"{self.group} (action count, sum, mean or median)")  # fmt: skip
        if self.metric == "inside_s" and self.center() is None:
            raise ValueError("inside_s is the time inside a circle: give a place or lat/lon")
        if (self.metric == "above_s") != (self.above_kmh is not None):
            raise ValueError("above_s (the time above a speed) and above_kmh go together")
        if self.metric == "away_m" and self.center() is None:
            raise ValueError("away_m is the distance from a place: give a place or lat/lon")
        if self.group in PERIODS and self.per is not None:
            raise ValueError(f"group {self.group!r} is each {self.group}'s own mean of trips, per {self.per!r} the "
                             "mean of the periods' totals: give one")  # fmt: skip
        if self.group == "mode" and not self.modes:
            raise ValueError("group 'mode' compares the labels named in modes")
        # a home range's percentile: the isopleth of a kernel density ("95% kernel home range"; set 35)
        if (a == "percentile") != (self.percentile is not None) and a != "home_range":
            raise ValueError("action 'percentile' and percentile go together")
        if self.pick is not None and (
            self.per is None or a not in ("count", "sum") or self.group not in (None, "vehicle")
            or (self.group and self.pick not in ("most", "least")) or (self.pick in ("busiest", "quietest") and a != "sum")
        ):  # fmt: skip
            raise ValueError("pick (the most / least in one day or week; busiest / quietest: a sum on the day with "
                             "the most / fewest trips) needs per and a count or sum, per vehicle or no group")  # fmt: skip
        if (a == "peak") != (self.by is not None):
            raise ValueError("action 'peak' and by go together")
        if self.metric in ("start_hour", "start_time") and a not in (
            "mean",
            "median",
            "percentile",
        ):
            raise ValueError(
                f"{self.metric} is averaged (mean, median, percentile), not added up or ranked"
            )
        if a in ("predict", "describe") and self.trip is None:
            raise ValueError(f"action {a!r} needs one trip id")
        if a == "predict" and self.minutes is None:
            self.minutes = 5.0
        if self.place is not None:
            self.place = self.place.lower().strip()
            if self.place not in PLACES:
                known = ", ".join(sorted(PLACES))
                raise ValueError(f"unknown place {self.place!r} (known: {known}; or give lat,lon)")
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together")
        if self.place is not None and self.lat is not None:
            raise ValueError("give a place or lat/lon, not both")
        if self.radius_m is not None and self.place is None and self.lat is None:
            raise ValueError("radius_m needs a place or lat/lon")
        for box in (self.bbox, self.start_box, self.end_box, *(self.via or ())):
            if box is not None and not wrapped_box_ok(box):
                raise ValueError(
                    "a box is (lat_min, lon_min, lat_max, lon_max) with min < max "
                    "(lon_min > lon_max: across the antimeridian, <= 180 deg)"
                )
        for lo, hi in (
            ("min_speed_kmh", "max_speed_kmh"),
            ("min_duration_s", "max_duration_s"),
            ("min_length_m", "max_length_m"),
            ("date_from", "date_to"),
        ):
            a_lo, a_hi = getattr(self, lo), getattr(self, hi)
            if a_lo is not None and a_hi is not None and a_lo > a_hi:
                raise ValueError(f"{lo} {a_lo} is after {hi} {a_hi}: no trip can match")
        for name in ("start_at", "end_at"):
            if (c := getattr(self, name)) is not None and not (
                -90 <= c[0] <= 90 and -180 <= c[1] <= 180 and 0 < c[2] <= 50_000
            ):
                raise ValueError(f"{name} is (lat, lon, radius_m) with a radius up to 50 km")
        timed = self.weekdays or self.hour_from is not None or self.hour_to is not None
        if self.at_end and not (timed or self.date_from or self.date_to):
            raise ValueError("at_end reads hours, days or dates at the trip's end: give one")
        if self.weekdays is not None:
            self.weekdays = sorted(set(self.weekdays), key=WEEKDAYS.index)
        return self

    def center(self) -> tuple[float, float, float] | None:
        """(lat, lon, radius_m) of the place or circle filter, if any."""
        if self.place is not None:
            radius = self.radius_m or PLACE_RADIUS_M.get(self.place, DEFAULT_RADIUS_M)
            return (*PLACES[self.place], radius)
        if self.lat is not None:
            return (self.lat, self.lon, self.radius_m or DEFAULT_RADIUS_M)
        return None

    def key(self) -> dict:
        """The plan without defaults, for comparing plans."""
        return self.model_dump(mode="json", exclude_defaults=True)

    def describe(self) -> str:
        """One line a person can check before the plan runs (llm/plan_describe.py)."""
        return describe(self)


def validate_plan(data: dict | str) -> QueryPlan:
    """A dict (or JSON text) -> ``QueryPlan``, or ``CannotAnswer`` naming the first problem."""
    try:
        if isinstance(data, str):
            return QueryPlan.model_validate_json(data)
        return QueryPlan.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ())) or "plan"
        msg = err.get("msg", "invalid").removeprefix("Value error, ")
        raise CannotAnswer(f"invalid plan: {where}: {msg}") from None
