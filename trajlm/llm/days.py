"""Days of data (session 24, ask24; ask23's leftover): "how many days of data do we have for WS-03", "how many days
of data were recorded for P03", "on how many days was V8 tracked".

The plan is the trips the rest of the question names (a mover, dates, a place) and the action ``days``: the distinct
calendar dates, in the data's clock (the plan's zone, else UTC), on which those trips have a fix. A trip over
midnight counts both days. Before, "days" was not understood (a refusal): a count of trips is not a count of days.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.replan import is_plain_count, replan

_DATA = r"(?:data|tracking|records?|recordings?|gps(?:\s+data)?|fixes|observations?|logging)"
_SEEN = (
    r"(?:record|track|log|recorded|tracked|logged|collected|observed|monitored|seen|active|available"
    r"|drive|drove|driven|travel(?:l?ed)?|move|moved|fly|flew|flown|sail|sailed|operate|operated|work|worked"
    r"|out|on\s+the\s+road|in\s+service|on\s+duty)"  # "on how many days was P-03 out" (set 25)
)
DAYS = re.compile(
    r"^\s*(?:on\s+|for\s+)?how\s+many\s+(?:different\s+|distinct\s+|separate\s+|calendar\s+)?days\s+"
    rf"(?:(?:of\s+{_DATA}\s+)(?P<a>.*)|(?:(?:was|were|did|has|have|is|are)\s+)(?P<b>.*?\b{_SEEN}\b.*))$",
    re.I,
)
# the words around the mover: "do we have for", "were recorded for", "are there of", "was X tracked"
_FILLER = re.compile(
    rf"\b(?:do|does|did|have|has|had|are|is|was|were|we|you|there|got|exist|in\s+the\s+data(?:set)?|{_SEEN})\b",
    re.I,
)


def plan_days(question: str, plan_count: Callable[[str], QueryPlan]) -> QueryPlan | None:
    """The plan of a count of days with data, or None when the question does not ask one."""
    m = DAYS.search(question)
    if m is None:
        return None
    rest = _FILLER.sub(" ", m.group("a") if m.group("a") is not None else m.group("b"))
    rest = re.sub(r"^\s*(?:for|of|from|by|on|with)\b", " ", rest.strip().rstrip("?"), flags=re.I)
    rest = " ".join(rest.split())
    who = re.match(
        r"^(?:(?:vehicle|vessel|ship|bird|animal|participant|user|truck|van|car|tag)\s+)?(\S+)",
        rest,
        re.I,
    )
    if who and not re.match(
        r"(?:in|on|during|between|before|after|since|until|within|near)$", who.group(1), re.I
    ):
        text = f"how many trips did {rest[: who.end()]} make {rest[who.end() :]}"
    else:
        text = f"how many trips {rest}"
    plan = plan_count(text.strip() + "?")
    if not is_plain_count(plan):
        raise CannotAnswer("days of data are counted for a mover, dates or a place: ask e.g. 'how many days of data "
                           "do we have for WS-03'")  # fmt: skip
    return replan(plan, action="days")


def count_days(plan: QueryPlan, points: pl.DataFrame, chosen: pl.DataFrame) -> int:
    """The distinct dates (in the plan's zone, else UTC) with a fix of the chosen trips."""
    pts = points.filter(pl.col("traj_id").is_in(chosen["traj_id"].implode()))
    if len(pts) == 0:
        return 0
    t = pl.from_epoch((pl.col("t").cast(pl.Float64) * 1000).cast(pl.Int64), time_unit="ms")
    t = t.dt.replace_time_zone("UTC").dt.convert_time_zone(plan._zone or "UTC")
    return int(pts.select(t.dt.date().n_unique()).item())
