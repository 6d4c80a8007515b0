"""Per day and per week, and the hour trips start at (session 17, set 15).

"average daily distance driven by BUS-3", "how many bike trips per week", "total km per week for
INS-1005": the plan's ``per`` ("day" / "week") makes a count or a total of the chosen trips one
number per calendar day (ISO week, Monday to Sunday) of their start, in the data's zone, and the
answer is the mean of those numbers over the days (weeks) that have at least one of the trips; the
answer says over how many. "the median pickup hour": the metric ``start_hour``, the whole hour of the trip's
start (7:30 is 7, as the hour filters read it); "the average departure time": ``start_time``, its time of day in
hours (7:30 is 7.5), printed with its clock time.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from trajlm.llm.phrases import MONTHS
from trajlm.llm.plan import UNITS, CannotAnswer, QueryPlan

# "daily", "weekly", "per day", "a week" (not "each day": a table per day is asked there, nor
# "the week of 6-12 April"); "on average" beside them is their mean, read here too
PER = re.compile(
    r"(?:\s+on\s+average)?\s*\b(?:(daily|weekly|nightly|monthly)|(?:per|an?)\s+(day|week|month|night(?:[\s-]?shift)?)(?!\s+(?:of|when)\b)(?!\s+in\s+(?!km\b|kms\b|kilomet|miles?\b|mi\b|nm\b|nautical|metres?\b|meters?\b|m\b|hours?\b|h\b|minutes?\b|mins?\b)))\b"
    r"(?:\s+on\s+average\b)?",
    re.I,
)
# a superlative over the periods ("the longest distance ... in a day", "the most km in one week"): the busiest day
_MOST_IN_A_PERIOD = re.compile(
    r"\b(?:longest|furthest|farthest|most|max(?:imum)?|highest|biggest|greatest|largest|record|least|fewest|shortest"
    r"|min(?:imum)?|lowest|smallest)\b",
    re.I,
)
_STARTS = r"(?:start(?:ing)?|pick[\s-]?up|departure|leaving|begin(?:ning)?)"
START_HOUR = rf"\b{_STARTS}\s+hours?\b|\bhour\s+(?:of\s+(?:the\s+)?)?{_STARTS}s?\b"  # the whole hour: 7:30 is 7
START_TIME = rf"\b{_STARTS}\s+times?\b|\btime\s+of\s+(?:the\s+)?{_STARTS}s?\b"  # the time of day: 7:30 is 7.5


# another group beside the period ("per vehicle", "for each driver"); "km per hour" is a unit
_OTHER_GROUP = re.compile(
    r"\b(?:per|for each|for every|each|every)\s+(?!hour\b|h\b|km\b|kilomet|mile|minute|min\b|second|trip\b)"
    r"(?:the\s+)?(?:[a-z]+)",
    re.I,
)


_MON = "|".join([*MONTHS, *(m[:3] for m in MONTHS if m != "may"), "sept"])
_WEEK_OF = re.compile(
    # "the week of 6 April" alone: read only for a Monday (week_of, ask37b), else asked
    r"\b(?:(?:in|during|over)\s+)?(?:the\s+)?week\s+(?:starting(?:\s+on)?|beginning(?:\s+on)?|commencing|from)\s+"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(?:the\s+)?"
    rf"(?:(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+({_MON})\.?|({_MON})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?)(?:,?\s+(\d{{4}}))?\b(?!\s*(?:[-–]|to\b|until\b|till\b|through\b|and\b))",
    re.I,
)


def _seven_days(a: dt.date) -> str:
    b = a + dt.timedelta(days=6)
    return f"from {a.day} {MONTHS[a.month - 1]} {a.year} to {b.day} {MONTHS[b.month - 1]} {b.year}"


def _date_of(day: str, mon: str, year: str | None, years: list[int]) -> dt.date | None:
    """The date a "6 April (2026)" names; without a year the data's one year; None when none."""
    month = next(k for k, name in enumerate(MONTHS, 1) if name.startswith(mon.lower()[:3]))
    y = int(year) if year else (years[0] if len(years) == 1 else None)
    try:
        return None if y is None else dt.date(y, month, int(day))
    except ValueError:
        return None


def week_of(question: str, years: list[int]) -> str:
    """ "the week starting 6 April 2026" (set 21) as the seven days it names: "from 6 April 2026 to 12 April 2026";
    without a year, the data's one year (else left for the date reader to ask). "The week of 9 March" where 9 March
    is a Monday (ask37b): the seven days from it, the one week both readings (the week beginning that day, the
    Monday-to-Sunday week holding it) agree on; another day stays asked (``refuse_week_of_a_day``). A US week (ask38):
    a Sunday written month first ("the week of Sunday March 15") begins one; "US week" / "Sunday to Saturday" said
    reads any day's Sunday-to-Saturday week."""

    def one(m: re.Match) -> str:
        day, mon = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        a = _date_of(day, mon, m.group(5), years)
        return m.group(0) if a is None else _seven_days(a)

    us = _US_WEEK.search(question) is not None and re.search(r"\bweek", question, re.I) is not None
    if us:  # the words that said so are read, not left to be read as weekdays; "the US week of" keeps "the week of"
        question = _US_WEEK.sub(lambda m: " " if m.group(1) is None else m.group(1), question)
        if not _WEEK_OF_A_DAY.search(question):
            raise CannotAnswer("a Sunday-to-Saturday week is read in 'the week of <a day>' ('the week of Sunday "
                               "March 15'); 'per week' and weekly tables run Monday to Sunday: name the days "
                               "('between March 8 and March 14')")  # fmt: skip

    def monday(m: re.Match) -> str:
        day, mon = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        a = _date_of(day, mon, m.group(5), years)
        if a is None:
            return m.group(0)
        if us:  # said outright: the Sunday-to-Saturday week holding the day
            return _seven_days(a - dt.timedelta(days=(a.weekday() + 1) % 7))
        # a Sunday written month first ("the week of Sunday March 15"): the US week that Sunday begins (ask38); the
        # same Sunday written day first ("Sunday 15 March") ends a Monday-to-Sunday week as well: stays asked
        us_sunday = a.weekday() == 6 and m.group(3) is not None
        return _seven_days(a) if a.weekday() == 0 or us_sunday else m.group(0)

    return _WEEK_OF_A_DAY.sub(monday, _WEEK_OF.sub(one, question))


# a US reader's week said outright (ask38): "(US week)", "Sunday to Saturday", "weeks starting on Sunday"
_US_WEEK = re.compile(
    r"\b(?:US|U\.S\.|American)\s+(?:calendar\s+)?(week\s+of)\b"
    r"|\(?\s*\b(?:(?:in\s+)?(?:the\s+)?(?:US|U\.S\.|American)\s+(?:calendar\s+)?weeks?(?!\s+of\b)"
    r"|(?:from\s+)?sun(?:day)?\s*(?:-|–|to|through|thru)\s*sat(?:urday)?"
    r"|(?:with\s+)?weeks?\s+(?:that\s+)?(?:start|begin)(?:s|ning)?\s+(?:on\s+)?(?:a\s+)?sundays?)\b\s*\)?,?",
    re.I,
)


_WEEK_OF_A_DAY = re.compile(
    rf"\bthe\s+week\s+of\s+(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(?:the\s+)?(?:(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+({_MON})\.?|({_MON})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?)"
    r"(?:,?\s+(\d{4}))?\b(?!\s*(?:[-–]|to\b|until\b|till\b|through\b|and\b))",
    re.I,
)


# "per week", "weekly", "each / every week", "by week", "a week": a table or mean of weeks, not one week
_PER_WEEK = re.compile(r"\b(?:per|each|every|by|a)\s+week\b|\bweekly\b|\bweek\s+by\s+week\b", re.I)


def sunday_weeks(question: str, any_week: bool = False) -> tuple[str, bool]:
    """ "trips per week, Sunday to Saturday", "weekly km (US weeks)": the question without the words that said so,
    and True (the plan's weeks then begin on Sunday: ``QueryPlan._sunday_weeks``, ask39); a US week said with "the
    week of <a day>" is ``week_of``'s, and any other question is returned as it is, with False. ``any_week``: any
    week said will do ("the most km in one week, Sunday to Saturday": daymax.py, ask39b)."""
    weeks = re.compile(r"\bweek", re.I) if any_week else _PER_WEEK
    if (
        not _US_WEEK.search(question)
        or not weeks.search(question)
        or _WEEK_OF_A_DAY.search(question)
    ):
        return question, False
    return _US_WEEK.sub(lambda m: " " if m.group(1) is None else m.group(1), question), True


def refuse_week_of_a_day(question: str) -> None:
    """ "the week of 4 March" (a Wednesday) alone stays asked (which seven days? test_llm_set12_fixes pins it), now
    naming how to say them (set 37: was "did not understand 'week'"); a Monday's week is read by ``week_of``."""
    if m := _WEEK_OF_A_DAY.search(question):
        raise CannotAnswer(f"'{m.group(0)}': which seven days? ask 'the week starting ...' (those seven days) or "
                           "name both ends ('between 9 and 15 March')")  # fmt: skip


def read_per(question: str) -> tuple[str, str | None]:
    """The question without its "daily" / "per week" words, and the period ("day", "week") they name."""
    m = PER.search(question)
    if m is None:
        return question, None
    word = (m.group(1) or m.group(2)).lower()
    per = "day" if word in ("daily", "day") else "night" if word.startswith("night") else "week"
    per = "month" if word.startswith("month") else per
    if _MOST_IN_A_PERIOD.search(
        question
    ):  # "the longest distance V5 drove in a day" was the mean per day (set 24)
        raise CannotAnswer(f"the most in one {per} is read for trips, distance and time (e.g. 'the most km V5 drove "
                           f"in one {per}'), not this: ask e.g. 'what is the {dict(day='daily', night='nightly').get(per, per + 'ly')} "
                           "distance of V5' for the mean")  # fmt: skip
    rest = question[: m.start()] + " " + question[m.end() :]
    # "the average number of trips per day" (set 21): the count per day, itself a mean over the days
    rest = re.sub(
        r"\b(?:the\s+)?(?:average|mean|avg|typical)\s+(?:number|count)\s+of\b",
        "how many",
        rest,
        flags=re.I,
    )
    if not re.search(
        r"\b(?:average|mean|avg|typical|total|sum|how many|how much|median|number of)\b", rest, re.I
    ):
        rest = (
            question[: m.start()] + " average " + question[m.end() :]
        )  # "BUS-2's daily distance": its mean
    if PER.search(rest):
        raise CannotAnswer("two periods ('per day', 'per week'): ask about one")
    if g := _OTHER_GROUP.search(rest):  # "km per vehicle per week": one number per vehicle
        raise CannotAnswer(f"answers per group ({g.group(0).strip()!r}) are not supported: ask about one "
                           f"vehicle, user or mode at a time ('... per {per}' for it)")  # fmt: skip
    return rest, per


_TRIPS = r"(?:trip|journey|ride|run|crossing|voyage|flight|walk|tour|shift)s?"
# a trip's own average said with a period ("average trip duration per week", "the mean length of my trips per
# month", "the average duration per trip each week"): not the period's total ("average daily distance")
_TRIP_OWN = re.compile(
    rf"\b(?:average|mean|avg|typical|median)\s+(?:[a-z-]+\s+)?{_TRIPS}(?:'s)?\s+(?:duration|length|distance|time|speed)\b"
    rf"|\b(?:duration|length|distance|time|speed)\s+of\s+(?:a|an|each|the|my|his|her|their|its|our)?\s*(?:[a-z-]+\s+)?{_TRIPS}\b"
    r"|\bper\s+(?:trip|journey|ride|crossing|voyage)\b",
    re.I,
)


def each_period(question: str) -> str:
    """ "The mean trip speed for each week" -> "... per week" where a trip's own mean is asked (``_TRIP_OWN``), which
    trip_own_period then makes a table, one row a week (set 37's paraphrase: was "did not understand 'week'")."""
    if not _TRIP_OWN.search(question):
        return question
    return re.sub(
        r"\b(?:for\s+)?(?:each|every)\s+(day|week|month)\b", r"per \1", question, flags=re.I
    )


def trip_own_period(fields: dict, asked: str) -> None:
    """ "average trip duration per week" is each week's mean of its trips: the plan's ``group`` is the period (one
    row per period, llm/tables.py), not ``per`` (the mean of the weeks' totals, which it silently was; ask36b).
    Only a mean or median of a trip's duration or length with the trip said beside it."""
    per = fields.get("per")
    if per not in ("day", "week", "month") or fields.get("action") not in ("mean", "median"):
        return
    # "average trip speed per week" (set 37): each week's mean of its trips' speeds, as their durations
    if fields.get("metric") not in (
        "duration_s",
        "length_m",
        "moving_s",
        "stopped_s",
        "stop_s",
        "speed_kmh",
    ):
        return
    if "group" in fields or "pick" in fields or not _TRIP_OWN.search(asked):
        return
    fields["group"] = fields.pop("per")


def check_per(plan: QueryPlan) -> None:
    if plan.per is None:
        return
    if plan.action not in ("count", "sum", "mean") or plan.metric not in (
        None,
        "length_m",
        "duration_s",
        "stop_s",
        "moving_s",
        "stopped_s",
    ):
        what = plan.metric or plan.action
        raise CannotAnswer(f"per {plan.per} only trips, distances and durations are added up (not {what}): "
                           f"ask e.g. 'how many trips per {plan.per}' or 'daily distance'")  # fmt: skip


def with_start_hour(trips: pl.DataFrame) -> pl.DataFrame:
    s = pl.col("start")
    return trips.with_columns(
        s.dt.hour().cast(pl.Float64).alias("start_hour"),
        (s.dt.hour() + s.dt.minute() / 60 + s.dt.second() / 3600).alias("start_time"),
    )


def clock(hours: float) -> str:
    """7.5 -> "07:30"."""
    minutes = round(hours * 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def period_of(per: str, sunday: bool = False) -> pl.Expr:
    """The period a trip's start falls in, as its first date: the day, the Monday of its ISO week (the Sunday of its
    Sunday-to-Saturday week where ``sunday``: ask39), the first of its month, or the night (from noon to the next
    noon: the date of that noon; set 26)."""
    day = pl.col("start").dt.date()
    if per == "month":  # "which month did I cycle the most km" (set 36)
        return day.dt.truncate("1mo")
    if per == "night":
        return (pl.col("start") - pl.duration(hours=12)).dt.date()
    if per == "day":
        return day
    back = pl.col("start").dt.weekday() % 7 if sunday else pl.col("start").dt.weekday() - 1
    return day - pl.duration(days=back)


def period_key_value(plan: QueryPlan) -> tuple[pl.Expr, pl.Expr]:
    """The period a trip counts in (its start day, or the Monday of its week: ``_p``) and what
    a period sums (trips, or the plan's metric): per-period plans and their maxima (daymax)."""
    key = period_of(plan.per, plan._sunday_weeks)
    what = pl.len() if plan.action == "count" else pl.col(plan.metric).sum()
    return key.alias("_p"), what


def per_period(
    plan: QueryPlan, chosen: pl.DataFrame, every: pl.DataFrame | None = None
) -> tuple[float | str, str]:
    """(value, printed text) of a per-day / per-week plan over the chosen trips; per week or month, each period of
    the data's span (``every``: the whole trip table) listed below, one with none of the chosen trips as 0."""
    if len(chosen) == 0:
        return "no trips match", "no trips match"
    key, what = period_key_value(plan)
    # the periods in date order: a group_by gives its groups in a new order on each call, and the mean of the same
    # floats added in another order moved set 34 C8's last digit between two runs (ask36b)
    each = chosen.group_by(key).agg(what.alias("_v")).sort("_p")
    n = len(each)
    value = float(each["_v"].mean())
    unit = ""
    if plan.action != "count":
        scale = UNITS[plan.metric][plan.unit] if plan.unit else 1.0
        value /= scale
        unit = (
            plan.unit
            or {
                "length_m": "m",
                "duration_s": "s",
                "stop_s": "s",
                "moving_s": "s",
                "stopped_s": "s",
            }[plan.metric]
        )
    periods = f"{plan.per}{'s' * (n != 1)}"
    # "average trip duration per week" read this way was the weeks' totals with no word (ask36b): say it
    total = "" if plan.action == "count" else f"each {plan.per}'s total, "
    shown = f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.3g}"
    text = (f"{shown} {unit}/{plan.per}".replace(" /", "/") +
            f" ({total}mean over the {n} {periods} with trips; {len(chosen):,} trips)")  # fmt: skip
    if plan.per in ("week", "month") and every is not None:
        text += _each_period(plan, each, every, value * n, unit)
    return value, text


def _each_period(
    plan: QueryPlan, each: pl.DataFrame, every: pl.DataFrame, total: float, unit: str
) -> str:
    """Each week (month) of the data's span, one line each, a period with none of the chosen trips as 0, and where
    there are such the mean over every period of the span: "how many trips did P-20455 make per week" was 14.7 over
    the 3 weeks it drove, silent on the week its car stood (set 37 C8; the mean over the weeks with trips is kept
    first: set 15's reading)."""
    if len(every) == 0:
        return ""
    span = every.select(period_of(plan.per, plan._sunday_weeks).alias("_p"))["_p"]
    first, last = span.min(), span.max()
    step = "1mo" if plan.per == "month" else "1w"
    periods = pl.date_range(first, last, step, eager=True)
    if (
        not 1 < len(periods) <= 26
    ):  # one is the answer itself; a longer table is asked for ("for each week")
        return ""
    got = dict(zip(each["_p"].to_list(), each["_v"].to_list(), strict=True))
    scale = UNITS[plan.metric][plan.unit] if plan.action != "count" and plan.unit else 1.0
    name = (lambda p: p.strftime("%B %Y")) if plan.per == "month" else (lambda p: f"week of {p}")  # noqa: E731
    lines = [f"\n{name(p)}: {got.get(p, 0) / scale:,.4g}" for p in periods]
    empty = len(periods) - len(got)
    if empty:
        mean = total / len(periods)
        shown = f"{mean:,.1f}" if abs(mean) >= 10 else f"{mean:,.3g}"
        lines.insert(0, f"\nover every {plan.per} of the data ({len(periods)}, {empty} with none): "
                        f"{shown} {unit}/{plan.per}".replace(" /", "/"))  # fmt: skip
    return "".join(lines)
