"""A run's fastest (slowest) km or mile (set 36, ask36; set 35's leftover): "what was Amara's fastest km on 13
September (in minutes)?", "the slowest mile of A012". A sports scientist's split: the time of each whole km (mile)
counted from the start of a trip (km 1 from 0 to 1,000 m, km 2 from 1,000 to 2,000 m, ... by the cumulative length
of its steps, the times at those marks read linearly between fixes; a last part short of a whole km is no split),
and the answer is the shortest (longest) over the trips the rest of the question names, with the trip and the km
said. The plan is those trips with the action ``split`` (``ascending``: the fastest; ``unit`` the split's length,
km or mi). Before, every split was refused ("splits are not computed"); "negative split", "even splits" and "km
splits" (a table) still are.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import polars as pl

from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.replan import is_plain_count, replan
from trajlm.llm.trips import steps

SPLIT = re.compile(
    r"\b(?:the\s+)?(?P<w>fastest|quickest|best|slowest|worst)\s+(?:single\s+)?(?P<u>km|kilomet(?:re|er)|mile)\b"
    r"(?!\s*/|\s+(?:per|an?)\s)(?:\s+split)?",
    re.I,
)
_WHO = re.compile(r"(?P<who>[\w\-]+(?:\s+[\w\-]+)?)(?:'s|’s)\s*$", re.I)
_HEAD = re.compile(r"^\s*(?:what|how\s+(?:fast|long))(?:\s+(?:was|is|were|are)|'s|’s)?\s*", re.I)
_UNIT = re.compile(r",?\s*\b(?:in\s+)?(?:minutes|mins?|min:s|m:ss)\b", re.I)
_METRES = {"km": 1000.0, "mi": 1609.344}


def plan_split(question: str, plan_count: Callable[[str], QueryPlan]) -> QueryPlan | None:
    """The plan of a fastest / slowest km (mile) question, or None when the question asks none."""
    m = SPLIT.search(question)
    if m is None:
        return None
    before, after = question[: m.start()], question[m.end() :]
    who = _WHO.search(before)
    head = _HEAD.sub("", before[: who.start()] if who else before).strip()
    head = re.sub(
        r"^(?:my|our)$", "", head, flags=re.I
    )  # "what was my fastest km": the data's own runner
    if head:  # "which runner had the fastest km": a ranking of movers, not read
        raise CannotAnswer("the fastest km is read of one runner's trips or one trip: ask e.g. \"what was Amara's "
                           "fastest km on 13 September\"")  # fmt: skip
    rest = " ".join(_UNIT.sub(" ", after.strip().rstrip("?")).split())
    asked = (
        f"how many trips did {who.group('who')} make {rest}?" if who else f"how many trips {rest}?"
    )
    plan = plan_count(" ".join(asked.split()))
    if not is_plain_count(plan):
        raise CannotAnswer("the fastest km is read over the trips a runner, a trip or days name")
    unit = "mi" if m.group("u").lower() == "mile" else "km"
    fastest = m.group("w").lower() not in ("slowest", "worst")
    return replan(plan, action="split", unit=unit, ascending=fastest)


def split(plan: QueryPlan, points: pl.DataFrame, chosen: pl.DataFrame) -> tuple[float, str]:
    """(the split's time in minutes, the answer's line): the fastest (slowest) whole km (mile) of the chosen trips."""
    step = _METRES[plan.unit or "km"]
    ids = chosen["traj_id"].cast(pl.Utf8).to_list()
    pts = steps(points.filter(pl.col("traj_id").cast(pl.Utf8).is_in(ids)))
    best: tuple[float, str, int] | None = None
    for (tid,), g in pts.group_by("traj_id", maintain_order=True):
        d = np.cumsum(g["_d"].to_numpy())
        t = g["t"].to_numpy().astype(float)
        marks = np.arange(0.0, d[-1] + 1e-9, step)
        if len(marks) < 2:
            continue
        times = np.diff(np.interp(marks, d, t))
        k = int(np.argmin(times) if plan.ascending else np.argmax(times))
        better = best is None or (times[k] < best[0] if plan.ascending else times[k] > best[0])
        if better:
            best = (float(times[k]), str(tid), k + 1)
    if best is None:
        raise CannotAnswer(f"no trip asked is a whole {plan.unit} long")
    seconds, tid, k = best
    word = "fastest" if plan.ascending else "slowest"
    whole = round(seconds)
    said = f"{whole // 60}:{whole % 60:02d}"
    return seconds / 60, (f"{said} min ({seconds / 60:.2f} min; the {word} whole {plan.unit} of {len(chosen)} trip"
                          f"{'s' * (len(chosen) != 1)}: {plan.unit} {k} of trip {tid}, counted from its start)")  # fmt: skip


__all__ = ["SPLIT", "plan_split", "split"]
