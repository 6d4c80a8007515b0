"""A run's halves (ask37b; set 35's leftover): "did Jonas run a negative split on his longest run?", "was A013 an
even split?". A negative split: the second half of the distance run faster than the first (a positive split: slower;
even: the two halves' times within EVEN_SHARE of the whole run's). The halves are cut at half the trip's length (the
cumulative length of its steps), the time at that mark read linearly between fixes, as splits.py reads a km. The plan
is the trips the rest of the question names (a runner, a trip, dates) with the action ``split`` and unit ``half``;
"on his longest / fastest / last run" picks one of them (``_pick``). Before, every half split was refused ("splits
are not computed")."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import polars as pl

from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.replan import is_plain_count, replan
from trajlm.llm.trips import steps

EVEN_SHARE = 0.01  # halves within 1 % of the run's time of each other are an even split
HALF_SPLIT = re.compile(
    r"\b(?:(?:run|ran|have|had|make|made|do|did|ride|rode)\s+)?(?:an?\s+)?(?P<k>negative|positive|even)\s+"
    r"(?:pace\s+)?splits?\b",
    re.I,
)
_PICK = re.compile(
    r"\b(?:on|in|for|during|over)\s+(?:his|her|their|my|your|its|the)\s+"
    r"(?P<w>longest|shortest|fastest|slowest|last|latest|first)\s+(?:run|trip|activity|race|ride|one)\b",
    re.I,
)
_WHO = re.compile(
    r"^\s*(?:did|does|do|has|have|had|was|were|is)\s+(?P<who>[\w\-]+?)(?:'s|’s)?(?=\s|$)", re.I
)
_ORDER = {"longest": ("length_m", True), "shortest": ("length_m", False), "fastest": ("speed_kmh", True),
          "slowest": ("speed_kmh", False), "last": ("start", True), "latest": ("start", True),
          "first": ("start", False)}  # fmt: skip


def plan_half_split(question: str, plan_count: Callable[[str], QueryPlan]) -> QueryPlan | None:
    """The plan of a negative / positive / even split question, or None when the question asks none."""
    m = HALF_SPLIT.search(question)
    if m is None:
        return None
    rest = (question[: m.start()] + " " + question[m.end() :]).strip().rstrip("?").strip()
    pick = _PICK.search(rest)
    if pick is not None:
        rest = rest[: pick.start()] + " " + rest[pick.end() :]
    who = _WHO.search(rest)
    bare = re.sub(r"^\s*(?:did|does|do|has|have|had|was|were|is)\b", "", rest, flags=re.I)
    asks = [f"how many trips {bare}"]  # "was A013 an even split": a trip named
    if who is not None and who.group("who").lower() not in ("i", "we", "you", "my", "the", "trip"):
        asks.insert(
            0, f"how many trips did {who.group('who')} make {rest[who.end() :]}"
        )  # a runner named
    for k, asked in enumerate(asks):
        try:
            plan = plan_count(" ".join(asked.split()) + "?")
            break
        except (
            CannotAnswer
        ) as e:  # "did 8101 run a negative split" on a bus feed: the split named in the refusal
            if k + 1 < len(asks):
                continue
            why = str(e).removeprefix("can't answer that: ")
            raise CannotAnswer(f"half splits ({m.group(0).strip()!r}) are read of the trips a runner, a trip or "
                               f"days name, and here: {why}") from None  # fmt: skip
    if not is_plain_count(plan):
        raise CannotAnswer("a negative split is read of the trips a runner, a trip or days name: ask e.g. 'did Jonas "
                           "run a negative split on his longest run'")  # fmt: skip
    out = replan(plan, action="split", unit="half")
    out._half_kind = m.group("k").lower()
    out._pick = None if pick is None else pick.group("w").lower()
    return out


def _halves(pts: pl.DataFrame) -> tuple[float, float, float] | None:
    """(metres, first half's seconds, second half's seconds) of one trip's steps; None without distance."""
    d = np.cumsum(pts["_d"].to_numpy().astype(float))
    t = pts["t"].to_numpy().astype(float)
    if len(d) < 3 or d[-1] <= 0:
        return None
    mid = float(np.interp(d[-1] / 2, d, t))
    return float(d[-1]), mid - t[0], t[-1] - mid


def _clock(seconds: float) -> str:
    s = round(seconds)
    return (
        f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )


def half_split(plan: QueryPlan, points: pl.DataFrame, chosen: pl.DataFrame) -> tuple[object, str]:
    """(yes / no for one trip, else how many of the trips; the answer's text) for a ``plan_half_split`` plan."""
    kind, pick = plan._half_kind or "negative", plan._pick
    if chosen.height == 0:
        raise CannotAnswer("no trip matches")
    said = ""
    if pick is not None:
        col, desc = _ORDER[pick]
        chosen = chosen.sort(col, descending=desc, nulls_last=True).head(1)
        said = f" (the {pick} of the trips asked)"
    ids = chosen["traj_id"].cast(pl.Utf8).to_list()
    pts = steps(points.filter(pl.col("traj_id").cast(pl.Utf8).is_in(ids)))
    lines, hits = [], 0
    for (tid,), g in pts.group_by("traj_id", maintain_order=True):
        got = _halves(g)
        if got is None:
            continue
        m, first, second = got
        even = abs(second - first) <= EVEN_SHARE * (first + second)
        is_kind = {"negative": second < first, "positive": second > first, "even": even}[kind]
        hits += is_kind
        how = "faster" if second < first else "slower"
        lines.append(f"trip {tid}{said}, {m / 1000:.2f} km: first half {_clock(first)}, second half "
                     f"{_clock(second)} ({_clock(abs(second - first))} {how})")  # fmt: skip
    if not lines:
        raise CannotAnswer("no trip asked has a distance to halve")
    rule = {"negative": "a negative split: the second half of the distance faster than the first",
            "positive": "a positive split: the second half of the distance slower than the first",
            "even": f"an even split: the halves' times within {EVEN_SHARE:.0%} of the whole"}[kind]  # fmt: skip
    if len(lines) == 1:
        return bool(hits), f"{'yes' if hits else 'no'}: {lines[0]}\n({rule})"
    return hits, f"{hits} of {len(lines)} trips: {kind} split\n" + "\n".join(
        lines[:20]
    ) + f"\n({rule})"


__all__ = ["HALF_SPLIT", "half_split", "plan_half_split"]
