"""An ordinal rank (ask40; docs/llm.md "Session 40 (ask40)"): "the third longest flight, in minutes", "VAN-A3's
second longest trip", "which bus did the second most kilometres", "which tractor put in the second most hours".
The question is read without the ordinal (the longest flight, the bus with the most km), then:
- a trip ranking ("top" of one trip): the trips ranked ahead of the one asked are left out and the ranking read
  again, so its first trip, value and unit are the n-th's; the first line says which rank it is;
- a ranking of movers (per vehicle): every mover's row, then the n-th one's named first.
Any other plan is refused (an ordinal of a count or a mean ranks nothing). Before, set 40 D1, C2, F2 and N2 were
refused ("did not understand 'third'"). "The second" alone ("on the second", a date) is not read here: the ordinal
must stand before a superlative.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from trajlm.llm.answer import Answer, three_digits
from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.replan import replan

_ORDINALS = {
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
}
_SUPERLATIVE = (
    r"most|least|fewest|longest|shortest|fastest|slowest|furthest|farthest|highest|lowest|biggest|largest|"
    r"smallest|greatest|quickest|busiest|quietest|earliest|latest"
)
_ORDINAL = re.compile(
    rf"(?<![\w-])(?P<o>{'|'.join(_ORDINALS)})\s+(?=(?P<s>{_SUPERLATIVE})(?![\w-]))",
    re.I,
)


def ordinal(question: str) -> tuple[str, int, str] | None:
    """(the question without the ordinal, its rank, its words: "second longest"), or None without one."""
    m = _ORDINAL.search(question)
    if m is None:
        return None
    return (
        question[: m.start()] + question[m.end() :],
        _ORDINALS[m.group("o").lower()],
        f"{m.group('o')} {m.group('s')}",
    )


def ranked_plan(plan: QueryPlan) -> QueryPlan:
    """The plan whose ranking the n-th is read from: every mover's row of a per-vehicle ranking; a one-trip
    ranking as it is; CannotAnswer for anything else."""
    if plan.group == "vehicle" and plan.per is None:
        return replan(plan, k=1000)
    if plan.action == "top" and (plan.k or 1) == 1:
        return plan
    raise CannotAnswer("an ordinal ('the second ...') is read of one trip or one mover ranked by a measure ('the "
                       "second longest trip', 'the van with the second most km'): ask for the top ones instead")  # fmt: skip


def run_nth(
    plan: QueryPlan,
    nth: tuple[int, str],
    trips: pl.DataFrame,
    run: Callable[[QueryPlan, pl.DataFrame], Answer],
) -> Answer:
    """The n-th of ``plan``'s ranking (``nth``: the rank and its words), ``run`` reading a plan over a trip table."""
    n, said = nth
    if plan.group == "vehicle":
        answer = run(plan, trips)
        table = answer.table
        if table is None or len(table) < n:
            raise CannotAnswer(
                f"the {said}: only {0 if table is None else len(table)} vehicles are ranked"
            )
        who, value, column = (
            table["vehicle"][n - 1],
            table[table.columns[1]][n - 1],
            table.columns[1],
        )
        said_value = f"{value:,}" if isinstance(value, int) else three_digits(float(value))
        unit = "trips" if column == "n_trips" else column
        answer.text = f"{who} ({said}: {said_value} {unit}; {n} of {len(table)} vehicles)\n{answer.text or ''}"
        answer.value = value
        return answer
    ahead = run(replan(plan, k=n - 1, unit=None), trips).table
    if ahead is None or len(ahead) < n - 1:
        raise CannotAnswer(f"the {said}: fewer than {n} trips match")
    rest = trips.filter(~pl.col("traj_id").is_in(ahead["traj_id"].to_list()))
    answer = run(plan, rest)
    if answer.table is None or len(answer.table) == 0:
        raise CannotAnswer(f"the {said}: fewer than {n} trips match")
    answer.n_total = (answer.n_total or 0) + n - 1
    trip = answer.table["traj_id"][0]
    mover = f" ({answer.table['vehicle'][0]})" if "vehicle" in answer.table.columns else ""
    of = f"the {said} of {answer.n_total:,} trips"
    if plan.unit is not None and answer.value is not None:
        answer.text = f"{three_digits(float(answer.value))} {plan.unit} (trip {trip}{mover}, {of})"
    else:
        row = answer.table.row(0, named=True)
        answer.text = (f"trip {trip}{mover}, {of}: {three_digits(row['length_m'] / 1000)} km, "
                       f"{three_digits(row['duration_s'] / 60)} min, {three_digits(row['speed_kmh'])} km/h")  # fmt: skip
    return answer
