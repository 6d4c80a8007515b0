"""The answer of a ``group="vehicle"`` plan (session 18, pervehicle18; split out of llm/vehicles.py by tidy26,
which reads the questions): the chosen trips grouped by the trip table's ``vehicle``, the plan's count / sum / mean /
median per vehicle (``per="day"`` / ``"week"``: per vehicle and calendar day / week of the start, then the mean over
its days with trips), ranked, with the printed line. ``per_vehicle`` stays importable from trajlm.llm.vehicles.
"""

from __future__ import annotations

import polars as pl

from trajlm.llm.calendar import period_of
from trajlm.llm.midnight import TRIP_OF
from trajlm.llm.plan import UNITS, CannotAnswer, QueryPlan
from trajlm.llm.ranks import ranked_line


def per_vehicle(plan: QueryPlan, chosen: pl.DataFrame) -> tuple[pl.DataFrame, float | None, str]:
    """(the ranked table: vehicle, value, trips; the top value; the printed line) of a ``group="vehicle"`` plan."""
    if "vehicle" not in chosen.columns:
        raise CannotAnswer("this data has no vehicle ids, so answers per vehicle cannot be given (ingest with "
                           "--vehicle-col, or pass columns={'vehicle_id': ...})")  # fmt: skip
    chosen = chosen.filter(pl.col("vehicle").is_not_null()).with_columns(
        pl.col("vehicle").cast(pl.Utf8)
    )
    if len(chosen) == 0:
        return pl.DataFrame(), None, "no trips match"
    col = pl.col(plan.metric) if plan.metric else None
    if (
        plan.per is not None
    ):  # per vehicle and calendar day (week) of the start, then the mean over its days
        # a day, else a week from Monday (from Sunday where asked: ask39), as before period_of was used here
        key = period_of("day" if plan.per == "day" else "week", plan._sunday_weeks)
        what = pl.len() if plan.action == "count" else col.sum()
        each = chosen.group_by("vehicle", key.alias("_p")).agg(
            what.cast(pl.Float64).alias("_v"), pl.len().alias("_n")
        )
        # each vehicle's days in date order, so its mean adds the same floats in the same order on every call
        each = each.sort("vehicle", "_p")
        table = each.group_by("vehicle", maintain_order=True).agg(
            pl.col("_v").mean().alias("value"),
            pl.col("_n").sum().alias("trips"),
            pl.len().alias("_days"),
        )
        if TRIP_OF in chosen.columns:  # badin25: a trip over midnight is one trip, not one a day
            whole = chosen.group_by("vehicle").agg(pl.col(TRIP_OF).n_unique().alias("_t"))
            table = (
                table.join(whole, on="vehicle")
                .with_columns(pl.col("_t").cast(table["trips"].dtype).alias("trips"))
                .drop("_t")
            )
    else:
        what = {"count": pl.len(), "sum": col.sum() if col is not None else None,
                "mean": col.mean() if col is not None else None,
                "median": col.median() if col is not None else None}[plan.action]  # fmt: skip
        trips = (
            pl.col(TRIP_OF).n_unique() if TRIP_OF in chosen.columns else pl.len()
        )  # a dated total's parts
        table = chosen.group_by("vehicle").agg(
            what.cast(pl.Float64).alias("value"), trips.alias("trips")
        )
    scale = UNITS[plan.metric][plan.unit] if plan.unit and plan.metric else 1.0
    unit = (
        "trips"
        if plan.action == "count"
        else plan.unit
        or {"length_m": "m", "duration_s": "s"}.get(
            plan.metric or "",
            {
                "stop_s": "s",
                "moving_s": "s",
                "stopped_s": "s",
                "speed_kmh": "km/h",
                "pace_s_km": "s/km",
            }.get(plan.metric or "", ""),
        )
    )
    if plan.per is not None:
        unit += f"/{plan.per}"
    table = (
        table.with_columns(pl.col("value") / scale)
        .drop_nulls("value")
        .sort(["value", "vehicle"], descending=[not plan.ascending, False])
    )
    if len(table) == 0:
        return table, None, "no trips match"
    n = len(table)
    top = float(table["value"][0])
    whole = plan.action == "count" and plan.per is None
    shown = f"{top:,.0f}" if whole else f"{top:,.1f}" if abs(top) >= 10 else f"{top:,.3g}"
    how = {"count": "", "sum": "total", "mean": "mean", "median": "median"}[plan.action]
    over = f"{how} over its {table['trips'][0]} trips" if how else ""
    if plan.per is not None:
        days = table["_days"][0]
        over = f"mean over its {days} {plan.per}{'s' * (days != 1)} with trips"
        table = table.drop("_days")
    ties = table.filter(pl.col("value") == table["value"][0])["vehicle"].to_list()
    tie = f"{len(ties) - 1} more tie: {', '.join(ties[1:4])}" if len(ties) > 1 else ""
    said = "; ".join(x for x in (over, tie) if x)
    km = (
        f" = {top / 1000:,.1f} km" if unit == "m" and abs(top) >= 10_000 else ""
    )  # 1,263,758.5 m (session 19)
    text = f"{shown} {unit}{km} (vehicle {table['vehicle'][0]} of {n}{'; ' * bool(said)}{said})"
    if (
        plan.k is not None and plan.k > 1
    ):  # "top 3 vans by distance": the three named (askday24, ranks.py)
        text = ranked_line(table, plan.k, unit, plan.ascending)
    if whole:
        table = table.with_columns(pl.col("value").cast(pl.Int64))
    table = table.rename(
        {"value": unit.replace("trips", "n_trips") if plan.action == "count" else unit}
    )
    if plan.action == "count" and plan.per is None:
        table = table.drop("trips")
    return table.head(plan.k or 50), top, text
