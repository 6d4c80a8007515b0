"""The data ``trajlm.ask`` reads a question on: its points (owners named, a label's "_" read as a
space), its trips in UTC and in the data's own clock, and the notes every answer on it carries.
Moved from ``Asker.__init__`` (questions.py, review40) so that reading the data and answering a
question each have a file.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import polars as pl

from trajlm.data.local_clock import fixed_offset_s
from trajlm.errors import TrajlmInputError
from trajlm.llm.ask_data import data_zone, points_notes_zone
from trajlm.llm.plan import CannotAnswer
from trajlm.llm.query import trip_table
from trajlm.llm.sports_answers import without_noisy_full_rate
from trajlm.llm.tracks import long_ids, with_file_owner, with_owner, with_source_owner


class AskedData(NamedTuple):
    """What ``asked_data`` read: ``trips`` start in ``zone``'s clock, ``trips_utc`` in UTC;
    ``long_tracks``: the ids of tracks that run for days (tracks.py); ``noisy``: the full-rate
    note (sports37), None without one."""

    points: pl.DataFrame
    notes: list[str]
    trips_utc: pl.DataFrame
    long_tracks: list[str]
    zone: str | None
    trips: pl.DataFrame
    noisy: str | None


def asked_data(
    data: Any,
    split: str | None,
    tz: str | None,
    columns: dict | None,
    time_format: str | None,
    crs: str | None,
) -> AskedData:
    """Read ``data`` (a store or a frame) for questions, as ``Asker`` takes it."""
    points, notes, own_zone = points_notes_zone(data, split, tz, columns, time_format, crs)
    if len(points) == 0:
        raise CannotAnswer("the data has no points")
    points, noisy = without_noisy_full_rate(data, points)  # sports37
    notes += [noisy] if noisy else []
    if points.schema.get("label") == pl.Utf8:  # "classic_bike" is asked as "classic bike" (set 22)
        points = points.with_columns(pl.col("label").str.replace_all("_", " "))
    trips_utc = trip_table(points)
    long_tracks = long_ids(trips_utc)
    if long_tracks:  # tracks of days: their ids name the mover (session 20)
        points = with_owner(points, long_tracks)
        trips_utc = trip_table(points)
    if (
        "vehicle_id" not in points.columns
    ):  # a GPX file per tagged bird: its stem is the mover (set 24)
        owned = with_file_owner(points)
        if owned is points:  # a phone study's participant_id cut at gaps: "P03" (set 26)
            owned = with_source_owner(points)
        if owned is not points:
            points, trips_utc = owned, trip_table(owned)
    zone = tz or data_zone(data) or own_zone
    trips = trips_utc
    if zone:  # the start in the data's own clock: hours, days and dates read there
        try:
            trips = trips.with_columns(pl.col("start").dt.convert_time_zone(zone))
        except pl.exceptions.ComputeError:
            if tz is None and fixed_offset_s(zone) is not None:  # the store's clock
                raise TrajlmInputError(  # (leftover36: not a zone the user never gave)
                    f"the store's clock is the fixed offset {zone} (--utc-offset at "
                    "ingest), which no IANA zone keeps all year and `ask` does not read "
                    "hours on yet; give --tz NAME to ask on a zone's clock") from None  # fmt: skip
            raise TrajlmInputError(f"unknown time zone {zone!r}: give an IANA name "
                                   "such as 'Europe/Paris' or an offset such as '+02:00'") from None  # fmt: skip
    return AskedData(points, notes, trips_utc, long_tracks, zone, trips, noisy)
