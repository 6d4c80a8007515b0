"""What ``trajlm ask`` answers: ``Answer`` (a plan and its value or table) and how it is printed."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from trajlm.llm.calendar import clock
from trajlm.llm.every_vehicle import BOUNDS, all_trips_head, every_head
from trajlm.llm.plan import QueryPlan
from trajlm.llm.yes_no import head as yes_no_head

# the unit each metric's values are in (printed with a mean / median / sum)
METRIC_UNITS = {"duration_s": "s", "stop_s": "s", "moving_s": "s", "stopped_s": "s", "inside_s": "s", "above_s": "s", "reach_m": "m", "away_m": "m", "length_m": "m", "speed_kmh": "km/h",
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
    yes_no: bool = (
        False  # a yes / no question: the list's first line says yes or no (yes_no.py, set 32)
    )
    # "were all the vans out": (the vehicles of the group with no matching trip, how many the group has); set 33
    every: tuple[list[str], int] | None = None
    # "were all the crossings longer than 5 km": (the trips asked about that fail it, how many were asked about)
    all_trips: tuple[list[str], int] | None = None

    @property
    def yes(self) -> bool | None:
        """A yes / no question's answer (True: some trip matches), None for any other question (ask32b)."""
        if not self.yes_no:
            return None
        if self.every is not None:  # every vehicle of the group has a trip (every_vehicle.py)
            return not self.every[0]
        # every trip asked about meets the condition (every_vehicle.py)
        if self.all_trips is not None:
            return not self.all_trips[0] and self.all_trips[1] > 0
        n = (
            self.n_total
            if self.n_total is not None
            else (0 if self.table is None else len(self.table))
        )
        return n > 0

    def result(self) -> Any:
        """What the evaluation compares: the number, the text, the trips' ids in order, or the
        predicted positions (rounded to 1e-5 degrees)."""
        if self.table is not None and self.plan.action == "predict":
            return [(round(a, 5), round(o, 5)) for a, o in self.table.select("lat", "lon").rows()]
        if self.table is not None and "traj_id" in self.table.columns:
            return self.table["traj_id"].to_list()
        return self.value

    def __str__(self) -> str:
        return "\n".join([self._body(), *(f"note: {n}" for n in self.notes)])

    def _body(self) -> str:
        if self.text is not None and self.table is not None and self.plan.group is not None:
            with pl.Config(
                tbl_rows=25, tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True
            ):
                return f"{self.text}\n{self.table}"  # per vehicle: the top one, then the ranking (session 18)
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
                if (
                    self.plan.action == "top"
                ):  # "which trip ...": the trip named first (status.md item 4, ask40)
                    head = f"top {len(t)} of {n} trips: {_named(t)}"
                elif self.yes_no and self.all_trips is not None:
                    that_do = f"; the {n} that do:" if self.all_trips[0] and n else ""
                    head = all_trips_head(*self.all_trips) + that_do
                elif self.yes_no and self.every is not None:
                    bounded = any(getattr(self.plan, b) is not None for b in BOUNDS)
                    head = every_head(*self.every, n, bounded) + (
                        f" (first {len(t)} shown)" if n > len(t) else ""
                    )
                elif self.yes_no:
                    head = yes_no_head(n) + (f" (first {len(t)} shown)" if n > len(t) else "")
                return f"{head}\n{t}" if "start" in t.columns else str(t)
        if isinstance(self.value, float) and self.plan.action == "share":
            return f"{three_digits(self.value)} % ({self.n_match:,} of {self.n_total:,} trips)"
        if isinstance(self.value, float) and self.plan.metric in ("start_hour", "start_time"):
            return (
                f"{self.value:.2f} h ({clock(self.value)})"  # "13.18 h (13:11)", "13.00 h (13:00)"
            )
        if isinstance(self.value, float):
            unit = self.plan.unit or METRIC_UNITS.get(self.plan.metric or "", "")
            whole = self.plan.action == "sum" and self.plan.metric == "n_points"
            # a distance asked without a unit, of a kilometre or more: its km beside ("4,047.7 m = 4.05 km"; the
            # value stays in metres, the metric's unit; ask39's leftover, set 39 T1)
            km = unit == "m" and self.plan.unit is None and abs(self.value) >= 1000
            return (
                (f"{self.value:,.0f}" if whole else three_digits(self.value))
                + (f" {unit}" if unit else "")
                + (f" = {three_digits(self.value / 1000)} km" if km else "")
            )  # a count of points is whole
        return str(self.value)


def _named(t: pl.DataFrame) -> str:
    """A ranking's trips named on its first line, each with its mover where the table has one ("LEG20",
    "D00012 (UTE-3)"; five at most, then "..."): a "which trip" answer names the trip, not only the table."""
    ids = [
        f"{i} ({v})" if v is not None else str(i)
        for i, v in zip(
            t["traj_id"], t["vehicle"] if "vehicle" in t.columns else [None] * len(t), strict=True
        )
    ]
    return ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")


def three_digits(v: float) -> str:
    """At least three significant digits, one decimal at least: "0.592 h", not "0.6 h" (1.4 %
    off; set 12), "6.57 mi"; 10 and above as before ("22.0", "1,234.5")."""
    if v == 0 or abs(v) >= 10 or not math.isfinite(v):
        return f"{v:,.1f}"
    return f"{v:,.{max(1, 2 - math.floor(math.log10(abs(v))))}f}"
