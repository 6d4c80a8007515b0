"""The average length of a stop (set 36, ask36): "what was the average stop length of LV21 KXR, in minutes?", "the
mean dwell time of the buses", "dwell per stop". A curb analyst's number: every stop of the trips the rest of the
question names, a stop being a run of consecutive steps slower than 1 m/s inside a trip (the trip table's own
stillness: ``stop_s`` keeps its longest, ``stopped_s`` adds them all), and the answer is the mean of their lengths.
Before, the words read as the mean of each trip's longest stop (30.5 min for 7.3 on set 36's vans: a silent wrong,
then refused since session 19 where said "per stop"). "The average stop time of bus trips" keeps its reading of
evaluation set 2 (the mean longest stop); the median and the longest of single stops are read elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.replan import is_plain_count, replan
from trajlm.llm.trips import steps, stop_runs, with_still


def longest_stop_said(plan: QueryPlan) -> str | None:
    """The words under an average (median, total) of ``stop_s``: which stops it reads. "The average stop time of the
    vans" is the mean of each trip's longest stop (evaluation set 2's reading), "the average stop length" the mean of
    every stop (``dwell``): near-identical words, two numbers, so the answer names its own (ask36b)."""
    if plan.metric != "stop_s" or plan.action not in ("mean", "median", "sum", "percentile"):
        return None
    how = {
        "mean": "averaged",
        "median": "their median",
        "sum": "added up",
        "percentile": "their percentile",
    }
    return (f"stop time here is each trip's longest stop (a run of steps slower than 1 m/s), {how[plan.action]} "
            "over the trips; the mean of every stop: ask 'the average stop length'")  # fmt: skip


def one_stop_said(plan: QueryPlan, chosen: pl.DataFrame) -> str | None:
    """Beside "which ferry was stopped the longest" (ranked by its stops added up): the single longest stop of the
    trips read, its trip and vehicle (ask37b: sets 10 and 36 read the words each way, so both are said)."""
    if not plan._one_stop_too or "stop_s" not in chosen.columns or chosen.height == 0:
        return None
    top = chosen.sort("stop_s", descending=True, nulls_last=True).row(0, named=True)
    if not top["stop_s"]:
        return None
    who = f" of vehicle {top['vehicle']}" if top.get("vehicle") is not None else ""
    return (f"'stopped the longest' read as its stops added up; the single longest stop: {top['stop_s'] / 60:.1f} "
            f"min (trip {top['traj_id']}{who}; ask 'which trip had the longest stop')")  # fmt: skip


DWELL = re.compile(
    r"\b(?:the\s+)?(?:average|mean|typical|avg)\s+(?:(?:stop|stopping)\s+(?:length|duration)s?"
    r"|(?:length|duration|time)\s+of\s+(?:a\s+|each\s+|the\s+|its\s+|their\s+)?(?:single\s+)?stops?"
    r"|dwell(?:ing)?(?:\s+times?)?|(?:\w+\s+)?time\s+per\s+stop)\b",
    re.I,
)
_UNIT = re.compile(r",?\s*\b(?:in\s+)?(minutes|mins?|seconds|secs?|s|hours|h)\s*(?=\?|$)", re.I)
_UNITS = {"minutes": "min", "min": "min", "mins": "min", "seconds": "s", "secs": "s", "sec": "s", "s": "s",
          "hours": "h", "h": "h"}  # fmt: skip
_HEAD = re.compile(r"^\s*(?:what|how\s+long)(?:\s+(?:was|is|were|are)|'s|’s)?\s*", re.I)


def plan_dwell(question: str, plan_count: Callable[[str], QueryPlan]) -> QueryPlan | None:
    """The plan of an average stop length, or None when the question does not ask one."""
    m = DWELL.search(question)
    if m is None:
        return None
    rest = question[: m.start()] + " " + question[m.end() :]
    unit = _UNIT.search(rest.strip().rstrip("?"))
    rest = rest.strip().rstrip("?")
    if unit:
        rest = rest[: unit.start()] + rest[unit.end() :]
    rest = " ".join(_HEAD.sub(" ", rest).split())
    rest = re.sub(r"^(?:of|for|at|on)\s+", "", rest, flags=re.I)
    rest = re.sub(
        r"(?:^|\s+)(?:at|per|for)\s+(?:the\s+|each\s+|every\s+|all\s+)?(?:bus\s+)?stops?\b",
        " ",
        rest,
        flags=re.I,
    )
    plan = plan_count(f"how many trips {rest}?" if rest.strip() else "how many trips?")
    if not is_plain_count(plan):
        raise CannotAnswer("the average stop length is read over the trips a vehicle, a label or days name: ask e.g. "
                           "'what was the average stop length of VAN-02 on Monday'")  # fmt: skip
    said = _UNITS[unit.group(1).lower()] if unit else "min"
    return replan(plan, action="dwell", metric="stop_s", unit=said)


# "how many stops longer than 3 minutes did the buses make": the stops, not the trips with one (set 37: 36 trips
# for 49 stops); the trips' filter min_stop_s stays (a trip with such a stop), its stops are counted
_HOW_MANY_STOPS = re.compile(
    r"\bhow\s+many\s+(?:\w+\s+)?(?:stops|halts|dwells)\b(?!\s+(?:of|on)\b)", re.I
)


def stop_times(question: str) -> str:
    """ "How many times did the buses stop for longer than 3 minutes" -> "how many stops longer than 3 minutes did the
    buses make" (set 37's paraphrase: was "did not understand 'times'")."""
    return re.sub(
        r"^\s*how\s+many\s+times\s+did\s+(.+?)\s+stop\s+(?:for\s+)?(?:longer|more)\s+than\s+([^?]+?)\s*(\?|$)",
        r"how many stops longer than \2 did \1 make\3",
        question,
        flags=re.I,
    )


def plan_stop_count(question: str, plan: QueryPlan) -> QueryPlan:
    """A count of trips with a stop longer than X asked as "how many stops longer than X" -> the stops' count."""
    if (
        plan.action == "count"
        and plan.min_stop_s is not None
        and plan.group is None
        and plan.per is None
    ):
        if _HOW_MANY_STOPS.search(question):
            return replan(plan, action="stops")
    return plan


def dwell(plan: QueryPlan, points: pl.DataFrame, chosen: pl.DataFrame) -> tuple[float, str]:
    """(the mean stop length in the plan's unit, the answer's line) over every stop of the chosen trips; for action
    "stops", (how many stops are longer than the plan's min_stop_s, the line)."""
    ids = chosen["traj_id"].cast(pl.Utf8).to_list()
    mine = points.filter(pl.col("traj_id").cast(pl.Utf8).is_in(ids))
    stops = stop_runs(with_still(steps(mine))).rename({"_stop": "s"})
    if plan.action == "stops":
        over = stops.filter(pl.col("s") > (plan.min_stop_s or 0.0))
        n_trips = over["traj_id"].n_unique() if len(over) else 0
        return float(len(over)), (f"{len(over):,} stops longer than {plan.min_stop_s or 0:g} s (each a run of steps "
                                  f"slower than 1 m/s) in {n_trips:,} of {len(chosen):,} trips")  # fmt: skip
    if len(stops) == 0:
        raise CannotAnswer(
            f"the {len(chosen)} trip(s) asked have no stop (no step slower than 1 m/s)"
        )
    scale = {"s": 1.0, "min": 60.0, "h": 3600.0}[plan.unit or "min"]
    value = float(stops["s"].mean()) / scale
    shown = f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.3g}"
    n_trips = stops["traj_id"].n_unique()
    return value, (f"{shown} {plan.unit or 'min'} (the mean of {len(stops):,} stops, each a run of steps slower "
                   f"than 1 m/s, in {n_trips:,} of {len(chosen):,} trips)")  # fmt: skip


__all__ = ["DWELL", "dwell", "plan_dwell", "plan_stop_count", "stop_times"]
