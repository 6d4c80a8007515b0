"""Movers compared with one of them (session 36, ask36; ask35's leftover): "which vans made more trips than
VAN-02?", "which taxis drove fewer km than LX-1042 on Monday?".

The question is planned as the per-vehicle total it compares ("how many trips did each van make", every vehicle
shown), and answered with the movers whose total is above (below) the named one's:
"2 of 4 vehicles: VAN-01 (33), VAN-04 (32); VAN-02: 29". Before, it was "did not understand 'more'". The named
mover must be one of the group asked ("which vans ... than VAN-02"), else the question is refused in one line.
"""

from __future__ import annotations

import re

import polars as pl

from trajlm.llm.plan import CannotAnswer, QueryPlan

_WHAT = (
    r"(?:[\w\-]+\s+)?(?:trips|runs|tours|journeys|voyages|crossings|rides|deliveries)|trips|runs|tours|journeys|voyages|crossings|rides|deliveries|shifts|km|kilomet(?:re|er)s|miles|mi"
    r"|nautical\s+miles|nm|hours|minutes"
)
THAN = re.compile(
    r"^\s*(?:which|what)\s+(?P<movers>[\w\-]+(?:\s+[\w\-]+)?)\s+(?P<verb>made|did|had|ran|drove|sailed|flew|covered"
    r"|travell?ed|logged|completed|walked|rode|cycled|spent)\s+(?P<cmp>more|fewer|less)\s+(?P<what>"
    + _WHAT
    + r")"
    r"(?P<mid>(?:\s+(?:driving|sailing|stopped|moving|out))?)\s+than\s+(?P<ref>[\w\-]+(?:\s+[\w\-]+)?)"
    r"(?P<rest>(?:\s+(?:on|in|during|between|after|before|from|at|over)\b.*)?)\s*\??\s*$",
    re.I,
)
_BASE = {"made": "make", "did": "do", "had": "have", "ran": "run", "drove": "drive", "sailed": "sail",
         "flew": "fly", "covered": "cover", "travelled": "travel", "traveled": "travel", "logged": "log",
         "completed": "complete", "walked": "walk", "rode": "ride", "cycled": "cycle", "spent": "spend"}  # fmt: skip
_SINGULAR = {"lorries": "lorry", "ferries": "ferry", "buses": "bus", "taxis": "taxi"}


def than_named(question: str) -> str:
    """``question`` with "which X made more trips than Y (on D)" written as the per-vehicle total it compares
    ("how many trips did each X make (on D)"); any other question as it is."""
    m = THAN.match(question)
    if m is None:
        return question
    movers = m.group("movers").lower()
    one = _SINGULAR.get(movers, re.sub(r"(?<=[^s])s$", "", movers))
    verb = _BASE[m.group("verb").lower()]
    mid = m.group("mid").strip()
    return f"how many {m.group('what')} {mid + ' ' if mid else ''}did each {one} {verb}{m.group('rest')}?"


def compared(
    question: str, plan: QueryPlan, table: pl.DataFrame | None
) -> tuple[str, list[str]] | None:
    """("k of n vehicles: A (v), ...; REF: v", [A, ...]) for a "which X ... more than REF" question answered by the
    per-vehicle ``table``; None where the question is no such comparison."""
    m = THAN.match(question)
    if m is None or plan.group != "vehicle" or table is None or "vehicle" not in table.columns:
        return None
    value = [c for c in table.columns if c not in ("vehicle", "trips")][0]
    ref = m.group("ref")
    row = table.filter(pl.col("vehicle").cast(pl.Utf8).str.to_lowercase() == ref.lower())
    if len(row) == 0:
        raise CannotAnswer(f"{ref!r} is not one of the {m.group('movers')} asked about (or has no trips then): "
                           "compare with one of them")  # fmt: skip
    mark = row[value][0]
    more = m.group("cmp").lower() == "more"
    chosen = table.filter((pl.col(value) > mark) if more else (pl.col(value) < mark))
    shown = lambda v: f"{v:,.1f}" if isinstance(v, float) else f"{v:,}"  # noqa: E731
    names = [str(v) for v in chosen["vehicle"]]
    listed = ", ".join(f"{v} ({shown(x)})" for v, x in zip(names, chosen[value], strict=True))
    head = f"{len(names)} of the {len(table) - 1} other vehicles" + (f": {listed}" if names else "")
    return f"{head}; {row['vehicle'][0]}: {shown(mark)} ({value})", names


__all__ = ["THAN", "compared", "than_named"]
