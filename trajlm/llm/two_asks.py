"""Questions that compare two things the plan language reads one at a time (set 39; docs/status.md open item 5):
- two periods: "did i walk more in the week of 11 may than the week of 4 may", "were there more jobs in the week of
  8 June than in the week of 1 June": each period asked on its own ("how far did i walk in the week of 11 may",
  "how many jobs were there in the week of 8 June"), then yes / no with both numbers;
- two named vehicles: "which fuel truck covered more ground, FUEL-1 or FUEL-2?": the ranking of every vehicle ("...
  covered the most ground"), then the one of the two it puts first, with both numbers.
Anything else is left to the one-plan readers (None).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from trajlm.llm.answer import Answer
from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.plan_words import UNITS

_PERIOD = r"(?:the\s+week\s+of\s+[\w\s]+?|(?:the\s+)?(?:[a-z]+day,?\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+[a-z]+|[a-z]+\s+\d{1,2}(?:st|nd|rd|th)?)|(?:[a-z]+day))"
_TWO_PERIODS = re.compile(
    rf"^\s*(?P<aux>did|do|does|were|was|have|has)\s+(?P<who>.+?)\s+more(?:\s+(?P<what>[a-z]+s))?\s+"
    rf"(?:in|on|during)\s+(?P<a>{_PERIOD})\s*,?\s+than\s+(?:(?:in|on|during)\s+)?(?P<b>{_PERIOD})\s*[?.!]*\s*$",
    re.I,
)


def two_periods(question: str) -> tuple[str, str, str, str] | None:
    """(the first period's question, the second's, the first period's words, the second's) of "did X walk more in
    A than B" / "were there more trips in A than in B"; None for any other question."""
    m = _TWO_PERIODS.match(question)
    if m is None:
        return None
    who, what, aux = m.group("who"), m.group("what"), m.group("aux").lower()
    if (
        what is not None and who.lower() == "there"
    ):  # "were there more jobs in A than in B": a count
        ask = lambda p: f"how many {what} were there in {p}?"  # noqa: E731
    elif what is not None:  # "did VAN-02 make more trips in A than B"
        verb = who.split()[-1] if len(who.split()) > 1 else "make"
        mover = " ".join(who.split()[:-1]) or who
        ask = lambda p: f"how many {what} did {mover} {verb} in {p}?"  # noqa: E731
    elif (
        aux in ("did", "do", "does") and len(who.split()) >= 2
    ):  # "did i walk more in A than B": how far
        ask = lambda p: f"how far did {who} in {p}?"  # noqa: E731
    else:
        return None
    return ask(m.group("a")), ask(m.group("b")), m.group("a"), m.group("b")


def periods_answer(first: float, second: float, a: str, b: str, unit: str) -> str:
    """ "yes: 100 trips in the week of 8 June, 90 in the week of 1 June" (more in the first than the second)."""
    said = "yes" if first > second else "no"

    def on(p: str) -> str:  # "on Monday", "on 6 May", "in the week of 8 June"
        return (
            "on" if re.search(r"day$|\d$|\d(?:st|nd|rd|th)$", p, re.I) and "week" not in p else "in"
        )

    return f"{said}: {first:,.1f} {unit} {on(a)} {a}, {second:,.1f} {unit} {on(b)} {b}".replace(
        ".0 ", " "
    )


_MORE = {"more": "the most", "fewer": "the fewest", "less": "the least", "further": "the furthest",
         "farther": "the furthest", "longer": "the longest", "shorter": "the shortest", "faster": "the fastest",
         "slower": "the slowest"}  # fmt: skip
_TWO_NAMED = re.compile(
    rf"^\s*(?P<head>(?:which|what)\s+.+?\b)(?P<more>{'|'.join(_MORE)})\b(?P<tail>.*?)\s*,?\s*"
    r"(?:(?:was\s+it|is\s+it)\s+)?(?P<x>[\w\-]+)\s+or\s+(?P<y>[\w\-]+)\s*[?.!]*\s*$",
    re.I,
)


def two_named(question: str, vehicles: dict[str, str]) -> tuple[str, str, str] | None:
    """(the ranking question, the first vehicle, the second) of "which fuel truck covered more ground, FUEL-1 or
    FUEL-2" where both are the data's vehicle ids; None otherwise."""
    m = _TWO_NAMED.match(question)
    if m is None:
        return None
    x, y = m.group("x").lower(), m.group("y").lower()
    if x not in vehicles or y not in vehicles or x == y:
        return None
    ranking = f"{m.group('head')}{_MORE[m.group('more').lower()]}{m.group('tail')}?"
    return ranking, vehicles[x], vehicles[y]


def base_unit(metric: str | None) -> str:
    """The unit a metric's values are in where none is asked ("m" of length_m, "km/h" of speed_kmh)."""
    return next((u for u, size in UNITS.get(metric or "", {}).items() if size == 1.0), "")


def compare_pair(
    pair: tuple, plan: QueryPlan, answer: Answer, run: Callable[[QueryPlan], Answer]
) -> Answer:
    """The two things ``Asker.plan`` read one at a time, compared: ("periods", the second period's plan, its words
    A, B) runs the second plan and says yes / no with both numbers; ("named", None, X, Y) keeps X's and Y's rows of
    the vehicles' ranking and names the one it puts first (a tie said; one without a matching trip has 0 of a count
    or a total, and no mean)."""
    kind, other, a, b = pair
    if kind == "periods":
        second = run(other)
        if not isinstance(answer.value, (int, float)) or not isinstance(second.value, (int, float)):
            raise CannotAnswer(f"{a} and {b}: ask about one at a time")
        unit = plan.unit or ("trips" if plan.action == "count" else base_unit(plan.metric))
        answer.text = periods_answer(float(answer.value), float(second.value), a, b, unit)
        answer.value, answer.yes_no = answer.value > second.value, False
        answer.notes = [*answer.notes, *(n for n in second.notes if n not in answer.notes)]
        return answer
    table = answer.table if answer.table is not None else pl.DataFrame()
    if "vehicle" not in table.columns or len(table.columns) < 2:
        raise CannotAnswer(f"{a} or {b}: ask about one at a time")
    rows = table.filter(pl.col("vehicle").cast(pl.Utf8).is_in([a, b]))
    value = table.columns[1]  # the ranked value (n_trips, m, ...), after the vehicle
    answer.table = rows
    if len(rows) == 2 and rows[value][0] == rows[value][1]:
        answer.value, answer.text = None, f"a tie: {a} and {b} have the same {value} (in the table)"
        return answer
    if len(rows) == 2 or (len(rows) == 1 and not plan.ascending):
        top = str(rows.row(0, named=True)["vehicle"])
        none = "" if len(rows) == 2 else f"; {b if top == a else a} has no matching trip"
    elif len(rows) == 1 and plan.action in (
        "count",
        "sum",
    ):  # the fewest / least: the one with none, 0
        there = str(rows.row(0, named=True)["vehicle"])
        top, none = (b if there == a else a), "; it has no matching trip (0)"
    else:
        raise CannotAnswer(
            f"{a} or {b}: {'neither has' if len(rows) == 0 else 'only one has'} a matching trip"
        )
    answer.value = top
    answer.text = f"{top} (of {a} and {b}; each one's value in the table{none})"
    return answer
