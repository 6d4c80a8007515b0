"""When a mover left and came back (session 24, ask24; ask23's leftover): "what time did V2 leave the depot on 22
October", "when did M-1000 set off on 26 March", "what time did V7 get back to the depot on 21 October".

The plan is the trips the rest of the question names (a vehicle, a day) and the action ``when``: the first trip's
start (``ascending``: left) or the last trip's end (got back), in the data's clock. Where it was is not checked (a
tour from the depot starts there; the answer says which trip it read). A place given by coordinates is refused (the
first trip there, or the first trip?).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.replan import is_plain_count, replan

_LEFT = r"(?P<left>leave|depart|set\s+off|set\s+out|head\s+out|go\s+out|start\s+out|start|begin)"
_BACK = r"(?P<back>get\s+back|come\s+back|return|arrive\s+back|finish|end\s+the\s+day|stop\s+for\s+the\s+day|land|end)"
# "the depot", "home", "its nest": where tours begin and end, named without coordinates
_BASE = r"(?:(?:the|its|his|her|their|our)\s+)?(?:depot|home|base|yard|warehouse|hub|garage|office|port|harbou?r|nest|roost|colony|dock|pier)"
WHEN = re.compile(
    rf"^\s*(?:at\s+)?(?:what\s+time|when)\s+did\s+(?P<who>\S+(?:\s+(?!(?:first|last|finally)\s)\S+)?)\s+"
    rf"(?:(?P<adverb>first|last|finally)\s+)?(?:{_LEFT}|{_BACK})\b"
    rf"(?:\s+(?:from|to|at|in)?\s*{_BASE}\b)?(?P<rest>.*)$",
    re.I,
)


# one trip's noun: "the last crossing labelled Suomenlinna end" (a ferry's; set 36)
# a fleet's own word for one (ask38: "when did the first delivery on Saturday start" was not read)
_ONE = (
    r"(?:trip|crossing|voyage|sailing|journey|tour|delivery|ride|run|job|task|drop|flight|patrol)"
)
_MOVER = r"ferry|ferries|vans?|trucks?|lorry|lorries|bus|buses|vehicles?|ships?|vessels?|boats?|bikes?|cars?|taxis?|couriers?|drivers?"
# "what time did the first sortie take off on Monday" (set 28): the fleet's first start (last end) on the trips the rest
# names, with no vehicle: "the first trip" is one trip, unlike "what time did the fleet leave"
FIRST_OF_ALL = re.compile(
    rf"^\s*(?:at\s+)?(?:what\s+time|when)\s+did\s+the\s+(?P<nth>first|last|final)\s+(?:(?:(?P<kind>(?!{_ONE}\b)[\w\-]+(?:\s+(?!{_ONE}\b)[\w\-]+)?)\s+)?{_ONE}(?:\s+(?:of|on)\s+(?P<of>[^?]+?)|\s+(?P<lab>labell?ed\s+[^?]+?))?"
    # "what time did the first van leave on Tuesday" (set 35): the fleet's first start, as "the first trip"'s
    rf"|(?P<mover>{_MOVER}))"
    rf"\s+(?:{_LEFT}|{_BACK})\b(?:\s+(?:from|to|at|in)?\s*{_BASE}\b)?(?P<rest>.*)$",
    re.I,
)


def _first_of_all(m: re.Match, plan_count: Callable[[str], QueryPlan]) -> QueryPlan:
    first = m.group("nth").lower() == "first"
    if first != (m.group("left") is not None):
        raise CannotAnswer("the start of the last trip or the end of the first is not read: ask when the first "
                           "trip started or the last one ended")  # fmt: skip
    on = (
        f"on {m.group('of')} " if m.group("of") else ""
    )  # "the first flight of Monday": its trips on Monday
    on += f"{m.group('lab')} " if m.group("lab") else ""
    kind = (
        f"{m.group('kind')} " if m.group("kind") else ""
    )  # "the last marathon runner" (set 29): its label's
    if mover := m.group(
        "mover"
    ):  # "the first van" (set 35): a van trip, every trip where every vehicle is one
        kind = (
            re.sub(r"(?:e?s)$", "", mover) + " "
            if not re.fullmatch(r"bus|vehicles?|ferry|ferries", mover, re.I)
            else ""
        )
    plan = plan_count(f"how many {kind}trips {on}{m.group('rest').strip().rstrip('?')}?")
    if not is_plain_count(plan):
        raise CannotAnswer(
            "the first trip's start is read on trips named by a day, a vehicle or a label"
        )
    return replan(plan, action="when", ascending=first)


def plan_when(question: str, plan_count: Callable[[str], QueryPlan]) -> QueryPlan | None:
    """The plan of a departure / return time, or None when the question does not ask one."""
    # "what time did my first trip start on 3 March" (a phone's owner; set 36): the first trip's
    question = re.sub(r"\bdid\s+my\s+(first|last|final)\s+", r"did the \1 ", question, flags=re.I)
    # "On Tuesday, when did the last bus get back?" (ask37b): the day said first, read as said last
    question = re.sub(r"^\s*((?:on|in|during)\s+[^,?]{1,40}),\s*((?:what\s+time|when)\b[^?]*)\??\s*$", r"\2 \1?",
                      question, flags=re.I)  # fmt: skip
    if first_of_all := FIRST_OF_ALL.search(question):
        return _first_of_all(first_of_all, plan_count)
    m = WHEN.search(question)
    if m is None:
        return None
    rest = m.group("rest").strip().rstrip("?")
    # "what time did TUG-22 first leave" (set 32): its first start; "finally get back" its last end
    if m.group("adverb") and (m.group("adverb").lower() == "first") != (
        m.group("left") is not None
    ):
        raise CannotAnswer("the start of the last trip or the end of the first is not read: ask when it "
                           "first left or last got back")  # fmt: skip
    # "what time did taxi X start its first trip", "... finish its last run" (set 25): the trip the action reads
    ordinal = re.match(r"^(?:its|his|her|their|the)\s+(?:(first)|last|final)\s+(?:trip|run|tour|journey|ride|job|shift)\b",
                       rest, re.I)  # fmt: skip
    if ordinal:
        if (ordinal.group(1) is not None) != (m.group("left") is not None):
            raise CannotAnswer("the start of the last trip or the end of the first is not read: ask when it "
                               "started its first trip or finished its last")  # fmt: skip
        rest = rest[ordinal.end() :]
    if re.search(r"\b(?:on\s+average|average|mean|typically|usually|median)\b", rest, re.I):
        # "what time did trips start on average" was the mean duration on main 6595dcc (a wrong number)
        raise CannotAnswer(
            "the usual start time is asked as 'what is the average start time of the trips'"
        )
    if re.search(r"-?\d+\.\d+\s*,\s*-?\d+\.\d+", rest):
        raise CannotAnswer("a departure time from a place given by coordinates is not read: ask 'what time did "
                           "V2 leave on 22 October' (its first trip's start)")  # fmt: skip
    plan = plan_count(f"how many trips did {m.group('who')} make {rest}?")
    if not is_plain_count(plan):
        raise CannotAnswer("a departure time is read for one vehicle's trips, e.g. on a day")
    if plan.vehicle is None and plan.trip is None:
        raise CannotAnswer("a departure time is read for one vehicle or trip: name it ('what time did V2 leave "
                           "on 22 October')")  # fmt: skip
    return replan(plan, action="when", ascending=m.group("left") is not None)


def when(plan: QueryPlan, chosen: pl.DataFrame) -> tuple[str, str]:
    """(the local time as ISO text, the line printed) of the first start or the last end of the chosen trips."""
    if len(chosen) == 0:
        return "no trips match", "no trips match"
    end = pl.col("start") + pl.duration(
        milliseconds=(pl.col("duration_s") * 1000).round(0).cast(pl.Int64)
    )
    t = chosen.with_columns(end.alias("end"))
    if plan.ascending:
        row = t.sort("start").row(0, named=True)
        at, what = row["start"], "left (its first trip's start"
    else:
        row = t.sort("end").row(-1, named=True)
        at, what = row["end"], "back (its last trip's end"
    zone = plan._zone or "UTC"
    text = f"{at:%Y-%m-%d %H:%M:%S} {zone}: {what}, trip {row['traj_id']} of {len(t)}; where it was is not checked)"
    return f"{at:%Y-%m-%dT%H:%M:%S}", text
