"""The data's own words for the ``Asker`` (trajlm/questions.py): its labels, vehicle and trip
ids, dates and nights, one kind of trip, a runner's pace, read from the trip table (split out of
``Asker.__init__`` by idea, review39b)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polars as pl

from trajlm.llm.ask_data import ACTIVITY_FORMATS, ONE_KIND
from trajlm.llm.ask_data import read_as as _read_as
from trajlm.llm.grounding import DataWords, run_paced
from trajlm.llm.owner_noun import owner_noun


def asker_words(data: Any, trips: pl.DataFrame, long: list[str]) -> tuple[DataWords, str | None]:
    """The planner's ``DataWords`` of ``trips`` (the trip table in the data's clock; ``long``:
    the ids of tracks of days, tracks.long_ids), and the one kind of trip a known one-kind
    layout without labels has (llm/ask_data.ONE_KIND), else None."""
    words = DataWords.of(trips)  # its labels and vehicle ids ("VAN-02", "lion")
    # a track's id is its mover's ("W01"), read as the vehicle (tracks.py); so is a mover's
    # one trip ("P07": a participant's rows with no gap to cut, fix32: "did not understand")
    if own := {i.lower() for i in long} | _own_trips(trips):
        words = DataWords(
            words.labels,
            words.vehicles,
            words.trips - own,
            words.numbers,
            call_types=words.call_types,
        )
    read_as = _read_as(data) or ""
    one_kind = ONE_KIND.get(read_as) if "mode" not in trips.columns else None
    start = trips["start"]
    words = DataWords(words.labels, words.vehicles, words.trips, words.numbers, one_kind,
                      activities=read_as in ACTIVITY_FORMATS, days=start.dt.date().n_unique(),
                      nights=(start - timedelta(hours=12)).dt.date().n_unique(),
                      dates=tuple(start.dt.date().drop_nulls().unique().sort().to_list()),
                      night_dates=_night_dates(start), call_types=words.call_types,
                      run_paced=run_paced(trips), owner_noun=owner_noun(data))  # fmt: skip
    return words, one_kind


def _night_dates(start: pl.Series) -> tuple:
    """The local dates whose night (noon to the next noon) holds a trip starting between 18:00 and 06:00: "Sunday
    night" is a night shift only on data that work at night (set 29; a day shift's "Monday night" stays hours)."""
    night = start.filter((start.dt.hour() >= 18) | (start.dt.hour() < 6))
    return tuple((night - timedelta(hours=12)).dt.date().drop_nulls().unique().sort().to_list())


def _own_trips(trips: pl.DataFrame) -> set[str]:
    """The trip ids (lower-case) that are their own mover's id: a mover column with no gap to
    cut keeps each mover as one trip of its id (llm/frames.with_mover)."""
    if "vehicle" not in trips.columns:
        return set()
    own = trips.filter(pl.col("traj_id").cast(pl.Utf8) == pl.col("vehicle").cast(pl.Utf8))
    return {str(i).lower() for i in own["traj_id"].to_list()}
