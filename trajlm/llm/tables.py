"""Tables per hour of the day and two labels compared (session 22, ask22; status.md Open 7).

"How many rides started in each hour of the day?", "median trip duration by hour of day": the plan's count / total /
mean / median per hour of the trip's start (``group="hour"``, in the data's clock as every hour filter), every hour shown,
those without trips too (a count of 0, no value). "Were tanker voyages faster than cargo voyages on average?", "are
e-bike rides faster than classic bike rides?": two labels of the data compared (``group="mode"``, ``modes``): the mean
of the measure the comparative names (faster / slower: speed; further / farther: distance; "lasted longer": duration;
"more trips": the count) for each label, the table and one line saying which is higher and by how much. Other
groups (people's sex, a column the trip table lacks) stay refused in one line; "longer" alone (in time or distance?)
is asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import polars as pl

from trajlm.llm.calendar import period_of
from trajlm.llm.inside import is_inside, plan_inside, plan_reach
from trajlm.llm.plan import PERIODS, UNITS, CannotAnswer, QueryPlan
from trajlm.llm.replan import replan

# "in each hour (of the day)", "by hour of day", "per hour of the day", "hour by hour", "by start hour"; never "km per
# hour" (a speed) nor "trips per hour" (a rate)
HOURLY = re.compile(
    r"\s*,?\s*\b(?:(?:in|for|during)\s+(?:each|every)\s+hour(?:\s+of\s+(?:the\s+)?day)?"
    r"|(?:for\s+)?each\s+hour\s+of\s+(?:the\s+)?day|per\s+hour\s+of\s+(?:the\s+)?day"
    r"|(?:broken\s+down\s+|grouped\s+)?by\s+(?:the\s+)?(?:start(?:ing)?\s+|departure\s+)?hour(?:\s+of\s+(?:the\s+)?day)?"
    r"|hour\s+by\s+hour)\b",
    re.I,
)
_ACTIONS = ("count", "sum", "mean", "median")


def is_hourly(question: str) -> bool:
    return HOURLY.search(question) is not None


def plan_hourly(question: str, plan_one: Callable[[str], QueryPlan]) -> QueryPlan:
    """The plan of "<a count / total / mean / median> in each hour of the day": the rest planned as one number."""
    rest = HOURLY.sub(" ", question, count=1)
    plan = plan_one(rest)
    if plan.action not in _ACTIONS or plan.group is not None or plan.per is not None:
        raise CannotAnswer("per hour of the day, trips are counted and a measure added up or averaged: ask e.g. "
                           "'how many trips started in each hour of the day' or 'median duration by hour of day'")  # fmt: skip
    return replan(plan, group="hour")


# two labels compared: "X ... faster than Y", "X or Y ... faster", "X vs Y"; the comparative names the measure
_MORE = {
    "faster": "speed_kmh", "quicker": "speed_kmh", "slower": "speed_kmh",
    "further": "length_m", "farther": "length_m",
}  # fmt: skip
_COMPARATIVE = re.compile(
    r"\b(faster|quicker|slower|further|farther|longer|shorter|more\s+(?:trips|rides|voyages|journeys|often))\b",
    re.I,
)


def _word(lab: str) -> str:
    """A label as a question writes it: itself or its plural ("tankers", "ferries")."""
    word = re.escape(lab).replace(r"\ ", r"\s+") + "(?:s|es)?"
    return f"{word}|{re.escape(lab[:-1])}ies" if re.search(r"[^aeiou]y$", lab) else word


def compared_labels(question: str, labels: Sequence[str]) -> list[str] | None:
    """The two labels of the data a question compares ("tanker voyages faster than cargo voyages"), else None."""
    low = question.lower()
    if len(labels) < 2 or not re.search(r"\b(?:than|vs\.?|versus|compared?|or)\b", low):
        return None
    found: list[tuple[int, int, str]] = []  # (start, end, label): "cargo ship" before "ship"
    for lab in sorted(labels, key=len, reverse=True):
        if not re.fullmatch(r"[a-z][a-z\- ]+", lab):
            continue
        for m in re.finditer(rf"(?<![\w\-])(?:{_word(lab)})(?![\w\-])", low):
            if not any(a < m.end() and m.start() < b for a, b, _ in found):
                found.append((m.start(), m.end(), lab))
                break
    named = [lab for _, _, lab in sorted(found)]
    if len(named) != 2:
        return None
    than = rf"\bthan\s+(?:the\s+|those\s+of\s+|that\s+of\s+)?(?:{_word(named[1])})(?![\w\-])"
    asked = (
        re.search(
            r"\b(?:vs\.?|versus|compared?\s+(?:to|with)|compare)\b", low
        )  # "X vs Y", "compare X and Y"
        # "X faster than Y": the comparative, then "than" and the other label (not "longer than 5 km")
        or re.search(rf"{_COMPARATIVE.pattern}[^?.]{{0,30}}?{than}", low)
        # "which are faster, X or Y?"
        or (
            re.match(r"\s*(?:which|who|what)\b", low)
            and _COMPARATIVE.search(low)
            and re.search(r"\bor\b", low)
        )
    )
    return named if asked else None


def plan_compared(
    question: str, labels: list[str], plan_one: Callable[[str], QueryPlan]
) -> QueryPlan:
    """The plan of two labels compared (``compared_labels``): the measure's mean (or the count) per label."""
    m = _COMPARATIVE.search(question)
    word = m.group(1).lower() if m else ""
    if word in ("longer", "shorter"):
        raise CannotAnswer(f"'{word}' in time or in distance? ask e.g. 'average duration of {labels[0]} trips and "
                           f"{labels[1]} trips compared' or '... distance ...'")  # fmt: skip
    rest = question
    for (
        lab
    ) in labels:  # the labels' words, their trips' nouns and the comparison leave the question
        rest = re.sub(rf"(?<![\w\-])(?:{_word(lab)})(?![\w\-])", " ", rest, flags=re.I)
    rest = _COMPARATIVE.sub(" ", rest)
    rest = re.sub(r"\b(?:than|vs\.?|versus|compared\s+(?:to|with)|compare|or|and|on\s+average|in\s+general"
                  r"|(?:were|are|was|is|do|does|did)|the|ones?|those|that\s+of|(?:trips|rides|voyages|journeys|runs)"
                  r")\b", " ", rest, flags=re.I)  # fmt: skip
    rest = re.sub(r"[?.!,]", " ", rest).strip()
    metric = _MORE.get(word)
    if metric is None and m is not None and word.startswith("more"):
        base = f"how many trips {rest}"
    elif (
        metric is None
    ):  # "compare tanker and cargo voyages": of which measure? the rest must name it
        base = f"average {rest}" if rest else "average"
    else:
        base = f"average {metric.split('_')[0].replace('length', 'distance')} of trips {rest}"
    plan = plan_one(re.sub(r"\s+", " ", base).strip() + "?")
    if plan.action not in ("count", "mean", "median") or plan.mode or plan.modes or plan.group:
        raise CannotAnswer(f"two labels compared ({labels[0]!r}, {labels[1]!r}): ask for the average speed, distance "
                           "or duration of each, or how many trips each made")  # fmt: skip
    return replan(plan, modes=sorted(labels), group="mode")


def _fmt(v: float | int) -> str:
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:,.1f}" if abs(v) >= 10 else f"{v:,.3g}"


def plan_tabled(
    question: str, labels: Sequence[str], plan_one: Callable[[str], QueryPlan]
) -> QueryPlan | None:
    """The plan of a time inside a circle (llm/inside.py), a table per hour, or two labels compared; else None."""
    if is_inside(question):  # "how much time did X spend within 300 m of LAT, LON"
        return plan_inside(question, plan_one)
    if (
        reach := plan_reach(question, plan_one)
    ) is not None:  # "how far from the start did X get" (inside.py)
        return reach
    if is_hourly(question):  # "how many trips started in each hour of the day?"
        return plan_hourly(question, plan_one)
    if (
        two := compared_labels(question, labels)
    ) is not None:  # "tanker voyages faster than cargo voyages?"
        return plan_compared(question, two, plan_one)
    return None


def per_key(plan: QueryPlan, chosen: pl.DataFrame) -> tuple[pl.DataFrame, str]:
    """(table, one line) of a plan grouped by hour of the start or by label."""
    if (
        plan.group in PERIODS
    ):  # "average trip duration per week": each week's trips' own mean (ask36b)
        key = period_of(plan.group, plan._sunday_weeks).alias(plan.group)
        every = every_period(chosen.select(key), plan.group)
    elif plan.group == "hour":
        key = pl.col("start").dt.hour().alias("hour")
        lo, hi = int(plan.hour_from or 0), int(plan.hour_to or 24)
        hours = list(range(lo, hi)) if lo < hi else [*range(lo, 24), *range(hi)]
        every = pl.DataFrame({"hour": hours}, schema={"hour": pl.Int8})
    else:
        key = pl.col("mode").str.to_lowercase().alias("label")
        every = pl.DataFrame({"label": sorted(plan.modes or [])})
    name = every.columns[0]
    unit = plan.unit or {"length_m": "m", "duration_s": "s", "speed_kmh": "km/h", "pace_s_km": "s/km",
                         "n_points": "points"}.get(plan.metric or "", "s")  # fmt: skip
    scale = UNITS.get(plan.metric or "", {}).get(plan.unit or "", 1.0)
    aggs = [pl.len().alias("trips")]
    column = f"{plan.action} {plan.metric} ({unit})" if plan.action != "count" else None
    if column is not None:
        v = pl.col(plan.metric)
        aggs.append(
            ({"sum": v.sum(), "mean": v.mean(), "median": v.median()}[plan.action] / scale).alias(
                column
            )
        )
    got = chosen.group_by(key).agg(aggs)
    table = every.join(
        got.with_columns(pl.col(name).cast(every.schema[name])),
        on=name,
        how="left",
        maintain_order="left",
    )
    table = table.with_columns(pl.col("trips").fill_null(0))
    if column is not None:
        table = table.with_columns(pl.col(column).round(3))
    if plan.group == "hour":
        table = table.with_columns(pl.format("{}:00-{}:00", pl.col("hour").cast(pl.Utf8).str.zfill(2),
                                             ((pl.col("hour") + 1) % 24).cast(pl.Utf8).str.zfill(2)).alias("hour"))  # fmt: skip
    what = column or "trips"
    valued = table.filter(pl.col(what).is_not_null() & (pl.col("trips") > 0))
    if len(valued) == 0:
        return table, "no trips match"
    if plan.group == "mode" and (
        len(plan.modes or []) > 2 or plan.ascending
    ):  # "which mode has the most" (set 25)
        ranked = (
            valued.sort([what, name], descending=[not plan.ascending, False])
            .select(name, what)
            .rows()
        )
        word = "lowest" if plan.ascending else "highest"
        nxt = (
            "; next: " + ", ".join(f"{k} {_fmt(v)}" for k, v in ranked[1:3])
            if len(ranked) > 1
            else ""
        )
        tie = (
            f" (tied with {ranked[1][0]})"
            if len(ranked) > 1 and ranked[1][1] == ranked[0][1]
            else ""
        )
        return (
            table,
            f"{ranked[0][0]}{tie}: {word} {what} {_fmt(ranked[0][1])} of {len(ranked)} labels{nxt}",
        )
    if plan.group == "mode":
        (a, va), (b, vb) = sorted(valued.select(name, what).rows(), key=lambda r: -r[1])[:2] + [
            ("", 0.0)
        ] * (2 - min(2, len(valued)))
        if not b:
            return table, f"only {a} trips match ({what} {_fmt(va)})"
        more = f"{100 * (va - vb) / vb:+.1f} %" if vb else "the other has none"
        text = f"{a}: {_fmt(va)} vs {b}: {_fmt(vb)} ({what}; {a} {more})"
        return table, text if va != vb else f"{a} and {b} are equal ({what} {_fmt(va)})"
    if plan.group in PERIODS:
        return table, _per_period_text(plan, valued, what, len(chosen), len(table) - len(valued))
    top = valued.sort([what, name], descending=[True, False]).row(0, named=True)
    most = "most trips" if column is None else f"highest {what}"
    text = f"per hour of the trip's start ({len(chosen):,} trips): {most} {_fmt(top[what])} at {top[name]}"
    return table, text


def every_period(periods: pl.DataFrame, name: str) -> pl.DataFrame:
    """Every period from the first with trips to the last, those without trips too (set 37: a car off the road for a
    week was left out of "trips per week": the week is there, 0 trips, no mean)."""
    if len(periods) == 0:
        return periods.unique()
    lo, hi = periods[name].min(), periods[name].max()
    step = {"day": "1d", "week": "1w", "month": "1mo"}[name]
    return pl.DataFrame({name: pl.date_range(lo, hi, interval=step, eager=True)})


def _per_period_text(
    plan: QueryPlan, valued: pl.DataFrame, what: str, n_trips: int, empty: int = 0
) -> str:
    """ "per week of the trip's start (360 trips, 24 weeks; each week's own mean, not the week's total): mean
    duration_s (s) from 900 (week of 2026-03-02) to 2,400 (week of 2026-01-05)" (the table holds every period)."""
    name = plan.group
    word = "week of " if name == "week" else ""
    shown = valued.with_columns(
        pl.col(name).cast(pl.Utf8).str.slice(0, 7 if name == "month" else 10)
    )
    lo = shown.sort([what, name]).row(0, named=True)
    hi = shown.sort([what, name], descending=[True, False]).row(0, named=True)
    own = (
        "the count"
        if plan.action == "count"
        else f"each {name}'s own {plan.action}, not the {name}'s total"
    )
    none = f", {empty} more without trips in between (in the table)" if empty else ""
    head = f"per {name} of the trip's start ({n_trips:,} trips, {len(valued)} {name}{'s' * (len(valued) != 1)}{none}; {own})"
    if len(valued) == 1:
        return f"{head}: {what} {_fmt(lo[what])} ({word}{lo[name]})"
    return (f"{head}: {what} from {_fmt(lo[what])} ({word}{lo[name]}) to {_fmt(hi[what])} "
            f"({word}{hi[name]})")  # fmt: skip
