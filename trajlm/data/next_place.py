"""Where a mover goes next: a per-mover Markov chain over its places (session 32, next32).

    nxt = trajlm.next_place(gps, traj_col="participant_id", k=3)

A mover's places and visits are data/places.py's. The next place after a visit at place ``c``,
left at local time ``h`` on a weekday or a weekend day (the *slot*: weekday / weekend x six
4-hour bins of the day), is scored by counts of the mover's own earlier moves, backed off:

    P0(x)          = (n(x) + 1) / (N + |places|)              how often x was arrived at
    P1(x | c)      = (n(c -> x) + B * P0(x)) / (n(c) + B)      moves out of c
    P2(x | c, s)   = (n(c -> x in slot s) + B * P1(x | c)) / (n(c in s) + B)   (time_of_day)

with ``x = c`` left out (a visit ends where the mover leaves its place) and the rest
renormalised. No neural part: a count model whose numbers say how often the mover did this.

Measured (scripts/next32/eval_next_place.py; docs/api.md "Session 32 (next32)"): on a
40-participant x 14-day phone study, B = 1 with the time-of-day level was WORSE at top-1 than
the mover's most frequent other place (0.602 vs 0.641 over 120 participant-seeds, paired
difference -0.039, 95 % CI -0.052 to -0.026). B and the time level were then chosen on
validation days (B in 1, 3, 10, 30; with / without slots): B = 30 without slots, which on fresh
seeds ranks like "most frequent" at top-1 (0.641 both) and is level with it at top-3 (0.867 vs
0.866, CI -0.009 to +0.013). Those are the defaults: with few moves the answer is the mover's
most frequent other place, and its own move counts take over as they accumulate
(``pseudo_count`` lower trusts them sooner; ``time_of_day=True`` adds the slot level).

The question is asked at the end of a mover's fixes: its last visit is ``from_place``, the time
its last fix there was taken is the slot's time (a mover still at the place: now; one already on
its way: when it left).
"""

from __future__ import annotations

from collections import Counter
from numbers import Integral
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import polars as pl

from trajlm.data.clean_split import STOP_RADIUS_M
from trajlm.data.places import (
    PLACE_RADIUS_M,
    STOP_MINUTES,
    by_mover,
    check_radius,
    check_stop_minutes,
    mover_places,
    no_stays_error,
)
from trajlm.errors import TrajlmInputError

PSEUDO_COUNT = 30.0  # B above: chosen on validation days (module doc)
BIN_H = 4  # hours per time-of-day bin


def slots(t: np.ndarray, tz: str) -> np.ndarray:
    """The slot of each Unix time: weekend * 100 + local hour // BIN_H."""
    local = pl.from_epoch(pl.Series("t", np.asarray(t, np.int64)), "s").dt.replace_time_zone("UTC")
    local = local.dt.convert_time_zone(tz)
    weekend = (local.dt.weekday() >= 6).to_numpy().astype(np.int64)
    return weekend * 100 + local.dt.hour().to_numpy().astype(np.int64) // BIN_H


class NextPlaceModel:
    """The back-off counts of one mover's moves (module doc); ``update`` one move at a time, so
    an evaluation can walk its held-out days in order."""

    def __init__(self, n_places: int, pseudo_count: float = PSEUDO_COUNT, *,
                 use_slots: bool = True) -> None:  # fmt: skip
        self.n_places = n_places
        self.use_slots = use_slots  # False: P1 alone (the evaluation's "no time of day" row)
        self.b = pseudo_count
        self.arrived: Counter = Counter()
        self.moves: Counter = Counter()  # (c, x)
        self.slot_moves: Counter = Counter()  # (c, s, x)

    def update(self, current: int, slot: int, nxt: int) -> None:
        """Count one move from ``current`` (left in ``slot``) to ``nxt`` (-1: no known place)."""
        if nxt >= 0:
            self.arrived[nxt] += 1
        if current >= 0 and nxt >= 0:
            self.moves[current, nxt] += 1
            self.slot_moves[current, slot, nxt] += 1

    def probabilities(self, current: int, slot: int) -> np.ndarray:
        """P(next = x) for x in 0..n_places-1, ``current`` left out (0 there)."""
        x = np.arange(self.n_places)
        n = np.array([self.arrived[i] for i in x], np.float64)
        p = (n + 1) / (n.sum() + self.n_places)
        if current >= 0:
            out = np.array([self.moves[current, i] for i in x], np.float64)
            p = (out + self.b * p) / (out.sum() + self.b)
            if self.use_slots:
                out = np.array([self.slot_moves[current, slot, i] for i in x], np.float64)
                p = (out + self.b * p) / (out.sum() + self.b)
            if self.n_places > 1:
                p[current] = 0.0
        return p / p.sum()


def ranked(p: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` most probable places, ties by place number (more time there first)."""
    order = np.lexsort((np.arange(len(p)), -p))
    return order[: min(k, int((p > 0).sum()))]


def check_tz(value: Any) -> str:
    """An IANA time-zone name, or one line naming ``local_tz``."""
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise TrajlmInputError(f"local_tz must be a time-zone name such as 'Europe/Amsterdam', "
                               f"got {value!r}", field="local_tz") from None  # fmt: skip
    return str(value)


def next_place(df: Any, *, k: int = 3, radius_m: float = PLACE_RADIUS_M,
               local_tz: str | None = None, pseudo_count: float = PSEUDO_COUNT,
               time_of_day: bool = False, stop_minutes: float = STOP_MINUTES,
               stay_radius_m: float | None = None, **columns: Any) -> Any:  # fmt: skip
    """The ``k`` most probable next places of each mover of ``df`` after its last visit (module
    doc): one row per (mover, rank), in the caller's kind, with the caller's id column, ``rank``
    (1..k), ``place`` (``trajlm.places``' number), ``lat``, ``lon``, ``probability``,
    ``from_place`` (the last visit's place) and ``left_at`` (its last fix there, as the caller's
    time column has times). ``pseudo_count``: B (module doc); ``time_of_day``: add the slot
    level; ``local_tz``: the zone whose clock the slots read (default: the zone of the caller's
    datetimes, else UTC); ``stay_radius_m``: as ``trajlm.places``'. A mover with fewer than two places or no move
    between them is left out, said in one warning; no mover with a stay: one line."""
    from trajlm._arguments import COLUMN_KEYWORDS, check_keywords
    from trajlm.data.coerce import coerce
    from trajlm.data.coerce_out import from_canonical
    from trajlm.data.local_plane import refuse_plane_layout
    from trajlm.errors import warn_at_caller

    check_keywords("trajlm.next_place", columns, COLUMN_KEYWORDS)
    if isinstance(k, bool) or not isinstance(k, Integral) or k < 1:
        raise TrajlmInputError(f"k must be an integer >= 1, got {k!r}", field="k")
    radius, min_s = check_radius(radius_m), check_stop_minutes(stop_minutes)
    stay = STOP_RADIUS_M if stay_radius_m is None else check_radius(stay_radius_m, "stay_radius_m")
    b = check_radius(pseudo_count, "pseudo_count")  # a positive finite number, as a radius is
    if not isinstance(time_of_day, bool | np.bool_):
        raise TrajlmInputError(f"time_of_day must be True or False, got {time_of_day!r}",
                               field="time_of_day")  # fmt: skip
    if local_tz is not None and not time_of_day:  # before: ignored, silently (badin35)
        check_tz(local_tz)  # a name that is no zone is said as such first
        raise TrajlmInputError("local_tz (--local-tz) sets the clock of the time-of-day slots, "
                               "which are off", field="local_tz",
                               hint="also give time_of_day=True (--time-of-day), or leave "
                               "local_tz out")  # fmt: skip
    table, layout = coerce(df, validate=False, **{"split_gaps": False, **columns})
    refuse_plane_layout(table, layout)  # metres read as degrees: refused (local37)
    table, layout = by_mover(table, layout, columns, "trajlm.next_place", keep_trip=True)
    zone = local_tz if local_tz is not None else (layout.time_zone or "UTC")
    zone = check_tz(zone)
    found = mover_places(table, radius, min_s, stay)
    if not found:
        raise no_stays_error(table, "trajlm.next_place", min_s, stay)
    rows = []
    # a mover with no stay at all is left out as one with a single place is (badin33: silently)
    skipped = [m for m in table["traj_id"].unique(maintain_order=True).to_list() if m not in found]
    for mover, (places, vis) in found.items():
        place, leave = vis["place"].to_numpy(), vis["leave"].to_numpy()
        if places.height < 2 or len(place) < 2:
            skipped.append(mover)
            continue
        s = slots(leave, zone)
        model = NextPlaceModel(places.height, b, use_slots=bool(time_of_day))
        for i in range(len(place) - 1):
            model.update(int(place[i]), int(s[i]), int(place[i + 1]))
        p = model.probabilities(int(place[-1]), int(s[-1]))
        for r, x in enumerate(ranked(p, int(k)), start=1):
            rows.append((mover, r, int(x), float(places["c_lat"][int(x)]),
                         float(places["c_lon"][int(x)]), float(p[x]), int(place[-1]),
                         int(leave[-1])))  # fmt: skip
    if skipped:
        shown = ", ".join(map(str, skipped[:3])) + (
            f" and {len(skipped) - 3} more" if len(skipped) > 3 else ""
        )
        warn_at_caller(f"trajlm.next_place: {len(skipped)} mover(s) left out ({shown}): fewer "
                       "than two places or two visits, nothing to learn a next place from")  # fmt: skip
    schema = {"traj_id": table.schema["traj_id"], "rank": pl.Int64, "place": pl.Int64,
              "lat": pl.Float64, "lon": pl.Float64, "probability": pl.Float64,
              "from_place": pl.Int64, "left_at": pl.Int64}  # fmt: skip
    out = pl.DataFrame(rows, schema=schema, orient="row")
    return from_canonical(out, layout=layout, times=("left_at",))


__all__ = ["NextPlaceModel", "next_place", "ranked", "slots"]
