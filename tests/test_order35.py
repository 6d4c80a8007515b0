"""Row order polars does not promise (order35, session 35).

A ``group_by`` without ``maintain_order=True`` returns its groups in an order that changes from
call to call (polars 2.1: "do not rely on any observed ordering"). Where the rows are then
ranked by a value that ties, the tie-break must be a column, not the groups' order: "which
vehicle made the most trips in one day" named a different vehicle (and listed the tied ones
in a different order) on each call with the same data before the ranking broke ties by
vehicle. The audit of every join / group_by / unique is in docs/testing.md "Session 35
(order35)"."""

from __future__ import annotations

import datetime as dt

import polars as pl

from trajlm.llm.daymax import pick_period
from trajlm.llm.plan import QueryPlan

N_VEHICLES = 40  # each with the same 3 trips on the same day: one tie among all of them


def _tied_fleet() -> pl.DataFrame:
    start = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
    return pl.DataFrame(
        [
            {
                "traj_id": f"{v}-{j}",
                "vehicle": f"V{v:03d}",
                "start": start + dt.timedelta(minutes=j),
            }
            for v in range(N_VEHICLES)
            for j in range(3)
        ]
    )


def test_a_tie_between_vehicles_is_answered_the_same_every_time():
    plan = QueryPlan(action="count", per="day", pick="most", group="vehicle")
    chosen = _tied_fleet()
    shuffled = [chosen.sample(fraction=1.0, shuffle=True, seed=s) for s in range(4)]
    texts = {pick_period(plan, df)[1] for df in [chosen] * 4 + shuffled}
    assert len(texts) == 1, f"{len(texts)} different answers to one question on one table"
    text = texts.pop()
    assert text.startswith("V000 3 trips on Fri 2024-03-01"), text  # ties: by vehicle name
    assert "tied: V000, V001, V002, V003" in text
