"""The data's own words (labels, vehicle ids, trip ids, dates ...) as the rule planner reads them:
``DataWords``, filled by the ``Asker`` from the trip table (split out of grounding.py by idea, review39b;
grounding.py reads these words out of a question, data_verbs.py reads the verbs whose meaning they change)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import polars as pl

# an id of two or three words of letters and digits (a ship's name: "SCHELDE STAR", "CMA CGM 2")
_SPACED_ID = re.compile(r"[A-Za-z][A-Za-z0-9]*(?: [A-Za-z0-9]+){1,2}")
TOKEN = re.compile(r"(?<![\w\-/.'])([A-Za-z0-9][\w\-/.]*[A-Za-z0-9]|[A-Za-z0-9])")


@dataclass(frozen=True)
class DataWords:
    """The data's labels (lower-case) and vehicle ids (lower-case -> as stored)."""

    labels: tuple[str, ...] = ()
    vehicles: dict[str, str] = field(default_factory=dict)
    trips: frozenset[str] = frozenset()
    numbers: frozenset[str] = (
        frozenset()
    )  # vehicle ids that are numbers (MMSI 227100002; session 18)
    # every trip's kind on a known one-kind layout without labels (llm/ask_data.ONE_KIND)
    kind: str | None = None
    # read from activity files (GPX, FIT, a Strava export; llm/ask_data.ACTIVITY_FORMATS)
    activities: bool = False
    # how many local dates, nights (noon to noon) the trips start on ("over the four nights": all of them; set 26)
    days: int = 0
    nights: int = 0
    # the local dates the trips start on ("last Tuesday", "the 3rd": llm/datewords.py; set 27)
    dates: tuple[date, ...] = ()
    # the local dates its nights (noon to noon) start on ("Sunday night": set 29)
    night_dates: tuple[date, ...] = ()
    # the call types its trips carry (Porto's A / B / C: llm/call_types.py; set 31), empty where there is no column
    call_types: frozenset[str] = frozenset()
    # no labels and every trip at a runner's mean speed (``run_paced``; ask37b): "runs" are every trip
    run_paced: bool = False
    # the data's own noun for its movers, from its mover column's name ("tractor", "bus_no": bus; owner_noun.py)
    owner_noun: str | None = None

    @classmethod
    def of(cls, trips: pl.DataFrame) -> DataWords:
        """From a trip table (trajlm/llm/query.py ``trip_table``)."""
        labels: tuple[str, ...] = ()
        if "mode" in trips.columns:
            labels = tuple(sorted({str(x).lower() for x in trips["mode"].drop_nulls()}))
        vehicles: dict[str, str] = {}
        numbers: set[str] = set()
        if "vehicle" in trips.columns:
            # sorted: of ids differing only in case the last in sort order is kept, on every
            # call (unique()'s order changed per call, and so did the kept spelling; evalapi35)
            for v in trips["vehicle"].drop_nulls().cast(pl.Utf8).unique().sort().to_list():
                if re.search(r"[A-Za-z]", v) and TOKEN.fullmatch(v):
                    vehicles[v.lower()] = v
                elif _SPACED_ID.fullmatch(v):  # a ship's name, "SCHELDE STAR" (set 34): read joined
                    vehicles[re.sub(r"\s+", "_", v.lower())] = v
                elif v.isdigit():
                    numbers.add(v)
                elif re.fullmatch(r"\d+[-/]\d+", v):
                    vehicles[v.lower()] = v  # a lifeboat's "17-21" (set 27): an id, read where said
        ids = frozenset(str(x).lower() for x in trips["traj_id"].to_list())
        calls = frozenset(trips["call_type"].drop_nulls().cast(pl.Utf8).unique().to_list()) if "call_type" in trips.columns else frozenset()  # fmt: skip
        return cls(labels, vehicles, ids, frozenset(numbers), call_types=calls)

    def spelling(self, mode: str, words: str) -> str:
        """The data's label for one of the planner's modes (``words``: its pattern): the mode
        itself when the data has it (or has no labels), else the one label its words name."""
        if not self.labels or mode in self.labels:
            return mode
        named = [lab for lab in self.labels if re.fullmatch(rf"(?:{words})", lab)]
        return named[0] if len(named) == 1 else mode
