"""The words a query plan (trajlm/llm/plan.py) may use: its actions, metrics and weekdays, the
units each metric may be reported in, and the small gazetteer of named places with their radii.
Split out of plan.py (tidy26: the vocabulary apart from the model that checks a plan); every
name stays importable from trajlm.llm.plan.
"""

from __future__ import annotations

from typing import Literal

Action = Literal[
    "count",
    "list",
    "mean",
    "top",
    "predict",
    "describe",
    "median",
    "sum",
    "share",
    "peak",
    "percentile",
    "vehicles",  # how many vehicles (people, animals) the chosen trips are of (session 20)
    "when",  # the first trip's start (ascending) or the last trip's end (session 24, llm/departures.py)
    "days",  # how many calendar days the chosen trips have fixes on (session 24, llm/days.py)
    "home_range",  # the minimum convex polygon of the chosen trips' fixes (set 34, llm/home_range.py)
    "split",  # the fastest (slowest) whole km or mile of the chosen trips (set 36, llm/splits.py)
    "dwell",  # the mean length of every stop of the chosen trips (set 36, llm/dwells.py)
    "stops",  # how many stops longer than min_stop_s the chosen trips made (set 37, llm/dwells.py)
    "headway",  # the mean gap between consecutive starts of the chosen trips on a date (set 35, llm/headways.py)
]
AGGREGATES = ("mean", "median", "sum", "percentile")  # one number over the chosen trips' metric
Metric = Literal[
    "duration_s",
    "length_m",
    "speed_kmh",
    "stop_s",
    "moving_s",
    "stopped_s",
    "inside_s",
    "above_s",
    "reach_m",
    "away_m",
    "n_points",
    "pace_s_km",
    "start_hour",
    "start_time",
]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_RADIUS_M = 500.0
# half the earth's circumference: a circle this wide holds every point; a wider radius is read as it (set 23)
EARTH_HALF_M = 20_037_509.0
# units an aggregate may be reported in: metric -> unit -> the metric's own units per unit
UNITS: dict[str, dict[str, float]] = {
    "duration_s": {"s": 1.0, "min": 60.0, "h": 3600.0},
    "stop_s": {"s": 1.0, "min": 60.0, "h": 3600.0},
    # the time a trip moved: its steps at 1 m/s or faster, the duration less every stop (session 19)
    "moving_s": {"s": 1.0, "min": 60.0, "h": 3600.0},
    # the time a trip stood still: its steps slower than 1 m/s, every stop added up (session 22)
    "stopped_s": {"s": 1.0, "min": 60.0, "h": 3600.0},
    # the time inside the plan's circle: steps with both fixes inside (session 22, llm/inside.py)
    "inside_s": {"s": 1.0, "min": 60.0, "h": 3600.0},
    # the time in steps faster than above_kmh (session 24, llm/speeds.py)
    "above_s": {"s": 1.0, "min": 60.0, "h": 3600.0},
    "length_m": {"m": 1.0, "km": 1000.0, "mi": 1609.344, "nm": 1852.0},  # nm: nautical miles
    # the furthest a trip got from its first fix, in a straight line (session 22)
    "reach_m": {"m": 1.0, "km": 1000.0, "mi": 1609.344, "nm": 1852.0},
    # the furthest a trip got from the plan's place, in a straight line; the place is not a filter (set 23)
    "away_m": {"m": 1.0, "km": 1000.0, "mi": 1609.344, "nm": 1852.0},
    "speed_kmh": {
        "km/h": 1.0,
        "mph": 1.609344,
        "m/s": 3.6,
        "kn": 1.852,
        "m/min": 0.06,
    },  # kn: knots
    # pace (session 16): the trip's time per distance, duration / length
    "pace_s_km": {"s/km": 1.0, "min/km": 60.0, "s/mi": 1 / 1.609344, "min/mi": 60 / 1.609344},
    # the hour of the day a trip starts, whole (7:30 is 7), and its time of day in hours (7:30 is 7.5) (session 17)
    "start_hour": {"h": 1.0},
    "start_time": {"h": 1.0},
}

# A small gazetteer of the shared data sets' areas (lat, lon); anything else is given as
# coordinates ("within 300 m of 41.15,-8.61").
PLACES: dict[str, tuple[float, float]] = {
    "porto airport": (41.2370, -8.6700),  # the terminal (the runway reference is 1.4 km off)
    "sao bento station": (41.1456, -8.6106),
    "campanha station": (41.1488, -8.5856),
    "beijing airport": (40.0799, 116.6031),  # terminal 2
    "tsinghua university": (40.0000, 116.3264),
    "peking university": (39.9869, 116.3059),
    "forbidden city": (39.9163, 116.3972),
    "piazza castello": (45.0712, 7.6857),
    "porta nuova station": (45.0620, 7.6785),
}
# "near" a place without a radius: DEFAULT_RADIUS_M, but an airport spreads over kilometres
# (terminals, car parks, cargo): "trips near the airport" should reach its terminals
PLACE_RADIUS_M: dict[str, float] = {"porto airport": 1500.0, "beijing airport": 2500.0}

PERIODS = (
    "day",
    "week",
    "month",
)  # a plan's group by the period of the trip's start (tables.per_key; ask36b)
