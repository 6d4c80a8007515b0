"""Tracks that last days, read day by day (session 20, ask20).

A trip table row is one trajectory. For a GPS collar, a contact-tracing app or a logger that is the
mover's whole track over days or weeks: dates, weekdays and "per day" select a trip by its start, so
"the total distance moved by all elk in March" found no trip (every collar track started on 20
February: "no trips match" for 550 km) and "the average daily distance of E02" would have been its
whole track's. A trajectory of a day or more (``LONG_S``) is a track: for a plan with dates, weekdays
or a period it is cut at the local midnights of the plan's clock into one piece per day, each step
counted on the day it began (the first fix of a day also closes the day before), so the pieces of a
track add up to the track. Its id is the mover's (``vehicle``) when the data names none. Hours of the
day cannot select parts of a track (a start hour means nothing for it), and a count of pieces is a
count of days, not trips: both are refused in one line.
"""

from __future__ import annotations

import polars as pl

from trajlm.llm.midnight import day_pieces
from trajlm.llm.plan import CannotAnswer, QueryPlan

LONG_S = 86_400.0  # a trajectory of a day or more is a track, not a trip


def long_ids(trips: pl.DataFrame) -> list[str]:
    """The traj_ids of the tracks (trajectories of ``LONG_S`` or more) where they are half the data or more: among
    voyages, a ship's 31-hour call at the port is a trip with a start (set 22: "voyages started between midnight and
    6 am on 5 May" and "in each hour of the day" were refused because 7 of 109 voyages lasted a day)."""
    long = trips.filter(pl.col("duration_s") >= LONG_S)["traj_id"].cast(pl.Utf8).to_list()
    return long if 2 * len(long) >= len(trips) else []


def with_owner(points: pl.DataFrame, ids: list[str]) -> pl.DataFrame:
    """Points whose tracks name their mover: with no vehicle / user column and every trajectory a
    track, a track's id is its mover's ("W01", a collar's animal), so "how far did W01 move" and "which
    animal ..." read it (beside shorter trips a ranking per vehicle would leave those out: not done)."""
    if not ids or {"vehicle_id", "user_id"} & set(points.columns):
        return points
    if (
        "source_traj_id" in points.columns
    ):  # a collar silent for hours: two tracks, one animal (set 22)
        return _source_owner(points, ids)
    if points["traj_id"].n_unique() != len(ids):
        return points
    own = pl.col("traj_id").cast(pl.Utf8)
    return points.with_columns(
        pl.when(own.is_in(ids)).then(own).otherwise(None).alias("vehicle_id")
    )


# a GPX file's id as the reader writes it ("<file stem>/<trk>/<seg>") and a stem that names a mover: a tag or
# unit id ("WS-01", "V3", "tag 123"), not a file named for a day or a hike
_GPX_SOURCE = r"^(?P<stem>[A-Za-z]{1,8}[-_ ]?\d{1,6})/\d+/\d+$"


def with_file_owner(points: pl.DataFrame) -> pl.DataFrame:
    """Points whose GPX files name their mover: with no vehicle / user column and every source id a GPX track of a
    file whose stem is an id ("WS-01.gpx": a tagged stork's logger, its days split at the night gaps), the stem is the
    mover (``vehicle_id``), so "how far did WS-02 fly on 12 August" and "which bird ..." read it (set 24: "no trip
    'WS-04'")."""
    if {"vehicle_id", "user_id"} & set(points.columns) or "source_traj_id" not in points.columns:
        return points
    src = points["source_traj_id"].cast(pl.Utf8)
    stems = src.str.extract(_GPX_SOURCE, 1)
    if (
        stems.null_count()
        or stems.n_unique() < 2
        or stems.n_unique() == points["traj_id"].n_unique()
    ):
        return points  # one file, or one trip per file: the trips are the movers already
    return points.with_columns(stems.alias("vehicle_id"))


# a mover's id as a source id ("P03", "U-12", "dev7"): letters then digits, not a long trip code
_MOVER_SOURCE = r"^[A-Za-z]{1,6}[-_ ]?\d{1,5}$"


def with_source_owner(points: pl.DataFrame) -> pl.DataFrame:
    """Points whose source ids name their movers: with no vehicle / user column, a phone study's ``participant_id``
    taken as the trajectory column and cut at the gaps into ``P03_0``, ``P03_1``, ... (``source_traj_id`` "P03"),
    the source is the mover (``vehicle_id``), so "how many trips did participant P03 make" reads it (newuser25:
    "did not understand 'participant P03'"; set 26). Only where the sources are mover-like ids and each was cut
    into 2 trips or more on average (a trip id cut once at a gap stays a trip)."""
    if {"vehicle_id", "user_id"} & set(points.columns) or "source_traj_id" not in points.columns:
        return points
    src = points["source_traj_id"].cast(pl.Utf8)
    sources = src.drop_nulls().unique()
    if src.null_count() or len(sources) < 2 or not sources.str.contains(_MOVER_SOURCE).all():
        return points
    if points["traj_id"].n_unique() < 2 * len(sources):
        return points
    return points.with_columns(src.alias("vehicle_id"))


def _source_owner(points: pl.DataFrame, ids: list[str]) -> pl.DataFrame:
    """The mover is the id the file gave (``source_traj_id``, kept at ingest before the gap split renamed the
    pieces ``RD-M02_0``, ``RD-M02_1``) when every piece of every source is a track or belongs to a source with one
    (set 22: a red deer's collar silent for 8 hours made two animals: "how many animals" 8 for 7)."""
    src = pl.col("source_traj_id").cast(pl.Utf8)
    owners = points.filter(pl.col("traj_id").cast(pl.Utf8).is_in(ids))["source_traj_id"]
    owners = owners.cast(pl.Utf8).drop_nulls().unique()
    if (
        points["source_traj_id"].null_count()
        or not points.select(src.is_in(owners.to_list()).all()).item()
    ):
        return (
            points
            if points["traj_id"].n_unique() != len(ids)
            else with_owner(points.drop("source_traj_id"), ids)
        )
    return points.with_columns(src.alias("vehicle_id"))


def dated(plan: QueryPlan) -> bool:
    """Whether the plan selects or groups by calendar days (then tracks are read day by day)."""
    return bool(plan.date_from is not None or plan.date_to is not None or plan.weekdays or plan.per)


def refuse_track_hours(plan: QueryPlan, chosen_ids: list[str], ids: list[str]) -> None:
    """Hours of the day on tracks, and counts of days as trips: refused in one line (module docstring)."""
    tracks = sorted(set(chosen_ids) & set(ids))
    if not tracks:
        return
    said = f"{tracks[0]}{f' and {len(tracks) - 1} more' if len(tracks) > 1 else ''}"
    if plan.hour_from is not None or plan.hour_to is not None or plan.group == "hour":
        raise CannotAnswer(f"{said} {'is a track' if len(tracks) == 1 else 'are tracks'} of a day or more: hours "
                           "of the day select a trip by its start, not parts of a track; ask by dates "
                           "('on 10 March', 'per day')")  # fmt: skip
    if plan.action in ("count", "share") and dated(plan):
        raise CannotAnswer(f"{said} {'is a track' if len(tracks) == 1 else 'are tracks'} of a day or more, read "
                           "day by day for dates: a count would count days, not trips; ask for a distance, a "
                           "duration or the number of fixes")  # fmt: skip


def pieces_note(n_tracks: int, zone: str) -> str:
    return (f"{n_tracks} track{'s' * (n_tracks != 1)} of a day or more read day by day ({zone} days): each step "
            "counts on the day it began")  # fmt: skip


def read_tracks(
    plan: QueryPlan, points: pl.DataFrame, trips: pl.DataFrame, ids: list[str]
) -> tuple[pl.DataFrame, pl.DataFrame, str | None]:
    """(points, trips, note) the plan runs on: the tracks of ``ids`` among the trips its other filters choose are
    cut into days when the plan is ``dated``; hours on them, and counts of their days, are refused."""
    if not ids:
        return points, trips, None
    from trajlm.llm.query import select_trips

    undated = {
        "hour_from": None,
        "hour_to": None,
        "date_from": None,
        "date_to": None,
        "weekdays": None,
    }
    loose = plan.model_copy(update=undated)
    chosen = select_trips(loose, points, trips)["traj_id"].cast(pl.Utf8).to_list()
    refuse_track_hours(plan, chosen, ids)
    tracks = sorted(set(chosen) & set(ids))
    if not tracks or not dated(plan):
        return points, trips, None
    zone = trips["start"].dtype.time_zone or "UTC"
    points, trips = day_pieces(points, trips, tracks, zone)
    return points, trips, pieces_note(len(tracks), zone)
